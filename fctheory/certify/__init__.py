"""Theorem G (appendix G): global-optimality certificates (cvxpy, or first-order on the exact-risk engine).

certify_optimum             solve min_D f(D) + lam ||D||_* and bound it -> Certificate
                            (method "auto" | "cvxpy" | "first-order")
solve_first_order           FISTA with backtracking, adaptive restart and L-BFGS polish, stopping
                            on the certified gap -> FirstOrderResult (with the gap history)
engine_objective            f, ∇f, objective and dual bound through the exact-risk engine
problem_size                exp cones / PSD cones of that program, before building it
predict_optimum             the exact minimum of R for network h, uniform words and any latent set: the
                            program reduced by the within-concept symmetry (n_c x KL unknowns), certified
                            -> OptimumResult (norms, rank, weights(d), save_weights)
general_lambda_threshold    ||∇f(0)||_op: the λ threshold for any latent set and mu (claim H)
compare_type1, compare_type3, compare_prediction
                            certified optimum vs H(tau), F(c, r), H_Z -> Comparison
compare_trained             certified optimum vs trained weights (W, U) -> Comparison
claim_h_ratio               ||∇f(D)||_op / lam of a collapse configuration in mpmath (claim H)
dual_lower_bound            the solver-free Fenchel-dual lower bound at any D
objective, risk_f, gradient_f
                            f(D) + lam ||D||_*, f(D) (eq. 159) and ∇f(D) in numpy
gradient_at_zero            ∇f(0) = -(1/K) C ⊗ mu, float64
sentence_table              every (sentence, class) pair with weight D_k(x)/K
type1_D, type3_D, D_of_weights
                            D = W^T [U_1 ... U_K] of type I / III (from fctheory.configurations)
                            and of any weights
"""

from ._compare import (
    Comparison,
    D_of_weights,
    compare_prediction,
    compare_trained,
    compare_type1,
    compare_type3,
)
from ._claim_h import ClaimH, claim_h_ratio
from ..configurations import type1_D, type3_D  # re-exported: the D of definitions 1 and 3
from ._objective import DualBound, dual_lower_bound, gradient_f, objective, risk_f
from ._program import METHODS, Certificate, ProblemSize, certify_optimum, problem_size
from ._engine import EngineObjective, engine_objective
from ._first_order import FirstOrderResult, GapRecord, predicted_start, solve_first_order
from ._optimum import OptimumResult, predict_optimum
from ._sentences import SentenceTable, sentence_table
from ._threshold import GeneralThreshold, general_lambda_threshold, gradient_at_zero

__all__ = [
    "METHODS",
    "EngineObjective",
    "FirstOrderResult",
    "GapRecord",
    "engine_objective",
    "predicted_start",
    "solve_first_order",
    "Certificate",
    "OptimumResult",
    "predict_optimum",
    "ClaimH",
    "Comparison",
    "DualBound",
    "GeneralThreshold",
    "ProblemSize",
    "SentenceTable",
    "certify_optimum",
    "claim_h_ratio",
    "compare_prediction",
    "compare_trained",
    "D_of_weights",
    "compare_type1",
    "compare_type3",
    "dual_lower_bound",
    "general_lambda_threshold",
    "gradient_at_zero",
    "gradient_f",
    "objective",
    "problem_size",
    "risk_f",
    "sentence_table",
    "type1_D",
    "type3_D",
]
