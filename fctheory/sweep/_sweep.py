"""Run a grid through :func:`iter_jobs` into an output directory: ``results.jsonl`` and ``results.csv``
(one row per finished job, in grid order; the keys: docs/sweep.md), ``summary.json``, ``plot.png``
and ``cache/``."""

from __future__ import annotations

import csv
import io
import math
import os
import time
from dataclasses import dataclass
from fractions import Fraction

from .._io import (atomic_write_text, directory_lock, prepare_dir, dumps_json, new_figure, read_json, remove_stale_temporaries,
                   save_figure, write_json)
from ..errors import InvalidInput
from ._cache import code_fingerprint, read_entry
from ._grid import ROW_KEYS, Grid
from ._jobs import JobResult
from ._runner import DEFAULT_RETRIES, iter_jobs

__all__ = ["SweepRun", "SweepInterrupted", "run_grid", "result_row", "summary_table", "SUMMARY_KEYS", "ROW_KEYS"]
#: The keys of the ``--json`` summary (a contract; more may follow).
SUMMARY_KEYS = ("jobs", "ok", "failed", "cached", "seconds", "out")


@dataclass(frozen=True)
class SweepRun:
    """The outcome of :func:`run_grid`.

    Attributes
    ----------
    grid : Grid
    out_dir : str
    results : tuple of JobResult
        The finished jobs, in grid order (all of them unless ``interrupted``).
    rows : tuple of dict
        One results row per finished job (see the module docstring).
    jobs : int
        The number of jobs in the grid.
    seconds : float
        Wall-clock time of this run.
    interrupted : bool
    files : dict
        ``{"csv", "jsonl", "summary", "plot"}`` -> path (``plot``: None when none was drawn).
    plot_note : str
        Why no plot was drawn, when one was asked for.
    """

    grid: Grid
    out_dir: str
    results: tuple
    rows: tuple
    jobs: int
    seconds: float
    interrupted: bool
    files: dict
    plot_note: str = ""

    @property
    def ok(self) -> int:
        return sum(r.status == "ok" for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.status == "failed" for r in self.results)

    @property
    def cached(self) -> int:
        return sum(r.cached for r in self.results)

    def summary(self) -> dict:
        """The ``--json`` object: ``jobs, ok, failed, cached, seconds, out`` and more."""
        return {"jobs": self.jobs, "ok": self.ok, "failed": self.failed, "cached": self.cached,
                "seconds": self.seconds, "out": self.out_dir, "name": self.grid.name, "command": self.grid.command,
                "finished": len(self.results), "interrupted": self.interrupted, "files": dict(self.files),
                "plot_note": self.plot_note or None}

    def to_dict(self) -> dict:
        return {**self.summary(), "grid": self.grid.to_dict(), "rows": [dict(r) for r in self.rows]}


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_grid`; ``run`` holds what finished (already written and cached)."""

    def __init__(self, run: SweepRun):
        super().__init__("sweep interrupted")
        self.run = run


def result_row(result: JobResult) -> dict:
    """The results row of one finished job."""
    params = result.job.params
    row = dict(params)
    row.update(zip(ROW_KEYS, (result.status, result.error, result.seconds, result.cached)))
    for key, value in (result.result or {}).items():
        if key in row:
            if key in params and row[key] == value:
                continue
            key = f"result_{key}"
        row[key] = value
    return row


def csv_cell(value) -> str:
    """One CSV cell: "" for None, true/false, ``repr`` of a float (round-trips), JSON for containers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dict, list, tuple)):
        return dumps_json(value)
    return str(value)


def csv_text(rows, columns) -> str:
    """The CSV text of ``rows`` (dicts) under the header ``columns`` (missing keys: empty cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def _number(value):
    """A float for plotting, or None (booleans, fractions as strings "1/100" and decimals are numbers)."""
    try:
        number = float(Fraction(value.strip())) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _plot(grid: Grid, rows, out_dir: str) -> tuple[str | None, str]:
    spec = grid.plot
    groups: dict = {}
    for row in rows:
        if row["status"] != "ok":
            continue
        x, y = _number(row.get(spec.x)), _number(row.get(spec.y))
        if x is None or y is None:
            continue
        groups.setdefault(csv_cell(row.get(spec.by)) if spec.by else "", []).append((x, y))
    if not groups:
        return None, f"no finished row has numbers in both {spec.x!r} and {spec.y!r}"
    fig, ax = new_figure(figsize=(6, 4))
    for label, points in groups.items():
        points.sort()
        xs, ys = zip(*points)
        ax.plot(xs, ys, marker="o", linestyle="-" if len(points) > 1 else "none",
                label=f"{spec.by} = {label}" if spec.by else None)
    ax.set(xlabel=spec.x, ylabel=spec.y, title=f"{grid.name}: {grid.command}", xscale="log" if spec.logx else "linear",
           yscale="log" if spec.logy else "linear")
    if spec.by:
        ax.legend()
    ax.grid(True, alpha=0.3)
    return save_figure(fig, os.path.join(out_dir, "plot.png")), ""


def _finish(grid, out_dir, results, start, interrupted) -> SweepRun:
    results = tuple(sorted(results, key=lambda r: r.index))
    rows = tuple(result_row(r) for r in results)
    files = {key: os.path.join(out_dir, name) for key, name in (("csv", "results.csv"), ("jsonl", "results.jsonl"),
                                                                 ("summary", "summary.json"))}
    atomic_write_text(files["jsonl"], "".join(dumps_json(row) + "\n" for row in rows))
    atomic_write_text(files["csv"], csv_text(rows, list(dict.fromkeys(k for row in rows for k in row))))
    files["plot"], note = _plot(grid, rows, out_dir) if grid.plot is not None else (None, "")
    run = SweepRun(grid=grid, out_dir=out_dir, results=results, rows=rows, jobs=grid.size,
                   seconds=time.perf_counter() - start, interrupted=interrupted, files=files, plot_note=note)
    write_json(files["summary"], {**run.summary(), "grid": grid.to_dict()})
    return run


def run_grid(grid: Grid, out_dir=None, *, workers: int | None = None, scheduler=None, progress: bool = True,
             retries: int = DEFAULT_RETRIES, salt: str | None = None) -> SweepRun:
    """Run every job of a grid (reusing the cache) and write the results files.

    Parameters
    ----------
    grid : Grid
        From :func:`load_grid` / :func:`parse_grid`.
    out_dir : path, optional
        Default ``./fctheory-sweep-<name>``.
    workers, scheduler, retries, salt, progress
        As for :func:`run_jobs`.

    Raises
    ------
    SweepInterrupted
        On Ctrl-C, after writing the rows of the finished jobs (all cached,
        so the same call resumes).
    """
    if not isinstance(grid, Grid):
        raise InvalidInput("grid", "a fctheory.sweep.Grid (load_grid / parse_grid)", type(grid).__name__)
    start = time.perf_counter()
    out_dir = prepare_dir(out_dir if out_dir is not None else f"fctheory-sweep-{grid.name}")
    with directory_lock(out_dir, command="fctheory sweep"):
        _check_same_grid(grid, out_dir)
        remove_stale_temporaries(out_dir, depth=1)  # what a killed run left half-written
        jobs = grid.jobs()
        salt = code_fingerprint() if salt is None else str(salt)
        cache_dir = os.path.join(out_dir, "cache")
        results: list[JobResult] = []
        try:
            results.extend(iter_jobs(jobs, workers=workers, scheduler=scheduler, cache_dir=cache_dir, salt=salt,
                                     retries=retries, progress=progress, desc=f"sweep {grid.name}"))
        except KeyboardInterrupt:
            # jobs whose cache entry was written but whose result the interrupt kept from arriving here
            seen = {r.index for r in results}
            for i, job in enumerate(jobs):
                entry = None if i in seen else read_entry(cache_dir, job.cache_key(salt))
                if entry is not None:
                    results.append(JobResult.of(i, job, job.cache_key(salt), entry, cached=False))
            raise SweepInterrupted(_finish(grid, out_dir, results, start, interrupted=True)) from None
        return _finish(grid, out_dir, results, start, interrupted=False)


def _check_same_grid(grid: Grid, out_dir: str) -> None:
    """Refuse an ``out_dir`` whose summary.json belongs to a grid of another name: its results files
    would be replaced by this grid's (the same grid, edited, reuses its folder and cache)."""
    path = os.path.join(out_dir, "summary.json")
    try:
        previous = read_json(path, "out") if os.path.lexists(path) else None
    except InvalidInput:
        previous = None  # a damaged summary is rewritten
    name = previous.get("name") if isinstance(previous, dict) else None
    if isinstance(name, str) and name != grid.name:
        raise InvalidInput("out", f"a folder of grid {grid.name!r} (or a new one)", out_dir,
                           detail=f"it holds the results of grid {name[:60]!r}; choose another --out")


def summary_table(run: SweepRun, *, max_rows: int = 20) -> str:
    """A plain-text table of the first ``max_rows`` rows (varying parameters, status,
    the command's headline columns, seconds) and the errors of failed jobs."""
    grid = run.grid
    varying = list(dict.fromkeys([k for k, values in grid.axes if len(values) > 1]
                                 + [k for case in grid.cases for k in case]))
    columns = varying + ["status"] + [c for c in grid.kind.summary if c not in varying] + ["seconds", "cached"]
    def text(row, col):
        value = row.get(col)
        if isinstance(value, float):
            return f"{value:.6g}" if col != "seconds" else f"{value:.2f}"
        return csv_cell(value)

    cells = [[text(row, c) for c in columns] for row in run.rows[:max_rows]]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    if len(run.rows) > max_rows:
        lines.append(f"... {len(run.rows) - max_rows} more rows in {run.files['csv']}")
    failed = [row for row in run.rows if row["status"] == "failed"]
    for row in failed[:10]:
        label = ", ".join(f"{k}={csv_cell(row.get(k))}" for k in varying) or "job"
        lines.append(f"FAILED {label}: {row['error']}")
    if len(failed) > 10:
        lines.append(f"... {len(failed) - 10} more failed jobs in {run.files['jsonl']}")
    return "\n".join(line.rstrip() for line in lines) + "\n"

