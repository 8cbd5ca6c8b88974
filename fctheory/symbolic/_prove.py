"""How one identity ``lhs = rhs`` is decided.

Proofs (for every admissible value of the symbols):

``exact``
    after the step's substitutions (``given``) and the generic normal forms of
    :mod:`~fctheory.symbolic._normal`, ``lhs - rhs`` expands to the literal 0
    (exponentials merged, logs of positive products split, a rational
    combination of logs of positive terms compared as a product);
``simplify``
    ``sympy.simplify(lhs - rhs) == 0`` (tried on small differences without unevaluated sums);
``summation``
    ``Sum(...).doit()`` gave the closed form only under a condition on a
    variable ``x`` the step names (``analytic_in``).  The claim is *proved*:
    both sides are entire functions of ``x`` (built from ``x`` by sums,
    products, powers with nonnegative integer exponents, ``exp`` and *finite*
    sums), and the condition holds on an interval ``(0, eps)``; two entire
    functions equal on an interval are equal (identity theorem).  Otherwise the
    step fails, naming what is not entire;
``induction``
    on an integer symbol ``n``: the base case ``n = base`` (which must be at
    most the least admissible value of ``n``), and the step ``m -> m + 1`` for
    every ``m >= base``: the left side at ``m + 1`` unfolded (top terms of sums
    and products split off, tuple sums unfolded by ``[q]^{m+1} = [q]^m x [q]``),
    the hypothesis ``lhs(m) = rhs(m)`` substituted, and the result proved equal
    to the right side at ``m + 1``; or ``D(m + 1) = D(m)`` for ``D = lhs - rhs``.

Evidence (not a proof): exact values at random rational points
(``random-rational``); a non-zero value is a counterexample.
"""

from __future__ import annotations

import random
import time

import sympy as sp

from ._normal import condition_holds, normal_round
from ._objects import TupleSum, peel_top, split_exp
from ._rules import Rule, apply_rule
from ._symbols import Domain
from ._zero import canonical, decide_zero

__all__ = ["prepare", "prove_zero", "exact_zero", "try_summation", "try_induction", "random_points",
           "not_entire", "sign_of_sum", "ROUNDS"]

#: rounds of (substitutions, normal forms) before a difference is tested for 0
ROUNDS = 3


def as_entries_expr(expr):
    """Tuples become column matrices and ``Eq(a, b)`` becomes ``a - b`` so that sides subtract."""
    if isinstance(expr, (sp.Tuple, tuple)):
        return sp.Matrix([as_entries_expr(e) for e in expr])
    if isinstance(expr, sp.Equality):
        return expr.lhs - expr.rhs
    return expr


def entries(expr) -> list:
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    return [expr]


def prepare(expr, rules: tuple[Rule, ...], bounds: dict, rounds: int = ROUNDS):
    """``expr`` with the rules applied and the normal forms taken, ``rounds`` times (None on failure)."""
    try:
        for _ in range(rounds):
            before = expr
            for rule in rules:
                expr = apply_rule(expr, rule)
            expr = normal_round(expr, bounds)
            if expr == before:
                break
        return expr
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError,
            sp.PolynomialError, ZeroDivisionError):
        return None


def _log_terms_cancel(e) -> bool:
    """``sum_i q_i log A_i + rest`` with rational ``q_i``, positive ``A_i``, rest 0 and ``prod A_i^{q_i} = 1``."""
    e = sp.expand(e)
    logs, rest = [], []
    for term in sp.Add.make_args(e):
        q, body = term.as_coeff_Mul()
        if isinstance(body, sp.log) and q.is_Rational:
            logs.append((q, body.args[0]))
        else:
            rest.append(term)
    if not logs or canonical(sp.Add(*rest)) != 0:
        return False
    if not all(arg.is_positive for _, arg in logs):
        return False
    den = sp.ilcm(*[q.q for q, _ in logs])
    if sum(abs(int(q * den)) for q, _ in logs) > 24:
        return False
    pos, neg = sp.Integer(1), sp.Integer(1)
    for q, arg in logs:
        k = int(q * den)
        if k > 0:
            pos *= arg**k
        else:
            neg *= arg ** (-k)
    return canonical(pos - neg) == 0


def exact_zero(e) -> bool:
    if e == 0:
        return True
    e = canonical(e)
    if e == 0:
        return True
    if sp.expand(sp.numer(sp.together(e))) == 0:
        return True
    if e.has(sp.log):
        if canonical(sp.expand_log(e)) == 0:
            return True
        return _log_terms_cancel(sp.expand_log(e))
    return False


