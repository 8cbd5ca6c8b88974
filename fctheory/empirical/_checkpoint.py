"""Checkpoints of an empirical training run: atomic ``.npz`` files with a fingerprint.

A checkpoint holds the weights, the optimizer's position (SGD: epoch, batch
within the epoch, the epoch's permutation and the shuffling generator's
state; L-BFGS: the iteration count), the history so far, and a
*fingerprint*: the SHA-256 of everything that determines the trajectory
(the problem, the dataset's digest and the hyperparameters; not the stopping
rules ``epochs``, ``maxiter``, ``gtol``, so that a finished run can be
extended).  Loading a checkpoint of another run raises
:class:`CheckpointMismatch` naming the fields that differ.

Files are written atomically (:mod:`fctheory._io`: a temporary file in the
same folder, renamed into place), so an interruption never leaves a torn
file.  A checkpoint that is nevertheless empty or truncated (a full disk, a
copy cut short) raises :class:`DamagedCheckpoint`: the trainer ignores it,
says so in a ``note:`` line, and starts afresh.  Any other file that is not a
checkpoint is refused, never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np

from .._io import atomic_write_npz, canonical_json, dumps_json, load_npz
from ..errors import InvalidInput

__all__ = ["CheckpointMismatch", "DamagedCheckpoint", "fingerprint", "save_checkpoint", "load_checkpoint",
           "require_same_run"]

FORMAT = "fctheory-empirical-checkpoint-1"


class CheckpointMismatch(InvalidInput):
    """The checkpoint at ``checkpoint`` belongs to another run (setting, dataset or hyperparameters)."""

    def __init__(self, path: str, differences: dict):
        self.path = path
        self.differences = differences
        shown = "; ".join(f"{k}: checkpoint {v[0]!r} vs requested {v[1]!r}" for k, v in differences.items())
        super().__init__("checkpoint", f"a checkpoint of this run (or a new path) — {path} differs in "
                         + ", ".join(differences), None, shown)


class DamagedCheckpoint(InvalidInput):
    """The checkpoint file is empty or cut short (a crash while it was written elsewhere): the
    trainer ignores it, says so, and starts afresh."""


def fingerprint(identity: dict) -> str:
    """SHA-256 of the canonical JSON of ``identity``."""
    return hashlib.sha256(canonical_json(identity, default=str).encode()).hexdigest()


def require_same_run(path: str, stored: dict, requested: dict) -> None:
    """Raise :class:`CheckpointMismatch` unless the two identities are equal."""
    if fingerprint(stored) == fingerprint(requested):
        return
    keys = sorted(set(stored) | set(requested))
    diff = {k: (stored.get(k), requested.get(k)) for k in keys if stored.get(k) != requested.get(k)}
    raise CheckpointMismatch(str(path), diff or {"fingerprint": (fingerprint(stored), fingerprint(requested))})


def save_checkpoint(path, arrays: dict, meta: dict) -> None:
    """Write ``arrays`` and the JSON ``meta`` to ``path`` atomically."""
    payload = {k: np.asarray(v) for k, v in arrays.items()}
    payload["meta"] = np.array(dumps_json({"format": FORMAT, **meta}, default=str))
    atomic_write_npz(path, **payload)


_ALLOWED = "an .npz checkpoint written by train_empirical"


def load_checkpoint(path) -> tuple[dict, dict]:
    """``(arrays, meta)`` of a checkpoint.

    Read by :func:`fctheory._io.load_npz` (no pickles, sizes checked before allocation).

    Raises
    ------
    DamagedCheckpoint
        When the file is empty or truncated (an ``.npz`` cut short).
    InvalidInput
        When it is anything else that is not a checkpoint (never overwritten then).
    """
    path = os.fspath(path)
    try:
        arrays = load_npz(path, "checkpoint", allowed=_ALLOWED, kinds="biufcU")
    except InvalidInput as exc:
        if getattr(exc, "damaged", False):
            raise DamagedCheckpoint("checkpoint", _ALLOWED, path, detail=exc.detail) from None
        raise
    meta_array = arrays.pop("meta", None)
    try:
        if meta_array is None or meta_array.dtype.kind != "U" or meta_array.shape != ():
            raise ValueError
        meta = json.loads(str(meta_array), parse_constant=lambda _: None)
        if not isinstance(meta, dict):
            raise ValueError
    except (ValueError, RecursionError):
        raise InvalidInput("checkpoint", _ALLOWED, path, "no readable 'meta' entry") from None
    if meta.get("format") != FORMAT:
        raise InvalidInput("checkpoint", f"a checkpoint of format {FORMAT}", str(meta.get("format"))[:60])
    if any(a.dtype.kind == "U" for a in arrays.values()):
        raise InvalidInput("checkpoint", _ALLOWED, path, "it holds a text array besides 'meta'")
    return arrays, meta
