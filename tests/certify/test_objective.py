"""The numpy objective of theorem G: gradient, sentence weights, dual bound."""

import numpy as np
import pytest

from fctheory import Setting
from fctheory.certify import dual_lower_bound, gradient_f, objective, risk_f, sentence_table


def test_sentence_weights_sum_to_one_and_classes_partition():
    s = Setting(3, 2, 2, "1/10", mu="zipf")
    T = sentence_table(s)
    assert T.n_sentences == 9 * 4
    assert T.weight.sum() == pytest.approx(1.0, abs=1e-15)
    # distinct latent variables generate distinct sentences
    assert len({tuple(w) for w in T.words}) == T.n_sentences
    # the concepts of every sentence are its class's latent variable
    np.testing.assert_array_equal(T.words // s.s_c, np.array([[k // 3, k % 3] for k in T.label]))
    # D_k(x)/K with mu_b = (1/b)/(1 + 1/2) (Zipf, s_c = 2), word rank b = index % s_c + 1
    zipf = {1: 2 / 3, 2: 1 / 3}
    expected = [zipf[w[0] % 2 + 1] * zipf[w[1] % 2 + 1] / 9 for w in T.words]
    np.testing.assert_allclose(T.weight, expected, rtol=1e-15)


def test_risk_at_zero_is_log_K():
    s = Setting(2, 2, 3, "1/10", mu="zipf")
    T = sentence_table(s)
    assert risk_f(T, np.zeros((s.n_w, s.K * s.L))) == pytest.approx(np.log(8), rel=1e-15)


def test_gradient_matches_central_differences():
    s = Setting(2, 3, 2, "1/10", mu="zipf")
    T = sentence_table(s)
    rng = np.random.default_rng(3)
    D = rng.normal(size=(s.n_w, s.K * s.L))
    E = rng.normal(size=D.shape)
    h = 1e-6
    fd = (risk_f(T, D + h * E) - risk_f(T, D - h * E)) / (2 * h)
    assert np.sum(gradient_f(T, D) * E) == pytest.approx(fd, rel=1e-7)


@pytest.mark.parametrize("seed", range(4))
def test_dual_bound_never_exceeds_the_objective(seed):
    # weak duality: any D's lower bound is below every D's objective
    s = Setting(2, 2, 2, "1/20", mu="2/3,1/3")
    T = sentence_table(s)
    rng = np.random.default_rng(seed)
    D1, D2 = rng.normal(size=(2, s.n_w, s.K * s.L))
    lb = dual_lower_bound(T, D1, 0.05)
    assert 0 < lb.shrink <= 1
    assert lb.value <= objective(T, D2, 0.05)
    assert lb.value <= objective(T, D1, 0.05)
    assert lb.value <= objective(T, np.zeros_like(D1), 0.05)
