"""Normal forms for deciding a step: the generic rules of finite sums, deltas and ranges.

Every rule here is a general identity, valid whatever is summed:

* linearity of ``Sum`` and :class:`~fctheory.symbolic._objects.TupleSum` (sums of terms split,
  factors free of the summation variable come out), a sum of a constant is a count;
* ``sum_{v=lo}^{hi} g = g(lo) + sum_{v=lo+1}^{hi} g`` for integer ``lo < 1`` (additivity of
  sums, valid in sympy's convention for every ``hi``);
* ``F(delta) = delta F(1) + (1 - delta) F(0)`` for a Kronecker delta (it is 0 or 1);
* ``log prod_l g_l = sum_l log g_l`` when every ``g_l`` is positive;
* evaluation (``doit``) — except of sums of a Kronecker delta whose argument is not
  ``+-v + const`` in the summation variable ``v`` (sympy evaluates those wrongly), which
  stay unevaluated;
* a ``Piecewise`` branch is taken when its condition is *proved* from the integer ranges
  the definitions give (``1 <= z_{k,l} <= n_c``, ``0 <= dist <= L``): each relation is
  linear in a bounded object, so it holds on the range iff it holds at both ends.
"""

from __future__ import annotations

import sympy as sp

from ._objects import TupleSum, split_exp

__all__ = ["normal_round", "condition_holds", "interval", "evaluate_safely"]


def _linear_sum(obj: sp.Sum):
    variables = {lim[0] for lim in obj.limits}
    body = sp.expand(obj.function, power_exp=False, log=False, deep=False, multinomial=False)
    if isinstance(body, sp.Add):
        return sp.Add(*[_linear_sum(obj.func(t, *obj.limits)) for t in body.args])
    outside, inside = [], []
    bound_in_limits = set()
    for _, lo, hi in obj.limits:
        bound_in_limits |= lo.free_symbols | hi.free_symbols
    for fa in split_exp(body):
        (outside if not (fa.free_symbols & variables) else inside).append(fa)
    if not outside:
        return obj
    if not inside:
        return sp.Mul(*outside) * _count(obj)
    return sp.Mul(*outside) * obj.func(sp.Mul(*inside), *obj.limits)


def _count(obj: sp.Sum):
    """sum of 1 over the limits: the product of the lengths when the limits are independent."""
    total = sp.Integer(1)
    variables = {lim[0] for lim in obj.limits}
    for var, lo, hi in obj.limits:
        if (lo.free_symbols | hi.free_symbols) & variables:
            return obj.func(sp.Integer(1), *obj.limits)
        total *= hi - lo + 1
    return total


def linear_sums(expr):
    """Split sums over terms and pull out factors free of the summation variables (Sum and TupleSum)."""
    expr = expr.replace(lambda a: isinstance(a, sp.Sum), _linear_sum)
    return expr.replace(lambda a: isinstance(a, TupleSum), lambda a: a.linear())


def split_low_sums(expr):
    """``sum_{v=lo}^{hi} g = g(lo) + ... + g(0) + sum_{v=1}^{hi} g`` for an integer ``lo < 1`` (single limit)."""
    def rule(obj):
        if len(obj.limits) != 1:
            return obj
        var, lo, hi = obj.limits[0]
        if not (lo.is_Integer and lo < 1 and -5 <= lo):
            return obj
        head = sp.Add(*[obj.function.xreplace({var: i}) for i in range(int(lo), 1)])
        return head + sp.Sum(obj.function, (var, 1, hi))

    return expr.replace(lambda a: isinstance(a, sp.Sum), rule)


def _free_deltas(expr) -> list:
    """The Kronecker deltas of ``expr`` that are not inside a sum or product (no bound variable in them)."""
    out = []

    def walk(e):
        if isinstance(e, (sp.Sum, sp.Product, TupleSum)):
            return
        if isinstance(e, sp.KroneckerDelta):
            out.append(e)
            return
        for arg in e.args:
            walk(arg)

    walk(expr)
    return sorted(set(out), key=sp.default_sort_key)


