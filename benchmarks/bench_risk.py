"""Benchmark: one value+gradient evaluation of the exact risk, engine vs direct baseline.

The baseline (written here) materialises every logit of every sentence of
every class with numpy -- an array of n_w**L * K numbers for the full set --
then takes logsumexp, and reduces the softmax back to the score tables with
reshapes (no per-sentence Python loop).  Both are run single-threaded
(OMP/OpenBLAS threads = 1) on the same random weights and must agree.

Also prints the largest full-set setting of a ladder whose engine
evaluation fits in 1 s.

Usage:  OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_risk.py [--quick]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.special import logsumexp  # noqa: E402

from fctheory import Setting, exact_risk_and_grad  # noqa: E402
from fctheory.latent import full_latent_set  # noqa: E402

#: Elements of the baseline's logit block per chunk of classes.
BASELINE_CHUNK = 2**24


def baseline_risk_and_grad(setting: Setting, W: np.ndarray, U: np.ndarray, latent: np.ndarray):
    """R (eq. 5) and its gradient by materialising all logits (direct method)."""
    n_c, s_c, L, K = setting.n_c, setting.s_c, setting.L, setting.K
    d = W.shape[0]
    lam = float(setting.lam)
    mu = setting.mu.as_array()
    Ub = U.reshape(K, L, d)
    A = np.stack([W.T @ Ub[:, l, :].T for l in range(L)])  # (L, n_w, K)
    S = s_c**L
    powers = s_c ** np.arange(L - 1, -1, -1)
    B = (np.arange(S)[:, None] // powers[None, :]) % s_c  # word ranks of the s_c**L sentences of a class
    q = np.prod(mu[B], axis=1)
    dA = np.zeros_like(A)
    value = 0.0
    step = max(1, BASELINE_CHUNK // (S * K))
    for k0 in range(0, K, step):
        ks = np.arange(k0, min(K, k0 + step))
        X = latent[ks][:, None, :] * s_c + B[None, :, :]  # (kc, S, L) word indices
        logits = A[0][X[..., 0]]
        for l in range(1, L):
            logits += A[l][X[..., l]]
        lse = logsumexp(logits, axis=-1)
        own = logits[np.arange(ks.size), :, ks]
        value += float(np.sum(q[None, :] * (lse - own)))
        P = np.exp(logits - lse[..., None])
        P[np.arange(ks.size), :, ks] -= 1.0
        P *= q[None, :, None]
        for l in range(L):
            M = P.reshape(ks.size, s_c**l, s_c, s_c ** (L - l - 1), K).sum(axis=(1, 3))  # (kc, s_c, K)
            rows = latent[ks, l][:, None] * s_c + np.arange(s_c)[None, :]
            np.add.at(dA[l], rows.ravel(), M.reshape(-1, K))
    dA /= K
    value /= K
    dW = sum(Ub[:, l, :].T @ dA[l].T for l in range(L)) + lam * W
    dU = np.stack([dA[l].T @ W.T for l in range(L)], axis=1).reshape(K, L * d) + lam * U
    reg = 0.5 * lam * (float(np.sum(W * W)) + float(np.sum(U * U)))
    return value + reg, dW, dU


def _instance(n_c, s_c, L, d, seed=0):
    setting = Setting(n_c, s_c, L, "1/100", d=d, mu="zipf")
    rng = np.random.default_rng(seed)
    W = 0.5 * rng.standard_normal((d, setting.n_w))
    U = 0.5 * rng.standard_normal((setting.K, L * d))
    return setting, W, U


def _time(fn, repeats):
    best = float("inf")
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _engine_vs_baseline(setting, W, U, latent, engine_repeats, baseline_repeats):
    """Times of the engine and the baseline and their relative differences
    (value; largest gradient entry relative to the largest baseline entry)."""
    engine_latent = None if setting.is_full else latent
    t_eng, (v, dW, dU) = _time(lambda: exact_risk_and_grad(setting, W, U, latent=engine_latent), engine_repeats)
    t_base, (vb, dWb, dUb) = _time(lambda: baseline_risk_and_grad(setting, W, U, latent), baseline_repeats)
    gscale = max(np.abs(dWb).max(), np.abs(dUb).max())
    gdiff = max(np.abs(dW - dWb).max(), np.abs(dU - dUb).max()) / gscale
    return t_eng, t_base, abs(v - vb) / abs(vb), gdiff


def _print_row(case, K, size, t_eng, t_base, vdiff, gdiff) -> None:
    print(f"{str(case):>14} {K:>5} {size:>10.3g} {t_eng:>10.4f} {t_base:>11.4f} {t_base / t_eng:>7.1f} "
          f"{vdiff:>15.2e} {gdiff:>18.2e}", flush=True)


def compare(quick: bool) -> None:
    cases = [(2, 2, 3, 2), (3, 2, 3, 3), (3, 3, 4, 4), (4, 2, 3, 4), (3, 4, 4, 8), (3, 3, 5, 8), (3, 4, 5, 8)]
    if quick:
        cases = cases[:5]
    print("engine vs direct baseline: one value+gradient evaluation (best of repeats, 1 thread)")
    print(f"{'(n_c,s_c,L,d)':>14} {'K':>5} {'n_w^L*K':>10} {'engine s':>10} {'baseline s':>11} {'ratio':>7} {'rel.diff value':>15} {'max rel.diff grad':>18}")
    for n_c, s_c, L, d in cases:
        setting, W, U = _instance(n_c, s_c, L, d)
        latent = full_latent_set(n_c, L)
        size = setting.n_w**L * setting.K
        _print_row((n_c, s_c, L, d), setting.K, size,
                   *_engine_vs_baseline(setting, W, U, latent, 5, 1 if size > 1e7 else 3))


def subsets(quick: bool) -> None:
    """Random latent subsets (not the full set): the blocked prefix/suffix split."""
    cases = [(3, 4, 5, 8, 100), (3, 4, 5, 8, 200)] if not quick else [(3, 3, 4, 4, 40)]
    print("\nrandom latent subsets (blocked prefix/suffix split), value+gradient")
    print(f"{'(n_c,s_c,L,d)':>14} {'K':>5} {'K^2 s_c^L':>10} {'engine s':>10} {'baseline s':>11} {'ratio':>7} {'rel.diff value':>15} {'max rel.diff grad':>18}")
    rng = np.random.default_rng(1)
    for n_c, s_c, L, d, K in cases:
        setting = Setting(n_c, s_c, L, "1/100", K=K, d=d, mu="zipf")
        latent = full_latent_set(n_c, L)[np.sort(rng.choice(n_c**L, K, replace=False))]
        W = 0.5 * rng.standard_normal((d, setting.n_w))
        U = 0.5 * rng.standard_normal((K, L * d))
        _print_row((n_c, s_c, L, d), K, K * K * s_c**L, *_engine_vs_baseline(setting, W, U, latent, 3, 1))


def golay() -> None:
    """The ternary Golay code (K = 729, L = 11): engine only (the baseline
    would materialise 1.1e9 logits)."""
    from fctheory.latent._codes import named_code

    latent = named_code("ternary-golay").codewords()
    setting = Setting(3, 2, 11, "1/100", K=latent.shape[0], d=7, mu="zipf")
    rng = np.random.default_rng(2)
    W = 0.3 * rng.standard_normal((7, setting.n_w))
    U = 0.3 * rng.standard_normal((setting.K, 11 * 7))
    t, _ = _time(lambda: exact_risk_and_grad(setting, W, U, latent=latent), 2)
    print(f"\nternary Golay code (3,2,11,7), K = 729, K^2 s_c^L = {729**2 * 2**11:.3g}: engine {t:.3f} s (value+gradient)")


def ladder(limit: float, quick: bool) -> None:
    """Full-set settings in increasing n_w**L * K; the last under ``limit`` seconds."""
    rungs = [(3, 4, 5, 8), (3, 5, 5, 8), (4, 3, 5, 8), (3, 6, 5, 8), (4, 4, 5, 8), (3, 8, 5, 8), (3, 4, 6, 8), (3, 5, 6, 8)]
    if quick:
        rungs = rungs[:3]
    rungs.sort(key=lambda c: (c[0] * c[1]) ** c[2] * c[0] ** c[2])
    print(f"\nfull-set ladder (engine only, value+gradient, limit {limit} s)")
    print(f"{'(n_c,s_c,L,d)':>14} {'K':>5} {'n_w^L*K':>10} {'engine s':>10}")
    best = None
    for n_c, s_c, L, d in rungs:
        setting, W, U = _instance(n_c, s_c, L, d)
        t, _ = _time(lambda: exact_risk_and_grad(setting, W, U), 2)
        size = setting.n_w**L * setting.K
        print(f"{str((n_c, s_c, L, d)):>14} {setting.K:>5} {size:>10.3g} {t:>10.3f}", flush=True)
        if t <= limit:
            best = ((n_c, s_c, L, d), size, t)
        else:
            break
    if best:
        print(f"largest full-set setting evaluated within {limit} s: (n_c,s_c,L,d) = {best[0]}, n_w^L*K = {best[1]:.3g}, {best[2]:.3f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small settings only")
    args = parser.parse_args(argv)
    print(f"threads: OMP={os.environ.get('OMP_NUM_THREADS')} OPENBLAS={os.environ.get('OPENBLAS_NUM_THREADS')}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    compare(args.quick)
    subsets(args.quick)
    if not args.quick:
        golay()
    ladder(1.0, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
