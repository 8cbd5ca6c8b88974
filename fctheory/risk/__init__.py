"""The exact true risk (eq. 5 and 10), its derivatives, and collapse configurations.

exact_risk              R(W, U) (network h, eq. 17) or R*(W, U) (h*, eq. 18), exactly
exact_risk_and_grad     value and exact gradient in W and U
exact_risk_hvp          exact Hessian-vector product (networks h and h*)
layer_norm              the parameter-free LayerNorm phi of eq. 18
equiangular_frame       equiangular (optionally mean-zero) frames f_1..f_{n_c}
type1_configuration     definition 1: w = c f_a, u = c' f_z
type2_configuration     definition 2: phi(w) = sqrt(d) f_a, u = c f_z
type3_configuration     definition 3: w = r_b f_a, u = c f_z
Configuration           the explicit W, U (iterable as ``W, U``)
run_checks              brute-force checks of the closed forms on the exact risk -> [CheckResult]
default_grid            the settings ``fctheory check`` runs by default
sentences_of            sentences start..stop-1 of the class-major enumeration of D_k (word indices, probabilities)
"""

from ._api import exact_risk, exact_risk_and_grad, exact_risk_hvp
from ._checks import CheckResult, default_grid, run_checks
from ._configurations import Configuration, type1_configuration, type2_configuration, type3_configuration
from ._frames import equiangular_frame
from ._layernorm import layer_norm
from ._sentences import sentences_of

__all__ = [
    "exact_risk",
    "exact_risk_and_grad",
    "exact_risk_hvp",
    "layer_norm",
    "equiangular_frame",
    "Configuration",
    "type1_configuration",
    "type2_configuration",
    "type3_configuration",
    "CheckResult",
    "run_checks",
    "default_grid",
    "sentences_of",
]
