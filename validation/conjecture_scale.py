"""The type-III conjecture at the exact-risk engine's scale (theorem G certificates, first-order).

Theorem 2 proves that the type-III configuration is a critical point of R
(network h, full set, non-uniform word law) and conjectures that it is the
global minimizer.  ``validation/conjecture_sweep.py`` tests it with cvxpy up to
``n_w^L K ~ 1e5``; this script tests it where the validation suites train,
``n_w^L K`` from 1e7 to 4e9, with the first-order certificate of
:func:`fctheory.certify.solve_first_order` (exact-risk engine, no sentence table).

For every setting (full set, Zipf words, λ from 1e-3 to 0.999 of the eq. 9
threshold) one row:

* ``F_type3``: the risk F(c, r) at theorem 2's point (:func:`fctheory.predict_type3`, 30 digits);
* a certificate from the zero start (independent of the prediction): FISTA with
  backtracking, adaptive restart and L-BFGS polish until the certified relative gap
  is <= 1e-9 (``cold_upper``, ``cold_lower``, iterations, seconds);
* the type-III point's own bracket: ``III_upper = f(D_III) + lam ||D_III||_*``
  and the engine's Fenchel-dual bound at D_III (``III_lower``);
* ``F_minus_upper = F_type3 - cold_upper`` (> rounding would refute the
  conjecture: a feasible point does better) and ``F_minus_lower = F_type3 - lower``
  (``lower`` = the better of the two lower bounds);
* ``claim_h_ratio_minus_1 = ||∇f(D_III)||_op / lam - 1`` in float64 through the
  engine (claim H: <= 0 up to rounding proves type III globally optimal when
  ``d >= min(n_w, K L)``).  The 40-digit version of
  :func:`fctheory.certify.claim_h_ratio` enumerates every sentence in mpmath
  and is out of reach at these sizes (its limit is 2e6 terms).

Resumable: each finished row is appended as one JSON line to ``--out``, and rows
already there are skipped.  ``--markdown`` rewrites the at-scale table section
of docs/certify.md (between its markers) and validation/conjecture_scale.md
from the JSON lines.

``--against-sweep`` instead re-certifies, with the first-order method from
``D = 0``, every setting ``validation/conjecture_sweep.py`` certified with cvxpy
and checks that the two brackets overlap (``validation/conjecture_scale_vs_cvxpy.json``).

Run:  ``OMP_NUM_THREADS=1 python validation/conjecture_scale.py --out /work/wt/certify-runs/conjecture_scale.jsonl``
"""

from __future__ import annotations

import argparse
import json
import os
import time
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import mpmath  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from fctheory import Setting, lambda_thresholds, predict_type3  # noqa: E402
from fctheory.certify import EngineObjective, solve_first_order, type3_D  # noqa: E402
from fctheory.problem import as_problem  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "validation" / "conjecture_scale.jsonl"
OUT_MD = ROOT / "validation" / "conjecture_scale.md"
DOC = ROOT / "docs" / "certify.md"
BEGIN, END = "<!-- conjecture-scale:begin -->", "<!-- conjecture-scale:end -->"

#: (n_c, s_c, L): full sets with n_w**L * K from 1.4e7 to 4.3e9, in increasing cost.
SHAPES = [(3, 3, 5), (2, 4, 6), (4, 4, 4), (3, 4, 5), (3, 5, 5), (4, 3, 5), (3, 3, 6), (2, 3, 8), (2, 4, 8)]
LAWS = ("zipf:1", "zipf:2", "zipf:1/2")
#: λ: 1e-3 (absolute), then fractions of the eq. 9 threshold, all below it.
LAMBDAS = ("1e-3", Fraction(1, 10), Fraction(1, 2), Fraction(999, 1000))
REL_GAP = 1e-9
TIME_LIMIT = 240.0
#: claim-H ratio - 1 above this (float64 spectral norm of an O(1) gradient) counts as > 1.
CLAIM_H_TOL = 1e-9
#: Relative slack for comparing risks of order 1 computed in float64.
ROUNDING = 1e-10