def delta_linearise(expr):
    """``F(delta) = delta F(1) + (1 - delta) F(0)`` inside exp and log (a delta is 0 or 1).

    Only deltas outside every sum or product of the argument are replaced: a delta
    of a bound variable is a different 0-or-1 value for each term.
    """
    def has_delta(a):
        return isinstance(a, (sp.exp, sp.log)) and bool(_free_deltas(a.args[0]))

    def rule(a):
        delta = _free_deltas(a.args[0])[0]
        return delta * a.xreplace({delta: sp.Integer(1)}) + (1 - delta) * a.xreplace({delta: sp.Integer(0)})

    for _ in range(4):
        new = expr.replace(has_delta, rule)
        if new == expr:
            break
        expr = new
    return expr


def log_of_products(expr):
    """``log prod_l g_l = sum_l log g_l`` when sympy proves every ``g_l > 0``; logs of positive products split."""
    def is_log_product(a):
        return isinstance(a, sp.log) and isinstance(a.args[0], sp.Product) and a.args[0].function.is_positive

    expr = expr.replace(is_log_product, lambda a: sp.Sum(sp.log(a.args[0].function), *a.args[0].limits))
    return sp.expand_log(expr) if expr.has(sp.log) else expr


def _safe_sum(obj) -> bool:
    """No Kronecker delta of the summand is a non-unit-affine function of a summation variable."""
    variables = [lim[0] for lim in obj.limits]
    for delta in obj.function.atoms(sp.KroneckerDelta):
        diff = delta.args[0] - delta.args[1]
        for v in variables:
            if not diff.has(v):
                continue
            if not diff.is_polynomial(v):
                return False
            poly = sp.Poly(diff, v)
            if poly.degree() != 1 or poly.coeff_monomial(v) not in (1, -1):
                return False
    return True


def flatten_sums(expr):
    """``sum_w g sum_v h = sum_{v, w} g h`` when ``g`` is free of ``v`` (one multiple sum, inner limits first)."""
    def rule(obj):
        if len(obj.limits) != 1:
            return obj
        inner = [fa for fa in sp.Mul.make_args(obj.function) if isinstance(fa, sp.Sum)]
        if len(inner) != 1:
            return obj
        rest = obj.function / inner[0]
        inner_vars = {lim[0] for lim in inner[0].limits}
        if rest.free_symbols & inner_vars or obj.limits[0][0] in inner_vars:
            return obj
        return sp.Sum(rest * inner[0].function, *inner[0].limits, *obj.limits)

    return expr.replace(lambda a: isinstance(a, sp.Sum), rule)


def _independent(limits) -> bool:
    variables = {lim[0] for lim in limits}
    return not any((lo.free_symbols | hi.free_symbols) & variables for _, lo, hi in limits)


def evaluate_multiple_sums(expr):
    """Evaluate a multiple sum over independent ranges in whichever order sympy can (Fubini for finite sums)."""
    def rule(obj):
        if len(obj.limits) < 2 or not _independent(obj.limits):
            return obj
        for lim in obj.limits:
            single = sp.Sum(obj.function, lim)
            if not _safe_sum(single):
                continue
            value = single.doit()
            if value == single or any(lim[0] in s.variables for s in value.atoms(sp.Sum)):
                continue
            others = [x for x in obj.limits if x is not lim]
            return sp.Sum(value, *others) if others else value
        return obj

    return expr.replace(lambda a: isinstance(a, sp.Sum), rule)


