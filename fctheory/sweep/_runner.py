"""Run independent jobs on one of three backends, reusing and filling the cache (examples: docs/sweep.md)."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterable, Iterator

from .._io import remove_stale_temporaries
from .._validate import require_int, require_real
from ..errors import InvalidInput
from ._backends import dask_cluster, import_distributed, in_process, process_pool
from ._cache import code_fingerprint, read_entry, write_entry
from ._jobs import Job, JobResult

__all__ = ["iter_jobs", "run_jobs", "MAX_WORKERS", "DEFAULT_RETRIES"]

MAX_WORKERS = 1024
#: How many more times a job whose worker died is run.
DEFAULT_RETRIES = 2


def _check_backend(workers, scheduler) -> tuple:
    """``(workers, scheduler)`` checked (``--jobs`` goes with this machine's processes or a local cluster)."""
    if isinstance(scheduler, str):
        if scheduler.strip() != "local" and ":" not in scheduler:
            raise InvalidInput("--scheduler", "'local' or a scheduler address such as tcp://host:8786", scheduler)
        scheduler = scheduler.strip()
    elif scheduler is not None and not callable(getattr(scheduler, "submit", None)):  # not a distributed.Client
        raise InvalidInput("--scheduler", "'local', an address such as tcp://host:8786, or a distributed.Client",
                           type(scheduler).__name__)
    if workers is not None:
        workers = require_int("--jobs", workers, lo=1, hi=MAX_WORKERS)
        if scheduler is not None and scheduler != "local":
            whose = "a remote --scheduler" if isinstance(scheduler, str) else "a Dask Client"
            raise InvalidInput("--jobs", f"omitted with {whose} (the cluster's workers run the jobs)", workers)
    return workers, scheduler


def iter_jobs(jobs: Iterable[Job], *, workers: int | None = None, scheduler=None, cache_dir=None,
              salt: str | None = None, retries: int = DEFAULT_RETRIES, progress: bool = True,
              desc: str = "jobs", costs=None) -> Iterator[JobResult]:
    """Run jobs and yield each :class:`JobResult` as it finishes (cached ones first).

    Parameters
    ----------
    jobs : iterable of Job
        Identical jobs (same kind and parameters) run once; each position still gets its result.
    workers : int, optional
        Without ``scheduler``: ``1`` (default) runs in this process, ``N > 1`` on ``N`` worker
        processes with one BLAS thread each.  With ``scheduler="local"``: the number of Dask
        workers (default: the CPU count).
    scheduler : str or distributed.Client, optional
        ``"local"`` (a :class:`dask.distributed.LocalCluster` started here), a scheduler address
        (``"tcp://host:8786"``), or a Client.  Needs the ``distributed`` extra.
    cache_dir : path, optional
        The content-hash cache: finished jobs found there are not run again; new successes are
        written there (atomically, by this process).  Failed jobs are not cached.
    salt : str, optional
        Mixed into every cache key; default: :func:`code_fingerprint` (a changed fctheory re-runs
        every job).
    retries : int
        More attempts for a job whose worker process died (default 2).
    progress : bool
        A tqdm bar on stderr.
    desc : str
        The bar's label.
    costs : sequence of float, optional
        Each job's estimated seconds (the operations' cost model): the bar then advances by them,
        so its estimate of the time left weighs a one-hour job above a one-second one (the job count
        is shown beside it).

    Yields
    ------
    JobResult

    Notes
    -----
    Interrupting (Ctrl-C) stops the workers; every result received before it is already in the
    cache, so running the same jobs again resumes.
    """
    workers, scheduler = _check_backend(workers, scheduler)
    if scheduler is not None:
        import_distributed()  # says what to install, before anything else happens
    retries = require_int("retries", retries, lo=0, hi=100)
    jobs = list(jobs)
    for i, job in enumerate(jobs):
        if not isinstance(job, Job):
            raise InvalidInput(f"jobs[{i}]", "a fctheory.sweep.Job", type(job).__name__)
    salt = code_fingerprint() if salt is None else str(salt)
    cache_dir = None if cache_dir is None else str(cache_dir)
    if costs is not None:
        costs = list(costs)
        if len(costs) != len(jobs):
            raise InvalidInput("costs", f"one estimate per job ({len(jobs)})", len(costs))
        costs = [require_real(f"costs[{i}]", c, lo=0) for i, c in enumerate(costs)]
        costs = costs if sum(costs) > 0 else None
    # checked here, run lazily: a bad argument raises at the call, not at the first next()
    return _iterate(jobs, workers, scheduler, cache_dir, salt, retries, progress, desc, costs)


def _bar(total_jobs: int, costs, cached: list[int], desc: str, progress: bool):
    """The tqdm bar: counts jobs, or with ``costs`` their estimated seconds (the job count as postfix)."""
    from tqdm import tqdm

    if costs is None:
        return tqdm(total=total_jobs, initial=len(cached), desc=desc, unit="job", file=sys.stderr,
                    disable=not progress, dynamic_ncols=True)
    return tqdm(total=sum(costs), initial=sum(costs[i] for i in cached), desc=desc,
                unit="est.s", file=sys.stderr, disable=not progress, dynamic_ncols=True,
                bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} estimated s [{elapsed}<{remaining}{postfix}]")


def _iterate(jobs, workers, scheduler, cache_dir, salt, retries, progress, desc, costs=None):
    if cache_dir is not None:
        remove_stale_temporaries(cache_dir)  # what a killed run left half-written
    positions: dict[str, list[int]] = {}
    for i, job in enumerate(jobs):
        positions.setdefault(job.cache_key(salt), []).append(i)
    entries = {key: read_entry(cache_dir, key) if cache_dir is not None else None for key in positions}
    tasks = [(key, jobs[where[0]]) for key, where in positions.items() if entries[key] is None]
    cached = [i for key, where in positions.items() if entries[key] is not None for i in where]
    done = len(cached)
    with _bar(len(jobs), costs, cached, desc, progress) as bar:
        for key, entry in entries.items():
            yield from (JobResult.of(i, jobs[i], key, entry, cached=True) for i in positions[key] if entry)
        if not tasks:
            return
        if scheduler is not None:
            outcomes = dask_cluster(tasks, scheduler, workers, retries)
        else:
            outcomes = in_process(tasks) if (workers or 1) == 1 else process_pool(tasks, workers, retries)
        n_failed = 0
        with contextlib.closing(outcomes):
            for (key, job), outcome in outcomes:
                if outcome["status"] == "ok" and cache_dir is not None:
                    write_entry(cache_dir, key, job, outcome)
                n_failed += outcome["status"] != "ok"
                yield from (JobResult.of(i, jobs[i], key, outcome, cached=False) for i in positions[key])
                done += len(positions[key])
                bar.update(len(positions[key]) if costs is None else sum(costs[i] for i in positions[key]))
                counts = ([f"{done}/{len(jobs)} jobs"] if costs is not None else []) + (
                    [f"{n_failed} failed"] if n_failed else [])
                if counts:
                    bar.set_postfix_str(", ".join(counts))


def run_jobs(jobs: Iterable[Job], *, workers: int | None = None, scheduler=None, cache_dir=None,
             salt: str | None = None, retries: int = DEFAULT_RETRIES, progress: bool = True,
             desc: str = "jobs", costs=None) -> tuple[JobResult, ...]:
    """Run jobs (see :func:`iter_jobs`); the results in the order of ``jobs``."""
    results = iter_jobs(jobs, workers=workers, scheduler=scheduler, cache_dir=cache_dir, salt=salt, retries=retries,
                        progress=progress, desc=desc, costs=costs)
    return tuple(sorted(results, key=lambda r: r.index))