def setting_for(n_c, s_c, L, mu, lam_spec):
    thr = lambda_thresholds(Setting(n_c, s_c, L, 1, mu=mu), dps=30).type3.value
    if isinstance(lam_spec, Fraction):
        with mpmath.workdps(30):
            lam = mpmath.nstr(thr * mpmath.mpf(lam_spec.numerator) / lam_spec.denominator, 6)
    else:
        lam = lam_spec
    return Setting(n_c, s_c, L, lam, mu=mu), float(thr)


def key_of(n_c, s_c, L, mu, lam_spec) -> str:
    return f"{n_c},{s_c},{L},{mu},{lam_spec}"


def run_one(n_c, s_c, L, mu, lam_spec) -> dict:
    s, thr = setting_for(n_c, s_c, L, mu, lam_spec)
    problem = as_problem(s)
    start = time.perf_counter()
    pred = predict_type3(s, dps=30)
    F = float(pred.risk)
    D3 = type3_D(s, None, float(pred.c), [float(v) for v in pred.r])
    eng = EngineObjective(problem)
    f3, G3 = eng.risk_and_gradient(D3)
    III_upper = f3 + eng.lam * float(np.linalg.svd(D3, compute_uv=False).sum())
    b3 = eng.bound_from(D3, f3, G3)
    ratio = b3.gradient_norm / eng.lam
    cold = solve_first_order(problem, start=np.zeros(eng.shape), rel_gap=REL_GAP, time_limit=TIME_LIMIT,
                             max_iter=5000)
    lower = max(cold.lower, b3.value)
    tol = ROUNDING * max(1.0, abs(F))
    F_minus_upper = F - cold.upper
    if F_minus_upper > tol or ratio - 1 > CLAIM_H_TOL:
        verdict = "type III NOT globally optimal"
    elif F < lower - tol:
        verdict = "below the lower bound"
    elif ratio - 1 <= CLAIM_H_TOL:
        verdict = "type III globally optimal (claim H, float64)"
    else:
        verdict = "consistent"
    return {
        "key": key_of(n_c, s_c, L, mu, lam_spec),
        "n_c": n_c, "s_c": s_c, "L": L, "K": s.K, "n_w": s.n_w, "work": s.n_w ** L * s.K, "mu": mu,
        "lam": str(s.lam), "lam_over_threshold": float(s.lam) / thr, "threshold_eq9": thr,
        "F_type3": F, "III_upper": III_upper, "III_lower": b3.value,
        "cold_upper": cold.upper, "cold_lower": cold.lower, "cold_gap": cold.upper - cold.lower,
        "cold_converged": cold.converged, "cold_iterations": cold.iterations, "cold_polishes": cold.polishes,
        "cold_evaluations": cold.evaluations, "cold_seconds": cold.seconds,
        "lower": lower, "upper": min(cold.upper, III_upper), "rounding": max(cold.rounding, eng.rounding(D3, f3, G3)),
        "F_minus_upper": F_minus_upper, "F_minus_lower": F - lower,
        "d_difference": float(np.linalg.norm(cold.D - D3) / np.linalg.norm(D3)),
        "claim_h_ratio_minus_1": ratio - 1,
        "seconds": time.perf_counter() - start,
        "verdict": verdict,
    }


