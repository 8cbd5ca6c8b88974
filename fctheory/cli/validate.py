"""``fctheory validate``: train the networks on the exact risk and compare with the theorems.

With no arguments it runs the ``default`` suite into ``./fctheory-report/``:
``report.md``, ``results.json`` and ``figures/``.  The exit status is 0 when
every checked quantity is within tolerance, 1 otherwise.
"""

from __future__ import annotations

import os
import sys

HELP = "train on the exact risk and compare every minimum with its closed form (writes a report)"
EXIT_FAILED = 1


def register(subparsers) -> None:
    p = subparsers.add_parser("validate", help=HELP, description=HELP + ".")
    p.add_argument("--suite", default="default", metavar="NAME|FILE",
                   help="suite name in validation/suites (default: default) or a .toml file")
    p.add_argument("--out", default="fctheory-report", metavar="DIR", help="output directory (default: ./fctheory-report)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..report import validate

    result = validate(args.suite, args.out, jobs=args.jobs, progress=not args.no_progress)
    failed = [r for r in result.records if not r["passed"]]
    not_converged = [r["name"] for r in result.records if not r["training"]["converged"]]
    n_checks = sum(len(r["checks"]) for r in result.records)
    n_ok = sum(c["passed"] for r in result.records for c in r["checks"])
    print(f"suite {result.suite.name}: {len(result.records) - len(failed)}/{len(result.records)} runs passed, "
          f"{n_ok}/{n_checks} quantities within tolerance ({result.suite.tolerance:g} relative); "
          f"{result.cached} from cache; {result.seconds:.1f} s")
    for r in failed:
        bad = [c["quantity"] for c in r["checks"] if not c["passed"]]
        print(f"  FAILED {r['name']}: " + "; ".join(bad))
    if not_converged:
        print("  training did not converge in: " + ", ".join(not_converged))
    print(f"report: {os.path.join(args.out, 'report.md')}")
    sys.stdout.flush()
    return EXIT_FAILED if failed else 0
