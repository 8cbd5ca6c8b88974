"""The data term of the true risk by position-wise contraction (eq. 5, 17).

Notation.  :math:`A_l = W^T U_l^T` (shape ``(n_w, K)``) holds the score of
every word at position ``l`` for every class, so the logit of class ``j`` on
sentence :math:`x` is :math:`h(x)_j = \\sum_l A_l[x_l, j]` (eq. 17).  Class
``k`` only emits sentences whose word at position ``l`` belongs to concept
:math:`z_{k,l}`, with probability :math:`q(x) = \\prod_l \\mu_{b_l}`; a
sentence therefore belongs to at most one class (the latent variables are
distinct), and the data term of eq. (5) is

.. math::

    \\frac1K \\sum_k \\sum_{x \\sim D_k} q(x)\\,
    \\log\\Big(1 + \\frac{O_k(x)}{t_k(x)}\\Big),\\qquad
    t_j(x) = \\prod_l E_l[x_l, j],\\quad O_k(x) = \\sum_{j\\ne k} t_j(x),

with :math:`E_l = \\exp(A_l - \\max_j A_l)` (a per-word max-shift, which
cancels in the ratio).  Every summand is non-negative: no difference of two
logit-sized numbers is ever formed.

Contraction.  The classes are the leaves of the trie of their latent
prefixes.  For a trie node of depth ``l`` and each word prefix it can emit,
the row vector :math:`T_l = T_{l-1} \\odot E_l[x_l, :]` (length ``K``) is shared by all
classes below the node.  The last position is a matrix product
:math:`O = T_{L-1} E_L^T` (BLAS), with the own-class column of :math:`T_{L-1}`
zeroed so that :math:`O_k` excludes :math:`t_k` exactly.  The gradient is the
reverse pass of the same recursion: two more matrix products at the last
position and element-wise passes above it.

Dispatch: :func:`data_term` sends the full set (``L >= 2``) to the
prefix/suffix split of :mod:`._full` and other latent sets with ``L >= 2`` to
the blocked split of :mod:`._split`; the trie below runs for ``L = 1`` and,
with ``force_trie=True``, as a second implementation the tests compare with.

Cost of the trie: the last position
costs about :math:`K^2 s_c^L` multiply-adds per product in BLAS (three
products with the gradient), the trie levels :math:`O(\\sum_l N_l s_c^l K)`
element-wise work (:math:`N_l` trie nodes at depth ``l``); memory
:math:`O(N_{L-1} s_c^{L-1} K)`, bounded by chunking over the first position.

Underflow.  A sentence whose own-class term :math:`t_k(x)` falls below
:data:`FALLBACK_TERM` (or whose trie row underflowed) is handed to the exact
per-sentence log-sum-exp of :mod:`._sentences`.
"""

from __future__ import annotations

import numpy as np

from ..errors import ProblemTooLarge
from ._full import full_data_term
from ._split import split_data_term
from ._sentences import exact_terms

__all__ = ["data_term", "canonical_class_index", "FALLBACK_TERM", "DEFAULT_MAX_ELEMENTS", "HARD_MAX_ELEMENTS"]

#: Own-class terms t_k(x) below this send the sentence to the exact fallback.
#: Terms are products of per-word max-shifted factors (each <= 1) and are never
#: rescaled, so t_k >= 2**-500 means no factor of t_k was subnormal, and every
#: term lost to underflow (< 2**-1022) is below 2**-522 t_k: negligible.
#: (Rescaling rows to maximum 1 would amplify factors that had already lost
#: digits as subnormals and let such sentences through.)
FALLBACK_TERM = 2.0**-500
#: A row whose maximum falls below this holds only terms below FALLBACK_TERM:
#: all its sentences take the exact path.
BAD_ROWMAX = FALLBACK_TERM
#: Target number of float64 entries of the largest working array of a chunk.
DEFAULT_MAX_ELEMENTS = 2**23
#: A single chunk larger than this is refused (ProblemTooLarge).
HARD_MAX_ELEMENTS = 2**28
#: Sentences per exact-fallback batch times K.
FALLBACK_BATCH_ELEMENTS = 2**22