def jobs():
    """Every (shape, law, λ), cheapest shapes first (so an interrupted run has covered every λ)."""
    for n_c, s_c, L in SHAPES:
        for lam_spec in LAMBDAS:
            for mu in LAWS:
                yield n_c, s_c, L, mu, lam_spec


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def table(rows: list[dict]) -> str:
    rows = sorted(rows, key=lambda r: (r["work"], r["n_c"], r["s_c"], r["L"], r["mu"], float(Fraction(r["lam"]))))
    out = [
        "| n_c | s_c | L | K | n_w^L K | mu | λ | λ/λ₉ | F(c, r) | certified upper | upper − lower | F − upper | "
        "‖∇f(D_III)‖/λ − 1 | cold its | cold s | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['n_c']} | {r['s_c']} | {r['L']} | {r['K']} | {r['work']:.2g} | {r['mu']} | "
            f"{float(Fraction(r['lam'])):.6g} | {r['lam_over_threshold']:.3g} | {r['F_type3']:.13f} | "
            f"{r['upper']:.13f} | {r['upper'] - r['lower']:.1e} | "
            f"{r['F_minus_upper']:.1e} | {r['claim_h_ratio_minus_1']:.1e} | {r['cold_iterations']} | "
            f"{r['cold_seconds']:.1f} | {r['verdict']} |"
        )
    big = [r for r in rows if r["work"] >= 10**6]
    counts = {}
    for r in big:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    out.append("")
    out.append(f"{len(big)} settings with n_w^L K >= 1e6: {summary}.")
    return "\n".join(out)


def write_markdown(rows: list[dict]) -> None:
    text = table(rows)
    OUT_MD.write_text("# Type-III conjecture at scale (first-order certificates)\n\n"
                      "Generated by `validation/conjecture_scale.py --markdown`.\n\n" + text + "\n")
    doc = DOC.read_text()
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc = head + block + tail
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc)


SWEEP_JSON = ROOT / "validation" / "conjecture_sweep.json"
VS_CVXPY_JSON = ROOT / "validation" / "conjecture_scale_vs_cvxpy.json"


def against_sweep() -> dict:
    """First-order (from D = 0) against every cvxpy certificate of conjecture_sweep.json."""
    rows = json.loads(SWEEP_JSON.read_text())["rows"]
    out = []
    for r in tqdm(rows, desc="first-order vs cvxpy", file=os.sys.stderr):
        s = Setting(r["n_c"], r["s_c"], r["L"], r["lam"], mu=r["mu"])
        problem = as_problem(s)
        fo = solve_first_order(problem, start=np.zeros((s.n_w, s.K * s.L)), rel_gap=REL_GAP, time_limit=TIME_LIMIT,
                               max_iter=5000)
        slack = fo.rounding + 1e-13
        overlap = fo.lower - slack <= r["upper"] and r["lower"] - slack <= fo.upper
        out.append({"n_c": r["n_c"], "s_c": r["s_c"], "L": r["L"], "mu": r["mu"], "lam": r["lam"],
                    "cvxpy_lower": r["lower"], "cvxpy_upper": r["upper"], "fo_lower": fo.lower, "fo_upper": fo.upper,
                    "fo_converged": fo.converged, "fo_iterations": fo.iterations, "fo_seconds": fo.seconds,
                    "upper_difference": fo.upper - r["upper"], "brackets_overlap": bool(overlap)})
    summary = {"rows": len(out), "overlapping": sum(o["brackets_overlap"] for o in out),
               "converged": sum(o["fo_converged"] for o in out),
               "max_abs_upper_difference": max(abs(o["upper_difference"]) for o in out)}
    return {"summary": summary, "rows": out}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON-lines file (appended; finished rows skipped)")
    ap.add_argument("--markdown", action="store_true", help="only regenerate the tables from --out")
    ap.add_argument("--against-sweep", action="store_true",
                    help="re-certify conjecture_sweep.json's cvxpy rows with the first-order method")
    args = ap.parse_args(argv)
    if args.against_sweep:
        result = against_sweep()
        VS_CVXPY_JSON.write_text(json.dumps(result, indent=1) + "\n")
        print(json.dumps(result["summary"]))
        return 0
    if args.markdown:
        write_markdown(read_rows(args.out))
        return 0
    done = {r["key"] for r in read_rows(args.out)}
    todo = [j for j in jobs() if key_of(*j) not in done]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for job in tqdm(todo, desc="conjecture at scale", file=os.sys.stderr):
        row = run_one(*job)
        with args.out.open("a") as fh:
            fh.write(json.dumps(row) + "\n")
            fh.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