def canonical_bound(expr):
    """Rename bound variables of Sum/Product by nesting level and position (alpha-equivalent sums become equal).

    The new variable is an integer symbol, positive (nonnegative) when the lower
    limit is, so the range's sign survives the renaming.
    """
    def level(obj) -> int:
        inner = [a for a in sp.preorder_traversal(obj.function) if isinstance(a, (sp.Sum, sp.Product))]
        return 1 + max((level(a) for a in inner), default=-1) if inner else 0

    def rule(obj):
        lev = level(obj)
        limits, ren = [], {}
        for pos, (var, lo, hi) in enumerate(obj.limits):
            lo, hi = lo.xreplace(ren), hi.xreplace(ren)
            # the variable runs over lo..hi only when hi >= lo - 1 (else sympy's convention reverses the range)
            forward = (hi - lo + 1).is_nonnegative is True
            sign = (dict(positive=True) if forward and lo.is_positive else
                    dict(nonnegative=True) if forward and lo.is_nonnegative else {})
            new = sp.Symbol(f"_i{lev}{pos}{'p' if 'positive' in sign else 'n' if sign else ''}",
                            integer=True, **sign)
            ren[var] = new
            limits.append((new, lo, hi))
        return obj.func(obj.function.xreplace(ren), *limits)

    return expr.replace(lambda a: isinstance(a, (sp.Sum, sp.Product)), rule)


def expand_numeric_ranges(expr, most: int = 1000):
    """Sums and products over explicit integer ranges (at most ``most`` terms) written out term by term."""
    def numeric(obj):
        return all(lo.is_Integer and hi.is_Integer and int(hi) - int(lo) + 1 <= most for _, lo, hi in obj.limits)

    def rule(obj):
        terms = [obj.function]
        for var, lo, hi in obj.limits:
            n = int(hi) - int(lo) + 1
            if n < 0:
                return obj        # a reversed range: sympy's convention, left to doit
            terms = [t.xreplace({var: v}) for t in terms for v in range(int(lo), int(hi) + 1)]
        return sp.Add(*terms) if isinstance(obj, sp.Sum) else sp.Mul(*terms)

    return expr.replace(lambda a: isinstance(a, (sp.Sum, sp.Product)) and numeric(a), rule)


def evaluate_safely(expr):
    """``doit()``, leaving unevaluated the sums sympy would evaluate wrongly (see the module doc)."""
    if not isinstance(expr, sp.Basic):
        return expr
    expr = expand_numeric_ranges(expr)
    hold = {}
    for obj in sorted(expr.atoms(sp.Sum), key=lambda a: -sp.count_ops(a)):
        if not _safe_sum(obj):
            hold[obj] = sp.Dummy("held")
    if hold:
        expr = expr.xreplace(hold)
    out = expr.doit()
    if hold:
        out = out.xreplace({v: k for k, v in hold.items()})
    return out


def _bounded_atoms(expr, bounds: dict):
    out = []
    for a in expr.atoms(sp.Indexed):
        if a.base in bounds:
            out.append((a, bounds[a.base]))
    for s in expr.free_symbols:
        if s in bounds:
            out.append((s, bounds[s]))
    return out


def _nonpositive(gap, bounds: dict, strict: bool, depth: int = 0) -> bool:
    """Prove ``gap <= 0`` (``< 0``) for every value of the bounded objects in it."""
    gap = sp.expand(gap)
    if depth > 4:
        return False
    atoms = _bounded_atoms(gap, bounds)
    for atom, (lo, hi) in atoms:
        if not gap.is_polynomial(atom) or sp.degree(gap, atom) > 1:
            continue
        slope = gap.coeff(atom, 1)
        checks = []
        for end, sign in ((sp.sympify(lo), 1), (sp.sympify(hi), -1)):   # largest at an end of the range
            if end.is_infinite:
                checks.append((sign * slope).is_nonnegative is True)
            else:
                checks.append(_nonpositive(gap.xreplace({atom: end}), bounds, strict, depth + 1))
        return all(checks)
    verdict = gap.is_negative if strict else gap.is_nonpositive
    return verdict is True


