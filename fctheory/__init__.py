"""fctheory — the closed forms of "Feature Collapse" (Laurent, von Brecht, Bresson).

API index
=========

Setting and errors
------------------
Setting                 validated (n_c, s_c, L, λ, K, d, μ); ``Setting.paper()``
WordLaw                 the word law μ (uniform, Zipf, explicit)
Problem                 a Setting with its validated latent set (full, random+seed, file, code, array)
LatentSource            where a problem's latent set comes from; as_problem adapts (setting, latent=)
FctheoryError           base of every deliberate error (InvalidSetting, ...)

Predictions (theorems 1-3, eq. 7-9), certified at any precision
----------------------------------------------------------------
predict_type1           theorem 1: τ = argmin H, word/U norms, min risk
predict_type2           theorem 3: τ* = argmin H*, U norm, min risk
predict_type3           theorem 2: (c, r_1..r_{s_c}) of eq. 7-8
lambda_thresholds       eq. 9 (type III) and H'(0) = 0 (type I)
H, H_star               the convex functions of theorems 1 and 3
type3_reduced_risk      F(c, r), the risk on the type-III ansatz
SphereSizes             the distance profile |S_r| behind H (assumption A or a latent set)
Enclosure               a certified interval [lo, hi]; decimal_string for directed decimal output

The exact true risk (eq. 5, 10; fctheory.risk)
----------------------------------------------
exact_risk, exact_risk_and_grad   R / R* and exact gradients by position-wise contraction
exact_risk_hvp          exact Hessian-vector product of R / R* (Newton-type polishing)
type1/2/3_configuration, equiangular_frame   collapse configurations built explicitly

Training and validation (fctheory.train, fctheory.report)
--------------------------------------------------------
train_network           L-BFGS-B + Newton-CG polish of R / R* on the exact risk -> TrainResult
measure_collapse        collapse measurements of any W, U -> CollapseMeasurement
validate                run a validation suite -> report.md, results.json, figures (ValidationRun)
load_suite              read a TOML suite (validation/suites/<name>.toml or a file)

Global optimality (theorem G, appendix G; fctheory.certify)
----------------------------------------------------------
certify_optimum         the convex program min f(D) + λ||D||_* (cvxpy), bounded both ways -> Certificate
general_lambda_threshold ||∇f(0)||_op: the λ threshold for any latent set and μ (claim H)
compare_prediction      certified optimum vs H(τ) / F(c, r) / H_Z and the predicted D -> Comparison

Symbolic derivations (appendices C-F; fctheory.symbolic)
-------------------------------------------------------
derive_H, derive_H_star, derive_type3, derive_thresholds, derive_margins -> Derivation (verify, to_latex)
lambdify_mp             a derivation's closed form as an mpmath callable

Latent sets and their symmetry (appendix B; fctheory.latent)
-----------------------------------------------------------
full_latent_set, random_latent_set, load_latent_file, named_code, linear_code   latent sets (full, random, files, codes)
check_latent_set        assumption A (eq. 35), lemma B (i)-(iii), assumption B (eq. 44) -> LatentCheck
check_assumption_a, check_lemma_b, check_assumption_b   the three checks, exact, with deviations / witnesses
sphere_sizes            a latent set's |S_r| -> SphereSizes for predict_type1/2 (H_Z, H*_Z)
"""

from ._version import __version__
from ._precision import decimal_string
from .errors import (
    FctheoryError,
    InvalidInput,
    InvalidLatentSet,
    InvalidSetting,
    NoNontrivialSolution,
    ProblemTooLarge,
    VerificationError,
)
from .predict import (
    Enclosure,
    H,
    H_star,
    LambdaThresholds,
    SphereSizes,
    ThresholdValue,
    TypeIIIPrediction,
    TypeIIPrediction,
    TypeIPrediction,
    lambda_thresholds,
    predict_type1,
    predict_type2,
    predict_type3,
    type3_reduced_risk,
)
from .certify import Certificate, Comparison, GeneralThreshold, certify_optimum, compare_prediction, general_lambda_threshold
from .setting import Setting, WordLaw
from .problem import LatentSource, Problem, as_problem
from .risk import (
    Configuration,
    equiangular_frame,
    exact_risk,
    exact_risk_and_grad,
    exact_risk_hvp,
    type1_configuration,
    type2_configuration,
    type3_configuration,
)
from .train import CollapseMeasurement, TrainResult, measure_collapse, train_network
from .report import ValidationRun, load_suite, validate
from .latent import (
    LatentCheck,
    check_assumption_a,
    check_assumption_b,
    check_latent_set,
    check_lemma_b,
    full_latent_set,
    linear_code,
    load_latent_file,
    named_code,
    random_latent_set,
    sphere_sizes,
)
from .symbolic import Derivation, derive_H, derive_H_star, derive_margins, derive_thresholds, derive_type3, lambdify_mp

__all__ = [
    "__version__",
    "Derivation",
    "derive_H",
    "derive_H_star",
    "derive_margins",
    "derive_thresholds",
    "derive_type3",
    "lambdify_mp",
    "FctheoryError",
    "InvalidInput",
    "InvalidLatentSet",
    "InvalidSetting",
    "NoNontrivialSolution",
    "ProblemTooLarge",
    "VerificationError",
    "Setting",
    "WordLaw",
    "LatentSource",
    "Problem",
    "as_problem",
    "Configuration",
    "equiangular_frame",
    "exact_risk",
    "exact_risk_and_grad",
    "exact_risk_hvp",
    "type1_configuration",
    "type2_configuration",
    "type3_configuration",
    "decimal_string",
    "Enclosure",
    "H",
    "H_star",
    "LambdaThresholds",
    "SphereSizes",
    "ThresholdValue",
    "TypeIIIPrediction",
    "TypeIIPrediction",
    "TypeIPrediction",
    "lambda_thresholds",
    "predict_type1",
    "predict_type2",
    "predict_type3",
    "type3_reduced_risk",
    "Certificate",
    "Comparison",
    "GeneralThreshold",
    "certify_optimum",
    "compare_prediction",
    "general_lambda_threshold",
    "CollapseMeasurement",
    "TrainResult",
    "measure_collapse",
    "train_network",
    "ValidationRun",
    "load_suite",
    "validate",
    "LatentCheck",
    "check_assumption_a",
    "check_assumption_b",
    "check_latent_set",
    "check_lemma_b",
    "full_latent_set",
    "linear_code",
    "load_latent_file",
    "named_code",
    "random_latent_set",
    "sphere_sizes",
]
