"""Benchmark: the empirical-risk engine (fctheory.empirical) against a direct numpy baseline.

At the paper's setting (n_c = 3, s_c = 400, L = 15, K = 1000 random latent
variables (seed 0), d = 100, lambda = 0.001, uniform words), it prints, in one run:

1. the full-batch value+gradient time of the engine (``method="auto"``, which the
   cost model resolves to the score tables) and of the baseline, at n_spl = 5
   (N = 5000) and n_spl = 500 (N = 500,000), with the ratio (targets >= 3x and
   >= 5x) and the relative agreement (value, max-abs gradient entries; <= 1e-12);
2. the SGD step time (minibatch of 100) of the engine's in-place step against the
   baseline step (target: not slower), and their agreement;
3. a full L-BFGS run of figure 3 (n_spl = 5, network h, default gtol 1e-10, the
   paper code's initialisation, seed 0): time, iterations, test accuracy and the
   word norms (paper 1.41 +- 0.13, theorem 1: 1.42214), plus the same run stopped
   at gtol = 1e-6.

Baseline: ``fctheory.empirical._baseline.direct_risk_and_grad``: gather the word
embeddings, concatenate them into rows of length L d, multiply by U^T, logsumexp,
and back through the same matmuls (numpy.add.at for the embedding gradient), in
chunks of 10,000 sentences; the SGD baseline takes that gradient on the minibatch
and updates ``W - lr (g + lam W)``, ``U - lr (g + lam U)``.

Both use the same BLAS threads (the environment's; this machine: 2 cores shared
with other users; the load average is printed).  Engine and baseline are timed
alternately, best of ``--repeat`` (n_spl = 500: one run each).

Usage:  PYTHONPATH=. /work/venv/bin/python benchmarks/bench_empirical.py [--quick]
        (--quick: skip n_spl = 500 and the L-BFGS runs; --no-lbfgs: skip the L-BFGS runs)
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from fctheory import Problem, Setting
from fctheory.empirical import sample_dataset, train_empirical
from fctheory.empirical._baseline import direct_risk_and_grad, direct_sgd_step
from fctheory.empirical._engine import Sentences, evaluate, sgd_step


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


def _rel(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(np.max(np.abs(np.asarray(b))), 1e-300))


def _weights(problem, d, seed=0):
    """Generic weights (not the tiny initialisation) so that the softmax is not uniform."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((d, problem.n_w)), 0.02 * rng.standard_normal((problem.K, problem.L * d))


def full_batch(problem, n_spl, repeat):
    data = sample_dataset(problem, n_spl, seed=0)
    W, U = _weights(problem, 100)
    lam = float(problem.lam)
    sents = Sentences(data.x_train, data.y_train, problem.n_w, problem.K)
    t_e, t_b = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ev = evaluate(W, U, sents, network="h", lam=lam, eps=1e-5, grad=True, method="auto")
        t_e.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base = direct_risk_and_grad(W, U, data.x_train, data.y_train, lam=lam, network="h")
        t_b.append(time.perf_counter() - t0)
    agree = max(abs(ev.value - base[0]) / abs(base[0]), _rel(ev.gW, base[1]), _rel(ev.gU, base[2]))
    e, b = min(t_e), min(t_b)
    print(f"full batch n_spl={n_spl:4d} (N={len(data.y_train):7d}): engine [{ev.method}] {e:8.3f} s   "
          f"baseline {b:8.3f} s   ratio {b / e:5.2f}x   agreement {agree:.1e}   (load {_load()})", flush=True)
    return data


def sgd(problem, data, repeat):
    W, U = _weights(problem, 100, seed=1)
    W, U = 1e-2 * W, U
    lam = float(problem.lam)
    xb, yb = data.x_train[:100], data.y_train[:100]
    We, Ue = W.copy(), U.copy()
    sgd_step(We, Ue, xb, yb, network="h", lr=0.1, lam_W=lam, lam_U=lam, eps=1e-5)
    Wb, Ub = direct_sgd_step(W, U, xb, yb, lr=0.1, lam_W=lam, lam_U=lam)
    agree = max(_rel(We, Wb), _rel(Ue, Ub))
    t_e, t_b = [], []
    rng = np.random.default_rng(2)
    for _ in range(repeat):
        idx = rng.choice(len(data.y_train), 100, replace=False)
        xb, yb = data.x_train[idx], data.y_train[idx]
        t0 = time.perf_counter()
        sgd_step(We, Ue, xb, yb, network="h", lr=0.1, lam_W=lam, lam_U=lam, eps=1e-5)
        t_e.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        Wb, Ub = direct_sgd_step(Wb, Ub, xb, yb, lr=0.1, lam_W=lam, lam_U=lam)
        t_b.append(time.perf_counter() - t0)
    e, b = min(t_e), min(t_b)
    print(f"SGD step (batch 100): engine {1e3 * e:7.2f} ms   baseline {1e3 * b:7.2f} ms   ratio {b / e:5.2f}x   "
          f"agreement after one step {agree:.1e}   (medians {1e3 * np.median(t_e):.2f} / {1e3 * np.median(t_b):.2f} ms;"
          f" load {_load()})", flush=True)


def lbfgs_fig3(problem, data, gtol):
    t0 = time.perf_counter()
    r = train_empirical(problem, data, network="h", optimizer="lbfgs", gtol=gtol)
    seconds = time.perf_counter() - t0
    norms = np.linalg.norm(r.W, axis=0)
    first_full = next((h for h in r.history if h.test_accuracy == 1.0), None)
    when = f"iteration {first_full.step} ({first_full.seconds:.1f} s)" if first_full else "never"
    print(f"L-BFGS fig 3 (gtol {gtol:g}): {seconds:6.1f} s, {r.iterations} iterations, {r.evaluations} evaluations, "
          f"max|grad| {r.gradient_max:.1e}, converged {r.converged}; test accuracy {100 * r.test_accuracy:.1f}% "
          f"(first 100% at {when}); word norms {norms.mean():.4f} +- {norms.std():.4f} (paper 1.41 +- 0.13, "
          f"theorem 1 1.42214); risk {r.risk:.10f}   (load {_load()})", flush=True)
    print(f"    {r.message}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip n_spl = 500 and the L-BFGS runs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-lbfgs", action="store_true", help="skip the two L-BFGS runs of figure 3")
    args = parser.parse_args(argv)
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')} "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, cpus {os.cpu_count()}; "
          f"load {_load()}", flush=True)
    problem = Problem(Setting.paper(), "random", seed=0)
    data = full_batch(problem, 5, args.repeat)
    sgd(problem, data, 10 * args.repeat)
    if args.quick:
        return
    full_batch(problem, 500, 1)
    if args.no_lbfgs:
        return
    lbfgs_fig3(problem, data, 1e-10)
    lbfgs_fig3(problem, data, 1e-6)


if __name__ == "__main__":
    main()
