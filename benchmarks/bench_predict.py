"""Benchmark the certified prediction solvers against naive mpmath baselines.

Prints, for the same problems in one run:

* type I (theorem 1): time per certified solve of τ at dps 50 (with its
  enclosure), against ``mpmath.findroot`` (Newton on ``H'`` from a generic
  start ``t = 1``) — time and whether the baseline converged to the right root;
* type III (theorem 2): the certified solve with ``s_c = 400`` (Zipf) at dps 30,
  and, at sizes where it is affordable, ``mpmath.findroot`` on the full
  ``s_c + 1`` system from a generic start (all ``r_b = c = 1``); the baseline's
  cost at ``s_c = 400`` is extrapolated from those sizes (it grows like
  ``s_c^3``: a dense Jacobian per step);
* type III at the extremes: dps 1000 with ``s_c = 50`` (Zipf), and ``L = 300``
  (``K = 3^300``, λ = 1e-80), certified solve only (no baseline converges
  there in reasonable time).

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_predict.py``.
"""

from __future__ import annotations

import time

import mpmath

import fctheory
from fctheory import Setting, predict_type1, predict_type3


def timed(fn, repeat=1):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def naive_type1(setting: Setting, dps: int):
    """mpmath.findroot (Newton) on H'(t) from the generic start t = 1."""
    with mpmath.workdps(dps):
        n, L, K, nw = setting.n_c, setting.L, setting.K, setting.n_w
        p = mpmath.mpf(K) / mpmath.mpf(n) ** L
        eta = (mpmath.mpf(n) / (n - 1)) / mpmath.sqrt(mpmath.mpf(nw) * K * L)
        lam = setting.lam_mp()

        def dH(t):
            x = (n - 1) * mpmath.exp(-eta * t)
            return lam - p * L * eta * x * (1 + x) ** (L - 1) / (1 - p + p * (1 + x) ** L)

        try:
            return mpmath.findroot(dH, mpmath.mpf(1), solver="newton")
        except (ValueError, ZeroDivisionError) as exc:
            return exc


def naive_type3(setting: Setting, dps: int):
    """mpmath.findroot on eq. 7-8 (s_c + 1 unknowns) from the generic start c = r_b = 1."""
    n, L, s_c = setting.n_c, setting.L, setting.s_c
    with mpmath.workdps(dps):
        lam = setting.lam_mp()
        mus = setting.mu.mp()

        def system(c, *r):
            eqs = [lam / L * (rb / c) * (n - 1 + mpmath.exp(n * c * rb / (n - 1))) - mu for rb, mu in zip(r, mus)]
            eqs.append(mpmath.fsum((rb / c) ** 2 for rb in r) - L * mpmath.mpf(n) ** (L - 1))
            return eqs

        try:
            return mpmath.findroot(system, [mpmath.mpf(1)] * (s_c + 1))
        except (ValueError, ZeroDivisionError) as exc:
            return exc


def main() -> None:
    print(f"fctheory {fctheory.__version__}, mpmath {mpmath.__version__} (backend {mpmath.libmp.BACKEND})")
    print("\n== type I: tau = argmin H at dps 50 (target: < 20 ms per certified solve)")
    print(f"{'setting':<28}{'certified':>12}{'enclosure rel. width':>24}{'findroot':>12}  baseline outcome")
    for K in (1000, 50, 2):
        s = Setting.paper(K=K)
        t_ours, res = timed(lambda: predict_type1(s, dps=50), repeat=5)
        t_base, base = timed(lambda: naive_type1(s, 50), repeat=1)
        if isinstance(base, Exception):
            outcome = f"FAILED ({type(base).__name__})"
        else:
            with mpmath.workdps(50):
                ok = abs(base - res.tau) <= abs(res.tau) * mpmath.mpf(10) ** -40
            outcome = "correct root" if ok else f"WRONG root {mpmath.nstr(base, 8)} (true {mpmath.nstr(res.tau, 8)})"
        width = mpmath.nstr(res.enclosures["tau"].relative_width(), 3)
        print(f"{'paper, K=' + str(K):<28}{t_ours * 1e3:>10.2f}ms{width:>24}{t_base * 1e3:>10.2f}ms  {outcome}")

    print("\n== type III: (c, r_1..r_s_c), Zipf, n_c=3, L=4, lam=0.001, dps 30 (target: < 1 s at s_c = 400)")
    print(f"{'s_c':>6}{'certified':>12}{'findroot (full system)':>26}{'ratio':>9}  baseline outcome")
    base_times = {}
    for s_c in (5, 10, 20, 400):
        s = Setting(3, s_c, 4, "0.001", mu="zipf")
        t_ours, res = timed(lambda: predict_type3(s, dps=30), repeat=1 if s_c == 400 else 3)
        if s_c <= 20:
            t_base, base = timed(lambda: naive_type3(s, 30))
            base_times[s_c] = t_base
            if isinstance(base, Exception):
                outcome = f"FAILED ({type(base).__name__}: {str(base).splitlines()[0][:50]})"
            else:
                with mpmath.workdps(30):
                    ok = abs(base[0] - res.c) <= res.c * mpmath.mpf(10) ** -20
                outcome = "correct" if ok else f"WRONG c = {mpmath.nstr(base[0], 8)} (true {mpmath.nstr(res.c, 8)})"
            print(f"{s_c:>6}{t_ours:>11.3f}s{t_base:>25.3f}s{t_base / t_ours:>8.1f}x  {outcome}")
        else:
            largest = max(base_times)
            estimate = base_times[largest] * (s_c / largest) ** 3
            print(f"{s_c:>6}{t_ours:>11.3f}s{estimate:>24.0f}s*{estimate / t_ours:>7.0f}x  "
                  f"* extrapolated as s_c^3 from s_c={largest}")

    print("\n== type III extremes (certified solve; enclosure relative width of c)")
    extremes = [
        ("s_c=50 Zipf, L=4, lam=0.001, dps 1000", Setting(3, 50, 4, "0.001", mu="zipf"), 1000, 1),
        ("s_c=5 Zipf, L=300, lam=1e-80, dps 30", Setting(3, 5, 300, "1e-80", mu="zipf"), 30, 5),
    ]
    for label, s, dps, repeat in extremes:
        t_ours, res = timed(lambda: predict_type3(s, dps=dps), repeat=repeat)
        width = mpmath.nstr(res.enclosures["c"].relative_width(), 3)
        print(f"{label:<40}{t_ours:>10.3f}s  width {width}  (working dps {res.working_dps})")


if __name__ == "__main__":
    main()
