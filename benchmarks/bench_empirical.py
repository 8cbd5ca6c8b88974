"""Benchmark: the empirical-risk engine (fctheory.empirical) in float64 and float32, against a numpy baseline.

At the paper's setting (n_c = 3, s_c = 400, L = 15, K = 1000 random latent
variables (seed 0), d = 100, lambda = 0.001, uniform words), it prints, in one run:

1. the full-batch value+gradient time of the engine (``method="auto"``, which the
   cost model resolves to the score tables) in float64 and in float32, and of the
   float64 baseline, at n_spl = 5 (N = 5000) and n_spl = 500 (N = 500,000), with the
   ratios (baseline/engine: targets >= 3x and >= 5x; float32/float64) and the
   agreement (float64 with the baseline, relative, <= 1e-12; float32 with float64);
2. the SGD step time (minibatch of 100) of the engine's in-place step in both types
   against the baseline step (targets: not slower; float32 <= 0.55x float64), and
   their agreement after one step; then the SGD protocol itself (``train_empirical``,
   4 epochs = 200 steps) in both types;
3. full L-BFGS runs of figure 3 (n_spl = 5, network h, the paper code's
   initialisation, seed 0): float64 at gtol 1e-8 (``fctheory reproduce``'s default),
   float32 at its default 1e-7 and float32 at 1e-8 (which finishes in float64):
   time, iterations, evaluations, test accuracy, the word norms (paper 1.41 +- 0.13,
   theorem 1: 1.42214);
4. with ``--reproduce N``: the whole command ``fctheory reproduce fig3 --dtype
   float64`` and ``--dtype float32``, alternately, N times each (wall and CPU time,
   test accuracy, word-norm mean; target: float32 <= 0.6x float64, the same
   accuracy, word norms within 0.5%).

Baseline: ``fctheory.empirical._baseline.direct_risk_and_grad``: gather the word
embeddings, concatenate them into rows of length L d, multiply by U^T, logsumexp,
and back through the same matmuls (numpy.add.at for the embedding gradient), in
chunks of 10,000 sentences; the SGD baseline takes that gradient on the minibatch
and updates ``W - lr (g + lam W)``, ``U - lr (g + lam U)``.

All use the same BLAS threads (the environment's; this machine: 2 cores shared
with other users; the load average is printed).  The variants are timed
alternately, best of ``--repeat`` (n_spl = 500: one run each).

Usage:  PYTHONPATH=. /work/venv/bin/python benchmarks/bench_empirical.py [--quick] [--reproduce N]
        (--quick: skip n_spl = 500 and the L-BFGS runs; --no-lbfgs: skip the L-BFGS runs)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from fctheory import Problem, Setting
from fctheory.empirical import sample_dataset, train_empirical
from fctheory.empirical._baseline import direct_risk_and_grad, direct_sgd_step
from fctheory.empirical._engine import Sentences, evaluate, sgd_step

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    W32, U32 = W.astype(np.float32), U.astype(np.float32)
    lam = float(problem.lam)
    sents = Sentences(data.x_train, data.y_train, problem.n_w, problem.K)
    t64, t32, tb = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ev = evaluate(W, U, sents, network="h", lam=lam, eps=1e-5, grad=True, method="auto")
        t64.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ev32 = evaluate(W32, U32, sents, network="h", lam=lam, eps=1e-5, grad=True, method="auto")
        t32.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base = direct_risk_and_grad(W, U, data.x_train, data.y_train, lam=lam, network="h")
        tb.append(time.perf_counter() - t0)
    agree = max(abs(ev.value - base[0]) / abs(base[0]), _rel(ev.gW, base[1]), _rel(ev.gU, base[2]))
    agree32 = max(abs(ev32.value - ev.value) / abs(ev.value), _rel(ev32.gW, ev.gW), _rel(ev32.gU, ev.gU))
    e, e32, b = min(t64), min(t32), min(tb)
    print(f"full batch n_spl={n_spl:4d} (N={len(data.y_train):7d}) [{ev.method}]: float64 {e:8.3f} s   "
          f"float32 {e32:8.3f} s ({e32 / e:.2f}x)   baseline {b:8.3f} s (baseline/float64 {b / e:5.2f}x)   "
          f"agreement {agree:.1e} (float32 with float64 {agree32:.1e})   (load {_load()})", flush=True)
    return data


def sgd(problem, data, repeat):
    W, U = _weights(problem, 100, seed=1)
    W, U = 1e-2 * W, U
    lam = float(problem.lam)
    xb, yb = data.x_train[:100], data.y_train[:100]
    We, Ue = W.copy(), U.copy()
    W32, U32 = W.astype(np.float32), U.astype(np.float32)
    sgd_step(We, Ue, xb, yb, network="h", lr=0.1, lam_W=lam, lam_U=lam, eps=1e-5)
    sgd_step(W32, U32, xb, yb, network="h", lr=0.1, lam_W=lam, lam_U=lam, eps=1e-5)
    Wb, Ub = direct_sgd_step(W, U, xb, yb, lr=0.1, lam_W=lam, lam_U=lam)
    agree = max(_rel(We, Wb), _rel(Ue, Ub))
    agree32 = max(_rel(W32, We), _rel(U32, Ue))
    t64, t32, tb = [], [], []
    rng = np.random.default_rng(2)
    for _ in range(repeat):
        idx = rng.choice(len(data.y_train), 100, replace=False)
        xb, yb = data.x_train[idx], data.y_train[idx]
        t0 = time.perf_counter()
        sgd_step(We, Ue, xb, yb, network="h", lr=0.1, lam_W=lam, lam_U=lam, eps=1e-5)
        t64.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sgd_step(W32, U32, xb, yb, network="h", lr=0.1, lam_W=lam, lam_U=lam, eps=1e-5)
        t32.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        Wb, Ub = direct_sgd_step(Wb, Ub, xb, yb, lr=0.1, lam_W=lam, lam_U=lam)
        tb.append(time.perf_counter() - t0)
    e, e32, b = min(t64), min(t32), min(tb)
    m64, m32 = np.median(t64), np.median(t32)
    print(f"SGD step (batch 100): float64 {1e3 * e:7.2f} ms   float32 {1e3 * e32:7.2f} ms ({e32 / e:.2f}x; medians "
          f"{1e3 * m64:.2f} / {1e3 * m32:.2f} ms, {m32 / m64:.2f}x)   baseline {1e3 * b:7.2f} ms (baseline/float64 "
          f"{b / e:5.2f}x)   agreement after one step {agree:.1e} (float32 with float64 {agree32:.1e})   "
          f"(load {_load()})", flush=True)


def sgd_epochs(problem, data, epochs, rounds):
    """The SGD protocol itself (train_empirical, fig. 3's data, lr 0.1, batch 100), both types alternately."""
    times = {"float64": [], "float32": []}
    for _ in range(rounds):
        for dtype in times:
            t0 = time.perf_counter()
            r = train_empirical(problem, data, network="h", optimizer="sgd", epochs=epochs, dtype=dtype,
                                record_every=epochs)
            times[dtype].append(time.perf_counter() - t0)
    steps = r.iterations
    t64, t32 = min(times["float64"]), min(times["float32"])
    print(f"SGD protocol, {epochs} epochs = {steps} steps (train_empirical, first and last records included): "
          f"float64 {t64:6.2f} s ({1e3 * t64 / steps:.2f} ms/step)   float32 {t32:6.2f} s ({1e3 * t32 / steps:.2f} "
          f"ms/step)   {t32 / t64:.2f}x (target <= 0.55x)   (load {_load()})", flush=True)


def lbfgs_fig3(problem, data, gtol, dtype):
    t0 = time.perf_counter()
    r = train_empirical(problem, data, network="h", optimizer="lbfgs", gtol=gtol, dtype=dtype)
    seconds = time.perf_counter() - t0
    norms = np.linalg.norm(r.W, axis=0)
    first_full = next((h for h in r.history if h.test_accuracy == 1.0), None)
    when = f"iteration {first_full.step} ({first_full.seconds:.1f} s)" if first_full else "never"
    finish = "" if r.float64_from is None else f", float64 from iteration {r.float64_from}"
    print(f"L-BFGS fig 3 ({dtype}, gtol {r.hyperparameters['gtol']:g}): {seconds:6.1f} s, {r.iterations} iterations, "
          f"{r.evaluations} evaluations{finish}, max|grad| {r.gradient_max:.1e}, converged {r.converged}; test accuracy "
          f"{100 * r.test_accuracy:.1f}% (first 100% at {when}); word norms {norms.mean():.5f} +- {norms.std():.4f} "
          f"(paper 1.41 +- 0.13, theorem 1 1.42214); risk {r.risk:.10f}   (load {_load()})", flush=True)
    print(f"    {r.message}", flush=True)
    return seconds, r


def reproduce_fig3(runs):
    """``fctheory reproduce fig3 --dtype D`` as subprocesses, float64 and float32 alternately."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    rows = {"float64": [], "float32": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            for dtype in rows:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                out = subprocess.run([sys.executable, "-m", "fctheory", "reproduce", "fig3", "--dtype", dtype,
                                      "--out", os.path.join(tmp, f"{dtype}-{i}"), "--json", "--no-progress"],
                                     env=env, check=True, capture_output=True, text=True).stdout
                wall = time.perf_counter() - t0
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                data = json.loads(out)
                rows[dtype].append((wall, cpu, data))
                print(f"reproduce fig3 --dtype {dtype}: {wall:6.1f} s wall, {cpu:6.1f} s CPU; {data['iterations']} "
                      f"iterations, converged {data['converged']}; test {100 * data['test_accuracy']:.1f}%, word norms "
                      f"{data['word_norm_mean']:.5f} +- {data['word_norm_std']:.4f}; sigma(W) "
                      f"{', '.join(f'{v:.4g}' for v in data['word_singular_values'])}   (load {_load()})", flush=True)
    w64, w32 = (np.median([r[0] for r in rows[k]]) for k in ("float64", "float32"))
    c64, c32 = (np.median([r[1] for r in rows[k]]) for k in ("float64", "float32"))
    n64, n32 = rows["float64"][-1][2]["word_norm_mean"], rows["float32"][-1][2]["word_norm_mean"]
    same = rows["float64"][-1][2]["test_accuracy"] == rows["float32"][-1][2]["test_accuracy"]
    print(f"reproduce fig3, medians of {runs}: float32 {w32:.1f} s / float64 {w64:.1f} s wall = {w32 / w64:.2f}x "
          f"(CPU {c32:.1f} / {c64:.1f} s = {c32 / c64:.2f}x; target <= 0.6x); same test accuracy: {same}; "
          f"word-norm means differ by {100 * abs(n32 - n64) / n64:.4f}% (target <= 0.5%)", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip n_spl = 500 and the L-BFGS runs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-lbfgs", action="store_true", help="skip the L-BFGS runs of figure 3")
    parser.add_argument("--no-500", action="store_true", help="skip the full batch at n_spl = 500")
    parser.add_argument("--reproduce", type=int, default=0, metavar="N",
                        help="also time `fctheory reproduce fig3` in float64 and float32, N times each, alternately")
    args = parser.parse_args(argv)
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')} "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, cpus {os.cpu_count()}; "
          f"load {_load()}", flush=True)
    problem = Problem(Setting.paper(), "random", seed=0)
    data = full_batch(problem, 5, args.repeat)
    sgd(problem, data, 10 * args.repeat)
    sgd_epochs(problem, data, 4, args.repeat)
    if args.quick:
        return
    if not args.no_500:
        full_batch(problem, 500, 1)
    if not args.no_lbfgs:
        t64, _ = lbfgs_fig3(problem, data, 1e-8, "float64")
        t32, _ = lbfgs_fig3(problem, data, None, "float32")
        print(f"L-BFGS fig 3: float32 (gtol 1e-7) / float64 (gtol 1e-8) = {t32 / t64:.2f}x", flush=True)
        lbfgs_fig3(problem, data, 1e-8, "float32")
    if args.reproduce:
        reproduce_fig3(args.reproduce)


if __name__ == "__main__":
    main()
