"""``fctheory reproduce``: the paper's figures 3 and 4 and its K = 50 example, trained here, beside the theory.

Prints the table *paper vs fctheory vs theory* (or, with ``--json``, the
contract JSON: one object, or a list of them for ``all`` or several seeds)
and writes each experiment's figures, ``result.json`` and ``weights.npz``
under ``--out`` (``--out/<experiment>/``; with several seeds
``--out/seed<S>/<experiment>/``).

One experiment and one seed run here, as they always did.  Several (``all``,
``--seed 0 1 2``) are independent jobs of fctheory's job runner
(:mod:`fctheory.sweep`): one after the other by default, on ``--jobs N``
local worker processes or on Dask (``--scheduler local|ADDRESS``), with the
runner's cache under ``--out/.cache``, so that a re-run after Ctrl-C reuses
every finished experiment (and an unfinished one resumes from its checkpoint).
"""

from __future__ import annotations

from ._output import print_json

HELP = "reproduce the paper's figures 3 and 4 and its K = 50 example (trained here) beside the theory"
CHOICES = ("fig3", "fig4a", "fig4b", "fig4c", "k50", "all")
DEFAULT_OUT = "fctheory-reproduce"


def _int_at_least(lo: int):
    """An argparse type: an integer >= ``lo``, with a message naming the range."""
    def parse(text: str) -> int:
        import argparse

        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < lo:
            raise argparse.ArgumentTypeError(f"an integer >= {lo} expected, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1)
_seed = _int_at_least(0)


def register(subparsers) -> None:
    p = subparsers.add_parser("reproduce", help=HELP, description=HELP + ".")
    p.add_argument("experiment", choices=CHOICES, help="fig3, fig4a, fig4b, fig4c (section 2), k50 (section 3: K = 50, n_spl = 100) "
                        "or all (the five in the paper's order)")
    p.add_argument("--optimizer", choices=("lbfgs", "sgd"), default="lbfgs",
                   help="lbfgs (default): full-batch L-BFGS to the empirical minimizer; sgd: the paper's protocol")
    p.add_argument("--seed", type=_seed, nargs="+", default=[0],
                   help="seed of the latent set, the sampled data and the initialisation (default 0)")
    p.add_argument("--out", default=DEFAULT_OUT,
                   help=f"folder for figures, JSON and weights.npz, one subfolder per experiment (default ./{DEFAULT_OUT})")
    p.add_argument("--epochs", type=_positive_int, default=None, help="SGD epochs instead of the paper's (sgd only)")
    p.add_argument("--n-spl", type=_positive_int, default=None, help="training sentences per class instead of the paper's")
    p.add_argument("--gtol", type=float, default=None,
                   help="L-BFGS gradient tolerance, max-abs component (default 1e-8, with --dtype float32 1e-7; "
                        "lbfgs only)")
    p.add_argument("--maxiter", type=_positive_int, default=None,
                   help="L-BFGS iteration limit (default: the trainer's, 10000; lbfgs only)")
    p.add_argument("--dtype", choices=("float32", "float64"), default=None,
                   help="the trainer's floating type (default: float64 for lbfgs, float32 for sgd as the paper's "
                        "code; lbfgs in float32: --gtol defaults to 1e-7)")
    p.add_argument("--quick", action="store_true",
                   help="each experiment's reduced setting, chosen to show the same effect in seconds (sizes, "
                        "n_spl, gtol: fctheory.reproduce.EXPERIMENTS); the theory is computed at that size")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="run several experiments/seeds on N local worker processes (default 1: this process)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS|local",
                   help="run several experiments/seeds on Dask: 'local' (a LocalCluster here) or tcp://host:8786 "
                        "(the workers must be able to write --out)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..reproduce import EXPERIMENT_NAMES, prepare_out

    prepare_out(args.out)  # an --out that is a file fails before any training
    names = EXPERIMENT_NAMES if args.experiment == "all" else (args.experiment,)
    seeds = list(dict.fromkeys(args.seed))  # in order, without repeats
    several = len(names) * len(seeds) > 1
    if not several and args.jobs in (None, 1) and args.scheduler is None:
        results = [_run_here(names[0], seeds[0], args)]
    else:
        results = _run_jobs(names, seeds, args)
        if results is None:
            return 1
    if args.json:
        data = [r.to_dict() for r in results]
        print_json(data if several else data[0], indent=1)
    return 0


def _options(args) -> dict:
    return dict(optimizer=args.optimizer, epochs=args.epochs, quick=args.quick, n_spl=args.n_spl, gtol=args.gtol,
                maxiter=args.maxiter, dtype=args.dtype)


def _params(name: str, seed: int, args, **extra) -> dict:
    """The ``reproduce`` operation's parameters of the flags (absent options left out)."""
    return {"experiment": name, "seed": seed, **extra,
            **{k: v for k, v in _options(args).items() if v is not None and v is not False}}


def _run_here(name: str, seed: int, args):
    from ..operations import ReproduceSpec
    from ..reproduce import format_table

    spec = ReproduceSpec.from_params(_params(name, seed, args, out=args.out, seed_folder=False,
                                             progress=not args.no_progress))
    result = spec.run()
    if not args.json:
        print(format_table(result) + "\n", flush=True)
    return result


def _run_jobs(names, seeds, args):
    """The experiments as jobs of the runner (cached under ``--out/.cache``); ``None`` if any failed."""
    import os
    import sys

    from ..registry import job_kinds
    from ..reproduce import ReproductionResult, format_table
    from ..sweep import Job, code_fingerprint, run_jobs

    seed_folders = len(seeds) > 1
    in_process = args.jobs in (None, 1) and args.scheduler is None
    jobs = []
    for seed in seeds:
        for name in names:
            params = _params(name, seed, args, out=os.path.abspath(args.out), seed_folder=seed_folders,
                             progress=in_process and not args.no_progress)
            jobs.append(Job(job_kinds()["reproduce"], params))
    cache_dir = os.path.join(args.out, ".cache")
    os.makedirs(cache_dir, exist_ok=True)
    outcomes = run_jobs(jobs, workers=args.jobs, scheduler=args.scheduler, cache_dir=cache_dir,
                        salt=code_fingerprint(), progress=not args.no_progress, desc="reproduce")
    results, failed = [], False
    for job, outcome in zip(jobs, outcomes):
        if outcome.status != "ok":
            failed = True
            print(f"fctheory reproduce: {job.params['experiment']} seed {job.params['seed']} failed: {outcome.error}",
                  file=sys.stderr)
            continue
        result = ReproductionResult.from_dict(outcome.result, outcome.arrays)
        results.append(result)
        if not args.json:
            print(format_table(result) + ("  (cached: a finished run of the same arguments)\n" if outcome.cached
                                          else "\n"), flush=True)
    return None if failed else results
