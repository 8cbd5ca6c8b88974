"""The exact true risk (eq. 5 and 10), its derivatives, and collapse configurations.

exact_risk              R(W, U) (network h, eq. 17) or R*(W, U) (h*, eq. 18), exactly
exact_risk_and_grad     value and exact gradient in W and U
exact_risk_hvp          exact Hessian-vector product (networks h and h*)
score_table_risk        the data term and its gradient at any score tables A_l (theorem G's f(D))
layer_norm              the parameter-free LayerNorm phi of eq. 18 (fctheory.configurations, re-exported)
equiangular_frame       equiangular (optionally mean-zero) frames f_1..f_{n_c}
type1_configuration     definition 1: w = c f_a, u = c' f_z
type2_configuration     definition 2: phi(w) = sqrt(d) f_a, u = c f_z
type3_configuration     definition 3: w = r_b f_a, u = c f_z
Configuration           the explicit W, U (iterable as ``W, U``)
                        (these five live in fctheory.configurations and are re-exported here)
run_checks              every brute-force check of the closed forms that applies to a setting
                        (lemma K, lemma R, appendix F, theorems 1-3, eq. 9) -> list of Check
default_grid            the 24 settings ``fctheory check`` runs by default
require_checks_memory   the checks' memory estimate; refuses d > MAX_CHECK_D or > MAX_CHECK_BYTES
                        (check_memory is its deprecated name)
check_lemma_k_latent    lemma K / R on any latent set against collapse_risk_any_latent (H_Z)
Check                   one row: predicted beside measured (fctheory.checks)
sentences_of            sentences start..stop-1 of the class-major enumeration of D_k (word indices, probabilities)
"""

from ._api import exact_risk, exact_risk_and_grad, exact_risk_hvp, score_table_risk
from ..configurations import (  # definitions 1-3 live in fctheory.configurations; re-exported here
    Configuration,
    equiangular_frame,
    type1_configuration,
    type2_configuration,
    type3_configuration,
)
from ..checks import Check
from ..configurations import layer_norm  # the one LayerNorm module is fctheory.configurations._layernorm
from ._sentences import sentences_of

#: The brute-force checks compare with fctheory.predict; they are loaded on first use, so that
#: importing the risk engine does not import the closed forms.
_CHECK_FUNCTIONS = ("check_lemma_k_latent", "check_memory", "require_checks_memory", "collapse_risk_any_latent", "default_grid", "run_checks",
                    "MAX_CHECK_BYTES", "MAX_CHECK_D")


def __getattr__(name):
    if name in _CHECK_FUNCTIONS:
        from . import _checks

        return getattr(_checks, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "exact_risk",
    "exact_risk_and_grad",
    "exact_risk_hvp",
    "score_table_risk",
    "layer_norm",
    "equiangular_frame",
    "Configuration",
    "type1_configuration",
    "type2_configuration",
    "type3_configuration",
    "Check",
    "check_lemma_k_latent",
    "collapse_risk_any_latent",
    "default_grid",
    "run_checks",
    "require_checks_memory",
    "check_memory",
    "MAX_CHECK_BYTES",
    "MAX_CHECK_D",
    "sentences_of",
]
