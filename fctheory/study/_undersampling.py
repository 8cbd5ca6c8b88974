"""The under-sampling study (docs/undersampling.md): both grids, their results tables, figures and summary.json.

Each study is a grid file shipped in ``fctheory/study/grids/`` (jobs :func:`fctheory.study.symmetry_job`,
:func:`fctheory.study.samples_job`) run by :func:`fctheory.sweep.run_grid`: in this process, on local
worker processes or on a Dask cluster, cached by content hash and resumable.

Output directory ``out`` (default ``./fctheory-study/undersampling``)::

    results-symmetry.csv   one row per job, columns SYMMETRY_COLUMNS
    results-samples.csv    one row per job, columns SAMPLES_COLUMNS
    symmetry-*.png, samples-*.png   the studies' figures
    summary.json           counts, wall times, grid files and each study's fitted relationships
    symmetry/, samples/    the sweeps' own files (results.jsonl, summary.json, cache/)
"""

from __future__ import annotations

import csv
import io
import os
import time
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from .._io import atomic_write_text, prepare_dir, read_json, read_text, remove_stale_temporaries, write_json
from .._validate import require_one_of
from .._version import __version__
from ..errors import InvalidInput
from ..sweep import ROW_KEYS, csv_text, load_grid, run_grid
from . import _figures, _summary
from ._summary import finished, number
from ._samples import SAMPLES_COLUMNS, SAMPLES_JOB
from ._symmetry import SYMMETRY_COLUMNS, SYMMETRY_JOB

__all__ = ["STUDIES", "DEFAULT_OUT", "UndersamplingRun", "StudyRun", "grid_path", "run_undersampling",
           "summarize_results", "read_results"]

#: The two studies, in the order they run.
STUDIES = ("symmetry", "samples")
DEFAULT_OUT = os.path.join("fctheory-study", "undersampling")


def grid_path(study: str, *, quick: bool = False):
    """The packaged grid file of ``study`` (one of :data:`STUDIES`; ``quick``: its ``-quick`` variant), an
    :mod:`importlib.resources` traversable (a path when installed from a directory or wheel)."""
    require_one_of("study", study, STUDIES)
    return resources.files("fctheory.study").joinpath("grids", f"{study}{'-quick' if quick else ''}.toml")


@dataclass(frozen=True)
class StudyRun:
    """One study's sweep: counts, wall time and the files written.

    ``seconds`` is the sweep's wall-clock time (None when only redrawn from its CSV); ``job_seconds`` the sum
    of the jobs' own run times on their workers (the rows' ``seconds``: the first run's, for cached jobs too;
    None for a CSV without that column).
    """

    study: str
    grid_file: str
    jobs: int
    ok: int
    failed: int
    cached: int
    seconds: float | None
    job_seconds: float | None
    files: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class UndersamplingRun:
    """The outcome of :func:`run_undersampling`: the output folder, the studies' :class:`StudyRun`, what
    ``summary.json`` holds and the wall-clock seconds of the whole call."""

    out_dir: str
    quick: bool
    studies: tuple
    summary: dict
    seconds: float

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.studies)

    def to_dict(self) -> dict:
        return {"out": self.out_dir, "quick": self.quick, "seconds": self.seconds,
                "studies": [s.to_dict() for s in self.studies], "summary": self.summary}


def _check_studies(studies) -> tuple:
    studies = (studies,) if isinstance(studies, str) else tuple(studies)
    if not studies or any(s not in STUDIES for s in studies) or len(set(studies)) != len(studies):
        raise InvalidInput("studies", "distinct names among " + ", ".join(STUDIES), ", ".join(map(str, studies)))
    return tuple(s for s in STUDIES if s in studies)


