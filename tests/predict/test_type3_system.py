"""Theorem 2's equations as stateless evaluations (predict/_type3_system.py): groups, inner roots,
the outer function and its slope, the residuals."""

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fctheory import Setting, predict_type3
from fctheory.predict._type3_system import (
    FLOAT64_ARITHMETIC,
    MP_ARITHMETIC,
    Type3Residuals,
    WordGroups,
    evaluate_outer,
    inner_upper_bound,
    solve_inner,
    type3_equations,
    type3_residuals,
)


def eq7_lhs_minus_mu(n, L, lam, mu, c, rho):
    """Eq. 7 as written in THEORY.md: (λ/L) ρ (n_c - 1 + exp(n_c c^2 ρ/(n_c-1))) - μ."""
    return lam / L * rho * (n - 1 + mpmath.exp(n * c * c * rho / (n - 1))) - mu


def test_word_groups_share_equal_frequencies():
    s = Setting(3, 5, 2, "0.01", mu=["0.3", "0.3", "0.2", "0.1", "0.1"])
    groups = WordGroups.of(s)
    assert groups.word_group == (0, 0, 1, 2, 2)
    assert groups.weights == (2, 1, 2)
    assert groups.representative == (0, 2, 3)
    assert groups.pick("abcde") == ["a", "c", "d"]
    assert groups.spread(["x", "y", "z"]) == ("x", "x", "y", "z", "z")


def test_word_groups_of_an_irrational_law_are_the_words():
    s = Setting(2, 7, 2, "0.001", mu="zipf:1.5")
    with mpmath.workdps(30):
        groups = WordGroups.of(s)
    assert groups.weights == (1,) * 7 and groups.word_group == tuple(range(7))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.floats(-60, 60), st.floats(-5, 400))
def test_inner_upper_bound_is_right_of_the_root(n_c, log_k, target):
    with mpmath.workdps(30):
        log_k, target = mpmath.mpf(log_k), mpmath.mpf(target)
        y = solve_inner(MP_ARITHMETIC, log_k, target, n_c)
        bound = inner_upper_bound(MP_ARITHMETIC, log_k, target, n_c)
        assert y <= bound + mpmath.mpf(10) ** -25 * max(1, abs(bound))
        # the root satisfies eq. 7 in logs: y + log(n_c - 1 + e^{k e^y}) = target
        u = mpmath.exp(log_k + y)
        assert abs(y + u + mpmath.log1p((n_c - 1) * mpmath.exp(-u)) - target) <= mpmath.mpf(10) ** -26 * max(1, abs(target))


@pytest.mark.parametrize("start", [None, -300, 0, 50, 400])
def test_inner_root_from_far_starts_and_in_float64(start):
    # λ = 1e-200 makes u = k ρ huge at c ~ 16: starts left or right of the root must all converge
    n, L, lam, mu, c = 3, 2, mpmath.mpf(10) ** -200, mpmath.mpf(1) / 3, mpmath.mpf(16)
    with mpmath.workdps(40):
        log_k = mpmath.log(mpmath.mpf(n) / (n - 1)) + 2 * mpmath.log(c)
        target = mpmath.log(mu * L / lam)
        y = solve_inner(MP_ARITHMETIC, log_k, target, n, None if start is None else mpmath.mpf(start))
        assert abs(eq7_lhs_minus_mu(n, L, lam, mu, c, mpmath.exp(y)) / mu) < mpmath.mpf(10) ** -36
        yf = solve_inner(FLOAT64_ARITHMETIC, float(log_k), np.array([float(target)]), n, None)
        assert abs(yf[0] - float(y)) <= 1e-13 * abs(float(y))


