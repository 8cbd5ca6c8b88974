"""``fctheory measure``: collapse measurements of any weights (an .npz with W and U), trained anywhere.

Reads ``W`` (d, n_w) and ``U`` (K, L*d) from an ``.npz`` file and prints the
rotation-invariant measurements of :func:`fctheory.train.measure_collapse`.
"""

from __future__ import annotations

from ._output import print_json
from ._setting_flags import SettingFlags, add_command, add_setting_flags, params_from_flags

FLAGS = SettingFlags(fields=("n_c", "s_c", "L"), required=("n_c", "s_c", "L"), latent=True)


def register(subparsers) -> None:
    p = add_command(subparsers, "measure", __doc__, run)
    p.add_argument("weights", metavar="WEIGHTS.npz",
                   help="file with arrays W (d, n_w) and U (K, L*d), and optionally 'latent' (K, L): the latent set")
    add_setting_flags(p, FLAGS, title="setting and latent set (default: the file's own 'latent', else the full set)")
    p.add_argument("--network", choices=("h", "h*"), default="h", help="h (default) or h* (LayerNorm'd features)")
    p.add_argument("--tol", type=float, default=None, help="verdict tolerance (default 1e-6)")


def run(args) -> int:
    from ..operations import MeasureSpec

    m = MeasureSpec.from_params(params_from_flags(args, FLAGS, "weights", "network", "tol")).run()
    if args.json:
        print_json(m.to_dict(), indent=2)
        return 0
    print(f"network {m.network}: n_c={m.n_c} s_c={m.s_c} L={m.L} d={m.d} K={m.K}")
    print(f"collapse verdict (tol {m.tol:g}): {m.collapse_verdict}")
    rows = [
        ("||W||_F", m.w_frobenius), ("||U||_F", m.u_frobenius),
        ("within-concept spread  max(1 - cos)", m.within_concept_spread),
        ("equiangular error  max|cos + 1/(n_c-1)|", m.equiangular_error),
        ("word norm spread  (max-min)/mean", m.word_norm_spread),
        ("r_b across-concept spread", m.r_concept_spread),
        ("u_{k,l} norm mean", m.u_norm_mean), ("u_{k,l} norm spread  (max-min)/mean", m.u_norm_spread),
        ("u alignment  min cos(u_{k,l}, m_{z_{k,l}})", m.u_alignment),
    ]
    for name, value in rows:
        print(f"  {name:<44} {value:.6e}")
    print("  r_b (mean word norm by rank b): " + ", ".join(f"{v:.6g}" for v in m.r_by_rank))
    return 0
