"""``fctheory predict {type1,type2,type3,threshold}``: the closed forms as certified numbers.

Flags default to the paper's experimental setting (section 5, ``Setting.paper()``):
``n_c = 3``, ``s_c = 400`` (``n_w = 1200``), ``L = 15``, ``K = 1000``,
``λ = 0.001``, ``d = 100``, uniform words.  ``type3`` works on the full set,
so its ``K`` defaults to ``n_c**L``.  With ``--latent-file F`` or ``--code
NAME``, H_Z uses that set's sphere sizes and ``K`` is the set's size.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

import mpmath

from .._precision import check_dps, fraction_to_mpf
from ..errors import NoNontrivialSolution
from ..setting import Setting
from ._output import print_json
from ._setting_flags import SettingFlags, add_setting_flags, latent_source_from_flags, problem_from_flags, setting_from_flags

KINDS = ("type1", "type2", "type3", "threshold")
#: The paper's defaults; ``--latent-file``/``--code`` give H_Z with the set's |S_r| (K = its size).
FLAGS = SettingFlags(latent=True, default_help={"K": "the set's size with --latent-file/--code, else 1000; type3: the full set"})


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="certified closed-form predictions (theorems 1-3, λ thresholds)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=KINDS, help="type1 (theorem 1), type2 (theorem 3), type3 (theorem 2), threshold")
    add_setting_flags(parser, FLAGS, title="setting (defaults: the paper's experiment)")
    parser.add_argument("--dps", default=30, type=int, help="significant digits, 15..1000 (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def setting_and_profile(args, spec: SettingFlags):
    """The setting of the flags and, with ``--latent-file``/``--code``, the set's |S_r| profile
    (``K`` is then the set's size unless ``--K`` is given).  A note on stderr says whether H_Z is
    exact (lemma B holds) or an approximation."""
    if latent_source_from_flags(args, spec) is None:
        return setting_from_flags(args, spec), None
    from ..latent import sphere_sizes

    problem = problem_from_flags(args, spec)
    source = problem.source.describe()
    profile = sphere_sizes(problem.latent, problem.n_c, source=source, progress=sys.stderr.isatty())
    status = "exact: lemma B holds" if profile.exact else "APPROXIMATION: lemma B fails, mean sphere sizes used"
    print(f"note: H_Z from the sphere sizes of {source} ({status})", file=sys.stderr)
    return problem.setting, profile


def run(args) -> int:
    from .. import predict as _predict

    dps = check_dps(args.dps)
    spec = dataclasses.replace(FLAGS, K_default="full") if args.kind == "type3" else FLAGS
    setting, profile = setting_and_profile(args, spec)
    if args.kind == "type1":
        try:  # above lambda_I predict_type1 raises, as predict_type3 does above eq. 9
            result = _predict.predict_type1(setting, dps=dps, sphere_sizes=profile)
        except NoNontrivialSolution as exc:
            raise NoNontrivialSolution(f"{exc}; `fctheory predict threshold` gives both thresholds",
                                       threshold=exc.threshold, risk=exc.risk) from None
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
        print_json(payload)
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
        lam = mpmath.nstr(fraction_to_mpf(setting.lam), 6)
    return f"n_c={setting.n_c} s_c={setting.s_c} L={setting.L} K={K} d={setting.d} λ={lam} μ={setting.mu.spec()}"
