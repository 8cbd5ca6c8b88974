"""``fctheory study undersampling``: how far the closed forms hold when the paper's assumptions are relaxed.

Runs the two grids of the under-sampling study (docs/undersampling.md) —
``symmetry``: random latent subsets on the exact true risk against H(τ),
H_Z and theorem G's certificate; ``samples``: the empirical risk against the
number of training sentences — and writes ``results-symmetry.csv``,
``results-samples.csv``, the figures (PNG) and ``summary.json`` (the fitted
relationships) into ``--out``.  Finished jobs are cached under ``--out``, so
an interrupted run resumes when started again.  Exit status: 0 when every job
succeeded, 1 when some failed, 2 for a bad flag, 130 when interrupted.
"""

from __future__ import annotations

import sys

from ._output import EXIT_FAILED, EXIT_INTERRUPTED, print_json
from ._setting_flags import add_command, add_runner_flags



def register(subparsers) -> None:
    p = add_command(subparsers, "study", __doc__, json=None)
    studies = p.add_subparsers(dest="study", metavar="STUDY", parser_class=type(p))
    studies.required = True
    from ..study import DEFAULT_OUT, STUDIES

    u = add_command(studies, "undersampling", __doc__, run, json="print summary.json's content as one JSON object",
                    help="both grids of the under-sampling study (symmetry relaxed, samples relaxed)")
    u.add_argument("--quick", action="store_true", help="the small -quick grids (18 + 9 jobs, under a minute)")
    u.add_argument("--out", default=DEFAULT_OUT, metavar="DIR", help=f"output folder (default ./{DEFAULT_OUT})")
    add_runner_flags(u, exclusive=True)
    u.add_argument("--study", choices=STUDIES, action="append", default=None,
                   help="run only this study (repeatable; default both)")
    u.add_argument("--summary-only", action="store_true",
                   help="no jobs: redraw the figures and summary.json from the results CSVs already in --out")


def run(args) -> int:
    from ..study import STUDIES, run_undersampling, summarize_results
    from ..sweep import SweepInterrupted

    studies = tuple(args.study) if args.study else STUDIES
    if args.summary_only:
        summary = summarize_results(args.out, quick=args.quick, studies=studies)
        if args.json:
            print_json(summary)
        else:
            print(f"study undersampling: figures and summary.json redrawn in {args.out}")
        return 0
    try:
        result = run_undersampling(args.out, quick=args.quick, workers=args.jobs, scheduler=args.scheduler,
                                   progress=not args.no_progress, studies=studies)
    except SweepInterrupted as stop:
        print(f"error: interrupted; {len(stop.run.results)} finished jobs of {stop.run.grid.name} are cached in "
              f"{stop.run.out_dir}, run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.json:
        print_json(result.summary)
    else:
        for s in result.studies:
            print(f"study {s.study}: {s.jobs} jobs: {s.ok} ok, {s.failed} failed, {s.cached} from cache; "
                  f"{s.seconds:.1f} s; {s.files['csv']}")
        print(f"summary: {result.out_dir}/summary.json ({result.seconds:.1f} s)")
    sys.stdout.flush()
    return EXIT_FAILED if result.failed else 0
