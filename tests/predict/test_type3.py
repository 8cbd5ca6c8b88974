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
    ThresholdValue,
    lambda_thresholds,
    predict_type1,
    predict_type3,
    type3_reduced_risk,
)
from fctheory.predict import type3_threshold


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


def test_threshold_is_the_public_type_lambda_thresholds_returns():
    s = Setting(2, 3, 4, "0.01", mu=["1/2", "1/3", "1/6"])
    thr = type3_threshold(s, dps=40)
    assert isinstance(thr, ThresholdValue)
    assert thr == lambda_thresholds(s, dps=40).type3
    assert thr.equation == "eq. 9 (eq. 150)" and thr.lam_below
    assert thr.squared == Fraction(4, 2**5) * (Fraction(1, 4) + Fraction(1, 9) + Fraction(1, 36))
    with mpmath.workdps(60):
        assert abs(thr.value**2 - mpmath.mpf(thr.squared.numerator) / thr.squared.denominator) < mpmath.mpf(10) ** -50
    assert thr.value in thr.enclosure and thr.enclosure.relative_width() < mpmath.mpf(10) ** -45
    assert thr.to_dict(40)["squared"] == "7/144"


def test_threshold_of_an_irrational_law_is_decided_in_intervals():
    s = Setting(2, 6, 2, "0.01", mu="zipf:1.5")
    thr = type3_threshold(s, dps=30)
    assert thr.squared is None and thr.lam_below
    with mpmath.workdps(60):
        mus = s.mu.mp()
        expected = mpmath.sqrt(mpmath.mpf(2) / 2**3 * mpmath.fsum(m * m for m in mus))
    assert expected in thr.enclosure
    assert not type3_threshold(s.replace(lam=mpmath.nstr(expected * 1.000001, 20))).lam_below
    with pytest.raises(InvalidSetting, match="full set"):
        type3_threshold(Setting(3, 4, 3, "0.01", K=10))


def test_type1_threshold_built_from_its_square():
    t = lambda_thresholds(Setting(3, 2, 3, "1/100"), dps=30)
    assert t.type1 == ThresholdValue.from_square(t.type1.squared, 30, "theorem 1: H'(0) = 0", True)
    assert t.agree


#: An independent reference, produced by this snippet (nested bracketed mpmath.findroot on eq. 7-8
#: exactly as written in THEORY.md, no fctheory code; about 10 s, so it is not run here):
#:
#:     def reference_type3(dps):
#:         with mpmath.workdps(dps):
#:             n, L, lam = 3, 2, mpmath.mpf(1) / 100
#:             mus = [mpmath.mpf(1) / 2, mpmath.mpf(1) / 3, mpmath.mpf(1) / 6]
#:             tol = mpmath.mpf(10) ** (-dps + 3)
#:
#:             def rho(c, mu):  # eq. 7 for rho = r/c, bracketed in (0, mu L/(lam n)]
#:                 f = lambda p: lam / L * p * (n - 1 + mpmath.exp(n * c * c * p / (n - 1))) - mu
#:                 return mpmath.findroot(f, (mpmath.mpf(10) ** -30, mu * L / (lam * n)),
#:                                        solver="anderson", tol=tol ** 2, maxsteps=2000)
#:
#:             g = lambda c: mpmath.fsum(rho(c, mu) ** 2 for mu in mus) - L * n ** (L - 1)  # eq. 8
#:             c = mpmath.findroot(g, (mpmath.mpf(1), mpmath.mpf(2)), solver="anderson", tol=tol ** 2, maxsteps=2000)
#:             return c, [c * rho(c, mu) for mu in mus]
#:
#:     c, r = reference_type3(45)
#:     print(mpmath.nstr(c, 40), [mpmath.nstr(x, 40) for x in r])
REFERENCE_C = "1.326921034471226412452634933031163647524"
REFERENCE_R = (
    "2.073494250570250319609174642183537973289",
    "1.905938552575055092033742959667760354327",
    "1.622447662327927833546175765081969456661",
)


def test_against_an_independent_mpmath_reference():
    p = predict_type3(Setting(3, 3, 2, "1/100", mu=["1/2", "1/3", "1/6"]), dps=40)
    with mpmath.workdps(50):
        tol = mpmath.mpf(10) ** -38
        assert abs(p.c / mpmath.mpf(REFERENCE_C) - 1) < tol
        for value, ref in zip(p.r, REFERENCE_R):
            assert abs(value / mpmath.mpf(ref) - 1) < tol
    assert p.to_dict()["c"] == REFERENCE_C and tuple(p.to_dict()["r"]) == REFERENCE_R  # all 40 printed digits


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
