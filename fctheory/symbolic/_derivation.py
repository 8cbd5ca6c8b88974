"""Derivation objects: ordered chains of proved steps.

A :class:`Derivation` is a tuple of :class:`Step` objects.  Each step states
an identity ``lhs = rhs`` between sympy expressions (scalars, tuples or
matrices), with a one-line justification and the paper's equation/lemma
number.  :meth:`Derivation.verify` decides every step and records *by what*:

Proofs (decided for every admissible value of the symbols):

``exact``
    ``lhs - rhs`` becomes the literal 0 after evaluating unevaluated objects
    (``Sum``, ``Derivative``, ``Limit``: ``doit()``; sums of a summand that
    does not depend on the index) and expanding, exponentials merged, logs of
    positive products split;
``simplify``
    ``sympy.simplify(lhs - rhs) == 0``;
``summation``
    ``Sum(...).doit()`` returned the closed form under a condition on a
    variable the step declares both sides analytic in (``analytic_in``); the
    condition holds on an interval, so the identity theorem extends it;
``induction``
    on the step's ``induction`` symbol: the base case decided exactly, and the
    step ``n -> n + 1`` (top terms of sums/products split off, recursive
    definitions unfolded) decided exactly, as ``D(n+1) - D(n) = 0`` or as
    ``D(n+1) = 0`` once the hypothesis ``lhs(n) = rhs(n)`` is substituted.

Evidence (not a proof):

``random-rational``
    every free symbol is replaced by an exact random value drawn from its
    :class:`~fctheory.symbolic._symbols.Domain` and the closed difference is
    reduced to exactly 0 (:func:`~fctheory.symbolic._zero.decide_zero`) at
    every point.  A non-zero value is a counterexample.

A derivation is *verified* only when every step is proved, every step either
continues the chain (its ``lhs`` is proved equal to the previous ``rhs``) or
states what it starts from (``starts_from``), and ``result`` is proved equal
to the right side of the last step.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

import sympy as sp

from ..errors import InvalidInput, VerificationError
from ._symbols import DEFAULT_DOMAINS, Domain
from ._zero import canonical, decide_zero

__all__ = ["Step", "StepCheck", "Verification", "Derivation", "METHODS"]

#: Verification methods, tried in this order.
METHODS = ("exact", "simplify", "random-rational")
#: How a step can be proved (every method but ``random-rational``, which gives evidence only).
PROOF_METHODS = ("exact", "simplify", "summation", "induction")
#: Default number of random points per step for the ``random-rational`` method.
DEFAULT_POINTS = 6
#: Steps whose difference has more operations than this skip ``simplify``
#: (which can take minutes on large expressions) and go to random points.
SIMPLIFY_MAX_OPS = 600


@dataclass(frozen=True)
class Step:
    """One identity of a derivation.

    Attributes
    ----------
    label : str
        Short unique name (``"binomial-theorem"``), used in reports.
    lhs, rhs : sympy.Expr or sympy.Matrix
        The two sides; the step claims ``lhs = rhs`` for every admissible
        value of the free symbols.  Unevaluated ``Sum``/``Derivative``/
        ``Limit`` objects are allowed and rendered as such.
    justification : str
        One line saying why the identity holds.
    reference : str
        The paper's equation, lemma or theorem number.
    given : tuple of (sympy.Expr, sympy.Expr)
        Substitutions that encode hypotheses of the step (``mu_2 = 1 - mu_1``);
        applied before checking, listed in the rendering.
    display : str
        LaTeX shown instead of ``lhs = rhs`` (for steps whose sides are large
        explicit matrices); empty to render the sides themselves.
    starts_from : str
        Empty when ``lhs`` is the previous step's ``rhs`` (the chain goes on);
        otherwise the stated definition or earlier result ``lhs`` starts from.
    analytic_in : tuple of sympy.Symbol
        Variables in which both sides are real-analytic on a connected domain;
        a symbolic sum that sympy evaluates only under a condition on these
        variables (``Piecewise``) then proves the identity everywhere (identity
        theorem: analytic functions equal on an interval are equal).
    induction : sympy.Symbol, optional
        Prove the identity by induction on this integer symbol: base case at
        ``induction_base`` and the step ``n -> n + 1``.
    induction_base : int
        The base case of the induction.
    sign : {"", "positive", "negative"}
        A further claim: ``rhs`` (with ``given`` substituted) is positive, or
        negative, for all admissible values.  Proved when its expansion is a
        sum of terms each of which sympy's assumptions prove positive (for
        ``negative``: of ``-rhs``).
    """

    label: str
    lhs: Any
    rhs: Any
    justification: str
    reference: str
    given: tuple = ()
    display: str = ""
    starts_from: str = ""
    analytic_in: tuple = ()
    induction: Any = None
    induction_base: int = 1
    sign: str = ""

    def difference(self):
        """``lhs - rhs`` with the hypotheses of ``given`` substituted."""
        diff = _as_entries_expr(self.lhs) - _as_entries_expr(self.rhs)
        return apply_given(diff, self.given)

    def latex(self) -> str:
        """``lhs = rhs`` in LaTeX (or :attr:`display` when set)."""
        if self.display:
            return self.display
        return f"{sp.latex(self.lhs)} = {sp.latex(self.rhs)}"

    def given_latex(self) -> str:
        return ", ".join(f"{sp.latex(a)} = {sp.latex(b)}" for a, b in self.given)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "lhs": sp.sstr(self.lhs),
            "rhs": sp.sstr(self.rhs),
            "latex": self.latex(),
            "justification": self.justification,
            "reference": self.reference,
            "given": [[sp.sstr(a), sp.sstr(b)] for a, b in self.given],
            "starts_from": self.starts_from,
        }


def apply_given(expr, given: tuple):
    """Substitute the hypotheses ``given``.

    A pair whose key is an indexed object with symbolic indices
    (``S[r, k] -> value``) is a rule for every index value, applied also
    inside sums over those indices: ``S[i, j]`` becomes ``value`` with
    ``r -> i, k -> j``.  Other pairs are plain substitutions.
    """
    if not given:
        return expr
    plain = []
    for key, value in given:
        if isinstance(key, sp.Indexed) and all(isinstance(i, sp.Symbol) for i in key.indices):
            def rule(a, key=key, value=value):
                return value.xreplace(dict(zip(key.indices, a.indices)))
            expr = expr.replace(lambda a, key=key: isinstance(a, sp.Indexed) and a.base == key.base
                                and len(a.indices) == len(key.indices), rule)
        else:
            plain.append((key, value))
    return expr.subs(plain) if plain else expr


@dataclass(frozen=True)
class StepCheck:
    """How one step (or one link of the chain) was decided.

    Attributes
    ----------
    label : str
        The step's label (``"result"`` for the check of the final result,
        ``"link:LABEL"`` for the check that a step's left side is the previous
        right side).
    verified : bool
        True when the identity held: proved, or not contradicted at the
        sampled points (``evidence``).
    proved : bool
        True when the identity is decided for every admissible value of its
        symbols (methods ``exact``, ``simplify``, ``summation``, ``induction``).
    method : str
        ``"exact"``, ``"simplify"``, ``"summation"``, ``"induction"`` (proofs);
        ``"random-rational"`` (evidence: exact values at sampled points only);
        ``"counterexample"`` or ``"undecided"`` otherwise.
    points : int
        Number of random points checked (0 unless random points were used).
    detail : str
        A sentence: by what it was proved, what was sampled, or the counterexample.
    seconds : float
        Wall time of the check.
    """

    label: str
    verified: bool
    method: str
    points: int
    detail: str
    seconds: float
    proved: bool = False

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "verified": self.verified,
            "proved": self.proved,
            "method": self.method,
            "by": self.detail,
            "points": self.points,
            "detail": self.detail,
            "seconds": round(self.seconds, 4),
        }


@dataclass(frozen=True)
class Verification:
    """The outcome of :meth:`Derivation.verify`.

    Attributes
    ----------
    derivation : str
        Name of the derivation.
    verified : bool
        True only if every step is proved, every link of the chain is proved
        and the result is proved equal to the right side of the last step.
    checks : tuple of StepCheck
        One per step, in order.
    failed : tuple of str
        Labels of the steps that were not proved (including evidence-only steps).
    seconds : float
        Total wall time.
    links : tuple of StepCheck
        One per step that continues the chain (``starts_from`` empty).
    result_check : StepCheck or None
        ``result`` against the right side of the last step.
    reasons : tuple of str
        Why verification failed (empty when verified).
    """

    derivation: str
    verified: bool
    checks: tuple[StepCheck, ...]
    failed: tuple[str, ...]
    seconds: float
    links: tuple[StepCheck, ...] = ()
    result_check: StepCheck | None = None
    reasons: tuple[str, ...] = ()

    @property
    def steps_total(self) -> int:
        return len(self.checks)

    @property
    def steps_proved(self) -> int:
        return sum(c.proved for c in self.checks)

    @property
    def evidence(self) -> tuple[str, ...]:
        """Labels of the steps decided by sampling alone."""
        return tuple(c.label for c in self.checks if c.verified and not c.proved)

    def raise_if_failed(self) -> None:
        """Raise :class:`~fctheory.errors.VerificationError` naming the failed steps."""
        if not self.verified:
            raise VerificationError(f"derivation {self.derivation!r} not verified: {'; '.join(self.reasons)}")

    def to_dict(self) -> dict:
        return {
            "derivation": self.derivation,
            "verified": self.verified,
            "steps_total": self.steps_total,
            "steps_proved": self.steps_proved,
            "evidence": list(self.evidence),
            "failed": list(self.failed),
            "reasons": list(self.reasons),
            "seconds": round(self.seconds, 4),
            "checks": [c.to_dict() for c in self.checks],
            "links": [c.to_dict() for c in self.links],
            "result_check": None if self.result_check is None else self.result_check.to_dict(),
        }


def _as_entries_expr(expr):
    """Tuples become column matrices and ``Eq(a, b)`` becomes ``a - b`` so that sides subtract."""
    if isinstance(expr, sp.Tuple) or isinstance(expr, tuple):
        return sp.Matrix([_as_entries_expr(e) for e in expr])
    if isinstance(expr, sp.Equality):
        return expr.lhs - expr.rhs
    return expr


def _entries(expr) -> list:
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    return [expr]


def _constant_sums(expr):
    """Sum over an index the summand does not depend on: ``sum_{v=lo}^{hi} f = (hi - lo + 1) f``.

    sympy's ``doit`` does not apply this rule to a multiple sum whose inner
    sum it cannot evaluate (``sum_{l=1}^{L} sum_b mu_b g(r_b)``).
    """
    def rule(obj):
        factor, limits = sp.Integer(1), list(obj.limits)
        for lim in list(limits):
            var, lo, hi = lim
            others = [x for x in limits if x is not lim]
            if var in obj.function.free_symbols or any(var in (a.free_symbols | b.free_symbols) for _, a, b in others):
                continue
            factor *= hi - lo + 1
            limits.remove(lim)
        if factor == 1:
            return obj
        return factor * (obj.func(obj.function, *limits) if limits else obj.function)

    return expr.replace(lambda a: isinstance(a, sp.Sum), rule)


def _evaluate(expr):
    if not hasattr(expr, "doit"):
        return expr
    if isinstance(expr, sp.Basic) and expr.has(sp.Sum):
        expr = _constant_sums(expr)
    return expr.doit(deep=True)


def _exact_zero(e) -> bool:
    e = canonical(e)
    if e == 0:
        return True
    if sp.expand(sp.numer(sp.together(e))) == 0:
        return True
    if e.has(sp.log):
        return canonical(sp.expand_log(e)) == 0
    return False


#: Objects left in an evaluated difference that ``simplify`` cannot remove:
#: ``Piecewise`` comes from symbolic sums that sympy evaluates only under a
#: convergence condition (the binomial series with symbolic L).
_UNFINISHED = (sp.Piecewise,)


def _evaluated_entries(diff):
    try:
        return [_evaluate(e) for e in _entries(diff)]
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
        return None


def _try_exact(entries) -> bool:
    try:
        return entries is not None and all(_exact_zero(e) for e in entries)
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return False


def _try_simplify(entries, max_ops: int | None) -> bool:
    if entries is None:
        return False
    try:
        for e in entries:
            if max_ops is not None and sp.count_ops(e) > max_ops:
                return False
            if sp.simplify(e) != 0 and sp.simplify(sp.expand_log(e)) != 0:
                return False
        return True
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
        return False


def _prove_zero(entries, max_ops) -> str | None:
    """``"exact"`` or ``"simplify"`` when every entry is proved 0, else None."""
    if _try_exact(entries):
        return "exact"
    if entries is not None and not any(e.has(*_UNFINISHED) for e in entries) and _try_simplify(entries, max_ops):
        return "simplify"
    return None


def _try_summation(entries, analytic_in: tuple, max_ops) -> str | None:
    """Take the first branch of each ``Piecewise`` left by ``Sum.doit()`` and prove the rest 0.

    Allowed only when the branch conditions involve nothing but the step's
    ``analytic_in`` variables: both sides are then analytic in them on a
    connected domain and agree on the set the condition describes (an
    interval), so they agree everywhere (identity theorem).
    """
    if entries is None or not analytic_in:
        return None
    conditions = []

    def first_branch(*args):
        conditions.append(args[0][1])
        return args[0][0]

    try:
        reduced = [e.replace(lambda a: isinstance(a, sp.Piecewise), lambda a: first_branch(*a.args)) for e in entries]
    except (TypeError, ValueError, AttributeError):
        return None
    if not conditions:
        return None
    allowed = set(analytic_in)
    if not all(_holds_near_zero(cnd, allowed) for cnd in conditions):
        return None
    if _prove_zero(reduced, max_ops) is None:
        return None
    shown = ", ".join(sorted({sp.sstr(cnd) for cnd in conditions}))
    names = ", ".join(sorted(str(v) for v in allowed))
    return (f"Sum(...).doit() gives the closed form on {{{shown}}}, which holds for {names} in an interval "
            f"(0, eps) (its strict form holds at {names} = 0); both sides are real-analytic in {names} on a "
            f"connected domain and agree on that interval, so they agree everywhere (identity theorem)")


def _holds_near_zero(condition, variables: set) -> bool:
    """True when ``condition`` (``a <= b``, ``a < b`` or an ``And`` of them) holds for one of ``variables``
    on an interval ``(0, eps)``: ``a - b`` is continuous and proved negative at that variable = 0."""
    parts = condition.args if isinstance(condition, sp.And) else (condition,)
    for part in parts:
        if not isinstance(part, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan)):
            return False
        gap = part.lts - part.gts
        if gap.has(sp.Sum, sp.Product, sp.Piecewise):
            return False
        if not any(gap.subs(v, 0).is_negative for v in variables if v in gap.free_symbols):
            return False
    return True


def _peel(expr, n, n_next):
    """Split the top term ``n + 1`` off every Sum/Product whose outer upper limit is ``n + 1``."""
    def rule(obj):
        var, lo, hi = obj.limits[-1]
        if sp.simplify(hi - n_next) != 0:
            return obj
        inner = obj.function if len(obj.limits) == 1 else obj.func(obj.function, *obj.limits[:-1])
        top = inner.subs(var, n_next)
        rest = obj.func(inner, (var, lo, n)) if len(obj.limits) == 1 else obj.func(obj.function, *obj.limits[:-1], (var, lo, n))
        return rest + top if isinstance(obj, sp.Sum) else rest * top

    return expr.replace(lambda a: isinstance(a, (sp.Sum, sp.Product)), rule)


def _try_induction(step: "Step", max_ops) -> str | None:
    """Induction on ``step.induction``: the base case, then ``D(n+1) - D(n) = 0`` or
    ``D(n+1) = 0`` once the hypothesis ``lhs(n) = rhs(n)`` is substituted."""
    n = step.induction
    if n is None:
        return None
    base = step.induction_base
    lhs, rhs = _as_entries_expr(step.lhs), _as_entries_expr(step.rhs)
    lhs, rhs = apply_given(lhs, step.given), apply_given(rhs, step.given)
    diff = lhs - rhs
    base_entries = _evaluated_entries(diff.subs(n, base))
    if _prove_zero(base_entries, max_ops) is None:
        return None
    m = sp.Dummy("m", integer=True, positive=True)   # n = m stands for any n >= base
    n_next = m + 1
    lhs_m, rhs_m = lhs.subs(n, m), rhs.subs(n, m)
    lhs_next = _peel_all(lhs.subs(n, n_next), m, n_next)
    rhs_next = _peel_all(rhs.subs(n, n_next), m, n_next)
    telescoping = (lhs_next - rhs_next) - (lhs_m - rhs_m)
    hypothesis = (lhs_next - rhs_next).xreplace({lhs_m: rhs_m}) if lhs_m != rhs_m else None
    for candidate, how in ((telescoping, "D(n+1) - D(n) = 0"), (hypothesis, "D(n+1) = 0 given lhs(n) = rhs(n)")):
        if candidate is None:
            continue
        entries = [_positive_products(e) for e in _entries(candidate)]
        if _prove_zero(entries, max_ops) is not None:
            return (f"induction on {n}: base case {n} = {base} proved, and the step n -> n + 1 "
                    f"({how}, top terms of the sums/products split off) proved")
    return None


def _peel_all(expr, m, n_next):
    """Peel Sums/Products and objects with a ``_peel(m, n_next)`` rule (recursive definitions)."""
    out = _peel(expr, m, n_next)
    return out.replace(lambda a: hasattr(a, "_peel"), lambda a: a._peel(m, n_next))


def _positive_products(expr):
    """Replace products of positive factors by positive symbols (so that ``log(P f) = log P + log f``)."""
    reps = {}
    for prod in expr.atoms(sp.Product):
        if prod.function.is_positive:
            reps[prod] = sp.Dummy("P", positive=True)
    return expr.xreplace(reps) if reps else expr


def _free_scalars(exprs: Iterable) -> set:
    out = set()
    for e in exprs:
        labels = {i.base.label for i in e.atoms(sp.Indexed)}
        out |= {s for s in e.free_symbols if isinstance(s, sp.Symbol) and s not in labels}
    return out


def _sample(symbol: sp.Symbol, dom: Domain | None, env: dict, rng: random.Random):
    if dom is None:
        if symbol.is_integer:
            lo = 0 if symbol.is_nonnegative and not symbol.is_positive else 1
            return sp.Integer(rng.randint(lo, 5))
        dom = Domain("rational", 0)
    lo = dom.lo.xreplace(env)
    hi = None if dom.hi is None else dom.hi.xreplace(env)
    if dom.kind == "integer":
        lo_i = int(sp.ceiling(lo))
        hi_i = int(sp.floor(hi)) if hi is not None else lo_i + 4
        return sp.Integer(rng.randint(lo_i, max(lo_i, hi_i)))
    q = sp.Rational(rng.randint(1, 24), rng.randint(1, 8))
    if hi is not None:
        # map q in (0, 24] to (lo, hi]
        return lo + (hi - lo) * q / 24
    return lo + q


def _random_points(entries: list, domains: dict, points: int, seed: int) -> tuple[bool, str, int]:
    try:
        return _random_points_unguarded(entries, domains, points, seed)
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, ZeroDivisionError) as exc:
        return False, f"undecided: evaluation at a random point failed ({type(exc).__name__}: {exc})".strip(), 0


def _random_points_unguarded(entries: list, domains: dict, points: int, seed: int) -> tuple[bool, str, int]:
    rng = random.Random(seed)
    scalars = _free_scalars(entries)
    # symbols a sampled symbol's bounds depend on are sampled too (l <= L needs L)
    needed = set(scalars)
    for s in reversed(list(domains)):
        if s in needed:
            dom = domains[s]
            needed |= dom.lo.free_symbols | (dom.hi.free_symbols if dom.hi is not None else set())
    ordered = [s for s in domains if s in needed] + sorted(
        (s for s in scalars if s not in domains), key=lambda s: s.name
    )
    for k in range(points):
        env: dict = {}
        for s in ordered:
            env[s] = _sample(s, domains.get(s), env, rng)
        for e in entries:
            v = _evaluate(e.xreplace(env))
            indexed = sorted(v.atoms(sp.Indexed), key=sp.default_sort_key)
            if indexed:
                env_i = {i: _sample(i, None, env, rng) for i in indexed}
                v = _evaluate(v.xreplace(env_i))
            if v.free_symbols:
                return False, f"undecided: symbols {sorted(map(str, v.free_symbols))} remain at point {env}", k
            verdict = decide_zero(v)
            if verdict is False:
                shown = {str(a): str(b) for a, b in env.items()}
                return False, f"counterexample at {shown}: lhs - rhs = {sp.N(v, 15)}", k + 1
            if verdict is None:
                shown = {str(a): str(b) for a, b in env.items()}
                return False, f"undecided: exact arithmetic did not reduce lhs - rhs to 0 at {shown}", k + 1
    return True, f"exactly 0 at {points} random exact points", points


def check_step(step: Step, domains: dict, *, points: int, seed: int, methods: tuple[str, ...],
               simplify_max_ops: int | None = SIMPLIFY_MAX_OPS, shortcuts: bool = True) -> StepCheck:
    """Decide one step: a proof (exact, simplify, summation, induction) or else evidence.

    The proofs are tried in that order (``methods`` restricts them; the
    summation and induction proofs run when the step declares
    ``analytic_in`` or ``induction`` and ``"simplify"`` or ``"exact"`` is
    allowed).  When none proves the identity, exact values at random points
    are computed: a non-zero value is a counterexample, all zeros make the
    step *evidence* (verified at the points, not proved).  With ``shortcuts``
    the difference is evaluated once and shared; without, every method
    starts from ``lhs - rhs``.
    """
    t0 = time.perf_counter()
    diff = step.difference()
    entries = _evaluated_entries(diff)

    sign_detail = ""
    if step.sign:
        sign_ok, sign_detail = _sign_of_sum(step)
        if not sign_ok:
            return StepCheck(step.label, False, "undecided", 0, sign_detail, time.perf_counter() - t0, False)

    def done(method, detail, *, proved=True, verified=True, n=0):
        if sign_detail and proved:
            detail = f"{detail}; {sign_detail}"
        return StepCheck(step.label, verified, method, n, detail, time.perf_counter() - t0, proved)

    if "exact" in methods and _try_exact(entries):
        return done("exact", "proved: lhs - rhs reduces to 0 by evaluation (doit) and expansion")
    if step.given and {"exact", "simplify"} & set(methods):
        # hypotheses that only bite once sums are evaluated (a Piecewise condition beta <= s_c)
        raw = _evaluated_entries(_as_entries_expr(step.lhs) - _as_entries_expr(step.rhs))
        late = None if raw is None else _evaluated_entries(apply_given(sp.Matrix(raw), step.given))
        if "exact" in methods and _try_exact(late):
            return done("exact", "proved (exact): evaluated, then the hypotheses substituted, then evaluated again and expanded")
    if "simplify" in methods:
        unfinished = entries is None or any(e.has(*_UNFINISHED) for e in entries)
        source = entries if shortcuts else _entries(diff)
        if not (shortcuts and unfinished) and _try_simplify(source, simplify_max_ops):
            return done("simplify", "proved: simplify(lhs - rhs) == 0")
    if {"exact", "simplify"} & set(methods):
        how = _try_summation(entries, tuple(step.analytic_in), simplify_max_ops)
        if how:
            return done("summation", "proved: " + how)
        how = _try_induction(step, simplify_max_ops)
        if how:
            return done("induction", "proved: " + how)
    if "random-rational" in methods:
        ok, detail, n = _random_points(entries if entries is not None else _entries(diff), domains, points, seed)
        if ok:
            return done("random-rational", "evidence only (not proved): " + detail, proved=False, n=n)
        method = "counterexample" if detail.startswith("counterexample") else "undecided"
        return done(method, detail, proved=False, verified=False, n=n)
    return done("undecided", f"not decided by method(s) {', '.join(methods)}", proved=False, verified=False)


def _sign_of_sum(step: "Step") -> tuple[bool, str]:
    """Is ``step.rhs`` (or ``-rhs``) a sum of terms each proved positive by sympy's assumptions?"""
    if step.sign not in ("positive", "negative"):
        return False, f"unknown sign claim {step.sign!r}"
    expr = apply_given(_as_entries_expr(step.rhs), step.given)
    if step.sign == "negative":
        expr = -expr
    try:
        terms = sp.Add.make_args(sp.expand(expr))
        bad = [t for t in terms if t.is_positive is not True]
    except (TypeError, ValueError, AttributeError):
        return False, "the sign claim could not be evaluated"
    if bad:
        return False, f"sign claim not proved: term {sp.sstr(bad[0])} is not provably positive"
    return True, (f"and the right side is {step.sign}: {'minus it is' if step.sign == 'negative' else 'it is'} "
                  f"a sum of {len(terms)} term(s), each positive for all admissible values")


