"""The exact count tensor against a direct loop over pairs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fctheory.errors import InvalidLatentSet
from fctheory.latent import distance_counts, full_latent_set, named_code, random_latent_set


def naive_counts(z, n_c):
    K, L = z.shape
    T = np.zeros((K, L, L, n_c), dtype=np.int64)
    S = np.zeros((K, L + 1), dtype=np.int64)
    for k in range(K):
        for j in range(K):
            d = int(np.sum(z[j] != z[k]))
            S[k, d] += 1
            if d:
                for l in range(L):
                    T[k, d - 1, l, z[j, l]] += 1
    return S, T


@pytest.mark.parametrize(
    "z, n_c",
    [
        (random_latent_set(3, 5, 40, seed=1), 3),
        (random_latent_set(2, 7, 50, seed=2), 2),
        (random_latent_set(4, 3, 30, seed=3), 4),
        (full_latent_set(3, 3), 3),
        (named_code("ternary-hamming").codewords(), 3),
        (np.array([[0, 0], [1, 1]]), 3),
    ],
)
def test_counts_match_direct_loop(z, n_c):
    dc = distance_counts(z, n_c)
    S, T = naive_counts(z, n_c)
    assert np.array_equal(dc.sizes, S)
    assert np.array_equal(dc.T, T)


def test_counts_reject_bad_sets():
    with pytest.raises(InvalidLatentSet, match="distinct"):
        distance_counts([[0, 1], [0, 1]], 2)
    with pytest.raises(InvalidLatentSet, match="shape"):
        distance_counts([0, 1, 1], 2)
    with pytest.raises(InvalidLatentSet, match="shape"):  # ragged rows
        distance_counts([[0, 1], [1]], 2)


def test_size_limits_are_errors(monkeypatch):
    from fctheory import _validate
    from fctheory.errors import ProblemTooLarge
    from fctheory.latent import _counts, check_latent_set

    z = random_latent_set(3, 6, 200, seed=0)
    monkeypatch.setattr(_validate, "MAX_LATENT_K", 100)
    with pytest.raises(ProblemTooLarge, match="K"):
        distance_counts(z, 3)
    monkeypatch.setattr(_validate, "MAX_LATENT_K", 2**17)
    monkeypatch.setattr(_counts, "MAX_COUNT_ENTRIES", 200 * 6 * 6 * 3 - 1)
    with pytest.raises(ProblemTooLarge, match="count tensor"):
        check_latent_set(z, 3)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 4), st.integers(1, 5), st.integers(0, 2**31 - 1), st.data())
def test_counts_match_direct_loop_property(n_c, L, seed, data):
    K = data.draw(st.integers(2, min(30, n_c**L)))
    z = random_latent_set(n_c, L, K, seed=seed)
    dc = distance_counts(z, n_c)
    S, T = naive_counts(z, n_c)
    assert np.array_equal(dc.sizes, S) and np.array_equal(dc.T, T)


def test_to_dict_round_trips():
    import json

    z = random_latent_set(3, 3, 10, seed=0)
    dc = distance_counts(z, 3)
    d = json.loads(json.dumps(dc.to_dict()))
    assert np.array_equal(np.array(d["T"]), dc.T) and np.array_equal(np.array(d["sizes"]), dc.sizes)
