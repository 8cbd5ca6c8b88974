"""Weight arrays in the exact-risk conventions, and ``.npz`` weight files.

Conventions (appendix A of the paper, 0-based): ``W`` has shape ``(d, n_w)``
and column ``a*s_c + b`` is the embedding :math:`w_{(a,b)}` of the b-th word
of concept a; ``U`` has shape ``(K, L*d)`` and row k is
:math:`[u_{k,1}, \\dots, u_{k,L}]`, so :math:`u_{k,l}` = ``U[k, l*d:(l+1)*d]``.
"""

from __future__ import annotations

import os

import numpy as np

from .._io import atomic_write_npz, load_numpy
from .._validate import require_real_array
from ..errors import InvalidInput
from ..configurations import layer_norm_columns  # re-exported: the features of network h* (eq. 18)

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
    W, U = require_real_array("W", W), require_real_array("U", U)  # complex refused, entries finite
    if W.ndim != 2 or W.shape[1] != n_w or W.shape[0] < 1:
        raise InvalidInput("W", f"an array of shape (d, n_w) with n_w = n_c*s_c = {n_w}", f"shape {W.shape}")
    d = W.shape[0]
    if U.ndim != 2 or U.shape[1] != L * d or U.shape[0] < 2:
        raise InvalidInput("U", f"an array of shape (K, L*d) = (K, {L * d}) with K >= 2", f"shape {U.shape}")
    if K is not None and U.shape[0] != K:
        raise InvalidInput("U", f"an array with K = {K} rows (one per latent variable)", f"{U.shape[0]} rows")
    return W, U




def u_blocks(U: np.ndarray, L: int) -> np.ndarray:
    """The blocks :math:`u_{k,l}` as an array of shape ``(K, L, d)`` (a view)."""
    K, Ld = U.shape
    return U.reshape(K, L, Ld // L)


def load_weights(path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``W`` and ``U`` from an ``.npz`` file (keys ``W`` and ``U``).

    The file is read by :func:`fctheory._io.load_numpy`: a regular file, no pickles, every array's
    declared shape checked against 1 GiB (:data:`fctheory._io.MAX_ARRAY_BYTES`) before it is
    allocated.

    Raises
    ------
    InvalidInput
        Naming ``WEIGHTS`` and saying why: not a file, not an ``.npz`` archive (an ``.npy`` array,
        text, an empty or truncated file, pickled objects), too large, or a missing array.
    """
    allowed = "an .npz file with arrays 'W' (d, n_w) and 'U' (K, L*d)"
    try:
        shown = os.fspath(path)
    except TypeError:
        raise InvalidInput("WEIGHTS", allowed, type(path).__name__) from None
    data = load_numpy(shown, "WEIGHTS", allowed=allowed)
    if not isinstance(data, dict):
        raise InvalidInput("WEIGHTS", allowed, shown, detail=f"it is an .npy file holding a single array of shape "
                                                             f"{data.shape}; save both with numpy.savez(path, W=W, U=U)")
    missing = [k for k in ("W", "U") if k not in data]
    if missing:
        raise InvalidInput("WEIGHTS", allowed, shown, detail=f"it has no array {', '.join(map(repr, missing))} "
                                                             f"(arrays: {', '.join(sorted(data)) or 'none'})")
    return data["W"], data["U"]


def save_weights(path, W: np.ndarray, U: np.ndarray) -> None:
    """Write ``W`` and ``U`` to an ``.npz`` file atomically (temporary file + rename)."""
    atomic_write_npz(path, W=np.asarray(W), U=np.asarray(U))
