"""Hessian-vector product of the log-partition term for any latent set.

The forward-mode derivative of the blocked prefix/suffix contraction of
:mod:`._split` (as :mod:`._full_hvp` does for the full set).  Only the
log-partition part :math:`F = \\sum_x q \\log Z` has a Hessian (the own-class
logit is linear in ``A``), so no class is excluded here:
:math:`Z = P_\\alpha S_{C_\\alpha}^T`, :math:`Z' = P'_\\alpha S^T + P_\\alpha S'^T`,
:math:`B = q/Z`, :math:`B' = -B Z'/Z`, and the product is the position
marginal of :math:`P' \\odot (B S) + P \\odot (B' S + B S')` and of the
suffix counterpart.  Sentences whose scaled partition sum underflows are
handled exactly by :func:`._sentences.hvp_terms`.
"""

from __future__ import annotations

import numpy as np

from ._full import _probabilities, add_marginals
from ._full_hvp import product_tables_with_tangents
from ._sentences import hvp_fallback
from ._split import choose_split, class_blocks, sentence_words

__all__ = ["split_log_partition_hvp"]

#: Target entries of the per-chunk working arrays.
CHUNK_ELEMENTS = 2**22


def split_log_partition_hvp(A, dA_dir, latent, mu, n_c, s_c, *, fallback_term, bad_rowmax):
    """:math:`\\nabla^2 F(A)[\\delta A]`, unnormalised, shape ``(L, n_w, K)``."""
    L, n_w, K = A.shape
    h = choose_split(latent, s_c)
    m = L - h
    shift = A.max(axis=2, keepdims=True)
    E = np.exp(A - shift).reshape(L, n_c, s_c, K)
    Ed = E * dA_dir.reshape(L, n_c, s_c, K)
    pre, suf, cls, valid, sufs = class_blocks(latent, h, s_c)
    P, Pd, badP = product_tables_with_tangents(E, Ed, pre, 0, bad_rowmax)
    S, Sd, badS = product_tables_with_tangents(E, Ed, suf, h, bad_rowmax)
    nA, Rh, Rm = P.shape[0], P.shape[1], S.shape[1]
    cmax = cls.shape[1]
    q = _probabilities(mu, h)[None, :, None, None] * _probabilities(mu, m)[None, None, None, :]  # (1, Rh, 1, Rm)

    Gam = np.zeros((L, n_w, K))
    fallback = []
    per_block = 2 * cmax * Rm * K + 2 * Rh * K + 6 * Rh * cmax * Rm
    step = max(1, CHUNK_ELEMENTS // per_block)
    for a0 in range(0, nA, step):
        ia = np.arange(a0, min(nA, a0 + step))
        na = ia.size
        val = valid[ia]
        Pb, Pdb = P[ia], Pd[ia]
        Sg, Sdg = S[sufs[ia]].reshape(na, cmax * Rm, K), Sd[sufs[ia]].reshape(na, cmax * Rm, K)
        SgT, SdgT = Sg.transpose(0, 2, 1), Sdg.transpose(0, 2, 1)
        Z = np.matmul(Pb, SgT).reshape(na, Rh, cmax, Rm)
        Zd = (np.matmul(Pdb, SgT) + np.matmul(Pb, SdgT)).reshape(na, Rh, cmax, Rm)
        sentence = val[:, None, :, None]
        fb = sentence & ((Z < fallback_term) | badP[ia][:, :, None, None] | badS[sufs[ia]][:, None, :, :])
        ok = sentence & ~fb
        B = np.divide(np.broadcast_to(q, Z.shape), Z, out=np.zeros_like(Z), where=ok)
        Bd = -np.divide(B * Zd, Z, out=np.zeros_like(Z), where=ok)
        B2, Bd2 = B.reshape(na, Rh, cmax * Rm), Bd.reshape(na, Rh, cmax * Rm)
        dP = np.matmul(B2, Sg)
        dPd = np.matmul(Bd2, Sg) + np.matmul(B2, Sdg)
        add_marginals(Gam, Pdb * dP + Pb * dPd, pre[ia], 0, s_c)
        B2T, Bd2T = B2.transpose(0, 2, 1), Bd2.transpose(0, 2, 1)  # (na, cmax*Rm, Rh)
        dS = np.matmul(B2T, Pb)
        dSd = np.matmul(Bd2T, Pb) + np.matmul(B2T, Pdb)
        Hs = (Sdg * dS + Sg * dSd).reshape(na, cmax, Rm, K)[val]
        add_marginals(Gam, Hs, suf[sufs[ia][val]], h, s_c)
        if fb.any():
            i, r, c, j = np.nonzero(fb)
            fallback.append((cls[ia[i], c], sentence_words(pre[ia[i]], suf[sufs[ia][i, c]], r, j, s_c)))
    if fallback:
        k = np.concatenate([f[0] for f in fallback])
        words = np.concatenate([f[1] for f in fallback])
        hvp_fallback(A, dA_dir, k, words, mu, s_c, Gam)
    return Gam
