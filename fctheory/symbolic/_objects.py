"""The sympy objects the derivations compute with: tuple sums, vectors and inner products.

* :class:`TupleSum` is ``sum over beta in [lo..hi]^n of g(beta)`` for a *symbolic* length ``n``
  (a sum over sentences, or over the full latent set ``[n_c]^L``).  Its only rules are
  the generic ones of finite sums: enumeration when ``n`` is an integer, linearity, and
  the unfolding ``[lo..hi]^{m+1} = [lo..hi]^m x [lo..hi]`` (Fubini for finite sums) that
  an induction on the length uses.  Nothing in it knows what is being summed.
* Vectors are sympy expressions linear in the *vector atoms*: the frame vectors ``f(a)``,
  the word embeddings ``W(a, b)``, the blocks ``U(k, l)``, LayerNorm images ``Phi(v)``
  and the all-ones vector ``one``.  :class:`Inner` is the inner product: it expands
  bilinearly (scalars out, sums split, arguments in a canonical order since it is
  symmetric) and leaves ``<atom, atom>`` for the definitions to evaluate (the Gram
  matrix of the frame, ``<1, 1> = d``, ...).
"""

from __future__ import annotations

import itertools

import sympy as sp

__all__ = ["TupleSum", "Inner", "f", "W", "U", "Phi", "one", "is_vector_atom", "peel_top", "split_exp"]

class _Vector(sp.Function):
    """A vector-valued symbol applied to its indices (no rules of its own)."""

    is_commutative = True


class f(_Vector):
    """The frame vector f_a (definitions 1-3)."""

    nargs = 1

    def _latex(self, printer):
        return r"f_{%s}" % printer._print(self.args[0])


class W(_Vector):
    """The word embedding w_(a,b): column a s_c + b of W (appendix A)."""

    nargs = 2

    def _latex(self, printer):
        return r"w_{(%s, %s)}" % tuple(printer._print(a) for a in self.args)


class U(_Vector):
    """The block u_{k,l} of row k of U (appendix A)."""

    nargs = 2

    def _latex(self, printer):
        return r"u_{%s, %s}" % tuple(printer._print(a) for a in self.args)


class Phi(_Vector):
    """LayerNorm phi(v) of a vector (appendix A)."""

    nargs = 1

    def _latex(self, printer):
        return r"\varphi\left(%s\right)" % printer._print(self.args[0])

#: the all-ones vector 1_d
one = sp.Symbol(r"\mathbf{1}")

_VECTOR_FUNCS = (f, W, U, Phi)


def is_vector_atom(e) -> bool:
    """True for ``f(a)``, ``W(a, b)``, ``U(k, l)``, ``Phi(v)`` and ``one``."""
    return e == one or isinstance(e, _VECTOR_FUNCS)


def _linear_terms(v):
    """``[(coefficient, atom), ...]`` of a vector expression, or None if it is not linear in the atoms."""
    out = []
    for term in sp.Add.make_args(sp.expand(v)):
        atoms = [fa for fa in sp.Mul.make_args(term) if is_vector_atom(fa)]
        if len(atoms) != 1:
            return None
        coeff = term / atoms[0]
        if any(is_vector_atom(x) for x in sp.preorder_traversal(coeff)):
            return None
        out.append((coeff, atoms[0]))
    return out


class Inner(sp.Function):
    r"""The inner product :math:`\langle u, v\rangle` of two vector expressions.

    Evaluates on construction by bilinearity and symmetry: scalars come out,
    sums split, and ``<atom, atom>`` stays (arguments in sympy's canonical
    order) until a definition gives its value.
    """

    nargs = 2
    is_commutative = True

    @classmethod
    def eval(cls, u, v):
        if u.has(sp.Wild) or v.has(sp.Wild):
            return None
        tu, tv = _linear_terms(u), _linear_terms(v)
        if tu is None or tv is None:
            return None
        if len(tu) == 1 and len(tv) == 1 and tu[0][0] == 1 and tv[0][0] == 1:
            a, b = tu[0][1], tv[0][1]
            if sp.default_sort_key(b) < sp.default_sort_key(a):
                return cls(b, a)
            return None
        return sp.Add(*[ca * cb * cls(a, b) for ca, a in tu for cb, b in tv])

    def _latex(self, printer):
        return r"\left\langle %s, %s \right\rangle" % (printer._print(self.args[0]), printer._print(self.args[1]))


def peel_top(expr, m, m_next):
    """Split the top term ``m_next`` off every Sum/Product whose (outer) upper limit is ``m_next``.

    ``sum_{v=lo}^{m+1} g(v) = sum_{v=lo}^{m} g(v) + g(m+1)`` (and the same with a product)
    holds for every integer ``m`` in sympy's (Karr) convention for sums with ``hi < lo``.
    """
    def rule(obj):
        var, lo, hi = obj.limits[-1]
        if sp.expand(hi - m_next) != 0:
            return obj
        inner = obj.function if len(obj.limits) == 1 else obj.func(obj.function, *obj.limits[:-1])
        top = inner.xreplace({var: m_next})
        rest = obj.func(obj.function, *obj.limits[:-1], (var, lo, m))
        return rest + top if isinstance(obj, sp.Sum) else rest * top

    return expr.replace(lambda a: isinstance(a, (sp.Sum, sp.Product)), rule)


