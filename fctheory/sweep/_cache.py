"""The content-hash cache of finished jobs, written atomically by the receiving process, verified when read.

A finished job ``key`` is ``<cache_dir>/<key>.json`` (and ``<key>.npz`` when it
returned arrays; written first, the JSON last marks the job done).  Every file
is written atomically (:mod:`fctheory._io`), so a crash, a killed worker or
Ctrl-C leaves either the whole entry or none of it.  Only the process that
receives results writes here; workers never touch the cache, so a sweep
started on a cluster resumes on a laptop from the same directory.

Each entry stores a SHA-256 ``digest`` of its result, its run time and each
of its arrays.  An entry is used only when it parses, has every field of the
right type, and its digest matches what is recomputed from the files; any
other entry (a hand-edited number, a truncated array, ``"seconds": null``, a
missing ``result``) counts as absent: the job runs again and the entry is
rewritten, and a ``note:`` line on stderr says so.  The digest detects
damage and edits, not forgery: whoever can write the cache can write a
matching digest (docs/security.md).
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

from .._io import (MAX_JSON_BYTES, array_digest, atomic_write_npz, canonical_json, json_plain, load_npz, note,
                   read_json, write_json)
from ..errors import InvalidInput
from ._jobs import CACHE_FORMAT, Job

__all__ = ["code_fingerprint", "read_entry", "write_entry", "entry_problem", "entry_digest"]


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


def entry_digest(key: str, result, seconds: float, arrays: dict) -> str:
    """SHA-256 of an entry's key, result (its canonical JSON, as written: non-finite floats null),
    run time and arrays (each by :func:`fctheory._io.array_digest`)."""
    text = canonical_json({"key": key, "result": result, "seconds": seconds,
                           "arrays": {name: array_digest(arrays[name]) for name in sorted(arrays)}})
    return hashlib.sha256(text.encode()).hexdigest()


def write_entry(cache_dir: str, key: str, job: Job, outcome: dict) -> None:
    """Store a successful outcome of :func:`execute_job` (arrays first, the JSON last).

    The cache is a convenience: when an entry cannot be written (a folder in its place, a full
    disk) a ``note:`` line says so and the run goes on with its result."""
    try:
        _write_entry(cache_dir, key, job, outcome)
    except OSError as exc:
        note(f"cache entry {key} could not be written ({exc.strerror or type(exc).__name__}); the job will run "
             "again next time")


def _write_entry(cache_dir: str, key: str, job: Job, outcome: dict) -> None:
    json_path, npz_path = _paths(cache_dir, key)
    arrays = outcome.get("arrays") or {}
    if arrays:
        atomic_write_npz(npz_path, **arrays)
    result = json_plain(outcome["result"])  # as it will read back (non-finite floats: null)
    seconds = float(outcome["seconds"])
    entry = {"format": CACHE_FORMAT, "key": key, "job": job.to_dict(), "result": result,
             "seconds": seconds, "worker": str(outcome.get("worker", "")), "arrays": sorted(arrays),
             "digest": entry_digest(key, result, seconds, arrays)}
    write_json(json_path, entry)


def entry_problem(entry, key: str) -> str:
    """What is wrong with a parsed cache entry's fields ("" when nothing; the digest is checked apart)."""
    if not isinstance(entry, dict):
        return "it is not a JSON object"
    if entry.get("format") != CACHE_FORMAT:
        return f"its format is not {CACHE_FORMAT!r}"
    if entry.get("key") != key:
        return "its key does not match its file name"
    if not isinstance(entry.get("result"), dict):
        return "it has no 'result' object"
    seconds = entry.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0:
        return "its 'seconds' is not a number >= 0"
    if not isinstance(entry.get("worker", ""), str):
        return "its 'worker' is not a string"
    names = entry.get("arrays", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
        return "its 'arrays' is not a list of distinct names"
    if not isinstance(entry.get("digest"), str):
        return "it has no digest"
    return ""


def _discard(key: str, reason: str) -> None:
    note(f"cache entry {key} {reason}; it counts as absent and the job runs again")


def read_entry(cache_dir: str, key: str) -> dict | None:
    """The cached entry of ``key`` with its arrays loaded, or None: absent, partial, malformed or
    failing its digest (all but the first say so in a ``note:`` line)."""
    json_path, npz_path = _paths(cache_dir, key)
    if not os.path.lexists(json_path):
        return None
    try:
        entry = read_json(json_path, "cache entry", max_bytes=MAX_JSON_BYTES)
    except InvalidInput as exc:
        _discard(key, f"is unreadable ({exc.detail or 'not JSON'})")
        return None
    problem = entry_problem(entry, key)
    if problem:
        _discard(key, f"is malformed ({problem})")
        return None
    arrays = {}
    if entry.get("arrays"):
        try:
            arrays = load_npz(npz_path, "cache entry", names=entry["arrays"])
        except InvalidInput as exc:
            _discard(key, f"has unreadable arrays ({exc.detail})")  # an empty or truncated archive
            return None
        missing = [n for n in entry["arrays"] if n not in arrays]
        if missing:
            _discard(key, f"lacks its array {missing[0]!r}")
            return None
    if entry_digest(key, entry["result"], entry["seconds"], arrays) != entry["digest"]:
        _discard(key, "does not match its SHA-256 digest (edited or damaged)")
        return None
    entry["seconds"] = float(entry["seconds"])
    entry["worker"] = entry.get("worker", "")
    entry["arrays"] = arrays
    return entry
