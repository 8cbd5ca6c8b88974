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
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import FctheoryError, InvalidInput, ProblemTooLarge
from ._cases import run_job
from ._files import atomic_write_json, atomic_write_npz
from ._suite import Suite

__all__ = ["ValidationRun", "run_suite", "code_fingerprint", "versions", "directory_lock", "DirectoryInUse",
           "CaseCost", "case_cost", "suite_costs", "check_costs", "MAX_CASE_LOGITS", "format_seconds"]

CACHE_FORMAT = 1


class DirectoryInUse(FctheoryError):
    """Another process holds the lock of a validation output directory."""
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


#: Largest number of (sentence, class) logit pairs per exact-risk evaluation, K * s_c**L * K, of a
#: case that ``validate`` runs without ``--force`` (the shipped suites' largest is the ternary Golay
#: code, 1.1e9; n_c=2, s_c=9, L=7 is 7.8e10, hours of training).
MAX_CASE_LOGITS = 2**32
#: The rate and the evaluation count of the time estimate: ~5e8 logits per second (one exact risk and
#: gradient, n_c=3 s_c=4 L=4, one BLAS thread, measured on the shared 2-core machine) and ~2000
#: evaluations per training run (L-BFGS and the Newton polish).  A rough figure, for a warning.
LOGITS_PER_SECOND = 5e8
EVALUATIONS_PER_RUN = 2000


@dataclass(frozen=True)
class CaseCost:
    """The size of one case, known before anything runs (the exact risk enumerates every sentence).

    Attributes
    ----------
    name : str
    runs : int
        Training runs (seeds).
    K : int
        Latent variables (``n_c**L``, or the code's size).
    sentences : int
        ``K * s_c**L`` sentences of the exact risk.
    logits : int
        ``K * s_c**L * K`` (sentence, class) pairs per evaluation.
    table_bytes : int
        The exact risk's score tables (float64): ``max(L n_w K, n_w**ceil(L/2) K)`` entries.
    seconds : float
        Estimated training time of every run: ``runs * EVALUATIONS_PER_RUN * logits / LOGITS_PER_SECOND``.
    """

    name: str
    runs: int
    K: int
    sentences: int
    logits: int
    table_bytes: int
    seconds: float

    @property
    def too_large(self) -> bool:
        return self.logits > MAX_CASE_LOGITS

    def to_dict(self) -> dict:
        return {"name": self.name, "runs": self.runs, "K": self.K, "sentences": self.sentences, "logits": self.logits,
                "table_bytes": self.table_bytes, "seconds": self.seconds, "too_large": self.too_large}


def case_cost(spec) -> CaseCost:
    """The :class:`CaseCost` of a :class:`CaseSpec`."""
    if spec.kind == "code":
        from ..latent import named_code

        K = named_code(spec.code).K
    else:
        K = spec.n_c**spec.L
    n_w = spec.n_c * spec.s_c
    sentences = K * spec.s_c**spec.L
    logits = sentences * K
    table = max(spec.L * n_w * K, n_w ** ((spec.L + 1) // 2) * K)
    runs = len(spec.seeds)
    return CaseCost(spec.name, runs, K, sentences, logits, 8 * table,
                    runs * EVALUATIONS_PER_RUN * logits / LOGITS_PER_SECOND)


def suite_costs(suite: Suite) -> list[CaseCost]:
    """Every case's :class:`CaseCost`, in suite order."""
    return [case_cost(spec) for spec in suite.cases]


def check_costs(suite: Suite, *, force: bool = False) -> list[CaseCost]:
    """The costs of ``suite``; raises ProblemTooLarge for the first case above :data:`MAX_CASE_LOGITS`
    unless ``force``."""
    costs = suite_costs(suite)
    for cost in costs:
        if cost.too_large and not force:
            raise ProblemTooLarge(f"case {cost.name!r} (K * s_c**L * K logits per exact-risk evaluation, "
                                  f"~{format_seconds(cost.seconds)} of training estimated)",
                                  f"{cost.logits:.3g}", f"{MAX_CASE_LOGITS:.3g}",
                                  "use smaller s_c, L or K, or --force to run it anyway "
                                  "(fctheory validate --dry-run lists every case's size)")
    return costs


def format_seconds(seconds: float) -> str:
    """``12 s``, ``3.5 min``, ``2.1 h``, ``4.0 days``."""
    if seconds < 120:
        return f"{seconds:.2g} s"
    if seconds < 7200:
        return f"{seconds / 60:.2g} min"
    if seconds < 172800:
        return f"{seconds / 3600:.2g} h"
    return f"{seconds / 86400:.2g} days"


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
    """The cached record of ``key``, or None (a miss) when the record or its weights are missing or
    unreadable: an empty or truncated file left by a crash is recomputed and overwritten."""
    path = os.path.join(cache_dir, f"{key}.json")
    weights = os.path.join(cache_dir, f"{key}.npz")
    if not (os.path.isfile(path) and os.path.isfile(weights)):
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
        with np.load(weights, allow_pickle=False) as data:
            if not {"W", "U"} <= set(data.files):
                return None
            data["W"], data["U"]  # noqa: B018 - reading the arrays checks the archive's members
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError):
        return None
    return record if isinstance(record, dict) and record.get("cache_key", key) == key else None


def load_weights_of(run_dir: str, record: dict) -> tuple[np.ndarray, np.ndarray]:
    """The trained weights of a record (from the run's cache)."""
    with np.load(os.path.join(run_dir, "cache", f"{record['cache_key']}.npz")) as data:
        return np.array(data["W"]), np.array(data["U"])


def run_suite(suite: Suite, out_dir, *, jobs: int = 1, progress: bool = True, force: bool = False) -> ValidationRun:
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
    force : bool
        Run cases above :data:`MAX_CASE_LOGITS` too (otherwise ProblemTooLarge before anything runs).
    """
    from tqdm import tqdm

    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= 256:
        raise InvalidInput("--jobs", "an integer in [1, 256]", jobs)
    check_costs(suite, force=force)
    start = time.perf_counter()
    out_dir = os.fspath(out_dir)
    cache_dir = os.path.join(out_dir, "cache")
    os.makedirs(cache_dir, exist_ok=True)
    with directory_lock(out_dir):
        return _run_locked(suite, out_dir, cache_dir, jobs, progress, start)


LOCK_NAME = ".fctheory-lock"
_HELD: set = set()


@contextmanager
def directory_lock(out_dir: str):
    """Hold an exclusive lock on ``out_dir`` (``fcntl.flock`` on ``out_dir/.fctheory-lock``, released
    when the block ends or the process exits): two runs never write one directory.

    Raises
    ------
    DirectoryInUse
        When another process holds it ("directory in use by pid N").
    """
    import fcntl

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, LOCK_NAME)
    real = os.path.realpath(path)
    if real in _HELD:  # re-entrant in this process (validate locks around run_suite and the report)
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            except OSError:  # pragma: no cover
                holder = "?"
            raise DirectoryInUse(f"--out {out_dir!r}: directory in use by pid {holder} (another fctheory validate "
                                 "writes it; wait for it or choose another --out)") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(real)
        try:
            yield
        finally:
            _HELD.discard(real)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _run_locked(suite: Suite, out_dir: str, cache_dir: str, jobs: int, progress: bool, start: float) -> ValidationRun:
    from tqdm import tqdm

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
