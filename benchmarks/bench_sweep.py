"""Benchmark: one grid of 40 small training jobs on the three backends of ``fctheory.sweep``.

Grid: ``train`` (``fctheory.train_network`` on the exact risk, network h, full
set, then ``measure_collapse``) at ``(n_c, s_c, L, d) = (3, 3, 4, 6)``
(K = 81), λ in {1/100, 1/50, 1/20, 1/10} x seeds 0..9: 40 jobs of ~0.3-0.5 s.

* baseline -- ``workers=1``: every job in this process, one after the other.
* pool     -- ``workers=2``: two local worker processes.  Start-up (the fork
  server importing fctheory, measured with 2 no-op jobs) is timed separately.
* dask     -- a ``dask.distributed.LocalCluster`` of 2 single-threaded worker
  processes; its start-up (cluster, workers importing fctheory) is timed
  separately.  Speed-ups are given without and with start-up.

Targets (2 cores): speed-up >= 1.7x for both parallel backends.  Dask's
per-job overhead is measured with 200 no-op jobs (``builtins:dict``) on the
same cluster, against the same jobs in this process.  No cache is used; the
results of the three backends are checked to be identical (timings aside).

The machine's own parallel capacity is measured first, without fctheory: a
CPU-bound probe (a pure-Python loop of ~1 s, then a single-threaded numpy
GEMM loop) alone, then in two processes at once; ``capacity = 2 t_alone /
t_concurrent`` is the speed-up two processes can get on this machine at all
(2.0 on two free physical cores; less on a virtual machine whose two vCPUs
share a core or are preempted by the host: the "steal" time of
``/proc/stat``, printed for the whole run).  Each backend's speed-up is also
given as a fraction of that capacity.

Usage:  OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_sweep.py [--quick]
        (--quick: 8 jobs, 40 no-op jobs)
The machine's load (``os.getloadavg``) is printed before and after: on a shared
machine the figures are only as good as the load allows.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402

from fctheory.registry import job_kinds  # noqa: E402
from fctheory.sweep import Job, JobKind, run_jobs  # noqa: E402

LAMS = ("1/100", "1/50", "1/20", "1/10")
TIMING_KEYS = {"train_seconds"}


def grid_jobs(quick: bool) -> list[Job]:
    seeds = range(2) if quick else range(10)
    train = job_kinds()["train"]
    return [Job(train, {"n_c": 3, "s_c": 3, "L": 4, "d": 6, "lam": lam, "seed": seed}) for lam in LAMS for seed in seeds]


def comparable(results):
    return [(r.status, {k: v for k, v in (r.result or {}).items() if k not in TIMING_KEYS}) for r in results]


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _probe_python(n: int = 6_000_000) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def _probe_gemm(reps: int = 12) -> float:
    import numpy as np

    a = np.random.default_rng(0).standard_normal((400, 400))
    for _ in range(reps):
        a = a @ a
        a /= np.abs(a).max()
    return float(a[0, 0])


def _probe_wall(probe) -> float:
    start = time.perf_counter()
    probe()
    return time.perf_counter() - start


def capacity(probe) -> tuple[float, float, float]:
    """``(t_alone, t_concurrent, capacity)`` of a CPU-bound probe, wall seconds (best of 2)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_probe_wall, [probe, probe]))  # warm both processes
        alone = min(pool.submit(_probe_wall, probe).result() for _ in range(2))
        both = min(max(pool.map(_probe_wall, [probe, probe])) for _ in range(2))
    return alone, both, 2.0 * alone / both


