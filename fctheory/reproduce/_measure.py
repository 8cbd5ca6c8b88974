"""What the paper measures on trained weights (section 2, figures 3-4): :class:`WeightMeasurements`.

The word features are those the network uses (:func:`word_features`), the PCA that of the paper's
notebooks (:func:`pca`), the norms those of section 3 ("1.41 ± 0.13", after theorem 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import require_network
from ..configurations import layer_norm_eps, require_eps
from ..errors import InvalidInput

__all__ = ["WeightMeasurements", "measure_weights", "pca", "word_features", "N_SINGULAR_VALUES"]

#: How many PCA singular values the paper quotes (figure 3).
N_SINGULAR_VALUES = 3


def word_features(W: np.ndarray, network: str, *, eps: float = 1e-5) -> np.ndarray:
    """The word features of the network, one column per word.

    ``h``: the embeddings ``W`` themselves.  ``h*``: the parameter-free
    LayerNorm of every column (eq. 18) as the paper's code applies it,
    :math:`\\varphi_\\varepsilon(v) = (v - \\bar v)/\\sqrt{\\sigma(v)^2 + \\varepsilon}`
    (population variance; the paper's :math:`\\varphi` (eq. 18) is ``eps = 0``, where
    :math:`\\|\\varphi(v)\\| = \\sqrt d` exactly; with ``eps > 0`` the norm is
    :math:`\\sqrt d\\, \\sigma/\\sqrt{\\sigma^2 + \\varepsilon}`).
    """
    W = np.asarray(W, dtype=np.float64)
    if require_network(network) == "h":
        return W
    return layer_norm_eps(W, require_eps(eps))[0]


def pca(points: np.ndarray, k: int = N_SINGULAR_VALUES) -> tuple[np.ndarray, np.ndarray]:
    """PCA of the rows of ``points`` (one point per row), as ``sklearn.decomposition.PCA``.

    Returns
    -------
    coords : ndarray, shape (n, 2)
        The points in the top two principal directions.
    singular_values : ndarray, shape (k,)
        The top ``k`` singular values of the centred matrix (zeros beyond its rank).
    """
    points = np.asarray(points, dtype=np.float64)
    centred = points - points.mean(axis=0, keepdims=True)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    coords = np.zeros((centred.shape[0], 2))  # zeros beyond the rank
    coords[:, :vt[:2].shape[0]] = centred @ vt[:2].T
    top = np.zeros(k)
    top[:min(k, s.size)] = s[:k]
    return coords, top


@dataclass(frozen=True)
class WeightMeasurements:
    """The paper's measurements of one trained ``(W, U)``.

    Attributes
    ----------
    word_norms : ndarray, shape (n_w,)
        Norms of the word features (column ``a*s_c + b``).
    word_norm_mean, word_norm_std : float
        Their mean and (population) standard deviation.
    word_singular_values, u_singular_values : tuple of float
        Top three singular values of the PCA of the word features and of the blocks :math:`u_{k,l}`.
    u_norm_mean, u_norm_std : float
        Mean and standard deviation of :math:`\\|u_{k,l}\\|`.
    r_by_rank : ndarray, shape (s_c,)
        Mean over concepts of the word-feature norm of rank ``b`` (type III's
        :math:`r_b`; figure 4(a)).
    """

    word_norms: np.ndarray
    word_norm_mean: float
    word_norm_std: float
    word_singular_values: tuple
    u_norm_mean: float
    u_norm_std: float
    u_singular_values: tuple
    r_by_rank: np.ndarray


def measure_weights(W, U, *, n_c: int, s_c: int, L: int, network: str, eps: float = 1e-5) -> WeightMeasurements:
    """Measure ``W`` (d, n_w) and ``U`` (K, L*d) as the paper does (:class:`WeightMeasurements`)."""
    W = np.asarray(W, dtype=np.float64)
    U = np.asarray(U, dtype=np.float64)
    d, n_w = W.shape
    if n_w != n_c * s_c or U.ndim != 2 or U.shape[1] != L * d:
        raise InvalidInput("W/U", f"shapes (d, {n_c * s_c}) and (K, L*d) = (K, {L * d})",
                           f"{W.shape} and {U.shape}")
    feats = word_features(W, network, eps=eps)
    norms = np.linalg.norm(feats, axis=0)
    _, wsv = pca(feats.T)
    blocks = U.reshape(U.shape[0] * L, d)
    u_norms = np.linalg.norm(blocks, axis=1)
    _, usv = pca(blocks)
    return WeightMeasurements(
        word_norms=norms, word_norm_mean=float(norms.mean()), word_norm_std=float(norms.std()),
        word_singular_values=tuple(float(v) for v in wsv),
        u_norm_mean=float(u_norms.mean()), u_norm_std=float(u_norms.std()),
        u_singular_values=tuple(float(v) for v in usv),
        r_by_rank=norms.reshape(n_c, s_c).mean(axis=0))
