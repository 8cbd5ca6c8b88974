"""Latent sets and their symmetry (appendix B).

API index
=========

Latent sets
-----------
full_latent_set         all of [n_c]^L, lexicographic order
random_latent_set       a seeded, uniformly random K-subset of [n_c]^L
load_latent_file        .npy, .npz (array ``latent``) or text, validated
as_latent_array         validate a user array (shape, range, distinct rows)
resolve_latent          the validated latent array of a Setting (None = full set); a Problem has .latent
require_latent_sizes    the validated (n_c, L) of a latent set (2 <= n_c <= 64, 1 <= L <= 64);
                        validate_sizes is its deprecated name
LinearCode              a linear code over GF(q) (``codewords()``)
linear_code             a code from a generator matrix
named_code              repetition:Q:L, parity:Q:L, ternary-hamming, ternary-golay

Symmetry checks (exact)
-----------------------
check_assumption_a      eq. (35), with a deviation calibrated against random subsets
check_lemma_b           lemma B (i)-(iii), with theta_r and A_r
lemma_b_noise_levels    deviations (i), (ii) of a random subset of the same size
random_baseline         all deviations simulated on seeded random subsets (RandomBaseline)
check_assumption_b      eq. (44) as an exact linear system; witness when it fails
check_latent_set        all three (LatentCheck)
distance_counts         the exact count tensor |{j : d(z_j,z_k)=r, z_{j,l}=a}|

Predictions
-----------
sphere_sizes            the profile |S_r| for ``predict_type1/2(sphere_sizes=...)``
"""

from ._arrays import as_latent_array, full_latent_set, resolve_latent
from ._assumption_a import AssumptionA, assumption_a_noise_level, check_assumption_a
from ._assumption_b import AssumptionB, check_assumption_b
from ._baseline import RandomBaseline, random_baseline
from ._check import LatentCheck, check_latent_set, sphere_sizes
from ._codes import CODE_NAMES, LinearCode, linear_code, named_code
from ._counts import DistanceCounts, distance_counts
from ._lemma_b import LemmaB, check_lemma_b, lemma_b_noise_levels
from ._sets import (MAX_LATENT_ARRAY_BYTES, MAX_LATENT_TEXT_BYTES, load_latent_file, random_latent_set,
                    require_latent_sizes, validate_sizes)

__all__ = [
    "as_latent_array",
    "full_latent_set",
    "resolve_latent",
    "random_latent_set",
    "load_latent_file",
    "require_latent_sizes",
    "validate_sizes",
    "MAX_LATENT_TEXT_BYTES",
    "MAX_LATENT_ARRAY_BYTES",
    "LinearCode",
    "linear_code",
    "named_code",
    "CODE_NAMES",
    "DistanceCounts",
    "distance_counts",
    "AssumptionA",
    "assumption_a_noise_level",
    "check_assumption_a",
    "LemmaB",
    "check_lemma_b",
    "lemma_b_noise_levels",
    "AssumptionB",
    "check_assumption_b",
    "LatentCheck",
    "RandomBaseline",
    "random_baseline",
    "check_latent_set",
    "sphere_sizes",
]
