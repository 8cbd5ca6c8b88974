"""Brute-force checks of the closed forms (lemma K, lemma R, appendix F,
theorems 1-3, eq. 9) on a representative subset of the issue's grid; the
whole grid runs in ``fctheory check``."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from fctheory import Setting
from fctheory.checks import Check
from fctheory.risk import exact_risk, exact_risk_hvp, run_checks, type1_configuration, type3_configuration
from fctheory.risk._checks import (
    GRAD_RTOL,
    RISK_RTOL,
    _gradient_ratio,
    check_critical_points,
    check_lemma_k,
    check_lemma_r,
    check_threshold,
    default_grid,
    hessian_at_zero,
)

SUBSET = [
    Setting(2, 2, 3, "1/100", d=2, mu="uniform"),
    Setting(3, 2, 3, "1/100", d=3, mu="zipf"),
    Setting(4, 2, 3, "1/100", d=3, mu="zipf"),
    Setting(3, 2, 3, "1/100", d=6, mu="uniform"),
]


@pytest.mark.parametrize("setting", SUBSET, ids=repr)
def test_all_checks_pass(setting):
    results = run_checks(setting, rotation=7)
    assert results
    failed = [r for r in results if not r.passed]
    assert not failed, failed
    assert all(isinstance(r, Check) and r.setting == setting and r.reference for r in results)
    rules = {r.rule for r in results}
    assert rules <= {"relative", "absolute", "property"} and "property" in rules
    names = {r.name.split(":")[0] for r in results}
    assert {"lemma K", "appendix F", "eq. 9"} <= names
    if setting.d >= setting.n_c:
        assert "lemma R" in names


def test_lemma_k_against_independent_H():
    """H(t) of theorem 1 on the full set, L log(1 + (n_c-1) e^{-eta t}) + lam t,
    evaluated here with mpmath at 40 digits, against the exact risk."""
    s = Setting(3, 2, 3, "1/100", d=2, mu="zipf")
    n_c, n_w, K, L = s.n_c, s.n_w, s.K, s.L
    for t in (0.7, 5.0, 40.0, 300.0):
        cfg = type1_configuration(s, math.sqrt(t / n_w), math.sqrt(t / (K * L)), rotation=3)
        with mpmath.workdps(40):
            eta = mpmath.mpf(n_c) / (n_c - 1) / mpmath.sqrt(n_w * K * L)
            H = L * mpmath.log(1 + (n_c - 1) * mpmath.exp(-eta * t)) + mpmath.mpf(1) / 100 * t
        assert exact_risk(s, cfg.W, cfg.U) == pytest.approx(float(H), rel=RISK_RTOL)


def test_type3_risk_against_independent_F():
    """F(c, r) of appendix F evaluated with mpmath here (not the predict module)."""
    s = Setting(3, 3, 2, "1/50", d=2, mu="zipf")
    n_c, K, L = s.n_c, s.K, s.L
    mu = [1 / 1, 1 / 2, 1 / 3]
    for c, r in ((0.9, [2.0, 1.5, 0.3]), (2.5, [0.1, 0.2, 4.0])):
        cfg = type3_configuration(s, c, r, rotation=11)
        with mpmath.workdps(40):
            tot = mpmath.fsum(mu)
            F = L * mpmath.fsum(
                (m / tot) * mpmath.log(1 + (n_c - 1) * mpmath.exp(-n_c * mpmath.mpf(c) * rb / (n_c - 1)))
                for m, rb in zip(mu, r)
            ) + mpmath.mpf(1) / 100 * (n_c * sum(rb**2 for rb in r) + K * L * c**2)
        assert exact_risk(s, cfg.W, cfg.U) == pytest.approx(float(F), rel=RISK_RTOL)


def test_checks_detect_a_non_critical_point():
    """Away from the predicted constants the gradient ratio is far from 0."""
    s = Setting(3, 2, 3, "1/100", d=2, mu="zipf")
    (c_pass,) = [r for r in check_critical_points(s) if "theorem 2" in r.name]
    assert c_pass.passed and c_pass.measured <= GRAD_RTOL
    from fctheory import predict_type3

    p = predict_type3(s)
    cfg = type3_configuration(s, 1.01 * float(p.c), [float(v) for v in p.r])
    assert _gradient_ratio(s, cfg.W, cfg.U, "h") > 1e-3


@pytest.mark.parametrize("network", ["h", "h*"])
def test_lemma_k_and_r_on_random_latent_sets(network, rng):
    """Type I / II on a random subset of latent variables: the exact risk equals
    the class-averaged H_Z(t) built from each class's sphere sizes."""
    from fctheory.latent import full_latent_set
    from fctheory.risk import check_lemma_k_latent

    s = Setting(3, 2, 4, "1/100", K=17, d=4, mu="zipf")
    latent = full_latent_set(3, 4)[rng.choice(81, 17, replace=False)]
    results = check_lemma_k_latent(s, latent, [0.5, 4.0, 30.0], network=network, rotation=5)
    assert len(results) == 3 and all(r.passed for r in results), results


