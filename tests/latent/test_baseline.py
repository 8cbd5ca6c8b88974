"""Simulated random baselines agree with the exact noise levels."""

import pytest

from fctheory.errors import InvalidInput
from fctheory.latent import (
    assumption_a_noise_level,
    check_lemma_b,
    lemma_b_noise_levels,
    random_baseline,
    random_latent_set,
)


def test_baseline_matches_the_closed_form_noise_levels():
    n_c, L, K = 3, 6, 150
    base = random_baseline(n_c, L, K, samples=6, seed=10)
    assert base.assumption_a[0] == pytest.approx(assumption_a_noise_level(n_c, L, K), rel=0.15)
    noise_i, noise_ii = lemma_b_noise_levels(n_c, L, K)
    assert base.lemma_b_i[0] == pytest.approx(noise_i, rel=0.2)
    assert base.lemma_b_ii[0] == pytest.approx(noise_ii, rel=0.25)
    # (iii) has no closed form: a random set of the same size lands within a few std
    own = check_lemma_b(random_latent_set(n_c, L, K, seed=99), n_c).deviation_iii
    mean, std = base.lemma_b_iii
    assert std > 0 and abs(own - mean) < 4 * std
    assert base.to_dict()["samples"] == 6


def test_baseline_is_reproducible_and_validates():
    a = random_baseline(2, 5, 12, samples=2, seed=1)
    assert a == random_baseline(2, 5, 12, samples=2, seed=1)
    with pytest.raises(InvalidInput, match="samples"):
        random_baseline(2, 5, 12, samples=0)
    with pytest.raises(InvalidInput, match="seed"):
        random_baseline(2, 5, 12, seed=-1)