def split_exp(expr):
    """The multiplicative factors of ``expr``, with ``exp(a + b)`` split into ``exp(a) exp(b)``."""
    out = []
    for fa in sp.Mul.make_args(expr):
        if isinstance(fa, sp.exp):
            arg = sp.expand(fa.args[0])
            out.extend(sp.exp(t) for t in sp.Add.make_args(arg))
        else:
            out.append(fa)
    return out


class TupleSum(sp.Expr):
    r"""``sum_{beta in [lo..hi]^n} g(beta)``: a sum over all tuples of length ``n``.

    Parameters (sympy args)
    -----------------------
    function : Expr
        ``g``; it uses the tuple's entries as ``base[l]`` (usually inside a
        sum or product over the positions ``l = 1..n``).
    base : IndexedBase
        The tuple variable (bound).
    limits : tuple (var, lo, hi) or (lo, hi)
        The alphabet ``lo..hi`` of each entry (``var`` is accepted for
        readability and not stored: the entry :meth:`peel` splits off becomes a
        fresh summation variable).
    length : Expr
        ``n``, an integer >= 0 (symbolic or not).
    """

    is_commutative = True

    def __new__(cls, function, base, limits, length):
        lo, hi = tuple(limits)[-2:]
        return sp.Expr.__new__(cls, sp.sympify(function), base, sp.Tuple(lo, hi), sp.sympify(length))

    @property
    def function(self):
        return self.args[0]

    @property
    def base(self):
        return self.args[1]

    @property
    def alphabet(self):
        return self.args[2][0], self.args[2][1]

    def _entry_symbol(self):
        lo = self.alphabet[0]
        sign = dict(positive=True) if lo.is_positive else dict(nonnegative=True) if lo.is_nonnegative else {}
        return sp.Dummy(f"{self.base.label}_new", integer=True, **sign)

    @property
    def length(self):
        return self.args[3]

    @property
    def free_symbols(self):
        inner = {s for s in self.function.free_symbols
                 if not (s == self.base.label or (isinstance(s, sp.Indexed) and s.base == self.base))}
        lo, hi = self.alphabet
        return inner | lo.free_symbols | hi.free_symbols | self.length.free_symbols

    def _has_entries(self, expr) -> bool:
        return expr.has(self.base)

    def doit(self, **hints):
        function = self.function.doit(**hints) if hints.get("deep", True) else self.function
        n = self.length.doit(**hints)
        lo, hi = (e.doit(**hints) for e in self.alphabet)
        if not (n.is_Integer and n >= 0):
            return self.func(function, self.base, (lo, hi), n)
        n = int(n)
        g = function.doit()
        if lo.is_Integer and hi.is_Integer:
            total = sp.Integer(0)
            for values in itertools.product(range(int(lo), int(hi) + 1), repeat=n):
                total += g.xreplace({self.base[i + 1]: v for i, v in enumerate(values)})
            return total.doit() if total.has(sp.Sum, sp.Product) else total
        dummies = [self._entry_symbol() for _ in range(n)]
        out = g.xreplace({self.base[i + 1]: dummies[i] for i in range(n)})
        for dmy in reversed(dummies):
            out = sp.Sum(out, (dmy, lo, hi))
        return out.doit() if n else out

    def peel(self, m, m_next):
        r"""``sum_{[lo..hi]^{m+1}} g = sum_{var=lo}^{hi} sum_{[lo..hi]^m} g|_{beta_{m+1} = var}``.

        The unfolding of the product set ``[lo..hi]^{m+1} = [lo..hi]^m \times [lo..hi]``
        (Fubini for finite sums).  Sums and products over positions whose upper
        limit is ``m + 1`` have their top term split off first, so that
        ``beta_{m+1}`` appears explicitly before it becomes ``var``.  Returns
        ``self`` unless the length is ``m_next``.
        """
        if sp.expand(self.length - m_next) != 0:
            return self
        g = peel_top(self.function, m, m_next)
        var = self._entry_symbol()
        g = g.xreplace({self.base[m_next]: var})
        lo, hi = self.alphabet
        return sp.Sum(self.func(g, self.base, (lo, hi), m), (var, lo, hi))

    def linear(self):
        """Linearity: split a sum of terms and pull out factors without tuple entries."""
        g = sp.expand(self.function, power_exp=False, log=False, deep=False, mul=True, multinomial=False)
        if isinstance(g, sp.Add):
            return sp.Add(*[self.func(term, *self.args[1:]).linear() for term in g.args])
        outside, inside = [], []
        for fa in split_exp(g):
            (inside if self._has_entries(fa) else outside).append(fa)
        if not outside:
            return self
        rest = sp.Mul(*inside)
        count = sp.Integer(1)
        if not inside:   # sum of a constant: (hi - lo + 1)^n terms
            lo, hi = self.alphabet
            count = (hi - lo + 1) ** self.length
            return sp.Mul(*outside) * count
        return sp.Mul(*outside) * self.func(rest, *self.args[1:])

    def _latex(self, printer):
        lo, hi = self.alphabet
        alphabet = f"[{printer._print(hi)}]" if lo == 1 else rf"\{{{printer._print(lo)}, \dots, {printer._print(hi)}\}}"
        return (rf"\sum_{{{printer._print(self.base)} \in {alphabet}^{{{printer._print(self.length)}}}}} "
                rf"\left({printer._print(self.function)}\right)")

    def _sympystr(self, printer):
        lo, hi = self.alphabet
        return (f"TupleSum({printer._print(self.function)}, {printer._print(self.base)} in "
                f"[{printer._print(lo)}..{printer._print(hi)}]^{printer._print(self.length)})")
