"""Run independent jobs on one of three backends, reusing and filling the cache.

A job function takes its parameter dict and returns a JSON dict; ``dict``
(which copies its argument) is the smallest one:

>>> from fctheory.sweep import Job, JobKind, run_jobs
>>> copy = JobKind("copy", dict)
>>> [(r.status, r.result) for r in run_jobs([Job(copy, {"x": 1})], progress=False)]
[('ok', {'x': 1})]
"""

from __future__ import annotations

import numbers
import sys
from typing import Iterable, Iterator

from .._io import remove_stale_temporaries
from ..errors import InvalidInput
from ._backends import Task, dask_cluster, import_distributed, in_process, process_pool
from ._cache import code_fingerprint, read_entry, write_entry
from ._jobs import Job, JobResult

__all__ = ["iter_jobs", "run_jobs", "MAX_WORKERS", "DEFAULT_RETRIES"]

MAX_WORKERS = 1024
#: How many more times a job whose worker died is run.
DEFAULT_RETRIES = 2


def _check_workers(workers, scheduler):
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput("--jobs", f"an integer in [1, {MAX_WORKERS}]", workers)
    if isinstance(scheduler, str) and scheduler != "local":
        raise InvalidInput("--jobs", "omitted with a remote --scheduler (the cluster's workers run the jobs)", workers)
    if scheduler is not None and not isinstance(scheduler, str):
        raise InvalidInput("--jobs", "omitted with a Dask Client (its cluster's workers run the jobs)", workers)
    return int(workers)


def _check_scheduler(scheduler):
    if scheduler is None:
        return None
    if isinstance(scheduler, str):
        text = scheduler.strip()
        if text == "local" or "://" in text or ":" in text:
            return text
        raise InvalidInput("--scheduler", "'local' or a scheduler address such as tcp://host:8786", scheduler)
    if callable(getattr(scheduler, "submit", None)):  # a distributed.Client
        return scheduler
    raise InvalidInput("--scheduler", "'local', an address such as tcp://host:8786, or a distributed.Client",
                       type(scheduler).__name__)


def _as_job(job, i: int) -> Job:
    if not isinstance(job, Job):
        raise InvalidInput(f"jobs[{i}]", "a fctheory.sweep.Job", type(job).__name__)
    return job


def iter_jobs(jobs: Iterable[Job], *, workers: int | None = None, scheduler=None, cache_dir=None,
              salt: str | None = None, retries: int = DEFAULT_RETRIES, progress: bool = True,
              desc: str = "jobs") -> Iterator[JobResult]:
    """Run jobs and yield each :class:`JobResult` as it finishes (cached ones first).

    Parameters
    ----------
    jobs : iterable of Job
        Identical jobs (same kind and parameters) run once; each position
        still gets its result.
    workers : int, optional
        Without ``scheduler``: ``1`` (default) runs in this process, ``N > 1``
        on ``N`` worker processes with one BLAS thread each.  With
        ``scheduler="local"``: the number of Dask workers (default: the CPU count).
    scheduler : str or distributed.Client, optional
        ``"local"`` (a :class:`dask.distributed.LocalCluster` started here),
        a scheduler address (``"tcp://host:8786"``), or a Client.  Needs the
        ``distributed`` extra.
    cache_dir : path, optional
        The content-hash cache: finished jobs found there are not run again;
        new successes are written there (atomically, by this process).
        Failed jobs are not cached (a restart runs them again).
    salt : str, optional
        Mixed into every cache key; default: :func:`code_fingerprint` (a
        changed fctheory re-runs every job).
    retries : int
        More attempts for a job whose worker process died (default 2).
    progress : bool
        A tqdm bar on stderr.
    desc : str
        The bar's label.

    Yields
    ------
    JobResult

    Notes
    -----
    Interrupting (Ctrl-C) stops the workers; every result received before it
    is already in the cache, so running the same jobs again resumes.
    """
    scheduler = _check_scheduler(scheduler)
    workers = _check_workers(workers, scheduler)
    if scheduler is not None:
        import_distributed()  # says what to install, before anything else happens
    if isinstance(retries, bool) or not isinstance(retries, numbers.Integral) or not 0 <= retries <= 100:
        raise InvalidInput("retries", "an integer in [0, 100]", retries)
    jobs = [_as_job(job, i) for i, job in enumerate(jobs)]
    salt = code_fingerprint() if salt is None else str(salt)
    cache_dir = None if cache_dir is None else str(cache_dir)

    # checked here, run lazily: a bad argument raises at the call, not at the first next()
    return _iterate(jobs, workers, scheduler, cache_dir, salt, int(retries), progress, desc)


