"""Time every symbolic derivation (build + verify) against two baselines in the same run.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_symbolic.py [--points N] [--timeout S]

Columns (seconds of wall time on this machine, build + verify, one derivation
per child process so that a baseline that blows up cannot take the machine
down: each child gets ``--timeout`` seconds and 4 GiB of address space):

* ``fctheory``  ``verify()`` as shipped: exact expansion first, then
  ``simplify`` (skipped where evaluation left a ``Piecewise``), then the
  summation and induction proofs; random rational points only as evidence;
* ``simplify``  baseline: plain ``sympy.simplify(lhs - rhs)`` on every step,
  no shared evaluation and no skipping, then summation/induction;
* ``points``    baseline: the exact random-point check alone on every step
  (evidence only: no step is proved, so the derivation is not verified).

Each cell shows the time and ``proved/total`` steps.  The target for the
``fctheory`` total (all five derivations, build + verify) is under 30 s.  Ctrl-C prints the rows
finished so far.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

TARGET_SECONDS = 30.0
MEMORY_LIMIT = 4 * 2**30
VARIANTS = {
    "fctheory": dict(),
    "simplify": dict(methods=["simplify", "random-rational"], shortcuts=False, simplify_max_ops=None),
    "points": dict(methods=["random-rational"]),
}


def child(name: str, variant: str, points: int) -> None:
    """Build and verify one derivation; print one JSON line."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    from fctheory.symbolic import DERIVATIONS

    options = dict(VARIANTS[variant])
    if "methods" in options:
        options["methods"] = tuple(options["methods"])
    t0 = time.perf_counter()
    derivation = DERIVATIONS[name]()
    build = time.perf_counter() - t0
    result = derivation.verify(points=points, **options)
    methods: dict = {}
    for ch in result.checks:
        methods[ch.method] = methods.get(ch.method, 0) + 1
    print(json.dumps({"seconds": time.perf_counter() - t0, "build": build, "verified": result.verified,
                      "proved": result.steps_proved, "total": result.steps_total,
                      "methods": methods, "failed": list(result.failed)}))


def parent(points: int, timeout: float) -> int:
    from tqdm import tqdm

    from fctheory.symbolic import DERIVATIONS

    rows = []
    jobs = [(n, v) for n in DERIVATIONS for v in VARIANTS]
    try:
        for name, variant in tqdm(jobs, desc="derivation x variant", file=sys.stderr):
            t0 = time.perf_counter()
            try:
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", name, variant, "--points", str(points)],
                    capture_output=True, text=True, timeout=timeout,
                )
                if proc.returncode == 0:
                    data = json.loads(proc.stdout.strip().splitlines()[-1])
                else:
                    last = (proc.stderr.strip().splitlines() or ["?"])[-1]
                    data = {"seconds": time.perf_counter() - t0, "verified": False, "methods": {},
                            "error": last[:100]}
            except subprocess.TimeoutExpired:
                data = {"seconds": timeout, "verified": False, "methods": {}, "error": f"timed out after {timeout:.0f} s"}
            rows.append((name, variant, data))
    except KeyboardInterrupt:
        print("interrupted; rows finished so far:", file=sys.stderr)
    names = list(dict.fromkeys(n for n, _, _ in rows))
    table = {(n, v): d for n, v, d in rows}
    print(f"{'derivation':<11}" + "".join(f"{v:>30}" for v in VARIANTS))
    totals = {v: 0.0 for v in VARIANTS}
    for n in names:
        cells = []
        for v in VARIANTS:
            d = table.get((n, v))
            if d is None:
                cells.append("-")
                continue
            totals[v] += d["seconds"]
            mark = ">" if "timed out" in d.get("error", "") else ""
            status = "verified" if d["verified"] else ("timeout" if mark else "not verified")
            proved = f" {d['proved']}/{d['total']}" if "proved" in d else ""
            cells.append(f"{mark}{d['seconds']:.2f} s{proved} {status}")
        print(f"{n:<11}" + "".join(f"{c:>30}" for c in cells))
    print(f"{'total':<11}" + "".join(f"{totals[v]:>28.2f} s" for v in VARIANTS))
    for n in names:
        print(f"methods {n:<10} " + "  ".join(f"{v}={table[(n, v)]['methods']}" for v in VARIANTS if (n, v) in table))
        for v in VARIANTS:
            d = table.get((n, v), {})
            if d.get("error") or d.get("failed"):
                print(f"        {n}/{v}: {d.get('error') or 'not verified: ' + ', '.join(d['failed'])}")
    ok = totals["fctheory"] < TARGET_SECONDS
    if totals["fctheory"] > 0:
        print(f"baseline / fctheory time: simplify {totals['simplify'] / totals['fctheory']:.2f}x, "
              f"points {totals['points'] / totals['fctheory']:.2f}x (times exclude the child's imports)")
    print(f"fctheory total {totals['fctheory']:.2f} s: {'under' if ok else 'OVER'} the {TARGET_SECONDS:.0f} s target")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=6, help="random points per step (default 6)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per derivation and variant (default 120)")
    parser.add_argument("--child", nargs=2, metavar=("NAME", "VARIANT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.points)
        return 0
    return parent(args.points, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
