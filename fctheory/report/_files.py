"""Atomic file writes: write to a temporary file in the same directory, then rename."""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np

__all__ = ["atomic_write_text", "atomic_write_json", "atomic_write_npz", "atomic_savefig"]


def _tmp_path(path: str, suffix: str) -> str:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=directory)
    os.close(fd)
    return tmp


def atomic_write_text(path, text: str) -> None:
    path = os.fspath(path)
    tmp = _tmp_path(path, ".txt")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_json(path, data) -> None:
    atomic_write_text(path, json.dumps(data, indent=1, allow_nan=True) + "\n")


def atomic_write_npz(path, **arrays) -> None:
    path = os.fspath(path)
    tmp = _tmp_path(path, ".npz")
    try:
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_savefig(fig, path) -> None:
    path = os.fspath(path)
    tmp = _tmp_path(path, ".png")
    try:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