#: objects left in a difference that ``simplify`` cannot remove (a Sum's closed form under a condition)
_UNFINISHED = (sp.Piecewise,)
#: differences with more operations than this skip ``simplify`` (which can take minutes; the
#: steps it proves have about 30)
SIMPLIFY_MAX_OPS = 200


def _try_exact(items) -> bool:
    try:
        return items is not None and all(exact_zero(e) for e in items)
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
        return False


def _try_simplify(items, max_ops) -> bool:
    """``simplify`` each entry to 0: only on differences without a Piecewise or an unevaluated sum or
    product (sympy's sum simplification can take minutes there, and no derivation needs it)."""
    if items is None or any(e.has(*_UNFINISHED, sp.Sum, sp.Product, TupleSum) for e in items):
        return False
    try:
        for e in items:
            if max_ops is not None and sp.count_ops(e) > max_ops:
                return False
            if sp.simplify(e) != 0 and sp.simplify(sp.expand_log(e)) != 0:
                return False
        return True
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
        return False


def prove_zero(items, max_ops=SIMPLIFY_MAX_OPS, methods=("exact", "simplify")) -> str | None:
    """``"exact"`` or ``"simplify"`` when every entry is proved 0, else None."""
    if "exact" in methods and _try_exact(items):
        return "exact"
    if "simplify" in methods and _try_simplify(items, max_ops):
        return "simplify"
    return None


# -- summation: the identity theorem, with its hypotheses proved -----------------------------------

def not_entire(expr, x) -> str | None:
    """None when ``expr`` is an entire function of ``x`` for every value of its other symbols, else why not."""
    if not expr.has(x) or expr == x:
        return None
    if isinstance(expr, (sp.Add, sp.Mul)):
        for a in expr.args:
            why = not_entire(a, x)
            if why:
                return why
        return None
    if isinstance(expr, sp.Pow):
        base, e = expr.args
        if e.has(x):
            if base.has(x) or base.is_positive is not True:
                return f"the power {sp.sstr(expr)} has {x} in its exponent over a base not proved positive"
            return not_entire(e, x)
        if e.is_integer and e.is_nonnegative:
            return not_entire(base, x)
        return (f"the power {sp.sstr(expr)} has exponent {sp.sstr(e)}, not a nonnegative integer "
                f"(a pole or branch point in {x})")
    if isinstance(expr, sp.exp):
        return not_entire(expr.args[0], x)
    if isinstance(expr, (sp.Sum, sp.Product)):
        for var, lo, hi in expr.limits:
            if lo.has(x) or hi.has(x):
                return f"a limit of {sp.sstr(expr)} depends on {x}"
            if lo.is_infinite or hi.is_infinite or not (lo.is_integer and hi.is_integer):
                return (f"the sum over {var} from {sp.sstr(lo)} to {sp.sstr(hi)} is infinite: its closed form "
                        f"holds only where it converges, so equality near 0 does not extend")
        return not_entire(expr.function, x)
    if isinstance(expr, (sp.Indexed, sp.binomial, sp.factorial)) and not expr.has(x):
        return None
    return f"{type(expr).__name__} of {x} is not known to be entire"


def _gap_continuous_near_zero(gap, x) -> bool:
    core = gap
    for a in gap.atoms(sp.Abs):
        core = core.xreplace({a: a.args[0]})
    return not_entire(core, x) is None


def holds_near_zero(condition, variables) -> bool:
    """True when ``condition`` holds for one of ``variables`` on an interval ``(0, eps)``:
    each relation's gap is continuous there and negative at that variable = 0."""
    parts = condition.args if isinstance(condition, sp.And) else (condition,)
    for part in parts:
        if not isinstance(part, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan)):
            return False
        gap = part.lts - part.gts
        if gap.has(sp.Sum, sp.Product, sp.Piecewise):
            return False
        ok = False
        for v in variables:
            if v in gap.free_symbols and _gap_continuous_near_zero(gap, v) and gap.subs(v, 0).is_negative:
                ok = True
        if not ok:
            return False
    return True


def try_summation(items, sides, analytic_in: tuple, max_ops) -> tuple[str | None, str]:
    """``(how, "")`` when proved by summation, ``(None, why not)`` otherwise (``""`` if not applicable)."""
    if items is None or not analytic_in:
        return None, ""
    conditions = []

    def first_branch(*args):
        conditions.append(args[0][1])
        return args[0][0]

    try:
        reduced = [e.replace(lambda a: isinstance(a, sp.Piecewise), lambda a: first_branch(*a.args)) for e in items]
    except (TypeError, ValueError, AttributeError):
        return None, ""
    if not conditions:
        return None, ""
    for v in analytic_in:
        for side in sides:
            why = not_entire(side, v)
            if why:
                return None, f"analytic_in={v} not proved: {why}"
    if not all(holds_near_zero(cnd, set(analytic_in)) for cnd in conditions):
        return None, "the closed form's condition was not proved to hold on an interval (0, eps)"
    if prove_zero(reduced, max_ops) is None:
        return None, ""
    shown = ", ".join(sorted({sp.sstr(cnd) for cnd in conditions}))
    names = ", ".join(sorted(str(v) for v in analytic_in))
    return (f"Sum(...).doit() gives the closed form on {{{shown}}}, which holds for {names} in an interval "
            f"(0, eps); both sides are entire functions of {names} (finite sums of entire terms, "
            f"nonnegative integer powers, exp), so they agree everywhere (identity theorem)"), ""


