"""The sympy symbols shared by every derivation.

Each symbol carries the assumptions the paper makes about it (integers for
sizes, positive reals for magnitudes), which is what lets sympy simplify
``sqrt(a**2) = a`` and similar steps.  The random-point verifier samples every
free symbol inside the range stated in :data:`DEFAULT_DOMAINS`.
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "n_c", "s_c", "L", "K", "n_w", "d", "lam", "t", "c", "c_prime", "eta",
    "r", "b", "l", "x", "p", "mu", "rr", "S", "Domain", "DEFAULT_DOMAINS",
    "j", "k", "a", "r0", "theta", "s_w", "m_w", "R", "z", "D", "Sk", "N", "beta", "zeta", "INDEX_SYMBOLS",
]

def _positive_integer(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def _positive(name: str) -> sp.Symbol:
    return sp.Symbol(name, positive=True)


#: number of concepts (section 2)
n_c = _positive_integer("n_c")
#: words per concept
s_c = _positive_integer("s_c")
#: sentence length
L = _positive_integer("L")
#: number of latent variables (classes); a positive real in the formulas
K = _positive_integer("K")
#: vocabulary size n_w = n_c s_c (kept as its own symbol in theorems 1 and 3)
n_w = _positive_integer("n_w")
#: embedding dimension
d = _positive_integer("d")
#: regularization λ of eq. (5) / eq. (10)
lam = _positive("lambda")
#: the variable of H and H*
t = _positive("t")
#: collapse constants c, c' (definitions 1-3)
c = _positive("c")
c_prime = _positive("c'")
#: the rate η of theorem 1 as a symbol (before substitution)
eta = _positive("eta")
#: summation index over distances, words and positions
r = _positive_integer("r")
b = _positive_integer("b")
l = _positive_integer("l")
#: a generic positive variable (x = e^{-η t} in the binomial step) and ρ = r_b / c
x = _positive("x")
p = _positive("rho")
#: word law μ_b and type-III magnitudes r_b (indexed by the word b)
mu = sp.IndexedBase("mu", positive=True)
rr = sp.IndexedBase("r", positive=True)
#: sphere sizes |S_r| of a latent set (lemma B (i)), the same for every class
S = sp.IndexedBase("S", integer=True, nonnegative=True)

#: classes j, k, a concept a, a distance r0 >= 0
j = _positive_integer("j")
k = _positive_integer("k")
a = _positive_integer("a")
r0 = sp.Symbol("r", integer=True, nonnegative=True)
#: the margin per unit distance of a configuration (c c' n_c/(n_c - 1) for type I)
theta = _positive("theta")
#: a type-II word vector w = s f_a + m 1 (scale s > 0, shift m)
s_w = _positive("s")
m_w = sp.Symbol("m", real=True)
#: the risk
R = sp.Symbol("R")
#: latent variables z_{k,l} (entries in 1..n_c), Hamming distances dist(z_j, z_k)
z = sp.IndexedBase("z", integer=True, positive=True)
D = sp.IndexedBase(r"\operatorname{dist}", integer=True, nonnegative=True)
#: sphere sizes |S_r(k)| of class k and the counts of assumption A, #{j : dist = r, z_{j,l} = a}
Sk = sp.IndexedBase("S", integer=True, nonnegative=True)
N = sp.IndexedBase("N", integer=True, nonnegative=True)
#: the words beta_1..beta_L of a sentence, a tuple zeta of concepts (a latent variable of the full set)
beta = sp.IndexedBase("beta", integer=True, positive=True)
zeta = sp.IndexedBase("zeta", integer=True, positive=True)

#: index symbols: a step's identity holds for each of their values, so a step used as a rule
#: (``given``) matches them to any admissible index
INDEX_SYMBOLS = frozenset({j, k, a, r0, r, b, l})


class Domain:
    """Where the random-point verifier samples one symbol.

    Parameters
    ----------
    kind : {"integer", "rational"}
        Integers are drawn uniformly in ``[lo, hi]``; rationals are ``p/q``
        with ``p`` uniform in ``[1, 24]`` and ``q`` in ``[1, 8]``, scaled into
        ``(lo, hi]`` when ``hi`` is finite.
    lo, hi : sympy expressions
        Bounds, which may depend on symbols listed earlier (``K <= n_c**L``).
    """

    __slots__ = ("kind", "lo", "hi")

    def __init__(self, kind: str, lo, hi=None):
        if kind not in ("integer", "rational"):
            raise ValueError(f"unknown domain kind {kind!r}")
        self.kind = kind
        self.lo = sp.sympify(lo)
        self.hi = None if hi is None else sp.sympify(hi)

    def __repr__(self) -> str:
        return f"Domain({self.kind!r}, {self.lo}, {self.hi})"


#: Sampling ranges, in dependency order (later bounds may use earlier symbols).
#: Small integers keep exact expansions such as (1 + (n_c - 1) x)^L cheap.
DEFAULT_DOMAINS: dict[sp.Symbol, Domain] = {
    n_c: Domain("integer", 2, 5),
    s_c: Domain("integer", 1, 4),
    L: Domain("integer", 1, 4),
    K: Domain("integer", 1, n_c**L),
    n_w: Domain("integer", 1, 40),
    d: Domain("integer", 1, 40),
    r: Domain("integer", 1, L),
    b: Domain("integer", 1, s_c),
    l: Domain("integer", 1, L),
}
