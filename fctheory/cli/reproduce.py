"""``fctheory reproduce``: the paper's figures 3 and 4, trained here, beside the theory.

Prints the table *paper vs fctheory vs theory* (or, with ``--json``, the
contract JSON: one object, or a list of them for ``all``) and writes each
experiment's figures, ``result.json`` and ``weights.npz`` under ``--out``.
"""

from __future__ import annotations

import json

HELP = "reproduce the paper's figures 3 and 4 (trained here) beside the theory"
CHOICES = ("fig3", "fig4a", "fig4b", "fig4c", "all")
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
    p.add_argument("experiment", choices=CHOICES, help="fig3, fig4a, fig4b, fig4c or all (the four in turn)")
    p.add_argument("--optimizer", choices=("lbfgs", "sgd"), default="lbfgs",
                   help="lbfgs (default): full-batch L-BFGS to the empirical minimizer; sgd: the paper's protocol")
    p.add_argument("--seed", type=_seed, default=0,
                   help="seed of the latent set, the sampled data and the initialisation (default 0)")
    p.add_argument("--out", default=DEFAULT_OUT,
                   help=f"folder for figures, JSON and weights.npz, one subfolder per experiment (default ./{DEFAULT_OUT})")
    p.add_argument("--epochs", type=_positive_int, default=None, help="SGD epochs instead of the paper's (sgd only)")
    p.add_argument("--n-spl", type=_positive_int, default=None, help="training sentences per class instead of the paper's")
    p.add_argument("--gtol", type=float, default=None,
                   help="L-BFGS gradient tolerance, max-abs component (default 1e-8; lbfgs only)")
    p.add_argument("--maxiter", type=_positive_int, default=None,
                   help="L-BFGS iteration limit (default: the trainer's, 10000; lbfgs only)")
    p.add_argument("--quick", action="store_true",
                   help="a reduced setting (n_c 3, s_c 4, L 5, K 30, d 10) that runs in seconds")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..reproduce import EXPERIMENT_NAMES, format_table, prepare_out, reproduce_experiment

    prepare_out(args.out)  # an --out that is a file fails before any training
    names = EXPERIMENT_NAMES if args.experiment == "all" else (args.experiment,)
    results = []
    for name in names:
        result = reproduce_experiment(name, optimizer=args.optimizer, seed=args.seed, out=args.out,
                                      epochs=args.epochs, quick=args.quick, progress=not args.no_progress,
                                      n_spl=args.n_spl, gtol=args.gtol, maxiter=args.maxiter)
        results.append(result)
        if not args.json:
            print(format_table(result) + "\n", flush=True)
    if args.json:
        data = [r.to_dict() for r in results]
        print(json.dumps(data if args.experiment == "all" else data[0], indent=1))
    return 0
