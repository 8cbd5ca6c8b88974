"""Independent jobs on one machine or a Dask cluster, cached by content hash, resumable.

This package knows nothing of the theory: a job is a :class:`JobKind` (a name
and the function it runs) and a JSON dict of parameters.  The kinds are handed
in by the caller; the operations a grid file can name are
:func:`fctheory.registry.job_kinds`, never a function named in the file.

Backends (one API, the same results): this process (``workers=1``), ``N``
worker processes (``workers=N``), a Dask cluster (``scheduler="local"``
for a :class:`dask.distributed.LocalCluster`, ``"tcp://host:8786"``, or a
``Client``; ``pip install 'fctheory[distributed]'``).

run_jobs, iter_jobs      run jobs -> JobResult (ordered / as they finish), cache in cache_dir
Job, JobKind, JobOutput  a job; a kind of job (name + function); a result with arrays
load_grid, parse_grid    a grid file + the kinds it may name -> Grid (validated before anything runs)
run_grid                 a grid -> results.csv, results.jsonl, summary.json, plot.png (SweepRun)
"""

from ._backends import INSTALL_HINT, DistributedNotInstalled
from ._cache import code_fingerprint
from ._grid import MAX_JOBS, Grid, PlotSpec, load_grid, parse_grid
from ._jobs import Job, JobKind, JobOutput, JobResult, lookup_kind
from ._runner import DEFAULT_RETRIES, MAX_WORKERS, iter_jobs, run_jobs
from ._sweep import (ROW_KEYS, SUMMARY_KEYS, SweepInterrupted, SweepRun, csv_cell, csv_text, result_row, run_grid,
                     summary_table)

__all__ = ["DEFAULT_RETRIES", "MAX_WORKERS", "DistributedNotInstalled", "Grid", "INSTALL_HINT", "Job", "JobKind",
           "JobOutput", "JobResult", "MAX_JOBS", "PlotSpec", "ROW_KEYS", "SUMMARY_KEYS", "SweepInterrupted", "SweepRun",
           "code_fingerprint", "csv_cell", "csv_text", "iter_jobs", "load_grid", "lookup_kind", "parse_grid",
           "result_row", "run_grid", "run_jobs", "summary_table"]
