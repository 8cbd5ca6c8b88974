"""Benchmark of predict_optimum: the exact optimum of a latent set at the paper's scale.

For the paper's setting (n_c = 3, s_c = 400, L = 15, K = 1000, λ = 0.001, uniform
words), and for K = 50 (the paper's second experiment), on random latent sets of
seeds 0, 1, 2 it prints the wall time of
``predict_optimum`` (warm start, L-BFGS, Newton-CG, certification), its
iterations and evaluations, the certified relative gap and the word norms.

Baseline, in the same run: plain L-BFGS-B on the factorised reduced problem
``g(A B) + (λ√s_c/2)(‖A‖² + ‖B‖²)`` (claim G, eq. 161) from a small seeded
random start: no warm start, no Newton steps, no dual-guided stopping.  With
the library's ``g`` (the same evaluation cost) it is run with scipy's default
tolerances and with tolerances at float64 resolution (gtol 1e-15, ftol 1e-16,
the most plain L-BFGS can do); a third run uses a ``g`` written here
independently of the library (logits by gathers), an independent solve.  Its end point is certified with the same construction
(certify's ``objective`` as the upper bound and ``dual_lower_bound`` on
the reduced program, which is theorem G's program with s_c = 1 and λ√s_c), and
compared with ``predict_optimum``: value and word norms (an independent solve).

Run:  ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_optimum.py [--quick]``
(``--quick``: seed 0 only and only the float64-resolution baseline with the library's g).
"""

from __future__ import annotations

import math
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from scipy.special import logsumexp, softmax  # noqa: E402

from fctheory import Problem, Setting, predict_type1  # noqa: E402
from fctheory.certify import dual_lower_bound, objective, predict_optimum, sentence_table  # noqa: E402
from fctheory.certify._reduced import ReducedObjective  # noqa: E402

REL_GAP = 1e-9
SEEDS = (0, 1, 2)


def gather_objective(problem: Problem):
    """g(D~) and its gradient, written here independently of the library: logits by gathers."""
    s, Z = problem.setting, np.asarray(problem.latent)
    K, L, n_c = s.K, s.L, s.n_c
    rows = np.arange(K)

    def f_and_grad(Dt):  # Dt: n_c x KL, column j*L + l
        D = Dt.reshape(n_c, K, L)
        S = np.zeros((K, K))
        for l in range(L):
            S += D[Z[:, l], :, l]  # s_k[j] = sum_l D~[z_{k,l}, (j, l)]
        value = float(np.mean(logsumexp(S, axis=1) - S[rows, rows]))
        R = softmax(S, axis=1)
        R[rows, rows] -= 1.0
        G = np.zeros((n_c, K, L))
        for l in range(L):
            np.add.at(G[:, :, l], Z[:, l], R / K)
        return value, G.reshape(n_c, K * L)

    return f_and_grad, (lambda D: D)


def library_objective(problem: Problem):
    """The library's g and ∇g (one matrix product per evaluation; internal column order l*K + j)."""
    s = problem.setting
    obj = ReducedObjective(problem.latent, s.n_c, float(s.lam) * math.sqrt(s.s_c))
    return (lambda D: obj.evaluate(D)[:2]), obj.to_public


def plain_lbfgs(problem: Problem, objective_of, options: dict, seed: int = 0):
    """L-BFGS-B on phi(A, B) from A, B ~ 0.01 N(0, 1); returns D~ (n_c x KL, column j*L + l), iterations, seconds."""
    s = problem.setting
    K, L, n_c = s.K, s.L, s.n_c
    lam = float(s.lam) * math.sqrt(s.s_c)
    f_and_grad, to_public = objective_of(problem)
    r = n_c
    n = n_c * r

    def fun(z):
        A, B = z[:n].reshape(n_c, r), z[n:].reshape(r, K * L)
        value, G = f_and_grad(A @ B)
        value += 0.5 * lam * (float(np.sum(A * A)) + float(np.sum(B * B)))
        return value, np.concatenate([(G @ B.T + lam * A).ravel(), (A.T @ G + lam * B).ravel()])

    z0 = 0.01 * np.random.default_rng(seed).standard_normal(n + r * K * L)
    t0 = time.perf_counter()
    res = minimize(fun, z0, jac=True, method="L-BFGS-B", options=options)
    seconds = time.perf_counter() - t0
    A, B = res.x[:n].reshape(n_c, r), res.x[n:].reshape(r, K * L)
    return to_public(A @ B), int(res.nit), seconds


