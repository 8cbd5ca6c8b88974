"""Benchmark of the command line's start-up: wall time and heavy modules loaded.

Times ``python -m fctheory --version`` and ``python -m fctheory predict type1``
(the paper's setting, 30 digits) as subprocesses, median of ``--runs`` runs,
for this tree and for baseline trees measured in the same run, runs interleaved,
each extracted with ``git archive`` into a temporary directory (``--base``,
repeatable; default :data:`BASE_COMMITS`):

* ``5575651``: the last commit whose ``fctheory/__init__`` imported every
  subpackage, sympy and cvxpy included (the eager import);
* ``334af5a``: the last commit whose type-III solver imported ``scipy.optimize``
  at module level, which ``predict type1`` paid for (~0.4 s) without using it.

A separate run of each command reports which of sympy, cvxpy, scipy and
matplotlib it loaded (``sys.modules`` at exit).

Targets: ``--version`` under 0.2 s; ``predict type1`` under 0.3 s and loading
none of sympy, cvxpy, scipy, matplotlib (tests/test_lazy_import.py keeps the
latter).

Run:  ``/work/venv/bin/python benchmarks/bench_startup.py [--runs 7] [--base REV ...]``
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: The baselines: the eager top-level import; the type-III solver's module-level scipy import.
BASE_COMMITS = ("5575651", "334af5a")
#: Wall-time targets in seconds.
TARGETS = {"--version": 0.2, "predict type1": 0.3}
HEAVY = ("sympy", "cvxpy", "scipy", "matplotlib")
COMMANDS = {
    "--version": ["--version"],
    "predict type1": ["predict", "type1"],
}
#: Runs the CLI in-process, then prints the heavy modules that were loaded (on stderr).
PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['fctheory'] + sys.argv[1:]\n"
    "try:\n"
    "    runpy.run_module('fctheory', run_name='__main__', alter_sys=True)\n"
    "except SystemExit:\n"
    "    pass\n"
    f"sys.stderr.write('LOADED ' + ','.join(m for m in {HEAVY!r} if m in sys.modules) + '\\n')\n"
)


def _env(tree: pathlib.Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env.pop("PYTHONSTARTUP", None)
    return env


def wall_time(tree: pathlib.Path, argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fctheory", *argv], env=_env(tree), cwd=tree, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def heavy_modules(tree: pathlib.Path, argv: list[str]) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], env=_env(tree), cwd=tree, check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    line = [s for s in out.splitlines() if s.startswith("LOADED ")][-1]
    return line[len("LOADED "):] or "none"


def extract(rev: str, into: pathlib.Path) -> pathlib.Path:
    """The package of commit ``rev`` (``git archive``) under ``into``."""
    into.mkdir()
    archive = into / "base.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), rev, "fctheory"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command and tree (default 7)")
    parser.add_argument("--base", action="append", help=f"baseline commit, repeatable (default {' '.join(BASE_COMMITS)})")
    args = parser.parse_args(argv)
    bases = args.base or list(BASE_COMMITS)
    with tempfile.TemporaryDirectory() as tmp:
        trees = {f"base {rev}": extract(rev, pathlib.Path(tmp) / str(i)) for i, rev in enumerate(bases)}
        trees["this tree"] = ROOT
        times = {(t, c): [] for t in trees for c in COMMANDS}
        for tree in trees.values():  # warm the file cache once
            for cmd in COMMANDS.values():
                wall_time(tree, cmd)
        for _ in range(args.runs):
            for name, tree in trees.items():
                for label, cmd in COMMANDS.items():
                    times[name, label].append(wall_time(tree, cmd))
        loaded = {(t, c): heavy_modules(trees[t], cmd) for t in trees for c, cmd in COMMANDS.items()}
    print(f"python -m fctheory ...: wall time, median of {args.runs} runs (min-max), heavy modules loaded")
    print(f"{'command':<16} {'tree':<14} {'median s':>9} {'range s':>13}  loaded ({', '.join(HEAVY)})")
    for label in COMMANDS:
        for name in trees:
            t = times[name, label]
            print(f"{label:<16} {name:<14} {statistics.median(t):>9.3f} {min(t):>6.3f}-{max(t):<6.3f}  "
                  f"{loaded[name, label]}")
    for label in COMMANDS:
        new = statistics.median(times["this tree", label])
        for name in trees:
            if name != "this tree":
                base = statistics.median(times[name, label])
                print(f"{label}: {name} {base:.3f} s -> {new:.3f} s ({base / new:.1f}x)")
        print(f"{label}: target {TARGETS[label]} s: {'met' if new <= TARGETS[label] else 'MISSED'}")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
