"""Theorem 2 (type III): equations 7-8 checked independently, ordering, threshold, extremes."""

from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fctheory import (
    InvalidSetting,
    NoNontrivialSolution,
    Setting,
    lambda_thresholds,
    predict_type1,
    predict_type3,
    type3_reduced_risk,
)


def check_type3(result):
    """Certification contract + an independent evaluation of eq. 7-8 at 20 extra digits."""
    s, dps = result.setting, result.dps
    tol = mpmath.mpf(10) ** (-(dps - 5))
    assert result.residual <= tol
    assert result.c in result.enclosures["c"]
    assert result.enclosures["c"].relative_width() <= mpmath.mpf(10) ** (-(dps - 10))
    for value, enc in zip(result.r, result.enclosures["r"]):
        assert value in enc
        assert enc.relative_width() <= mpmath.mpf(10) ** (-(dps - 10))
    assert result.risk in result.enclosures["risk"]
    n, L = s.n_c, s.L
    with mpmath.workdps(dps + 20):
        lam, c = mpmath.mpf(s.lam.numerator) / s.lam.denominator, result.c
        for mu, r in zip(s.mu.mp(), result.r):  # eq. 7
            lhs = lam / L * (r / c) * (n - 1 + mpmath.exp(n * c * r / (n - 1)))
            assert abs(lhs / mu - 1) <= tol
        total = mpmath.fsum((r / c) ** 2 for r in result.r)  # eq. 8
        assert abs(total / (L * mpmath.mpf(n) ** (L - 1)) - 1) <= tol


def test_uniform_reduces_to_type1():
    # Uniform μ on the full set: r_b = word norm, c = U-block norm of theorem 1.
    s = Setting(3, 4, 3, "0.01")
    t3, t1 = predict_type3(s, dps=40), predict_type1(s, dps=40)
    with mpmath.workdps(40):
        tol = mpmath.mpf(10) ** -37
        assert abs(t3.c - t1.u_norm) <= tol * t1.u_norm
        assert all(abs(r - t1.word_norm) <= tol * t1.word_norm for r in t3.r)
        assert abs(t3.risk - t1.risk) <= tol * t1.risk
        assert abs(t3.lambda_threshold - t1.lambda_threshold) <= tol * t1.lambda_threshold


def test_zipf_orders_r_like_mu_and_is_stationary():
    s = Setting(3, 5, 3, "0.01", mu="zipf")
    result = predict_type3(s, dps=30)
    check_type3(result)
    assert all(a > b for a, b in zip(result.r, result.r[1:]))
    # F(c, r) is stationary at the solution (theorem 2's critical point), by numerical differentiation.
    with mpmath.workdps(40):
        F = lambda c, *r: type3_reduced_risk(s, c, list(r), dps=40)  # noqa: E731
        args = [result.c, *result.r]
        for i in range(len(args)):
            order = [0] * len(args)
            order[i] = 1
            assert abs(mpmath.diff(F, args, tuple(order))) < mpmath.mpf(10) ** -20


def test_above_threshold_raises_with_threshold():
    s = Setting(3, 4, 3, "0.2", mu="zipf")
    thr = lambda_thresholds(s).type3
    assert not thr.lam_below
    with pytest.raises(NoNontrivialSolution, match="eq. 9") as info:
        predict_type3(s)
    assert abs(info.value.threshold - thr.value) < 1e-12


def test_requires_full_set():
    with pytest.raises(InvalidSetting, match="full set"):
        predict_type3(Setting(3, 4, 3, "0.01", K=10))


def test_threshold_equation_9():
    s = Setting(2, 3, 4, "0.01", mu=["1/2", "1/3", "1/6"])
    expected = Fraction(4, 2**5) * (Fraction(1, 4) + Fraction(1, 9) + Fraction(1, 36))
    assert lambda_thresholds(s).type3.squared == expected


def test_tiny_word_frequency():
    # μ_min = 1e-30: exact decimal strings, so the law is exactly rational.
    s = Setting(3, 3, 3, "0.01", mu=["0.6", "0.399999999999999999999999999999", "1e-30"])
    result = predict_type3(s, dps=30)
    check_type3(result)
    assert result.r[0] > result.r[1] > result.r[2] > 0


@pytest.mark.parametrize("dps", [15, 50])
def test_lambda_within_1e_20_below_threshold(dps):
    s = Setting(3, 3, 3, "1", mu="zipf")
    with mpmath.workdps(80):
        sq = lambda_thresholds(s).type3.squared
        lam = mpmath.nstr(mpmath.sqrt(mpmath.mpf(sq.numerator) / sq.denominator) * (1 - mpmath.mpf(10) ** -20), 60)
    result = predict_type3(s.replace(lam=lam), dps=dps)
    check_type3(result)
    assert result.c < 1e-8


def test_large_vocabulary_irrational_zipf():
    s = Setting(2, 60, 2, "0.001", mu="zipf:1.5")
    result = predict_type3(s, dps=20)
    check_type3(result)
    assert all(a > b for a, b in zip(result.r, result.r[1:]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 4), st.integers(1, 6), st.integers(1, 4),
    st.lists(st.integers(1, 1000), min_size=1, max_size=6), st.floats(0.02, 0.98), st.sampled_from([15, 30]),
)
def test_random_laws_certified_and_ordered(n_c, s_c, L, raw, lam_frac, dps):
    raw = (raw * s_c)[:s_c]
    total = sum(raw)
    mu = [Fraction(v, total) for v in raw]
    base = Setting(n_c, s_c, L, 1, mu=mu)
    sq = lambda_thresholds(base).type3.squared
    with mpmath.workdps(40):
        lam = mpmath.nstr(lam_frac * mpmath.sqrt(mpmath.mpf(sq.numerator) / sq.denominator), 30)
    result = predict_type3(base.replace(lam=lam), dps=dps)
    check_type3(result)
    exact_mu = base.mu.exact()
    for i in range(s_c):
        for j in range(s_c):
            if exact_mu[i] > exact_mu[j]:
                assert result.r[i] > result.r[j]
            elif exact_mu[i] == exact_mu[j]:
                assert result.r[i] == result.r[j]
