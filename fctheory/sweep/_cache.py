"""The content-hash cache of finished jobs, written atomically by the receiving process.

A finished job ``key`` is ``<cache_dir>/<key>.json`` (and ``<key>.npz`` when it
returned arrays; written first, the JSON last marks the job done).  Every file
is written to a temporary name in the same directory, flushed and fsynced, then
renamed over the final name (and the directory fsynced), so a crash, a killed
worker or Ctrl-C leaves either the whole entry or none of it.  Only the process
that receives results writes here; workers never touch the cache, so a sweep
started on a cluster resumes on a laptop from the same directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from .._files import atomic_write_bytes, atomic_write_npz, atomic_write_text
from ._jobs import CACHE_FORMAT, Job

__all__ = ["code_fingerprint", "atomic_write_bytes", "atomic_write_text", "read_entry", "write_entry"]


def code_fingerprint() -> str:
    """SHA-256 of every ``fctheory/**/*.py`` source file (sorted by path).

    The default salt of the cache keys: a changed library re-runs every job.
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _paths(cache_dir: str, key: str) -> tuple[str, str]:
    return os.path.join(cache_dir, f"{key}.json"), os.path.join(cache_dir, f"{key}.npz")


def write_entry(cache_dir: str, key: str, job: Job, outcome: dict) -> None:
    """Store a successful outcome of :func:`execute_job` (arrays first, the JSON last)."""
    json_path, npz_path = _paths(cache_dir, key)
    arrays = outcome.get("arrays") or {}
    if arrays:
        atomic_write_npz(npz_path, **arrays)
    entry = {"format": CACHE_FORMAT, "key": key, "job": job.to_dict(), "result": outcome["result"],
             "seconds": outcome["seconds"], "worker": outcome.get("worker", ""), "arrays": sorted(arrays)}
    atomic_write_text(json_path, json.dumps(entry, indent=1, allow_nan=True) + "\n")


def read_entry(cache_dir: str, key: str) -> dict | None:
    """The cached entry of ``key`` with its arrays loaded, or None (absent, partial or unreadable)."""
    json_path, npz_path = _paths(cache_dir, key)
    try:
        with open(json_path, encoding="utf-8") as fh:
            entry = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT or entry.get("key") != key:
        return None
    arrays = {}
    if entry.get("arrays"):
        try:
            with np.load(npz_path, allow_pickle=False) as data:
                arrays = {name: np.array(data[name]) for name in entry["arrays"]}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None  # an empty or truncated archive (a crash mid-write elsewhere) is a miss
    entry["arrays"] = arrays
    return entry
