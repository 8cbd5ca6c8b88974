"""The collapse configurations of definitions 1-3: frames, weights, Gram matrices, D = W^T U.

API index
=========
equiangular_frame       equiangular (optionally mean-zero) frames f_1..f_{n_c}, shape (d, n_c)
equiangular_gram        E[a, e] = <f_a, f_e> = 1 or -1/(n_c - 1), the same for every frame
type1_configuration     definition 1: w = c f_a, u = c' f_z              -> Configuration
type2_configuration     definition 2: phi(w) = sqrt(d) f_a, u = c f_z     -> Configuration
type3_configuration     definition 3: w = r_b f_a, u = c f_z             -> Configuration
Configuration           the explicit W, U (iterable as ``W, U``); expected_grams()
type1_grams, type2_grams, type3_grams
                        the Gram matrices of words, blocks and words x blocks each type must have
CollapseGrams           those matrices, by row slices; cross() is D = W^T [U_1 ... U_K] for h
collapse_grams          CollapseGrams from the sizes, the latent rows and the norms
type1_D, type3_D        D of the type-I / type-III configuration (appendix G)
layer_norm              phi of eq. 18 (no epsilon) on every column, with sigma; its vjp, jvp and
                        vjp derivative; layer_norm_columns (the features of h*)
layer_norm_eps          phi_eps with the paper code's eps (columns or rows), layer_norm_eps_vjp;
                        require_eps (check_eps is its deprecated name)

Builders take a :class:`fctheory.Problem`, or a Setting with ``latent=``.
This package uses setting, problem and latent only (never risk, train,
certify or report), so every one of them can build on it.
"""

from ._frames import equiangular_frame, equiangular_gram
from ._grams import CollapseGrams, collapse_grams, type1_D, type1_grams, type2_grams, type3_D, type3_grams
from ._layernorm import (
    check_eps,
    layer_norm,
    layer_norm_columns,
    layer_norm_eps,
    layer_norm_eps_vjp,
    layer_norm_jvp,
    layer_norm_vjp,
    layer_norm_vjp_derivative,
    require_eps,
)
from ._weights import Configuration, type1_configuration, type2_configuration, type3_configuration

__all__ = [
    "CollapseGrams",
    "Configuration",
    "collapse_grams",
    "equiangular_frame",
    "equiangular_gram",
    "layer_norm",
    "layer_norm_columns",
    "layer_norm_eps",
    "layer_norm_eps_vjp",
    "layer_norm_jvp",
    "layer_norm_vjp",
    "layer_norm_vjp_derivative",
    "require_eps",
    "check_eps",
    "type1_D",
    "type1_configuration",
    "type1_grams",
    "type2_configuration",
    "type2_grams",
    "type3_D",
    "type3_configuration",
    "type3_grams",
]
