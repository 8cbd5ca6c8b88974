"""The data term for any latent set by a prefix/suffix split (eq. 5, 17).

Generalises :mod:`._full` to latent sets that are not the full set (random
subsets, linear codes).  Positions ``1..h`` form the prefix and ``h+1..L``
the suffix; the distinct prefix concept tuples :math:`\\alpha` and suffix
tuples :math:`\\beta` among the classes index the tables
:math:`P_\\alpha = \\prod_{l \\le h} E_l` (``s_c^h x K`` rows of word ranks) and
:math:`S_\\beta = \\prod_{l > h} E_l` (``s_c^m x K``).  Class
:math:`k = (\\alpha, \\beta)` emits the sentences (prefix rank tuple, suffix rank
tuple) and :math:`t_j(x) = P_\\alpha[r, j]\\, S_\\beta[i, j]`.

For each prefix block :math:`\\alpha` with classes :math:`C_\\alpha` (suffixes
:math:`\\beta \\in C_\\alpha`), the partition sums of all its sentences are the
batched product :math:`P_\\alpha S_{C_\\alpha}^T` (``s_c^h x K`` by
``K x |C_\\alpha| s_c^m``), with the columns of the classes of
:math:`C_\\alpha` zeroed in :math:`P_\\alpha` and those other than the
sentence's own added back by a small product (no subtraction, as in
:mod:`._full`).  Cost: :math:`K^2 s_c^L` multiply-adds per product (three
with the gradient), :math:`O((|A| s_c^h + K s_c^m) K)` for the tables and
gathers; ``h`` is chosen to minimise the table sizes.
"""

from __future__ import annotations

import numpy as np

from ..errors import ProblemTooLarge
from ._full import _digits, _probabilities, add_marginals, add_own_class, product_tables

__all__ = ["split_data_term", "choose_split", "require_table_size", "class_blocks", "sentence_words"]

#: Target entries of the per-chunk working arrays.
CHUNK_ELEMENTS = 2**23
#: Largest total size of the prefix and suffix tables.
MAX_TABLE_ENTRIES = 2**28


def choose_split(latent: np.ndarray, s_c: int) -> int:
    """The prefix length ``h`` (``1 <= h < L``) minimising the number of
    table entries :math:`|A_h| s_c^h + |B_{L-h}| s_c^{L-h}` (ties: the
    most balanced)."""
    K, L = latent.shape
    best = None
    for h in range(1, L):
        nA = np.unique(latent[:, :h], axis=0).shape[0]
        nB = np.unique(latent[:, h:], axis=0).shape[0]
        cost = (nA * s_c**h + nB * s_c ** (L - h), abs(L - 2 * h))
        if best is None or cost < best[0]:
            best = (cost, h)
    return best[1]


def require_table_size(nA: int, nB: int, s_c: int, h: int, m: int, K: int) -> None:
    """Refuse prefix/suffix tables larger than :data:`MAX_TABLE_ENTRIES`."""
    entries = (nA * s_c**h + nB * s_c**m) * K
    if entries > MAX_TABLE_ENTRIES:
        raise ProblemTooLarge("the prefix/suffix tables of the exact risk (float64 entries)", entries,
                              MAX_TABLE_ENTRIES, "reduce s_c, L or K")


def class_blocks(latent: np.ndarray, h: int, s_c: int):
    """The prefix blocks of a latent set split after position ``h``.

    Returns ``pre`` (distinct prefix tuples), ``suf`` (distinct suffix
    tuples), ``cls`` (``(len(pre), cmax)``: the classes of each prefix block,
    padded with -1), ``valid = cls >= 0`` and ``sufs`` (the suffix index of
    each slot, 0 for padding); refuses tables larger than
    :data:`MAX_TABLE_ENTRIES`."""
    K, L = latent.shape
    pre, pre_id = np.unique(latent[:, :h], axis=0, return_inverse=True)
    suf, suf_id = np.unique(latent[:, h:], axis=0, return_inverse=True)
    pre_id, suf_id = pre_id.ravel(), suf_id.ravel()
    nA = pre.shape[0]
    require_table_size(nA, suf.shape[0], s_c, h, L - h, K)
    order = np.argsort(pre_id, kind="stable")
    counts = np.bincount(pre_id, minlength=nA)
    slot = np.arange(K) - np.repeat(np.cumsum(counts) - counts, counts)  # position within its block
    cls = np.full((nA, int(counts.max())), -1, dtype=np.int64)
    cls[pre_id[order], slot] = order
    valid = cls >= 0
    sufs = np.where(valid, suf_id[np.where(valid, cls, 0)], 0)
    return pre, suf, cls, valid, sufs


def sentence_words(pre_rows: np.ndarray, suf_rows: np.ndarray, r: np.ndarray, j: np.ndarray, s_c: int) -> np.ndarray:
    """Word indices ``(n, L)`` of the sentences with prefix concept tuples
    ``pre_rows``, suffix tuples ``suf_rows`` and rank-tuple indices ``r``
    (prefix) and ``j`` (suffix): word ``(a, b)`` is ``a * s_c + b``."""
    return np.concatenate([pre_rows * s_c + _digits(r, s_c, pre_rows.shape[1]),
                           suf_rows * s_c + _digits(j, s_c, suf_rows.shape[1])], axis=1)


