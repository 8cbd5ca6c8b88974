"""Timings of the latent-set checks against the naive approach, in the same run.

Cases (targets, wall clock for assumption A + lemma B + assumption B):

* full set n_c=3, L=8 (K=6561): under 2 s;
* full set n_c=2, L=14 (K=16384): under 10 s;
* uniformly random K=16000 subset, n_c=3, L=15: under 10 s.

The naive baselines are direct Python loops: the count tensor of eq. (35) /
lemma B by a loop over ordered pairs (j, k), and assumption B by a loop over
quadruples (j, k, j', k') with equal distances, as in the statement of eq.
(44).  They are measured on a small subset of the same shape and extrapolated
with their exact operation counts (K^2 pairs; sum over distances of
(number of pairs at that distance)^2 quadruples).

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_latent.py [--quick]``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from fctheory.latent import (  # noqa: E402
    check_assumption_a,
    check_assumption_b,
    check_lemma_b,
    distance_counts,
    full_latent_set,
    random_latent_set,
)


def naive_counts(z: np.ndarray, n_c: int) -> np.ndarray:
    """The count tensor T[k, r, l, a] by a Python loop over ordered pairs."""
    K, L = z.shape
    T = np.zeros((K, L + 1, L, n_c), dtype=np.int64)
    rows = [tuple(int(v) for v in row) for row in z]
    for k in range(K):
        zk = rows[k]
        for j in range(K):
            zj = rows[j]
            d = sum(1 for a, b in zip(zj, zk) if a != b)
            for l in range(L):
                T[k, d, l, zj[l]] += 1
    return T


def naive_quadruple_rows(z: np.ndarray, n_c: int) -> int:
    """Assumption B the literal way: one equation per quadruple (j, k, j', k'); returns the count."""
    K, L = z.shape
    onehot = [(np.arange(n_c)[:, None] == row[None, :]).astype(np.int64) for row in z]
    by_dist: dict[int, list] = {}
    for j, k in itertools.product(range(K), repeat=2):
        g = onehot[j] @ (onehot[j] - onehot[k]).T
        by_dist.setdefault(int(np.sum(z[j] != z[k])), []).append(g + g.T)
    count = 0
    for group in by_dist.values():
        for g1 in group:
            for g2 in group:
                _ = g1 - g2  # the equation's coefficients
                count += 1
    return count


def quadruple_count(z: np.ndarray) -> int:
    """Number of quadruples with equal distances: sum_r (#ordered pairs at distance r)^2."""
    total = np.zeros(z.shape[1] + 1, dtype=np.int64)
    for s in range(0, z.shape[0], 2048):
        d = (z[s : s + 2048, None, :] != z[None, :, :]).sum(axis=2)
        total += np.bincount(d.ravel(), minlength=z.shape[1] + 1)
    return int(np.sum(total.astype(float) ** 2))


def timed(fn, *args, **kwargs):
    """``(result, wall-clock seconds, CPU seconds of this process)`` of one call."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0, time.process_time() - c0


def run_case(name: str, z: np.ndarray, n_c: int, target: float, small_K: int, quad_K: int, seed: int = 0) -> None:
    K, L = z.shape
    counts, t_counts, cpu_counts = timed(distance_counts, z, n_c)
    a, t_a, cpu_a = timed(check_assumption_a, z, n_c, counts=counts)
    b, t_b, cpu_b = timed(check_lemma_b, z, n_c, counts=counts)
    c, t_c, cpu_c = timed(check_assumption_b, z, n_c)
    total = t_counts + t_a + t_b + t_c
    cpu = cpu_counts + cpu_a + cpu_b + cpu_c
    # naive baselines on random subsets of the same set, extrapolated
    rng = np.random.default_rng(seed)
    sub = z[rng.choice(K, size=min(small_K, K), replace=False)]
    _, t_naive_small, _ = timed(naive_counts, sub, n_c)
    naive_pairs = t_naive_small * (K / sub.shape[0]) ** 2
    qsub = z[rng.choice(K, size=min(quad_K, K), replace=False)]
    n_quad_small, t_quad_small, _ = timed(naive_quadruple_rows, qsub, n_c)
    n_quad = quadruple_count(z)
    naive_quads = t_quad_small * n_quad / max(1, n_quad_small)
    print(f"\n{name}: n_c={n_c} L={L} K={K}")
    print(f"  count tensor (eq. 35 / lemma B)   {t_counts:8.3f} s")
    print(f"  assumption A                      {t_a:8.3f} s   holds={a.holds} deviation={a.deviation:.4g} "
          f"noise={a.noise_level:.4g}")
    print(f"  lemma B                           {t_b:8.3f} s   holds={b.holds} (i)={b.i} (ii)={b.ii} (iii)={b.iii}")
    print(f"  assumption B                      {t_c:8.3f} s   holds={c.holds} dim={c.nullspace_dim} "
          f"pairs scanned={c.pairs_examined} of {K * K} (early stop: {c.early_stop})")
    verdict = "MET" if total < target else "MISSED"
    print(f"  total A + lemma B + B             {total:8.3f} s   target < {target:g} s: {verdict}"
          f"   (CPU {cpu:.3f} s; load average {os.getloadavg()[0]:.1f})")
    print(f"  naive pairs loop (A + lemma B)    {naive_pairs:8.3g} s   (measured {t_naive_small:.3f} s at K={sub.shape[0]},"
          f" x K^2)   speed-up {naive_pairs / (t_counts + t_a + t_b):.0f}x")
    print(f"  naive quadruples loop (B)         {naive_quads:8.3g} s   (measured {t_quad_small:.3f} s for {n_quad_small}"
          f" quadruples at K={qsub.shape[0]}, x {n_quad:.3g})   speed-up {naive_quads / t_c:.3g}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the smallest case")
    args = parser.parse_args()
    print(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    run_case("full set", full_latent_set(3, 8), 3, 2.0, small_K=150, quad_K=20)
    if args.quick:
        return
    run_case("full set", full_latent_set(2, 14), 2, 10.0, small_K=150, quad_K=20)
    run_case("random subset", random_latent_set(3, 15, 16000, seed=0), 3, 10.0, small_K=150, quad_K=20)


if __name__ == "__main__":
    main()
