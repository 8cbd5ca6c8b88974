"""The cost model of the operations: estimated seconds on a 2-core machine, idle.

One home for the numbers ``--dry-run``, the "estimated" lines and the progress bars use.
Each constant says where it was measured; the estimates aim at a factor 2 of the real time.
"""

from __future__ import annotations

__all__ = ["REPRODUCE_SECONDS", "REPRODUCE_SGD_SECONDS", "REPRODUCE_QUICK_SECONDS", "REPRODUCE_QUICK_SGD_SECONDS",
           "reproduce_seconds",
           "RUN_SECONDS", "SECONDS_PER_LOGIT", "RUN_REPORT_SECONDS", "format_seconds"]

#: One reproduction by L-BFGS to convergence (docs/reproduce.md: fig3 56-70 s; fig4b 343-403 iterations,
#: 6-9 min; fig4c 780-1097 iterations, 10-18 min; fig4a's n_spl = 500 is ~100 times fig3's data, not
#: measured by L-BFGS; k50: 36-39 iterations, 1.8 s in the process at a load average of 1.9).
REPRODUCE_SECONDS = {"fig3": 70.0, "fig4a": 1800.0, "fig4b": 360.0, "fig4c": 800.0, "k50": 2.5}
#: The paper's SGD protocol (fig3: 1885 s CPU for 60,000 steps in float64, 651 s in float32; fig4a: 1719 s
#: CPU; fig4b: 3000 epochs in float32, 3498 s of wall clock at load 4-7; k50: 0.8 ms of CPU per step
#: measured over 1500 steps, 60,000 steps).
REPRODUCE_SGD_SECONDS = {"fig3": 1900.0, "fig4a": 1750.0, "fig4b": 3500.0, "fig4c": 1900.0, "k50": 60.0}
#: One experiment of ``--quick`` (each experiment's reduced setting), in the process: ``fctheory
#: reproduce all --quick --json`` at a load average of 1.9 (9.1 s of wall clock with the ~1 s
#: start-up): L-BFGS fig3 1.4 s, fig4a 3.7, fig4b 1.1, fig4c 1.3, k50 0.5; SGD (its quick epochs)
#: 0.5-0.8 s each.
REPRODUCE_QUICK_SECONDS = {"fig3": 1.5, "fig4a": 3.5, "fig4b": 1.5, "fig4c": 1.5, "k50": 0.6}
REPRODUCE_QUICK_SGD_SECONDS = {"fig3": 0.7, "fig4a": 0.8, "fig4b": 0.5, "fig4c": 0.5, "k50": 0.5}
#: A validation case's training run on the exact risk costs about RUN_SECONDS plus SECONDS_PER_LOGIT per
#: (sentence, class) logit pair of one exact-risk evaluation (K s_c^L K), and a suite RUN_REPORT_SECONDS
#: more (start-up, predictions, report and figures).  Fitted on the default and extended suites (45
#: cases, one BLAS thread, 2-core machine at load 2-4): the ternary Golay code, 1.1e9 logits, trained in
#: 144 s; n_c=2 s_c=6 L=6, 1.9e8 logits, 29 s; n_c=3 s_c=4 L=5, 6e7 logits, 3.8-8.2 s; the small cases
#: 0.01-0.4 s.  The whole default suite took 5.4 s (18 runs), the extended one 447 s of wall clock and
#: 151 s of CPU (33 runs).
RUN_SECONDS = 0.1
SECONDS_PER_LOGIT = 1.0e-7
RUN_REPORT_SECONDS = 3.0


def reproduce_seconds(experiment: str, optimizer: str = "lbfgs", *, quick: bool = False) -> float:
    """Estimated seconds of one reproduction of ``experiment`` (2-core machine, idle, one thread)."""
    if quick:
        return (REPRODUCE_QUICK_SGD_SECONDS if optimizer == "sgd" else REPRODUCE_QUICK_SECONDS)[experiment]
    return (REPRODUCE_SGD_SECONDS if optimizer == "sgd" else REPRODUCE_SECONDS)[experiment]


def format_seconds(seconds: float) -> str:
    """``12 s``, ``3.5 min``, ``2.1 h``, ``4.0 days``."""
    if seconds < 120:
        return f"{seconds:.2g} s"
    if seconds < 7200:
        return f"{seconds / 60:.2g} min"
    if seconds < 172800:
        return f"{seconds / 3600:.2g} h"
    return f"{seconds / 86400:.2g} days"