def certify_point(problem: Problem, Dt: np.ndarray):
    """(upper, lower) at D~ with certify's machinery on the s_c = 1 program, and the word norms."""
    s = problem.setting
    lam = float(s.lam) * math.sqrt(s.s_c)
    table = sentence_table(Problem(Setting(s.n_c, 1, s.L, s.lam, K=s.K), problem.latent))
    upper = objective(table, Dt, lam)  # f + lam ||.||_* of theorem G
    lower = dual_lower_bound(table, Dt, lam).value
    U, sv, _ = np.linalg.svd(Dt, full_matrices=False)
    words = np.linalg.norm(U * np.sqrt(sv), axis=1) / s.s_c ** 0.25
    return upper, lower, words


def main(argv) -> int:
    quick = "--quick" in argv
    print(f"load average at the start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}; "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, cpus {os.cpu_count()}")
    setting = Setting.paper()
    results = {}
    for K in (1000, 50):
        t1 = predict_type1(setting.replace(K=K), dps=20)
        print(f"setting: n_c=3 s_c=400 L=15 K={K} lambda=0.001 uniform words; theorem 1 (assumption A): "
              f"word norm {float(t1.word_norm):.5f}, U-block norm {float(t1.u_norm):.5f}, "
              f"H(tau) = {float(t1.risk):.10f}")
        header = (f"{'seed':>4} {'seconds':>8} {'its':>4} {'evals':>5} {'rel gap':>9} {'min risk':>14} "
                  f"{'- H(tau)':>10} {'word norms':>26} {'u norm mean ± std [min, max]':>32}")
        print("predict_optimum (warm start, L-BFGS, Newton-CG, certified):")
        print(header)
        print("-" * len(header))
        for seed in SEEDS[:1] if quick else SEEDS:
            p = Problem(setting.replace(K=K), "random", seed=seed)
            r = predict_optimum(p, rel_gap=REL_GAP)
            results[K, seed] = (p, r)
            words = " ".join(f"{w:.5f}" for w in r.word_norms)
            print(f"{seed:>4} {r.seconds:>8.2f} {r.iterations:>4} {r.evaluations:>5} {r.relative_gap:>9.1e} "
                  f"{r.min_risk:>14.10f} {r.min_risk - float(t1.risk):>10.5f} {words:>26} "
                  f"{r.u_norm_mean:.4f} ± {r.u_norm_std:.4f} [{r.u_norm_min:.3f}, {r.u_norm_max:.3f}]"
                  + ("" if r.certified else f"  {r.status}"))
        print()

    print("baseline: plain L-BFGS-B on the factorised reduced problem from a small random start, K = 1000, seed 0 "
          "(certified afterwards with the same bound)")
    bheader = (f"{'objective':>13} {'tolerances':>22} {'seconds':>8} {'its':>5} {'rel gap':>9} {'|value - optimum|':>18} "
               f"{'max |word norm diff|':>21} {'gap <= 1e-9':>11} {'time / optimum time':>19}")
    print(bheader)
    print("-" * len(bheader))
    p, r = results[1000, 0]
    defaults, float64 = {"maxiter": 20000}, {"maxiter": 20000, "gtol": 1e-15, "ftol": 1e-16}
    runs = [("library g", "float64 (1e-15, 1e-16)", library_objective, float64)]
    if not quick:
        runs = [("library g", "scipy defaults", library_objective, defaults)] + runs + [
            ("independent g", "float64 (1e-15, 1e-16)", gather_objective, float64)]
    for objective_name, name, objective_of, options in runs:
        Dt, its, seconds = plain_lbfgs(p, objective_of, options)
        upper, lower, words = certify_point(p, Dt)
        rel = (upper - lower) / upper
        print(f"{objective_name:>13} {name:>22} {seconds:>8.2f} {its:>5} {rel:>9.1e} {abs(upper - r.min_risk):>18.1e} "
              f"{np.abs(words - np.array(r.word_norms)).max():>21.1e} {'yes' if rel <= REL_GAP else 'no':>11} "
              f"{seconds / r.seconds:>18.2f}x")
    print(f"\nload average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
