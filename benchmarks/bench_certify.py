"""Benchmark of the theorem G certificate: solve time against problem size.

For a ladder of full-set settings (Zipf words, λ = λ₉/2) it prints the size
of the conic program (exponential cones, the shape n_w x KL of D, the PSD
cones of the nuclear norm), Clarabel's solve time, the wall time of
``certify_optimum`` (build + solve + polish + bounds) and the certified width,
and compares, in the same run, the default ``blocks`` SDP form of the
nuclear norm with the baseline ``joint`` form (cvxpy ``normNuc``: one PSD
cone of size n_w + KL).  It reports the largest setting of the ladder
certified to a relative gap <= 1e-9 in under 60 s of wall time.

Then, in the same run, the first-order method (``method="first-order"``:
FISTA through the exact-risk engine, no sentence table) on a ladder up to
``n_w^L K ~ 1e9``, from its default warm start (theorem 2's type-III point) and,
as the measure of the solver itself, from ``D = 0``; and the largest setting
each method certified to a relative gap <= 1e-9 within 60 s.  The machine's
load (``os.getloadavg``) is printed at the start and the end: the timings are
wall-clock times on a shared machine.

Run:  ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_certify.py``
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from fctheory import ProblemTooLarge, Setting, lambda_thresholds  # noqa: E402
import numpy as np  # noqa: E402

from fctheory.certify import certify_optimum, problem_size, solve_first_order  # noqa: E402
from fctheory.problem import as_problem  # noqa: E402

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
#: Full-set settings for the first-order method, in increasing n_w**L * K (6e4 to 1.1e9).
FIRST_ORDER_LADDER = [(2, 3, 3), (2, 3, 5), (3, 4, 4), (3, 4, 5), (3, 5, 5), (3, 3, 6), (2, 3, 8), (4, 4, 5)]
REL_GAP = 1e-9
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
        cert = certify_optimum(setting, method="cvxpy", nuclear_form=form, fallback=False,
                               solver_options={"time_limit": time_limit})
    except VerificationError as exc:
        return None, time.perf_counter() - start, str(exc)
    return cert, time.perf_counter() - start, ""


def main() -> int:
    header = (
        f"{'n_c s_c L':>10} {'K':>4} {'exp cones':>10} {'D shape':>10} {'PSD (blocks)':>14} {'solve s':>8} "
        f"{'wall s':>8} {'width':>9} | {'joint PSD':>9} {'solve s':>8} {'wall s':>8} {'joint/blocks':>12}"
    )
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
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
            certified = cert.gap <= REL_GAP * max(1.0, abs(cert.optimal_value))
            if certified and (largest is None or size.exp_cones > largest[1].exp_cones):
                largest = (label, size, wall)
        else:
            over += 1
            if over == 2:
                break
    if largest:
        label, size, wall = largest
        print(f"\ncvxpy: largest setting certified (relative gap <= {REL_GAP:g}) in under {BUDGET:.0f} s: n_c s_c L = {label} "
              f"({size.exp_cones} exp cones, D {size.n_w}x{size.KL}, {size.psd_cones} PSD cones of size {size.psd_size}), "
              f"{wall:.1f} s wall")
    try:
        certify_optimum(Setting(*REFUSED, "1/1000", mu="zipf"))
    except ProblemTooLarge as exc:
        print(f"refused before building (n_c s_c L = {' '.join(map(str, REFUSED))}): {exc}")
    first_order(largest)
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _rel(upper, lower):
    return (upper - lower) / max(1.0, abs(upper))


def first_order(cvxpy_largest) -> None:
    """The first-order ladder: warm start (default) and zero start, and the largest certified of each."""
    print(f"\nfirst-order (FISTA on the exact-risk engine), relative gap target {REL_GAP:g}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = (f"{'n_c s_c L':>10} {'K':>5} {'n_w^L K':>9} {'D shape':>9} | {'warm: its':>9} {'rel gap':>8} {'wall s':>7} "
              f"| {'zero: its':>9} {'evals':>6} {'rel gap':>8} {'wall s':>7} | {'|diff|':>8}")
    print(header)
    print("-" * len(header))
    best = {"warm": None, "zero": None}
    for n_c, s_c, L in FIRST_ORDER_LADDER:
        s = setting_for(n_c, s_c, L)
        work = s.n_w**L * s.K
        label = f"{n_c} {s_c} {L}"
        t0 = time.perf_counter()
        warm = certify_optimum(s, method="first-order", time_limit=2 * BUDGET)
        wwall = time.perf_counter() - t0
        t0 = time.perf_counter()
        cold = solve_first_order(as_problem(s), start=np.zeros((s.n_w, s.K * s.L)), rel_gap=REL_GAP,
                                 time_limit=2 * BUDGET, max_iter=5000)
        cwall = time.perf_counter() - t0
        wrel, crel = _rel(warm.optimal_value, warm.lower_bound), _rel(cold.upper, cold.lower)
        print(f"{label:>10} {s.K:>5} {work:>9.2e} {f'{s.n_w}x{s.K * s.L}':>9} | {warm.iterations:>9} {wrel:>8.1e} "
              f"{wwall:>7.2f} | {cold.iterations:>9} {cold.evaluations:>6} {crel:>8.1e} {cwall:>7.2f} | "
              f"{abs(warm.optimal_value - cold.upper):>8.1e}", flush=True)
        for name, rel, wall in (("warm", wrel, wwall), ("zero", crel, cwall)):
            if rel <= REL_GAP and wall < BUDGET and (best[name] is None or work > best[name][1]):
                best[name] = (label, work, wall)
    print()
    if cvxpy_largest:
        label, size, wall = cvxpy_largest
        n_c, s_c, L = map(int, label.split())
        work = (n_c * s_c) ** L * n_c**L
        print(f"largest certified to relative gap <= {REL_GAP:g} within {BUDGET:.0f} s, cvxpy:                    "
              f"n_c s_c L = {label}  (n_w^L K = {work:.2e}, {wall:.1f} s)")
    for name, text in (("warm", "first-order (type-III warm start):"), ("zero", "first-order (from D = 0):        ")):
        if best[name]:
            label, work, wall = best[name]
            print(f"largest certified to relative gap <= {REL_GAP:g} within {BUDGET:.0f} s, {text} "
                  f"n_c s_c L = {label}  (n_w^L K = {work:.2e}, {wall:.1f} s)")


if __name__ == "__main__":
    sys.exit(main())
