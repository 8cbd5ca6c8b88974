"""Hessian-vector product of the log-partition term on the full latent set.

The data term of eq. (5) is :math:`f(A) = \\frac1K \\sum_x q(x)\\,[\\log Z(x) - h_{k(x)}(x)]`;
its second part is linear in :math:`A`, so
:math:`\\nabla^2 f = \\frac1K \\nabla^2 F` with :math:`F(A) = \\sum_x q(x) \\log Z(x)`.
With the prefix/suffix tables of :mod:`._full` (``P``, ``S``,
:math:`Z = P S^T`), :math:`\\nabla F` is the reverse pass seeded by
:math:`B = q / Z`:  :math:`\\partial_P = B S`, :math:`\\partial_S = B^T P`, then
through the tables to :math:`E` and :math:`\\nabla_A F = E \\odot \\partial_E F`.
The product :math:`\\nabla^2 F[\\delta A]` is the forward-mode derivative of
that computation along :math:`\\delta A` (tangents :math:`E' = E \\odot \\delta A`,
:math:`P'`, :math:`S'`, :math:`Z' = P' S^T + P S'^T`, :math:`B' = -q Z'/Z^2`):
nine products of the size of :math:`P S^T` in BLAS.  The gradient in
:math:`A_l` is the marginal at position ``l`` of :math:`H = P \\odot \\partial_P F`
(and of :math:`S \\odot \\partial_S F`), so the product is the marginal of
:math:`P' \\odot \\partial_P F + P \\odot (\\partial_P F)'`.  Sentences whose scaled
partition sum underflows are handled exactly by :func:`._sentences.hvp_terms`.
"""

from __future__ import annotations

import numpy as np

from ..latent import full_latent_set
from ._full import _fallback_words, _probabilities, add_marginals, split_point
from ._sentences import hvp_fallback

__all__ = ["full_log_partition_hvp", "product_tables_with_tangents"]

#: Target entries of the per-chunk arrays of size (rows, n_w**m).
CHUNK_ELEMENTS = 2**22


def product_tables_with_tangents(E, Ed, tuples, first, bad_rowmax):
    """:func:`._full.product_tables` with the tangents
    :math:`T' = T_{prev}' \\odot E + T_{prev} \\odot E'` (never rescaled)."""
    n, p = tuples.shape
    K, s = E.shape[3], E.shape[2]
    T, Td = np.ones((n, 1, K)), np.zeros((n, 1, K))
    bad = np.zeros((n, 1), dtype=bool)
    for i in range(p):
        Ei, Edi = E[first + i][tuples[:, i]], Ed[first + i][tuples[:, i]]  # (n, s, K)
        X = (T[:, :, None, :] * Ei[:, None, :, :]).reshape(n, -1, K)
        Xd = (Td[:, :, None, :] * Ei[:, None, :, :] + T[:, :, None, :] * Edi[:, None, :, :]).reshape(n, -1, K)
        rowmax = X.max(axis=2)
        b = (rowmax < bad_rowmax) | np.repeat(bad, s, axis=1)
        T, Td, bad = X, Xd, b
    return T, Td, bad


def full_log_partition_hvp(A, dA_dir, mu, n_c, s_c, *, fallback_term, bad_rowmax):
    """:math:`\\nabla^2 F(A)[\\delta A]` (unnormalised, shape ``(L, n_w, K)``) on the
    canonical full set; ``A`` and ``dA_dir`` have shape ``(L, n_w, K)``."""
    L, n_w, K = A.shape
    h = split_point(L)
    m = L - h
    shift = A.max(axis=2, keepdims=True)
    E = np.exp(A - shift).reshape(L, n_c, s_c, K)
    Ed = E * dA_dir.reshape(L, n_c, s_c, K)
    pre, suf = full_latent_set(n_c, h), full_latent_set(n_c, m)
    P, Pd, badP = product_tables_with_tangents(E, Ed, pre, 0, bad_rowmax)
    S, Sd, badS = product_tables_with_tangents(E, Ed, suf, h, bad_rowmax)
    N, R = P.shape[0], P.shape[1]
    M, Sw = S.shape[0], S.shape[1]
    P2, Pd2 = P.reshape(N * R, K), Pd.reshape(N * R, K)
    S2, Sd2 = S.reshape(M * Sw, K), Sd.reshape(M * Sw, K)
    qrow = np.tile(_probabilities(mu, h), N)  # prefix rows (alpha, r)
    qcol = np.tile(_probabilities(mu, m), M)  # suffix rows (beta, i)
    badrow, badcol = badP.ravel(), badS.ravel()
    dP, dPd = np.empty_like(P2), np.empty_like(P2)
    dS, dSd = np.zeros_like(S2), np.zeros_like(S2)
    fallback = []
    step = max(1, CHUNK_ELEMENTS // (M * Sw))
    for r0 in range(0, N * R, step):
        c = slice(r0, min(N * R, r0 + step))
        Z = P2[c] @ S2.T
        Zd = Pd2[c] @ S2.T + P2[c] @ Sd2.T
        fb = (Z < fallback_term) | badrow[c][:, None] | badcol[None, :]
        ok = ~fb
        q = qrow[c][:, None] * qcol[None, :]
        B = np.divide(q, Z, out=np.zeros_like(Z), where=ok)
        Bd = -np.divide(B * Zd, Z, out=np.zeros_like(Z), where=ok)
        dP[c] = B @ S2
        dPd[c] = Bd @ S2 + B @ Sd2
        dS += B.T @ P2[c]
        dSd += Bd.T @ P2[c] + B.T @ Pd2[c]
        if fb.any():
            rows, cols = np.nonzero(fb)
            fallback.append((rows + r0, cols))
    # d/de of the marginals of H = T * dT (see _full.add_marginals): T' dT + T dT'
    Gam = np.zeros((L, n_w, K))
    add_marginals(Gam, (Pd2 * dP + P2 * dPd).reshape(N, R, K), pre, 0, s_c)
    add_marginals(Gam, (Sd2 * dS + S2 * dSd).reshape(M, Sw, K), suf, h, s_c)
    if fallback:
        rows = np.concatenate([f[0] for f in fallback])
        cols = np.concatenate([f[1] for f in fallback])
        k, words = _fallback_words((rows // R, cols // Sw, rows % R, cols % Sw), 0, n_c, s_c, h, m, M)
        hvp_fallback(A, dA_dir, k, words, mu, s_c, Gam)
    return Gam
