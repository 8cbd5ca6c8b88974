"""What a worker runs: call the job's function, return plain data.

:func:`execute_job` and the job kind's function are sent to workers by reference
(workers need fctheory installed, nothing else).  It never raises for an error of the
job itself: the error becomes ``status = "failed"`` with its message, so one
bad job cannot stop a sweep, and no exception object has to survive pickling.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from .._io import json_plain

__all__ = ["JobOutput", "execute_job", "normalise_record"]


@dataclass(frozen=True)
class JobOutput:
    """What a job function may return instead of a plain dict: the dict and named arrays.

    The arrays (trained weights, say) are stored next to the job's cache entry
    (``<key>.npz``) and handed back in :attr:`JobResult.arrays`.
    """

    record: dict
    arrays: dict = field(default_factory=dict)


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def normalise_record(record) -> dict:
    """The JSON round trip of a job's dict (tuples -> lists, numpy scalars -> Python, NaN and
    infinities -> None), so a fresh result equals the same result read back from the cache."""
    if not isinstance(record, dict):
        raise TypeError(f"a job function must return a dict or a JobOutput, not {type(record).__name__}")
    return json_plain(record, default=_plain)


def _job_seed(key: str) -> int:
    return int(key[:8], 16)


#: Jobs in one process run one at a time.  mpmath's working precision and Python's and numpy's global
#: random generators are process-wide: two jobs interleaved in threads (a Dask worker with several
#: threads, or ``processes=False``) would restore each other's precision out of order and leave it
#: changed (seen as 143 bits after a 2-thread in-process cluster).  Parallelism comes from processes.
_ONE_JOB_AT_A_TIME = threading.Lock()


def execute_job(function, params: dict, key: str) -> dict:
    """Run one job (see :func:`_execute_job`), one at a time in this process."""
    with _ONE_JOB_AT_A_TIME:
        return _execute_job(function, params, key)


def _execute_job(function, params: dict, key: str) -> dict:
    """Run one job; returns ``{"status", "result", "error", "traceback", "seconds", "arrays", "worker"}``.

    Python's and numpy's global random generators are seeded from the job's
    key while the job runs and restored afterwards, so even code that draws
    from them gives the same numbers on every backend.
    """
    worker = f"{socket.gethostname()}:{os.getpid()}"
    py_state, np_state = random.getstate(), np.random.get_state()
    start = time.perf_counter()
    try:
        seed = _job_seed(key)
        random.seed(seed)
        np.random.seed(seed)
        out = function(dict(params))
        arrays = {}
        if isinstance(out, JobOutput):
            out, arrays = out.record, {str(k): np.asarray(v) for k, v in out.arrays.items()}
        record = normalise_record(out)
        return {"status": "ok", "result": record, "error": None, "traceback": None,
                "seconds": time.perf_counter() - start, "arrays": arrays, "worker": worker}
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - every job error is recorded, none stops the sweep
        return {"status": "failed", "result": None, "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(), "seconds": time.perf_counter() - start, "arrays": {},
                "worker": worker}
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
