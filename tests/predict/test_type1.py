"""Theorem 1 (type I): paper values, independent references, certification, thresholds."""

from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fctheory import H, Setting, SphereSizes, lambda_thresholds, predict_type1
from fctheory.errors import InvalidInput, NoNontrivialSolution, ProblemTooLarge

from ._reference import H_reference, argmin_reference


def check_certified(result, names):
    """Residual below 10^-(dps-5); every value inside its enclosure; enclosure
    narrower than 10^-(dps-10) relative."""
    dps = result.dps
    assert result.residual <= mpmath.mpf(10) ** (-(dps - 5))
    for name in names:
        value, enc = getattr(result, name), result.enclosures[name]
        assert value in enc, name
        assert enc.relative_width() <= mpmath.mpf(10) ** (-(dps - 10)), name


def test_paper_word_norms():
    # Paper, section 5: n_c=3, n_w=1200, L=15, λ=0.001 -> c = 1.42214 (K=1000), 0.61602 (K=50).
    assert mpmath.nstr(predict_type1(Setting.paper()).word_norm, 6) == "1.42214"
    assert mpmath.nstr(predict_type1(Setting.paper(K=50)).word_norm, 5) == "0.61602"


@pytest.mark.parametrize("dps", [15, 30, 100, 300])
def test_precisions_agree(dps):
    result = predict_type1(Setting.paper(), dps=dps)
    check_certified(result, result.value_names)
    ref = predict_type1(Setting.paper(), dps=dps + 20)
    with mpmath.workdps(dps + 20):
        assert abs(result.tau - ref.tau) <= abs(ref.tau) * mpmath.mpf(10) ** (-dps)


@pytest.mark.parametrize("K", [2, 50, 1000, 2000])
def test_against_independent_argmin(K):
    # Reference: mpmath.findroot on mpmath.diff of the formula of theorem 1, at 40 digits.
    s = Setting.paper(K=K)
    result = predict_type1(s, dps=30)
    with mpmath.workdps(40):
        lam = mpmath.mpf(1) / 1000
        f = lambda t: H_reference(3, 1200, 15, K, lam, t)  # noqa: E731
        ref = argmin_reference(f, result.tau * mpmath.mpf("0.9"), result.tau * mpmath.mpf("1.1"))
        assert abs(result.tau - ref) <= abs(ref) * mpmath.mpf(10) ** -25
        assert abs(result.risk - f(ref)) <= mpmath.mpf(10) ** -25


def test_full_set_closed_form():
    # Full set: tau = (1/eta) log((n_c-1)(L eta - lam)/lam), derived by hand from H'(tau)=0.
    s = Setting(3, 2, 3, "1/1000")
    result = predict_type1(s, dps=50)
    with mpmath.workdps(60):
        eta = mpmath.mpf(3) / 2 / mpmath.sqrt(6 * 27 * 3)
        lam = mpmath.mpf(1) / 1000
        tau = mpmath.log(2 * (3 * eta - lam) / lam) / eta
        assert abs(result.tau - tau) <= tau * mpmath.mpf(10) ** -48
    check_certified(result, result.value_names)


def test_derived_quantities():
    result = predict_type1(Setting.paper(), dps=40)
    with mpmath.workdps(40):
        assert abs(result.word_norm**2 * 1200 - result.tau) < mpmath.mpf(10) ** -35
        assert abs(result.u_norm**2 * 1000 * 15 - result.tau) < mpmath.mpf(10) ** -35
        assert abs(H(Setting.paper(), result.tau, dps=40) - result.risk) < mpmath.mpf(10) ** -35


def test_threshold_closed_form_and_trivial_side():
    s = Setting.paper()
    thr = lambda_thresholds(s).type1
    # THEORY.md: λ_I = sqrt(K L / n_w) / (1 + K - K/n_c^L)
    expected = Fraction(1000 * 15, 1200) / (1 + 1000 - Fraction(1000, 3**15)) ** 2
    assert thr.squared == expected
    with pytest.raises(NoNontrivialSolution, match="at or above the type-I threshold") as info:
        predict_type1(s.replace(lam="0.01"))  # theorem 1: the minimizer is W = U = 0, as predict_type3 above eq. 9
    assert "lam = 1/100" in str(info.value) and "tau = 0" in str(info.value)
    with mpmath.workdps(30):
        assert abs(info.value.risk - mpmath.log(1 + 1000 - mpmath.mpf(1000) / 3**15)) < mpmath.mpf(10) ** -28
        assert abs(info.value.threshold - mpmath.sqrt(mpmath.mpf(thr.squared.numerator) / thr.squared.denominator)) \
            < mpmath.mpf(10) ** -28


@pytest.mark.parametrize("side", [-1, 1])
def test_lambda_within_1e_20_of_threshold(side):
    s = Setting(3, 2, 4, "1/100", K=40)
    squared = lambda_thresholds(s).type1.squared
    with mpmath.workdps(60):
        thr = mpmath.sqrt(mpmath.mpf(squared.numerator) / squared.denominator)
        lam = thr * (1 + side * mpmath.mpf(10) ** -20)
        lam_text = mpmath.nstr(lam, 50)
    if side > 0:
        with pytest.raises(NoNontrivialSolution):
            predict_type1(s.replace(lam=lam_text), dps=30)
        return
    result = predict_type1(s.replace(lam=lam_text), dps=30)
    assert not result.trivial and result.tau > 0
    check_certified(result, result.value_names)
    # independent check: H'(tau) = 0 to high relative accuracy, at 90 digits
    with mpmath.workdps(90):
        lam = mpmath.mpf(lam_text)
        f = lambda t: H_reference(3, 6, 4, 40, lam, t)  # noqa: E731
        slope = mpmath.diff(f, result.tau)
        curvature = mpmath.diff(f, result.tau, 2)
        assert abs(slope / curvature) <= result.tau * mpmath.mpf(10) ** -25


