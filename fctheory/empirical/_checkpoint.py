"""Checkpoints of an empirical training run: atomic ``.npz`` files with a fingerprint.

A checkpoint holds the weights, the optimizer's position (SGD: epoch, batch
within the epoch, the epoch's permutation and the shuffling generator's
state; L-BFGS: the iteration count), the history so far, and a
*fingerprint*: the SHA-256 of everything that determines the trajectory
(the problem, the dataset's digest and the hyperparameters; not the stopping
rules ``epochs``, ``maxiter``, ``gtol``, so that a finished run can be
extended).  Loading a checkpoint of another run raises
:class:`CheckpointMismatch` naming the fields that differ.

Files are written to a temporary file in the same folder and moved into
place with :func:`os.replace`, so an interruption never leaves a torn file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

import numpy as np

from ..errors import InvalidInput

__all__ = ["CheckpointMismatch", "fingerprint", "save_checkpoint", "load_checkpoint", "require_same_run"]

FORMAT = "fctheory-empirical-checkpoint-1"


class CheckpointMismatch(InvalidInput):
    """The checkpoint at ``checkpoint`` belongs to another run (setting, dataset or hyperparameters)."""

    def __init__(self, path: str, differences: dict):
        self.path = path
        self.differences = differences
        shown = "; ".join(f"{k}: checkpoint {v[0]!r} vs requested {v[1]!r}" for k, v in differences.items())
        super().__init__("checkpoint", f"a checkpoint of this run (or a new path) — {path} differs in "
                         + ", ".join(differences), None, shown)


def fingerprint(identity: dict) -> str:
    """SHA-256 of the canonical JSON of ``identity``."""
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def require_same_run(path: str, stored: dict, requested: dict) -> None:
    """Raise :class:`CheckpointMismatch` unless the two identities are equal."""
    if fingerprint(stored) == fingerprint(requested):
        return
    keys = sorted(set(stored) | set(requested))
    diff = {k: (stored.get(k), requested.get(k)) for k in keys if stored.get(k) != requested.get(k)}
    raise CheckpointMismatch(str(path), diff or {"fingerprint": (fingerprint(stored), fingerprint(requested))})


def save_checkpoint(path, arrays: dict, meta: dict) -> None:
    """Write ``arrays`` and the JSON ``meta`` to ``path`` atomically."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    payload = {k: np.asarray(v) for k, v in arrays.items()}
    payload["meta"] = np.array(json.dumps({"format": FORMAT, **meta}, default=str))
    fd, tmp = tempfile.mkstemp(prefix=".ckpt-", suffix=".npz", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **payload)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_checkpoint(path) -> tuple[dict, dict]:
    """``(arrays, meta)`` of a checkpoint; :class:`InvalidInput` if it is not one."""
    path = os.fspath(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except (OSError, ValueError) as exc:
        raise InvalidInput("checkpoint", "an .npz checkpoint written by train_empirical", path, str(exc)) from None
    try:
        meta = json.loads(str(arrays.pop("meta")))
    except (KeyError, ValueError):
        raise InvalidInput("checkpoint", "an .npz checkpoint written by train_empirical", path,
                           "no readable 'meta' entry") from None
    if meta.get("format") != FORMAT:
        raise InvalidInput("checkpoint", f"a checkpoint of format {FORMAT}", meta.get("format"))
    return arrays, meta
