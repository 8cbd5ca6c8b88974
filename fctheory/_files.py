"""Atomic file writes (the one implementation: report, reproduce and the sweep cache use it): write to a temporary file in the same directory, fsync it, then rename.

A file is created with the permissions of any other file the user creates (``0o666 & ~umask``;
``tempfile.mkstemp`` alone would leave it ``0o600``), and its data reach the disk before the rename,
so a crash leaves either the old file or the complete new one, never a truncated one.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from contextlib import contextmanager

import numpy as np

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "atomic_write_json", "atomic_write_npz",
           "atomic_savefig", "finite_or_null"]


@contextmanager
def atomic_path(path, suffix: str):
    """Yield a temporary path in the directory of ``path``; rename it to
    ``path`` when the block succeeds, remove it in every case otherwise."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=directory)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync_directory(directory)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory descriptors
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path, data: bytes) -> None:
    with atomic_path(path, ".bin") as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def atomic_write_text(path, text: str) -> None:
    with atomic_path(path, ".txt") as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)


def atomic_write_json(path, data) -> None:
    """Standard JSON (docs/json.md): a NaN or infinite float is written ``null``, never ``NaN``."""
    atomic_write_text(path, json.dumps(finite_or_null(data), indent=1, allow_nan=False) + "\n")


def finite_or_null(value):
    """``value`` with every NaN or infinite float replaced by None (JSON ``null``)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_null(v) for v in value]
    return value


def atomic_write_npz(path, **arrays) -> None:
    with atomic_path(path, ".npz") as tmp:
        np.savez(tmp, **arrays)


def atomic_savefig(fig, path) -> None:
    with atomic_path(path, ".png") as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
