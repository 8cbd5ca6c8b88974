"""Sentence-by-sentence evaluation of the data term (exact, no factorisation).

Used for the sentences that the factorised contraction hands over (extreme
trial points where a scaled probability would underflow) and for the
Hessian-vector product.  Everything works on the per-position score tables
:math:`A_l = W^T U_l^T` (shape ``(L, n_w, K)``): the logit of class ``j`` for
sentence :math:`x` is :math:`h(x)_j = \\sum_l A_l[x_l, j]` (eq. 17).

Cross-entropy is written as a sum of non-negative terms,

.. math::

    CE(h, k) = (m - h_k) + \\log\\Big(1 + \\big(e^{h_k - m} - 1\\big)
    + \\sum_{j \\ne k} e^{h_j - m}\\Big), \\qquad m = \\max_j h_j,

whose two parts are each :math:`\\ge 0`, so no digits are lost near collapse.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sentence_batches", "sentences_of", "exact_terms", "hvp_terms", "hvp_fallback"]

#: Largest one-hot matrix (entries) used to scatter-add rows.
ONE_HOT_LIMIT = 2**24
#: Sentences times K per batch of the sentence-by-sentence Hessian-vector product.
HVP_BATCH_ELEMENTS = 2**21


def sentences_of(latent: np.ndarray, s_c: int, mu: np.ndarray, start: int, stop: int):
    """Sentences ``start..stop-1`` of the enumeration (class-major, then words).

    Sentence ``i`` belongs to class ``k = i // s_c**L`` and uses word
    ``b_l`` = the l-th base-``s_c`` digit of ``i % s_c**L`` at position ``l``
    (word index ``z_{k,l} * s_c + b_l``), with probability
    :math:`\\prod_l \\mu_{b_l}` under :math:`D_k` (section 2).

    Returns
    -------
    k : int64 array ``(n,)``, X : int64 array ``(n, L)``, q : float array ``(n,)``
    """
    L = latent.shape[1]
    per_class = s_c**L
    i = np.arange(start, stop, dtype=np.int64)
    k = i // per_class
    powers = s_c ** np.arange(L - 1, -1, -1, dtype=np.int64)
    digits = (i[:, None] % per_class // powers[None, :]) % s_c
    X = latent[k] * s_c + digits
    q = np.prod(mu[digits], axis=1)
    return k, X, q


def sentence_batches(latent: np.ndarray, s_c: int, mu: np.ndarray, max_elements: int):
    """Yield ``(k, X, q)`` batches covering every sentence of every class,
    each batch holding at most ``max(1, max_elements // K)`` sentences."""
    K, L = latent.shape
    total = K * s_c**L
    step = max(1, int(max_elements) // K)
    for start in range(0, total, step):
        yield sentences_of(latent, s_c, mu, start, min(total, start + step))


def _logits(A: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``h(x)`` for every sentence row of ``X``: :math:`\\sum_l A_l[x_l, :]` (eq. 17)."""
    S = A[0][X[:, 0]].copy()
    for l in range(1, A.shape[0]):
        S += A[l][X[:, l]]
    return S


def _scatter_rows(target: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """``target[rows[i]] += values[i]`` for every ``i`` (repeated rows accumulate).

    A one-hot matrix product (``n_w x n`` by ``n x K``) when it is small,
    else :func:`numpy.add.at`."""
    n_rows = target.shape[0]
    if n_rows * rows.size <= ONE_HOT_LIMIT:
        onehot = np.zeros((n_rows, rows.size))
        onehot[rows, np.arange(rows.size)] = 1.0
        target += onehot @ values
    else:
        np.add.at(target, rows, values)


def _softmax_parts(S: np.ndarray, k: np.ndarray):
    rows = np.arange(S.shape[0])
    m = S.max(axis=1)
    e = np.exp(S - m[:, None])
    ek = e[rows, k].copy()
    e_off = e.copy()
    e_off[rows, k] = 0.0
    off = e_off.sum(axis=1)
    total = ek + off  # >= 1: it contains the maximal term exp(0)
    return rows, m, e, ek, off, total


def exact_terms(A: np.ndarray, k: np.ndarray, X: np.ndarray, q: np.ndarray, dA: np.ndarray | None) -> float:
    """:math:`\\sum_i q_i \\, CE(h(x_i), k_i)` for explicit sentences; adds the
    gradient of that sum with respect to ``A`` to ``dA`` (if given).

    The gradient of :math:`CE(h, k)` in :math:`h` is :math:`p - e_k`; its
    class-``k`` entry is computed as :math:`-\\sum_{j\\ne k} p_j` (no
    cancellation).
    """
    if k.size == 0:
        return 0.0
    S = _logits(A, X)
    rows, m, e, ek, off, total = _softmax_parts(S, k)
    ce = (m - S[rows, k]) + np.log1p(np.expm1(S[rows, k] - m) + off)
    value = float(np.dot(q, ce))
    if dA is not None:
        coeff = e * (q / total)[:, None]
        coeff[rows, k] = -q * off / total
        for l in range(A.shape[0]):
            _scatter_rows(dA[l], X[:, l], coeff)
    return value


def hvp_terms(A, dA_dir, k, X, q, G: np.ndarray | None, Gam: np.ndarray) -> None:
    """Accumulate, for explicit sentences, the gradient ``G`` of
    :math:`\\sum_i q_i CE` in ``A`` (skipped when ``G`` is None) and its
    directional derivative ``Gam`` along ``dA_dir``.

    With :math:`p = \\mathrm{softmax}(h)` and :math:`\\delta h = \\sum_l
    \\delta A_l[x_l, :]`, the derivative of :math:`p - e_k` is
    :math:`p \\odot \\delta h - p\\,(p^T \\delta h)` (the softmax Hessian).
    """
    if k.size == 0:
        return
    S = _logits(A, X)
    rows, m, e, ek, off, total = _softmax_parts(S, k)
    p = e / total[:, None]
    dS = _logits(dA_dir, X)
    second = p * (dS - np.sum(p * dS, axis=1, keepdims=True)) * q[:, None]
    for l in range(A.shape[0]):
        _scatter_rows(Gam[l], X[:, l], second)
    if G is not None:
        coeff = p * q[:, None]
        coeff[rows, k] = -q * off / total
        for l in range(A.shape[0]):
            _scatter_rows(G[l], X[:, l], coeff)


def hvp_fallback(A, dA_dir, k: np.ndarray, words: np.ndarray, mu: np.ndarray, s_c: int, Gam: np.ndarray) -> None:
    """Directional derivative of the gradient for sentences handed over by a
    factorised contraction (their scaled probabilities underflowed): exact,
    sentence by sentence, in chunks of :data:`HVP_BATCH_ELEMENTS` logits.  Only
    ``Gam`` is accumulated; the gradient itself is computed elsewhere."""
    K = A.shape[2]
    q = np.prod(mu[words % s_c], axis=1)
    step = max(1, HVP_BATCH_ELEMENTS // K)
    for a0 in range(0, k.size, step):
        sl = slice(a0, a0 + step)
        hvp_terms(A, dA_dir, k[sl], words[sl], q[sl], None, Gam)
