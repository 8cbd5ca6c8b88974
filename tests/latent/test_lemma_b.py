"""Lemma B (i)-(iii) in exact rational arithmetic."""

from fractions import Fraction

import numpy as np
import pytest

from fctheory.latent import check_lemma_b, full_latent_set, named_code, random_latent_set

FULL = [(2, 2), (2, 5), (3, 1), (3, 3), (3, 4), (4, 3), (5, 2), (5, 3)]


@pytest.mark.parametrize("n_c, L", FULL)
def test_full_set_has_the_papers_theta_and_A(n_c, L):
    res = check_lemma_b(full_latent_set(n_c, L), n_c)
    assert res.holds and res.i and res.ii and res.iii
    # appendix B, proof of lemma B: theta_r = n_c r/((n_c-1)L), A_r = -(r/((n_c-1)L)) 1 1^T,
    # |S_r| = C(L, r)(n_c - 1)^r (eq. 39 with K = n_c^L)
    from math import comb

    for r in range(1, L + 1):
        assert res.theta[r - 1] == Fraction(n_c * r, (n_c - 1) * L)
        expected = -Fraction(r, (n_c - 1) * L)
        assert all(v == expected for row in res.A[r - 1] for v in row)
        assert res.sphere_sizes[r - 1] == comb(L, r) * (n_c - 1) ** r
    assert res.empty_radii == ()


def brute_mean_value(z, n_c, r, theta, A):
    """Check Z_k - mean_{j in S_r(k)} Z_j == theta Z_k + A with Fractions, class by class."""
    K, L = z.shape
    for k in range(K):
        sphere = [j for j in range(K) if int(np.sum(z[j] != z[k])) == r]
        if not sphere:
            continue
        for a in range(n_c):
            for l in range(L):
                zk = Fraction(int(z[k, l] == a))
                mean = Fraction(sum(int(z[j, l] == a) for j in sphere), len(sphere))
                if zk - mean != theta * zk + A[a][l]:
                    return False
    return True


@pytest.mark.parametrize("name", ["ternary-hamming", "ternary-golay", "repetition:3:5", "parity:2:6", "parity:3:4"])
def test_codes_satisfy_lemma_b(name):
    code = named_code(name)
    z = code.codewords()
    res = check_lemma_b(z, code.q)
    assert res.holds
    weights = np.bincount((z != 0).sum(axis=1), minlength=code.L + 1)[1:]
    assert res.sphere_sizes == tuple(int(w) for w in weights)  # translation invariance
    assert res.empty_radii == tuple(r for r in range(1, code.L + 1) if weights[r - 1] == 0)
    if code.K <= 81:
        for r in range(1, code.L + 1):
            if res.theta[r - 1] is not None:
                assert brute_mean_value(z, code.q, r, res.theta[r - 1], res.A[r - 1])


def test_random_subset_fails_with_positive_deviations():
    res = check_lemma_b(random_latent_set(3, 5, 60, seed=4), 3)
    assert not res.holds and not res.i
    assert res.deviation_i > 0 and res.deviation_iii > 0
    assert res.sphere_sizes is None and "(i) fails" in res.reason
    assert sum(res.mean_sphere_sizes) == 59  # mean over k of sum_r |S_r(k)| = K - 1


def test_property_ii_fails_when_a_concept_is_missing():
    z = full_latent_set(2, 3)  # as a set over n_c = 3 concepts, concept 2 never appears
    res = check_lemma_b(z, 3)
    assert res.i and not res.ii and "(ii) fails" in res.reason


def test_property_iii_can_fail_alone():
    # 8 words of {0,1}^4 with equal sphere sizes and balanced positions, found by
    # a search over 8-subsets; the sphere means at r = 1 are not of the form (iii)
    z = np.array([[0, 0, 1, 0], [0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 1],
                  [1, 0, 0, 0], [1, 0, 1, 0], [1, 1, 0, 0], [1, 1, 0, 1]])
    res = check_lemma_b(z, 2)
    assert res.i and res.ii and not res.iii and not res.holds
    assert "(iii) fails at r=1" in res.reason
    # independent check: no (theta, A) fits r = 1 -- the sphere means of entry
    # (a=0, l=0) differ between two classes with the same z_{k,0}
    means = {}
    for k in range(8):
        sphere = [j for j in range(8) if int(np.sum(z[j] != z[k])) == 1]
        means.setdefault(int(z[k, 0]), set()).add(Fraction(sum(int(z[j, 0] == 0) for j in sphere), len(sphere)))
    assert any(len(v) > 1 for v in means.values())
    assert res.theta == (None,) * 4


def test_to_dict_is_json_ready():
    import json

    d = check_lemma_b(named_code("ternary-hamming").codewords(), 3).to_dict()
    json.dumps(d)
    # by hand: the 9 codewords are pairwise at distance 3 and sum_j Z_j = 3 1 1^T ((ii)),
    # so the sphere mean is (3 1 1^T - Z_k)/8 and Z_k - mean = (9/8) Z_k - (3/8) 1 1^T
    assert d["theta"][2] == "9/8" and d["theta"][0] is None
    assert d["A"][2] == [["-3/8"] * 4] * 3


@pytest.mark.parametrize("n_c, L, K", [(3, 6, 200), (2, 9, 150), (4, 4, 120)])
def test_lemma_b_deviations_of_random_subsets_match_the_noise_levels(n_c, L, K):
    from fctheory.latent import lemma_b_noise_levels

    dev_i, dev_ii = [], []
    for seed in range(5):
        res = check_lemma_b(random_latent_set(n_c, L, K, seed=seed), n_c)
        dev_i.append(res.deviation_i / res.noise_i)
        dev_ii.append(res.deviation_ii / res.noise_ii)
    assert (res.noise_i, res.noise_ii) == lemma_b_noise_levels(n_c, L, K)
    assert 0.8 < float(np.mean(dev_i)) < 1.2
    assert 0.8 < float(np.mean(dev_ii)) < 1.25


def test_lemma_b_noise_vanishes_for_the_full_set():
    res = check_lemma_b(full_latent_set(3, 3), 3)
    assert res.noise_i == 0.0 and res.noise_ii == 0.0