class Steal:
    """CPU time stolen by the hypervisor over an interval (``/proc/stat``'s steal column), when readable."""

    def __init__(self):
        self.start = self._read()

    @staticmethod
    def _read():
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        return fields[7] if len(fields) > 7 else None, sum(fields)

    def fraction(self) -> str:
        end = self._read()
        if self.start is None or end is None or self.start[0] is None:
            return "n/a (no /proc/stat steal column)"
        stolen, total = end[0] - self.start[0], end[1] - self.start[1]
        return f"{100.0 * stolen / max(total, 1):.1f}% of all CPU time"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    jobs = grid_jobs(args.quick)
    n_noop = 40 if args.quick else 200
    noop = [Job(JobKind("dict", dict), {"i": i}) for i in range(n_noop)]
    print(f"bench_sweep: {len(jobs)} training jobs; {load()}")
    steal = Steal()
    caps = []
    for name, probe in (("pure-Python loop", _probe_python), ("numpy GEMM, 1 thread", _probe_gemm)):
        alone, both, cap = capacity(probe)
        caps.append(cap)
        print(f"  machine capacity ({name}): {alone:.2f} s alone, {both:.2f} s two at once -> at most {cap:.2f}x "
              f"from 2 processes")
    cap = max(caps)

    serial, t_serial = timed(lambda: run_jobs(jobs, workers=1, progress=False))
    failed = [r.error for r in serial if r.status != "ok"]
    if failed:
        raise SystemExit(f"training jobs failed: {failed[:3]}")
    # start-up: the fork server imports fctheory once (2 no-op jobs), then the grid
    _, t_pool_start = timed(lambda: run_jobs(noop[:2], workers=2, progress=False))
    pool, t_pool = timed(lambda: run_jobs(jobs, workers=2, progress=False))

    import distributed

    (cluster, client), t_start = timed(lambda: _cluster(distributed))
    try:
        dask, t_dask = timed(lambda: run_jobs(jobs, scheduler=client, progress=False))
        noop_local, t_noop_local = timed(lambda: run_jobs(noop, workers=1, progress=False))
        noop_dask, t_noop_dask = timed(lambda: run_jobs(noop, scheduler=client, progress=False))
    finally:
        client.close()
        cluster.close()
    assert all(r.status == "ok" for r in noop_local + noop_dask)
    identical = comparable(serial) == comparable(pool) == comparable(dask)

    mean = lambda results: sum(r.seconds for r in results) / len(results)  # noqa: E731
    print(f"  mean job time: {mean(serial):.3f} s in process, {mean(pool):.3f} s on the pool's workers, "
          f"{mean(dask):.3f} s on the cluster's (CPU contention shows here)")
    print(f"  baseline: 1 process                 {t_serial:8.2f} s")
    print(f"  --jobs 2 (2 worker processes)       {t_pool:8.2f} s   speed-up {t_serial / t_pool:5.2f}x  (target >= 1.7x; "
          f"{100 * t_serial / t_pool / cap:.0f}% of the machine's {cap:.2f}x)")
    print(f"    + start-up (fork server import)   {t_pool_start:8.2f} s   speed-up incl. start-up "
          f"{t_serial / (t_pool + t_pool_start):5.2f}x")
    print(f"  LocalCluster, 2 workers             {t_dask:8.2f} s   speed-up {t_serial / t_dask:5.2f}x  (target >= 1.7x; "
          f"{100 * t_serial / t_dask / cap:.0f}% of the machine's {cap:.2f}x)")
    print(f"    + start-up (cluster, imports)     {t_start:8.2f} s   speed-up incl. start-up "
          f"{t_serial / (t_dask + t_start):5.2f}x")
    overhead = (t_noop_dask - t_noop_local) / n_noop
    print(f"  per-job overhead of Dask            {1e3 * overhead:8.2f} ms  ({n_noop} no-op jobs: {t_noop_dask:.3f} s on "
          f"the cluster, {t_noop_local:.3f} s in process)")
    print(f"  results identical on the three backends (timings aside): {'yes' if identical else 'NO'}")
    print(f"  after: {load()}; CPU time stolen by the host during the run: {steal.fraction()}")
    return 0 if identical else 1


def _import_fctheory():
    import fctheory.operations  # noqa: F401


def _cluster(distributed):
    import dask

    # as fctheory's own --scheduler local: the workers' statistical profiler off
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        return _start_cluster(distributed)


def _start_cluster(distributed):
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                       silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    client.wait_for_workers(2)
    # what a worker's first job would otherwise pay: importing fctheory
    client.run(_import_fctheory)
    return cluster, client


if __name__ == "__main__":
    raise SystemExit(main())
