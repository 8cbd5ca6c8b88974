"""The paper's own experiments, torch-free: sampled data, the empirical risk (eq. 3), training.

API index
=========
sample_dataset          n_spl training and n_test test sentences per class (section 2), seeded
Dataset                 the sentences (x int64 (N, L), y int64 (N,)) with their problem and seed
empirical_risk          eq. (3) of network h (eq. 17) or h* (eq. 18), the paper's regularization
empirical_risk_and_grad its exact gradient (score tables or direct, chosen by a cost model)
accuracy                fraction of sentences classified correctly (fctheory.empirical_accuracy)
method_costs            the cost model behind the choice of method
train_empirical         full-batch L-BFGS or the paper's SGD protocol, checkpointed and resumable, float64 or float32
EmpiricalTrainResult    trained W, U, risk, accuracies, history, convergence, time
HistoryRecord           one point of the training curve (step, epoch, loss, accuracies)
initial_weights         the paper code's initialisation (N(0,1)/1000, U(+-1/sqrt(L d))/1000)
CheckpointMismatch      a checkpoint of another run (names the differing fields)
DamagedCheckpoint       an empty or truncated checkpoint (ignored by the trainer, with a note)
layer_norm_eps          phi_eps of h* with the paper code's eps (columns of W, or rows)
                        (fctheory.configurations, re-exported)
require_eps             an eps (a real number >= 0); check_eps is its deprecated name
check_dtype             validate a dtype ('float32' or 'float64'; DTYPES), the type the engine computes in
DEFAULT_DTYPES          the trainer's type per optimizer (L-BFGS float64, SGD float32, the paper code's)
"""

from ._data import Dataset, sample_dataset
from ._checkpoint import CheckpointMismatch, DamagedCheckpoint
from ..configurations import check_eps, layer_norm_eps, require_eps
from ._engine import (DTYPES, METHODS, NETWORKS, accuracy, check_dtype, empirical_risk, empirical_risk_and_grad,
                      method_costs)

#: ``accuracy`` under the name the top-level package re-exports.
empirical_accuracy = accuracy
from ._train import (DEFAULT_DTYPES, DEFAULT_GTOLS, OPTIMIZERS, EmpiricalTrainResult, HistoryRecord, initial_weights,
                     train_empirical)

__all__ = [
    "Dataset",
    "sample_dataset",
    "empirical_risk",
    "empirical_risk_and_grad",
    "accuracy",
    "empirical_accuracy",
    "method_costs",
    "train_empirical",
    "EmpiricalTrainResult",
    "HistoryRecord",
    "initial_weights",
    "CheckpointMismatch",
    "DamagedCheckpoint",
    "layer_norm_eps",
    "require_eps",
    "check_eps",
    "check_dtype",
    "DTYPES",
    "DEFAULT_DTYPES",
    "DEFAULT_GTOLS",
    "METHODS",
    "OPTIMIZERS",
    "NETWORKS",
]
