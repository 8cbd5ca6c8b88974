"""``fctheory reproduce``: the paper's figures 3 and 4 and its K = 50 example (trained here) beside the theory.

Prints the table *paper vs fctheory vs theory* (or, with ``--json``, the
contract JSON: one object, or a list of them for ``all`` or several seeds)
and writes each experiment's figures, ``result.json`` and ``weights.npz``
under ``--out`` (``--out/<experiment>/``; with several seeds
``--out/seed<S>/<experiment>/``).

One experiment and one seed run in this process by default.  Several (``all``, ``--seed 0 1 2``) are
independent jobs of fctheory's job runner (:mod:`fctheory.sweep`), with its cache under
``--out/.cache``, so that a re-run after Ctrl-C reuses every finished experiment (and an
unfinished one resumes from its checkpoint).
"""

from __future__ import annotations

from ._output import EXIT_FAILED, print_json
from ._setting_flags import add_command, add_runner_flags, integer

CHOICES = ("fig3", "fig4a", "fig4b", "fig4c", "k50", "all")
DEFAULT_OUT = "fctheory-reproduce"
#: The training flags, passed on to the ``reproduce`` operation when given.
OPTIONS = ("optimizer", "epochs", "quick", "n_spl", "gtol", "maxiter", "dtype")


def register(subparsers) -> None:
    p = add_command(subparsers, "reproduce", __doc__, run, json="print the JSON instead of the table")
    p.add_argument("experiment", choices=CHOICES, help="fig3, fig4a, fig4b, fig4c (section 2), k50 (section 3: "
                                                       "K = 50, n_spl = 100) or all (the five in the paper's order)")
    p.add_argument("--optimizer", choices=("lbfgs", "sgd"), default="lbfgs",
                   help="lbfgs (default): full-batch L-BFGS to the empirical minimizer; sgd: the paper's protocol")
    p.add_argument("--seed", type=integer(0), nargs="+", default=[0],
                   help="seed of the latent set, the sampled data and the initialisation (default 0)")
    p.add_argument("--out", default=DEFAULT_OUT, help="folder for figures, JSON and weights.npz, one subfolder per "
                                                      f"experiment (default ./{DEFAULT_OUT})")
    p.add_argument("--epochs", type=integer(1), default=None, help="SGD epochs instead of the paper's (sgd only)")
    p.add_argument("--n-spl", type=integer(1), default=None,
                   help="training sentences per class instead of the paper's")
    p.add_argument("--gtol", type=float, default=None, help="L-BFGS gradient tolerance, max-abs component "
                                                            "(default 1e-8, with --dtype float32 1e-7; lbfgs only)")
    p.add_argument("--maxiter", type=integer(1), default=None,
                   help="L-BFGS iteration limit (default: the trainer's, 10000; lbfgs only)")
    p.add_argument("--dtype", choices=("float32", "float64"), default=None,
                   help="the trainer's floating type (default: float64 for lbfgs, float32 for sgd as the paper's code)")
    p.add_argument("--quick", action="store_true",
                   help="each experiment's reduced setting, chosen to show the same effect in seconds (sizes, "
                        "n_spl, gtol: fctheory.reproduce.EXPERIMENTS); the theory is computed at that size")
    add_runner_flags(p, what="several experiments/seeds", note="; the workers must be able to write --out")


def run(args) -> int:
    from ..operations import ReproduceSpec
    from ..reproduce import EXPERIMENT_NAMES, format_table, prepare_out

    prepare_out(args.out)  # an --out that is a file fails before any training
    names = EXPERIMENT_NAMES if args.experiment == "all" else (args.experiment,)
    seeds = list(dict.fromkeys(args.seed))  # in order, without repeats
    several = len(names) * len(seeds) > 1
    if not several and args.jobs in (None, 1) and args.scheduler is None:  # one run, here
        params = _params(names[0], seeds[0], args, out=args.out, seed_folder=False, progress=not args.no_progress)
        results, failed = [(ReproduceSpec.from_params(params).run(), False)], False
    else:
        results, failed = _run_jobs(names, seeds, args)
    if not args.json:
        for result, cached in results:
            print(format_table(result) + ("  (cached: a finished run of the same arguments)\n" if cached else "\n"),
                  flush=True)
    elif not failed:
        data = [result.to_dict() for result, _ in results]
        print_json(data if several else data[0], indent=1)
    return EXIT_FAILED if failed else 0


def _params(name: str, seed: int, args, **extra) -> dict:
    """The ``reproduce`` operation's parameters of the flags (absent options left out)."""
    return {"experiment": name, "seed": seed, **extra,
            **{k: getattr(args, k) for k in OPTIONS if getattr(args, k) not in (None, False)}}


def _run_jobs(names, seeds, args):
    """The experiments as jobs of the runner (cached under ``--out/.cache``): ``(result, cached)`` of
    each one that finished, and whether any failed (each failure said on stderr)."""
    import os
    import sys

    from ..operations import spec_for
    from ..registry import job_kinds
    from ..reproduce import ReproductionResult
    from ..sweep import Job, run_jobs

    in_process = args.jobs in (None, 1) and args.scheduler is None
    jobs = [Job(job_kinds()["reproduce"], _params(name, seed, args, out=os.path.abspath(args.out),
                                                  seed_folder=len(seeds) > 1,
                                                  progress=in_process and not args.no_progress))
            for seed in seeds for name in names]
    cache_dir = os.path.join(args.out, ".cache")
    os.makedirs(cache_dir, exist_ok=True)
    outcomes = run_jobs(jobs, workers=args.jobs, scheduler=args.scheduler, cache_dir=cache_dir,
                        progress=not args.no_progress, desc="reproduce",
                        costs=[spec_for("reproduce", job.params).cost() for job in jobs])
    results, failed = [], False
    for job, outcome in zip(jobs, outcomes):
        if outcome.status != "ok":
            failed = True
            print(f"fctheory reproduce: {job.params['experiment']} seed {job.params['seed']} failed: {outcome.error}",
                  file=sys.stderr)
            continue
        results.append((ReproductionResult.from_dict(outcome.result, outcome.arrays), outcome.cached))
    return results, failed