def _iterate(jobs, workers, scheduler, cache_dir, salt, retries, progress, desc):
    from tqdm import tqdm

    keys = [job.cache_key(salt) for job in jobs]
    if cache_dir is not None:
        remove_stale_temporaries(cache_dir)  # what a killed run left half-written
    positions: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        positions.setdefault(key, []).append(i)
    cached, tasks = [], []
    for key, where in positions.items():
        entry = read_entry(cache_dir, key) if cache_dir is not None else None
        if entry is not None:
            cached.append((where, entry))
        else:
            job = jobs[where[0]]
            tasks.append(Task(tid=len(tasks), function=job.function, params=job.params, key=key))

    n_cached = sum(len(where) for where, _ in cached)
    bar = tqdm(total=len(jobs), initial=n_cached, desc=desc, unit="job", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    try:
        for where, entry in cached:
            for i in where:
                yield JobResult(index=i, job=jobs[i], key=keys[i], status="ok", result=entry["result"], error=None,
                                seconds=float(entry["seconds"]), cached=True, arrays=entry["arrays"],
                                worker=entry.get("worker", ""))
        if not tasks:
            return
        if scheduler is not None:
            outcomes = dask_cluster(tasks, scheduler, workers, retries)
        elif workers is None or workers == 1:
            outcomes = in_process(tasks)
        else:
            outcomes = process_pool(tasks, workers, retries)
        n_failed = 0
        try:
            for task, outcome in outcomes:
                first = jobs[positions[task.key][0]]
                if outcome["status"] == "ok" and cache_dir is not None:
                    write_entry(cache_dir, task.key, first, outcome)
                n_failed += outcome["status"] != "ok"
                for i in positions[task.key]:
                    yield JobResult(index=i, job=jobs[i], key=task.key, status=outcome["status"],
                                    result=outcome["result"], error=outcome["error"], seconds=float(outcome["seconds"]),
                                    cached=False, arrays=outcome["arrays"], worker=outcome["worker"],
                                    traceback=outcome.get("traceback"))
                bar.update(len(positions[task.key]))
                if n_failed:
                    bar.set_postfix_str(f"{n_failed} failed")
        finally:
            outcomes.close()
    finally:
        bar.close()


def run_jobs(jobs: Iterable[Job], *, workers: int | None = None, scheduler=None, cache_dir=None,
             salt: str | None = None, retries: int = DEFAULT_RETRIES, progress: bool = True,
             desc: str = "jobs") -> tuple[JobResult, ...]:
    """Run jobs (see :func:`iter_jobs`); the results in the order of ``jobs``.

    Examples
    --------
    >>> from fctheory.sweep import Job, JobKind, run_jobs
    >>> failed, = run_jobs([Job(JobKind("length", len), {})], progress=False)   # returns 0, not a dict
    >>> failed.status, failed.error
    ('failed', 'TypeError: a job function must return a dict or a JobOutput, not int')
    """
    jobs = list(jobs)
    out: list = [None] * len(jobs)
    for result in iter_jobs(jobs, workers=workers, scheduler=scheduler, cache_dir=cache_dir, salt=salt,
                            retries=retries, progress=progress, desc=desc):
        out[result.index] = result
    return tuple(out)
