"""Derivation objects: chains of proved steps that start from the definitions.

A :class:`Derivation` holds the :class:`~fctheory.symbolic._rules.Definition` objects it
starts from and a tuple of :class:`Step` objects.  Each step states an identity
``lhs = rhs`` (scalars, tuples or matrices), the substitutions it uses (``given``:
definitions and earlier steps, by name) and its :class:`Link`: how its left side
comes from what is already established.

:meth:`Derivation.verify` decides, for every step,

* the identity (:mod:`~fctheory.symbolic._prove`: exact, simplify, summation with its
  analyticity proved, induction from its base; random points give evidence only);
* the link, exactly: the left side *is* the previous right side, or the value of a
  template built from earlier results and definitions, or a sub-expression of an
  earlier result, or what a computation from a definition gives (an explicit frame);
* that every ``given`` names a definition, an earlier step or a chain of earlier steps;

and for the derivation: the definitions' claimed ranges (proved from their values),
the values taken from other derivations (compared with them), and that the result is
the right side of the result step, whose chain of links goes back to the definition
the derivation is about (``start``).  A derivation is *verified* only when all of
this is proved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import sympy as sp

from ..errors import InvalidInput, VerificationError
from ._normal import interval
from ._prove import (SIMPLIFY_MAX_OPS, as_entries_expr, entries, prepare, prove_zero, random_points,
                     sign_of_sum, try_induction, try_summation)
from ._rules import INDEX_SYMBOLS, Definition, Rule, as_use
from ._steps import Link, Step, StepCheck, built, computed, from_ref, previous, subterm
from ._symbols import DEFAULT_DOMAINS

__all__ = ["Step", "Link", "StepCheck", "Verification", "Derivation", "METHODS", "PROOF_METHODS", "DEFAULT_POINTS",
           "previous", "built", "from_ref", "subterm", "computed"]

#: Verification methods, tried in this order.
METHODS = ("exact", "simplify", "random-rational")
#: How a step can be proved (every method but ``random-rational``, which gives evidence only).
PROOF_METHODS = ("exact", "simplify", "summation", "induction")
#: Default number of random points per step for the ``random-rational`` method.
DEFAULT_POINTS = 6


@dataclass(frozen=True)
class Verification:
    """The outcome of :meth:`Derivation.verify`.

    Attributes
    ----------
    derivation : str
    verified : bool
        True only if every step and every link is proved, every definition claim
        holds, the result is the right side of the result step and that step's
        chain goes back to the derivation's starting definition.
    checks : tuple of StepCheck
        One per step, in order.
    failed : tuple of str
        Labels of the steps not proved (including evidence-only steps).
    seconds : float
    links : tuple of StepCheck
        One per step (``"link:LABEL"``), in order.
    result_check : StepCheck or None
    reasons : tuple of str
        Why verification failed (empty when verified).
    definition_checks : tuple of StepCheck
        The definitions' range claims and values taken from other derivations.
    root : tuple of str
        The sources of the first link of the chain that ends at the result step.
    """

    derivation: str
    verified: bool
    checks: tuple[StepCheck, ...]
    failed: tuple[str, ...]
    seconds: float
    links: tuple[StepCheck, ...] = ()
    result_check: StepCheck | None = None
    reasons: tuple[str, ...] = ()
    definition_checks: tuple[StepCheck, ...] = ()
    root: tuple[str, ...] = ()

    @property
    def steps_total(self) -> int:
        return len(self.checks)

    @property
    def steps_proved(self) -> int:
        return sum(c.proved for c in self.checks)

    @property
    def steps_linked(self) -> int:
        return sum(c.proved for c in self.links)

    @property
    def evidence(self) -> tuple[str, ...]:
        """Labels of the steps decided by sampling alone."""
        return tuple(c.label for c in self.checks if c.verified and not c.proved)

    def link(self, label: str) -> StepCheck:
        """The link check of the step ``label``."""
        for c in self.links:
            if c.label == f"link:{label}":
                return c
        raise InvalidInput("label", "the label of a step", label)

    def check(self, label: str) -> StepCheck:
        for c in self.checks:
            if c.label == label:
                return c
        raise InvalidInput("label", "the label of a step", label)

    def raise_if_failed(self) -> None:
        """Raise :class:`~fctheory.errors.VerificationError` naming what failed."""
        if not self.verified:
            raise VerificationError(f"derivation {self.derivation!r} not verified: {'; '.join(self.reasons)}")

    def to_dict(self) -> dict:
        return {
            "derivation": self.derivation,
            "verified": self.verified,
            "steps_total": self.steps_total,
            "steps_proved": self.steps_proved,
            "steps_linked": self.steps_linked,
            "evidence": list(self.evidence),
            "failed": list(self.failed),
            "reasons": list(self.reasons),
            "root": list(self.root),
            "seconds": round(self.seconds, 4),
            "checks": [c.to_dict() for c in self.checks],
            "links": [c.to_dict() for c in self.links],
            "definition_checks": [c.to_dict() for c in self.definition_checks],
            "result_check": None if self.result_check is None else self.result_check.to_dict(),
        }


def _derived_value(derivation, where: str):
    """``"result"``, ``"result[i]"``, ``"result[i].lhs"`` / ``".rhs"``, or a step label (its right side)."""
    if not where.startswith("result"):
        return derivation.step(where).rhs
    value = derivation.result
    rest = where[len("result"):]
    if rest.startswith("["):
        index, _, rest = rest[1:].partition("]")
        value = value[int(index)]
    if rest == ".lhs":
        value = value.lhs
    elif rest == ".rhs":
        value = value.rhs
    elif rest:
        raise ValueError(f"unknown part {rest!r}")
    return value


def _substituted(expr, rules):
    """``expr`` with the rules applied (no evaluation)."""
    from ._rules import apply_rule
    for rule in rules:
        expr = apply_rule(expr, rule)
    return expr


class _Invalid(Exception):
    """A reference a step may not use (unknown, or not earlier)."""


def _check(label, t0, ok, method, detail, proved=None, points=0) -> StepCheck:
    return StepCheck(label, ok, method, points, detail, time.perf_counter() - t0, ok if proved is None else proved)


def _prove_equal(label: str, a, b, bounds: dict, max_ops) -> StepCheck:
    """Prove ``a = b`` (a link or the result): identical, or their difference normalises to 0."""
    t0 = time.perf_counter()
    try:
        diff = as_entries_expr(a) - as_entries_expr(b)
    except (TypeError, ValueError, sp.ShapeError) as exc:
        return _check(label, t0, False, "undecided", f"the two sides cannot be compared ({exc})")
    if all(e == 0 for e in entries(diff)):
        return _check(label, t0, True, "exact", "identical expressions")
    items = [prepare(e, (), bounds) for e in entries(diff)]
    if None not in items:
        method = prove_zero(items, max_ops)
        if method:
            return _check(label, t0, True, method, f"equal after evaluation ({method})")
    return _check(label, t0, False, "undecided", "not proved equal")


@dataclass(frozen=True)
class Derivation:
    """A chain of verified identities from the definitions to a closed form.

    Attributes
    ----------
    name : str
        ``"H"``, ``"Hstar"``, ``"type3"``, ``"threshold"``, ``"margins"``.
    title, summary : str
    steps : tuple of Step
    result_name : str
        LaTeX name of the final object (``H(t)``).
    result : sympy expression
        The derived closed form: the right side of ``result_step``.
    arguments : tuple
        Argument order of :func:`~fctheory.symbolic.lambdify_mp` callables.
    definitions : tuple of Definition
        What the steps start from.
    start : str
        The definition the result is about (``"risk"``): the chain of links
        ending at the result step must begin with a link from it.
    result_step : str
        Label of the step whose right side is the result (default: the last).
    domains : dict
        Sampling ranges for the random-point method.
    numeric : callable, optional
        ``numeric(dps, seed) -> NumericCheck``: the tie to fctheory.predict
        (:meth:`check_numeric`).
    """

    name: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    result_name: str
    result: Any
    arguments: tuple = ()
    definitions: tuple = ()
    start: str = ""
    result_step: str = ""
    domains: dict = field(default_factory=lambda: dict(DEFAULT_DOMAINS))
    numeric: Callable | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        labels = [s.label for s in self.steps]
        if len(set(labels)) != len(labels):
            raise ValueError(f"duplicate step labels in derivation {self.name!r}")
        names = [d.name for d in self.definitions]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate definition names in derivation {self.name!r}")

    # -- access -----------------------------------------------------------
    def step(self, label: str) -> Step:
        """The step with this label."""
        for s in self.steps:
            if s.label == label:
                return s
        raise InvalidInput("label", f"one of {[s.label for s in self.steps]}", label)

    def definition(self, name: str) -> Definition:
        for d in self.definitions:
            if d.name == name:
                return d
        raise InvalidInput("name", f"one of {[d.name for d in self.definitions]}", name)

    def replace_step(self, label: str, **changes) -> "Derivation":
        """A copy with one step's fields changed (``lhs=...``, ``rhs=...``)."""
        self.step(label)
        steps = tuple(replace(s, **changes) if s.label == label else s for s in self.steps)
        return replace(self, steps=steps)

    def replace_definition(self, name: str, **changes) -> "Derivation":
        """A copy with one definition's fields changed (``rules=...``)."""
        self.definition(name)
        defs = tuple(replace(d, **changes) if d.name == name else d for d in self.definitions)
        return replace(self, definitions=defs)

    def bounds(self) -> dict:
        """The integer ranges the definitions give: object -> (lo, hi)."""
        out = {}
        for d in self.definitions:
            for obj, lo, hi in d.bounds:
                out[obj] = (sp.sympify(lo), sp.sympify(hi))
        return out

    # -- references ---------------------------------------------------------
    def _index(self, label: str) -> int:
        for i, s in enumerate(self.steps):
            if s.label == label:
                return i
        raise _Invalid(f"no step {label!r}")

    def _earlier(self, label: str, i: int) -> Step:
        j = self._index(label)
        if j >= i:
            raise _Invalid(f"step {label!r} is not earlier than step {self.steps[i].label!r}")
        return self.steps[j]

    def _definition_ref(self, name: str) -> Definition:
        for d in self.definitions:
            if d.name == name:
                return d
        raise _Invalid(f"no definition {name!r}")

    def _source_value(self, ref, i: int, placeholder=None):
        use = as_use(ref)
        value = self._source_value_plain(use.ref, i, placeholder)
        return value.xreplace(dict(use.at)) if use.at else value

    def _source_value_plain(self, ref: str, i: int, placeholder=None):
        kind, _, name = ref.partition(":")
        if kind == "def":
            name, _, part = name.partition(".")
            d = self._definition_ref(name)
            if len(d.rules) != 1:
                raise _Invalid(f"definition {name!r} has {len(d.rules)} rules, not one value")
            key, value = d.rules[0]
            if part == "key":
                value = key
            elif part:
                raise _Invalid(f"unknown part {part!r} of definition {name!r} (only .key)")
            if placeholder is not None and isinstance(placeholder, sp.FunctionClass):
                return sp.Lambda(tuple(d.for_all), value)
            return value
        if kind == "step":
            return self._earlier(name, i).rhs
        raise _Invalid(f"unknown source {ref!r} (def:NAME or step:LABEL)")

    def _rules(self, step: Step, i: int) -> tuple[Rule, ...]:
        rules = []
        for use in step.uses():
            kind, _, name = use.ref.partition(":")
            at = dict(use.at)
            if kind == "def":
                d = self._definition_ref(name)
                for key, value in d.rules:
                    rules.append(Rule(key.xreplace(at), value.xreplace(at), tuple(d.for_all), None, use.ref))
                if d.rewrite is not None:
                    rules.append(Rule(None, None, (), d.rewrite, use.ref))
                continue
            if kind == "step":
                src = self._earlier(name, i)
                key, value, induction = src.lhs, src.rhs, src.induction
            elif kind == "chain":
                first, _, last = name.partition("..")
                a, b = self._index(first), self._index(last)
                if not a <= b < i:
                    raise _Invalid(f"chain {name!r} is not a range of steps before {step.label!r}")
                broken = [s.label for s in self.steps[a + 1: b + 1] if s.link.kind != "previous"]
                if broken:
                    raise _Invalid(f"chain {name!r}: step {broken[0]!r} does not continue the step before it")
                key, value, induction = self.steps[a].lhs, self.steps[b].rhs, self.steps[a].induction
            else:
                raise _Invalid(f"unknown reference {use.ref!r} (def:NAME, step:LABEL or chain:A..B)")
            key, value = key.xreplace(at), value.xreplace(at)
            if isinstance(key, sp.MatrixBase) or isinstance(key, sp.Tuple):
                for ek, ev in zip(entries(as_entries_expr(key)), entries(as_entries_expr(value))):
                    rules.append(Rule(ek, ev, (), None, use.ref))
                continue
            if induction is not None and induction in key.free_symbols:
                # proved for every value >= its base: the placeholder admits exactly those
                base = self.steps[self._index(name.partition("..")[0])].induction_base
                n = sp.Symbol(f"{induction}_any", integer=True, **({"positive": True} if base >= 1 else
                                                                   {"nonnegative": True} if base == 0 else {}))
                key, value = key.xreplace({induction: n}), value.xreplace({induction: n})
                induction = n
            wilds = tuple(s for s in key.free_symbols if s in INDEX_SYMBOLS or s == induction)
            rules.append(Rule(key, value, wilds, None, use.ref))
        return tuple(rules)

    # -- checks ---------------------------------------------------------------
    def _check_step(self, step: Step, i: int, bounds: dict, *, points, seed, methods, max_ops, shortcuts) -> StepCheck:
        t0 = time.perf_counter()
        try:
            rules = self._rules(step, i)
        except _Invalid as exc:
            return _check(step.label, t0, False, "invalid", f"given: {exc}")
        lhs, rhs = as_entries_expr(step.lhs), as_entries_expr(step.rhs)
        try:
            diff = lhs - rhs
        except (TypeError, ValueError, sp.ShapeError) as exc:
            return _check(step.label, t0, False, "undecided", f"the two sides cannot be compared ({exc})")
        items = [prepare(e, rules, bounds) for e in entries(diff)]
        if any(e is None for e in items):
            items = None
        sign_detail = ""
        if step.sign:
            expr = prepare(rhs, rules, bounds)
            ok, sign_detail = sign_of_sum(expr, step.sign) if expr is not None else (False, "sign not evaluated")
            if not ok:
                return _check(step.label, t0, False, "undecided", sign_detail)

        def done(method, detail):
            return _check(step.label, t0, True, method, detail + (f"; {sign_detail}" if sign_detail else ""))

        proof_methods = tuple(m for m in ("exact", "simplify") if m in methods)
        if items is not None and not shortcuts and "simplify" in methods:
            proof_methods = ("simplify",) + tuple(m for m in proof_methods if m != "simplify")
        method = prove_zero(items, max_ops, proof_methods) if items is not None and proof_methods else None
        if method:
            what = ("lhs - rhs reduces to 0 by evaluation and expansion" if method == "exact"
                    else "simplify(lhs - rhs) == 0")
            return done(method, f"proved: {what}" + (f" (using {', '.join(str(u) for u in step.uses())})"
                                                      if step.given else ""))
        why_not = []
        if proof_methods:
            if step.analytic_in:
                sides = [_substituted(e, rules) for e in entries(lhs) + entries(rhs)]
                how, why = try_summation(items, [s for s in sides if s is not None], tuple(step.analytic_in), max_ops)
                if how:
                    return done("summation", "proved: " + how)
                if why:
                    why_not.append(why)
            if step.induction is not None:
                try:
                    how, why = try_induction(lhs, rhs, step.induction, step.induction_base, rules, bounds, max_ops)
                except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError) as exc:
                    how, why = None, f"induction failed ({type(exc).__name__}: {exc})"
                if how:
                    return done("induction", "proved: " + how)
                why_not.append(why)
        if why_not and any("not proved: " in w or "above the least" in w for w in why_not):
            return _check(step.label, t0, False, "undecided", "; ".join(why_not))
        if "random-rational" in methods:
            ok, detail, n = random_points(items if items is not None else entries(diff), self.domains, points, seed,
                                          bounds)
            if ok:
                extra = f" ({'; '.join(why_not)})" if why_not else ""
                return _check(step.label, t0, True, "random-rational", "evidence only (not proved): " + detail + extra,
                              proved=False, points=n)
            method = "counterexample" if detail.startswith("counterexample") else "undecided"
            constraints = sorted({r.source for r in rules if r.key is not None and not r.key.is_Atom
                                  and not isinstance(r.key, (sp.Indexed, sp.core.function.AppliedUndef))})
            if method == "counterexample" and constraints:
                # the drawn values need not satisfy a hypothesis such as sum_b mu_b = 1
                method, detail = "undecided", (f"nonzero at a random point that need not satisfy the hypotheses of "
                                               f"{', '.join(constraints)}: " + detail)
            return _check(step.label, t0, False, method, detail + (f" ({'; '.join(why_not)})" if why_not else ""),
                          points=n)
        return _check(step.label, t0, False, "undecided",
                      f"not decided by method(s) {', '.join(methods)}" + (f" ({'; '.join(why_not)})" if why_not else ""))

    def _check_link(self, step: Step, i: int, bounds: dict, max_ops) -> StepCheck:
        label = f"link:{step.label}"
        t0 = time.perf_counter()
        link = step.link
        try:
            if link.kind == "previous":
                if i == 0:
                    raise _Invalid("the first step continues no previous step: it must start from a definition")
                prev = self.steps[i - 1]
                check = _prove_equal(label, step.lhs, prev.rhs, bounds, max_ops)
                detail = (f"left side = right side of step {prev.label!r} ({check.detail})" if check.proved
                          else f"left side is not the right side of step {prev.label!r}")
                return replace(check, detail=detail)
            if not link.refs:
                raise _Invalid("the link names no source")
            if link.kind == "built":
                value = link.template
                for placeholder, ref in link.sources:
                    source = self._source_value(ref, i, placeholder)
                    if isinstance(placeholder, sp.FunctionClass):
                        value = value.replace(placeholder, source)
                    else:
                        value = value.xreplace({placeholder: source})
                check = _prove_equal(label, step.lhs, value, bounds, max_ops)
                detail = (f"left side built from {', '.join(link.refs)} ({check.detail})" if check.proved
                          else f"left side is not the expression built from {', '.join(link.refs)}")
                return replace(check, detail=detail)
            if link.kind == "subterm":
                source = self._source_value(link.raw_refs[0], i)
                found = any(node == step.lhs for node in sp.preorder_traversal(source))
                return _check(label, t0, found, "exact",
                              f"left side is a term of {link.refs[0]}" if found
                              else f"left side does not occur in {link.refs[0]}")
            if link.kind == "computed":
                values = [self._source_value(ref, i) for ref in link.raw_refs]
                try:
                    value = link.compute(*values)
                except (TypeError, ValueError, IndexError, sp.ShapeError) as exc:
                    raise _Invalid(f"the computation from {', '.join(link.refs)} failed ({exc})") from None
                check = _prove_equal(label, step.lhs, value, bounds, max_ops)
                detail = (f"left side computed from {', '.join(link.refs)} ({check.detail})" if check.proved
                          else f"left side is not what {', '.join(link.refs)} give")
                return replace(check, detail=detail)
            raise _Invalid(f"unknown link kind {link.kind!r}")
        except _Invalid as exc:
            return _check(label, t0, False, "invalid", str(exc))

    def _check_definitions(self, max_ops) -> list[StepCheck]:
        out = []
        primitive = {}
        for d in self.definitions:
            keys = {k for k, _ in d.rules}
            for obj, lo, hi in d.bounds:
                if not any((isinstance(k, sp.Indexed) and k.base == obj) or k == obj for k in keys):
                    primitive[obj] = (sp.sympify(lo), sp.sympify(hi))
        for d in self.definitions:
            for obj, lo, hi in d.bounds:
                value = next((v for k, v in d.rules if (isinstance(k, sp.Indexed) and k.base == obj) or k == obj), None)
                if value is None:
                    continue
                t0 = time.perf_counter()
                if ((value - lo).is_nonnegative is True
                        and (sp.sympify(hi).is_infinite or (hi - value).is_nonnegative is True)):
                    out.append(_check(f"def:{d.name}", t0, True, "exact",
                                      f"{sp.sstr(obj)} = {sp.sstr(value)} lies in [{sp.sstr(lo)}, {sp.sstr(hi)}] "
                                      f"by the assumptions on its symbols"))
                    continue
                rng = interval(value, primitive)
                ok = rng is not None and all(
                    sp.expand(a - b) == 0 or (a - b).is_nonnegative is True for a, b in ((rng[0], lo), (hi, rng[1])))
                out.append(_check(f"def:{d.name}", t0, ok, "exact",
                                  f"{sp.sstr(obj)} lies in [{sp.sstr(lo)}, {sp.sstr(hi)}]: its value lies in "
                                  f"[{sp.sstr(rng[0])}, {sp.sstr(rng[1])}]" if rng is not None
                                  else f"the range of {sp.sstr(obj)} is not proved from its value"))
            if d.derived_in:
                t0 = time.perf_counter()
                other, where = d.derived_in
                try:
                    from . import DERIVATIONS   # the other derivation, built (not verified) here
                    target = _derived_value(DERIVATIONS[other](), where)
                    check = _prove_equal(f"def:{d.name}", d.value, target, {}, max_ops)
                except (KeyError, InvalidInput, ValueError, IndexError, AttributeError) as exc:
                    check = _check(f"def:{d.name}", t0, False, "invalid", f"{other}:{where} not found ({exc})")
                what = (f"the {where if where.startswith('result') else 'right side of step ' + repr(where)} "
                        f"of derivation {other!r}")
                out.append(replace(check, detail=(f"value is {what}" if check.proved else f"value is not {what}")))
        return out

    def _root(self) -> tuple[int, tuple[str, ...]]:
        """The result step's index and the definitions its chain of links starts from (followed through steps)."""
        label = self.result_step or (self.steps[-1].label if self.steps else "")
        target = self._index(label)
        seen, found, todo = set(), [], [target]
        while todo:
            i = todo.pop()
            if i in seen:
                continue
            seen.add(i)
            link = self.steps[i].link
            if link.kind == "previous":
                if i > 0:
                    todo.append(i - 1)
                continue
            for ref in link.raw_refs:
                kind, _, name = as_use(ref).ref.partition(":")
                if kind == "def" and f"def:{name}" not in found:
                    found.append(f"def:{name}")
                elif kind == "step":
                    try:
                        j = self._index(name)
                    except _Invalid:
                        continue
                    if j < i:
                        todo.append(j)
        return target, tuple(sorted(found))

    # -- verification -----------------------------------------------------
    def verify(self, *, points: int = DEFAULT_POINTS, seed: int = 0,
               methods: tuple[str, ...] = METHODS,
               simplify_max_ops: int | None = SIMPLIFY_MAX_OPS, shortcuts: bool = True,
               progress=None, fail_fast: bool = False) -> Verification:
        """Check the definitions' claims, every link, the result, and every step.

        Parameters
        ----------
        points : int
            Random exact points per step for the ``random-rational`` method.
        seed : int
            Seed of the point generator (each step uses ``seed`` plus its index).
        methods : tuple of str
            Subset of :data:`METHODS` (restricting them is how the benchmark
            measures baselines).
        simplify_max_ops : int or None
            Skip ``simplify`` on differences with more operations than this.
        shortcuts : bool
            Default; ``False`` tries ``simplify`` before the exact reduction.
        progress : callable, optional
            Called as ``progress(check)`` with each step's StepCheck as it is done.
        fail_fast : bool
            Stop at the first failure (the links and the result are checked
            before the steps); the steps not reached are reported ``"skipped"``.

        Returns
        -------
        Verification
        """
        if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 1000:
            raise InvalidInput("points", "an integer in [1, 1000]", points)
        unknown = [m for m in methods if m not in METHODS]
        if unknown or not methods:
            raise InvalidInput("methods", f"a non-empty subset of {METHODS}", methods)
        t0 = time.perf_counter()
        bounds = self.bounds()
        reasons = []
        def_checks = tuple(self._check_definitions(simplify_max_ops))
        for ch in def_checks:
            if not ch.proved:
                reasons.append(f"definition {ch.label[4:]!r}: {ch.detail}")
        links = []
        for i, s in enumerate(self.steps):
            link = self._check_link(s, i, bounds, simplify_max_ops)
            links.append(link)
            if not link.proved:
                reasons.append(f"step {s.label!r}: link not proved: {link.detail}")
        result_check, root = None, ()
        if not self.steps:
            reasons.append("no steps")
        else:
            try:
                i, root = self._root()
                target = self.steps[i]
                result_check = _prove_equal("result", self.result, target.rhs, bounds, simplify_max_ops)
                if not result_check.proved:
                    reasons.append(f"the result is not proved equal to the right side of step {target.label!r}")
                if self.start and f"def:{self.start}" not in root:
                    reasons.append(f"the links leading to step {target.label!r} start from "
                                   f"{', '.join(root) or 'nothing'}, not from def:{self.start}")
            except _Invalid as exc:
                reasons.append(f"result step: {exc}")
        checks = []
        for i, s in enumerate(self.steps):
            if fail_fast and reasons:
                check = StepCheck(s.label, False, "skipped", 0, "not checked: verification stopped at the first "
                                  "failure", 0.0, False)
            else:
                check = self._check_step(s, i, bounds, points=points, seed=seed + i, methods=tuple(methods),
                                         max_ops=simplify_max_ops, shortcuts=shortcuts)
                if not check.verified:
                    reasons.append(f"step {check.label!r} failed: {check.detail}")
                elif not check.proved:
                    reasons.append(f"step {check.label!r} is evidence only (decided by sampling alone)")
            checks.append(check)
            if progress is not None:
                progress(check)
        failed = tuple(c.label for c in checks if not c.proved)
        return Verification(self.name, not reasons, tuple(checks), failed, time.perf_counter() - t0,
                            tuple(links), result_check, tuple(reasons), def_checks, tuple(root))

    def check_numeric(self, *, dps: int = 30, seed: int = 0):
        """Evaluate the derived closed form against fctheory.predict's certified values.

        Returns
        -------
        NumericCheck or None
            None when no solver computes this derivation's result (the margins).
        """
        if self.numeric is None:
            return None
        return self.numeric(self, dps=dps, seed=seed)

    # -- rendering --------------------------------------------------------
    def result_latex(self) -> str:
        return sp.latex(self.result)

    def to_latex(self) -> str:
        r"""The chain as a LaTeX ``align*`` environment, one numbered line per step."""
        lines = [r"\begin{align*}"]
        for i, s in enumerate(self.steps, 1):
            prev = self.steps[i - 2].label if i > 1 else None
            lines.append(f"% ({i}) {s.label}: {s.justification} [{s.reference}]; left side: {s.link.describe(prev)}")
            given = (f" \\quad \\text{{given {_latex_text(', '.join(str(u) for u in s.uses()))}}}" if s.given else "")
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
            "start": self.start,
            "result_step": self.result_step or (self.steps[-1].label if self.steps else ""),
            "definitions": [d.to_dict() for d in self.definitions],
            "steps": [s.to_dict() for s in self.steps],
        }


def _latex_text(text: str) -> str:
    return text.replace("\\", "").replace("&", r"\&").replace("%", r"\%").replace("_", r"\_")