# -- induction ---------------------------------------------------------------------------------------

def peel_all(expr, m, m_next):
    """Unfold tuple sums of length ``m + 1``, then split the top term off sums/products up to ``m + 1``."""
    expr = expr.replace(lambda a: isinstance(a, TupleSum), lambda a: a.peel(m, m_next))
    return peel_top(expr, m, m_next)


def least_value(n, bounds: dict):
    """The least admissible value of the integer symbol ``n`` (its range, else its assumptions)."""
    if n in bounds:
        return bounds[n][0]
    if n.is_positive:
        return sp.Integer(1)
    if n.is_nonnegative:
        return sp.Integer(0)
    return None


def _factors(term) -> list:
    out = []
    for fa in split_exp(term):
        if fa.is_Pow and fa.exp.is_Integer and fa.exp > 0:
            out.extend([fa.base] * int(fa.exp))
        else:
            out.append(fa)
    return out


def substitute_factor(expr, old, new):
    """``expr`` with ``old`` replaced by ``new``: as a whole sub-expression, and as a product of factors
    of each term (``old = A B`` in the term ``c A B`` gives ``c new``; exponentials split first)."""
    expr = expr.xreplace({old: new})
    if not isinstance(old, sp.Mul):
        return expr
    wanted = _factors(old)
    out = []
    for term in sp.Add.make_args(sp.expand(expr, power_exp=False, log=False, deep=False)):
        have = _factors(term)
        rest = list(have)
        for fa in wanted:
            if fa in rest:
                rest.remove(fa)
            else:
                break
        else:
            out.append(sp.Mul(*rest) * new)
            continue
        out.append(term)
    return sp.Add(*out)


def try_induction(lhs, rhs, n, base: int, rules, bounds: dict, max_ops) -> tuple[str | None, str]:
    """Induction on ``n`` from ``base``: ``(how, "")`` or ``(None, why not)``."""
    least = least_value(n, bounds)
    if least is None:
        return None, f"{n} has no least admissible value (not a nonnegative integer)"
    if (sp.Integer(base) - least).is_nonpositive is not True:
        return None, (f"induction base {n} = {base} is above the least admissible value "
                      f"{least} of {n}: the cases below it are not covered")

    def norm(e):
        return prepare(e, rules, bounds)

    base_diff = norm((lhs - rhs).xreplace({n: sp.Integer(base)}))
    if base_diff is None or prove_zero(entries(base_diff), max_ops) is None:
        return None, f"induction base case {n} = {base} not proved"
    k = sp.Dummy("k", integer=True, nonnegative=True)
    m = base + k                                    # every m >= base
    m_next = m + 1
    lhs_m, rhs_m = lhs.xreplace({n: m}), rhs.xreplace({n: m})
    lhs_next = norm(peel_all(lhs.xreplace({n: m_next}), m, m_next))
    rhs_next = norm(peel_all(rhs.xreplace({n: m_next}), m, m_next))
    hyp_l, hyp_r = norm(lhs_m), norm(rhs_m)
    if None in (lhs_next, rhs_next, hyp_l, hyp_r):
        return None, "the induction step could not be evaluated"
    candidates = []
    if hyp_l != hyp_r:
        with_hyp = norm(substitute_factor(lhs_next - rhs_next, hyp_l, hyp_r))
        candidates.append((with_hyp, "lhs(m + 1) = rhs(m + 1) given lhs(m) = rhs(m)"))
    candidates.append((norm((lhs_next - rhs_next) - (hyp_l - hyp_r)), "D(m + 1) - D(m) = 0"))
    for cand, how in candidates:
        if cand is not None and prove_zero(entries(cand), max_ops) is not None:
            return (f"induction on {n}: base case {n} = {base} proved, and the step m -> m + 1 for every "
                    f"m >= {base} ({how}; sums and products unfolded at their top term, tuple sums by "
                    f"[q]^(m+1) = [q]^m x [q]) proved"), ""
    return None, f"induction step m -> m + 1 on {n} not proved"


# -- sign claims ------------------------------------------------------------------------------------