def test_sphere_counts_full_set():
    """Full set: |S_r| = C(L, r) (n_c - 1)^r for every class (appendix B), the
    profile collapse_risk_any_latent reads from fctheory.latent."""
    from math import comb

    from fctheory.latent import distance_counts, full_latent_set

    counts = distance_counts(full_latent_set(3, 4), 3).sizes
    expected = [comb(4, r) * 2**r for r in range(5)]
    assert (counts == np.array(expected)[None, :]).all()


def test_collapse_risk_any_latent_is_H_on_the_full_set():
    from fctheory import H, H_star
    from fctheory.latent import full_latent_set
    from fctheory.risk import collapse_risk_any_latent

    s = Setting(3, 2, 3, "1/100", d=3)
    lat = full_latent_set(3, 3)
    for t in (0.3, 7.0):
        assert float(collapse_risk_any_latent(s, lat, t)) == pytest.approx(float(H(s, t)), rel=1e-14)
        assert float(collapse_risk_any_latent(s, lat, t, network="h*")) == pytest.approx(float(H_star(s, t)), rel=1e-14)


def test_lemma_r_needs_mean_zero_dimension():
    from fctheory import InvalidSetting

    with pytest.raises(InvalidSetting, match="d"):
        check_lemma_r(Setting(3, 2, 3, "1/100", d=2))


def test_hessian_at_zero_matches_hvp_columns(rng):
    """The structured Hessian at the origin against exact HVP columns (d = 1)."""
    s = Setting(2, 2, 3, "1/20", mu="zipf")
    H = hessian_at_zero(s)
    n_w, K, L = s.n_w, s.K, s.L
    W0, U0 = np.zeros((1, n_w)), np.zeros((K, L))
    for i in list(range(n_w)) + list(rng.choice(np.arange(n_w, n_w + K * L), 6, replace=False)):
        v = np.zeros(n_w + K * L)
        v[i] = 1.0
        HW, HU = exact_risk_hvp(s, W0, U0, v[:n_w].reshape(1, -1), v[n_w:].reshape(K, L))
        np.testing.assert_allclose(np.concatenate([HW.ravel(), HU.ravel()]), H[:, i], rtol=0, atol=1e-15)


def test_threshold_side_switches():
    s = Setting(3, 2, 3, "1/100", d=2, mu="zipf")
    res = {r.name: r for r in check_threshold(s)}
    assert all(r.passed for r in res.values())
    above = [r for n, r in res.items() if "1.25" in n][0]
    below = [r for n, r in res.items() if "0.8" in n][0]
    assert above.measured > 0 > below.measured


def test_default_grid_is_the_issue_grid():
    grid = default_grid()
    assert len(grid) == 24
    assert {(s.n_c, s.s_c, s.L) for s in grid} == {(2, 2, 3), (3, 2, 3), (3, 3, 4), (4, 2, 3)}
    assert {s.d - s.n_c for s in grid} >= {-1, 0}
    assert all(s.is_full for s in grid)


def test_results_are_json_ready():
    import json

    (r,) = check_lemma_k(Setting(2, 2, 3, "1/100", d=1), [2.0])
    data = json.loads(json.dumps(r.to_dict()))
    assert data["passed"] is True and data["setting"]["n_c"] == 2 and data["predicted"] > 0


def test_run_checks_refuses_a_huge_d_before_allocating():  # issue 12, finding 10: the library, not only the CLI
    from fctheory import ProblemTooLarge, Setting
    from fctheory.risk import MAX_CHECK_D, check_memory, run_checks

    with pytest.raises(ProblemTooLarge, match="d of the brute-force checks"):
        run_checks(Setting(2, 2, 3, "1/100", d=5_000_000))
    assert check_memory(Setting(2, 2, 3, "1/100", d=MAX_CHECK_D)) < 256 * 2**20
