"""The data term on the full latent set by a prefix/suffix split (eq. 5, 17).

Full set, canonical order: class :math:`k = \\alpha n_c^m + \\beta` has prefix
concepts :math:`\\alpha \\in [n_c]^h` (positions ``1..h``) and suffix concepts
:math:`\\beta \\in [n_c]^m` (positions ``h+1..L``, ``m = L - h``).  With
:math:`E_l = \\exp(A_l - \\max_j A_l)`, the term of class ``j`` on sentence
``x`` factorises as :math:`t_j(x) = P[x_{\\le h}, j]\\, S[x_{>h}, j]`, where
the prefix table ``P`` (``n_w^h x K``) and suffix table ``S``
(``n_w^m x K``) are products of ``E`` over their positions (never
rescaled: see :data:`._contraction.FALLBACK_TERM`).  All partition sums are
then the single matrix product :math:`P S^T` (``n_w^h x K`` by
``K x n_w^m``, BLAS), and the two gradient products have the same size.

Own class, without cancellation.  For sentence ``x`` of class
:math:`k = (\\alpha, \\beta)`, the classes sharing its prefix concepts are the
block :math:`D_\\alpha = \\{\\alpha n_c^m + \\beta'\\}`.  The product uses ``P``
with the columns :math:`D_\\alpha` zeroed in the rows of :math:`\\alpha`
(all classes that differ in the prefix), and the classes of
:math:`D_\\alpha \\setminus \\{k\\}` are added by a small batched product
(``n_c^m`` columns per block, own column zeroed).  Every term is positive:
:math:`O_k(x) = \\sum_{j \\ne k} t_j(x)` is formed without subtraction.

Cost: :math:`3\\, n_w^L K` multiply-adds in three well-shaped BLAS products,
plus :math:`3\\, n_w^L n_c^m` in the batched products and
:math:`O((n_w^h + n_w^m) K + L n_w^L)` element-wise; memory
:math:`O(n_w^L + (n_w^h + n_w^m) K)`, chunked over prefix blocks.
"""

from __future__ import annotations

import numpy as np

from ..latent import full_latent_set

__all__ = ["full_data_term", "split_point", "add_marginals", "add_own_class", "product_tables"]

#: Target entries of the (block-chunked) output arrays of size n_w**L.
CHUNK_ELEMENTS = 2**22


def split_point(L: int) -> int:
    """Prefix length ``h`` (``m = L - h`` suffix positions): ``h = ceil(L/2)``."""
    return (L + 1) // 2


def product_tables(E, tuples, first, bad_rowmax):
    """Products of ``E`` over positions ``first..first+p-1`` for each concept
    tuple (row of ``tuples``, ``(n, p)``): shape ``(n, s_c**p, K)``, rows =
    word-rank tuples (first position most significant).  With ``tuples`` the
    full set :math:`[n_c]^p` in canonical order, row ``(alpha, r)`` is the
    prefix or suffix table of the module docstring.

    Rows are never rescaled: every entry stays in the scale of the per-word
    max-shift (all factors <= 1), so an own-class term ``t_k >= FALLBACK_TERM``
    certifies that no factor of it was subnormal and that every term lost to
    underflow is below ``2**-1022``, i.e. negligible against ``t_k``.  Rows
    whose maximum fell below ``bad_rowmax`` (then every term of the row is
    below it) are flagged for the exact path.
    Returns the table and the flag array ``(n, s_c**p)``."""
    n, p = tuples.shape
    K, s = E.shape[3], E.shape[2]
    T = np.ones((n, 1, K))
    bad = np.zeros((n, 1), dtype=bool)
    for i in range(p):
        Ei = E[first + i][tuples[:, i]]  # (n, s, K)
        X = (T[:, :, None, :] * Ei[:, None, :, :]).reshape(n, -1, K)
        rowmax = X.max(axis=2)
        b = (rowmax < bad_rowmax) | np.repeat(bad, s, axis=1)
        T, bad = X, b
    return T, bad


