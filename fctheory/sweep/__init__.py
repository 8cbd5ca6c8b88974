"""Independent jobs on one machine or a Dask cluster, cached by content hash, resumable.

This package knows nothing of the theory: a job is a registered job kind (a
name bound to a ``"module:function"`` target) and a JSON dict of parameters;
the commands a grid file can name are registered by
:mod:`fctheory.sweep_commands`.

Backends (one API, the same results): this process (``workers=1``), ``N``
worker processes (``workers=N``), a Dask cluster (``scheduler="local"``
for a :class:`dask.distributed.LocalCluster`, ``"tcp://host:8786"``, or a
``Client``; ``pip install 'fctheory[distributed]'``).

run_jobs, iter_jobs      run jobs -> JobResult (ordered / as they finish), cache in cache_dir
Job, JobKind, JobOutput  a job; a kind of job (register_job_kind); a result with arrays
load_grid, parse_grid    a grid file -> Grid (validated before anything runs)
run_grid                 a grid -> results.csv, results.jsonl, summary.json, plot.png (SweepRun)
"""

from ._backends import DistributedNotInstalled, INSTALL_HINT
from ._cache import code_fingerprint
from ._execute import JobOutput
from ._grid import MAX_JOBS, Grid, PlotSpec, load_grid, parse_grid
from ._jobs import Job, JobKind, JobResult, job_kind, job_kinds, kind_for, register_job_kind, resolve_target
from ._runner import DEFAULT_RETRIES, iter_jobs, run_jobs
from ._sweep import ROW_KEYS, SUMMARY_KEYS, SweepInterrupted, SweepRun, csv_cell, csv_text, result_row, run_grid, summary_table

__all__ = [
    "DEFAULT_RETRIES", "DistributedNotInstalled", "Grid", "INSTALL_HINT", "Job", "JobKind", "JobOutput", "JobResult",
    "MAX_JOBS", "PlotSpec", "ROW_KEYS", "SUMMARY_KEYS", "SweepInterrupted", "SweepRun", "code_fingerprint", "csv_cell", "csv_text",
    "iter_jobs", "job_kind", "job_kinds", "kind_for", "load_grid", "parse_grid", "register_job_kind", "resolve_target",
    "result_row", "run_grid", "run_jobs", "summary_table",
]
