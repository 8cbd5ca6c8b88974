"""The three ways to run tasks: this process, local worker processes, a Dask cluster.

Each backend is a generator of ``(task, outcome)`` pairs in completion order,
where ``outcome`` is the plain dict of :func:`~fctheory.sweep._execute.execute_job`.
None of them raises for a failed job; a worker that dies is replaced and its
job run again, at most ``retries`` more times.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from ..errors import FctheoryError
from ._execute import execute_job

__all__ = ["Task", "DistributedNotInstalled", "import_distributed", "in_process", "process_pool", "dask_cluster",
           "BLAS_THREAD_VARS", "INSTALL_HINT"]

#: Set to 1 in every worker: N processes x several BLAS threads would
#: oversubscribe the cores, and one thread keeps sums in one order.
BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
INSTALL_HINT = "pip install 'fctheory[distributed]'  (or: pip install 'dask[distributed]')"


class DistributedNotInstalled(FctheoryError):
    """``--scheduler`` was given but :mod:`dask.distributed` is not installed."""

    def __init__(self, reason: str = ""):
        message = f"--scheduler needs dask.distributed, which is not installed; install it with: {INSTALL_HINT}"
        if reason:
            message += f" ({reason})"
        super().__init__(message)


def import_distributed():
    """The :mod:`distributed` module, or :class:`DistributedNotInstalled` saying what to install."""
    try:
        import distributed
    except ImportError as exc:
        raise DistributedNotInstalled(str(exc)) from None
    return distributed


@dataclass(frozen=True)
class Task:
    """One unique job to run: its id, the function to call, parameters and cache key."""

    tid: int
    function: Callable
    params: dict
    key: str


def _failed(error: str, seconds: float = 0.0) -> dict:
    return {"status": "failed", "result": None, "error": error, "traceback": None, "seconds": seconds,
            "arrays": {}, "worker": ""}


@contextmanager
def _single_threaded_blas():
    """The BLAS thread variables set to 1 (where unset) while worker processes start."""
    saved = {v: os.environ.get(v) for v in BLAS_THREAD_VARS}
    for v in BLAS_THREAD_VARS:
        os.environ.setdefault(v, "1")
    try:
        yield
    finally:
        for v, value in saved.items():
            if value is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = value


@contextmanager
def _sigint_ignored():
    """SIGINT ignored while worker processes start, so that they inherit that and a Ctrl-C
    reaches only this process, which then shuts the cluster down in order (no traceback from
    every worker).  Only in the main thread, where signal handlers can be set."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def in_process(tasks):
    """Run the tasks one after the other in this process."""
    for task in tasks:
        yield task, execute_job(task.function, task.params, task.key)


def _worker_context():
    """Where worker processes come from: a fork server that has imported fctheory
    once (with one BLAS thread), so replacing a dead worker or starting the next
    pool costs milliseconds, not an import; ``spawn`` where there is no fork
    server (Windows).  Never a plain ``fork`` of this process (its threads and
    BLAS pools do not survive a fork)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__.rpartition(".")[0] + "._execute"])
        return context
    return multiprocessing.get_context("spawn")


def process_pool(tasks, workers: int, retries: int):
    """Run the tasks on ``workers`` worker processes (one BLAS thread each).

    At most ``workers`` tasks are in flight.  When a worker dies the pool
    breaks and every task in flight comes back unfinished; those run again on a
    fresh pool *one at a time*, so the task that kills its worker is known
    for certain.  Only that task is charged an attempt; after ``retries`` more
    deaths it is recorded as failed, and the tasks that shared its pool are
    never blamed.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    queue = deque(tasks)
    suspects: deque = deque()  # were in flight when a worker died: run alone
    deaths: dict[int, int] = {}
    context = _worker_context()
    while queue or suspects:
        pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(queue) + len(suspects))), mp_context=context)
        running: dict = {}
        broken = False
        clean = False
        try:
            while queue or suspects or running:
                window = 1 if suspects else workers
                while (queue or suspects) and not broken and len(running) < window:
                    task = suspects.popleft() if suspects else queue.popleft()
                    try:
                        with _single_threaded_blas():  # workers (and the fork server) start inside submit
                            running[pool.submit(execute_job, task.function, task.params, task.key)] = task
                    except BrokenProcessPool:
                        suspects.appendleft(task)
                        broken = True
                if not running:
                    break
                alone = len(running) == 1
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    task = running.pop(fut)
                    exc = fut.exception()
                    if exc is None:
                        yield task, fut.result()
                    elif isinstance(exc, BrokenProcessPool):
                        broken = True
                        if not alone:
                            suspects.append(task)
                            continue
                        deaths[task.tid] = deaths.get(task.tid, 0) + 1
                        if deaths[task.tid] > retries:
                            yield task, _failed(f"WorkerDied: the worker process died {deaths[task.tid]} times "
                                                f"running this job ({exc})")
                        else:
                            suspects.appendleft(task)
                    else:  # e.g. the parameters could not be sent
                        yield task, _failed(f"{type(exc).__name__}: {exc}")
                if broken and running:
                    # the other futures of a broken pool are failing too: collect them as suspects
                    for fut in list(running):
                        wait([fut])
                        task = running.pop(fut)
                        if fut.exception() is None:
                            yield task, fut.result()
                        else:
                            suspects.append(task)
                if broken:
                    break
            clean = True
        finally:
            if not clean:
                _terminate_workers(pool)
            pool.shutdown(wait=clean, cancel_futures=True)


