"""The convex objective of theorem G in numpy: value, gradient, dual bound.

With ``D = W^T [U_1 ... U_K]`` (an ``n_w x KL`` matrix; column ``j*L + l``
holds ``W^T u_{j,l}``) the logit of class ``j`` on sentence ``x`` is
``y_j(x) = sum_l D[x_l, j*L + l]`` (appendix G: ``y_k = <U_k, W C(x)>_F``) and
the unregularized risk of network h is (eq. 159-160)

.. math::  f(D) = \\frac1K \\sum_k E_{x \\sim D_k} [\\mathrm{lse}_j\\, y_j(x) - y_k(x)].

Theorem G (appendix G, claim G) gives ``R(W, U) >= f(D) + lam ||D||_*`` with
equality at balanced factorizations, so ``min R = min_D f(D) + lam ||D||_*``
when ``d >= min(n_w, K L)``.

A lower bound without any solver (Fenchel duality): since
``lse(y) = max_{q in simplex} <q, y> + Ent(q)``, for any choice of
distributions ``q(x)`` over the classes,

.. math::  \\min_D f(D) + \\lambda \\|D\\|_* \\;\\ge\\; \\sum_{(x,k)} p(x,k)\\, \\mathrm{Ent}(q(x))
           \\quad\\text{whenever}\\quad \\|M(q)\\|_{op} \\le \\lambda,\\qquad
           M(q) = \\sum_{(x,k)} p(x,k)\\, A_x^T (q(x) - e_k)

(``A_x`` maps D to the logits of x; the nuclear norm is the dual of the
operator norm).  ``M(softmax(y(x)))`` is the gradient ``∇f(D)``, and shrinking
``q`` towards ``e_k`` by ``t = lam / ||∇f(D)||_op`` makes it feasible.  At an
optimal D the bound is tight (claim H: ``||∇f(D)||_op <= lam`` there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import entr, logsumexp, softmax

from ._sentences import SentenceTable

__all__ = [
    "logits",
    "position_matrix",
    "label_matrix",
    "scatter",
    "risk_f",
    "gradient_f",
    "nuclear_norm",
    "objective",
    "DualBound",
    "dual_lower_bound",
    "SPECTRAL_SAFETY",
]

#: Relative inflation of a computed spectral norm before it is used to make a
#: dual point feasible: LAPACK's SVD is backward stable, so the computed
#: largest singular value is within a few hundred ulps (relative to itself)
#: of the true one for the matrix sizes used here; 1e-12 covers that.
SPECTRAL_SAFETY = 1e-12


def _reshape(table: SentenceTable, D: np.ndarray) -> np.ndarray:
    D = np.asarray(D, dtype=float)
    if D.shape != (table.n_w, table.K * table.L):
        raise ValueError(f"D must have shape {(table.n_w, table.K * table.L)}, got {D.shape}")
    return D.reshape(table.n_w, table.K, table.L)


def logits(table: SentenceTable, D) -> np.ndarray:
    """``y[i, j] = sum_l D[x_l, j*L + l]`` for every sentence ``i`` (appendix G)."""
    D3 = _reshape(table, D)
    Y = np.zeros((table.n_sentences, table.K))
    for l in range(table.L):
        Y += D3[table.words[:, l], :, l]
    return Y


def risk_f(table: SentenceTable, D) -> float:
    """The unregularized true risk ``f(D)`` of eq. (159), float64."""
    Y = logits(table, D)
    per = logsumexp(Y, axis=1) - Y[np.arange(table.n_sentences), table.label]
    return float(np.dot(table.weight, per))


def position_matrix(table: SentenceTable, l: int) -> sp.csr_matrix:
    """``S_l[i, w] = 1{x_l(i) = w}``, shape ``(N, n_w)``: the word at position ``l``."""
    N = table.n_sentences
    return sp.csr_matrix((np.ones(N), (np.arange(N), table.words[:, l])), shape=(N, table.n_w))


def label_matrix(table: SentenceTable) -> np.ndarray:
    """``E[i, j] = 1{j = k(i)}``, shape ``(N, K)``: the one-hot class of every sentence."""
    E = np.zeros((table.n_sentences, table.K))
    E[np.arange(table.n_sentences), table.label] = 1.0
    return E


def scatter(table: SentenceTable, R: np.ndarray) -> np.ndarray:
    """``G[w, j*L + l] = sum_i R[i, j] 1{x_l(i) = w}`` (adjoint of :func:`logits`)."""
    G3 = np.empty((table.n_w, table.K, table.L))
    for l in range(table.L):
        G3[:, :, l] = position_matrix(table, l).T @ R
    return G3.reshape(table.n_w, table.K * table.L)


def gradient_f(table: SentenceTable, D) -> np.ndarray:
    """``∇f(D)``: ``sum_(x,k) p(x,k) A_x^T (softmax(y(x)) - e_k)``, shape ``(n_w, KL)``."""
    Y = logits(table, D)
    P = softmax(Y, axis=1)
    P[np.arange(table.n_sentences), table.label] -= 1.0
    return scatter(table, table.weight[:, None] * P)


def nuclear_norm(D) -> float:
    """``||D||_*``, the sum of the singular values (LAPACK SVD)."""
    return float(np.linalg.svd(np.asarray(D, dtype=float), compute_uv=False).sum())


def objective(table: SentenceTable, D, lam: float) -> float:
    """``f(D) + lam ||D||_*``, the convex objective of theorem G."""
    return risk_f(table, D) + float(lam) * nuclear_norm(D)


@dataclass(frozen=True)
class DualBound:
    """A solver-independent lower bound on ``min_D f(D) + lam ||D||_*``.

    Attributes
    ----------
    value : float
        ``sum p(x,k) Ent(q_t(x))`` with ``q_t = e_k + t (softmax(y(x)) - e_k)``.
    shrink : float
        ``t = min(1, lam / ((1 + SPECTRAL_SAFETY) ||∇f(D)||_op))``.
    gradient_norm : float
        ``||∇f(D)||_op`` at the D the bound was built from.
    """

    value: float
    shrink: float
    gradient_norm: float


def dual_lower_bound(table: SentenceTable, D, lam: float) -> DualBound:
    """The Fenchel-dual lower bound built from the softmax at ``D``.

    Valid for any D (a worse D gives a weaker bound); float64 arithmetic, so
    the value carries a rounding error of order ``1e-15 * N`` (N sentences)
    in addition to the :data:`SPECTRAL_SAFETY` margin.
    """
    Y = logits(table, D)
    Q = softmax(Y, axis=1)
    E = label_matrix(table)
    G = scatter(table, table.weight[:, None] * (Q - E))
    gnorm = float(np.linalg.norm(G, 2))
    lam = float(lam)
    t = 1.0 if gnorm * (1 + SPECTRAL_SAFETY) <= lam else lam / (gnorm * (1 + SPECTRAL_SAFETY))
    Qt = E + t * (Q - E)
    ent = entr(np.clip(Qt, 0.0, 1.0)).sum(axis=1)
    return DualBound(value=float(np.dot(table.weight, ent)), shrink=float(t), gradient_norm=gnorm)
