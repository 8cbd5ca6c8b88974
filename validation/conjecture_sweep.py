"""Evidence on the paper's open conjecture: is type III globally optimal?

Theorem 2 proves that the type-III configuration is a critical point of R
(network h, full set, non-uniform word law) and conjectures that it is the
global minimizer.  For every setting below this script

1. solves the convex program of theorem G (appendix G) with
   :func:`fctheory.certify.certify_optimum`, which brackets the global minimum of R
   in ``[lower, upper]`` (Fenchel-dual bound, objective at the solver's D);
2. computes the type-III point with :func:`fctheory.predict_type3` and its
   risk ``F(c, r)``;
3. reports ``F - upper`` (> 0 beyond rounding would refute the conjecture:
   a feasible point does better), ``(F - lower) / width`` (``<= 1`` means
   consistent with the solver's accuracy), and the solver-free test of
   claim H, ``||∇f(D_III)||_op / lam - 1`` (``<= 0`` up to float64
   rounding proves that type III is a global minimizer for ``d >= min(n_w,
   K L)``; ``> 0`` proves it is not), in float64 and again at 40 digits
   with :func:`fctheory.certify.claim_h_ratio`.

Phase 2 (solver-free) repeats the 40-digit claim-H test alone on more
settings: extreme word laws (Zipf exponents 1/2 to 4, one word with 99 % of
the mass) and λ from 1e-3 to 0.999 of the eq. 9 threshold.

Run:  ``OMP_NUM_THREADS=1 .venv/bin/python validation/conjecture_sweep.py``
Writes ``validation/conjecture_sweep.json``, ``validation/conjecture_table.md``
and the table section of ``docs/certify.md`` (between its markers).  Results
are saved after every setting, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import json
import os
import sys
import time
from fractions import Fraction
from pathlib import Path

# before numpy is imported: the BLAS reads it when it loads
os.environ.setdefault("OMP_NUM_THREADS", "1")

import mpmath  # noqa: E402
from tqdm import tqdm  # noqa: E402

from fctheory import Setting, lambda_thresholds, predict_type3  # noqa: E402
from fctheory.certify import certify_optimum, claim_h_ratio, compare_type3  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT_JSON = ROOT / "validation" / "conjecture_sweep.json"
OUT_MD = ROOT / "validation" / "conjecture_table.md"
DOC = ROOT / "docs" / "certify.md"
BEGIN, END = "<!-- conjecture-table:begin -->", "<!-- conjecture-table:end -->"

#: (n_c, s_c, L, mu): full sets, non-uniform word laws.
SETTINGS = [
    (2, 2, 1, "zipf"),
    (2, 2, 2, "zipf"),
    (2, 2, 3, "zipf"),
    (2, 2, 4, "zipf"),
    (2, 2, 2, "9/10,1/10"),
    (2, 2, 3, "9/10,1/10"),
    (2, 3, 2, "zipf"),
    (2, 3, 3, "zipf"),
    (2, 3, 2, "4/7,2/7,1/7"),
    (2, 3, 3, "zipf:2"),
    (2, 4, 2, "zipf"),
    (2, 4, 2, "4/10,3/10,2/10,1/10"),
    (2, 4, 3, "zipf"),
    (2, 5, 2, "zipf"),
    (3, 2, 1, "zipf"),
    (3, 2, 2, "zipf"),
    (3, 2, 3, "zipf"),
    (3, 2, 2, "9/10,1/10"),
    (3, 3, 2, "zipf"),
    (3, 3, 2, "zipf:2"),
    (3, 3, 3, "zipf"),
    (4, 2, 2, "zipf"),
    (4, 3, 2, "zipf"),
    (5, 2, 2, "zipf"),
]
#: The solver-free claim-H scan (phase 2): more settings, extreme laws, λ down to
#: 1e-3 and up to 0.999 of the eq. 9 threshold.
SCAN_SHAPES = [(2, 2, 2), (2, 2, 3), (2, 3, 2), (2, 4, 2), (2, 5, 2), (2, 6, 2), (2, 3, 3), (2, 2, 4),
               (3, 2, 2), (3, 3, 2), (3, 4, 2), (3, 2, 3), (4, 2, 2), (4, 3, 2), (5, 2, 2)]
SCAN_LAWS = ("zipf:1/2", "zipf:1", "zipf:2", "zipf:4", "skewed")
SCAN_FRACTIONS = (Fraction(1, 1000), Fraction(1, 100), Fraction(1, 3), Fraction(99, 100), Fraction(999, 1000))
SCAN_DPS = 25

#: λ as fractions of the eq. 9 threshold (all below it).
LAMBDA_FRACTIONS = (Fraction(1, 100), Fraction(1, 10), Fraction(1, 2), Fraction(9, 10))
#: |claim-H ratio - 1| below this is float64 rounding of a spectral norm of an
#: O(1) gradient computed from ~1e4 terms.
CLAIM_H_TOL = 1e-9
#: Digits of the high-precision claim-H ratio (inputs c, r from predict_type3 at CLAIM_H_DPS + 20).
CLAIM_H_DPS = 40
#: |ratio - 1| below this at CLAIM_H_DPS digits counts as ratio = 1.
with mpmath.workdps(CLAIM_H_DPS):
    CLAIM_H_MP_TOL = mpmath.mpf(10) ** -(CLAIM_H_DPS - 5)


def lam_below_threshold(n_c, s_c, L, mu, frac):
    """``frac`` times the eq. 9 threshold, rounded to 6 significant digits (exact decimal)."""
    thr = lambda_thresholds(Setting(n_c, s_c, L, 1, mu=mu), dps=30).type3.value
    with mpmath.workdps(30):
        text = mpmath.nstr(thr * mpmath.mpf(frac.numerator) / frac.denominator, 6)
    return text, float(thr)


def run_one(n_c, s_c, L, mu, frac):
    lam, thr = lam_below_threshold(n_c, s_c, L, mu, frac)
    s = Setting(n_c, s_c, L, lam, mu=mu)
    start = time.perf_counter()
    cert = certify_optimum(s)
    cmp = compare_type3(cert)
    width = cert.gap
    claim_h = cmp.gradient_ratio - 1.0
    p3 = predict_type3(s, dps=CLAIM_H_DPS + 20)
    claim_mp = claim_h_ratio(s, p3.c, p3.r, dps=CLAIM_H_DPS).ratio_minus_one
    if claim_mp > CLAIM_H_MP_TOL or claim_h > CLAIM_H_TOL or cmp.verdict == "not globally optimal":
        verdict = "type III NOT globally optimal"
    elif cmp.verdict == "consistent":  # and claim_mp <= CLAIM_H_MP_TOL (the branch above)
        verdict = "type III globally optimal (claim H)"
    else:
        verdict = cmp.verdict
    return {
        "n_c": n_c, "s_c": s_c, "L": L, "K": s.K, "mu": s.mu.spec() if s.mu.kind != "explicit" else mu,
        "lam": lam, "lam_over_threshold": float(frac), "threshold_eq9": thr,
        "F_type3": cmp.predicted_value, "lower": cert.lower_bound, "upper": cert.optimal_value,
        "width": width, "solver_gap": cert.solver_gap, "status": cert.status, "solver": cert.solver,
        "F_minus_upper": cmp.difference, "F_minus_lower": cmp.excess,
        "excess_over_width": cmp.excess / width if width > 0 else None,
        "claim_h_ratio_minus_1": claim_h, "claim_h_mp_ratio_minus_1": mpmath.nstr(claim_mp, 3),
        "claim_h_mp_dps": CLAIM_H_DPS, "d_difference": cmp.d_difference,
        "exp_cones": cert.size.exp_cones, "seconds": time.perf_counter() - start,
        "verdict": verdict,
    }


def skewed_law(s_c: int) -> str:
    """``mu = (1 - eps, eps/(s_c-1), ...)`` with ``eps = 1/100``: one dominant word."""
    rest = Fraction(1, 100) / (s_c - 1)
    return ",".join(str(v) for v in [Fraction(99, 100)] + [rest] * (s_c - 1))


def scan_one(n_c, s_c, L, law):
    """max over SCAN_FRACTIONS of ``||∇f(D_III)||_op / lam - 1`` at SCAN_DPS digits."""
    mu = skewed_law(s_c) if law == "skewed" else law
    worst = None
    for frac in SCAN_FRACTIONS:
        lam, _ = lam_below_threshold(n_c, s_c, L, mu, frac)
        s = Setting(n_c, s_c, L, lam, mu=mu)
        p3 = predict_type3(s, dps=SCAN_DPS + 20)
        excess = claim_h_ratio(s, p3.c, p3.r, dps=SCAN_DPS).ratio_minus_one
        if worst is None or excess > worst[0]:
            worst = (excess, frac)
    return {"n_c": n_c, "s_c": s_c, "L": L, "K": n_c**L, "mu": law if law != "skewed" else f"skewed ({mu})",
            "lambda_fractions": [str(f) for f in SCAN_FRACTIONS], "max_ratio_minus_1": mpmath.nstr(worst[0], 3),
            "at_fraction": str(worst[1]), "dps": SCAN_DPS}


def scan_table(rows) -> str:
    head = ("| n_c | s_c | L | K | mu | max over λ/λ₉ of ‖∇f(D_III)‖/λ − 1 (25 digits) | at λ/λ₉ |\n"
            "|---|---|---|---|---|---|---|\n")
    return head + "\n".join(
        f"| {r['n_c']} | {r['s_c']} | {r['L']} | {r['K']} | {r['mu']} | {r['max_ratio_minus_1']} | {r['at_fraction']} |"
        for r in rows) + "\n"


def table(rows) -> str:
    head = (
        "| n_c | s_c | L | K | mu | λ/λ₉ | F(type III) | lower | upper | width | F − upper | (F − lower)/width "
        "| solver gap | ‖∇f(D_III)‖/λ − 1 (float64) | same, 40 digits | ‖D*−D_III‖/‖D_III‖ | verdict |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for r in rows:
        ratio = "—" if r["excess_over_width"] is None else f"{r['excess_over_width']:.2f}"
        lines.append(
            f"| {r['n_c']} | {r['s_c']} | {r['L']} | {r['K']} | {r['mu']} | {r['lam_over_threshold']:g} "
            f"| {r['F_type3']:.12f} | {r['lower']:.12f} | {r['upper']:.12f} | {r['width']:.1e} "
            f"| {r['F_minus_upper']:.1e} | {ratio} | {r['solver_gap']:.1e} | {r['claim_h_ratio_minus_1']:.1e} "
            f"| {r['claim_h_mp_ratio_minus_1']} | {r['d_difference']:.1e} | {r['verdict']} |"
        )
    return head + "\n".join(lines) + "\n"


def write(rows, complete: bool, scan=()) -> None:
    OUT_JSON.write_text(json.dumps({"complete": complete, "rows": rows, "claim_h_scan": list(scan)}, indent=1) + "\n",
                        encoding="utf-8")
    n_bad = sum(r["verdict"].startswith("type III NOT") for r in rows)
    summary = (
        f"{len(rows)} runs over {len({(r['n_c'], r['s_c'], r['L'], r['mu']) for r in rows})} full-set settings"
        f"{'' if complete else ' (interrupted run)'}; type III not globally optimal in {n_bad}; "
        f"largest F − upper {max(r['F_minus_upper'] for r in rows):.1e}; "
        f"‖∇f(D_III)‖/λ − 1 in [{min(r['claim_h_ratio_minus_1'] for r in rows):.1e}, "
        f"{max(r['claim_h_ratio_minus_1'] for r in rows):.1e}] in float64, largest |·| at {CLAIM_H_DPS} digits "
        f"{max(abs(float(r['claim_h_mp_ratio_minus_1'])) for r in rows):.1e}; largest width {max(r['width'] for r in rows):.1e}; "
        f"total {sum(r['seconds'] for r in rows):.0f} s.\n\n"
    )
    text = summary + table(rows)
    if scan:
        n_runs = len(scan) * len(SCAN_FRACTIONS)
        text += (
            f"\n**Solver-free claim-H scan**: {n_runs} type-III points ({len(scan)} settings × λ/λ₉ ∈ "
            f"{{{', '.join(str(f) for f in SCAN_FRACTIONS)}}}); largest ‖∇f(D_III)‖/λ − 1 at {SCAN_DPS} digits: "
            f"{max(float(r['max_ratio_minus_1']) for r in scan):.1e}.\n\n" + scan_table(scan)
        )
    OUT_MD.write_text(text, encoding="utf-8")
    if DOC.exists():
        doc = DOC.read_text(encoding="utf-8")
        if BEGIN in doc and END in doc:
            pre, rest = doc.split(BEGIN, 1)
            _, post = rest.split(END, 1)
            DOC.write_text(pre + BEGIN + "\n" + text + END + post, encoding="utf-8")


def main() -> int:
    jobs = [(*s, f) for s in SETTINGS for f in LAMBDA_FRACTIONS]
    rows, scan = [], []
    try:
        for job in tqdm(jobs, desc="conjecture sweep (certificates)", file=sys.stderr):
            rows.append(run_one(*job))
            write(rows, complete=False)
        shapes = [(*shape, law) for shape in SCAN_SHAPES for law in SCAN_LAWS]
        for job in tqdm(shapes, desc="conjecture sweep (claim-H scan)", file=sys.stderr):
            scan.append(scan_one(*job))
            write(rows, complete=False, scan=scan)
    except KeyboardInterrupt:
        print(f"interrupted after {len(rows)} runs and {len(scan)} scan settings; partial results saved", file=sys.stderr)
        return 130
    write(rows, complete=True, scan=scan)
    print(OUT_MD.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