class _Trie:
    """Trie of the latent prefixes of a lexicographically sorted set of classes."""

    def __init__(self, Z: np.ndarray):
        Kc, L = Z.shape
        self.node_of_leaf = [np.zeros(Kc, dtype=np.int64)]
        self.par = [None]
        self.conc = [None]
        self.child_starts = [None]
        for l in range(1, L):
            new = np.any(Z[1:, :l] != Z[:-1, :l], axis=1)
            starts = np.concatenate(([0], np.flatnonzero(new) + 1))
            self.node_of_leaf.append(np.concatenate(([0], np.cumsum(new))).astype(np.int64))
            par = self.node_of_leaf[l - 1][starts]
            self.par.append(par)
            self.conc.append(Z[starts, l - 1])
            self.child_starts.append(np.flatnonzero(np.concatenate(([True], par[1:] != par[:-1]))))
        self.leaf_par = self.node_of_leaf[L - 1]
        self.leaf_conc = Z[:, L - 1]


def _plan(Z: np.ndarray, s_c: int, K: int, max_elements: int):
    """Split the sorted classes into chunks ``(leaf slice, first-word slice)``.

    The largest array of a chunk is :math:`T_{L-1}` with
    ``N_{L-1} * r_1 * s_c**(L-2) * K`` entries (``r_1`` first words)."""
    Kc, L = Z.shape
    if L == 1:
        yield slice(0, Kc), slice(0, s_c)
        return
    firsts = np.flatnonzero(np.concatenate(([True], Z[1:, 0] != Z[:-1, 0])))
    bounds = list(firsts) + [Kc]
    groups = []
    for g in range(len(firsts)):
        lo, hi = bounds[g], bounds[g + 1]
        sub = Z[lo:hi, : L - 1]
        nodes = 1 + int(np.count_nonzero(np.any(sub[1:] != sub[:-1], axis=1))) if hi - lo > 1 else 1
        groups.append((lo, hi, nodes * s_c ** (L - 2) * K))
    i = 0
    while i < len(groups):
        lo, hi, per_word = groups[i]
        if per_word > HARD_MAX_ELEMENTS:
            raise ProblemTooLarge(
                "one chunk of the exact-risk contraction (float64 entries)",
                per_word,
                HARD_MAX_ELEMENTS,
                "reduce s_c, L or K",
            )
        if per_word * s_c > max_elements:
            step = max(1, max_elements // per_word)
            for b in range(0, s_c, step):
                yield slice(lo, hi), slice(b, min(s_c, b + step))
            i += 1
            continue
        total = per_word * s_c
        j = i + 1
        while j < len(groups) and total + groups[j][2] * s_c <= max_elements:
            total += groups[j][2] * s_c
            hi = groups[j][1]
            j += 1
        yield slice(lo, hi), slice(0, s_c)
        i = j


def data_term(A: np.ndarray, latent: np.ndarray, mu: np.ndarray, n_c: int, s_c: int, *,
              grad: bool = True, max_elements: int = DEFAULT_MAX_ELEMENTS, force_trie: bool = False):
    """The data term :math:`\\frac1K\\sum_k E_{x\\sim D_k} CE(h(x), k)` of eq. (5)
    and its gradient with respect to the score tables ``A`` (shape ``(L, n_w, K)``).

    The full set (``K = n_c**L``, ``L >= 2``) goes through the prefix/suffix
    split of :mod:`._full`, other latent sets with ``L >= 2`` through the
    blocked split of :mod:`._split`; ``L = 1`` (or ``force_trie``) through the
    trie contraction of this module.

    Returns
    -------
    value : float
    dA : ndarray ``(L, n_w, K)`` or None
    """
    L, n_w, K = A.shape
    if L >= 2 and K == n_c**L and not force_trie:
        return _data_term_full(A, latent, mu, n_c, s_c, grad)
    if L >= 2 and not force_trie:
        total, dA, fallback = split_data_term(A, latent, mu, n_c, s_c, grad=grad, fallback_term=FALLBACK_TERM,
                                              bad_rowmax=BAD_ROWMAX)
        if fallback:
            total += _run_fallback(A, fallback, mu, s_c, dA)
        return total / K, (dA / K if grad else None)
    shift = A.max(axis=2, keepdims=True)
    E = np.exp(A - shift).reshape(L, n_c, s_c, K)  # entries in [0, 1], max 1 per word
    dE = np.zeros_like(E) if grad else None
    dA_direct = np.zeros((L, n_w, K)) if grad else None
    order = np.lexsort(latent.T[::-1])
    Z = latent[order]
    total = 0.0
    fallback = []
    for leaves, b1 in _plan(Z, s_c, K, max_elements):
        part, fb = _chunk(E, dE, dA_direct, Z[leaves], order[leaves], mu, s_c, b1)
        total += part
        fallback.extend(fb)
    if fallback:
        total += _run_fallback(A, fallback, mu, s_c, dA_direct)
    if not grad:
        return total / K, None
    dA = (E * dE).reshape(L, n_w, K) + dA_direct
    return total / K, dA / K


def canonical_class_index(latent: np.ndarray, n_c: int) -> np.ndarray:
    """Index of each row of a full latent set in the canonical order of
    :func:`fctheory.latent.full_latent_set` (its base-``n_c`` value)."""
    return latent @ (n_c ** np.arange(latent.shape[1] - 1, -1, -1, dtype=np.int64))


def _data_term_full(A, latent, mu, n_c, s_c, grad):
    """The full set in any class order: permute the classes to the canonical
    (lexicographic) order, run :func:`._full.full_data_term`, permute back."""
    L, n_w, K = A.shape
    code = canonical_class_index(latent, n_c)
    identity = bool(np.all(code == np.arange(K)))
    Ac = A if identity else np.empty_like(A)
    if not identity:
        Ac[:, :, code] = A
    total, dAc, fallback = full_data_term(Ac, mu, n_c, s_c, grad=grad, fallback_term=FALLBACK_TERM,
                                          bad_rowmax=BAD_ROWMAX)
    if grad and dAc is None:
        dAc = np.zeros_like(A)
    if fallback:
        total += _run_fallback(Ac, fallback, mu, s_c, dAc if grad else None)
    if not grad:
        return total / K, None
    dA = dAc if identity else dAc[:, :, code]
    return total / K, dA / K


def _run_fallback(A, fallback, mu, s_c, dA):
    """Exact per-sentence value (and gradient into ``dA``) of the listed ``(classes, words)``."""
    k = np.concatenate([f[0] for f in fallback])
    X = np.concatenate([f[1] for f in fallback])
    q = np.prod(mu[X % s_c], axis=1)
    K = A.shape[2]
    step = max(1, FALLBACK_BATCH_ELEMENTS // K)
    total = 0.0
    for start in range(0, k.size, step):
        sl = slice(start, start + step)
        total += exact_terms(A, k[sl], X[sl], q[sl], dA)
    return total


def _chunk(E, dE, dA_direct, Zc, kidx, mu, s_c, b1: slice):
    """Forward and reverse pass over one chunk of classes (and first words)."""
    L, n_c, _, K = E.shape
    grad = dE is not None
    trie = _Trie(Zc)
    # words available at each position (the first one restricted to ``b1``)
    Epos = [E[0][:, b1, :]] + [E[l] for l in range(1, L)]
    mupos = [mu[b1]] + [mu for _ in range(1, L)]
    ctx = _Context(Zc, kidx, s_c, [e.shape[1] for e in Epos], [b1.start] + [0] * (L - 1), dA_direct)

    # ---- forward: T_l for l = 0..L-1, shape (N_l, R_l, K), R_l = prod(sizes[:l])
    T = [np.ones((1, 1, K))]
    bad = [np.zeros((1, 1), dtype=bool)]
    any_bad = False
    for l in range(1, L):
        par, conc = trie.par[l], trie.conc[l]
        r = ctx.sizes[l - 1]
        P = T[l - 1][par]
        X = (P[:, :, None, :] * Epos[l - 1][conc][:, None, :, :]).reshape(len(par), -1, K)
        rowmax = X.max(axis=2)
        b = rowmax < BAD_ROWMAX
        if any_bad:
            b |= np.repeat(bad[l - 1][par], r, axis=1)
        any_bad = any_bad or bool(b.any())
        T.append(X)
        bad.append(b)

    # ---- last position: matrix products against E_L
    TL = T[L - 1]
    N, R = TL.shape[0], TL.shape[1]
    qR = np.ones(1)
    for l in range(L - 1):
        qR = np.multiply.outer(qR, mupos[l]).ravel()
    q = qR[None, :, None] * mupos[L - 1][None, None, :]  # (1, R, r): q(x) = prod_l mu_{b_l}
    badL = bad[L - 1] if any_bad else None
    if Zc.shape[0] * 2 >= N * n_c:
        total, dT = _last_dense(ctx, trie, TL, Epos[L - 1], q, badL, dE, b1, grad)
    else:
        total, dT = _last_sparse(ctx, trie, TL, Epos[L - 1], q, badL, dE, b1, grad)

    if not grad or L == 1:
        return total, ctx.fallback
    # ---- reverse pass through positions L-1 .. 1.  H = T (.) dLoss/dT holds, for
    # every trie row, the sum over its sentences of q p_j (off-class): a sum of
    # non-negative terms that only needs to be summed over children (no division
    # by row scales, no overflow).  Its marginal at a position is dLoss/dA there.
    H = T[L - 1] * dT
    for l in range(L - 1, 0, -1):
        par, conc = trie.par[l], trie.conc[l]
        r = ctx.sizes[l - 1]
        H4 = H.reshape(len(par), -1, r, K)
        per_node = H4.sum(axis=1)  # (N_l, r, K): by the word rank at position l-1
        for a in np.unique(conc):
            words = a * s_c + ctx.offsets[l - 1] + np.arange(r)
            dA_direct[l - 1][words] += per_node[conc == a].sum(axis=0)
        if l >= 2:
            H = np.add.reduceat(H4.sum(axis=2), trie.child_starts[l], axis=0)
    return total, ctx.fallback


class _Context:
    """Per-chunk bookkeeping shared by the last-position routines."""

    def __init__(self, Zc, kidx, s_c, sizes, offsets, dA_direct):
        self.Zc, self.kidx, self.s_c = Zc, kidx, s_c
        self.sizes, self.offsets = sizes, offsets
        self.dA_direct = dA_direct
        self.fallback = []

    def own_class(self, gamma: np.ndarray, sel: np.ndarray) -> None:
        """Add the own-class gradient ``gamma`` (``(n, R, r)``, entries
        :math:`-q O_k / Z \\le 0`) of leaves ``sel`` to ``dA`` directly: the
        derivative of :math:`CE` in :math:`h_k` is :math:`p_k - 1 = -O_k/Z`."""
        L = len(self.sizes)
        n = sel.size
        kc = self.kidx[sel]
        g = gamma.reshape((n,) + tuple(self.sizes))
        for l in range(L):
            axes = tuple(i + 1 for i in range(L) if i != l)
            marg = g.sum(axis=axes) if axes else g
            words = self.Zc[sel, l][:, None] * self.s_c + self.offsets[l] + np.arange(self.sizes[l])[None, :]
            self.dA_direct[l][words, kc[:, None]] += marg

    def record_fallback(self, fb: np.ndarray, sel: np.ndarray) -> None:
        """Remember the sentences flagged in ``fb`` (``(n, R, r)``) for the exact path."""
        if not fb.any():
            return
        L = len(self.sizes)
        i, row, b = np.nonzero(fb)
        digits = np.empty((i.size, L), dtype=np.int64)
        rem = row.copy()
        for l in range(L - 2, -1, -1):
            digits[:, l] = rem % self.sizes[l] + self.offsets[l]
            rem //= self.sizes[l]
        digits[:, L - 1] = b + self.offsets[L - 1]
        self.fallback.append((self.kidx[sel[i]], self.Zc[sel[i]] * self.s_c + digits))


def _ratio_terms(O, term, q, bad_rows):
    """Mask of exactly-handled sentences, :math:`\\sum q \\log(1 + O/t)` and :math:`\\beta = q/Z`."""
    fb = term < FALLBACK_TERM
    if bad_rows is not None:
        fb |= bad_rows
    ok = ~fb
    ratio = np.divide(O, term, out=np.zeros_like(O), where=ok)
    value = float(np.sum(q * np.log1p(ratio)))
    beta = np.divide(np.broadcast_to(q, O.shape), O + term, out=np.zeros_like(O), where=ok)
    return fb, value, beta


def _last_sparse(ctx, trie, TL, EL, q, badL, dE, b1, grad):
    """Last position, one concept at a time (latent sets far from full)."""
    L = len(ctx.sizes)
    N, R, K = TL.shape
    r = EL.shape[1]
    dT = np.zeros_like(TL) if (grad and L >= 2) else None
    total = 0.0
    for a in np.unique(trie.leaf_conc):
        sel = np.flatnonzero(trie.leaf_conc == a)
        Pa = trie.leaf_par[sel]
        kc = ctx.kidx[sel]
        n = sel.size
        inplace = n == N  # parents distinct and sorted, so Pa == arange(N)
        X = TL if inplace else TL[Pa]
        rows = np.arange(n)
        saved = X[rows, :, kc].copy()  # (n, R): own-class column of T_{L-1}
        X[rows, :, kc] = 0.0
        X2 = X.reshape(-1, K)
        O = (X2 @ EL[a].T).reshape(n, R, r)  # off-class sums O_k(x)
        term = saved[:, :, None] * EL[a][:, kc].T[:, None, :]  # own-class t_k(x)
        fb, value, beta = _ratio_terms(O, term, q, None if badL is None else badL[Pa][:, :, None])
        total += value
        if grad:
            B2 = beta.reshape(-1, r)
            if L >= 2:
                dE[L - 1][a] += B2.T @ X2
                G = (B2 @ EL[a]).reshape(n, R, K)
                G[rows, :, kc] = 0.0
                dT[Pa] += G
            else:
                dE[0][a, b1] += B2.T @ X2
            ctx.own_class(-beta * O, sel)
        if inplace:
            X[rows, :, kc] = saved
        ctx.record_fallback(fb, sel)
    return total, dT


def _last_dense(ctx, trie, TL, EL, q, badL, dE, b1, grad):
    """Last position for (nearly) full latent sets: one product with all words.

    Every own-class column :math:`k(p, a)` of the children of a node ``p`` is
    zeroed at once; the terms of the *other* children's columns, which are
    off-class for the sentence, are added back (positive terms only)."""
    L = len(ctx.sizes)
    N, R, K = TL.shape
    n_c, r = EL.shape[0], EL.shape[1]
    leaf_of = np.full((N, n_c), -1, dtype=np.int64)
    leaf_of[trie.leaf_par, trie.leaf_conc] = np.arange(trie.leaf_par.size)
    present = leaf_of >= 0
    kk = np.where(present, ctx.kidx[np.maximum(leaf_of, 0)], 0)
    S = np.zeros((N, R, n_c))  # own-class columns of T_{L-1}, per child concept
    ps = [np.flatnonzero(present[:, a]) for a in range(n_c)]
    for a in range(n_c):
        S[ps[a], :, a] = TL[ps[a], :, kk[ps[a], a]]
        TL[ps[a], :, kk[ps[a], a]] = 0.0
    T2 = TL.reshape(-1, K)
    ELw = EL.reshape(n_c * r, K)
    O = (T2 @ ELw.T).reshape(N, R, n_c, r)
    # cross[a][a2][p, b] = E_L[a, b, k(p, a2)]: word (a, b) against the class of child a2 of p
    cross = [[EL[a][:, kk[:, a2]].T for a2 in range(n_c)] for a in range(n_c)]
    term = np.empty_like(O)
    for a in range(n_c):
        term[:, :, a, :] = S[:, :, a, None] * cross[a][a][:, None, :]
        for a2 in range(n_c):
            if a2 != a:
                O[:, :, a, :] += S[:, :, a2, None] * cross[a][a2][:, None, :]
    bad_rows = ~present[:, None, :, None]
    if badL is not None:
        bad_rows = bad_rows | badL[:, :, None, None]
    fb, value, beta = _ratio_terms(O, term, q[:, :, None, :], bad_rows)
    fb &= present[:, None, :, None]
    dT = None
    if grad:
        B2 = beta.reshape(-1, n_c * r)
        dEL = (B2.T @ T2).reshape(n_c, r, K)
        for a in range(n_c):
            for a2 in range(n_c):
                if a2 != a and ps[a2].size:
                    V = np.einsum("prb,pr->pb", beta[ps[a2], :, a, :], S[ps[a2], :, a2])
                    dEL[a][:, kk[ps[a2], a2]] += V.T
        if L >= 2:
            dE[L - 1] += dEL
            dT = (beta.reshape(-1, n_c * r) @ ELw).reshape(N, R, K)
            for a in range(n_c):
                if ps[a].size:
                    # column k(p, a) is own for child a, off-class for the other children
                    own = np.zeros((ps[a].size, R))
                    for a2 in range(n_c):
                        if a2 != a:
                            own += np.einsum("prb,pb->pr", beta[ps[a], :, a2, :], cross[a2][a][ps[a]])
                    dT[ps[a], :, kk[ps[a], a]] = own
        else:
            dE[0][:, b1] += dEL
        for a in range(n_c):
            if ps[a].size:
                ctx.own_class(-beta[ps[a], :, a, :] * O[ps[a], :, a, :], leaf_of[ps[a], a])
    for a in range(n_c):
        TL[ps[a], :, kk[ps[a], a]] = S[ps[a], :, a]
        if ps[a].size:
            ctx.record_fallback(fb[ps[a], :, a, :], leaf_of[ps[a], a])
    return value, dT
