"""Job functions for the runner's tests (imported by name on every backend's workers).

Not a test module: ``conftest.py`` puts this directory on ``sys.path`` so that
spawned worker processes and Dask workers import it as ``sweep_testjobs``.
"""

import os
import time

import numpy as np


def double(params):
    """Deterministic: twice ``x`` and a draw from numpy's global generator (seeded per job)."""
    return {"double": 2 * params["x"], "draw": float(np.random.random())}


def fail_on(params):
    """Raises for ``x == bad``."""
    if params["x"] == params["bad"]:
        raise ValueError(f"x = {params['x']} is the bad one")
    return {"double": 2 * params["x"]}


def crash_once(params):
    """Kills its worker process on the first attempt (a marker file remembers it), then succeeds."""
    if params.get("crash") and not os.path.exists(params["marker"]):
        with open(params["marker"], "w") as fh:
            fh.write(str(os.getpid()))
        os._exit(13)
    time.sleep(params.get("sleep", 0.0))
    return {"double": 2 * params["x"], "attempted_before": os.path.exists(params.get("marker", ""))}


def always_crash(params):
    """Kills its worker process every time."""
    os._exit(13)


def interrupt_once(params):
    """Raises KeyboardInterrupt (Ctrl-C during this job, in-process runs) for ``x == stop`` the first time."""
    if params["x"] == params["stop"] and not os.path.exists(params["marker"]):
        open(params["marker"], "w").close()
        raise KeyboardInterrupt
    return {"double": 2 * params["x"]}


def with_arrays(params):
    from fctheory.sweep import JobOutput

    return JobOutput({"n": params["n"]}, {"A": np.arange(params["n"], dtype=float)})


def sleepy(params):
    """Twice ``x`` after ``sleep`` seconds (long enough to be interrupted)."""
    time.sleep(params["sleep"])
    return {"double": 2 * params["x"]}


#: The calls of :func:`first_call_slow` in this process.
_CALLS = []


def first_call_slow(params):
    """Sleeps ``startup`` seconds on its first call in a process (what imports cost a process's first job);
    returns how many calls this process saw before (its kind's warm-up is one of them)."""
    if not _CALLS:
        time.sleep(params.get("startup", 0.0))
    _CALLS.append(dict(params))
    return {"calls_before": len(_CALLS) - 1, "pid": os.getpid()}


def _kinds():
    from fctheory.registry import job_kinds
    from fctheory.sweep import JobKind

    own = {f"sweep_testjobs:{f.__name__}": JobKind(f"sweep_testjobs:{f.__name__}", f)
           for f in (double, fail_on, crash_once, always_crash, interrupt_once, with_arrays, sleepy)}
    own["sweep_testjobs:first_call_slow"] = JobKind("sweep_testjobs:first_call_slow", first_call_slow,
                                                    warm_up={"startup": 0.2})
    return {**job_kinds(), **own}


#: The registry's operations and this module's test functions, by name (what the tests' grids may name).
KINDS = _kinds()


def job(name, params=None):
    """A :class:`fctheory.sweep.Job` of the kind called ``name`` in :data:`KINDS`."""
    from fctheory.sweep import Job

    return Job(KINDS[name], params)
