"""Run a suite: expand cases over seeds, run them through :func:`fctheory.sweep.run_jobs`.

Each (case, seed) is one job of :func:`run_case_job` whose parameters are
plain data (the case as ``CaseSpec.to_dict()``, the seed, tolerances,
precision), so it runs in this process, on local worker processes or on a
Dask cluster alike.  Its cache key is the SHA-256 of those parameters and of
the fctheory source code (:func:`fctheory.sweep.code_fingerprint`): a changed
suite entry or a changed library re-runs exactly the affected jobs.  The
receiving process writes ``<out>/cache/<key>.npz`` (W, U) and ``<key>.json``
atomically; an interrupted run resumes from them, and an unreadable entry is a
miss.  A job that raises is recorded as failed with its error; the others go on.
"""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass

import numpy as np

from .._validate import require_optional_int
from .._io import DirectoryInUse, directory_lock, load_npz, remove_stale_temporaries
from ..errors import InvalidInput, ProblemTooLarge
from ..operations import RUN_SECONDS, SECONDS_PER_LOGIT, format_seconds, reproduce_seconds
from ..sweep import MAX_WORKERS, code_fingerprint
from ._cases import record_head, run_job
from ._suite import CaseSpec, Suite

__all__ = ["ValidationRun", "run_suite", "code_fingerprint", "versions", "directory_lock", "DirectoryInUse",
           "CaseCost", "case_cost", "suite_costs", "check_costs", "MAX_CASE_LOGITS", "MAX_CASE_BYTES", "format_seconds", "run_case_job",
           "load_weights_of"]

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
#: Largest memory estimate (:attr:`CaseCost.memory_bytes`) of a case that ``validate`` runs without
#: ``--force``: the weights and the d x d matrices of the equiangular frame's rotation (the shipped
#: suites' largest is a few MiB; d = 5e6 would need ~6e14 bytes).
MAX_CASE_BYTES = 2**32


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
        Estimated training time of every run: ``runs * (RUN_SECONDS + SECONDS_PER_LOGIT * logits)`` (fctheory.operations' cost model).
    memory_bytes : int
        Float64 weights and frame of one run: ``8 (d n_w + K L d + 3 d^2)`` (W, U, and the identity,
        the Haar rotation and their product that :func:`fctheory.configurations.equiangular_frame` builds).
    """

    name: str
    runs: int
    K: int
    sentences: int
    logits: int
    table_bytes: int
    seconds: float
    memory_bytes: int = 0

    @property
    def too_large(self) -> bool:
        return self.logits > MAX_CASE_LOGITS or self.memory_bytes > MAX_CASE_BYTES

    def to_dict(self) -> dict:
        return {"name": self.name, "runs": self.runs, "K": self.K, "sentences": self.sentences, "logits": self.logits,
                "table_bytes": self.table_bytes, "seconds": self.seconds, "memory_bytes": self.memory_bytes,
                "too_large": self.too_large}


def _reproduce_cost(spec) -> CaseCost:
    """A reproduction samples ``n_spl`` training sentences per class (eq. 3) instead of enumerating:
    ``sentences = n_spl K``, ``logits = n_spl K^2`` per pass over them, ``table_bytes`` the sampled
    word indices (int64), the float64 weights ``d n_w + K L d``; the time is the experiment's measured
    cost (:func:`fctheory.operations.reproduce_seconds`)."""
    from ..reproduce import experiment, experiment_setting

    exp = experiment(spec.experiment)
    s = experiment_setting(exp, quick=spec.quick)
    n_spl = spec.n_spl or (exp.quick.n_spl if spec.quick else exp.n_spl)
    runs, sentences = len(spec.seeds), n_spl * s.K
    return CaseCost(spec.name, runs, s.K, sentences, sentences * s.K, 8 * sentences * s.L,
                    runs * reproduce_seconds(spec.experiment, spec.optimizer, quick=spec.quick),
                    8 * (s.d * s.n_w + s.K * s.L * s.d))


def case_cost(spec) -> CaseCost:
    """The :class:`CaseCost` of a :class:`CaseSpec`."""
    if spec.kind == "reproduce":
        return _reproduce_cost(spec)
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
    d = spec.d or 0
    memory = 8 * (d * n_w + K * spec.L * d + 3 * d * d)
    return CaseCost(spec.name, runs, K, sentences, logits, 8 * table,
                    runs * (RUN_SECONDS + SECONDS_PER_LOGIT * logits), memory)


def suite_costs(suite: Suite) -> list[CaseCost]:
    """Every case's :class:`CaseCost`, in suite order."""
    return [case_cost(spec) for spec in suite.cases]


def check_costs(suite: Suite, *, force: bool = False) -> list[CaseCost]:
    """The costs of ``suite``; raises ProblemTooLarge for the first case above :data:`MAX_CASE_LOGITS`
    unless ``force``."""
    costs = suite_costs(suite)
    for cost in costs:
        if cost.memory_bytes > MAX_CASE_BYTES and not force:
            raise ProblemTooLarge(f"case {cost.name!r} (float64 weights and the d x d frame rotation, bytes)",
                                  f"{cost.memory_bytes:.3g}", f"{MAX_CASE_BYTES:.3g}",
                                  "use a smaller d, or --force to run it anyway "
                                  "(fctheory validate --dry-run lists every case's size)")
        if cost.too_large and not force:
            raise ProblemTooLarge(f"case {cost.name!r} (K * s_c**L * K logits per exact-risk evaluation, "
                                  f"~{format_seconds(cost.seconds)} of training estimated)",
                                  f"{cost.logits:.3g}", f"{MAX_CASE_LOGITS:.3g}",
                                  "use smaller s_c, L or K, or --force to run it anyway "
                                  "(fctheory validate --dry-run lists every case's size)")
    return costs


def _job_params(suite: Suite, out_dir: str | None = None) -> list[dict]:
    """The plain-data parameters of every (case, seed) job, in suite order (the job's cache key).
    A ``reproduce`` case also gets ``files_dir``, where its figures go (``out/reproduce/<case>-seedS``)."""
    out = []
    for spec in suite.cases:
        for seed in spec.seeds:
            params = {"spec": spec.to_dict(), "seed": seed, "tolerance": suite.tolerance,
                      "zero_tolerance": suite.zero_tolerance, "dps": suite.dps,
                      "certify": bool(suite.certify and seed == spec.seeds[0])}
            if spec.kind == "reproduce" and out_dir is not None:
                params["files_dir"] = os.path.abspath(os.path.join(out_dir, "reproduce", f"{spec.name}-seed{seed}"))
            out.append(params)
    return out


def _spec_from_dict(data: dict) -> CaseSpec:
    fields = dict(data)
    fields["seeds"] = tuple(fields["seeds"])
    if isinstance(fields["mu"], list):
        fields["mu"] = tuple(fields["mu"])
    return CaseSpec(**fields)


def run_case_job(params: dict):
    """The job function of one (case, seed): rebuild the :class:`CaseSpec` from its plain
    parameters (:func:`_job_params`), run it (:func:`~fctheory.report._cases.run_job`) and
    return the record with the trained weights W, U (stored as the cache entry's ``.npz``)."""
    from ..sweep import JobOutput

    job = dict(params, spec=_spec_from_dict(params["spec"]))
    record, W, U = run_job(job)
    return JobOutput(record, {"W": W, "U": U})


def _case_job_kind():
    from ..sweep import JobKind

    return JobKind(name="validation case", function=run_case_job, keys=("spec", "seed", "tolerance", "zero_tolerance",
                                                                         "dps", "certify", "files_dir"),
                   required=("spec",), summary=("passed",),
                   description="one (case, seed) of a validation suite: train, measure, compare with the closed forms")


#: The job kind of one (case, seed) of a suite (in :mod:`fctheory.registry` as ``"validation case"``).
CASE_JOB = _case_job_kind()


def _failed_record(spec: dict, seed: int, error: str) -> dict:
    """The record of a job that raised: no checks, ``passed`` False, the error."""
    return {**record_head(spec, seed), "status": "failed", "error": error, "passed": False, "checks": [],
            "training": None, "cache_key": None}


def load_weights_of(run_dir: str, record: dict) -> tuple[np.ndarray, np.ndarray]:
    """The trained weights of a record (from the run's cache)."""
    data = load_npz(os.path.join(run_dir, "cache", f"{record['cache_key']}.npz"), f"the weights of {record['name']}",
                    names=("W", "U"), allowed="a cache entry with arrays W and U (run fctheory validate again)")
    if "W" not in data or "U" not in data:
        raise InvalidInput(f"the weights of {record['name']}", "a cache entry with arrays W and U "
                           "(run fctheory validate again)", record["cache_key"])
    return data["W"], data["U"]


def run_suite(suite: Suite, out_dir, *, jobs: int | None = None, scheduler=None, progress: bool = True,
              force: bool = False) -> ValidationRun:
    """Run every (case, seed) of a suite, reusing cached results.

    Parameters
    ----------
    suite : Suite
    out_dir : path
        Output directory; the cache lives in ``out_dir/cache``.
    jobs : int, optional
        Worker processes (default: 1, in this process); with ``scheduler="local"`` the number
        of Dask workers (default: one per CPU); omitted with a scheduler address.
    scheduler : str or distributed.Client, optional
        Run the jobs on Dask (``"local"``: a LocalCluster started here; ``"tcp://host:8786"``: a
        running cluster), through :func:`fctheory.sweep.run_jobs`.
    progress : bool
        Show a tqdm progress bar on stderr.
    force : bool
        Run cases above :data:`MAX_CASE_LOGITS` too (otherwise ProblemTooLarge before anything runs).
    """
    require_optional_int("--jobs", jobs, lo=1, hi=MAX_WORKERS)  # before the folder is created
    costs = check_costs(suite, force=force)
    start = time.perf_counter()
    out_dir = os.fspath(out_dir)
    cache_dir = os.path.join(out_dir, "cache")
    os.makedirs(cache_dir, exist_ok=True)
    with directory_lock(out_dir, command="fctheory validate"):
        remove_stale_temporaries(out_dir, depth=2)  # what a killed run left half-written
        return _run_locked(suite, out_dir, cache_dir, jobs, scheduler, progress, start, costs)


def _run_locked(suite: Suite, out_dir: str, cache_dir: str, jobs: int, scheduler, progress: bool,
                start: float, costs: list) -> ValidationRun:
    from ..sweep import Job, run_jobs

    params = _job_params(suite, out_dir)
    work = [Job(CASE_JOB, p) for p in params]
    salt = code_fingerprint()
    per_run = {c.name: c.seconds / c.runs for c in costs}  # the bar advances by estimated seconds
    results = run_jobs(work, workers=jobs, scheduler=scheduler, cache_dir=cache_dir, salt=salt, progress=progress,
                       desc=f"validate {suite.name}", costs=[per_run[p["spec"]["name"]] for p in params])
    records = []
    for p, r in zip(params, results):
        if r.ok:
            records.append(dict(r.result, cache_key=r.key))
        else:
            records.append(_failed_record(p["spec"], p["seed"], r.error))
    cached = sum(r.cached for r in results)
    return ValidationRun(suite=suite, out_dir=out_dir, records=tuple(records), cached=cached,
                         seconds=time.perf_counter() - start, versions=versions())
