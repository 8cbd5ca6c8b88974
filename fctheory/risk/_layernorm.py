"""LayerNorm without parameters, the map of the network h* (eq. 18).

.. math::

    \\varphi(v) = \\frac{v - \\bar v \\, 1}{\\sigma(v)}, \\qquad
    \\sigma(v)^2 = \\frac1d \\sum_i (v_i - \\bar v)^2

(population variance, no epsilon), applied to every column of ``W``, so
that :math:`\\|\\varphi(v)\\| = \\sqrt d` and :math:`\\langle \\varphi(v), 1\\rangle = 0`.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInput

__all__ = ["layer_norm", "layer_norm_vjp", "layer_norm_jvp", "layer_norm_vjp_derivative"]

#: A column whose population standard deviation is at most this multiple of
#: its largest absolute entry is treated as constant (phi undefined there).
DEGENERATE_RELATIVE_STD = 1e-12


def layer_norm(W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply :math:`\\varphi` to every column of ``W`` (eq. 18).

    Returns
    -------
    Y : ndarray, shape ``(d, n)``
        The normalised columns.
    sigma : ndarray, shape ``(n,)``
        The population standard deviations :math:`\\sigma(w)`.

    Raises
    ------
    InvalidInput
        If a column is constant (``d = 1`` or a degenerate embedding):
        :math:`\\varphi` is undefined there since the paper uses no epsilon.
    """
    W = np.asarray(W, dtype=np.float64)
    centred = W - W.mean(axis=0, keepdims=True)
    sigma = np.sqrt(np.mean(centred * centred, axis=0))
    scale = np.max(np.abs(W), axis=0)
    bad = ~(sigma > DEGENERATE_RELATIVE_STD * scale)  # also sigma = 0 and nan
    if np.any(bad):
        col = int(np.flatnonzero(bad)[0])
        raise InvalidInput(
            "W",
            "columns with non-zero variance for the network 'h*' (LayerNorm has no epsilon)",
            f"column {col} is constant",
        )
    return centred / sigma, sigma


def layer_norm_vjp(Y: np.ndarray, sigma: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """Pull a gradient back through :func:`layer_norm`.

    For :math:`y = \\varphi(v)` the Jacobian is
    :math:`J = \\sigma^{-1}(I - \\tfrac1d 1 1^T - \\tfrac1d y y^T)` (symmetric), so
    :math:`J^T g = \\sigma^{-1}(g - \\bar g\\,1 - \\overline{(g \\odot y)}\\, y)`.
    """
    g_mean = dY.mean(axis=0, keepdims=True)
    gy_mean = np.mean(dY * Y, axis=0, keepdims=True)
    return (dY - g_mean - Y * gy_mean) / sigma


def layer_norm_jvp(Y: np.ndarray, sigma: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Directional derivative :math:`J V` of :func:`layer_norm` along ``V``:
    :math:`\\sigma^{-1}(c - \\overline{(y \\odot c)}\\, y)` with :math:`c = V - \\bar V 1`."""
    c = V - V.mean(axis=0, keepdims=True)
    return (c - Y * np.mean(Y * c, axis=0, keepdims=True)) / sigma


def layer_norm_vjp_derivative(Y: np.ndarray, sigma: np.ndarray, g: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Derivative of :math:`v \\mapsto J(v)^T g` along ``V`` (``g`` fixed).

    From :math:`J^T g = \\sigma^{-1}(g - \\bar g - \\overline{(g\\odot y)}\\, y)`,
    :math:`\\delta\\sigma/\\sigma = \\overline{(y \\odot c)}/\\sigma` and :math:`\\delta y = J V`:

    .. math::

        \\delta(J^T g) = -\\frac{\\delta\\sigma}{\\sigma} J^T g
        - \\sigma^{-1}\\big(\\overline{(g \\odot y)}\\, \\delta y + \\overline{(g \\odot \\delta y)}\\, y\\big).
    """
    c = V - V.mean(axis=0, keepdims=True)
    dsig = np.mean(Y * c, axis=0, keepdims=True) / sigma  # delta sigma / sigma
    dY = layer_norm_jvp(Y, sigma, V)
    JTg = layer_norm_vjp(Y, sigma, g)
    gy = np.mean(g * Y, axis=0, keepdims=True)
    gdy = np.mean(g * dY, axis=0, keepdims=True)
    return -dsig * JTg - (gy * dY + gdy * Y) / sigma
