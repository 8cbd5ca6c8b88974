"""Validation: trained minima beside the closed forms, as a report.

API index
=========
validate            run a suite and write report.md, results.json and figures
load_suite          read a TOML suite (``validation/suites/<name>.toml`` or a file)
Suite, CaseSpec     a parsed suite and one of its cases
run_suite           run (case, seed) jobs through fctheory.sweep.run_jobs: cached, resumable, processes or Dask
ValidationRun       the records of a run; ``passed``
write_report        write report.md, results.json and figures of a run
"""

from __future__ import annotations

import os
import time

from ._runner import (CASE_JOB, MAX_CASE_BYTES, MAX_CASE_LOGITS, CaseCost, DirectoryInUse, ValidationRun, case_cost, check_costs, directory_lock,
                      format_seconds, load_weights_of, run_suite, suite_costs)
from ._suite import CaseSpec, Suite, load_suite, shipped_suites

__all__ = ["CASE_JOB", "CaseSpec", "Suite", "ValidationRun", "load_suite", "run_suite", "validate", "write_report", "shipped_suites",
           "CaseCost", "case_cost", "suite_costs", "check_costs", "MAX_CASE_LOGITS", "MAX_CASE_BYTES", "format_seconds", "directory_lock",
           "DirectoryInUse"]


def write_report(run: ValidationRun) -> dict:
    """Write ``report.md``, ``results.json`` and ``figures/`` into ``run.out_dir``.

    Returns the paths written (relative to ``run.out_dir``).
    """
    from ._figures import write_figures
    from ._writer import write_report_md, write_results_json

    start = time.perf_counter()
    finished = [rec for rec in run.records if rec.get("status", "ok") != "failed" and rec["kind"] != "reproduce"]
    figures = write_figures(run.out_dir, finished, lambda rec: load_weights_of(run.out_dir, rec))
    figure_seconds = time.perf_counter() - start
    write_results_json(run, os.path.join(run.out_dir, "results.json"))
    write_report_md(run, os.path.join(run.out_dir, "report.md"), figures, figure_seconds)
    return {"report": "report.md", "results": "results.json", "figures": figures}


def validate(suite="default", out="fctheory-report", *, jobs: int | None = None, scheduler=None,
             progress: bool = True, force: bool = False) -> ValidationRun:
    """Run a validation suite and write its report.

    Parameters
    ----------
    suite : str or Suite
        A suite name (``default``, ``extended``, ...), a ``.toml`` path, or a
        parsed :class:`Suite`.
    out : path
        Output directory (created); finished runs are cached in ``out/cache``.
    jobs : int, optional
        Worker processes (default 1: this process); with ``scheduler="local"`` the Dask workers.
    scheduler : str or distributed.Client, optional
        ``"local"`` (a Dask LocalCluster) or a scheduler address such as ``"tcp://host:8786"``
        (``pip install 'fctheory[distributed]'``); see :func:`fctheory.sweep.run_jobs`.
    progress : bool
        tqdm progress bar on stderr.
    force : bool
        Run cases above the size limit too (``MAX_CASE_LOGITS``; otherwise ProblemTooLarge before
        anything runs).

    Returns
    -------
    ValidationRun
        ``run.passed`` is False when any checked quantity is out of tolerance.
    """
    parsed = suite if isinstance(suite, Suite) else load_suite(suite)
    check_costs(parsed, force=force)  # before the directory is created
    with directory_lock(os.fspath(out), command="fctheory validate"):  # one writer per directory
        run = run_suite(parsed, out, jobs=jobs, scheduler=scheduler, progress=progress, force=force)
        write_report(run)
    return run