def _check_equal(label: str, a, b, simplify_max_ops) -> StepCheck:
    """Prove ``a = b`` (a link of the chain, or the result): structural equality, exact, simplify."""
    t0 = time.perf_counter()
    try:
        diff = _as_entries_expr(a) - _as_entries_expr(b)
    except (TypeError, ValueError, sp.ShapeError) as exc:
        return StepCheck(label, False, "undecided", 0, f"the two sides cannot be compared ({exc})",
                         time.perf_counter() - t0, False)
    if all(e == 0 for e in _entries(diff)):
        return StepCheck(label, True, "exact", 0, "identical expressions", time.perf_counter() - t0, True)
    method = _prove_zero(_evaluated_entries(diff), simplify_max_ops)
    if method:
        return StepCheck(label, True, method, 0, f"proved equal ({method})", time.perf_counter() - t0, True)
    return StepCheck(label, False, "undecided", 0, "not proved equal", time.perf_counter() - t0, False)


@dataclass(frozen=True)
class Derivation:
    """An ordered chain of verified identities ending in a closed form.

    Attributes
    ----------
    name : str
        Short name (``"H"``, ``"Hstar"``, ``"type3"``, ``"threshold"``, ``"margins"``).
    title : str
        One-line title.
    summary : str
        A paragraph saying what is derived, from what, and where in the paper.
    steps : tuple of Step
        The ordered steps.
    result_name : str
        LaTeX name of the final object (``H(t)``).
    result : sympy.Expr
        The derived closed form.  The last step of every derivation built by
        fctheory states that ``result`` equals the formula as stated in the
        paper.
    arguments : tuple of sympy.Symbol
        Argument order of :func:`~fctheory.symbolic.lambdify_mp` callables.
    domains : dict
        Sampling ranges for the random-point method (defaults to
        :data:`~fctheory.symbolic._symbols.DEFAULT_DOMAINS`).
    """

    name: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    result_name: str
    result: Any
    arguments: tuple = ()
    domains: dict = field(default_factory=lambda: dict(DEFAULT_DOMAINS))

    def __post_init__(self):
        labels = [s.label for s in self.steps]
        if len(set(labels)) != len(labels):
            raise ValueError(f"duplicate step labels in derivation {self.name!r}")

    # -- access -----------------------------------------------------------
    def step(self, label: str) -> Step:
        """The step with this label."""
        for s in self.steps:
            if s.label == label:
                return s
        raise InvalidInput("label", f"one of {[s.label for s in self.steps]}", label)

    def replace_step(self, label: str, **changes) -> "Derivation":
        """A copy with one step's fields changed (``lhs=...``, ``rhs=...``)."""
        self.step(label)
        steps = tuple(replace(s, **changes) if s.label == label else s for s in self.steps)
        return replace(self, steps=steps)

    # -- verification -----------------------------------------------------
    def verify(self, *, points: int = DEFAULT_POINTS, seed: int = 0,
               methods: tuple[str, ...] = METHODS,
               simplify_max_ops: int | None = SIMPLIFY_MAX_OPS, shortcuts: bool = True,
               progress=None) -> Verification:
        """Check every step.

        Parameters
        ----------
        points : int
            Random exact points per step for the ``random-rational`` method.
        seed : int
            Seed of the point generator (each step uses ``seed`` plus its index).
        methods : tuple of str
            Subset of :data:`METHODS` to use, tried in the order of
            :data:`METHODS` (restricting them is how the benchmark measures
            baselines).
        simplify_max_ops : int or None
            Skip ``simplify`` on differences with more operations than this
            (``None``: never skip).
        shortcuts : bool
            Evaluate each difference once and skip ``simplify`` where
            evaluation left an unfinished sum or ``Piecewise`` (default);
            ``False`` runs every method from scratch (the benchmark baseline).
        progress : callable, optional
            Called as ``progress(check)`` with each :class:`StepCheck` as soon
            as it is done (the CLI drives a progress bar with it).

        Returns
        -------
        Verification
            ``verified`` is true only if every step was verified.
        """
        if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 1000:
            raise InvalidInput("points", "an integer in [1, 1000]", points)
        unknown = [m for m in methods if m not in METHODS]
        if unknown or not methods:
            raise InvalidInput("methods", f"a non-empty subset of {METHODS}", methods)
        t0 = time.perf_counter()
        checks = []
        for i, s in enumerate(self.steps):
            check = check_step(s, self.domains, points=points, seed=seed + i, methods=tuple(methods),
                               simplify_max_ops=simplify_max_ops, shortcuts=shortcuts)
            checks.append(check)
            if progress is not None:
                progress(check)
        checks = tuple(checks)
        reasons = []
        for ch in checks:
            if not ch.verified:
                reasons.append(f"step {ch.label!r} failed: {ch.detail}")
            elif not ch.proved:
                reasons.append(f"step {ch.label!r} is evidence only (decided by sampling alone)")
        links = []
        for i, s in enumerate(self.steps):
            if s.starts_from:
                continue
            if i == 0:
                reasons.append(f"step {s.label!r} is the first step but states no starting definition")
                continue
            link = _check_equal(f"link:{s.label}", s.lhs, self.steps[i - 1].rhs, simplify_max_ops)
            links.append(link)
            if not link.proved:
                reasons.append(f"step {s.label!r}: its left side is not the right side of step "
                               f"{self.steps[i - 1].label!r} and it states no starting definition")
        result_check = None
        if self.steps:
            result_check = _check_equal("result", self.result, self.steps[-1].rhs, simplify_max_ops)
            if not result_check.proved:
                reasons.append(f"the result is not proved equal to the right side of the last step "
                               f"{self.steps[-1].label!r}")
        else:
            reasons.append("no steps")
        failed = tuple(c.label for c in checks if not c.proved)
        return Verification(self.name, not reasons, checks, failed, time.perf_counter() - t0,
                            tuple(links), result_check, tuple(reasons))

    # -- rendering --------------------------------------------------------
    def result_latex(self) -> str:
        return sp.latex(self.result)

    def to_latex(self) -> str:
        r"""The chain as a LaTeX ``align*`` environment, one numbered line per step.

        Each line is ``lhs &= rhs`` followed by ``\tag*{(reference)}`` and a
        comment line with the label and justification.
        """
        lines = [r"\begin{align*}"]
        for i, s in enumerate(self.steps, 1):
            lines.append(f"% ({i}) {s.label}: {s.justification} [{s.reference}]")
            given = f" \\quad \\text{{given }} {s.given_latex()}" if s.given else ""
            sep = r" \\" if i < len(self.steps) else ""
            body = s.latex().replace(" = ", " &= ", 1)
            lines.append(f"{body}{given} \\tag*{{({i}) {_latex_text(s.reference)}}}{sep}")
        lines.append(r"\end{align*}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "summary": self.summary,
            "result_name": self.result_name,
            "expression": sp.sstr(self.result),
            "latex": self.result_latex(),
            "arguments": [str(a) for a in self.arguments],
            "steps": [s.to_dict() for s in self.steps],
        }


def _latex_text(text: str) -> str:
    return text.replace("\\", "").replace("&", r"\&").replace("%", r"\%").replace("_", r"\_")


def annotate(steps: tuple, per_label: dict) -> tuple:
    """``steps`` with fields changed per label: ``annotate(steps, {"binomial-theorem": dict(analytic_in=(x,))})``.

    A string value is shorthand for ``dict(starts_from=value)``; an unknown label raises ``ValueError``.
    """
    known = {s.label for s in steps}
    changes = {k: (dict(starts_from=v) if isinstance(v, str) else v) for k, v in per_label.items()}
    unknown = set(changes) - known
    if unknown:
        raise ValueError(f"no step(s) {sorted(unknown)}")
    return tuple(replace(s, **changes[s.label]) if s.label in changes else s for s in steps)
