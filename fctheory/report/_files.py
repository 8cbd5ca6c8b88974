"""Atomic file writes: write to a temporary file in the same directory, then rename."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager

import numpy as np

__all__ = ["atomic_write_text", "atomic_write_json", "atomic_write_npz", "atomic_savefig"]


@contextmanager
def _atomic(path, suffix: str):
    """Yield a temporary path in the directory of ``path``; rename it to
    ``path`` when the block succeeds, remove it in every case otherwise."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=directory)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_text(path, text: str) -> None:
    with _atomic(path, ".txt") as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)


def atomic_write_json(path, data) -> None:
    atomic_write_text(path, json.dumps(data, indent=1, allow_nan=True) + "\n")


def atomic_write_npz(path, **arrays) -> None:
    with _atomic(path, ".npz") as tmp:
        np.savez(tmp, **arrays)


def atomic_savefig(fig, path) -> None:
    with _atomic(path, ".png") as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
