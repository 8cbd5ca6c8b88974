"""Grid files (TOML, docs/sweep.md): ``[sweep]`` name, command, description; ``[grid]`` lists whose
Cartesian product (the last key fastest) is crossed with each ``[[cases]]`` table and completed by
``[fixed]``; ``[plot]`` x, y, by, logx, logy.  Keys are the command's parameter names.  Everything is
checked before any job runs: unknown tables and keys, a key given twice, empty lists, missing required
keys, and the number of jobs (over :data:`MAX_JOBS` only with ``force``).
"""

from __future__ import annotations

import itertools
import math
import os
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .._io import read_toml
from .._validate import require_bool, require_str
from ..errors import InvalidInput, ProblemTooLarge
from ._jobs import Job, JobKind, lookup_kind

__all__ = ["Grid", "PlotSpec", "load_grid", "parse_grid", "MAX_JOBS", "ROW_KEYS"]

#: The keys every results row has besides the job's parameters and the command's own keys (a contract).
ROW_KEYS = ("status", "error", "seconds", "cached")
#: Grids with more jobs are refused unless ``force=True`` (``--force``).
MAX_JOBS = 100_000

_TABLES = ("sweep", "grid", "fixed", "cases", "plot")
_SWEEP_KEYS = ("name", "command", "description")
_PLOT_KEYS = ("x", "y", "by", "logx", "logy")


