"""Benchmark of the theorem G certificate: solve time against problem size.

For a ladder of full-set settings (Zipf words, λ = λ₉/2) it prints the size
of the conic program (exponential cones, the shape n_w x KL of D, the PSD
cones of the nuclear norm), Clarabel's solve time, the wall time of
``certify_optimum`` (build + solve + polish + bounds) and the certified width,
and compares, in the same run, the default ``blocks`` SDP form of the
nuclear norm with the baseline ``joint`` form (cvxpy ``normNuc``: one PSD
cone of size n_w + KL).  It reports the largest setting of the ladder
certified in under 60 s of wall time.

Run:  ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_certify.py``
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from fctheory import ProblemTooLarge, Setting, lambda_thresholds  # noqa: E402
from fctheory.certify import certify_optimum, problem_size  # noqa: E402

#: Full-set settings in increasing number of exponential cones.
LADDER = [
    (2, 2, 2),
    (2, 3, 3),
    (2, 2, 4),
    (3, 3, 3),
    (2, 2, 5),
    (3, 4, 3),
    (2, 4, 4),
    (3, 2, 4),
    (4, 3, 3),
    (2, 3, 5),
]
#: A setting past the size limits: refused before anything is built.
REFUSED = (3, 4, 6)
BUDGET = 60.0  # seconds of wall time for "certified in under 60 s"
JOINT_SKIP_AFTER = 30.0  # stop running the baseline once it takes longer than this


def setting_for(n_c, s_c, L):
    thr = lambda_thresholds(Setting(n_c, s_c, L, 1, mu="zipf")).type3.value
    return Setting(n_c, s_c, L, f"{float(thr) / 2:.6g}", mu="zipf")


def run(setting, form, time_limit):
    """certify_optimum with Clarabel only, its run time capped at ``time_limit`` seconds."""
    from fctheory import VerificationError

    start = time.perf_counter()
    try:
        cert = certify_optimum(setting, nuclear_form=form, fallback=False, solver_options={"time_limit": time_limit})
    except VerificationError as exc:
        return None, time.perf_counter() - start, str(exc)
    return cert, time.perf_counter() - start, ""


def main() -> int:
    header = (
        f"{'n_c s_c L':>10} {'K':>4} {'exp cones':>10} {'D shape':>10} {'PSD (blocks)':>14} {'solve s':>8} "
        f"{'wall s':>8} {'width':>9} | {'joint PSD':>9} {'solve s':>8} {'wall s':>8} {'joint/blocks':>12}"
    )
    print(header)
    print("-" * len(header))
    certify_optimum(Setting(2, 1, 2, "1/10"))  # warm-up: imports and cvxpy's first canonicalization
    largest = None
    joint_on = True
    over = 0
    for n_c, s_c, L in LADDER:
        s = setting_for(n_c, s_c, L)
        size = problem_size(s)
        label = f"{n_c} {s_c} {L}"
        cert, wall, why = run(s, "blocks", 2 * BUDGET)
        if cert is None or cert.status not in ("optimal", "optimal_inaccurate"):
            print(f"{label:>10} {s.K:>4} {size.exp_cones:>10} {f'{size.n_w}x{size.KL}':>10} "
                  f"{f'{size.psd_cones}x{size.psd_size}':>14} not certified within {2 * BUDGET:.0f} s ({why or cert.status})", flush=True)
            over += 1
            if over == 2:
                break
            continue
        line = (
            f"{label:>10} {s.K:>4} {size.exp_cones:>10} {f'{size.n_w}x{size.KL}':>10} "
            f"{f'{size.psd_cones}x{size.psd_size}':>14} {cert.solve_time:>8.2f} {wall:>8.2f} {cert.gap:>9.1e} |"
        )
        if joint_on:
            try:
                jcert, jwall, jwhy = run(s, "joint", 2 * BUDGET)
            except ProblemTooLarge:
                line += f" {size.n_w + size.KL:>9} {'refused (PSD size limit)':>30}"
                joint_on = False
            else:
                if jcert is None:
                    line += f" {size.n_w + size.KL:>9} {'over ' + str(int(2 * BUDGET)) + ' s':>30}"
                    joint_on = False
                else:
                    line += f" {size.n_w + size.KL:>9} {jcert.solve_time:>8.2f} {jwall:>8.2f} {jwall / wall:>11.1f}x"
                    joint_on = jwall <= JOINT_SKIP_AFTER
        else:
            line += f" {f'(baseline skipped: previous > {JOINT_SKIP_AFTER:.0f} s)':>36}"
        print(line, flush=True)
        if wall < BUDGET:
            over = 0
            if largest is None or size.exp_cones > largest[1].exp_cones:
                largest = (label, size, wall)
        else:
            over += 1
            if over == 2:
                break
    if largest:
        label, size, wall = largest
        print(f"\nlargest setting certified in under {BUDGET:.0f} s: n_c s_c L = {label} "
              f"({size.exp_cones} exp cones, D {size.n_w}x{size.KL}, {size.psd_cones} PSD cones of size {size.psd_size}), "
              f"{wall:.1f} s wall")
    try:
        certify_optimum(Setting(*REFUSED, "1/1000", mu="zipf"))
    except ProblemTooLarge as exc:
        print(f"refused before building (n_c s_c L = {' '.join(map(str, REFUSED))}): {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