def _terminate_workers(pool) -> None:
    """End the worker processes of an interrupted pool.

    After a Ctrl-C (which reaches the workers too) ``shutdown(wait=False)`` alone can leave the pool's
    management thread waiting on a worker, and the interpreter's exit handler joins that thread: the
    sweep then hangs instead of exiting (seen once in a loaded CI run).  Finished jobs are already in
    the cache, so nothing is lost.  ``ProcessPoolExecutor`` has no public call for this before
    Python 3.14 (``terminate_workers``), hence the private ``_processes``.
    """
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:  # Python >= 3.14
        terminate()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except (OSError, ValueError):  # already gone
            pass


def dask_cluster(tasks, scheduler, workers: int | None, retries: int):
    """Run the tasks on a Dask cluster.

    ``scheduler``: ``"local"`` (a :class:`distributed.LocalCluster` of
    ``workers`` single-threaded worker processes, started and closed here), an
    address such as ``"tcp://host:8786"``, or a :class:`distributed.Client`.
    A worker that dies mid-task has its task rescheduled by Dask (the
    scheduler's ``distributed.scheduler.allowed-failures``, set to ``retries``
    for the local cluster); ``retries`` is also passed to ``Client.submit``.
    """
    distributed = import_distributed()
    import dask

    cluster = client = None
    if isinstance(scheduler, str):
        if scheduler == "local":
            n = workers if workers is not None else (os.cpu_count() or 1)
            env = {v: os.environ.get(v, "1") for v in BLAS_THREAD_VARS}
            # The workers' statistical profiler samples the running job's stack every 10 ms;
            # on 40 small training jobs (benchmarks/bench_sweep.py's grid, 2 workers) it made
            # the mean job 0.276-0.345 s against 0.244-0.259 s without it.
            with dask.config.set({"distributed.scheduler.allowed-failures": retries,
                                  "distributed.worker.profile.enabled": False}), _sigint_ignored():
                cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                   dashboard_address=":0", silence_logs=logging.CRITICAL, env=env)
            try:
                client = distributed.Client(cluster)
            except BaseException:
                cluster.close()
                raise
        else:
            try:
                client = distributed.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise FctheoryError(f"could not connect to the Dask scheduler at {scheduler}: {exc}") from None
        owned = client
    else:
        client, owned = scheduler, None
    batch = uuid.uuid4().hex[:8]
    futures = {}
    try:
        for task in tasks:
            fut = client.submit(execute_job, task.function, task.params, task.key,
                                key=f"fctheory-{task.key}-{batch}-{task.tid}", pure=False, retries=retries)
            futures[fut] = task
        for fut in distributed.as_completed(list(futures)):
            task = futures.pop(fut)
            try:
                outcome = fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker (died too often), lost data, ...
                outcome = _failed(f"{type(exc).__name__}: {exc}")
            fut.release()
            yield task, outcome
    finally:
        if futures:
            try:
                client.cancel(list(futures))
            except Exception:  # noqa: BLE001 - best effort while shutting down
                pass
        if owned is not None:
            owned.close()
        if cluster is not None:
            cluster.close()