@dataclass(frozen=True)
class PlotSpec:
    """``[plot]``: column ``y`` against column ``x`` (one line per value of ``by``)."""

    x: str
    y: str
    by: str | None = None
    logx: bool = False
    logy: bool = False

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Grid:
    """A validated grid: a command and the parameters of its jobs.

    Attributes
    ----------
    name : str
    kind : JobKind
        What every job runs (``command`` is its name).
    axes : tuple of (str, tuple)
        ``[grid]``: each key with its values, in file order.
    fixed : tuple of (str, value)
        ``[fixed]``.
    cases : tuple of dict
        ``[[cases]]`` (empty: one implicit case with no keys).
    plot : PlotSpec or None
    description : str
    source : str
        The file it was read from (or ``"<grid>"``).
    """

    name: str
    kind: JobKind
    axes: tuple
    fixed: tuple
    cases: tuple = ()
    plot: PlotSpec | None = None
    description: str = ""
    source: str = "<grid>"

    @property
    def command(self) -> str:
        """The operation's name (the file's ``sweep.command``)."""
        return self.kind.name

    @property
    def size(self) -> int:
        """The number of jobs: ``max(1, #cases) * prod(len(values))``."""
        return max(1, len(self.cases)) * math.prod(len(values) for _, values in self.axes)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every parameter key, in row order: grid, cases, fixed."""
        return tuple(dict.fromkeys([k for k, _ in self.axes] + [k for c in self.cases for k in c]
                                   + [k for k, _ in self.fixed]))

    def params(self) -> list[dict]:
        """The parameter dict of every job, in order (cases outermost, the last grid key fastest)."""
        names = [k for k, _ in self.axes]
        return [{**dict(zip(names, combo)), **case, **dict(self.fixed)} for case in self.cases or ({},)
                for combo in itertools.product(*(values for _, values in self.axes))]

    def jobs(self) -> list[Job]:
        return [Job(self.kind, p) for p in self.params()]

    def to_dict(self) -> dict:
        return {"name": self.name, "command": self.command, "description": self.description,
                "grid": {k: list(v) for k, v in self.axes}, "fixed": dict(self.fixed),
                "cases": [dict(c) for c in self.cases], "plot": None if self.plot is None else self.plot.to_dict(),
                "jobs": self.size, "source": self.source}


def _scalar(value, where: str):
    if isinstance(value, (bool, int, str)) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise InvalidInput(where, "a number, a string or a boolean (numbers as \"1/100\" strings are read exactly)",
                       value)


def _table(data: dict, name: str, allowed: tuple = ()) -> dict:
    """The table ``[name]`` of ``data`` (empty when absent), its keys checked against ``allowed``."""
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise InvalidInput(f"[{name}]", "a table", type(value).__name__)
    for key in value if allowed else ():
        if key not in allowed:
            raise InvalidInput(f"{name}.{key}", "one of the keys " + ", ".join(allowed), key)
    return value


def parse_grid(data: dict, kinds: Mapping[str, JobKind], *, source: str = "<grid>", force: bool = False,
               default_name: str = "sweep") -> Grid:
    """Validate a grid given as the mapping a TOML file parses to.

    ``kinds`` are the operations its ``sweep.command`` may name
    (:func:`fctheory.registry.job_kinds`); nothing else can run.

    Raises
    ------
    InvalidInput
        Naming the offending table or key (``grid.n_c``, ``fixed.foo``, ...).
    ProblemTooLarge
        More than :data:`MAX_JOBS` jobs and not ``force``.
    """
    if not isinstance(data, dict):
        raise InvalidInput("grid", "a mapping (the tables of a grid file)", type(data).__name__)
    for table in data:
        if table not in _TABLES:
            raise InvalidInput(f"[{table}]", "one of the tables " + ", ".join(f"[{t}]" for t in _TABLES), table)
    sweep = _table(data, "sweep", _SWEEP_KEYS)
    if "command" not in sweep:
        raise InvalidInput("sweep.command", "given (the command every job runs, e.g. \"predict type1\")")
    kind = lookup_kind(kinds, require_str("sweep.command", sweep["command"]), field_name="sweep.command")
    name = sweep.get("name", default_name)
    if not isinstance(name, str) or not name.strip() or any(c in name for c in "/\\\0"):
        raise InvalidInput("sweep.name", "a non-empty string without path separators", name)
    description = require_str("sweep.description", sweep.get("description", ""), allow_empty=True)
    seen: dict[str, str] = {}

    def claim(key: str, where: str) -> None:
        if key in ROW_KEYS:
            raise InvalidInput(where, "a name other than " + ", ".join(ROW_KEYS) + " (the keys of every results row)",
                               key)
        if kind.keys is not None and key not in kind.keys:
            raise InvalidInput(where, f"a parameter of {kind.name!r}: " + ", ".join(kind.keys), key)
        if key in seen and not (seen[key] == "cases" and where.startswith("cases")):
            raise InvalidInput(where, f"given once (it is also in [{seen[key]}])", key)
        seen.setdefault(key, where.split(".")[0].split("[")[0])

    axes = []
    for key, values in _table(data, "grid").items():
        claim(key, f"grid.{key}")
        if not isinstance(values, list):
            raise InvalidInput(f"grid.{key}", "a list of values (a single value belongs in [fixed])", values)
        if not values:
            raise InvalidInput(f"grid.{key}", "a non-empty list (an empty list makes the product empty)", values)
        axes.append((key, tuple(_scalar(v, f"grid.{key}[{i}]") for i, v in enumerate(values))))
    cases = data.get("cases", [])
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise InvalidInput("[[cases]]", "an array of tables ([[cases]] blocks)", type(cases).__name__)
    for i, case in enumerate(cases):
        if not case:
            raise InvalidInput(f"cases[{i}]", "a table with at least one key", case)
        for key in case:
            claim(key, f"cases[{i}].{key}")
    cases = [{k: _scalar(v, f"cases[{i}].{k}") for k, v in case.items()} for i, case in enumerate(cases)]
    fixed = []
    for key, value in _table(data, "fixed").items():
        claim(key, f"fixed.{key}")
        fixed.append((key, _scalar(value, f"fixed.{key}")))

    everywhere = {k for k, _ in axes} | {k for k, _ in fixed}
    for entry in kind.required:
        options = entry if isinstance(entry, tuple) else (entry,)
        if not everywhere & set(options) and not (cases and all(set(options) & set(c) for c in cases)):
            alternatives = f" (or {', '.join(options[1:])})" if len(options) > 1 else ""
            raise InvalidInput(f"grid.{options[0]}", f"given{alternatives} in [grid], [fixed] or every [[cases]] "
                               f"({kind.name!r} needs it)")
    plot = None
    if "plot" in data:
        spec = _table(data, "plot", _PLOT_KEYS)
        columns = set(seen) | {"seconds"} | set(kind.outputs or ())
        for key in ("x", "y", "by"):
            if key == "by" and spec.get(key) is None:
                continue
            if not isinstance(spec.get(key), str):
                raise InvalidInput(f"plot.{key}", "a column name (string)", spec.get(key))
            if kind.outputs is not None and spec[key] not in columns:
                raise InvalidInput(f"plot.{key}", "a parameter of the grid or a result column: "
                                   + ", ".join(sorted(columns)), spec[key])
        for key in ("logx", "logy"):
            require_bool(f"plot.{key}", spec.get(key, False))
        plot = PlotSpec(**spec)

    grid = Grid(name=name.strip(), kind=kind, axes=tuple(axes), fixed=tuple(fixed), cases=tuple(cases),
                plot=plot, description=description, source=source)
    if grid.size > MAX_JOBS and not force:
        raise ProblemTooLarge("the grid", f"{grid.size} jobs", MAX_JOBS, "pass --force (force=True) to run it anyway")
    return grid


def load_grid(path, kinds: Mapping[str, JobKind], *, force: bool = False) -> Grid:
    """Read and validate a grid file (see the module docstring) whose command is one of ``kinds``."""
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidInput("GRID", "a path to a .toml grid file", type(path).__name__)
    path = os.fspath(path)
    data = read_toml(path, "GRID", allowed="a .toml grid file (valid TOML)")
    return parse_grid(data, kinds, source=path, force=force, default_name=Path(path).stem)
