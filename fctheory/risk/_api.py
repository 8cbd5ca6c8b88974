"""Public entry points: the exact true risk, its gradient and Hessian-vector product.

.. math::

    R(W, U) = \\frac1K \\sum_{k=1}^K E_{x\\sim D_k} CE(h(x), k)
              + \\frac\\lambda2 (\\|W\\|_F^2 + \\|U\\|_F^2)            \\quad (5)

    R^*(W, U) = \\frac1K \\sum_{k=1}^K E_{x\\sim D_k} CE(h^*(x), k)
              + \\frac\\lambda2 \\|U\\|_F^2                              \\quad (10)

with :math:`h(x)_k = \\sum_l \\langle u_{k,l}, w_{x_l}\\rangle` (eq. 17) and
:math:`h^*(x)_k = \\sum_l \\langle u_{k,l}, \\varphi(w_{x_l})\\rangle` (eq. 18).
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInput
from ..problem import as_problem
from ._contraction import BAD_ROWMAX, FALLBACK_TERM, canonical_class_index, data_term
from ._full_hvp import full_log_partition_hvp
from ._split_hvp import split_log_partition_hvp
from .._validate import require_real_array
from ._inputs import RiskInputs, prepare, require_exact_size
from ..configurations import layer_norm, layer_norm_jvp, layer_norm_vjp, layer_norm_vjp_derivative
from ._sentences import HVP_BATCH_ELEMENTS, hvp_terms, sentence_batches

__all__ = ["exact_risk", "exact_risk_and_grad", "exact_risk_hvp", "score_table_risk"]


def _score_tables(Y: np.ndarray, Ub: np.ndarray) -> np.ndarray:
    """:math:`A_l = Y^T U_l^T`, shape ``(L, n_w, K)``: ``A[l, w, j] = <u_{j,l}, y_w>``."""
    return np.stack([Y.T @ Ub[:, l, :].T for l in range(Ub.shape[1])])


def _pull_back(dA: np.ndarray, Y: np.ndarray, Ub: np.ndarray):
    """Gradients in ``Y`` (``(d, n_w)``) and in the blocks ``U_l`` from ``dA``."""
    dY = sum(Ub[:, l, :].T @ dA[l].T for l in range(Ub.shape[1]))
    dUb = np.stack([dA[l].T @ Y.T for l in range(Ub.shape[1])], axis=1)
    return dY, dUb


def _evaluate(p: RiskInputs, grad: bool):
    K, L, d = p.setting.K, p.setting.L, p.d
    Ub = p.U.reshape(K, L, d)
    if p.network == "h*":
        Y, sigma = layer_norm(p.W)
        reg = 0.5 * p.lam * float(np.sum(p.U * p.U))  # eq. (10)
    else:
        Y, sigma = p.W, None
        reg = 0.5 * p.lam * (float(np.sum(p.W * p.W)) + float(np.sum(p.U * p.U)))  # eq. (5)
    A = _score_tables(Y, Ub)
    value, dA = data_term(A, p.latent, p.mu, p.setting.n_c, p.setting.s_c, grad=grad)
    if not grad:
        return value + reg, None, None
    dY, dUb = _pull_back(dA, Y, Ub)
    if p.network == "h*":
        dW = layer_norm_vjp(Y, sigma, dY)
    else:
        dW = dY + p.lam * p.W
    dU = dUb.reshape(K, L * d) + p.lam * p.U
    return value + reg, dW, dU


def exact_risk(setting, W, U, *, network: str = "h", latent=None) -> float:
    """The true risk :math:`R(W, U)` (eq. 5) or :math:`R^*(W, U)` (eq. 10), exactly.

    The expectation over sentences is computed by exact enumeration of the
    :math:`K s_c^L` sentences, contracted position by position (see
    ``docs/risk.md``); the result is accurate to a few ulps of float64.

    Parameters
    ----------
    setting : Problem or Setting
        A :class:`~fctheory.Problem` (``n_c, s_c, L, lam, K, mu`` and the latent
        set), or a Setting with ``latent``; ``d`` (if given) must equal ``W.shape[0]``.
    W : array ``(d, n_w)``
        Word embeddings; word ``(a, b)`` is column ``a*s_c + b``.
    U : array ``(K, L*d)``
        Row ``k`` is ``[u_{k,1} ... u_{k,L}]``.
    network : {"h", "h*"}
        ``"h"`` (eq. 17) or ``"h*"`` with parameter-free LayerNorm (eq. 18).
    latent : int array ``(K, L)``, optional
        With a Setting: the latent variables; ``None`` = the full set (needs ``K = n_c**L``).

    Returns
    -------
    float
        The value, regularization included.

    Raises
    ------
    InvalidInput
        On a shape, range or value problem (named field, allowed range).
    """
    value, _, _ = _evaluate(prepare(setting, W, U, network, latent), grad=False)
    return value


def exact_risk_and_grad(setting, W, U, *, network: str = "h", latent=None):
    """The true risk and its exact gradient in ``W`` and ``U``.

    Same arguments as :func:`exact_risk`.

    Returns
    -------
    value : float
    dW : ndarray ``(d, n_w)``
    dU : ndarray ``(K, L*d)``
    """
    return _evaluate(prepare(setting, W, U, network, latent), grad=True)


def exact_risk_hvp(setting, W, U, VW, VU, *, network: str = "h", latent=None, enumerate_sentences: bool = False):
    """Exact Hessian-vector product of :math:`R` (eq. 5) or :math:`R^*` (eq. 10) at ``(W, U)`` along ``(VW, VU)``.

    With :math:`A_l = W^T U_l^T` and :math:`f` the data term,

    .. math::

        \\nabla^2 R\\,[V] = J^T \\nabla^2 f\\,[J V] + (\\partial^2 A[V])^T \\nabla f + \\lambda V,

    where :math:`J V = (V_W^T U_l^T + W^T V_{U,l}^T)_l` and the bilinear
    term gives :math:`\\sum_l V_{U,l}^T \\nabla_{A_l} f^T` (for ``W``) and
    :math:`\\nabla_{A_l} f^T V_W^T` (for :math:`U_l`).

    For ``L >= 2`` :math:`\\nabla^2 f[JV]` is the forward-mode derivative of
    the prefix/suffix contraction (nine BLAS products of :math:`K^2 s_c^L`
    multiply-adds, plus one gradient evaluation for :math:`\\nabla f`); for
    ``L = 1``, or with ``enumerate_sentences=True``, the sentences are
    enumerated one by one (cost of the direct method, :math:`\\approx 2 L K^2 s_c^L`
    operations).

    For ``"h*"`` the same is done in :math:`Y = \\varphi(W)` (direction
    :math:`J_\\varphi V_W`), then pulled back:
    :math:`H_W = J_\\varphi^T H_Y + \\delta(J_\\varphi^T)[V_W]\\, \\nabla_Y f`
    (no regularization on ``W``, eq. 10).

    Returns
    -------
    HW : ndarray ``(d, n_w)``
    HU : ndarray ``(K, L*d)``
    """
    p = prepare(setting, W, U, network, latent)
    K, L, d = p.setting.K, p.setting.L, p.d
    VW = require_real_array("VW", VW, shape_text=f"{p.W.shape} (the shape of W)")
    VU = require_real_array("VU", VU, shape_text=f"{p.U.shape} (the shape of U)")
    if VW.shape != p.W.shape:
        raise InvalidInput("VW", f"a finite array of the shape of W, {p.W.shape}", f"shape {VW.shape}")
    if VU.shape != p.U.shape:
        raise InvalidInput("VU", f"a finite array of the shape of U, {p.U.shape}", f"shape {VU.shape}")
    Ub = p.U.reshape(K, L, d)
    VUb = VU.reshape(K, L, d)
    if p.network == "h*":
        Y, sigma = layer_norm(p.W)
        VY = layer_norm_jvp(Y, sigma, VW)  # direction of phi(W)
    else:
        Y, VY = p.W, VW
    A = _score_tables(Y, Ub)
    dA_dir = np.stack([VY.T @ Ub[:, l, :].T + Y.T @ VUb[:, l, :].T for l in range(L)])
    n_c, s_c = p.setting.n_c, p.setting.s_c
    if L >= 2 and not enumerate_sentences:
        # forward-mode pass over the split contraction; the gradient G from the engine
        _, G = data_term(A, p.latent, p.mu, n_c, s_c, grad=True)
        if p.setting.is_full:  # prefix/suffix split in the canonical class order
            code = canonical_class_index(p.latent, n_c)
            Ac, dAc = np.empty_like(A), np.empty_like(A)
            Ac[:, :, code] = A
            dAc[:, :, code] = dA_dir
            Gam = full_log_partition_hvp(Ac, dAc, p.mu, n_c, s_c, fallback_term=FALLBACK_TERM,
                                         bad_rowmax=BAD_ROWMAX)[:, :, code] / K
        else:  # blocked split of the other latent sets
            Gam = split_log_partition_hvp(A, dA_dir, p.latent, p.mu, n_c, s_c, fallback_term=FALLBACK_TERM,
                                          bad_rowmax=BAD_ROWMAX) / K
    else:
        G = np.zeros_like(A)
        Gam = np.zeros_like(A)
        for k, X, q in sentence_batches(p.latent, p.setting.s_c, p.mu, HVP_BATCH_ELEMENTS):
            hvp_terms(A, dA_dir, k, X, q, G, Gam)
        G /= K
        Gam /= K
    HY, HUb = _pull_back(Gam, Y, Ub)
    HY = HY + sum(VUb[:, l, :].T @ G[l].T for l in range(L))
    HUb = HUb + np.stack([G[l].T @ VY.T for l in range(L)], axis=1)
    HU = HUb.reshape(K, L * d) + p.lam * VU
    if p.network == "h*":
        gY, _ = _pull_back(G, Y, Ub)  # gradient of the data term in phi(W)
        HW = layer_norm_vjp(Y, sigma, HY) + layer_norm_vjp_derivative(Y, sigma, gY, VW)
    else:
        HW = HY + p.lam * VW
    return HW, HU


def score_table_risk(setting, A, *, latent=None, grad: bool = True):
    """The data term of eq. (5) at given score tables, and its gradient in them.

    With :math:`A_l[w, j] = \\langle u_{j,l}, w_w \\rangle` (eq. 17, any score
    tables, not necessarily of a factorization ``W^T U_l^T``), the logit of
    class ``j`` on sentence ``x`` is :math:`\\sum_l A_l[x_l, j]` and

    .. math:: f(A) = \\frac1K \\sum_k E_{x\\sim D_k} CE\\big(\\textstyle\\sum_l A_l[x_l, :], k\\big)

    is computed by the position-wise contraction of :func:`exact_risk`
    (no sentence table), with its exact gradient :math:`\\partial f / \\partial A`.
    This is the unregularized risk ``f(D)`` of theorem G (appendix G, eq. 159)
    with ``D[:, j*L + l] = A_l[:, j]``.

    Parameters
    ----------
    setting : Problem or Setting
        Classes are the rows of the problem's latent set.
    A : array ``(L, n_w, K)``
    grad : bool
        Also return the gradient (otherwise ``None`` in its place).

    Returns
    -------
    value : float
    dA : ndarray ``(L, n_w, K)`` or None
    """
    require_exact_size(setting)
    problem = as_problem(setting, latent)
    s = problem.setting
    shape = (s.L, s.n_w, s.K)
    A = require_real_array("A", A, shape_text=f"(L, n_w, K) = {shape}")
    if A.shape != shape:
        raise InvalidInput("A", f"an array of shape (L, n_w, K) = {shape}", f"shape {A.shape}")
    return data_term(A, problem.latent, s.mu.as_array(), s.n_c, s.s_c, grad=bool(grad))
