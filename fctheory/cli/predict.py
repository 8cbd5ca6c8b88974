"""``fctheory predict {type1,type2,type3,threshold}``: the closed forms as certified numbers.

Flags default to the paper's experimental setting (section 5): ``n_c = 3``,
``s_c = 400`` (``n_w = 1200``), ``L = 15``, ``K = 1000``, ``λ = 0.001``,
``d = 100``, uniform words.  ``type3`` works on the full set, so its ``K``
defaults to ``n_c**L``.
"""

from __future__ import annotations

import argparse
import json
import sys

import mpmath

from .. import predict as _predict
from .._precision import check_dps
from ..setting import Setting

KINDS = ("type1", "type2", "type3", "threshold")
PAPER = dict(n_c=3, s_c=400, L=15, K=1000, lam="0.001", d=100, mu="uniform")


def add_setting_arguments(parser: argparse.ArgumentParser, *, K_help: str | None = None) -> None:
    """The setting flags shared by the commands that take a setting."""
    group = parser.add_argument_group("setting (defaults: the paper's experiment)")
    group.add_argument("--n-c", dest="n_c", default=PAPER["n_c"], help="concepts n_c >= 2 (default 3)")
    group.add_argument("--s-c", dest="s_c", default=PAPER["s_c"], help="words per concept s_c >= 1 (default 400)")
    group.add_argument("--L", dest="L", default=PAPER["L"], help="sentence length L >= 1 (default 15)")
    group.add_argument("--K", dest="K", default=None, help=K_help or "latent variables, 2 <= K <= n_c**L (default 1000)")
    group.add_argument("--d", dest="d", default=PAPER["d"], help="embedding dimension (default 100)")
    group.add_argument("--lam", dest="lam", default=PAPER["lam"], help="regularization λ > 0 (default 0.001); decimal or fraction")
    group.add_argument("--mu", dest="mu", default=PAPER["mu"], help="word law: uniform | zipf | zipf:EXP | v1,v2,... (default uniform)")


def setting_from_args(args, *, default_K="paper") -> Setting:
    """Build the :class:`Setting` from parsed flags (strings are parsed, never evaluated)."""
    K = args.K
    if K is None and default_K == "paper":
        K = PAPER["K"]
    if isinstance(K, str) and K.strip().lower() in ("full", "none"):
        K = None
    return Setting(args.n_c, args.s_c, args.L, args.lam, K=K, d=args.d, mu=args.mu)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="certified closed-form predictions (theorems 1-3, λ thresholds)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=KINDS, help="type1 (theorem 1), type2 (theorem 3), type3 (theorem 2), threshold")
    add_setting_arguments(parser, K_help="latent variables, 2 <= K <= n_c**L or 'full' (default 1000; type3: the full set)")
    parser.add_argument("--dps", default=30, type=int, help="significant digits, 15..1000 (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--latent-file", default=None, help="use H_Z with this latent set's |S_r| (.npy, .npz, text)")
    parser.add_argument("--code", default=None, help="use H_Z with a named code's |S_r| (fctheory latent check --help)")
    parser.set_defaults(func=run)


def sphere_sizes_from_args(args, setting):
    """A latent set's sphere-size profile chosen on the command line, or None."""
    from .latent import sphere_sizes_from_args as _from_latent

    return _from_latent(args, setting)


def run(args) -> int:
    dps = check_dps(args.dps)
    setting = setting_from_args(args, default_K="full" if args.kind == "type3" else "paper")
    profile = sphere_sizes_from_args(args, setting)
    if args.kind == "type1":
        result = _predict.predict_type1(setting, dps=dps, sphere_sizes=profile)
    elif args.kind == "type2":
        result = _predict.predict_type2(setting, dps=dps, sphere_sizes=profile)
    elif args.kind == "type3":
        result = _predict.predict_type3(setting, dps=dps)
    else:
        result = _predict.lambda_thresholds(setting, dps=dps, sphere_sizes=profile)
    payload = result.to_dict()
    if args.kind == "threshold":
        payload["general"] = _general_threshold(setting, profile, dps)
    if args.json:
        json.dump(payload, sys.stdout)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write(_table(args.kind, result, payload, dps))
    return 0


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
    if kind == "type1" and result.trivial:
        lines.append("  λ >= λ_I: the minimizer is W = U = 0 (τ = 0)")
    width = max(len(n) for n in result.value_names) + 2
    for name in result.value_names:
        value = payload[name]
        enc = payload["enclosures"].get(name)
        if isinstance(value, list):
            for b, (v, e) in enumerate(zip(value, enc)):
                label = f"{name}[{b}]"
                lines.append(f"  {label:<{width + 6}} {v}   in [{e[0]}, {e[1]}]")
            continue
        suffix = f"   in [{enc[0]}, {enc[1]}]" if enc is not None else ""
        lines.append(f"  {name:<{width + 6}} {value}{suffix}")
    lines.append(f"  residual {payload['residual']} (relative; certified by interval arithmetic at {result.working_dps} digits)")
    return "\n".join(lines) + "\n"


#: Largest full set for which ``predict threshold`` also computes the theorem-G threshold.
GENERAL_THRESHOLD_MAX_K = 2**16


def _general_threshold(setting: Setting, profile, dps: int):
    """The λ threshold of theorem G (claim H, ``||∇f(0)||_op``) for the full set,
    which must equal eq. 9 (and λ_I for uniform μ); None when it does not apply
    here (a latent file/code profile, or K above :data:`GENERAL_THRESHOLD_MAX_K`)."""
    if profile is not None or not setting.is_full or setting.K > GENERAL_THRESHOLD_MAX_K:
        return None
    from ..certify import general_lambda_threshold

    value = general_lambda_threshold(setting, dps=dps).value
    return {"value": mpmath.nstr(value, dps), "equation": "theorem G, claim H: ||grad f(0)||_op"}


def _setting_line(setting: Setting) -> str:
    K = f"{setting.K} (full)" if setting.is_full else str(setting.K)
    with mpmath.workdps(15):
        lam = mpmath.nstr(mpmath.mpf(setting.lam.numerator) / setting.lam.denominator, 6)
    return f"n_c={setting.n_c} s_c={setting.s_c} L={setting.L} K={K} d={setting.d} λ={lam} μ={setting.mu.spec()}"
