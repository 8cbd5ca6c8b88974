"""The content-hash cache of finished jobs (docs/sweep.md): ``<key>.json`` (and ``<key>.npz``, written
first), each written atomically by the process that receives results, never by workers.  An entry
that does not parse, lacks a field or fails its SHA-256 digest counts as absent (a ``note:`` line
says so) and the job runs again; the digest detects damage and edits, not forgery (docs/security.md).
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

from .._io import array_digest, atomic_write_npz, canonical_json, json_plain, load_npz, note, read_json, write_json
from ..errors import InvalidInput
from ._jobs import CACHE_FORMAT

__all__ = ["code_fingerprint", "read_entry", "write_entry"]


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


def _digest(key: str, result, seconds: float, arrays: dict) -> str:
    """SHA-256 of an entry's key, result (canonical JSON, as written), run time and arrays."""
    text = canonical_json({"key": key, "result": result, "seconds": seconds,
                           "arrays": {name: array_digest(arrays[name]) for name in sorted(arrays)}})
    return hashlib.sha256(text.encode()).hexdigest()


def write_entry(cache_dir: str, key: str, job, outcome: dict) -> None:
    """Store a successful outcome of a job (arrays first, the JSON last).

    The cache is a convenience: when an entry cannot be written (a folder in its place, a full
    disk) a ``note:`` line says so and the run goes on with its result."""
    json_path = os.path.join(cache_dir, f"{key}.json")
    arrays = outcome.get("arrays") or {}
    result, seconds = json_plain(outcome["result"]), float(outcome["seconds"])  # as they will read back
    try:
        if arrays:
            atomic_write_npz(os.path.join(cache_dir, f"{key}.npz"), **arrays)
        write_json(json_path, {"format": CACHE_FORMAT, "key": key, "job": job.to_dict(), "result": result,
                               "seconds": seconds, "worker": str(outcome.get("worker", "")),
                               "arrays": sorted(arrays), "digest": _digest(key, result, seconds, arrays)})
    except OSError as exc:
        note(f"cache entry {key} could not be written ({exc.strerror or type(exc).__name__}); the job will run "
             "again next time")


def _problem(entry, key: str) -> str:
    """What is wrong with a parsed cache entry's fields ("" when nothing; the digest is checked apart)."""
    if not isinstance(entry, dict):
        return "it is not a JSON object"
    seconds, names = entry.get("seconds"), entry.get("arrays", [])
    checks = [(entry.get("format") == CACHE_FORMAT, f"its format is not {CACHE_FORMAT!r}"),
              (entry.get("key") == key, "its key does not match its file name"),
              (isinstance(entry.get("result"), dict), "it has no 'result' object"),
              (not isinstance(seconds, bool) and isinstance(seconds, (int, float)) and math.isfinite(seconds)
               and seconds >= 0, "its 'seconds' is not a number >= 0"),
              (isinstance(entry.get("worker", ""), str), "its 'worker' is not a string"),
              (isinstance(names, list) and all(isinstance(n, str) and n for n in names)
               and len(set(names)) == len(names), "its 'arrays' is not a list of distinct names"),
              (isinstance(entry.get("digest"), str), "it has no digest")]
    return next((problem for fine, problem in checks if not fine), "")


def read_entry(cache_dir: str, key: str) -> dict | None:
    """The cached entry of ``key`` with its arrays loaded, or None: absent, partial, malformed or
    failing its digest (all but the first say so in a ``note:`` line)."""
    if not os.path.lexists(os.path.join(cache_dir, f"{key}.json")):
        return None
    entry, reason = _load(cache_dir, key)
    if reason:
        note(f"cache entry {key} {reason}; it counts as absent and the job runs again")
    return entry


def _load(cache_dir: str, key: str) -> tuple[dict | None, str]:
    """The verified entry and "", or None and what is wrong with it."""
    try:
        entry = read_json(os.path.join(cache_dir, f"{key}.json"), "cache entry")
    except InvalidInput as exc:
        return None, f"is unreadable ({exc.detail or 'not JSON'})"
    problem = _problem(entry, key)
    if problem:
        return None, f"is malformed ({problem})"
    names, arrays = entry.get("arrays", []), {}
    if names:
        try:
            arrays = load_npz(os.path.join(cache_dir, f"{key}.npz"), "cache entry", names=names)
        except InvalidInput as exc:  # an empty or truncated archive
            return None, f"has unreadable arrays ({exc.detail})"
        missing = [n for n in names if n not in arrays]
        if missing:
            return None, f"lacks its array {missing[0]!r}"
    if _digest(key, entry["result"], entry["seconds"], arrays) != entry["digest"]:
        return None, "does not match its SHA-256 digest (edited or damaged)"
    entry.update(seconds=float(entry["seconds"]), worker=entry.get("worker", ""), arrays=arrays)
    return entry, ""
