r"""LayerNorm without parameters, the map :math:`\varphi` of the network h* (eq. 18): the one module.

.. math::

    \varphi(v) = \frac{v - \bar v \, 1}{\sigma(v)}, \qquad
    \sigma(v)^2 = \frac1d \sum_i (v_i - \bar v)^2

(population variance, no epsilon), applied to every column of ``W``, so that
:math:`\|\varphi(v)\| = \sqrt d` and :math:`\langle \varphi(v), 1\rangle = 0` -- the form the
theory uses (appendix A, definition 2), in :func:`layer_norm` and its derivatives.

The paper's PyTorch code adds an :math:`\varepsilon` (``torch.nn.LayerNorm(d,
elementwise_affine=False)`` uses ε = 1e-5):

.. math::

    \varphi_\varepsilon(v) = \frac{v - \bar v\,1}{\sqrt{\sigma(v)^2 + \varepsilon}},

in :func:`layer_norm_eps` (the empirical risk of section 2).  With ε > 0,
:math:`\|\varphi_\varepsilon(v)\|^2 = d\,\sigma^2/(\sigma^2 + \varepsilon)`: the two agree to
relative :math:`\varepsilon/(2\sigma^2)`, i.e. they differ visibly only for embeddings whose
spread :math:`\sigma` is not large against :math:`\sqrt\varepsilon \approx 3.2\cdot 10^{-3}`
(such as the paper's initialisation, σ ≈ 1e-3, where the ε version is far from normalised).

The Jacobian keeps the ε = 0 form with :math:`s = \sqrt{\sigma^2+\varepsilon}` in place of σ:
for :math:`y = \varphi_\varepsilon(v)`,
:math:`J = s^{-1}(I - \tfrac1d y y^T)(I - \tfrac1d 1 1^T)`, so
:math:`J^T g = s^{-1}(g - \bar g\,1 - \overline{(g\odot y)}\, y)` (using :math:`\bar y = 0`).

The exact risk (``fctheory.risk``), the empirical risk (``fctheory.empirical``), the collapse
measurements (``fctheory.train``) and the figures use these functions; each of those packages
re-exports the names it documents.
"""

from __future__ import annotations

import numpy as np

from .._validate import require_real
from ..errors import InvalidInput

__all__ = ["layer_norm", "layer_norm_vjp", "layer_norm_jvp", "layer_norm_vjp_derivative", "layer_norm_columns",
           "layer_norm_eps", "layer_norm_eps_vjp", "require_eps", "check_eps", "DEGENERATE_RELATIVE_STD"]

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


def layer_norm_columns(W: np.ndarray) -> np.ndarray:
    """The word features of network h*: :math:`\\varphi` (eq. 18) of every column of ``W``
    (:func:`layer_norm` without the standard deviations).

    Raises
    ------
    InvalidInput
        When a column is constant (LayerNorm is undefined there).
    """
    return layer_norm(W)[0]


def layer_norm_vjp(Y: np.ndarray, sigma: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """Pull a gradient back through :func:`layer_norm`.

    For :math:`y = \\varphi(v)` the Jacobian is
    :math:`J = \\sigma^{-1}(I - \\tfrac1d 1 1^T - \\tfrac1d y y^T)` (symmetric), so
    :math:`J^T g = \\sigma^{-1}(g - \\bar g\\,1 - \\overline{(g \\odot y)}\\, y)`.
    """
    return layer_norm_eps_vjp(Y, sigma, dY, axis=0)  # the same pull-back with sigma for s (eps = 0)


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


def require_eps(eps) -> float:
    """The ε of :func:`layer_norm_eps`: a finite real number ``>= 0``."""
    return require_real("eps", eps, lo=0)


#: Deprecated name of :func:`require_eps` (input guards are ``require_*``).
check_eps = require_eps


def layer_norm_eps(V: np.ndarray, eps: float, *, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Apply :math:`\varphi_\varepsilon` along ``axis`` (columns of ``W`` by default).

    Returns ``(Y, s)`` with ``s`` the per-vector :math:`\sqrt{\sigma^2+\varepsilon}`
    (shape with ``axis`` kept as 1, for broadcasting).  With ``eps == 0`` the
    columns must have non-zero variance (:func:`layer_norm`'s rule, which raises
    :class:`~fctheory.errors.InvalidInput` otherwise).
    A float32 ``V`` gives float32 results (the empirical engine's float32 mode); any other input is
    taken as float64.
    """
    V = np.asarray(V)
    if V.dtype != np.float32:
        V = V.astype(np.float64, copy=False)
    if V.ndim != 2 or axis not in (0, 1):
        raise InvalidInput("V", "a 2-D array normalised along axis 0 or 1", f"shape {V.shape}, axis {axis}")
    if eps == 0.0:
        Y, sigma = layer_norm(V if axis == 0 else V.T)
        Y, sigma = Y.astype(V.dtype, copy=False), sigma.astype(V.dtype, copy=False)
        return (Y, sigma[None, :]) if axis == 0 else (Y.T, sigma[:, None])
    centred = V - V.mean(axis=axis, keepdims=True)
    s = np.sqrt(np.mean(centred * centred, axis=axis, keepdims=True) + eps)
    return centred / s, s


def layer_norm_eps_vjp(Y: np.ndarray, s: np.ndarray, dY: np.ndarray, *, axis: int = 0) -> np.ndarray:
    r""":math:`J^T g = s^{-1}(g - \bar g\,1 - \overline{(g\odot y)}\, y)` along ``axis``."""
    g_mean = dY.mean(axis=axis, keepdims=True)
    gy_mean = np.mean(dY * Y, axis=axis, keepdims=True)
    return (dY - g_mean - Y * gy_mean) / s