def sign_of_sum(expr, sign: str) -> tuple[bool, str]:
    """Is ``expr`` (or ``-expr``) a sum of terms each proved positive by sympy's assumptions?"""
    if sign not in ("positive", "negative"):
        return False, f"unknown sign claim {sign!r}"
    if sign == "negative":
        expr = -expr
    try:
        terms = sp.Add.make_args(sp.expand(expr))
        bad = [t for t in terms if t.is_positive is not True]
    except (TypeError, ValueError, AttributeError):
        return False, "the sign claim could not be evaluated"
    if bad:
        return False, f"sign claim not proved: term {sp.sstr(bad[0])} is not provably positive"
    return True, (f"and the right side is {sign}: {'minus it is' if sign == 'negative' else 'it is'} "
                  f"a sum of {len(terms)} term(s), each positive for all admissible values")


# -- evidence: exact values at random points ---------------------------------------------------------

def _free_scalars(items) -> set:
    out = set()
    for e in items:
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
        return lo + (hi - lo) * q / 24
    return lo + q


def random_points(items: list, domains: dict, points: int, seed: int, bounds: dict | None = None
                  ) -> tuple[bool, str, int]:
    """``(all zero, detail, points used)``: exact values of ``items`` at random points of the domains
    (indexed objects with a range, such as the entries of a latent variable, are drawn in it)."""
    try:
        return _random_points(items, domains, points, seed, bounds or {})
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, ZeroDivisionError) as exc:
        return False, f"undecided: evaluation at a random point failed ({type(exc).__name__}: {exc})".strip(), 0


#: a point is evaluated only when its sums have at most this many terms in all (an upper bound:
#: the product of the lengths of every sum, tuple sum and product in the expression)
MAX_TERMS = 20000


def _terms(expr) -> int | None:
    total = 1
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Sum, sp.Product)):
            for _, lo, hi in node.limits:
                n = hi - lo + 1
                if not n.is_Integer:
                    return None
                total *= max(int(n), 1)
        elif isinstance(node, TupleSum):
            lo, hi = node.alphabet
            n = (hi - lo + 1) ** node.length
            if not n.is_Integer:
                return None
            total *= max(int(n), 1)
        if total > MAX_TERMS:
            return total
    return total


def _sample_indexed(obj, env: dict, rng: random.Random, bounds: dict):
    if obj.base in bounds:
        lo, hi = (sp.sympify(v).xreplace(env) for v in bounds[obj.base])
        if lo.is_Integer and (hi.is_Integer or hi.is_infinite):
            top = int(lo) + 4 if hi.is_infinite else int(hi)
            return sp.Integer(rng.randint(int(lo), max(int(lo), top)))
    return _sample(obj, None, env, rng)


def _random_points(items: list, domains: dict, points: int, seed: int, bounds: dict) -> tuple[bool, str, int]:
    rng = random.Random(seed)
    scalars = _free_scalars(items)
    needed = set(scalars)
    for s in reversed(list(domains)):
        if s in needed:
            dom = domains[s]
            needed |= dom.lo.free_symbols | (dom.hi.free_symbols if dom.hi is not None else set())
    ordered = [s for s in domains if s in needed] + sorted((s for s in scalars if s not in domains), key=lambda s: s.name)
    for k in range(points):
        env: dict = {}
        for s in ordered:
            env[s] = _sample(s, domains.get(s), env, rng)
        for e in items:
            at = e.xreplace(env)
            size = _terms(at)
            if size is not None and size > MAX_TERMS:
                shown = {str(a): str(b) for a, b in env.items()}
                return False, (f"undecided: more than {MAX_TERMS} terms to evaluate exactly at {shown} "
                               f"(random points are not tried on sums this large)"), k
            v = at.doit()
            indexed = sorted(v.atoms(sp.Indexed), key=sp.default_sort_key)
            if indexed:
                v = v.xreplace({i: _sample_indexed(i, env, rng, bounds) for i in indexed}).doit()
            if v.free_symbols:
                return False, f"undecided: symbols {sorted(map(str, v.free_symbols))} remain at point {env}", k
            verdict = decide_zero(v)
            shown = {str(a): str(b) for a, b in env.items()}
            if verdict is False:
                return False, f"counterexample at {shown}: lhs - rhs = {sp.N(v, 15)}", k + 1
            if verdict is None:
                return False, f"undecided: exact arithmetic did not reduce lhs - rhs to 0 at {shown}", k + 1
    return True, f"exactly 0 at {points} random exact points", points


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


__all__ += ["as_entries_expr", "entries", "holds_near_zero", "peel_all", "least_value", "SIMPLIFY_MAX_OPS",
            "condition_holds"]