def split_data_term(A, latent, mu, n_c, s_c, *, grad, fallback_term, bad_rowmax, h=None):
    """Data term of eq. (5) for a latent set (see module docstring).

    Returns ``(sum, dA_unnormalised or None, fallback)`` as :func:`._full.full_data_term`
    (class indices are the rows of ``latent``)."""
    L, n_w, K = A.shape
    if h is None:
        h = choose_split(latent, s_c)
    m = L - h
    shift = A.max(axis=2, keepdims=True)
    E = np.exp(A - shift).reshape(L, n_c, s_c, K)
    pre, suf, cls, valid, sufs = class_blocks(latent, h, s_c)  # classes of each prefix block, padded to cmax
    clsz = np.where(valid, cls, 0)
    P, badP = product_tables(E, pre, 0, bad_rowmax)  # (nA, Rh, K)
    S, badS = product_tables(E, suf, h, bad_rowmax)  # (nB, Rm, K)
    nA, Rh, Rm = P.shape[0], P.shape[1], S.shape[1]
    cmax = cls.shape[1]
    q = _probabilities(mu, h)[None, None, :, None] * _probabilities(mu, m)[None, None, None, :]  # (1,1,Rh,Rm)
    ar_c = np.arange(cmax)

    dA = np.zeros((L, n_w, K)) if grad else None
    total = 0.0
    fallback = []
    per_block = cmax * Rm * K + Rh * K + 4 * cmax * Rh * Rm + cmax * cmax * (Rh + Rm)
    step = max(1, CHUNK_ELEMENTS // per_block)
    for a0 in range(0, nA, step):
        ia = np.arange(a0, min(nA, a0 + step))
        na = ia.size
        D, Dz, val = cls[ia], clsz[ia], valid[ia]  # (na, cmax)
        ii = np.arange(na)[:, None]
        Pb = P[ia].copy()  # (na, Rh, K)
        Psub = Pb[ii, :, Dz].transpose(0, 2, 1) * val[:, None, :]  # (na, Rh, cmax): own-prefix classes
        Pb[np.broadcast_to(ii, D.shape)[val], :, D[val]] = 0.0
        Sg = S[sufs[ia]]  # (na, cmax, Rm, K)
        Z = np.matmul(Pb, Sg.reshape(na, cmax * Rm, K).transpose(0, 2, 1))  # (na, Rh, cmax*Rm)
        Z = Z.reshape(na, Rh, cmax, Rm).transpose(0, 2, 1, 3)  # (na, cmax, Rh, Rm)
        # Ssub[i, c, :, c2] = S_{beta_c}[:, k(alpha_i, c2)]
        Ssub = Sg[np.arange(na)[:, None, None], ar_c[None, :, None], :, Dz[:, None, :]]  # (na, cmax, cmax, Rm)
        Ssub = Ssub.transpose(0, 1, 3, 2)  # (na, cmax(beta), Rm, cmax(j'))
        X = np.broadcast_to(Psub[:, None, :, :], (na, cmax, Rh, cmax)).copy()
        X[:, ar_c, :, ar_c] = 0.0  # own column out
        O = Z + np.matmul(X, Ssub.transpose(0, 1, 3, 2))  # (na, cmax, Rh, Rm)
        Sown = Ssub[:, ar_c, :, ar_c].transpose(1, 0, 2)  # (na, cmax, Rm)
        t = Psub.transpose(0, 2, 1)[:, :, :, None] * Sown[:, :, None, :]
        sentence = val[:, :, None, None]
        fb = sentence & ((t < fallback_term) | badP[ia][:, None, :, None] | badS[sufs[ia]][:, :, None, :])
        ok = sentence & ~fb
        ratio = np.divide(O, t, out=np.zeros_like(O), where=ok)
        total += float(np.sum(q * np.log1p(ratio)))
        if fb.any():
            i, c, r, j = np.nonzero(fb)
            fallback.append((D[i, c], sentence_words(pre[ia[i]], suf[sufs[ia][i, c]], r, j, s_c)))
        if not grad:
            continue
        beta = np.divide(np.broadcast_to(q, O.shape), O + t, out=np.zeros_like(O), where=ok)
        Bm = beta.transpose(0, 2, 1, 3).reshape(na, Rh, cmax * Rm)
        # prefix side: dP (columns of other prefixes), then the own-prefix block
        dP = np.matmul(Bm, Sg.reshape(na, cmax * Rm, K))  # (na, Rh, K)
        dsub = np.matmul(beta, Ssub)  # (na, cmax(beta), Rh, cmax(j'))
        dsub[:, ar_c, :, ar_c] = 0.0
        dsub = dsub.sum(axis=1)  # (na, Rh, cmax)
        dP[np.broadcast_to(ii, D.shape)[val], :, D[val]] = dsub.transpose(0, 2, 1)[val]
        add_marginals(dA, P[ia] * dP, pre[ia], 0, s_c)
        # suffix side, per class slot
        dSg = np.matmul(beta.transpose(0, 1, 3, 2), Pb[:, None, :, :])  # (na, cmax, Rm, K)
        dS_sub = np.matmul(beta.transpose(0, 1, 3, 2), X)  # (na, cmax, Rm, cmax(j'))
        for c2 in range(cmax):  # column k(alpha, c2) of every slot's S (valid blocks only: no repeated index)
            rows = np.flatnonzero(val[:, c2])
            dSg[rows, :, :, D[rows, c2]] += dS_sub[rows, :, :, c2]
        Hs = (Sg * dSg)[val]  # (n_valid, Rm, K)
        add_marginals(dA, Hs, suf[sufs[ia][val]], h, s_c)
        # own class: d CE / d h_k = -O/Z at column k, all positions
        kv = D[val]
        add_own_class(dA, (-beta * O)[val], kv, latent[kv], s_c)
    return total, dA, fallback
