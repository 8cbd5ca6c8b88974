"""Training on the exact true risk, and collapse measurements of any weights.

API index
=========
train_network           minimize R (eq. 5) or R* (eq. 10) from a seeded small init:
                        L-BFGS-B, then a safeguarded Newton-CG polish to ||grad|| <= 1e-12 max(1, R)
TrainResult             trained W, U with diagnostics (iterations, evaluations, gradient
                        history, time, convergence reason)
MinimizeOptions         tolerances and limits of the trainer (stated exactly)
measure_collapse        rotation-invariant collapse measurements (definitions 1-3)
equiangular_gram        the Gram matrix of the n_c equiangular unit vectors (1 on, -1/(n_c-1) off the diagonal)
CollapseMeasurement     word norms, concept cosines, U-block norms, alignment, verdict
load_weights            read W, U from an .npz file
save_weights            write W, U to an .npz file atomically
"""

from ._measure import DEFAULT_COLLAPSE_TOL, CollapseMeasurement, equiangular_gram, measure_collapse
from ._minimize import MinimizeOptions
from ._trainer import TrainResult, train_network
from ._weights import layer_norm_columns, load_weights, save_weights

__all__ = [
    "DEFAULT_COLLAPSE_TOL",
    "CollapseMeasurement",
    "equiangular_gram",
    "MinimizeOptions",
    "TrainResult",
    "layer_norm_columns",
    "load_weights",
    "measure_collapse",
    "save_weights",
    "train_network",
]
