r"""LayerNorm without parameters, with the ε of the paper's PyTorch code (eq. 18).

.. math::

    \varphi_\varepsilon(v) = \frac{v - \bar v\,1}{\sqrt{\sigma(v)^2 + \varepsilon}}, \qquad
    \sigma(v)^2 = \frac1d \sum_i (v_i - \bar v)^2

(population variance, no affine parameters).  ``torch.nn.LayerNorm(d,
elementwise_affine=False)`` uses ε = 1e-5; THEORY.md (and
:func:`fctheory.risk.layer_norm`) use ε = 0, where :math:`\|\varphi(v)\| =
\sqrt d` exactly.  With ε > 0, :math:`\|\varphi_\varepsilon(v)\|^2 = d\,
\sigma^2/(\sigma^2 + \varepsilon)`: the two agree to relative
:math:`\varepsilon/(2\sigma^2)`, i.e. they differ visibly only for embeddings
whose spread :math:`\sigma` is not large against :math:`\sqrt\varepsilon
\approx 3.2\cdot 10^{-3}` (such as the paper's initialisation, σ ≈ 1e-3, where
the ε version is far from normalised).

The Jacobian keeps the ε = 0 form with :math:`s = \sqrt{\sigma^2+\varepsilon}`
in place of σ: for :math:`y = \varphi_\varepsilon(v)`,
:math:`J = s^{-1}(I - \tfrac1d y y^T)(I - \tfrac1d 1 1^T)`, so
:math:`J^T g = s^{-1}(g - \bar g\,1 - \overline{(g\odot y)}\, y)` (using
:math:`\bar y = 0`).
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInput
from ..risk import layer_norm as _layer_norm_exact

__all__ = ["layer_norm_eps", "layer_norm_eps_vjp", "check_eps"]


def check_eps(eps) -> float:
    """Validate ε (a finite real number ``>= 0``)."""
    try:
        value = float(eps)
    except (TypeError, ValueError):
        raise InvalidInput("eps", "a real number >= 0", eps) from None
    if isinstance(eps, bool) or not np.isfinite(value) or value < 0:
        raise InvalidInput("eps", "a real number >= 0", eps)
    return value


def layer_norm_eps(V: np.ndarray, eps: float, *, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Apply :math:`\varphi_\varepsilon` along ``axis`` (columns of ``W`` by default).

    Returns ``(Y, s)`` with ``s`` the per-vector :math:`\sqrt{\sigma^2+\varepsilon}`
    (shape with ``axis`` kept as 1, for broadcasting).  With ``eps == 0`` the
    columns must have non-zero variance (:func:`fctheory.risk.layer_norm`'s
    rule, which raises :class:`~fctheory.errors.InvalidInput` otherwise).
    A float32 ``V`` gives float32 results (the engine's float32 mode); any other input is taken as float64.
    """
    V = np.asarray(V)
    if V.dtype != np.float32:
        V = V.astype(np.float64, copy=False)
    if V.ndim != 2 or axis not in (0, 1):
        raise InvalidInput("V", "a 2-D array normalised along axis 0 or 1", f"shape {V.shape}, axis {axis}")
    if eps == 0.0:
        Y, sigma = _layer_norm_exact(V if axis == 0 else V.T)
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
