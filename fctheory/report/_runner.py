"""Run a suite: expand cases over seeds, cache finished jobs by content hash.

A job's cache key is the SHA-256 of its full description (case, seed,
tolerances, precision) and of the fctheory source code, so a changed suite
entry or a changed library re-runs exactly the affected jobs.  Finished jobs
are written atomically to ``<out>/cache/<key>.json`` and ``<key>.npz``; an
interrupted run resumes from them.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InvalidInput
from ._cases import run_job
from ._files import atomic_write_json, atomic_write_npz
from ._suite import Suite

__all__ = ["ValidationRun", "run_suite", "code_fingerprint", "versions"]

CACHE_FORMAT = 1
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def code_fingerprint() -> str:
    """SHA-256 of every ``fctheory/**/*.py`` source file (sorted by path)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def versions() -> dict:
    """Versions of Python, fctheory and the numerical libraries."""
    import matplotlib
    import mpmath
    import scipy

    from .._version import __version__

    return {"fctheory": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "mpmath": mpmath.__version__, "matplotlib": matplotlib.__version__,
            "platform": platform.platform(), "cpus": os.cpu_count()}


@dataclass(frozen=True)
class ValidationRun:
    """The outcome of :func:`run_suite`.

    Attributes
    ----------
    suite : Suite
    out_dir : str
    records : tuple of dict
        One JSON-ready record per (case, seed), in suite order.
    cached : int
        How many records came from the cache.
    seconds : float
        Wall-clock time of this run (cached jobs cost ~0).
    versions : dict
    """

    suite: Suite
    out_dir: str
    records: tuple
    cached: int
    seconds: float
    versions: dict

    @property
    def passed(self) -> bool:
        return all(r["passed"] for r in self.records)

    def to_dict(self) -> dict:
        return {"suite": self.suite.to_dict(), "passed": self.passed, "cached": self.cached,
                "seconds": self.seconds, "versions": self.versions, "cases": list(self.records)}


def _jobs(suite: Suite) -> list[dict]:
    return [{"spec": spec, "seed": seed, "tolerance": suite.tolerance, "zero_tolerance": suite.zero_tolerance,
             "dps": suite.dps, "certify": bool(suite.certify and seed == spec.seeds[0])}
            for spec in suite.cases for seed in spec.seeds]


def _key(job: dict, fingerprint: str) -> str:
    desc = {"format": CACHE_FORMAT, "code": fingerprint, "spec": job["spec"].to_dict(), "seed": job["seed"],
            "tolerance": job["tolerance"], "zero_tolerance": job["zero_tolerance"], "dps": job["dps"],
            "certify": job["certify"]}
    return hashlib.sha256(json.dumps(desc, sort_keys=True).encode()).hexdigest()[:32]


def _execute(job: dict, cache_dir: str, key: str) -> dict:
    record, W, U = run_job(job)
    record["cache_key"] = key
    atomic_write_npz(os.path.join(cache_dir, f"{key}.npz"), W=W, U=U)
    atomic_write_json(os.path.join(cache_dir, f"{key}.json"), record)  # written last: marks the job done
    return record


def _load_cached(cache_dir: str, key: str) -> dict | None:
    path = os.path.join(cache_dir, f"{key}.json")
    if not (os.path.exists(path) and os.path.exists(os.path.join(cache_dir, f"{key}.npz"))):
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def load_weights_of(run_dir: str, record: dict) -> tuple[np.ndarray, np.ndarray]:
    """The trained weights of a record (from the run's cache)."""
    with np.load(os.path.join(run_dir, "cache", f"{record['cache_key']}.npz")) as data:
        return np.array(data["W"]), np.array(data["U"])


def run_suite(suite: Suite, out_dir, *, jobs: int = 1, progress: bool = True) -> ValidationRun:
    """Run every (case, seed) of a suite, reusing cached results.

    Parameters
    ----------
    suite : Suite
    out_dir : path
        Output directory; the cache lives in ``out_dir/cache``.
    jobs : int
        Worker processes (1 = run in this process).
    progress : bool
        Show a tqdm progress bar on stderr.
    """
    from tqdm import tqdm

    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= 256:
        raise InvalidInput("--jobs", "an integer in [1, 256]", jobs)
    start = time.perf_counter()
    out_dir = os.fspath(out_dir)
    cache_dir = os.path.join(out_dir, "cache")
    os.makedirs(cache_dir, exist_ok=True)
    fingerprint = code_fingerprint()
    work = _jobs(suite)
    keys = [_key(job, fingerprint) for job in work]
    records: list = [None] * len(work)
    for i, key in enumerate(keys):
        records[i] = _load_cached(cache_dir, key)
    cached = sum(r is not None for r in records)
    todo = [i for i, r in enumerate(records) if r is None]
    bar = tqdm(total=len(work), initial=cached, desc=f"validate {suite.name}", unit="case", file=sys.stderr,
               disable=not progress, dynamic_ncols=True)
    try:
        if jobs == 1 or len(todo) <= 1:
            for i in todo:
                bar.set_postfix_str(work[i]["spec"].name + f"/seed{work[i]['seed']}")
                records[i] = _execute(work[i], cache_dir, keys[i])
                bar.update(1)
        else:
            # Fresh (spawned) workers with one BLAS thread each: N processes x
            # several BLAS threads would oversubscribe the cores.  The variables
            # stay set while the pool starts its workers, then are restored.
            saved = {v: os.environ.get(v) for v in _THREAD_VARS}
            for v in _THREAD_VARS:
                os.environ.setdefault(v, "1")
            try:
                with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=get_context("spawn")) as pool:
                    futures = {pool.submit(_execute, work[i], cache_dir, keys[i]): i for i in todo}
                    try:
                        for fut in as_completed(futures):
                            i = futures[fut]
                            records[i] = fut.result()
                            bar.set_postfix_str(records[i]["name"])
                            bar.update(1)
                    except BaseException:
                        pool.shutdown(wait=False, cancel_futures=True)
                        raise
            finally:
                for v, value in saved.items():
                    if value is None:
                        os.environ.pop(v, None)
                    else:
                        os.environ[v] = value
    finally:
        bar.close()
    return ValidationRun(suite=suite, out_dir=out_dir, records=tuple(records), cached=cached,
                         seconds=time.perf_counter() - start, versions=versions())
