"""``fctheory predict {type1,...,optimum}``: certified closed-form predictions (theorems 1-3, λ thresholds).

Flags default to the paper's experimental setting (section 5, ``Setting.paper()``); ``type3``
works on the full set.  With ``--latent-file F`` or ``--code NAME``, H_Z uses that set's sphere sizes.

``optimum`` is the exact large-sample optimum of network h (uniform words) for the latent set
itself — theorem G's convex program reduced by the within-concept symmetry and certified by a
Fenchel-dual bound — where theorem 1 needs assumption A: ``--K K --seed S`` draws the paper's kind
of random set, and ``--save FILE`` writes ``W``, ``U`` (in ``--d`` dimensions), ``latent`` and ``mu``.
"""

from __future__ import annotations

import sys

import mpmath

from .._precision import fraction_to_mpf
from ..operations import PREDICT_KINDS
from ..setting import Setting
from ._output import estimated_progress, print_json
from ._setting_flags import SettingFlags, add_command, add_setting_flags, params_from_flags

KINDS = PREDICT_KINDS + ("optimum",)
FLAGS = SettingFlags(latent=True, default_help={"K": "the set's size with --latent-file/--code; else 1000 at the "
                                                     "paper's n_c = 3, L = 15 and the full set otherwise; type3: the "
                                                     "full set"})
#: The flags of ``predict optimum`` alone.
OPTIMUM_ONLY = ("seed", "save", "rel_gap")


def register(subparsers) -> None:
    parser = add_command(subparsers, "predict", __doc__, run)
    parser.add_argument("kind", choices=KINDS, help="type1 (theorem 1), type2 (theorem 3), type3 (theorem 2), "
                                                    "threshold, optimum (the latent set's exact optimum, theorem G)")
    add_setting_flags(parser, FLAGS, title="setting (defaults: the paper's experiment)")
    parser.add_argument("--dps", default=30, type=int, help="significant digits, 15..1000 (default 30)")
    optimum = parser.add_argument_group("optimum only")
    optimum.add_argument("--seed", type=int, default=None, help="seed of the random set of --K (default 0)")
    optimum.add_argument("--save", default=None, metavar="FILE", help="write the minimizer's weights to FILE (.npz)")
    optimum.add_argument("--rel-gap", type=float, default=None, help="certified relative gap (default 1e-9)")


def run(args) -> int:
    from ..errors import InvalidInput
    from ..operations import PredictSpec

    params = params_from_flags(args, FLAGS, "dps", *OPTIMUM_ONLY)
    if args.kind == "optimum":
        return _optimum(args, params)
    for name in (n for n in OPTIMUM_ONLY if n in params):
        raise InvalidInput("--" + name.replace("_", "-"), "used with `predict optimum` only", params[name])
    spec = PredictSpec.from_params(args.kind, params)
    from ..predict import require_affordable

    require_affordable(args.kind, spec.setting, spec.dps)  # refused before any note or bar
    with estimated_progress(spec.cost(), f"predict {args.kind}"):
        outcome = spec.run(progress=sys.stderr.isatty())
    if outcome.profile_exact is not None:
        status = ("exact: lemma B holds" if outcome.profile_exact
                  else "APPROXIMATION: lemma B fails, mean sphere sizes used")
        print(f"note: H_Z from the sphere sizes of {spec.problem.source.describe()} ({status})", file=sys.stderr)
    payload = outcome.to_dict()
    if args.json:
        print_json(payload)
        return 0
    sys.stdout.write(_table(args.kind, outcome.prediction, payload, spec.dps))
    return 0


def _optimum(args, params: dict) -> int:
    from ..operations import OptimumSpec

    report = OptimumSpec.from_params(params).run()
    if args.json:
        print_json(report.to_dict())
        return 0
    r = report.result
    lines = [f"fctheory predict optimum    {_setting_line(r.problem.setting)}    latent: {r.problem.source.describe()}",
             f"  {r.theorem}",
             f"  min risk       {r.min_risk:.12g}   certified lower bound {r.lower_bound:.12g} "
             f"(relative gap {r.relative_gap:.2g}; {r.status})",
             "  word norms     " + ", ".join(f"concept {a + 1}: {v:.6g}" for a, v in enumerate(r.word_norms)),
             f"  block norms    mean {r.u_norm_mean:.6g}, std {r.u_norm_std:.3g}, [{r.u_norm_min:.6g}, "
             f"{r.u_norm_max:.6g}]",
             f"  ||W||_F {r.w_frobenius:.6g}   ||U||_F {r.u_frobenius:.6g}   rank {r.rank}",
             f"  λ threshold    {r.lambda_threshold:.12g}  (D = 0 is optimal at or above it)",
             f"  {r.iterations} iterations, {r.seconds:.2f} s"
             + (f"; weights written to {report.saved}" if report.saved else "")]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


#: A per-word list (type III's r_b) longer than this is shown by its first and last entries.
LIST_ROWS = 12


def _table(kind: str, result, payload: dict, dps: int) -> str:
    setting = result.setting
    lines = [f"fctheory predict {kind}    {_setting_line(setting)}    dps={dps}"]
    if kind == "threshold":
        for name in ("type1", "type3"):
            item = payload[name]
            if item is None:
                lines.append(f"  {name:<10} (defined on the full set K = n_c**L only)")
                continue
            side = "below" if item["lam_below"] else "at/above"
            lines.append(f"  {name:<10} {item['value']}   [{item['equation']}]   λ is {side}")
            lines.append(f"  {'':<10} enclosure [{item['enclosure'][0]}, {item['enclosure'][1]}]")
        if payload["agree"] is not None:
            lines.append(f"  thresholds equal (exact): {payload['agree']}")
        general = payload["general"]
        if general is not None:
            lines.append(f"  {'general':<10} {general['value']}   [{general['equation']}]")
        return "\n".join(lines) + "\n"
    lines.append(f"  {result.theorem}")
    width = max(len(n) for n in result.value_names) + 2
    for name in result.value_names:
        value = payload[name]
        enc = payload["enclosures"].get(name)
        if isinstance(value, list):  # one entry per word b = 1..s_c (the paper's numbering)
            shown = list(range(len(value))) if len(value) <= LIST_ROWS else [0, 1, 2, len(value) - 2, len(value) - 1]
            for i, b in enumerate(shown):
                if i and b != shown[i - 1] + 1:
                    lines.append(f"  {'':<{width + 6}} ... ({len(value) - len(shown)} more words; --json lists all)")
                label = f"{name}_{b + 1}"
                lines.append(f"  {label:<{width + 6}} {value[b]}   in [{enc[b][0]}, {enc[b][1]}]")
            continue
        suffix = f"   in [{enc[0]}, {enc[1]}]" if enc is not None else ""
        lines.append(f"  {name:<{width + 6}} {value}{suffix}")
    lines.append(f"  residual {payload['residual']} (relative; certified by interval arithmetic at "
                 f"{result.working_dps} digits)")
    return "\n".join(lines) + "\n"


def _setting_line(setting: Setting) -> str:
    K = f"{setting.K} (full)" if setting.is_full else str(setting.K)
    with mpmath.workdps(15):
        lam = mpmath.nstr(fraction_to_mpf(setting.lam), 6)
    return f"n_c={setting.n_c} s_c={setting.s_c} L={setting.L} K={K} d={setting.d} λ={lam} μ={setting.mu.spec()}"
