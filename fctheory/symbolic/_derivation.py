"""Derivation objects: ordered, machine-checked steps.

A :class:`Derivation` is a tuple of :class:`Step` objects.  Each step states
an identity ``lhs = rhs`` between sympy expressions (scalars or matrices),
with a one-line justification and the paper's equation/lemma number.
:meth:`Derivation.verify` checks every step and records *which method
decided it*:

``exact``
    ``lhs - rhs`` becomes the literal 0 after evaluating unevaluated objects
    (``Sum``, ``Derivative``, ``Limit``: ``doit()``) and expanding, with
    exponentials merged;
``simplify``
    ``sympy.simplify(lhs - rhs) == 0``;
``random-rational``
    simplification could not decide, so every free symbol is replaced by an
    exact random value drawn from its :class:`~fctheory.symbolic._symbols.Domain`
    (integers for sizes, rationals for magnitudes) and the closed difference
    is reduced to exactly 0 with exact arithmetic
    (:func:`~fctheory.symbolic._zero.decide_zero`) at every point.

A step fails when a point gives a certainly non-zero difference (the point is
reported) or when no method decides it (reported as undecided).
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
    """

    label: str
    lhs: Any
    rhs: Any
    justification: str
    reference: str
    given: tuple = ()
    display: str = ""

    def difference(self):
        """``lhs - rhs`` with the hypotheses of ``given`` substituted."""
        diff = self.lhs - self.rhs
        if self.given:
            diff = diff.subs(list(self.given))
        return diff

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
        }


@dataclass(frozen=True)
class StepCheck:
    """How one step was verified.

    Attributes
    ----------
    label : str
        The step's label.
    verified : bool
        True when a method decided that ``lhs - rhs`` is identically zero.
    method : str
        ``"exact"``, ``"simplify"`` or ``"random-rational"`` when verified;
        ``"counterexample"`` (a point gave a non-zero difference) or
        ``"undecided"`` otherwise.
    points : int
        Number of random points checked (0 unless random points were used).
    detail : str
        A sentence: what was shown, or the counterexample.
    seconds : float
        Wall time of the check.
    """

    label: str
    verified: bool
    method: str
    points: int
    detail: str
    seconds: float

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "verified": self.verified,
            "method": self.method,
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
        True only if every step was verified.
    checks : tuple of StepCheck
        One per step, in order.
    failed : tuple of str
        Labels of the steps that were not verified.
    seconds : float
        Total wall time.
    """

    derivation: str
    verified: bool
    checks: tuple[StepCheck, ...]
    failed: tuple[str, ...]
    seconds: float

    def raise_if_failed(self) -> None:
        """Raise :class:`~fctheory.errors.VerificationError` naming the failed steps."""
        if not self.verified:
            details = "; ".join(f"{c.label}: {c.detail}" for c in self.checks if not c.verified)
            raise VerificationError(
                f"derivation {self.derivation!r}: step(s) {', '.join(self.failed)} not verified ({details})"
            )

    def to_dict(self) -> dict:
        return {
            "derivation": self.derivation,
            "verified": self.verified,
            "failed": list(self.failed),
            "seconds": round(self.seconds, 4),
            "checks": [c.to_dict() for c in self.checks],
        }


def _entries(expr) -> list:
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    return [expr]


def _evaluate(expr):
    return expr.doit(deep=True) if hasattr(expr, "doit") else expr


def _exact_zero(e) -> bool:
    e = canonical(e)
    if e == 0:
        return True
    return sp.expand(sp.numer(sp.together(e))) == 0


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
            if sp.simplify(e) != 0:
                return False
        return True
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
        return False


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
    """Verify one step with the given methods, in the order of :data:`METHODS`.

    With ``shortcuts``, the difference is evaluated (``doit``) once and shared
    by the symbolic methods, and ``simplify`` is skipped when evaluation left
    an unfinished sum/limit/``Piecewise`` (simplify cannot decide those; the
    random points can).  Without, every method starts from ``lhs - rhs``.
    """
    t0 = time.perf_counter()
    diff = step.difference()
    entries = _evaluated_entries(diff) if shortcuts else None
    if "exact" in methods and _try_exact(entries if shortcuts else _evaluated_entries(diff)):
        return StepCheck(step.label, True, "exact", 0,
                         "lhs - rhs reduces to 0 by evaluation and expansion",
                         time.perf_counter() - t0)
    if "simplify" in methods:
        if shortcuts:
            unfinished = entries is None or any(e.has(*_UNFINISHED) for e in entries)
            ok = not unfinished and _try_simplify(entries, simplify_max_ops)
        else:
            ok = _try_simplify(_entries(diff), simplify_max_ops)
        if ok:
            return StepCheck(step.label, True, "simplify", 0, "simplify(lhs - rhs) == 0",
                             time.perf_counter() - t0)
    if "random-rational" in methods:
        if entries is None:
            entries = _evaluated_entries(diff)
        ok, detail, n = _random_points(entries if entries is not None else _entries(diff), domains, points, seed)
        if ok:
            return StepCheck(step.label, True, "random-rational", n,
                             "simplification did not decide; " + detail, time.perf_counter() - t0)
        method = "counterexample" if detail.startswith("counterexample") else "undecided"
        return StepCheck(step.label, False, method, n, detail, time.perf_counter() - t0)
    return StepCheck(step.label, False, "undecided",
                     0, f"not decided by method(s) {', '.join(methods)}", time.perf_counter() - t0)


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
        failed = tuple(c.label for c in checks if not c.verified)
        return Verification(self.name, not failed, checks, failed, time.perf_counter() - t0)

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
