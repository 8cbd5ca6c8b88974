"""Exact zero tests for closed numbers (no free symbols).

After the random-point verifier substitutes exact rationals for every
symbol, a step's difference ``lhs - rhs`` is a closed expression built from
rationals, radicals, ``exp`` and ``log``.  :func:`decide_zero` reduces it with
exact sympy arithmetic only:

* products of exponentials are merged (``e^a e^b = e^{a+b}``) and the result
  expanded, so a polynomial identity in exponentials becomes the literal
  ``0``; logarithms of products are split first (``log(AB) = log A + log B``
  when sympy proves A, B > 0), and rational functions of exponentials are
  brought to one fraction whose numerator is expanded;
* a rational combination of logarithms ``sum_i q_i log A_i`` (all ``A_i > 0``)
  is zero iff ``prod_{q_i > 0} A_i^{q_i} = prod_{q_i < 0} A_i^{-q_i}``, which is
  again a polynomial identity in exponentials and decided the same way.

A value is declared non-zero only when its 60-digit evaluation (sympy
``evalf``, which tracks its own error) has magnitude above ``1e-40``.  Anything
else is *undecided* and the step is reported as not verified.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["decide_zero", "canonical"]

#: digits of the evaluation that certifies a value non-zero
NONZERO_DIGITS = 60
#: a value whose 60-digit magnitude exceeds this (absolute) is certainly non-zero
NONZERO_ABS = sp.Rational(1, 10**40)
#: the product test for a combination of logs expands prod A_i^{k_i}; above
#: this total exponent sum_i |k_i| it is skipped (the expansion would be huge)
MAX_LOG_EXPONENT = 48


def canonical(expr: sp.Expr) -> sp.Expr:
    """Expand ``expr`` and merge exponentials into one ``exp`` per product term."""
    e = sp.expand(expr, power_exp=False, log=False)
    e = sp.powsimp(e, combine="exp", deep=True)
    return sp.expand(e, power_exp=False, log=False)


def _log_combination(expr: sp.Expr):
    """Return ``[(q, A), ...]`` if ``expr = sum q log(A)`` with rational q, else None."""
    pairs = []
    for term in sp.Add.make_args(expr):
        q, rest = term.as_coeff_Mul()
        if not (isinstance(rest, sp.log) and q.is_Rational):
            return None
        pairs.append((sp.Rational(q), rest.args[0]))
    return pairs


def _products_equal(pairs) -> bool | None:
    den = sp.ilcm(*[q.q for q, _ in pairs]) if pairs else 1
    if sum(abs(int(q * den)) for q, _ in pairs) > MAX_LOG_EXPONENT:
        return None
    pos, neg = sp.Integer(1), sp.Integer(1)
    for q, arg in pairs:
        if arg.is_positive is not True:
            return None
        k = int(q * den)
        if k > 0:
            pos *= arg**k
        elif k < 0:
            neg *= arg ** (-k)
    return canonical(pos - neg) == 0


def decide_zero(value: sp.Expr) -> bool | None:
    """Decide whether a closed expression is zero.

    Returns
    -------
    True
        exact reduction gave ``0``;
    False
        the value is certainly non-zero (exact non-zero rational, or a
        60-digit evaluation with magnitude above 1e-40);
    None
        exact reduction did not reach ``0`` and the value is numerically tiny.
    """
    if value == 0:
        return True
    if value.is_Rational:
        return False
    e = canonical(value)
    if e == 0:
        return True
    if e.is_Rational:
        return False
    # a rational function of exponentials: bring to one fraction, expand the numerator
    if canonical(sp.numer(sp.together(value))) == 0:
        return True
    # split logs of products before expansion multiplies the factors out
    if value.has(sp.log) and canonical(sp.expand_log(value)) == 0:
        return True
    e_log = sp.expand(e, log=True, force=True, power_exp=False)
    pairs = _log_combination(e_log)
    if pairs is not None and _products_equal(pairs):
        return True
    magnitude = sp.Abs(sp.N(e, NONZERO_DIGITS))
    if magnitude.is_Number and magnitude > NONZERO_ABS:
        return False
    return None
