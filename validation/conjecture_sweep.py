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

The settings are the two grids ``validation/grids/conjecture.toml`` (certificates) and
``validation/grids/conjecture-claim-h.toml`` (the scan): this script runs them with the sweep
(``fctheory sweep`` would give the same rows), cached under ``validation/conjecture-sweep/`` so an
interrupted run resumes, and turns their rows into the table.

Run:  ``OMP_NUM_THREADS=1 .venv/bin/python validation/conjecture_sweep.py [--jobs N]``
Writes ``validation/conjecture_sweep.json``, ``validation/conjecture_table.md``
and the table section of ``docs/certify.md`` (between its markers).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# before numpy is imported: the BLAS reads it when it loads
os.environ.setdefault("OMP_NUM_THREADS", "1")

from fctheory._io import write_json  # noqa: E402
from fctheory.registry import load_grid  # noqa: E402
from fctheory.sweep import run_grid  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GRIDS = ROOT / "validation" / "grids"
OUT_DIR = ROOT / "validation" / "conjecture-sweep"
OUT_JSON = ROOT / "validation" / "conjecture_sweep.json"
OUT_MD = ROOT / "validation" / "conjecture_table.md"
DOC = ROOT / "docs" / "certify.md"
BEGIN, END = "<!-- conjecture-table:begin -->", "<!-- conjecture-table:end -->"
#: |claim-H ratio - 1| below this is float64 rounding of a spectral norm of an O(1) gradient from ~1e4 terms.
CLAIM_H_TOL = 1e-9
#: Digits of the certificates' claim-H ratio (the grid's claim_h_dps) and of the scan (claim-h's default).
CLAIM_H_DPS, SCAN_DPS = 40, 25


def certificate_row(r: dict) -> dict:
    """One row of the table from a ``certify`` grid row (the key names of the earlier script)."""
    claim = r["gradient_ratio"] - 1.0
    mp = float(r["claim_h_mp_ratio_minus_1"])
    if mp > 10.0 ** -(CLAIM_H_DPS - 5) or claim > CLAIM_H_TOL or r["verdict"] == "not globally optimal":
        verdict = "type III NOT globally optimal"
    elif r["verdict"] == "consistent":
        verdict = "type III globally optimal (claim H)"
    else:
        verdict = r["verdict"]
    width = r["gap"]
    return {"n_c": r["n_c"], "s_c": r["s_c"], "L": r["L"], "K": r["certificate"]["setting"]["K"], "mu": r["mu"],
            "lam": r["lam"], "lam_over_threshold": r["lam_over_threshold"], "threshold_eq9": r["threshold"],
            "F_type3": r["predicted_value"], "lower": r["lower_bound"], "upper": r["optimal_value"], "width": width,
            "solver_gap": r["solver_gap"], "status": r["solver_status"], "F_minus_upper": r["difference"],
            "F_minus_lower": r["excess"], "excess_over_width": r["excess"] / width if width > 0 else None,
            "claim_h_ratio_minus_1": claim, "claim_h_mp_ratio_minus_1": r["claim_h_mp_ratio_minus_1"],
            "claim_h_mp_dps": CLAIM_H_DPS, "d_difference": r["d_difference"], "exp_cones": r["exp_cones"],
            "seconds": r["seconds"], "verdict": verdict}


def scan_rows(rows: list) -> list:
    """The scan table: per (shape, law), the largest claim-H ratio over the grid's fractions of the threshold."""
    groups: dict = {}
    for r in rows:
        groups.setdefault((r["n_c"], r["s_c"], r["L"], r["mu"]), []).append(r)
    out = []
    for (n_c, s_c, L, mu), group in groups.items():
        worst = max(group, key=lambda r: float(r["claim_h_mp_ratio_minus_1"]))
        out.append({"n_c": n_c, "s_c": s_c, "L": L, "K": n_c**L, "mu": mu,
                    "lambda_fractions": [r["lam_over_threshold"] for r in group],
                    "max_ratio_minus_1": worst["claim_h_mp_ratio_minus_1"], "at_fraction": worst["lam_over_threshold"],
                    "dps": SCAN_DPS})
    return out


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
            f"| {r['n_c']} | {r['s_c']} | {r['L']} | {r['K']} | {r['mu']} | {r['lam_over_threshold']} "
            f"| {r['F_type3']:.12f} | {r['lower']:.12f} | {r['upper']:.12f} | {r['width']:.1e} "
            f"| {r['F_minus_upper']:.1e} | {ratio} | {r['solver_gap']:.1e} | {r['claim_h_ratio_minus_1']:.1e} "
            f"| {r['claim_h_mp_ratio_minus_1']} | {r['d_difference']:.1e} | {r['verdict']} |"
        )
    return head + "\n".join(lines) + "\n"


def write(rows, scan) -> str:
    write_json(OUT_JSON, {"complete": True, "rows": rows, "claim_h_scan": scan})
    n_bad = sum(r["verdict"].startswith("type III NOT") for r in rows)
    text = (
        f"{len(rows)} runs over {len({(r['n_c'], r['s_c'], r['L'], r['mu']) for r in rows})} full-set settings; "
        f"type III not globally optimal in {n_bad}; largest F − upper {max(r['F_minus_upper'] for r in rows):.1e}; "
        f"‖∇f(D_III)‖/λ − 1 in [{min(r['claim_h_ratio_minus_1'] for r in rows):.1e}, "
        f"{max(r['claim_h_ratio_minus_1'] for r in rows):.1e}] in float64, largest |·| at {CLAIM_H_DPS} digits "
        f"{max(abs(float(r['claim_h_mp_ratio_minus_1'])) for r in rows):.1e}; largest width "
        f"{max(r['width'] for r in rows):.1e}; total {sum(r['seconds'] for r in rows):.0f} s.\n\n" + table(rows))
    if scan:
        fractions = scan[0]["lambda_fractions"]
        text += (f"\n**Solver-free claim-H scan**: {len(scan) * len(fractions)} type-III points ({len(scan)} settings × "
                 f"λ/λ₉ ∈ {{{', '.join(fractions)}}}); largest ‖∇f(D_III)‖/λ − 1 at {SCAN_DPS} digits: "
                 f"{max(float(r['max_ratio_minus_1']) for r in scan):.1e}.\n\n" + scan_table(scan))
    OUT_MD.write_text(text, encoding="utf-8")
    doc = DOC.read_text(encoding="utf-8")
    if BEGIN in doc and END in doc:
        pre, rest = doc.split(BEGIN, 1)
        DOC.write_text(pre + BEGIN + "\n" + text + END + rest.split(END, 1)[1], encoding="utf-8")
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: this process)")
    args = parser.parse_args(argv)
    runs = {}
    for name in ("conjecture", "conjecture-claim-h"):
        run = run_grid(load_grid(GRIDS / f"{name}.toml"), OUT_DIR / name, workers=args.jobs)
        if run.failed:
            print(f"{run.failed} jobs of {name} failed; see {run.files['jsonl']}", file=sys.stderr)
            return 1
        runs[name] = [r for r in run.rows if r["status"] == "ok"]
    print(write([certificate_row(r) for r in runs["conjecture"]], scan_rows(runs["conjecture-claim-h"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
