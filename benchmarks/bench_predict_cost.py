"""The predictions' cost estimate (fctheory.predict.estimate_cost) beside the measured time, and the refusals.

Prints, for the same problems in one run:

* estimated and measured seconds of ``predict_type3`` (uniform, ``zipf:1``, ``zipf:1.5`` words; ``s_c``
  from 100 to 3000; dps 30 to 1000), of the λ thresholds (eq. 9's exact sum for ``zipf:1`` up to
  ``s_c = 6000``, interval arithmetic for ``zipf:1.5`` up to ``s_c = 100000``) and of theorems 1 and 3
  at the paper's setting -- the ratio measured / estimated is the model's error (the baseline is the
  measurement itself);
* the time to *refuse* the predictions estimated above ``MAX_PREDICT_SECONDS``: ``predict_type3``
  with ``s_c = 100000``, ``L = 15``, Zipf; with ``s_c = 4000``, dps 1000; the thresholds with
  ``s_c = 10**6``, Zipf.

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_predict_cost.py`` (about two minutes).
"""

from __future__ import annotations

import time

from fctheory import Setting
from fctheory.errors import ProblemTooLarge
from fctheory.predict import (MAX_PREDICT_SECONDS, estimate_cost, lambda_thresholds, predict_type1, predict_type2,
                              predict_type3)

RUNS = {"type1": predict_type1, "type2": predict_type2, "type3": predict_type3, "threshold": lambda_thresholds}

MEASURED = [
    ("type1", Setting.paper(), 30), ("type1", Setting.paper(), 1000), ("type2", Setting.paper(), 300),
    ("type3", Setting(3, 300, 3, "1e-6"), 30), ("type3", Setting(3, 3000, 3, "1e-8"), 30),
    ("type3", Setting(3, 300, 3, "1e-6"), 300), ("type3", Setting(3, 1000, 3, "1e-6", mu="zipf"), 30),
    ("type3", Setting(3, 1000, 3, "1e-6", mu="zipf:1.5"), 30), ("type3", Setting(3, 3000, 3, "1e-8", mu="zipf:1.5"), 30),
    ("type3", Setting(3, 30, 3, "1e-6", mu="zipf:1.5"), 1000), ("type3", Setting(3, 400, 15, "1e-9", mu="zipf"), 30),
    ("threshold", Setting(3, 3000, 3, "1/1000", mu="zipf"), 30), ("threshold", Setting(3, 6000, 3, "1/1000", mu="zipf"), 30),
    ("threshold", Setting(3, 100000, 3, "1/1000", mu="zipf:1.5"), 30),
]

REFUSED = [
    ("type3", Setting(3, 100000, 15, "1e-9", mu="zipf"), 30),
    ("type3", Setting(3, 4000, 15, "1e-9", mu="zipf"), 1000),
    ("threshold", Setting(3, 10**6, 15, "1/1000", mu="zipf"), 30),
]


def main() -> None:
    print(f"{'kind':<10} {'s_c':>7} {'mu':<9} {'dps':>5} {'estimated':>10} {'measured':>9} {'ratio':>6}")
    for kind, setting, dps in MEASURED:
        estimate = estimate_cost(kind, setting, dps).seconds
        t0 = time.perf_counter()
        RUNS[kind](setting, dps=dps)
        measured = time.perf_counter() - t0
        print(f"{kind:<10} {setting.s_c:>7} {setting.mu.spec():<9} {dps:>5} {estimate:>9.3g}s {measured:>8.3g}s "
              f"{measured / estimate:>6.2f}")
    print(f"\nrefused above MAX_PREDICT_SECONDS = {MAX_PREDICT_SECONDS:g} s:")
    for kind, setting, dps in REFUSED:
        t0 = time.perf_counter()
        try:
            RUNS[kind](setting, dps=dps)
            outcome = "NOT refused"
        except ProblemTooLarge:
            outcome = "refused"
        print(f"{kind:<10} {setting.s_c:>7} {setting.mu.spec():<9} {dps:>5} estimated "
              f"{estimate_cost(kind, setting, dps).seconds:>9.3g}s  {outcome} in {time.perf_counter() - t0:.4f}s")


if __name__ == "__main__":
    main()