def test_outer_evaluation_slope_and_elasticity_against_numerical_derivatives():
    s = Setting(3, 4, 3, "0.01", mu="zipf")
    with mpmath.workdps(40):
        groups = WordGroups.of(s)
        eqs = type3_equations(s, groups)
        c = mpmath.mpf("0.7")
        at = evaluate_outer(eqs, c)
        psi = lambda x: evaluate_outer(eqs, mpmath.exp(x)).psi  # noqa: E731
        assert abs(mpmath.diff(psi, mpmath.log(c)) - at.slope) < mpmath.mpf(10) ** -25
        for g in range(len(groups.weights)):
            log_rho = lambda x, g=g: evaluate_outer(eqs, mpmath.exp(x)).log_rho[g]  # noqa: E731
            assert abs(mpmath.diff(log_rho, mpmath.log(c)) - at.elasticity[g]) < mpmath.mpf(10) ** -25
        # eq. 8: Ψ = log Σ_b ρ_b^2 - log(L n^{L-1}), every ρ_b the root of eq. 7
        total = mpmath.fsum(w * r * r for w, r in zip(groups.weights, at.rho))
        assert abs(at.psi - (mpmath.log(total) - mpmath.log(3 * 3**2))) < mpmath.mpf(10) ** -35
        lam = s.lam_mp()
        for mu, rho in zip(eqs.mu, at.rho):
            assert abs(eq7_lhs_minus_mu(3, 3, lam, mu, c, rho) / mu) < mpmath.mpf(10) ** -35


def test_outer_evaluation_is_stateless():
    # The same c gives the same Ψ whether the inner solves start cold or from a far evaluation.
    s = Setting(3, 5, 3, "0.01", mu="zipf")
    with mpmath.workdps(40):
        eqs = type3_equations(s, WordGroups.of(s))
        cold = evaluate_outer(eqs, mpmath.mpf("0.9"))
        far = evaluate_outer(eqs, mpmath.mpf("0.9"), evaluate_outer(eqs, mpmath.mpf(40)))
        again = evaluate_outer(eqs, mpmath.mpf("0.9"))
        assert cold == again
        assert abs(cold.psi - far.psi) < mpmath.mpf(10) ** -37
        assert evaluate_outer(eqs, mpmath.mpf("0.5")).psi > cold.psi > evaluate_outer(eqs, mpmath.mpf(2)).psi  # decreasing


def test_residuals_name_each_equation():
    s = Setting(3, 4, 3, "0.01", mu="zipf")
    p = predict_type3(s, dps=30)
    groups = WordGroups.of(s)
    with mpmath.workdps(p.working_dps):
        rho = [p.r[b] / p.c for b in groups.representative]
        at_root = type3_residuals(s, groups, p.c, rho)
        assert isinstance(at_root, Type3Residuals)
        assert at_root.largest == max(at_root.eq7, at_root.eq8) == p.residual
        assert at_root.largest < mpmath.mpf(10) ** -35
        # ρ scaled by 1 + 1e-10: eq. 8 is off by 2e-10; eq. 7 by about (1 + u q) 1e-10 per word
        off = type3_residuals(s, groups, p.c, [r * (1 + mpmath.mpf(10) ** -10) for r in rho])
        assert abs(off.eq8 - 2 * mpmath.mpf(10) ** -10) < mpmath.mpf(10) ** -19
        assert mpmath.mpf(10) ** -10 < off.eq7 < mpmath.mpf(10) ** -8


def test_residuals_of_an_exact_rational_point():
    # n_c = 2, L = 1, one word (μ = 1): ρ^2 = 1 (eq. 8), so ρ = 1 and eq. 7 reads (λ)(1 + e^{2c^2}) = 1.
    s = Setting(2, 1, 1, "1/3")
    groups = WordGroups.of(s)
    with mpmath.workdps(40):
        c = mpmath.sqrt(mpmath.log(2) / 2)  # 1 + e^{2c^2} = 3 = 1/λ
        res = type3_residuals(s, groups, c, [mpmath.mpf(1)])
        assert res.eq8 == 0 and res.eq7 < mpmath.mpf(10) ** -38
        p = predict_type3(s, dps=30)
        assert abs(p.c - c) < mpmath.mpf(10) ** -30 and abs(p.r[0] - c) < mpmath.mpf(10) ** -30
