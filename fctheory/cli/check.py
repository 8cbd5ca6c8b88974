"""``fctheory check``: brute-force checks of lemma K / R, F(c, r), theorems 1-3 and eq. 9 on the exact risk.

For each full-set setting, builds type I / II / III configurations
explicitly, evaluates the exact true risk (eq. 5, 10) and compares with
H(t) (lemma K), H*(t) (lemma R), F(c, r) (appendix F), checks that the
gradient vanishes at the predicted constants (theorems 1-3) and that the
Hessian at W = U = 0 changes sign at the eq. 9 threshold.

With no setting flag, runs the default grid: (n_c, s_c, L) in (2,2,3),
(3,2,3), (3,3,4), (4,2,3); uniform and Zipf words; d = n_c - 1, n_c, 2 n_c.
With --K, only lemma K / R are checked, against the class-averaged H_Z of
that latent set.  Exit status 1 when a check fails.
"""

from __future__ import annotations

import sys

import numpy as np

from ..latent import random_latent_set
from ..risk import default_grid, require_checks_memory, run_checks
from ..setting import Setting
from ._output import EXIT_FAILED, EXIT_INTERRUPTED, print_json
from ._setting_flags import FULL, SettingFlags, add_command, add_setting_flags, integer

FLAGS = SettingFlags(defaults={"n_c": None, "s_c": None, "L": None, "d": None, "mu": None, "lam": "1/100"},
                     default_help={"n_c": "the grid; 3 if --s-c/--L given", "s_c": "the grid; 2", "L": "the grid; 3",
                                   "d": "n_c - 1, n_c and 2 n_c", "mu": "uniform and zipf",
                                   "K": "the full set; K < n_c**L draws K latent variables at random (seed --seed)"})
COLUMNS = ("check", "setting", "predicted", "measured", "rel.error", "result")


def register(subparsers) -> None:
    parser = add_command(subparsers, "check", __doc__, run)
    add_setting_flags(parser, FLAGS, title="setting (no flag: the default grid)")
    parser.add_argument("--seed", dest="seed", default=0, type=integer(0),
                        help="seed of the random rotation of the frames and of a random latent set (default 0)")


def settings_from_args(args) -> list[Setting]:
    """The settings to check (the default grid, or the flags' settings)."""
    if all(getattr(args, k, None) is None for k in ("n_c", "s_c", "L", "mu", "d", "K")):
        return default_grid(args.lam)
    n_c, s_c, L = (default if given is None else given
                   for given, default in ((args.n_c, 3), (args.s_c, 2), (args.L, 3)))
    base = Setting(n_c, s_c, L, args.lam)  # validates n_c, s_c, L, lam first
    mus = [args.mu] if args.mu is not None else ["uniform", "zipf"]
    ds = [args.d] if args.d is not None else sorted({max(1, base.n_c - 1), base.n_c, 2 * base.n_c})
    K = None if args.K == FULL else args.K
    settings = [Setting(n_c, s_c, L, args.lam, d=d, mu=mu, K=K) for mu in mus for d in ds]
    for s in settings:
        require_checks_memory(s)  # every setting before the first runs
    return settings


def latent_for(setting: Setting, seed: int):
    """``None`` for the full set, else ``K`` distinct latent variables drawn uniformly at random (the
    paper's protocol) with ``seed``, in lexicographic order."""
    if setting.is_full:
        return None
    return np.unique(random_latent_set(setting.n_c, setting.L, setting.K, seed=seed), axis=0)


def _label(s: Setting) -> str:
    K = "" if s.is_full else f" K={s.K}"
    return f"({s.n_c},{s.s_c},{s.L}){K} d={s.d} {s.mu.spec()}"


def _num(x) -> str:
    return "-" if x is None else f"{x:.12g}"


def _table(results) -> str:
    rows = [COLUMNS]
    for r in results:
        rows.append((
            r.name + (f" [{r.detail.split(';')[0]}]" if r.detail.startswith(("t =", "c =", "lam =")) else ""),
            _label(r.setting),
            _num(r.predicted),
            _num(r.measured),
            "-" if r.rel_error is None else f"{r.rel_error:.2e}",
            "pass" if r.passed else "FAIL",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run(args) -> int:
    from tqdm import tqdm

    settings = settings_from_args(args)
    results = []
    interrupted = False
    try:
        for s in tqdm(settings, desc="fctheory check", unit="setting", file=sys.stderr, disable=None):
            results.extend(run_checks(s, rotation=args.seed, latent=latent_for(s, args.seed)))
    except KeyboardInterrupt:
        interrupted = True
    failed = [r for r in results if not r.passed]
    if args.json:
        print_json({
            "passed": not failed and not interrupted,
            "complete": not interrupted,
            "n_checks": len(results),
            "n_failed": len(failed),
            "results": [r.to_dict() for r in results],
        }, indent=1)
    else:
        print(_table(results))
        print(f"\n{len(results) - len(failed)}/{len(results)} checks passed on {len(settings)} settings"
              + (" (interrupted: partial results)" if interrupted else ""))
    if interrupted:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED if failed else 0
