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

from .._validate import require_real_array
from ..errors import InvalidInput
from ..latent import numpy_file_problem
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


def _load_reason(exc: BaseException) -> str:
    """What is wrong with a file that ``np.load`` refused, in words (numpy's own message suggests
    ``allow_pickle=True``, which fctheory never uses: a pickle can run code)."""
    text = str(exc)
    if "pickle" in text:
        return "it holds pickled Python objects, which fctheory never loads"
    if isinstance(exc, zipfile.BadZipFile):
        return "it is not a zip archive (an .npz file is one)"
    if isinstance(exc, EOFError) or "truncat" in text.lower() or "EOF" in text:
        return "it is empty or truncated"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory"
    if isinstance(exc, PermissionError):
        return "it cannot be read (permission denied)"
    return text.splitlines()[0][:160] if text else type(exc).__name__


def u_blocks(U: np.ndarray, L: int) -> np.ndarray:
    """The blocks :math:`u_{k,l}` as an array of shape ``(K, L, d)`` (a view)."""
    K, Ld = U.shape
    return U.reshape(K, L, Ld // L)


def load_weights(path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``W`` and ``U`` from an ``.npz`` file (keys ``W`` and ``U``).

    Raises
    ------
    InvalidInput
        Naming ``WEIGHTS`` and saying why: not a file, not an ``.npz`` archive (an ``.npy`` array,
        text, an empty or truncated file, pickled objects) or a missing array.
    """
    path = os.fspath(path)
    allowed = "an .npz file with arrays 'W' (d, n_w) and 'U' (K, L*d)"
    if os.path.isdir(path):
        raise InvalidInput("WEIGHTS", allowed, path, detail="it is a directory")
    if not os.path.exists(path):
        raise InvalidInput("WEIGHTS", allowed, path, detail="no such file")
    problem = numpy_file_problem(path)
    if problem:
        raise InvalidInput("WEIGHTS", allowed, path, detail=problem)
    try:
        data = np.load(path, allow_pickle=False)
    except InvalidInput:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise InvalidInput("WEIGHTS", allowed, path, detail=_load_reason(exc)) from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        shape = getattr(data, "shape", None)
        raise InvalidInput("WEIGHTS", allowed, path, detail=f"it is an .npy file holding a single array of shape {shape}; "
                                                             "save both with numpy.savez(path, W=W, U=U)")
    try:
        with data:
            missing = [k for k in ("W", "U") if k not in data.files]
            if missing:
                raise InvalidInput("WEIGHTS", allowed, path, detail=f"it has no array {', '.join(map(repr, missing))} "
                                                                     f"(arrays: {', '.join(sorted(data.files)) or 'none'})")
            return np.array(data["W"]), np.array(data["U"])
    except InvalidInput:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise InvalidInput("WEIGHTS", allowed, path, detail=_load_reason(exc)) from None


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