def test_long_sentences_two_classes():
    # L = 300, K = 2: p = 2/3^300 — an extreme but legal setting.
    s = Setting(3, 5, 300, "1e-4", K=2)
    result = predict_type1(s, dps=30)
    check_certified(result, result.value_names)
    with mpmath.workdps(60):
        f = lambda t: H_reference(3, 15, 300, 2, mpmath.mpf("1e-4"), t)  # noqa: E731
        ref = argmin_reference(f, result.tau * mpmath.mpf("0.9"), result.tau * mpmath.mpf("1.1"))
        assert abs(result.tau - ref) <= ref * mpmath.mpf(10) ** -28


settings_strategy = st.tuples(
    st.integers(2, 6), st.integers(1, 40), st.integers(1, 20), st.floats(0.0, 1.0), st.floats(0.01, 0.99),
    st.sampled_from([15, 25, 60]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(settings_strategy)
def test_random_settings_certified(params):
    n_c, s_c, L, k_frac, lam_frac, dps = params
    full = n_c**L
    K = max(2, min(full, int(2 + k_frac * min(full, 10**6))))
    base = Setting(n_c, s_c, L, 1, K=K)
    squared = lambda_thresholds(base).type1.squared
    with mpmath.workdps(40):  # λ = lam_frac * λ_I, as a 30-digit decimal
        lam = mpmath.nstr(lam_frac * mpmath.sqrt(mpmath.mpf(squared.numerator) / squared.denominator), 30)
    result = predict_type1(base.replace(lam=lam), dps=dps)
    assert not result.trivial
    check_certified(result, result.value_names)


def test_sphere_sizes_must_match():
    s = Setting(2, 2, 3, "0.01")
    other = SphereSizes.from_counts([3, 3, 1], K=8, exact=True)
    assert predict_type1(s, sphere_sizes=other).tau > 0
    with pytest.raises(InvalidInput, match="sphere_sizes"):
        predict_type1(s.replace(K=4), sphere_sizes=other)


def test_full_set_profile_counts_equal_closed_form():
    # The explicit binomial counts of the full set give the same H as the closed form.
    s = Setting(3, 2, 4, "0.01")
    counts = SphereSizes.assumption_a(s).as_counts()
    explicit = SphereSizes.from_counts(counts, K=81, exact=True)
    a = predict_type1(s, dps=40)
    b = predict_type1(s, dps=40, sphere_sizes=explicit)
    with mpmath.workdps(40):
        assert abs(a.tau - b.tau) <= a.tau * mpmath.mpf(10) ** -38


def test_bad_dps():
    with pytest.raises(InvalidInput, match="dps"):
        predict_type1(Setting.paper(), dps=10)
    with pytest.raises(InvalidInput, match="dps"):
        predict_type1(Setting.paper(), dps=1001)


def test_to_dict_digits():
    d = predict_type1(Setting.paper(), dps=40).to_dict()
    assert set(["tau", "word_norm", "u_norm", "risk", "lambda_threshold", "enclosures"]) <= set(d)
    digits = d["word_norm"].replace(".", "").lstrip("0")
    assert len(digits) == 40
    lo, hi = d["enclosures"]["word_norm"]
    assert mpmath.mpf(lo) <= mpmath.mpf(d["word_norm"]) <= mpmath.mpf(hi)


@pytest.mark.parametrize("mu", ["zipf", "zipf:2", "1/2,1/4,1/4"])
def test_non_uniform_words_are_refused_with_the_alternatives(mu):
    """Theorem 1 assumes uniform words: another law is refused (not answered with theorem 1's numbers)."""
    with pytest.raises(InvalidInput, match="mu must be uniform words") as info:
        predict_type1(Setting(3, 3, 3, "1/1000", mu=mu))
    assert "predict_type3" in str(info.value) and "certify_optimum" in str(info.value)


@pytest.mark.parametrize("bad", [None, "paper", 3, {"n_c": 3}])
def test_a_setting_is_required(bad):
    with pytest.raises(InvalidInput, match="setting must be a fctheory.Setting"):
        predict_type1(bad)
    with pytest.raises(InvalidInput, match="setting must be a fctheory.Setting"):
        H(bad, 1.0)


def test_a_problem_is_refused_with_the_hint():
    from fctheory import Problem

    with pytest.raises(InvalidInput, match="problem.setting"):
        predict_type1(Problem(Setting(3, 2, 3, "1/100", d=3)))


@pytest.mark.parametrize("dps", [14, 1001, 30.0, True, "30"])
def test_dps_outside_the_range_is_refused(dps):
    with pytest.raises(InvalidInput, match="dps"):
        predict_type1(Setting.paper(), dps=dps)