def condition_holds(cond, bounds: dict) -> bool | None:
    """True when ``cond`` is proved from the ranges, False when its negation is, else None."""
    if cond is sp.true:
        return True
    if cond is sp.false:
        return False
    if isinstance(cond, sp.And):
        parts = [condition_holds(c, bounds) for c in cond.args]
        if all(p is True for p in parts):
            return True
        return False if any(p is False for p in parts) else None
    if isinstance(cond, sp.Or):
        parts = [condition_holds(c, bounds) for c in cond.args]
        if any(p is True for p in parts):
            return True
        return False if all(p is False for p in parts) else None
    if isinstance(cond, (sp.LessThan, sp.StrictLessThan)):
        gap, strict = cond.lhs - cond.rhs, isinstance(cond, sp.StrictLessThan)
    elif isinstance(cond, (sp.GreaterThan, sp.StrictGreaterThan)):
        gap, strict = cond.rhs - cond.lhs, isinstance(cond, sp.StrictGreaterThan)
    else:
        return None
    if _nonpositive(gap, bounds, strict):
        return True
    if _nonpositive(-gap, bounds, not strict):
        return False
    return None


def resolve_piecewise(expr, bounds: dict):
    """Take the branch of each Piecewise whose condition the ranges prove (drop those they refute)."""
    def rule(pw):
        kept = []
        for value, cond in pw.args:
            verdict = condition_holds(cond, bounds)
            if verdict is True:
                if not kept:
                    return value
                kept.append((value, sp.true))
                break
            if verdict is None:
                kept.append((value, cond))
        if not kept:
            return pw
        if len(kept) == 1 and kept[0][1] is sp.true:
            return kept[0][0]
        return sp.Piecewise(*kept) if kept != list(pw.args) else pw

    return expr.replace(lambda a: isinstance(a, sp.Piecewise), rule)


def normal_round(expr, bounds: dict):
    """One round of the generic rules, then evaluation and the ranges."""
    if not isinstance(expr, sp.Basic):
        return expr
    expr = delta_linearise(expr)
    expr = linear_sums(expr)
    expr = flatten_sums(expr)
    expr = evaluate_multiple_sums(expr)
    expr = evaluate_safely(expr)
    if expr.has(sp.Piecewise):
        expr = resolve_piecewise(expr, bounds)
    expr = log_of_products(expr)
    expr = linear_sums(expr)
    expr = split_low_sums(expr)
    expr = canonical_bound(expr)
    return expr


def interval(expr, bounds: dict):
    """``(lo, hi)`` with ``lo <= expr <= hi`` for every value of its symbols, or None.

    Knows Kronecker deltas (0 or 1), integers, sums/differences, a nonnegative
    constant times a bounded term, the declared ranges, and finite sums
    ``sum_{v=1}^{n}`` of a term with constant bounds (``n`` times them).
    """
    if expr.is_Integer:
        return expr, expr
    if isinstance(expr, sp.KroneckerDelta):
        return sp.Integer(0), sp.Integer(1)
    for atom, (lo, hi) in _bounded_atoms(expr, bounds):
        if expr == atom:
            return lo, hi
    if isinstance(expr, sp.Add):
        parts = [interval(a, bounds) for a in expr.args]
        if any(p is None for p in parts):
            return None
        return sp.Add(*[p[0] for p in parts]), sp.Add(*[p[1] for p in parts])
    if isinstance(expr, sp.Mul):
        coeff, rest = expr.as_independent(*[a for a, _ in _bounded_atoms(expr, bounds)], sp.KroneckerDelta)
        inner = interval(rest, bounds) if rest != expr else None
        if inner is None or not coeff.is_number:
            return None
        lo, hi = coeff * inner[0], coeff * inner[1]
        return (lo, hi) if coeff >= 0 else (hi, lo)
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, lo_v, hi_v = expr.limits[0]
        inner = interval(expr.function, bounds)
        if inner is None or inner[0].free_symbols or inner[1].free_symbols or inner[0] < 0:
            return None
        count = hi_v - lo_v + 1
        if count.is_nonnegative is not True:
            return None
        return count * inner[0], count * inner[1]
    return None
