"""Theorem 2's equations 7-8 as stateless evaluations: the inner and outer functions of proposition D.

Variables (appendix F): ``c > 0`` is the norm of every U block, ``ρ_b = r_b / c``,
``y_b = log ρ_b``, ``k = n_c c^2/(n_c - 1)`` and ``u_b = k ρ_b = n_c c r_b/(n_c - 1)``.

* **Inner function** (eq. 7, eq. 151, one per distinct word frequency), in logs:

  .. math::

      f(y) = y + \\log\\bigl(n_c - 1 + e^{u}\\bigr) - \\log\\frac{\\mu_b L}{\\lambda} = 0,
      \\qquad u = k e^{y},

  convex and increasing in ``y`` with ``f'(y) = 1 + u q >= 1``,
  ``q = 1/(1 + (n_c - 1) e^{-u})``; its root ``ρ_b(c)`` is unique and
  decreases in ``c`` with elasticity ``d log ρ_b / d log c = -2uq/(1 + uq)``
  (implicit differentiation of eq. 7).
* **Outer function** (eq. 8, eq. 152):

  .. math::

      \\Psi(c) = \\log \\sum_b \\rho_b(c)^2 - \\log\\bigl(L n_c^{L-1}\\bigr),

  decreasing in ``c``, with a unique root iff eq. 9 holds (proposition D).

Words with equal ``μ_b`` share ``ρ_b``, so everything is computed per distinct
frequency (:class:`WordGroups`).  The inner Newton iteration is written once for
both arithmetics it runs in: mpmath at the working precision, and float64 numpy
vectorised over the groups (the presolve, :mod:`._type3_solve`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np

from ..errors import VerificationError
from ..setting import Setting

__all__ = [
    "INNER_STEP_ULPS",
    "MAX_INNER_STEPS",
    "FAR_STEP",
    "WordGroups",
    "Type3Equations",
    "type3_equations",
    "inner_upper_bound",
    "solve_inner",
    "OuterEvaluation",
    "evaluate_outer",
    "Type3Residuals",
    "type3_residuals",
    "reduced_risk",
    "MP_ARITHMETIC",
    "FLOAT64_ARITHMETIC",
]

#: Newton on the inner equation (eq. 7) stops after a step with
#: ``|Δy| <= INNER_STEP_ULPS * eps * max(1, |y|)`` (``eps``: the unit roundoff of
#: the arithmetic, ``mpmath.eps`` or float64's).  The step bounds the error of
#: the iterate it started from; convergence is quadratic there, so the returned
#: iterate is within rounding error of the root ``log ρ_b``.
INNER_STEP_ULPS = 8

#: At most this many Newton steps per inner solve.  From a start right of the
#: root (:func:`inner_upper_bound`, or the previous outer evaluation's root
#: capped by it) the iterates decrease monotonically; while ``u`` exceeds its
#: value at the root by a factor ``U``, each step lowers ``y`` by about 1, so
#: about ``log U`` steps are needed.
MAX_INNER_STEPS = 400


#: A Newton step on eq. 7 larger than this (in ``log ρ``) marks an iterate far
#: from the root: far right, each step lowers ``y`` by just under 1 while
#: ``u >> 1``; from far left the first step overshoots right.  Such iterates
#: are capped at :func:`inner_upper_bound`.  Near the root steps are far smaller
#: (quadratic convergence), so the cap is never computed on warm starts.
FAR_STEP = 0.5


class InnerNotConverged(ArithmeticError):
    """Newton on eq. 7 did not meet :data:`INNER_STEP_ULPS` within :data:`MAX_INNER_STEPS` steps."""


@dataclass(frozen=True)
class _Arithmetic:
    """The few operations the inner iteration needs, for scalars (mpmath) or arrays (numpy)."""

    exp: Callable
    log: Callable
    log1p: Callable
    maximum: Callable  # elementwise
    minimum: Callable  # elementwise
    size: Callable  # the largest absolute value of a scalar or an array
    eps: Callable  # the unit roundoff (mpmath's depends on the current precision)


#: mpmath point arithmetic at the current precision (one group at a time).
MP_ARITHMETIC = _Arithmetic(mpmath.exp, mpmath.log, mpmath.log1p, max, min, abs, lambda: mpmath.eps)
#: float64 numpy arithmetic, vectorised over the groups (the presolve).
FLOAT64_ARITHMETIC = _Arithmetic(
    np.exp, np.log, np.log1p, np.maximum, np.minimum, lambda v: float(np.max(np.abs(v))),
    lambda: float(np.finfo(float).eps),
)


def _inner_terms(arith: _Arithmetic, log_k, y, n1):
    """``(u, e^{-u}, q)`` at ``y``: ``u = k e^y``, ``q = 1/(1 + (n_c-1) e^{-u})``."""
    u = arith.exp(log_k + y)
    e = arith.exp(-u)
    return u, e, 1 / (1 + n1 * e)


def inner_upper_bound(arith: _Arithmetic, log_k, target, n_c: int):
    """A start right of the root of eq. 7 (Newton then decreases monotonically).

    Two upper bounds of ``y = log ρ``: ``log(μL/λ) - log n_c`` (``ρ(c) <= ρ(0^+)``),
    and, as ``y + u <= log(μL/λ)`` (eq. 7 with ``log(n_c-1+e^u) >= u``) means
    ``u + log u <= z = log(μL/λ) + log k``, i.e. ``u <= W(e^z)`` (Lambert W),
    ``log W_1 - log k`` with ``W_1 = z' - log(z' - log z') >= W(e^{z'})``,
    ``z' = max(z, 2)`` (one fixed-point step of ``W = z - log W`` from below).
    The second is close when ``u >> 1`` (small λ, large ``c``), where the
    first start would cost about ``log u`` Newton steps.
    """
    z = arith.maximum(target + log_k, 2)
    w1 = z - arith.log(z - arith.log(z))
    return arith.minimum(target - arith.log(n_c), arith.log(w1) - log_k)


def solve_inner(arith: _Arithmetic, log_k, target, n_c: int, start=None):
    """The root ``y = log ρ`` of eq. 7 in logs, by Newton kept right of the root.

    ``f(y) = y + u + log1p((n_c-1) e^{-u}) - log(μ L/λ)`` (``log(n_c-1+e^u)``
    written so that a large ``u`` cannot overflow), ``f' = 1 + u q``.  ``f`` is
    convex and increasing, so from the right of the root Newton decreases
    monotonically to it, and from the left its first step lands right of it.
    While a step exceeds :data:`FAR_STEP` the iterate is capped at
    :func:`inner_upper_bound` (computed then), so that a far warm start costs a
    few steps, not ``log u``.

    Parameters
    ----------
    arith : _Arithmetic
        :data:`MP_ARITHMETIC` (scalars) or :data:`FLOAT64_ARITHMETIC`
        (arrays: every group at once).
    log_k : scalar
        ``log k = log(n_c/(n_c-1)) + 2 log c``.
    target : scalar or array
        ``log(μ_b L / λ)``.
    n_c : int
    start : scalar or array, optional
        A warm start (default: the upper bound).

    Raises
    ------
    InnerNotConverged
        After :data:`MAX_INNER_STEPS` steps.
    """
    upper = None if start is not None else inner_upper_bound(arith, log_k, target, n_c)
    y = upper if start is None else start
    n1 = n_c - 1
    tol = INNER_STEP_ULPS * arith.eps()
    for _ in range(MAX_INNER_STEPS):
        u, e, q = _inner_terms(arith, log_k, y, n1)
        step = (y + u + arith.log1p(n1 * e) - target) / (1 + u * q)
        y = y - step
        size = arith.size(step)
        if size > FAR_STEP:
            if upper is None:
                upper = inner_upper_bound(arith, log_k, target, n_c)
            y = arith.minimum(y, upper)
        elif size <= tol * max(1, arith.size(y)):
            return y
    raise InnerNotConverged("type-III inner equation (eq. 7) did not converge")


# --------------------------------------------------------------------------- groups
@dataclass(frozen=True)
class WordGroups:
    """The words grouped by frequency (eq. 7 depends on a word only through ``μ_b``).

    Attributes
    ----------
    word_group : tuple of int
        ``word_group[b]`` is the group of word ``b`` (0-based).
    weights : tuple of int
        The number of words in each group.
    representative : tuple of int
        The first word of each group.
    """

    word_group: tuple
    weights: tuple
    representative: tuple

    @classmethod
    def of(cls, setting: Setting) -> "WordGroups":
        """Group by exact value (rational laws) or by value at the current
        mpmath precision (an irrational Zipf law)."""
        exact = setting.mu.exact()
        values = exact if exact is not None else setting.mu.mp()
        index: dict = {}
        word_group = []
        representative = []
        for b, v in enumerate(values):
            if v not in index:
                index[v] = len(index)
                representative.append(b)
            word_group.append(index[v])
        weights = [0] * len(index)
        for g in word_group:
            weights[g] += 1
        return cls(tuple(word_group), tuple(weights), tuple(representative))

    def pick(self, per_word) -> list:
        """One value per group (that of its representative word) from per-word values."""
        return [per_word[b] for b in self.representative]

    def spread(self, per_group) -> tuple:
        """Per-word values from one value per group."""
        return tuple(per_group[g] for g in self.word_group)


# --------------------------------------------------------------------------- equations
@dataclass(frozen=True)
class Type3Equations:
    """The constants of eq. 7-8 at one mpmath precision.

    Attributes
    ----------
    n_c, L : int
    weights : tuple of int
        Words per group (:class:`WordGroups`).
    mu : tuple of mpf
        ``μ`` of each group.
    targets : tuple of mpf
        ``log(μ_g L / λ)``, the right side of eq. 7 in logs.
    log_T : mpf
        ``log(L n_c^{L-1})``, the right side of eq. 8 in logs.
    log_kfactor : mpf
        ``log(n_c/(n_c-1))`` (``log k = log_kfactor + 2 log c``).
    """

    n_c: int
    L: int
    weights: tuple
    mu: tuple
    targets: tuple
    log_T: mpmath.mpf
    log_kfactor: mpmath.mpf


def type3_equations(setting: Setting, groups: WordGroups) -> Type3Equations:
    """:class:`Type3Equations` at the current mpmath precision."""
    n, L = setting.n_c, setting.L
    lam = setting.lam_mp()
    mu = tuple(groups.pick(setting.mu.mp()))
    targets = tuple(mpmath.log(m * L / lam) for m in mu)
    log_T = mpmath.log(L) + (L - 1) * mpmath.log(n)
    return Type3Equations(n, L, groups.weights, mu, targets, log_T, mpmath.log(mpmath.mpf(n) / (n - 1)))


@dataclass(frozen=True)
class OuterEvaluation:
    """The outer function of eq. 8 at one ``c``, with the inner solutions it used.

    Attributes
    ----------
    c : mpf
    psi : mpf
        ``Ψ(c) = log Σ_b ρ_b(c)^2 - log(L n_c^{L-1})`` (decreasing in ``c``).
    slope : mpf
        ``dΨ/d log c = Σ_b 2 ρ_b^2 ε_b / Σ_b ρ_b^2`` (negative).
    log_rho : tuple of mpf
        ``log ρ_g(c)``, the inner roots (eq. 7), one per group.
    elasticity : tuple of mpf
        ``ε_g = d log ρ_g / d log c = -2uq/(1 + uq)`` at ``c``.
    """

    c: mpmath.mpf
    psi: mpmath.mpf
    slope: mpmath.mpf
    log_rho: tuple
    elasticity: tuple

    @property
    def rho(self) -> tuple:
        """``ρ_g(c) = r_g / c``, one per group."""
        return tuple(mpmath.exp(y) for y in self.log_rho)


def evaluate_outer(eqs: Type3Equations, c, near: "OuterEvaluation | None" = None) -> OuterEvaluation:
    """``Ψ(c)`` and ``dΨ/d log c`` (eq. 8), every inner equation (eq. 7) solved by Newton.

    Parameters
    ----------
    eqs : Type3Equations
        At the current mpmath precision.
    c : mpf, positive
    near : OuterEvaluation, optional
        An evaluation at a nearby ``c'``: the inner solves start from its roots
        moved to first order, ``log ρ_g(c') + ε_g(c') log(c/c')``.
    """
    x = mpmath.log(c)
    log_k = eqs.log_kfactor + 2 * x
    n1 = eqs.n_c - 1
    if near is None:
        start = [None] * len(eqs.targets)
    else:
        shift = x - mpmath.log(near.c)
        start = [y + e * shift for y, e in zip(near.log_rho, near.elasticity)]
    try:
        ys = tuple(solve_inner(MP_ARITHMETIC, log_k, t, eqs.n_c, y) for t, y in zip(eqs.targets, start))
    except InnerNotConverged as exc:
        raise VerificationError(str(exc)) from None
    terms = [w * mpmath.exp(2 * y) for w, y in zip(eqs.weights, ys)]
    total = mpmath.fsum(terms)
    elasticity = []
    for y in ys:
        u, _, q = _inner_terms(MP_ARITHMETIC, log_k, y, n1)
        elasticity.append(-2 * u * q / (1 + u * q))
    slope = mpmath.fsum(2 * t * e for t, e in zip(terms, elasticity))
    return OuterEvaluation(c, mpmath.log(total) - eqs.log_T, slope / total, ys, tuple(elasticity))


# --------------------------------------------------------------------------- checks
@dataclass(frozen=True)
class Type3Residuals:
    """The relative residuals of theorem 2's equations at ``(c, ρ)``.

    Attributes
    ----------
    eq7 : mpf
        :math:`\\max_b |(\\lambda/L)\\rho_b(n_c - 1 + e^{n_c c^2 \\rho_b/(n_c-1)})/\\mu_b - 1|`.
    eq8 : mpf
        :math:`|\\sum_b \\rho_b^2 / (L n_c^{L-1}) - 1|`.
    """

    eq7: mpmath.mpf
    eq8: mpmath.mpf

    @property
    def largest(self) -> mpmath.mpf:
        return max(self.eq7, self.eq8)


def type3_residuals(setting: Setting, groups: WordGroups, c, rho) -> Type3Residuals:
    """:class:`Type3Residuals` of ``c`` and ``rho`` (one per group), at the current precision."""
    n, L = setting.n_c, setting.L
    mus = setting.mu.mp()
    lam = setting.lam_mp()
    eq7 = max(abs((lam / L) * rho[g] * (n - 1 + mpmath.exp(n * c * c * rho[g] / (n - 1))) / mus[b] - 1)
              for b, g in enumerate(groups.word_group))
    total = mpmath.fsum(w * rg * rg for w, rg in zip(groups.weights, rho))
    eq8 = abs(total / (L * mpmath.mpf(n) ** (L - 1)) - 1)
    return Type3Residuals(eq7, eq8)


def reduced_risk(ctx, setting: Setting, c, rs, mus, lam, log1p):
    """``F(c, r)`` of appendix F in the arithmetic of ``ctx`` (point or interval):

    .. math::

        F(c, r) = L \\sum_b \\mu_b \\log\\bigl(1 + (n_c-1) e^{-n_c c r_b/(n_c-1)}\\bigr)
                  + \\frac{\\lambda}{2}\\Bigl(n_c \\sum_b r_b^2 + K L c^2\\Bigr)
    """
    n, L = setting.n_c, setting.L
    data = sum([mu * log1p((n - 1) * ctx.exp(-n * c * rb / (n - 1))) for mu, rb in zip(mus, rs)], ctx.mpf(0))
    reg = n * sum([rb * rb for rb in rs], ctx.mpf(0)) + setting.K * L * c * c
    return L * data + lam / 2 * reg


def float_log_mu(setting: Setting, groups: WordGroups) -> np.ndarray:
    """``log μ_g`` in float64 (exact rationals through their integer parts, so
    ``μ = 1e-30`` stays accurate)."""
    exact = setting.mu.exact()
    if exact is not None:
        return np.array([math.log(v.numerator) - math.log(v.denominator) for v in groups.pick(exact)])
    return np.array([float(mpmath.log(v)) for v in groups.pick(setting.mu.mp())])
