"""Benchmark: the validation trainer's time to a polished minimum, against a baseline trainer.

Settings: (n_c, s_c, L, d) = (3, 4, 5, 8), full set (K = 243), lambda = 1/100,
network h, uniform and Zipf word laws.  Targets: trainer under 20 s per
setting; at least 10x faster than the baseline.

* trainer  -- ``fctheory.train_network``: L-BFGS-B on the exact-risk engine,
  then the safeguarded Newton-CG polish to ||grad|| <= 1e-12 max(1, R).
* baseline -- scipy L-BFGS-B (same start, ftol = 1e-15, gtol = 1e-9, as the
  trainer's first phase) on a direct risk written here: every logit of every
  sentence of every class materialised with numpy (K * s_c**L * K numbers, in
  chunks of classes), logsumexp, softmax, gradient reduced by reshapes.  It
  stops where L-BFGS-B stops; its final gradient norm is printed next to the
  trainer's, and the time per baseline evaluation against the engine's.

Both run single-threaded.  Before timing, the baseline's value and gradient are
checked against the engine at the starting point.

Usage:  OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_train.py [--quick]
        (--quick: only the uniform setting, baseline capped at 60 s)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from scipy.special import logsumexp  # noqa: E402

from fctheory import Setting, exact_risk_and_grad, train_network  # noqa: E402
from fctheory.latent import full_latent_set  # noqa: E402
from fctheory.train import MinimizeOptions  # noqa: E402


class _Stop(Exception):
    pass


#: Logits materialised at once by the baseline (classes are processed in chunks).
BASELINE_CHUNK = 2**22


def direct_risk_and_grad(setting, W, U, Z):
    """R (eq. 5) and its gradient with every logit materialised.

    For a chunk of classes k, the logits of all s_c**L sentences of class k
    against all K classes are built as an array (chunk, s_c**L, K) by summing
    the per-position scores; logsumexp and softmax follow; the gradient with
    respect to the score tables is reduced back by reshaping the sentence axis
    to (s_c,)*L (no per-sentence Python loop, no scatter).
    """
    s_c, L, K = setting.s_c, setting.L, setting.K
    d = W.shape[0]
    lam = float(setting.lam)
    mu = setting.mu.as_array()
    blocks = U.reshape(K, L, d)
    G = np.einsum("jld,dw->lwj", blocks, W)  # G[l, word, j] = <u_{j,l}, w_word>
    S = s_c**L
    powers = s_c ** np.arange(L - 1, -1, -1)
    ranks = (np.arange(S)[:, None] // powers[None, :]) % s_c  # (S, L), lexicographic
    prob = np.prod(mu[ranks], axis=1)  # sentence probabilities within a class
    dG = np.zeros_like(G)
    value = 0.0
    step = max(1, BASELINE_CHUNK // (S * K))
    for k0 in range(0, K, step):
        ks = np.arange(k0, min(K, k0 + step))
        words = Z[ks][:, None, :] * s_c + ranks[None, :, :]  # (kc, S, L)
        logits = G[0][words[..., 0]]
        for l in range(1, L):
            logits += G[l][words[..., l]]  # (kc, S, K)
        lse = logsumexp(logits, axis=2)
        own = logits[np.arange(ks.size), :, ks]
        value += float(np.sum(prob[None, :] * (lse - own))) / K
        delta = np.exp(logits - lse[..., None])
        delta[np.arange(ks.size), :, ks] -= 1.0
        delta *= (prob / K)[None, :, None]
        cube = delta.reshape((ks.size,) + (s_c,) * L + (K,))
        for l in range(L):
            axes = tuple(1 + m for m in range(L) if m != l)
            per_rank = cube.sum(axis=axes)  # (kc, s_c, K): rank of position l
            for i, k in enumerate(ks):
                a = Z[k, l]
                dG[l, a * s_c:(a + 1) * s_c] += per_rank[i]
    dW = np.einsum("lwj,jld->dw", dG, blocks) + lam * W
    dU = np.einsum("lwj,dw->jld", dG, W).reshape(K, L * d) + lam * U
    value += 0.5 * lam * (float(np.sum(W * W)) + float(np.sum(U * U)))
    return value, dW, dU


def baseline_train(setting, Z, seed, init_scale=0.1, cap_seconds=None):
    d, n_w, K, L = setting.d, setting.n_w, setting.K, setting.L
    nW = d * n_w
    rng = np.random.default_rng(seed)  # the trainer's initialisation
    std = init_scale / np.sqrt(d)
    x0 = np.concatenate([rng.normal(0.0, std, nW), rng.normal(0.0, std, K * L * d)])
    start = time.perf_counter()
    state = {"evals": 0, "x": x0, "g": None, "f": None}

    def fg(x):
        if cap_seconds is not None and time.perf_counter() - start > cap_seconds:
            raise _Stop
        v, dW, dU = direct_risk_and_grad(setting, x[:nW].reshape(d, n_w), x[nW:].reshape(K, L * d), Z)
        g = np.concatenate([dW.ravel(), dU.ravel()])
        state.update(evals=state["evals"] + 1, x=x, g=g, f=v)
        return v, g

    capped = False
    try:
        opts = MinimizeOptions()  # the trainer's first-phase tolerances and memory
        res = minimize(fg, x0, jac=True, method="L-BFGS-B",
                       options={"maxiter": opts.lbfgs_maxiter, "ftol": opts.lbfgs_ftol, "gtol": opts.lbfgs_gtol,
                                "maxcor": opts.lbfgs_memory})
        message, f, g = res.message, res.fun, res.jac
    except _Stop:
        capped, message, f, g = True, f"stopped at the {cap_seconds:.0f} s cap", state["f"], state["g"]
    return {"seconds": time.perf_counter() - start, "evals": state["evals"], "risk": f,
            "grad_rel": float(np.linalg.norm(g)) / max(1.0, abs(f)), "message": str(message), "capped": capped}


def check_baseline(setting, Z):
    """Agreement of baseline and engine at a random point, and one evaluation's time of each."""
    rng = np.random.default_rng(1)
    W = rng.normal(size=(setting.d, setting.n_w)) * 0.3
    U = rng.normal(size=(setting.K, setting.L * setting.d)) * 0.3
    t0 = time.perf_counter()
    v1, dW1, dU1 = direct_risk_and_grad(setting, W, U, Z)
    t1 = time.perf_counter()
    v2, dW2, dU2 = exact_risk_and_grad(setting, W, U)
    t2 = time.perf_counter()
    g1 = np.concatenate([dW1.ravel(), dU1.ravel()])
    g2 = np.concatenate([np.ravel(dW2), np.ravel(dU2)])
    return (abs(v1 - v2) / abs(v2), float(np.linalg.norm(g1 - g2) / np.linalg.norm(g2)), t1 - t0, t2 - t1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    laws = ["uniform"] if args.quick else ["uniform", "zipf"]
    cap = 60.0 if args.quick else None
    print("trainer vs baseline: (n_c, s_c, L, d) = (3, 4, 5, 8), full set K = 243, lambda = 1/100, network h")
    rows = []
    for law in laws:
        setting = Setting(3, 4, 5, "1/100", d=8, mu=law)
        Z = full_latent_set(3, 5)
        dv, dg, tb, te = check_baseline(setting, Z)
        print(f"\n[{law}] baseline vs engine at a random point: value rel. diff {dv:.1e}, gradient rel. diff {dg:.1e}; "
              f"one value+gradient: baseline {tb:.3f} s, engine {te:.4f} s")
        t0 = time.perf_counter()
        res = train_network(setting, seed=0)
        t_train = time.perf_counter() - t0
        print(f"[{law}] trainer : {t_train:7.2f} s  converged={res.converged}  ||g||/max(1,R)={res.grad_norm_rel:.1e}  "
              f"R={res.risk:.15g}  L-BFGS it {res.lbfgs_iterations}, Newton it {res.newton_iterations}, "
              f"evals {res.evaluations} (+{res.hvp_evaluations} HVPs: {res.hvp_method})")
        base = baseline_train(setting, Z, seed=0, cap_seconds=cap)
        print(f"[{law}] baseline: {base['seconds']:7.2f} s  ||g||/max(1,R)={base['grad_rel']:.1e}  R={base['risk']:.15g}  "
              f"evals {base['evals']}  ({base['message']})")
        ratio = base["seconds"] / t_train
        bound = ">= " if base["capped"] else ""
        print(f"[{law}] speed-up: {bound}{ratio:.1f}x  (target >= 10x); trainer target < 20 s: "
              f"{'met' if t_train < 20 else 'NOT met'}")
        rows.append((law, t_train, base["seconds"], ratio, res.grad_norm_rel, base["grad_rel"], base["capped"]))
    print("\nsummary")
    print(f"{'mu':<8} {'trainer s':>10} {'baseline s':>11} {'ratio':>8} {'trainer |g|':>12} {'baseline |g|':>13}")
    for law, t, b, r, g1, g2, capped in rows:
        print(f"{law:<8} {t:10.2f} {b:11.2f} {('>=' if capped else '') + format(r, '.1f'):>8} {g1:12.1e} {g2:13.1e}")


if __name__ == "__main__":
    main()
