"""What a worker runs (:func:`execute_job`) and the three ways to run it: this process, local worker
processes, a Dask cluster.

Each backend is a generator of ``(task, outcome)`` pairs in completion order, where a task is
``(key, job)`` and ``outcome`` the plain dict of :func:`execute_job`.  None of them raises for a
failed job (the error becomes ``status = "failed"``, so no exception object has to survive
pickling); a worker that dies is replaced and its job run again, at most ``retries`` more times.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time
import traceback
import uuid
from collections import deque

import numpy as np

from .._io import canonical_json, json_plain
from ..errors import FctheoryError
from ._jobs import JobOutput

__all__ = ["DistributedNotInstalled", "import_distributed", "execute_job", "in_process", "process_pool",
           "dask_cluster", "INSTALL_HINT"]

#: Set to 1 in every worker: N processes x several BLAS threads would
#: oversubscribe the cores, and one thread keeps sums in one order.
BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
INSTALL_HINT = "pip install 'fctheory[distributed]'  (or: pip install 'dask[distributed]')"


class DistributedNotInstalled(FctheoryError):
    """``--scheduler`` was given but :mod:`dask.distributed` is not installed."""

    def __init__(self, reason: str = ""):
        message = f"--scheduler needs dask.distributed, which is not installed; install it with: {INSTALL_HINT}"
        super().__init__(message + (f" ({reason})" if reason else ""))


def import_distributed():
    """The :mod:`distributed` module, or :class:`DistributedNotInstalled` saying what to install."""
    try:
        import distributed
    except ImportError as exc:
        raise DistributedNotInstalled(str(exc)) from None
    return distributed


def _outcome(status: str = "failed", error: str | None = None, **fields) -> dict:
    return {"status": status, "result": None, "error": error, "traceback": None, "seconds": 0.0, "arrays": {},
            "worker": "", **fields}


def _plain(value):
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON data")


#: Jobs in one process run one at a time.  mpmath's working precision and Python's and numpy's global
#: random generators are process-wide: two jobs interleaved in threads (a Dask worker with several
#: threads, or ``processes=False``) would restore each other's precision out of order and leave it
#: changed (seen as 143 bits after a 2-thread in-process cluster).  Parallelism comes from processes.
_ONE_JOB_AT_A_TIME = threading.Lock()
#: The warm-ups done in this process (see :class:`~fctheory.sweep.JobKind`).
_WARMED: set = set()


def execute_job(function, params: dict, key: str, warm_up: dict | None = None) -> dict:
    """Run one job; returns ``{"status", "result", "error", "traceback", "seconds", "arrays", "worker"}``.

    ``seconds`` times the call of ``function`` alone.  Before the first job of its kind in this
    process, ``function(warm_up)`` runs untimed (its result and errors discarded).  Python's and
    numpy's global random generators are seeded from the job's key while the job runs and restored
    afterwards, so even code that draws from them gives the same numbers on every backend.  The
    result goes through the JSON round trip (tuples -> lists, numpy scalars -> Python, NaN -> None),
    so a fresh result equals the same result read back from the cache.
    """
    with _ONE_JOB_AT_A_TIME:
        py_state, np_state = random.getstate(), np.random.get_state()
        outcome = _outcome(worker=f"{socket.gethostname()}:{os.getpid()}")
        try:
            if warm_up is not None and (once := canonical_json([repr(function), warm_up])) not in _WARMED:
                _WARMED.add(once)
                with contextlib.suppress(Exception):
                    function(dict(warm_up))
            random.seed(int(key[:8], 16))
            np.random.seed(int(key[:8], 16))
            start = time.perf_counter()
            try:
                out = function(dict(params))
            finally:
                outcome["seconds"] = time.perf_counter() - start
            if isinstance(out, JobOutput):
                out, outcome["arrays"] = out.record, {str(k): np.asarray(v) for k, v in out.arrays.items()}
            if not isinstance(out, dict):
                raise TypeError(f"a job function must return a dict or a JobOutput, not {type(out).__name__}")
            outcome.update(status="ok", result=json_plain(out, default=_plain))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - every job error is recorded, none stops the sweep
            outcome.update(status="failed", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc(),
                           arrays={})
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
        return outcome


def _call(task):
    """The arguments of :func:`execute_job` for a task ``(key, job)``."""
    key, job = task
    return job.function, job.params, key, job.job_kind.warm_up


def in_process(tasks):
    """Run the tasks one after the other in this process."""
    for task in tasks:
        yield task, execute_job(*_call(task))


@contextlib.contextmanager
def _single_threaded_blas():
    """The BLAS thread variables set to 1 (where unset) while worker processes start."""
    added = [v for v in BLAS_THREAD_VARS if v not in os.environ]
    os.environ.update(dict.fromkeys(added, "1"))
    try:
        yield
    finally:
        for v in added:
            os.environ.pop(v, None)


def _worker_context():
    """Where worker processes come from: a fork server that has imported this module once (with one
    BLAS thread), so replacing a dead worker or starting the next pool costs milliseconds, not an
    import; ``spawn`` where there is no fork server (Windows).  Never a plain ``fork`` of this
    process (its threads and BLAS pools do not survive a fork)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def process_pool(tasks, workers: int, retries: int):
    """Run the tasks on ``workers`` worker processes (one BLAS thread each).

    At most ``workers`` tasks are in flight.  When a worker dies the pool breaks and every task in
    flight comes back unfinished; those run again on a fresh pool *one at a time*, so the task that
    kills its worker is known for certain.  Only that task is charged an attempt; after ``retries``
    more deaths it is recorded as failed, and the tasks that shared its pool are never blamed.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    queue, suspects = deque(tasks), deque()  # suspects: were in flight when a worker died; run alone
    deaths: dict[str, int] = {}
    context = _worker_context()
    while queue or suspects:
        pool = ProcessPoolExecutor(max_workers=min(workers, len(queue) + len(suspects)), mp_context=context)
        running: dict = {}
        broken = clean = False
        try:
            while not broken:
                while (queue or suspects) and not broken and len(running) < (1 if suspects else workers):
                    task = suspects.popleft() if suspects else queue.popleft()
                    try:
                        with _single_threaded_blas():  # workers (and the fork server) start inside submit
                            running[pool.submit(execute_job, *_call(task))] = task
                    except BrokenProcessPool:
                        suspects.appendleft(task)
                        broken = True
                if not running:
                    break
                alone = len(running) == 1
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                if broken or any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                    broken = True
                    done, _ = wait(running)  # the other futures of a broken pool are failing too
                for fut in done:
                    task = running.pop(fut)
                    exc = fut.exception()
                    if exc is None:
                        yield task, fut.result()
                    elif not isinstance(exc, BrokenProcessPool):  # e.g. the parameters could not be sent
                        yield task, _outcome(error=f"{type(exc).__name__}: {exc}")
                    elif not alone:
                        suspects.append(task)
                    elif deaths.setdefault(task[0], 0) >= retries:
                        yield task, _outcome(error=f"WorkerDied: the worker process died {deaths[task[0]] + 1} "
                                                   f"times running this job ({exc})")
                    else:
                        deaths[task[0]] += 1
                        suspects.appendleft(task)
            clean = True
        finally:
            if not clean:
                _terminate_workers(pool)
            pool.shutdown(wait=clean, cancel_futures=True)


def _terminate_workers(pool) -> None:
    """End the worker processes of an interrupted pool: after a Ctrl-C ``shutdown(wait=False)`` alone can
    leave the pool's management thread waiting on a worker, which the interpreter's exit then joins (a
    hang).  No public call before Python 3.14 (``terminate_workers``), hence the private ``_processes``."""
    if hasattr(pool, "terminate_workers"):  # Python >= 3.14
        pool.terminate_workers()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):  # already gone
            proc.terminate()


@contextlib.contextmanager
def _sigint_ignored():
    """SIGINT ignored while worker processes start, so that they inherit that and a Ctrl-C reaches only
    this process, which then shuts the cluster down in order (no traceback from every worker).  Only in
    the main thread, where signal handlers can be set."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _dask_client(stack, distributed, scheduler, workers: int | None, retries: int):
    """The client of ``scheduler`` (a local cluster and clients made here are closed with ``stack``)."""
    import dask

    if not isinstance(scheduler, str):
        return scheduler
    if scheduler != "local":
        try:
            return stack.enter_context(distributed.Client(scheduler, timeout="20s"))
        except (OSError, TimeoutError) as exc:
            raise FctheoryError(f"could not connect to the Dask scheduler at {scheduler}: {exc}") from None
    env = {v: os.environ.get(v, "1") for v in BLAS_THREAD_VARS}
    # The workers' statistical profiler samples the running job's stack every 10 ms; on 40 small training
    # jobs (benchmarks/bench_sweep.py's grid, 2 workers) it made the mean job 0.276-0.345 s against
    # 0.244-0.259 s without it.
    with dask.config.set({"distributed.scheduler.allowed-failures": retries,
                          "distributed.worker.profile.enabled": False}), _sigint_ignored():
        cluster = distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                           processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL,
                                           env=env)
    stack.callback(cluster.close)
    return stack.enter_context(distributed.Client(cluster))


