"""Latent sets: uniformly random subsets and user files.

Every loader returns an int64 array of shape ``(K, L)`` with entries in
``0..n_c-1`` and distinct rows, validated by
:func:`fctheory.latent.as_latent_array` (paper, section 2: the task has ``K``
distinct latent variables :math:`z_1, \\dots, z_K \\in [n_c]^L`).
"""

from __future__ import annotations

import os
import zipfile
import re

import numpy as np

from .._validate import require_int, require_latent_rows, require_latent_sizes, require_seed
from ..errors import InvalidLatentSet
from ._arrays import as_latent_array, base_digits

__all__ = ["random_latent_set", "load_latent_file", "require_latent_sizes", "validate_sizes", "numpy_file_problem"]

#: Deprecated name of :func:`require_latent_sizes` (``2 <= n_c <= 64``, ``1 <= L <= 64``; input guards are
#: ``require_*``).
validate_sizes = require_latent_sizes


def random_latent_set(n_c: int, L: int, K: int, *, seed=None) -> np.ndarray:
    """``K`` distinct latent variables drawn uniformly at random from ``[n_c]^L``.

    The set is a uniformly random ``K``-subset of :math:`[n_c]^L` (the paper's
    experiments, section 5: "latent variables drawn uniformly at random"); the
    rows come in random order.

    Parameters
    ----------
    n_c, L : int
        Number of concepts and sentence length.
    K : int
        Number of latent variables, ``2 <= K <= n_c**L``.
    seed : int, numpy.random.Generator or None
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same set.

    Returns
    -------
    numpy.ndarray of int64, shape ``(K, L)``
    """
    n_c, L = require_latent_sizes(n_c, L)
    total = n_c**L
    K = require_int("K", K, lo=2, hi=total)
    require_latent_rows(K)  # before anything is drawn
    if seed is not None and not isinstance(seed, np.random.Generator):
        seed = require_seed("seed", seed)
    rng = np.random.default_rng(seed)
    if total < 2**62:
        # a uniformly random K-subset of the integers 0..n_c**L - 1, written in base n_c
        idx = rng.choice(total, size=K, replace=False).astype(np.int64)
        return base_digits(idx, n_c, L)
    # huge spaces: draw rows and keep the first K distinct ones in draw order
    # (sequential rejection of repeats gives a uniformly random K-subset)
    rows = np.empty((0, L), dtype=np.int64)
    while rows.shape[0] < K:
        draw = rng.integers(0, n_c, size=(K, L), dtype=np.int64)
        rows = np.concatenate([rows, draw])
        _, first = np.unique(rows, axis=0, return_index=True)
        rows = rows[np.sort(first)]
    return np.ascontiguousarray(rows[:K])


_SPLIT = re.compile(r"[\s,]+")


def load_latent_file(path, n_c: int, L: int) -> np.ndarray:
    """Read a latent set from a file and validate it.

    Formats (by extension):

    ``.npy``
        a 2-D integer array of shape ``(K, L)``;
    ``.npz``
        an archive holding that array under the name ``latent``;
    anything else
        text, one latent variable per row, entries separated by whitespace
        and/or commas; blank lines and lines starting with ``#`` are skipped.

    Raises
    ------
    InvalidLatentSet
        For an unreadable file, a missing ``latent`` array, a malformed row,
        a wrong shape, an entry outside ``0..n_c-1`` or a repeated row.
    """
    n_c, L = require_latent_sizes(n_c, L)
    path = os.fspath(path)
    field = f"latent file {path!r}"
    if not os.path.isfile(path):
        reason = "a directory" if os.path.isdir(path) else "not a regular file" if os.path.exists(path) else "no such file"
        raise InvalidLatentSet(field, "an existing file (.npy, .npz with array 'latent', or text)", None, reason)
    lower = path.lower()
    if lower.endswith((".npy", ".npz")):
        problem = numpy_file_problem(path)
        if problem:
            raise InvalidLatentSet(field, "a readable .npy, .npz or text file", None, problem)
    try:
        if lower.endswith(".npy"):
            arr = np.load(path, allow_pickle=False)
        elif lower.endswith(".npz"):
            with np.load(path, allow_pickle=False) as archive:
                if "latent" not in archive.files:
                    raise InvalidLatentSet(field, "an .npz archive with an array named 'latent'", f"arrays {archive.files}")
                arr = archive["latent"]
        else:
            arr = _read_text(path, field)
    except InvalidLatentSet:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise InvalidLatentSet(field, "a readable .npy, .npz or text file", None, _load_reason(exc)) from None
    return as_latent_array(arr, n_c, L, field=field)


def numpy_file_problem(path: str) -> str:
    """What is wrong with a file that should be a NumPy ``.npy``/``.npz`` file, from its first
    bytes ("" when it starts like one): empty, or neither magic string."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(6)
    except OSError as exc:
        return _load_reason(exc)
    if not head:
        return "it is empty"
    if head.startswith(b"PK") or head == b"\x93NUMPY":
        return ""
    return "it is not a NumPy file (an .npy file starts with \\x93NUMPY, an .npz file is a zip archive)"


def _load_reason(exc: BaseException) -> str:
    """Why a latent file could not be read, in words (numpy's message about ``allow_pickle=True`` is
    not repeated: fctheory never loads pickles, which can run code)."""
    text = str(exc)
    if "pickle" in text:
        return "it holds pickled Python objects (or is not a NumPy file), which fctheory never loads"
    if isinstance(exc, zipfile.BadZipFile):
        return "it is not a zip archive (an .npz file is one)"
    if isinstance(exc, UnicodeDecodeError):
        return "it is neither a NumPy file nor UTF-8 text"
    if isinstance(exc, EOFError) or "EOF" in text or "truncat" in text.lower():
        return "it is empty or truncated"
    return text.splitlines()[0][:160] if text else type(exc).__name__


def _read_text(path: str, field: str) -> np.ndarray:
    rows = []
    width = None
    with open(path, encoding="utf-8-sig") as handle:  # a UTF-8 byte-order mark (Windows editors) is skipped
        for lineno, line in enumerate(handle, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            tokens = [t for t in _SPLIT.split(text) if t]
            if not all(re.fullmatch(r"[+-]?\d+", t) for t in tokens):
                raise InvalidLatentSet(field, "rows of integers separated by whitespace or commas", f"line {lineno}: {text[:60]}")
            if width is not None and len(tokens) != width:
                raise InvalidLatentSet(field, f"rows of equal length ({width})", f"line {lineno} has {len(tokens)} entries")
            width = len(tokens)
            rows.append([int(t) for t in tokens])
    if not rows:
        raise InvalidLatentSet(field, "at least two latent variables (rows)", "no rows")
    if any(not -(2**62) < v < 2**62 for row in rows for v in row):
        raise InvalidLatentSet(field, "small non-negative integers (concept indices)", "an entry beyond 2**62")
    return np.array(rows, dtype=np.int64)
