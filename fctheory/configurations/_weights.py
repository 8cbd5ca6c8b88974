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

from ..problem import as_problem
from ._frames import _as_rng, equiangular_frame
from ._grams import CollapseGrams, _dimension, _r_values, _real, collapse_grams

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

    def expected_grams(self) -> CollapseGrams:
        """The Gram matrices this configuration has by construction (the features are
        :math:`\\varphi(w)` for type II); :meth:`CollapseGrams.cross` is ``D = W^T U`` for h."""
        d, n_c = self.frame.shape
        s_c = self.W.shape[1] // n_c
        c = self.constants
        if self.kind == "type1":
            return collapse_grams("type1", n_c, s_c, self.latent, np.full(n_c * s_c, c["c"]), c["c_prime"])
        if self.kind == "type2":
            return collapse_grams("type2", n_c, s_c, self.latent, np.full(n_c * s_c, math.sqrt(d)), c["c"], float(d))
        return collapse_grams("type3", n_c, s_c, self.latent, np.tile(np.asarray(c["r"], dtype=float), n_c), c["c"])

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


def _U_from_frame(F: np.ndarray, latent: np.ndarray, c: float) -> np.ndarray:
    """``U`` with :math:`u_{k,l} = c f_{z_{k,l}}`: row k = [u_{k,1} ... u_{k,L}]."""
    K, L = latent.shape
    return c * F.T[latent].reshape(K, L * F.shape[0])


def type1_configuration(problem, c, c_prime, *, latent=None, rotation=None, d=None) -> Configuration:
    """Type I (definition 1): :math:`w_{(a,b)} = c f_a`, :math:`u_{k,l} = c' f_{z_{k,l}}`.

    With :math:`c = \\sqrt{t/n_w}` and :math:`c' = \\sqrt{t/(K L)}` the risk is
    :math:`H(t)` (lemma K); theorem 1 takes :math:`t = \\tau`.

    Parameters
    ----------
    problem : Problem or Setting
        A :class:`fctheory.Problem`, or a Setting with ``latent``.
    c, c_prime : float
    latent : int array (K, L), optional
        Only with a Setting (None = the full set).
    rotation : None, int seed or numpy.random.Generator
        Random rotation of the frame (the theorems hold up to rotation).
    d : int, optional
        Embedding dimension when ``setting.d`` is None.
    """
    problem = as_problem(problem, latent)
    dd = _dimension(problem.setting, d, mean_zero=False)
    c, cp = _real("c", c), _real("c_prime", c_prime)
    F = equiangular_frame(problem.n_c, dd, rng=_as_rng(rotation, "rotation"))
    W = c * np.repeat(F, problem.s_c, axis=1)
    lat = np.asarray(problem.latent)
    return Configuration("type1", W, _U_from_frame(F, lat, cp), F, lat, {"c": c, "c_prime": cp}, "h")


def type2_configuration(problem, c, *, latent=None, rotation=None, d=None, word_scale=1.0) -> Configuration:
    """Type II (definition 2): :math:`\\varphi(w_{(a,b)}) = \\sqrt d f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`.

    ``f`` is a mean-zero equiangular frame (``d >= n_c``); the words are
    :math:`w_{(a,b)} = s f_a` (``s = word_scale > 0``), whose LayerNorm is
    :math:`\\sqrt d f_a` since :math:`\\bar f_a = 0` and :math:`\\|f_a\\| = 1`.
    With :math:`c = t / \\sqrt{K L}` the risk :math:`R^*` is :math:`H^*(t)`
    (lemma R); theorem 3 takes :math:`t = \\tau^*`.  ``problem``, ``latent``,
    ``rotation``, ``d`` as in :func:`type1_configuration`.
    """
    problem = as_problem(problem, latent)
    dd = _dimension(problem.setting, d, mean_zero=True)
    c = _real("c", c)
    s = _real("word_scale", word_scale, positive=True)
    F = equiangular_frame(problem.n_c, dd, mean_zero=True, rng=_as_rng(rotation, "rotation"))
    W = s * np.repeat(F, problem.s_c, axis=1)
    lat = np.asarray(problem.latent)
    return Configuration("type2", W, _U_from_frame(F, lat, c), F, lat, {"c": c, "word_scale": s}, "h*")


def type3_configuration(problem, c, r, *, latent=None, rotation=None, d=None) -> Configuration:
    """Type III (definition 3): :math:`w_{(a,b)} = r_b f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`.

    On the full set its risk is :math:`F(c, r)` (appendix F); theorem 2's
    critical point takes ``(c, r)`` solving eq. (7)-(8).

    Parameters
    ----------
    r : sequence of ``s_c`` floats, one per word rank ``b``.

    ``problem``, ``latent``, ``rotation``, ``d`` as in :func:`type1_configuration`.
    """
    problem = as_problem(problem, latent)
    dd = _dimension(problem.setting, d, mean_zero=False)
    c = _real("c", c)
    r_arr = _r_values(r, problem.s_c)
    F = equiangular_frame(problem.n_c, dd, rng=_as_rng(rotation, "rotation"))
    W = (F[:, :, None] * r_arr[None, None, :]).reshape(dd, problem.n_w)  # column a*s_c + b = r_b f_a
    lat = np.asarray(problem.latent)
    consts = {"c": c, "r": r_arr.tolist()}
    return Configuration("type3", W, _U_from_frame(F, lat, c), F, lat, consts, "h")

