"""``fctheory certify``: the global minimum of R (theorem G), certified, against the predicted minimum.

Solves the convex program ``min_D f(D) + λ ||D||_*`` of appendix G with cvxpy
(Clarabel, SCS as fallback), bounds its minimum from both sides, and compares
it with the paper's prediction for the setting: ``H(τ)`` (theorem 1, uniform
words), ``F(c, r)`` at the type-III point (theorem 2, other word laws on the
full set) or ``H_Z`` (lemma K with the latent set's own distance profile).
"""

from __future__ import annotations

import sys

from ._output import print_json
from ._setting_flags import SettingFlags, add_command, add_setting_flags, params_from_flags

FLAGS = SettingFlags(fields=("n_c", "s_c", "L", "K", "lam", "mu"), required=("n_c", "s_c", "L", "lam"),
                     K_random=True, latent=True,
                     seed_help="seed of the random latent set and of --train's initialization")


def register(subparsers) -> None:
    p = add_command(subparsers, "certify", __doc__, run)
    add_setting_flags(p, FLAGS)
    p.add_argument("--solver", choices=("CLARABEL", "SCS"), default="CLARABEL",
                   help="conic solver tried first (default CLARABEL; the other is the fallback)")
    p.add_argument("--nuclear-form", choices=("blocks", "joint"), default="blocks",
                   help="SDP form of the nuclear norm (default blocks)")
    p.add_argument("--method", choices=("auto", "cvxpy", "first-order"), default="auto",
                   help="cvxpy's conic program, FISTA on the exact-risk engine, or auto (cvxpy when small; default)")
    p.add_argument("--dps", default=30, type=int, help="digits of the predictions (default 30)")
    p.add_argument("--train", action="store_true",
                   help="also train network h (d = min(n_w, K L) + 1, init seed --seed) and compare its minimum")


def run(args) -> int:
    from ..operations import CertifySpec

    params = params_from_flags(args, FLAGS, "solver", "nuclear_form", "method", "dps", "train")
    report = CertifySpec.from_params(params).run()
    if args.json:
        print_json(report.to_dict())
        return 0
    cert, cmp, thr, trained = report.certificate, report.comparison, report.threshold, report.trained
    setting, s = cert.setting, cert.size
    lines = [
        f"fctheory certify    n_c={setting.n_c} s_c={setting.s_c} L={setting.L} K={setting.K} λ={setting.lam} "
        f"μ={setting.mu.spec()}    latent: {report.latent_set}",
        f"  program        n_w x KL = {s.n_w} x {s.KL}, {s.exp_cones} exp cones, {s.psd_cones} PSD cones of size "
        f"{s.psd_size}",
        f"  solver         {cert.solver} status {cert.status}, {cert.iterations} iterations, {cert.solve_time:.3g} s"
        + (f" (fallback: {cert.fallback_reason})" if cert.fallback_reason else "")
        + ("; the bounds below do not rely on the status: both are recomputed from the solver's D"
           if cert.status != "optimal" else ""),
        f"  global min     in [{cert.lower_bound:.12g}, {cert.optimal_value:.12g}]  (width {cert.gap:.3g}; "
        f"solver gap {cert.solver_gap:.3g})",
        f"  prediction     {cmp.prediction}: {cmp.predicted_value:.12g}",
        f"  difference     {cmp.difference:.3g} (predicted - certified)  -> {cmp.verdict}",
        f"  ||∇f(D_pred)||_op / λ = {cmp.gradient_ratio:.12g}  (<= 1 proves the prediction optimal, claim H)",
        f"  ||D_opt - D_pred||_F / ||D_pred||_F = {cmp.d_difference:.3g}",
        f"  λ threshold    ||∇f(0)||_op = {thr.value_float:.12g}  (D = 0 optimal iff λ >= it)",
    ]
    if trained is not None:
        lines.append(f"  trained (d={trained['d']}) R = {trained['predicted_value']:.12g}, difference "
                     f"{trained['difference']:.3g} -> {trained['verdict']}; "
                     f"||D_opt - D_trained||_F / ||D_trained||_F = {trained['d_difference']:.3g}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
