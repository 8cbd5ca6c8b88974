"""Polishing a conic solution on the factorized (smooth) problem of theorem G.

An interior-point solution is accurate to the solver tolerance, and the
Fenchel-dual bound built from it is only *first-order* accurate in the error
of D.  Writing the solver's D in balanced form ``D = A^T B`` (compact SVD,
``A = S^{1/2} U^T``, ``B = S^{1/2} V^T``) and minimizing the smooth function
of theorem G (appendix G)

.. math:: \\varphi(A, B) = f(A^T B) + \\frac\\lambda2 (\\|A\\|_F^2 + \\|B\\|_F^2),

whose gradients are (eq. 161) ``B ∇f(A^T B)^T + lam A`` and
``A ∇f(A^T B) + lam B``, with L-BFGS from that start tightens both bounds.
Polishing never weakens the certificate: the caller keeps the best of the
bounds computed before and after.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ._objective import gradient_f, risk_f
from ._sentences import SentenceTable

__all__ = ["polish", "numerical_rank"]

#: Singular values below this fraction of the largest are treated as zero
#: when choosing the inner dimension of the factorization.
RANK_RTOL = 1e-6


def numerical_rank(D, rtol: float = RANK_RTOL) -> int:
    """Number of singular values of D above ``rtol * sigma_max``."""
    s = np.linalg.svd(np.asarray(D, dtype=float), compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return 0
    return int(np.sum(s > rtol * s[0]))


def polish(table: SentenceTable, D, lam: float, *, max_iter: int = 500) -> np.ndarray:
    """L-BFGS on ``phi(A, B)`` from the balanced factorization of ``D``.

    Returns the polished ``A^T B`` (or ``D`` unchanged when it is zero).
    """
    D = np.asarray(D, dtype=float)
    r = numerical_rank(D)
    if r == 0:
        return D
    U, s, Vt = np.linalg.svd(D, full_matrices=False)
    root = np.sqrt(s[:r])
    A0 = root[:, None] * U[:, :r].T  # r x n_w
    B0 = root[:, None] * Vt[:r]  # r x KL
    m, n = D.shape
    lam = float(lam)

    def fun(z):
        A = z[: r * m].reshape(r, m)
        B = z[r * m :].reshape(r, n)
        Dz = A.T @ B
        G = gradient_f(table, Dz)
        val = risk_f(table, Dz) + 0.5 * lam * (np.sum(A * A) + np.sum(B * B))
        gA = B @ G.T + lam * A  # eq. 161
        gB = A @ G + lam * B
        return val, np.concatenate([gA.ravel(), gB.ravel()])

    z0 = np.concatenate([A0.ravel(), B0.ravel()])
    # gtol (max |gradient entry|) and ftol (relative decrease of phi per step) are set below
    # what float64 resolves for an O(1) phi, so L-BFGS stops after max_iter iterations or when
    # its line search can no longer decrease phi.
    res = minimize(fun, z0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter, "gtol": 1e-15, "ftol": 1e-16})
    A = res.x[: r * m].reshape(r, m)
    B = res.x[r * m :].reshape(r, n)
    return A.T @ B
