"""Simulated deviations of uniformly random latent sets: a baseline for any deviation.

Assumption A and lemma B (i)-(ii) have exact noise levels
(:func:`~fctheory.latent.assumption_a_noise_level`,
:func:`~fctheory.latent.lemma_b_noise_levels`); lemma B (iii) has none in
closed form.  :func:`random_baseline` measures all four deviations on
``samples`` seeded, uniformly random ``K``-subsets of :math:`[n_c]^L`, so a
user can place their own set's deviations against what randomness alone
gives at the same size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._assumption_a import check_assumption_a
from ._counts import distance_counts
from ._lemma_b import check_lemma_b
from .._validate import require_int, require_seed
from ._sets import random_latent_set

__all__ = ["RandomBaseline", "random_baseline"]

#: Upper limit of ``samples``.
MAX_SAMPLES = 1000


@dataclass(frozen=True)
class RandomBaseline:
    """Mean and sample standard deviation of the deviations of random subsets.

    Attributes
    ----------
    n_c, L, K, samples, seed : int
    assumption_a, lemma_b_i, lemma_b_ii, lemma_b_iii : tuple of float
        ``(mean, std)`` over the samples of ``AssumptionA.deviation``,
        ``LemmaB.deviation_i``, ``deviation_ii`` and ``deviation_iii``
        (``std`` is 0 for one sample).
    """

    n_c: int
    L: int
    K: int
    samples: int
    seed: int
    assumption_a: tuple[float, float]
    lemma_b_i: tuple[float, float]
    lemma_b_ii: tuple[float, float]
    lemma_b_iii: tuple[float, float]

    def to_dict(self) -> dict:
        return {
            "n_c": self.n_c, "L": self.L, "K": self.K, "samples": self.samples, "seed": self.seed,
            "assumption_a": list(self.assumption_a), "lemma_b_i": list(self.lemma_b_i),
            "lemma_b_ii": list(self.lemma_b_ii), "lemma_b_iii": list(self.lemma_b_iii),
        }


def _mean_std(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values, dtype=float)
    return float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else 0.0


def random_baseline(n_c: int, L: int, K: int, *, samples: int = 5, seed: int = 0, progress: bool = False) -> RandomBaseline:
    """Deviations from assumption A and lemma B of ``samples`` random ``K``-subsets.

    Sample ``i`` is ``random_latent_set(n_c, L, K, seed=seed + i)``.  The cost
    is ``samples`` times that of :func:`~fctheory.latent.check_latent_set`
    without assumption B.

    Returns
    -------
    RandomBaseline
    """
    samples = require_int("samples", samples, lo=1, hi=MAX_SAMPLES)
    seed = require_seed("seed", seed)
    devs: dict[str, list[float]] = {"a": [], "i": [], "ii": [], "iii": []}
    indices = range(samples)
    if progress:
        from tqdm import tqdm

        indices = tqdm(indices, desc="random baseline", unit="set", leave=False)
    for i in indices:
        z = random_latent_set(n_c, L, K, seed=seed + i)
        dc = distance_counts(z, n_c)
        a = check_assumption_a(z, n_c, counts=dc)
        b = check_lemma_b(z, n_c, counts=dc)
        devs["a"].append(a.deviation)
        devs["i"].append(b.deviation_i)
        devs["ii"].append(b.deviation_ii)
        devs["iii"].append(b.deviation_iii)
    return RandomBaseline(int(n_c), int(L), int(K), samples, seed, _mean_std(devs["a"]),
                          _mean_std(devs["i"]), _mean_std(devs["ii"]), _mean_std(devs["iii"]))
