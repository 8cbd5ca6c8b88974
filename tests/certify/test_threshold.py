"""general_lambda_threshold: claim H's ||∇f(0)||_op against eq. 9 and theorem 1."""

import itertools
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from fctheory import InvalidLatentSet, Setting, lambda_thresholds
from fctheory.certify import general_lambda_threshold, gradient_at_zero, gradient_f, sentence_table

FULL = [
    (2, 2, 2, "zipf"),
    (3, 2, 2, "zipf"),
    (2, 3, 3, "zipf:2"),
    (3, 3, 2, "1/2,1/3,1/6"),
    (4, 2, 1, "3/4,1/4"),
]


@pytest.mark.parametrize("n_c,s_c,L,mu", FULL)
def test_equals_eq9_on_the_full_set(n_c, s_c, L, mu):
    # reference: the exact eq. 9 threshold of fctheory.predict (predict.lambda_thresholds, type3.squared)
    s = Setting(n_c, s_c, L, "1/100", mu=mu)
    thr = general_lambda_threshold(s, dps=40)
    eq9 = lambda_thresholds(s, dps=40).type3
    with mpmath.workdps(40):
        if eq9.squared is not None:
            ref = mpmath.sqrt(mpmath.mpf(eq9.squared.numerator) / eq9.squared.denominator)
        else:
            ref = eq9.value
        assert abs(thr.value - ref) <= mpmath.mpf(10) ** -37 * ref


@pytest.mark.parametrize("n_c,s_c,L", [(2, 1, 2), (3, 2, 2), (2, 3, 3), (5, 1, 2)])
def test_equals_type1_threshold_for_uniform_mu(n_c, s_c, L):
    s = Setting(n_c, s_c, L, "1/100")
    thr = general_lambda_threshold(s, dps=30)
    t1 = lambda_thresholds(s, dps=30).type1
    # theorem 1 on the full set: lam_I^2 = L / (n_w K), exactly
    assert t1.squared == Fraction(L, s.n_w * s.K)
    with mpmath.workdps(30):
        assert abs(thr.value - t1.value) <= mpmath.mpf(10) ** -27 * t1.value


def _random_latent(n_c, L, K, seed):
    rows = np.array(list(itertools.product(range(n_c), repeat=L)))
    return np.random.default_rng(seed).permutation(rows)[:K]


@pytest.mark.parametrize("n_c,s_c,L,K,mu,seed", [(3, 2, 3, 7, "zipf", 0), (2, 3, 4, 5, "uniform", 1), (4, 2, 2, 6, "zipf:2", 2)])
def test_closed_form_equals_spectral_norm_of_enumerated_gradient(n_c, s_c, L, K, mu, seed):
    # independent path: ∇f(0) by enumerating every sentence (softmax = 1/K), then LAPACK's norm
    s = Setting(n_c, s_c, L, "1/10", K=K, mu=mu)
    Z = _random_latent(n_c, L, K, seed)
    G = gradient_f(sentence_table(s, Z), np.zeros((s.n_w, K * L)))
    np.testing.assert_allclose(gradient_at_zero(s, Z), G, atol=1e-16)
    thr = general_lambda_threshold(s, Z)
    assert thr.value_float == pytest.approx(np.linalg.norm(G, 2), rel=1e-13)


def test_gram_is_exact_and_depends_on_column_counts():
    s = Setting(3, 1, 2, "1/10", K=3)
    Z = np.array([[0, 0], [1, 1], [2, 2]])
    thr = general_lambda_threshold(s, Z)
    # each column has one latent per concept: C C^T = L (I - 11^T/3)
    expect = tuple(tuple(Fraction(2) * ((1 if a == b else 0) - Fraction(1, 3)) for b in range(3)) for a in range(3))
    assert thr.gram == expect
    assert thr.to_dict()["gram"][0][0] == "4/3"


def test_requires_latent_for_a_partial_set():
    with pytest.raises(InvalidLatentSet, match="latent"):
        general_lambda_threshold(Setting(2, 2, 3, "1/10", K=4))
