"""Latent sets: uniformly random subsets and user files.

Every loader returns an int64 array of shape ``(K, L)`` with entries in
``0..n_c-1`` and distinct rows, validated by
:func:`fctheory.latent.as_latent_array` (paper, section 2: the task has ``K``
distinct latent variables :math:`z_1, \\dots, z_K \\in [n_c]^L`).
"""

from __future__ import annotations

import os
import re

import numpy as np

from .._io import load_numpy, open_regular_file
from .._validate import MAX_LATENT_K, MAX_LATENT_L, require_int, require_latent_rows, require_latent_sizes, require_seed
from ..errors import InvalidLatentSet
from ._arrays import as_latent_array, base_digits

__all__ = ["random_latent_set", "load_latent_file", "require_latent_sizes", "validate_sizes", "MAX_LATENT_TEXT_BYTES",
           "MAX_LATENT_ARRAY_BYTES"]

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
_INTEGER = re.compile(r"[+-]?[0-9]+")

#: Largest latent file read: text up to 64 MiB (2**17 rows of 64 entries take under 33 MiB), arrays
#: up to MAX_LATENT_K * MAX_LATENT_L int64 entries (64 MiB); checked before the file is read.
MAX_LATENT_TEXT_BYTES = 2**26
MAX_LATENT_ARRAY_BYTES = MAX_LATENT_K * MAX_LATENT_L * 8


def load_latent_file(path, n_c: int, L: int) -> np.ndarray:
    """Read a latent set from a file and validate it.

    Formats (by extension):

    ``.npy``
        a 2-D integer array of shape ``(K, L)``;
    ``.npz``
        an archive holding that array under the name ``latent``;
    anything else
        UTF-8 text (a leading byte-order mark is ignored), one latent variable per row, entries
        separated by whitespace and/or commas; blank lines and lines starting with ``#`` are skipped.

    The file must be a regular file (a FIFO or a device is refused before it is opened) of at
    most 64 MiB; an array file is read by :func:`fctheory._io.load_numpy` (no pickles, the
    declared shape checked before anything is allocated).  Error messages say what is wrong
    with the file, never what it holds.

    Raises
    ------
    InvalidLatentSet
        For an unreadable file, a missing ``latent`` array, a malformed row,
        a wrong shape, an entry outside ``0..n_c-1`` or a repeated row.
    """
    n_c, L = require_latent_sizes(n_c, L)
    try:
        path = os.fspath(path)
    except TypeError:
        raise InvalidLatentSet("latent file", "a path (str or os.PathLike)", type(path).__name__) from None
    field = f"latent file {path!r}"
    if path.lower().endswith((".npy", ".npz")):
        allowed = "a readable .npy, .npz (array 'latent') or text file"
        data = load_numpy(path, field, names=("latent",), max_bytes=MAX_LATENT_ARRAY_BYTES, allowed=allowed,
                          error=InvalidLatentSet, got=None)
        if isinstance(data, dict):
            if "latent" not in data:
                raise InvalidLatentSet(field, "an .npz archive with an array named 'latent'", None,
                                       "it has no array of that name")
            data = data["latent"]
    else:
        data = _read_text(path, field)
    return as_latent_array(data, n_c, L, field=field)


def _read_text(path: str, field: str) -> np.ndarray:
    allowed = "a text file of latent variables (rows of integers), .npy or .npz"
    with open_regular_file(path, field, max_bytes=MAX_LATENT_TEXT_BYTES, allowed=allowed, error=InvalidLatentSet,
                           got=None) as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidLatentSet(field, allowed, None, "it is neither a NumPy file nor UTF-8 text") from None
    lines = text.splitlines()
    if len(lines) > MAX_LATENT_K:
        count = sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
        if count > MAX_LATENT_K:
            raise InvalidLatentSet(field, f"at most {MAX_LATENT_K} latent variables (rows)", None,
                                   f"it has {count} rows")
    rows = []
    width = None
    for lineno, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        tokens = [t for t in _SPLIT.split(line) if t]
        bad = next((i for i, t in enumerate(tokens, start=1) if not (t.isascii() and _INTEGER.fullmatch(t))), None)
        if bad is not None:  # the file's content is not repeated (it may be any file)
            raise InvalidLatentSet(field, "rows of integers separated by whitespace or commas", None,
                                   f"entry {bad} of line {lineno} is not an integer")
        if width is not None and len(tokens) != width:
            raise InvalidLatentSet(field, f"rows of equal length ({width})", None,
                                   f"line {lineno} has {len(tokens)} entries")
        width = len(tokens)
        if any(len(t.lstrip("+-")) > 18 for t in tokens):
            raise InvalidLatentSet(field, "small non-negative integers (concept indices)", None,
                                   f"line {lineno} has an entry beyond 10**18")
        rows.append([int(t) for t in tokens])
    if not rows:
        raise InvalidLatentSet(field, "at least two latent variables (rows)", None, "no rows")
    return np.array(rows, dtype=np.int64)