def _parse_cell(text: str):
    """A CSV cell back to JSON data (:func:`fctheory.sweep.csv_cell` inverted): "" -> None, true/false, integers,
    floats, else the string."""
    if text in ("", "true", "false"):
        return None if text == "" else text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_results(path) -> list[dict]:
    """The rows of a results CSV written by :func:`run_undersampling` (cells parsed back to numbers, bools, None).

    Raises
    ------
    InvalidInput
        Naming the file: not a regular file, above 64 MiB, not UTF-8, or not CSV.
    """
    text = read_text(path, "results CSV", allowed="a results CSV of fctheory study undersampling")
    try:
        return [{k: _parse_cell(v) for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
                for row in csv.DictReader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise InvalidInput("results CSV", "a results CSV of fctheory study undersampling", os.fspath(path),
                           detail=f"it is not CSV ({exc})") from None


def _summary_of(path: Path, field: str):
    """A summary.json as a dict, or None when absent, unreadable or not an object."""
    try:
        data = read_json(path, field) if path.is_file() else None
    except InvalidInput:
        return None
    return data if isinstance(data, dict) else None


def _study_run(out: Path, study: str, quick: bool, rows, seconds, *, write_csv: bool = True) -> tuple:
    """Write one study's results CSV (unless only redrawn) and figures: its :class:`StudyRun` and summary."""
    columns, figures, summary = {
        "symmetry": (SYMMETRY_COLUMNS, _figures.symmetry_figures, _summary.symmetry_summary),
        "samples": (SAMPLES_COLUMNS, _figures.samples_figures, _summary.samples_summary)}[study]
    csv_path = out / f"results-{study}.csv"
    if write_csv:  # the sweep's own row keys (status, error, seconds, cached) when the study's columns lack them
        atomic_write_text(csv_path, csv_text(rows, tuple(columns) + tuple(k for k in ROW_KEYS if k not in columns)))
    pngs = [os.fspath(p) for p in figures(list(rows), out)] if finished(rows, "risk") else []  # none from nothing
    times = [r["seconds"] for r in rows if isinstance(r.get("seconds"), (int, float))]  # None: a CSV from elsewhere
    run = StudyRun(study, f"fctheory/study/grids/{study}{'-quick' if quick else ''}.toml", len(rows),
                   sum(r.get("status", "ok") == "ok" for r in rows),  # a CSV without status holds finished jobs only
                   sum(r.get("status") == "failed" for r in rows), sum(bool(r.get("cached")) for r in rows),
                   seconds, float(sum(times)) if times else None, {"csv": os.fspath(csv_path), "figures": pngs})
    return run, summary(list(rows))


def _write_summary(out: Path, quick: bool, runs, seconds) -> dict:
    summary = {"command": "fctheory study undersampling" + (" --quick" if quick else ""),
               "fctheory_version": __version__, "quick": quick, "seconds": seconds,
               "studies": {r.study: {**r.to_dict(), "summary": part} for r, part in runs}}
    write_json(out / "summary.json", summary)
    return summary


def run_undersampling(out=DEFAULT_OUT, *, quick: bool = False, workers: int | None = None, scheduler=None,
                      progress: bool = True, studies=STUDIES) -> UndersamplingRun:
    """Run the under-sampling study's grids and write its tables, figures and summary.json.

    Parameters
    ----------
    out : path
        Output folder (created; an existing file is refused).
    quick : bool
        The ``-quick`` grids (a small setting each; 22 s in all on a 2-core machine).
    workers, scheduler : optional
        As for :func:`fctheory.sweep.run_grid`: N local worker processes; a Dask address, ``"local"`` or a Client.
    progress : bool
        Progress bars on stderr (one per study).
    studies : sequence of str
        A subset of :data:`STUDIES` (default both).

    Returns
    -------
    UndersamplingRun

    Raises
    ------
    fctheory.sweep.SweepInterrupted
        On Ctrl-C: the finished jobs are cached under ``out``, so the same call resumes.
    """
    start = time.perf_counter()
    out = Path(prepare_dir(out))
    remove_stale_temporaries(out)  # what a killed run left half-written (run_grid cleans each study's folder)
    studies = _check_studies(studies)
    kinds = {k.name: k for k in (SYMMETRY_JOB, SAMPLES_JOB)}
    grids = {s: load_grid(os.fspath(grid_path(s, quick=quick)), kinds) for s in studies}  # every grid checked first
    runs = []
    for s in studies:
        sweep = run_grid(grids[s], out / s, workers=workers, scheduler=scheduler, progress=progress)
        runs.append(_study_run(out, s, quick, sweep.rows, sweep.seconds))
    seconds = time.perf_counter() - start
    summary = _write_summary(out, quick, runs, seconds)
    return UndersamplingRun(os.fspath(out), quick, tuple(run for run, _ in runs), summary, seconds)


def summarize_results(out, *, quick: bool = False, studies=STUDIES) -> dict:
    """Redraw the figures and rewrite summary.json from the results CSVs already in ``out`` (no job runs;
    the CSVs are read, not rewritten).

    The wall time of the run that wrote each CSV is taken from the ``<out>/<study>/summary.json`` of its
    sweep when present, else kept from the ``summary.json`` already in ``out`` when that gave the study the
    same number of jobs, else null.
    """
    out = Path(prepare_dir(out))
    studies = _check_studies(studies)
    previous = (_summary_of(out / "summary.json", "summary.json") or {}).get("studies", {})
    tables = {}
    for s in studies:  # every CSV checked before anything is drawn
        path = out / f"results-{s}.csv"
        if not path.is_file():
            raise InvalidInput("out", f"a folder holding results-{s}.csv (from fctheory study undersampling)",
                               os.fspath(out))
        rows = read_results(path)
        if not finished(rows, "risk"):
            raise InvalidInput("out", f"a folder whose results-{s}.csv holds finished jobs", os.fspath(out),
                               detail=f"results-{s}.csv has {len(rows)} rows and none with a finite trained risk; "
                                      "nothing to draw (run the study without --summary-only)")
        tables[s] = rows
    runs = []
    for s, rows in tables.items():
        old = previous.get(s) if isinstance(previous, dict) else None
        old = old if isinstance(old, dict) and old.get("jobs") == len(rows) else {}  # the run that wrote this CSV
        sweep = _summary_of(out / s / "summary.json", f"{s}/summary.json")
        runs.append(_study_run(out, s, quick, rows, number((old if sweep is None else sweep).get("seconds")),
                               write_csv=False))
    return _write_summary(out, quick, runs, None)
