"""Assumption A (eq. 35): exact on the full set only; calibrated deviation."""

import math
from fractions import Fraction

import numpy as np
import pytest

from fctheory.latent import (
    assumption_a_noise_level,
    check_assumption_a,
    full_latent_set,
    named_code,
    random_latent_set,
)

FULL = [(2, 1), (2, 3), (2, 6), (3, 2), (3, 4), (4, 2), (4, 3), (5, 2), (5, 3)]


@pytest.mark.parametrize("n_c, L", FULL)
def test_full_set_satisfies_assumption_a(n_c, L):
    res = check_assumption_a(full_latent_set(n_c, L), n_c)
    assert res.holds and res.integral
    assert res.deviation == 0.0 and res.noise_level == 0.0 and res.deviation_ratio is None
    assert res.first_violation is None


def test_full_set_in_any_row_order():
    z = full_latent_set(3, 3)[np.random.default_rng(0).permutation(27)]
    assert check_assumption_a(z, 3).holds


def test_a_single_missing_word_breaks_it_with_the_r1_count():
    # K = n_c**L - 1: K/n_c**L is not an integer, so the r = 1 count of eq. (35) cannot match
    z = full_latent_set(2, 4)[1:]
    res = check_assumption_a(z, 2)
    assert not res.holds and not res.integral
    v = res.first_violation
    assert v["r"] == 1 and Fraction(v["expected"]).denominator != 1


@pytest.mark.parametrize("n_c, L, K", [(3, 6, 200), (2, 9, 150), (4, 4, 120)])
def test_random_subsets_fail_at_the_sampling_noise_level(n_c, L, K):
    ratios = []
    for seed in range(4):
        res = check_assumption_a(random_latent_set(n_c, L, K, seed=seed), n_c)
        assert not res.holds and res.deviation > 0
        ratios.append(res.deviation_ratio)
    # the deviation of a random subset is its RMS expectation up to sampling spread
    assert 0.8 < float(np.mean(ratios)) < 1.2


def test_noise_level_matches_simulation():
    # Monte-Carlo estimate of sqrt(E||T - T_A||^2)/||T_A|| over 30 random sets
    # (independent of the hypergeometric formula)
    n_c, L, K = 2, 6, 20
    sq = []
    for seed in range(30):
        res = check_assumption_a(random_latent_set(n_c, L, K, seed=100 + seed), n_c)
        sq.append(res.deviation**2)
    assert math.sqrt(np.mean(sq)) == pytest.approx(assumption_a_noise_level(n_c, L, K), rel=0.1)


def test_structured_sets_are_far_above_the_noise():
    # concept 2 never used at all: structurally off
    z = random_latent_set(2, 8, 200, seed=0)
    res = check_assumption_a(z, 3)
    assert res.deviation_ratio > 2
    # the ternary Golay code: perfectly regular distances but not eq. (35)
    golay = check_assumption_a(named_code("ternary-golay").codewords(), 3)
    assert not golay.holds and golay.deviation_ratio > 3


def test_codes_fail_assumption_a():
    for name in ("ternary-hamming", "parity:3:4", "repetition:2:5"):
        code = named_code(name)
        assert not check_assumption_a(code.codewords(), code.q).holds


@pytest.mark.parametrize("draws, population, successes", [(3, 7, 2), (4, 8, 4), (1, 5, 3), (5, 5, 2), (2, 6, 0)])
def test_hypergeometric_variance_by_enumeration(draws, population, successes):
    # independent: the exact variance over every draws-subset of the population
    from itertools import combinations

    from fctheory.latent._assumption_a import hypergeometric_variance

    hits = [sum(1 for i in subset if i < successes) for subset in combinations(range(population), draws)]
    mean = Fraction(sum(hits), len(hits))
    var = sum((Fraction(h) - mean) ** 2 for h in hits) / len(hits)
    assert hypergeometric_variance(draws, population, successes) == var


def test_noise_level_vanishes_for_the_full_set():
    assert assumption_a_noise_level(3, 4, 81) == 0.0
    assert assumption_a_noise_level(3, 4, 80) > 0.0


def test_to_dict_is_json_ready():
    import json

    d = check_assumption_a(random_latent_set(3, 4, 30, seed=2), 3).to_dict()
    json.dumps(d)
    assert d["holds"] is False and set(d) >= {"deviation", "noise_level", "deviation_ratio"}


def test_counts_of_another_set_are_refused():
    from fctheory import InvalidLatentSet
    from fctheory.latent import check_assumption_a, check_lemma_b, distance_counts, full_latent_set

    counts = distance_counts(full_latent_set(2, 3), 2)
    other = full_latent_set(2, 4)
    for check in (check_assumption_a, check_lemma_b):
        with pytest.raises(InvalidLatentSet, match="counts"):
            check(other, 2, counts=counts)
    assert check_assumption_a(full_latent_set(2, 3), 2, counts=counts).holds
