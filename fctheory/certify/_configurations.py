"""The matrix ``D = W^T [U_1 ... U_K]`` of the collapse configurations.

With an equiangular frame (definitions 1-3; ``<f_a, f_a> = 1``,
``<f_a, f_b> = -1/(n_c - 1)``) the entry of D for word ``(a, b)`` and block
``(k, l)`` is ``<w_(a,b), u_{k,l}>``:

* type I (theorem 1): ``w_(a,b) = c f_a``, ``u_{k,l} = c' f_{z_{k,l}}`` so
  ``D = c c' F`` with ``F[a, (k,l)] = <f_a, f_{z_{k,l}}>``, repeated over b;
* type III (theorem 2): ``w_(a,b) = r_b f_a``, ``u_{k,l} = c f_{z_{k,l}}`` so
  ``D = c (F ⊗ r)`` (rows ``a * s_c + b``).

``<f_a, f_e> = (n_c 1{a = e} - 1)/(n_c - 1)`` does not depend on the frame
chosen, so D is the same for every realization (any ``d >= n_c - 1``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["frame_gram_blocks", "type3_D", "type1_D"]


def frame_gram_blocks(Z: np.ndarray, n_c: int) -> np.ndarray:
    """``F[a, k*L + l] = <f_a, f_{z_{k,l}}>`` for an equiangular frame, shape ``(n_c, K L)``."""
    Z = np.asarray(Z)
    same = (np.arange(n_c)[:, None] == Z.reshape(1, -1)).astype(float)
    return (n_c * same - 1.0) / (n_c - 1)


def type3_D(setting, Z: np.ndarray, c: float, r) -> np.ndarray:
    """D of the type-III configuration ``(c, r_1..r_{s_c})`` (definition 3)."""
    r = np.asarray([float(v) for v in r], dtype=float)
    return float(c) * np.kron(frame_gram_blocks(Z, setting.n_c), r[:, None])


def type1_D(setting, Z: np.ndarray, word_norm: float, u_norm: float) -> np.ndarray:
    """D of the type-I configuration with ``||w|| = word_norm``, ``||u_{k,l}|| = u_norm`` (definition 1)."""
    return type3_D(setting, Z, u_norm, [float(word_norm)] * setting.s_c)