def add_marginals(dA, H, tuples, first, s_c):
    r"""Add to ``dA[first + l]`` the marginals of ``H`` at position ``l``.

    ``H`` (shape ``(n, s_c**p, K)``, rows = rank tuples of the concept tuples
    ``tuples`` (``(n, p)``) of a product table over positions
    ``first..first+p-1``) holds
    :math:`H[\text{row}, j] = T[\text{row}, j]\,\partial F/\partial T[\text{row}, j]
    = \sum_{x \ni \text{row}} q(x) p_j(x)`-type sums: every entry is a sum of
    non-negative probabilities, so unlike a reverse pass through the scaled
    table (which divides by the row scales) it cannot overflow.  The gradient
    in :math:`A_l[w, j]` is the sum of ``H`` over the rows whose word at
    position ``l`` is ``w = a s_c + b``: the rank-``b`` marginal, summed over
    the rows of concept ``a`` (a one-hot product).
    """
    n, p = tuples.shape
    K = H.shape[-1]
    n_c = dA.shape[1] // s_c
    Hr = H.reshape((n,) + (s_c,) * p + (K,))
    rows = np.arange(n)
    for l in range(p):
        axes = tuple(1 + a for a in range(p) if a != l)
        marg = Hr.sum(axis=axes) if axes else Hr  # (n, s_c, K)
        onehot = np.zeros((n_c, n))
        onehot[tuples[:, l], rows] = 1.0
        dA[first + l] += (onehot @ marg.reshape(n, s_c * K)).reshape(n_c * s_c, K)


def add_own_class(dA, gamma, classes, tuples, s_c):
    """Add :math:`\\gamma = -q O_k/Z` (shape ``(n, s_c**L)``, one row per
    class ``classes[i]`` with latent variable ``tuples[i]``, columns = rank
    tuples) to ``dA[l][word, k]`` for every position ``l`` (marginals over the
    other positions): the derivative of :math:`CE(h, k)` in :math:`h_k` is
    :math:`p_k - 1 = -O_k/Z`, accumulated without cancellation.  The classes
    must be distinct."""
    n, L = tuples.shape
    g = gamma.reshape((n,) + (s_c,) * L)
    for l in range(L):
        axes = tuple(1 + a for a in range(L) if a != l)
        marg = g.sum(axis=axes) if axes else g  # (n, s_c)
        words = tuples[:, l][:, None] * s_c + np.arange(s_c)[None, :]
        dA[l][words, classes[:, None]] += marg


