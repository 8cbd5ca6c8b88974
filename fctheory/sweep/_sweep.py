"""Run a grid: its jobs through :func:`iter_jobs`, one row per job in results.csv / results.jsonl.

Output directory (default ``./fctheory-sweep-<name>``)::

    results.jsonl   one JSON object per finished job, in grid order
    results.csv     the same rows (nested values as JSON text)
    summary.json    the counts, the grid, the files
    plot.png        [plot] y against x (when the grid asks for it)
    cache/          the content-hash cache (<key>.json, <key>.npz)

Each row holds the job's grid and fixed values, ``status`` (``ok`` /
``failed``), ``error`` (failed jobs), ``seconds``, ``cached`` and the command's
own JSON keys (a command key equal to a parameter name is dropped when the
values agree and is written as ``result_<key>`` otherwise).
"""

from __future__ import annotations

import csv
import io
import math
import os
import time
from dataclasses import dataclass
from fractions import Fraction

from .._io import (atomic_write_text, directory_lock, dumps_json, new_figure, read_json, remove_stale_temporaries,
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


def _columns(rows) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


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


def _write_tables(out_dir: str, rows) -> tuple[str, str]:
    jsonl = os.path.join(out_dir, "results.jsonl")
    atomic_write_text(jsonl, "".join(dumps_json(row) + "\n" for row in rows))
    path = os.path.join(out_dir, "results.csv")
    atomic_write_text(path, csv_text(rows, _columns(rows)))
    return path, jsonl


def _number(value):
    """A float for plotting, or None (booleans, fractions as strings "1/100" and decimals are numbers)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(float(value)) else None
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            return None
    return None


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
    ax.set_xlabel(spec.x)
    ax.set_ylabel(spec.y)
    if spec.logx:
        ax.set_xscale("log")
    if spec.logy:
        ax.set_yscale("log")
    if spec.by:
        ax.legend()
    ax.set_title(f"{grid.name}: {grid.command}")
    ax.grid(True, alpha=0.3)
    return save_figure(fig, os.path.join(out_dir, "plot.png")), ""


def _finish(grid, out_dir, results, start, interrupted) -> SweepRun:
    results = tuple(sorted(results, key=lambda r: r.index))
    rows = tuple(result_row(r) for r in results)
    csv_path, jsonl_path = _write_tables(out_dir, rows)
    plot_path, note = (None, "")
    if grid.plot is not None:
        plot_path, note = _plot(grid, rows, out_dir)
    files = {"csv": csv_path, "jsonl": jsonl_path, "summary": os.path.join(out_dir, "summary.json"),
             "plot": plot_path}
    run = SweepRun(grid=grid, out_dir=out_dir, results=results, rows=rows, jobs=grid.size,
                   seconds=time.perf_counter() - start, interrupted=interrupted, files=files, plot_note=note)
    summary = {**run.summary(), "grid": grid.to_dict()}
    write_json(files["summary"], summary)
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
    out_dir = os.fspath(out_dir) if out_dir is not None else f"fctheory-sweep-{grid.name}"
    allowed = "a directory, or a path where one can be created"
    if not out_dir.strip() or (os.path.exists(out_dir) and not os.path.isdir(out_dir)):
        raise InvalidInput("out", allowed, out_dir)
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise InvalidInput("out", allowed, out_dir, exc.strerror) from None
    with directory_lock(out_dir, command="fctheory sweep"):
        _check_same_grid(grid, out_dir)
        remove_stale_temporaries(out_dir, depth=1)  # what a killed run left half-written
        jobs = grid.jobs()
        salt = code_fingerprint() if salt is None else str(salt)
        cache_dir = os.path.join(out_dir, "cache")
        results: list[JobResult] = []
        try:
            for result in iter_jobs(jobs, workers=workers, scheduler=scheduler, cache_dir=cache_dir, salt=salt,
                                    retries=retries, progress=progress, desc=f"sweep {grid.name}"):
                results.append(result)
        except KeyboardInterrupt:
            results += _cached_since(jobs, results, cache_dir, salt)
            raise SweepInterrupted(_finish(grid, out_dir, results, start, interrupted=True)) from None
        return _finish(grid, out_dir, results, start, interrupted=False)


def _check_same_grid(grid: Grid, out_dir: str) -> None:
    """Refuse an ``out_dir`` whose summary.json belongs to a grid of another name: its results files
    would be replaced by this grid's (the same grid, edited, reuses its folder and cache)."""
    path = os.path.join(out_dir, "summary.json")
    if not os.path.lexists(path):
        return
    try:
        previous = read_json(path, "out")
    except InvalidInput:
        return  # a damaged summary is rewritten
    name = previous.get("name") if isinstance(previous, dict) else None
    if isinstance(name, str) and name != grid.name:
        raise InvalidInput("out", f"a folder of grid {grid.name!r} (or a new one)", out_dir,
                           detail=f"it holds the results of grid {name[:60]!r}; choose another --out")


def _cached_since(jobs, received, cache_dir: str, salt: str) -> list[JobResult]:
    """Jobs whose cache entry was written but whose result the interrupt kept from arriving here."""
    seen = {r.index for r in received}
    out = []
    for i, job in enumerate(jobs):
        if i in seen:
            continue
        key = job.cache_key(salt)
        entry = read_entry(cache_dir, key)
        if entry is not None:
            out.append(JobResult(index=i, job=job, key=key, status="ok", result=entry["result"], error=None,
                                 seconds=float(entry["seconds"]), cached=False, arrays=entry["arrays"],
                                 worker=entry.get("worker", "")))
    return out


def summary_table(run: SweepRun, *, max_rows: int = 20) -> str:
    """A plain-text table of the first ``max_rows`` rows (varying parameters, status,
    the command's headline columns, seconds) and the errors of failed jobs."""
    grid = run.grid
    kind = grid.kind
    varying = [k for k, values in grid.axes if len(values) > 1]
    for case in grid.cases:
        varying += [k for k in case if k not in varying]
    columns = varying + ["status"] + [c for c in kind.summary if c not in varying] + ["seconds", "cached"]
    shown = list(run.rows[:max_rows])

    def text(row, col):
        value = row.get(col)
        if isinstance(value, float):
            return f"{value:.6g}" if col != "seconds" else f"{value:.2f}"
        return csv_cell(value)

    cells = [[text(row, c) for c in columns] for row in shown]
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