def dask_cluster(tasks, scheduler, workers: int | None, retries: int):
    """Run the tasks on a Dask cluster.

    ``scheduler``: ``"local"`` (a :class:`distributed.LocalCluster` of ``workers`` single-threaded
    worker processes, started and closed here), an address such as ``"tcp://host:8786"``, or a
    :class:`distributed.Client`.  A worker that dies mid-task has its task rescheduled by Dask (the
    scheduler's ``distributed.scheduler.allowed-failures``, set to ``retries`` for the local
    cluster); ``retries`` is also passed to ``Client.submit``.
    """
    distributed = import_distributed()
    with contextlib.ExitStack() as stack:
        client = _dask_client(stack, distributed, scheduler, workers, retries)
        batch = uuid.uuid4().hex[:8]
        futures = {}
        try:
            for task in tasks:
                futures[client.submit(execute_job, *_call(task), key=f"fctheory-{task[0]}-{batch}", pure=False,
                                      retries=retries)] = task
            for fut in distributed.as_completed(list(futures)):
                task = futures.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker (died too often), lost data, ...
                    outcome = _outcome(error=f"{type(exc).__name__}: {exc}")
                fut.release()
                yield task, outcome
        finally:
            if futures:
                with contextlib.suppress(Exception):  # best effort while shutting down
                    client.cancel(list(futures))
