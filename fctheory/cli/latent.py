"""``fctheory latent check``: symmetry of a latent set: assumption A (eq. 35), lemma B, assumption B (eq. 44).

The latent set is the full set ``[n_c]^L`` unless ``--K``, ``--latent-file`` or ``--code`` names
another; a code's alphabet size and length must be ``--n-c`` and ``--L``.

``--json`` prints one object with the keys ``assumption_a`` {``holds``,
``deviation``, ...}, ``lemma_b`` {``holds``, ``i``, ``ii``, ``iii``, ...} and
``assumption_b`` {``holds``, ``nullspace_dim``, ``witness``, ...}.
"""

from __future__ import annotations

import sys

from ._output import print_json
from ._setting_flags import SettingFlags, add_command, add_setting_flags, params_from_flags

FLAGS = SettingFlags(fields=("n_c", "L", "K"), required=("n_c", "L"), K_random=True, latent=True,
                     latent_file_aliases=("--file",), seed_default=None,
                     seed_help="seed of the random subset (with --K; default 0)")


def register(subparsers) -> None:
    parser = add_command(subparsers, "latent", __doc__, json=None)
    sub = parser.add_subparsers(dest="latent_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    check = add_command(sub, "check", __doc__, run, help="decide assumption A, lemma B and assumption B")
    add_setting_flags(check, FLAGS, title="latent set")


def run(args) -> int:
    from ..operations import LatentCheckSpec

    result = LatentCheckSpec.from_params(params_from_flags(args, FLAGS)).run(progress=sys.stderr.isatty())
    if args.json:
        print_json(result.to_dict())
        return 0
    sys.stdout.write(_table(result))
    return 0


def _yes(flag: bool) -> str:
    return "holds" if flag else "FAILS"


def _table(res) -> str:
    a, b, c = res.assumption_a, res.lemma_b, res.assumption_b
    lines = [f"fctheory latent check    n_c={res.n_c} L={res.L} K={res.K}    {res.source}"]
    if a.holds:
        lines.append(f"  assumption A (eq. 35)   {_yes(True)}")
    else:
        ratio = "n/a" if a.deviation_ratio is None else f"{a.deviation_ratio:.3g}"
        lines.append(f"  assumption A (eq. 35)   {_yes(False)}   deviation {a.deviation:.4g} "
                     f"(random-subset noise level {a.noise_level:.4g}; ratio {ratio})")
        if not a.integral:
            lines.append("                          (K/n_c^L is not an integer: only the full set satisfies eq. 35)")
    props = "  ".join(f"({n}) {'yes' if v else 'no'}" for n, v in (("i", b.i), ("ii", b.ii), ("iii", b.iii)))
    lines.append(f"  lemma B                 {_yes(b.holds)}   {props}")
    if b.sphere_sizes is not None:
        lines.append(f"                          |S_r|, r=1..L: {' '.join(str(v) for v in b.sphere_sizes)}")
    if b.iii and any(t is not None for t in b.theta):
        thetas = " ".join("-" if t is None else str(t) for t in b.theta)
        lines.append(f"                          theta_r: {thetas}")
    if not b.holds:
        lines.append(f"                          {b.reason}")
        lines.append(f"                          deviations (i) {b.deviation_i:.4g} (random-subset level "
                     f"{b.noise_i:.4g})  (ii) {b.deviation_ii:.4g} (level {b.noise_ii:.4g})  "
                     f"(iii) {b.deviation_iii:.4g}")
    lines.append(f"  assumption B (eq. 44)   {_yes(c.holds)}   solution space dimension {c.nullspace_dim} "
                 f"(holds iff 2); rank {c.rank}; {c.n_keys} distinct keys; {c.pairs_examined} pairs scanned"
                 f"{' (stopped at full rank)' if c.early_stop else ''}")
    if c.witness is not None:
        lines.append("                          witness direction B (solves eq. 44, orthogonal to I and 1 1^T):")
        for row in c.witness:
            lines.append("                            " + " ".join(f"{v:>4}" for v in row))
        lines.append(f"                          I/n_c + {c.epsilon} B is PSD and outside {{aI + b 11^T}}")
    return "\n".join(lines) + "\n"
