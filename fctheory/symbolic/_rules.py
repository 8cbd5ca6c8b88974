"""Definitions and the substitutions (rules) a step may use.

A :class:`Definition` is one of the paper's definitions (or a hypothesis of a
theorem, such as assumption A), stated as rules ``key -> value``: the
defined object and what it stands for.  Symbols listed in ``for_all`` are
placeholders (``S[r, k] -> sum_j [dist(z_j, z_k) = r]`` for every ``r, k``).

A step names the substitutions it uses (``given``) as references:

``"def:NAME"``
    the rules of a definition of the derivation;
``"step:LABEL"``
    the identity ``lhs -> rhs`` of an earlier step (proved for every value of
    its index symbols, so those are placeholders);
``"chain:A..B"``
    ``lhs of A -> rhs of B`` for consecutive steps A..B linked one to the next.

:class:`Use` adds an instantiation (``Use("step:binomial", at={x: exp(-theta)})``).
A rule is applied by structural matching: bound variables of sums are renamed
to match, placeholders bind to sub-expressions that satisfy the placeholder's
assumptions (integer, positive, ...), and the symmetric inner product matches
in either order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

from ._objects import Inner, TupleSum
from ._symbols import INDEX_SYMBOLS

__all__ = ["Definition", "Use", "Rule", "as_use", "match", "apply_rule", "INDEX_SYMBOLS"]


@dataclass(frozen=True)
class Definition:
    """A definition (or hypothesis) the derivations start from.

    Attributes
    ----------
    name : str
        Referenced as ``"def:NAME"``.
    statement : str
        One line in words.
    reference : str
        The paper's definition/equation/assumption number.
    rules : tuple of (key, value)
        What the definition says, as substitutions ``key -> value``.
    for_all : tuple of sympy.Symbol
        Symbols of the keys that stand for every admissible value.
    rewrite : callable, optional
        A structural substitution ``expr -> expr`` (a change of summation
        variable such as the full set's ``j -> z_j``), applied with the rules.
    bounds : tuple of (object, lo, hi)
        Integer ranges: of primitive objects (the entries of a latent
        variable, an index) or, when the object is a key of ``rules``, a claim
        that :meth:`Derivation.verify` proves from the value (interval bounds).
    derived_in : tuple
        ``(derivation name, step label or "result")`` when the value is a
        result of another derivation; verify() checks that it is.
    display : str
        LaTeX shown in the documentation (the rules themselves when empty).
    """

    name: str
    statement: str
    reference: str
    rules: tuple = ()
    for_all: tuple = ()
    rewrite: Callable | None = field(default=None, compare=False)
    bounds: tuple = ()
    derived_in: tuple = ()
    display: str = ""

    @property
    def value(self):
        """The value of a one-rule definition (a link source); a Lambda when it has placeholders."""
        if len(self.rules) != 1:
            raise ValueError(f"definition {self.name!r} has {len(self.rules)} rules, not one value")
        key, value = self.rules[0]
        return value

    def latex(self) -> str:
        if self.display:
            return self.display
        return r",\quad ".join(f"{sp.latex(k)} = {sp.latex(v)}" for k, v in self.rules)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "statement": self.statement,
            "reference": self.reference,
            "rules": [[sp.sstr(k), sp.sstr(v)] for k, v in self.rules],
            "for_all": [str(s) for s in self.for_all],
            "bounds": [[sp.sstr(o), sp.sstr(lo), sp.sstr(hi)] for o, lo, hi in self.bounds],
            "derived_in": list(self.derived_in),
            "latex": self.latex(),
        }


@dataclass(frozen=True)
class Use:
    """A reference to a definition, an earlier step or a chain of steps, optionally instantiated."""

    ref: str
    at: tuple = ()

    def __init__(self, ref: str, at: dict | tuple = ()):
        object.__setattr__(self, "ref", ref)
        object.__setattr__(self, "at", tuple(at.items()) if isinstance(at, dict) else tuple(at))

    def __str__(self) -> str:
        if not self.at:
            return self.ref
        return f"{self.ref} at " + ", ".join(f"{sp.sstr(a)} = {sp.sstr(b)}" for a, b in self.at)


def as_use(item) -> Use:
    if isinstance(item, Use):
        return item
    if isinstance(item, str):
        return Use(item)
    raise TypeError(f"a given is a reference string or Use, not {item!r}")


@dataclass(frozen=True)
class Rule:
    """One substitution ``key -> value`` with placeholders ``wilds`` (or a structural rewrite)."""

    key: Any
    value: Any
    wilds: tuple = ()
    rewrite: Callable | None = None
    source: str = ""


def _admissible(wild: sp.Symbol, value) -> bool:
    """``value`` may stand for the placeholder ``wild``: it satisfies every assumption of it."""
    for name in ("integer", "positive", "nonnegative", "real", "negative", "nonpositive"):
        if getattr(wild, f"is_{name}") and getattr(value, f"is_{name}") is not True:
            return False
    return True


def match(pattern, expr, wilds: frozenset, binding: dict | None = None) -> dict | None:
    """Structural match of ``pattern`` against ``expr``: the binding of the placeholders, or None."""
    binding = {} if binding is None else binding
    if pattern in wilds:
        if pattern in binding:
            return binding if binding[pattern] == expr else None
        if not _admissible(pattern, expr):
            return None
        out = dict(binding)
        out[pattern] = expr
        return out
    if not (wilds and pattern.has(*wilds)) and not pattern.has(sp.Sum, sp.Product, TupleSum):
        return binding if pattern == expr else None
    if pattern == expr:
        return binding
    if type(pattern) is not type(expr):
        return None
    if isinstance(pattern, sp.core.function.AppliedUndef) and pattern.func != expr.func:
        return None   # two undefined functions of the same type but different names
    if isinstance(pattern, (sp.Sum, sp.Product)):
        return _match_bound(pattern, expr, wilds, binding)
    if isinstance(pattern, TupleSum):
        if pattern.base != expr.base:
            return None
        b = match(sp.Tuple(*pattern.alphabet, pattern.length), sp.Tuple(*expr.alphabet, expr.length), wilds, binding)
        return None if b is None else match(pattern.function, expr.function, wilds, b)
    pa, ea = pattern.args, expr.args
    if len(pa) != len(ea):
        return None
    orders = [ea]
    if isinstance(pattern, Inner) or (isinstance(pattern, (sp.Add, sp.Mul)) and len(pa) == 2):
        orders.append(ea[::-1])
    for args in orders:
        b = binding
        for p, e in zip(pa, args):
            b = match(p, e, wilds, b)
            if b is None:
                break
        else:
            return b
    return None


def _match_bound(pattern, expr, wilds, binding):
    if len(pattern.limits) != len(expr.limits):
        return None
    ren = {}
    b = binding
    for (pv, plo, phi), (ev, elo, ehi) in zip(pattern.limits, expr.limits):
        b = match(sp.Tuple(plo, phi).xreplace(ren), sp.Tuple(elo, ehi), wilds, b)
        if b is None:
            return None
        ren[pv] = ev
    return match(pattern.function.xreplace(ren), expr.function, wilds, b)


def apply_rule(expr, rule: Rule):
    """``expr`` with every match of ``rule.key`` replaced by the instantiated ``rule.value``."""
    if rule.rewrite is not None:
        return rule.rewrite(expr)
    if not rule.wilds and not rule.key.has(sp.Sum, sp.Product, TupleSum):
        return expr.xreplace({rule.key: rule.value})
    wilds = frozenset(rule.wilds)
    cache = {}

    def query(node):
        if isinstance(node, sp.Basic) and node not in cache:
            cache[node] = match(rule.key, node, wilds)
        return isinstance(node, sp.Basic) and cache[node] is not None

    def value(node):
        return rule.value.xreplace(cache[node])

    return expr.replace(query, value)
