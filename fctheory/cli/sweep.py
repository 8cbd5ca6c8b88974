"""``fctheory sweep GRID.toml``: run an operation over a grid of settings (TOML), locally or on a Dask cluster.

Runs every job of the grid (see docs/sweep.md for the format) and writes ``results.csv``,
``results.jsonl``, ``summary.json`` (and ``plot.png``) into ``--out``; finished jobs are cached
there, so an interrupted sweep resumes when run again.  Exit status: 0 when every job succeeded,
1 when some failed, 130 when interrupted.
"""

from __future__ import annotations

import sys

from ._output import EXIT_FAILED, EXIT_INTERRUPTED, print_json
from ._setting_flags import add_command, add_runner_flags



def _commands_epilog() -> str:
    from ..registry import job_kinds

    lines = ["operations a grid can name ([sweep] command = ...; nothing else runs) and their keys:"]
    for name, kind in job_kinds().items():
        lines.append(f"  {name:<18} {kind.description}")
        lines.append(f"  {'':<18} keys: {', '.join(kind.keys or ())}")
    return "\n".join(lines)


def register(subparsers) -> None:
    p = add_command(subparsers, "sweep", __doc__, run, json="print the summary as one JSON object",
                    epilog=_commands_epilog())
    p.add_argument("grid", metavar="GRID.toml", help="the grid file")
    p.add_argument("--out", default=None, metavar="DIR", help="output directory (default: ./fctheory-sweep-<name>)")
    add_runner_flags(p, what="the grid's jobs")
    from ..sweep import DEFAULT_RETRIES  # loaded by the epilog's operations already

    p.add_argument("--retries", type=int, default=DEFAULT_RETRIES, metavar="R",
                   help=f"more attempts for a job whose worker died (default {DEFAULT_RETRIES})")
    p.add_argument("--force", action="store_true", help="run a grid of more than 100000 jobs")


def _report(run, as_json: bool) -> None:
    from ..sweep import summary_table

    if as_json:
        print_json(run.summary())
        return
    grid = run.grid
    state = f" (interrupted: {len(run.results)} of {run.jobs} finished)" if run.interrupted else ""
    print(f"sweep {grid.name}: {grid.command}, {run.jobs} jobs{state}: {run.ok} ok, {run.failed} failed, "
          f"{run.cached} from cache; {run.seconds:.1f} s")
    sys.stdout.write(summary_table(run))
    print(f"results: {run.files['csv']}, {run.files['jsonl']}")
    if run.files.get("plot"):
        print(f"plot: {run.files['plot']}")
    elif run.plot_note:
        print(f"no plot: {run.plot_note}")


def run(args) -> int:
    from ..registry import load_grid
    from ..sweep import SweepInterrupted, run_grid

    grid = load_grid(args.grid, force=args.force)
    try:
        result = run_grid(grid, args.out, workers=args.jobs, scheduler=args.scheduler, progress=not args.no_progress,
                          retries=args.retries)
    except SweepInterrupted as stop:
        _report(stop.run, args.json)
        print(f"error: interrupted; {len(stop.run.results)} finished jobs are cached in {stop.run.out_dir}, "
              "run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    _report(result, args.json)
    sys.stdout.flush()
    return EXIT_FAILED if result.failed else 0
