r"""A direct numpy baseline of the empirical risk (gather, concatenate, matmul).

What a deep-learning framework computes, written independently of
:mod:`._engine` (its own LayerNorm, ``scipy.special.logsumexp``,
``numpy.add.at``): the embeddings of every word of a sentence are gathered
and concatenated into a row of length ``L d``, multiplied by ``U^T``, and the
gradient flows back through the same matmuls, :math:`O(N L d K)`.  Used by
the tests (agreement with the engine) and by ``benchmarks/bench_empirical.py``
(the speed reference).  Chunks of ``chunk`` sentences bound the memory.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

__all__ = ["direct_risk_and_grad", "direct_sgd_step"]


def _ln(W, eps):
    c = W - W.mean(axis=0)
    s = np.sqrt((c**2).mean(axis=0) + eps)
    return c / s, s


def _ln_back(Y, s, g):
    return (g - g.mean(axis=0) - Y * (g * Y).mean(axis=0)) / s


def direct_risk_and_grad(W, U, x, y, *, lam: float, network: str = "h", eps: float = 1e-5, chunk: int = 10000):
    """``(value, gW, gU)`` of eq. (3) with the paper's regularization, computed directly."""
    d, n_w = W.shape
    K = U.shape[0]
    N, L = x.shape
    Y, s = _ln(W, eps) if network == "h*" else (W, None)
    gY = np.zeros((d, n_w))
    gU = np.zeros((K, L * d))
    total = 0.0
    for start in range(0, N, chunk):
        xc, yc = x[start:start + chunk], y[start:start + chunk]
        n = len(yc)
        X = np.concatenate([Y[:, xc[:, l]].T for l in range(L)], axis=1)  # (n, L d)
        Z = X @ U.T
        lse = logsumexp(Z, axis=1)
        total += float(np.sum(lse - Z[np.arange(n), yc]))
        G = np.exp(Z - lse[:, None])
        G[np.arange(n), yc] -= 1.0
        G /= N
        gU += G.T @ X
        dX = G @ U
        for l in range(L):
            np.add.at(gY.T, xc[:, l], dX[:, l * d:(l + 1) * d])
    value = total / N + 0.5 * lam * float(np.sum(U * U))
    if network == "h*":
        gW = _ln_back(Y, s, gY)
    else:
        value += 0.5 * lam * float(np.sum(W * W))
        gW = gY + lam * W
    return value, gW, gU + lam * U


def direct_sgd_step(W, U, x, y, *, lr: float, lam_W: float, lam_U: float, network: str = "h", eps: float = 1e-5):
    """One SGD step (minibatch mean CE, PyTorch weight decay), returning new ``(W, U)``."""
    B = len(y)
    value, gW, gU = direct_risk_and_grad(W, U, x, y, lam=0.0, network=network, eps=eps, chunk=B)
    return W - lr * (gW + lam_W * W), U - lr * (gU + lam_U * U)
