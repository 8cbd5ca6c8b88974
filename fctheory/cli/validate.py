"""``fctheory validate``: train on the exact risk and compare every minimum with its closed form (writes a report).

With no arguments it runs the ``default`` suite into ``./fctheory-report/``:
``report.md``, ``results.json`` and ``figures/``.  The exit status is 0 when
every checked quantity is within tolerance, 1 otherwise.

Before anything runs, every case's size is estimated (the exact risk enumerates
K * s_c**L sentences, each scored against K classes); a case above the limit
(docs/limits.md) is refused unless ``--force``.  The runs are jobs of fctheory's
job runner (docs/sweep.md), with the same numbers wherever they run and one
cache in ``--out/cache``; a job that raises is reported as failed and the others go on.
Two runs never write one ``--out`` directory (a lock; the second one stops with
"directory in use by pid N").
"""

from __future__ import annotations

import os
import sys

from ._output import EXIT_FAILED
from ._setting_flags import add_command, add_runner_flags



def register(subparsers) -> None:
    p = add_command(subparsers, "validate", __doc__, run, json=None)
    p.add_argument("--suite", default="default", metavar="NAME|FILE",
                   help="suite name in validation/suites (default: default) or a .toml file")
    p.add_argument("--out", default="fctheory-report", metavar="DIR",
                   help="output directory (default: ./fctheory-report)")
    add_runner_flags(p, what="the training runs")
    p.add_argument("--list", action="store_true", help="list the suites (one line each) and exit")
    p.add_argument("--dry-run", action="store_true",
                   help="list the suite's cases, their sizes and the cost estimate; run nothing")
    p.add_argument("--force", action="store_true", help="run cases above the size limit too")


def _list_suites() -> int:
    from ..report import shipped_suites

    suites = shipped_suites()
    width = max((len(name) for name, _, _ in suites), default=4)
    for name, description, n_cases in suites:
        print(f"{name:<{width}}  {n_cases:>3} cases  {description}")
    return 0


def _total(costs) -> float:
    """The suite's estimated seconds: its runs and the report (start-up, predictions, figures)."""
    from ..operations import RUN_REPORT_SECONDS

    return sum(c.seconds for c in costs) + RUN_REPORT_SECONDS


def _dry_run(suite) -> int:
    from ..report import MAX_CASE_BYTES, MAX_CASE_LOGITS, format_seconds, suite_costs

    costs = suite_costs(suite)
    print(f"suite {suite.name}: {len(costs)} cases, {sum(c.runs for c in costs)} training runs ({suite.path})")
    width = max(len(c.name) for c in costs)
    print(f"  {'case':<{width}}  runs  {'K':>8}  {'sentences':>10}  {'logits/eval':>11}  {'tables':>9}  "
          f"{'weights':>9}  estimate")
    for c in costs:
        flag = "  REFUSED without --force" if c.too_large else ""
        print(f"  {c.name:<{width}}  {c.runs:>4}  {c.K:>8}  {c.sentences:>10.3g}  {c.logits:>11.3g}  "
              f"{c.table_bytes / 2**20:>7.3g}MB  {c.memory_bytes / 2**20:>7.3g}MB  {format_seconds(c.seconds)}{flag}")
    print(f"total estimate {format_seconds(_total(costs))} on a 2-core machine, idle (limits {MAX_CASE_LOGITS:.3g} "
          f"logits per evaluation and {MAX_CASE_BYTES / 2**30:.3g} GiB of weights, docs/limits.md)")
    return 0


def run(args) -> int:
    from ..report import format_seconds, load_suite, suite_costs, validate

    if args.list:
        return _list_suites()
    from .._validate import require_optional_int
    from ..sweep import MAX_WORKERS

    require_optional_int("--jobs", args.jobs, lo=1, hi=MAX_WORKERS)  # before anything, --dry-run included
    suite = load_suite(args.suite)
    if args.dry_run:
        return _dry_run(suite)
    import time

    start = time.perf_counter()
    costs = suite_costs(suite)
    print(f"note: suite {suite.name}: {sum(c.runs for c in costs)} training runs, estimated "
          f"{format_seconds(_total(costs))} without the cache", file=sys.stderr)
    result = validate(suite, args.out, jobs=args.jobs, scheduler=args.scheduler, progress=not args.no_progress,
                      force=args.force)
    failed = [r for r in result.records if not r["passed"]]
    not_converged = [r["name"] for r in result.records
                     if r.get("status") != "failed" and not r["training"]["converged"]]
    n_checks = sum(len(r["checks"]) for r in result.records)
    n_ok = sum(c["passed"] for r in result.records for c in r["checks"])
    print(f"suite {result.suite.name}: {len(result.records) - len(failed)}/{len(result.records)} runs passed, "
          f"{n_ok}/{n_checks} quantities within tolerance ({result.suite.tolerance:g} relative); "
          f"{result.cached} from cache; runs {result.seconds:.1f} s, the whole command (report and figures "
          f"included) {time.perf_counter() - start:.1f} s")
    for r in failed:
        bad = (f"the job raised {r['error']}" if r.get("status") == "failed"
               else "; ".join(c["quantity"] for c in r["checks"] if not c["passed"]))
        print(f"  FAILED {r['name']}: {bad}")
    if not_converged:
        print("  training did not converge in: " + ", ".join(not_converged))
    print(f"report: {os.path.join(args.out, 'report.md')}")
    sys.stdout.flush()
    return EXIT_FAILED if failed else 0
