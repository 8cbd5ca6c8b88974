"""Theorems 1-3 as certified numbers (imported into :mod:`fctheory`)."""

from ._enclosure import Enclosure
from ._profile import SphereSizes
from ._thresholds import LambdaThresholds, ThresholdValue, lambda_thresholds, type3_threshold
from ._type1 import H, TypeIPrediction, predict_type1
from ._type2 import H_star, TypeIIPrediction, predict_type2
from ._type3 import TypeIIIPrediction, predict_type3, type3_reduced_risk

__all__ = [
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
