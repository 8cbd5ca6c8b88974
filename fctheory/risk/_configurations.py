"""Weights ``W, U`` in the collapse forms of definitions 1-3 (appendix A conventions).

* Type I (network h): :math:`w_{(a,b)} = c f_a`, :math:`u_{k,l} = c' f_{z_{k,l}}`.
* Type II (network h*): :math:`\\varphi(w_{(a,b)}) = \\sqrt d f_a` with ``f``
  mean-zero equiangular, :math:`u_{k,l} = c f_{z_{k,l}}`.
* Type III (network h): :math:`w_{(a,b)} = r_b f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidInput
from ..latent import resolve_latent
from ..setting import Setting
from ._frames import equiangular_frame

__all__ = ["Configuration", "type1_configuration", "type2_configuration", "type3_configuration"]


@dataclass(frozen=True)
class Configuration:
    """Explicit weights of a collapse configuration.

    Attributes
    ----------
    kind : str
        ``"type1"``, ``"type2"`` or ``"type3"``.
    W : ndarray ``(d, n_w)``
    U : ndarray ``(K, L*d)``
    frame : ndarray ``(d, n_c)``
        The equiangular frame used (columns :math:`f_a`).
    latent : ndarray ``(K, L)``
    constants : dict
        The constants it was built from (floats).
    network : str
        The network it is meant for (``"h"`` or ``"h*"``).

    Iterating yields ``W, U`` (``W, U = type1_configuration(...)``).
    """

    kind: str
    W: np.ndarray
    U: np.ndarray
    frame: np.ndarray
    latent: np.ndarray
    constants: dict
    network: str

    def __iter__(self):
        return iter((self.W, self.U))

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "network": self.network,
            "constants": dict(self.constants),
            "W": self.W.tolist(),
            "U": self.U.tolist(),
            "frame": self.frame.tolist(),
            "latent": self.latent.tolist(),
        }


def _real(field: str, value, *, positive: bool = False) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(field, "a finite real number", value) from None
    if not math.isfinite(out) or (positive and out <= 0):
        raise InvalidInput(field, "a finite number > 0" if positive else "a finite real number", value)
    return out


def _d_of(setting: Setting, d, mean_zero: bool) -> int:
    if d is None:
        return setting.require_d(mean_zero=mean_zero)
    lo = setting.n_c if mean_zero else setting.n_c - 1
    if isinstance(d, bool) or not isinstance(d, int) or d < lo:
        raise InvalidInput("d", f"an integer >= {lo}", d)
    if setting.d is not None and d != setting.d:
        raise InvalidInput("d", f"equal to setting.d = {setting.d}", d)
    return d


def _U_from_frame(F: np.ndarray, latent: np.ndarray, c: float) -> np.ndarray:
    """``U`` with :math:`u_{k,l} = c f_{z_{k,l}}`: row k = [u_{k,1} ... u_{k,L}]."""
    K, L = latent.shape
    return c * F.T[latent].reshape(K, L * F.shape[0])


def type1_configuration(setting: Setting, c, c_prime, *, latent=None, rotation=None, d=None) -> Configuration:
    """Type I (definition 1): :math:`w_{(a,b)} = c f_a`, :math:`u_{k,l} = c' f_{z_{k,l}}`.

    With :math:`c = \\sqrt{t/n_w}` and :math:`c' = \\sqrt{t/(K L)}` the risk is
    :math:`H(t)` (lemma K); theorem 1 takes :math:`t = \\tau`.

    Parameters
    ----------
    setting : Setting
    c, c_prime : float
    latent : int array (K, L), optional (None = full set)
    rotation : None, int seed or numpy.random.Generator
        Random rotation of the frame (the theorems hold up to rotation).
    d : int, optional
        Embedding dimension when ``setting.d`` is None.
    """
    lat = resolve_latent(setting, latent)
    dd = _d_of(setting, d, mean_zero=False)
    c, cp = _real("c", c), _real("c_prime", c_prime)
    F = equiangular_frame(setting.n_c, dd, rng=rotation)
    W = c * np.repeat(F, setting.s_c, axis=1)
    return Configuration("type1", W, _U_from_frame(F, lat, cp), F, lat, {"c": c, "c_prime": cp}, "h")


def type2_configuration(setting: Setting, c, *, latent=None, rotation=None, d=None, word_scale=1.0) -> Configuration:
    """Type II (definition 2): :math:`\\varphi(w_{(a,b)}) = \\sqrt d f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`.

    ``f`` is a mean-zero equiangular frame (``d >= n_c``); the words are
    :math:`w_{(a,b)} = s f_a` (``s = word_scale > 0``), whose LayerNorm is
    :math:`\\sqrt d f_a` since :math:`\\bar f_a = 0` and :math:`\\|f_a\\| = 1`.
    With :math:`c = t / \\sqrt{K L}` the risk :math:`R^*` is :math:`H^*(t)`
    (lemma R); theorem 3 takes :math:`t = \\tau^*`.
    """
    lat = resolve_latent(setting, latent)
    dd = _d_of(setting, d, mean_zero=True)
    c = _real("c", c)
    s = _real("word_scale", word_scale, positive=True)
    F = equiangular_frame(setting.n_c, dd, mean_zero=True, rng=rotation)
    W = s * np.repeat(F, setting.s_c, axis=1)
    return Configuration("type2", W, _U_from_frame(F, lat, c), F, lat, {"c": c, "word_scale": s}, "h*")


def type3_configuration(setting: Setting, c, r, *, latent=None, rotation=None, d=None) -> Configuration:
    """Type III (definition 3): :math:`w_{(a,b)} = r_b f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`.

    On the full set its risk is :math:`F(c, r)` (appendix F); theorem 2's
    critical point takes ``(c, r)`` solving eq. (7)-(8).

    Parameters
    ----------
    r : sequence of ``s_c`` floats, one per word rank ``b``.
    """
    lat = resolve_latent(setting, latent)
    dd = _d_of(setting, d, mean_zero=False)
    c = _real("c", c)
    try:
        r_arr = np.array([_real(f"r[{i}]", v) for i, v in enumerate(r)], dtype=float)
    except TypeError:
        raise InvalidInput("r", f"a sequence of s_c = {setting.s_c} numbers", r) from None
    if r_arr.shape != (setting.s_c,):
        raise InvalidInput("r", f"a sequence of s_c = {setting.s_c} numbers", f"{r_arr.size} values")
    F = equiangular_frame(setting.n_c, dd, rng=rotation)
    W = (F[:, :, None] * r_arr[None, None, :]).reshape(dd, setting.n_w)  # column a*s_c + b = r_b f_a
    consts = {"c": c, "r": r_arr.tolist()}
    return Configuration("type3", W, _U_from_frame(F, lat, c), F, lat, consts, "h")