def full_data_term(A, mu, n_c, s_c, *, grad, fallback_term, bad_rowmax):
    """Data term of eq. (5) on the canonical full set (see module docstring).

    Returns ``(sum, dA_unnormalised or None, fallback)`` where ``sum`` is
    :math:`\\sum_k \\sum_x q\\,CE` over the exactly handled sentences and
    ``fallback`` lists ``(classes, words)`` arrays for the exact path.
    """
    L, n_w, K = A.shape
    h = split_point(L)
    m = L - h
    M, N = n_c**m, n_c**h
    shift = A.max(axis=2, keepdims=True)
    E = np.exp(A - shift).reshape(L, n_c, s_c, K)
    pre, suf, classes = full_latent_set(n_c, h), full_latent_set(n_c, m), full_latent_set(n_c, L)
    P, badP = product_tables(E, pre, 0, bad_rowmax)  # (N, R, K)
    S, badS = product_tables(E, suf, h, bad_rowmax)  # (M, Sw, K)
    R, Sw = P.shape[1], S.shape[1]
    S2 = S.reshape(M * Sw, K)
    # S restricted to the columns D_alpha, per prefix block: Ssub[a, beta, i, j'] = S[beta, i, a*M + j']
    Ssub = np.ascontiguousarray(S.reshape(M, Sw, N, M).transpose(2, 0, 1, 3))
    ar_N, ar_M = np.arange(N), np.arange(M)
    Sown = Ssub[:, ar_M, :, ar_M].transpose(1, 0, 2)  # (N, M, Sw): S[beta, i, a*M + beta]
    qP = _probabilities(mu, h)
    qS = _probabilities(mu, m)
    q = qP[None, None, :, None] * qS[None, None, None, :]  # (1, 1, R, Sw)

    dA_direct = np.zeros((L, n_w, K)) if grad else None
    dP = np.empty_like(P) if grad else None
    dS = np.zeros((M, Sw, K)) if grad else None
    total = 0.0
    fallback = []
    step = max(1, CHUNK_ELEMENTS // (R * M * (Sw + M) + R * K))  # per block: O, beta (M Sw), X (M M), P (K)
    for a0 in range(0, N, step):
        blk = slice(a0, min(N, a0 + step))
        nb = blk.stop - blk.start
        ab = ar_N[blk]
        Pb = P[blk].copy()  # (nb, R, K)
        P4 = Pb.reshape(nb, R, N, M)
        Psub = P4[np.arange(nb), :, ab, :].copy()  # (nb, R, M): columns D_alpha
        P4[np.arange(nb), :, ab, :] = 0.0
        Pb2 = Pb.reshape(nb * R, K)
        Z = (Pb2 @ S2.T).reshape(nb, R, M, Sw).transpose(0, 2, 1, 3)  # other prefix classes
        X = np.broadcast_to(Psub[:, None, :, :], (nb, M, R, M)).copy()
        X[:, ar_M, :, ar_M] = 0.0  # own column out
        SsubT = Ssub[blk].transpose(0, 1, 3, 2)  # (nb, M, M(j'), Sw)
        O = Z + X @ SsubT  # (nb, M(beta), R, Sw): all off-class terms
        t = Psub.transpose(0, 2, 1)[:, :, :, None] * Sown[blk][:, :, None, :]
        fb = (t < fallback_term) | badP[blk][:, None, :, None] | badS[None, :, None, :]
        ok = ~fb
        ratio = np.divide(O, t, out=np.zeros_like(O), where=ok)
        total += float(np.sum(q * np.log1p(ratio)))
        if fb.any():
            fallback.append(_fallback_words(np.nonzero(fb), a0, n_c, s_c, h, m, M))
        if not grad:
            continue
        beta = np.divide(np.broadcast_to(q, O.shape), O + t, out=np.zeros_like(O), where=ok)
        Bm = beta.transpose(0, 2, 1, 3).reshape(nb * R, M * Sw)
        # gradient w.r.t. P (classes of other prefixes), then the block D_alpha
        G = (Bm @ S2).reshape(nb, R, K)
        dsub = np.matmul(beta, Ssub[blk])  # (nb, M(beta), R, M(j'))
        dsub[:, ar_M, :, ar_M] = 0.0
        G.reshape(nb, R, N, M)[np.arange(nb), :, ab, :] = dsub.sum(axis=1)
        dP[blk] = G
        # gradient w.r.t. S
        dS += (Bm.T @ Pb2).reshape(M, Sw, K)
        dS_sub = np.matmul(beta.transpose(0, 1, 3, 2), X)  # (nb, M(beta), Sw, M(j'))
        dS.reshape(M, Sw, N, M)[:, :, blk, :] += dS_sub.transpose(1, 2, 0, 3)
        # own class: d CE / d h_k = -O/Z, added to A directly
        cls = (ab[:, None] * M + ar_M[None, :]).ravel()  # classes (alpha, beta), rows of beta * O
        add_own_class(dA_direct, (-beta * O).reshape(nb * M, R * Sw), cls, classes[cls], s_c)
    if not grad:
        return total, None, fallback
    add_marginals(dA_direct, P * dP, pre, 0, s_c)
    add_marginals(dA_direct, S * dS, suf, h, s_c)
    return total, dA_direct, fallback


def _probabilities(mu, p):
    q = np.ones(1)
    for _ in range(p):
        q = np.multiply.outer(q, mu).ravel()
    return q


def _digits(index, base, count):
    """Base-``base`` digits (most significant first) of ``index``, shape ``(..., count)``."""
    out = np.empty(index.shape + (count,), dtype=np.int64)
    rem = np.array(index, dtype=np.int64)
    for c in range(count - 1, -1, -1):
        out[..., c] = rem % base
        rem = rem // base
    return out


def _fallback_words(idx, a0, n_c, s_c, h, m, M):
    """Classes and word tuples of the flagged entries ``(alpha, beta, r, i)``."""
    a, bta, r, i = idx
    alpha = a + a0
    cls = alpha * M + bta
    words = np.concatenate([
        _digits(alpha, n_c, h) * s_c + _digits(r, s_c, h),
        _digits(bta, n_c, m) * s_c + _digits(i, s_c, m),
    ], axis=1)
    return cls, words
