"""Theorem 3 (type II): independent references, certification, no threshold."""

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fctheory import H_star, InvalidSetting, Setting, predict_type2

from ._reference import Hstar_reference, argmin_reference
from .test_type1 import check_certified


@pytest.mark.parametrize("K", [2, 50, 1000])
def test_against_independent_argmin(K):
    s = Setting.paper(K=K)
    result = predict_type2(s, dps=30)
    check_certified(result, result.value_names)
    with mpmath.workdps(40):
        f = lambda t: Hstar_reference(3, 100, 15, K, mpmath.mpf(1) / 1000, t)  # noqa: E731
        ref = argmin_reference(f, result.tau * mpmath.mpf("0.9"), result.tau * mpmath.mpf("1.1"))
        assert abs(result.tau - ref) <= ref * mpmath.mpf(10) ** -25
        assert abs(result.risk - f(ref)) <= mpmath.mpf(10) ** -25
        assert abs(result.u_norm * mpmath.sqrt(K * 15) - result.tau) <= ref * mpmath.mpf(10) ** -28
        assert abs(H_star(s, result.tau, dps=30) - result.risk) <= mpmath.mpf(10) ** -27


def test_no_threshold_and_word_law_independent():
    # H*'(0) < 0 for every λ: even a huge λ gives τ* > 0; μ does not enter theorem 3.
    big = predict_type2(Setting(3, 2, 3, 1000, d=3), dps=20)
    assert big.tau > 0
    check_certified(big, big.value_names)
    a = predict_type2(Setting(3, 4, 3, "0.01", d=5), dps=30)
    b = predict_type2(Setting(3, 4, 3, "0.01", d=5, mu="zipf"), dps=30)
    assert a.tau == b.tau


def test_needs_mean_zero_frame():
    with pytest.raises(InvalidSetting, match="d must be"):
        predict_type2(Setting(3, 2, 3, "0.01", d=2))
    with pytest.raises(InvalidSetting, match="not given"):
        predict_type2(Setting(3, 2, 3, "0.01"))


def test_long_sentences_two_classes():
    s = Setting(3, 5, 300, "1e-4", K=2, d=4)
    result = predict_type2(s, dps=30)
    check_certified(result, result.value_names)
    with mpmath.workdps(60):
        f = lambda t: Hstar_reference(3, 4, 300, 2, mpmath.mpf("1e-4"), t)  # noqa: E731
        ref = argmin_reference(f, result.tau * mpmath.mpf("0.9"), result.tau * mpmath.mpf("1.1"))
        assert abs(result.tau - ref) <= ref * mpmath.mpf(10) ** -28


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 6), st.integers(1, 20), st.integers(0, 10**6), st.integers(0, 40), st.integers(-8, 3),
    st.sampled_from([15, 25, 60]),
)
def test_random_settings_certified(n_c, L, k_raw, d_extra, lam_exp, dps):
    full = n_c**L
    K = 2 + k_raw % (min(full, 10**6) - 1)
    s = Setting(n_c, 3, L, f"1e{lam_exp}", K=min(K, full), d=n_c + d_extra)
    result = predict_type2(s, dps=dps)
    check_certified(result, result.value_names)


def test_type_I_and_II_name_the_same_norms_alike():
    """tau is ||W||_F^2 for type I and ||U||_F for type II: u_frobenius is ||U||_F for both; h* fixes the
    LayerNorm feature norm sqrt(d), not a raw word norm (definition 2)."""
    from fctheory import predict_type1

    s = Setting(3, 2, 3, "1/100", d=7)
    one, two = predict_type1(s), predict_type2(s)
    assert (one.tau_meaning, two.tau_meaning) == ("||W||_F^2 = ||U||_F^2", "||U||_F")
    assert float(one.u_frobenius) ** 2 == pytest.approx(float(one.tau), rel=1e-15)
    assert two.u_frobenius == two.tau
    assert float(two.feature_norm) == pytest.approx(7 ** 0.5, rel=1e-15)
    with pytest.raises(AttributeError, match="feature_norm"):
        two.word_norm  # noqa: B018
    assert not hasattr(two, "word_norm")
