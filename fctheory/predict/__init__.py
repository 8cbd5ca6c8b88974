"""Theorems 1-3 as certified numbers (imported into :mod:`fctheory`).

Above its threshold (λ_I for theorem 1, eq. 9 for theorem 2) ``predict_type1`` and ``predict_type3``
raise :class:`~fctheory.errors.NoNontrivialSolution` (carrying the threshold and the risk of
``W = U = 0``).  Every prediction estimates its cost first (:func:`estimate_cost`) and refuses one
estimated above :data:`MAX_PREDICT_SECONDS`; front-ends show progress above :data:`PROGRESS_SECONDS`.
"""

from ._collapse import TRIVIAL_THEOREM, CollapsePrediction, collapse_prediction
from ._cost import (MAX_PREDICT_SECONDS, PREDICTION_KINDS, PROGRESS_SECONDS, CostEstimate, estimate_cost,
                    estimate_seconds, require_affordable)
from ._enclosure import Enclosure
from ._sphere_sizes import SphereSizes
from ._thresholds import LambdaThresholds, ThresholdValue, lambda_thresholds, type3_threshold
from ._type1 import H, TypeIPrediction, predict_type1
from ._type2 import H_star, TypeIIPrediction, predict_type2
from ._type3 import TypeIIIPrediction, predict_type3, type3_reduced_risk

__all__ = [
    "CollapsePrediction",
    "collapse_prediction",
    "TRIVIAL_THEOREM",
    "CostEstimate",
    "MAX_PREDICT_SECONDS",
    "PREDICTION_KINDS",
    "PROGRESS_SECONDS",
    "estimate_cost",
    "estimate_seconds",
    "require_affordable",
    "Enclosure",
    "SphereSizes",
    "H",
    "LambdaThresholds",
    "ThresholdValue",
    "lambda_thresholds",
    "H_star",
    "TypeIPrediction",
    "TypeIIPrediction",
    "TypeIIIPrediction",
    "predict_type1",
    "predict_type2",
    "predict_type3",
    "type3_reduced_risk",
    "type3_threshold",
]
