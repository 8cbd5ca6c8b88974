"""Weight arrays in the exact-risk conventions, and ``.npz`` weight files.

Conventions (appendix A of the paper, 0-based): ``W`` has shape ``(d, n_w)``
and column ``a*s_c + b`` is the embedding :math:`w_{(a,b)}` of the b-th word
of concept a; ``U`` has shape ``(K, L*d)`` and row k is
:math:`[u_{k,1}, \\dots, u_{k,L}]`, so :math:`u_{k,l}` = ``U[k, l*d:(l+1)*d]``.
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from ..errors import InvalidInput
from ..risk import layer_norm

__all__ = ["as_weights", "load_weights", "save_weights", "u_blocks", "layer_norm_columns"]


def as_weights(W, U, n_c: int, s_c: int, L: int, *, K: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``W`` (d, n_w) and ``U`` (K, L*d) and return float64 copies.

    Raises
    ------
    InvalidInput
        Naming ``W`` or ``U`` when a shape does not match the conventions or an
        entry is not finite.
    """
    n_w = n_c * s_c
    try:
        W = np.array(W, dtype=np.float64)
        U = np.array(U, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidInput("W/U", "real numeric arrays") from None
    if W.ndim != 2 or W.shape[1] != n_w or W.shape[0] < 1:
        raise InvalidInput("W", f"an array of shape (d, n_w) with n_w = n_c*s_c = {n_w}", f"shape {W.shape}")
    d = W.shape[0]
    if U.ndim != 2 or U.shape[1] != L * d or U.shape[0] < 2:
        raise InvalidInput("U", f"an array of shape (K, L*d) = (K, {L * d}) with K >= 2", f"shape {U.shape}")
    if K is not None and U.shape[0] != K:
        raise InvalidInput("U", f"an array with K = {K} rows (one per latent variable)", f"{U.shape[0]} rows")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(U))):
        raise InvalidInput("W/U", "finite numbers", "inf or NaN entries")
    return W, U


def u_blocks(U: np.ndarray, L: int) -> np.ndarray:
    """The blocks :math:`u_{k,l}` as an array of shape ``(K, L, d)`` (a view)."""
    K, Ld = U.shape
    return U.reshape(K, L, Ld // L)


def layer_norm_columns(W: np.ndarray) -> np.ndarray:
    """Parameter-free LayerNorm (eq. 18) of every column, as the network h*
    applies it: :math:`\\varphi(v) = (v - \\bar v)/\\sigma(v)`, population
    variance, no epsilon (:func:`fctheory.risk.layer_norm`).

    Raises
    ------
    InvalidInput
        When a column is constant (LayerNorm is undefined there).
    """
    return layer_norm(W)[0]


def load_weights(path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``W`` and ``U`` from an ``.npz`` file (keys ``W`` and ``U``).

    Raises
    ------
    InvalidInput
        When the file cannot be read as ``.npz`` or lacks a key.
    """
    try:
        with np.load(os.fspath(path), allow_pickle=False) as data:
            missing = [k for k in ("W", "U") if k not in data.files]
            if missing:
                raise InvalidInput("WEIGHTS", "an .npz file with arrays 'W' (d, n_w) and 'U' (K, L*d)",
                                   f"keys {sorted(data.files)}")
            return np.array(data["W"]), np.array(data["U"])
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise InvalidInput("WEIGHTS", "a readable .npz file with arrays 'W' and 'U'", str(path),
                           detail=type(exc).__name__) from None


def save_weights(path, W: np.ndarray, U: np.ndarray) -> None:
    """Write ``W`` and ``U`` to an ``.npz`` file atomically (temporary file + rename)."""
    path = os.fspath(path)
    tmp = f"{path}.tmp-{os.getpid()}.npz"
    try:
        np.savez(tmp, W=W, U=U)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):  # only when the write or the rename failed
            os.remove(tmp)
