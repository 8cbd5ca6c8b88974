"""The certified solvers of fctheory.predict agree with the derived closed forms.

``Derivation.check_numeric`` is the tie ``fctheory derive --json`` reports; the tests
below also compare at fixed settings, over a range of t, with the solvers' own functions.

Each derived expression is lambdified with ``modules="mpmath"`` and evaluated
inside ``mpmath.workdps(50)``; the solvers are asked for 50 digits.  Agreement
is required to a relative difference of 1e-45 (of the solver's value).
"""

import json
from dataclasses import replace
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

import fctheory
from fctheory import Setting
from fctheory.symbolic import DERIVATIONS, derive_H, derive_H_star, derive_thresholds, derive_type3, lambdify_mp

DPS = 50
REL = mpmath.mpf(10) ** -45

SETTINGS_H = [
    Setting(3, 2, 2, "1/100"),                 # full set, K = 9
    Setting(3, 4, 3, "1/1000", K=10, d=5),     # partial set under assumption A
    Setting(2, 3, 4, "1/50", K=5, d=3),
    Setting(3, 400, 15, "1/1000", K=1000, d=100),  # the paper's experiment
]
T_VALUES = ["1/1000", "1/2", "3", "40", "1234.5"]


def _num(text):
    """An exact decimal/fraction literal as an mpf at the current precision."""
    q = Fraction(text)
    return mpmath.mpf(q.numerator) / q.denominator


def _close(a, b):
    return abs(a - b) <= REL * abs(b)


@pytest.fixture(scope="module")
def funcs():
    return {
        "H": lambdify_mp(derive_H()),
        "Hstar": lambdify_mp(derive_H_star()),
        "F": lambdify_mp(derive_type3(), "F"),
        "thr": lambdify_mp(derive_thresholds()),
    }


@pytest.mark.parametrize("setting", SETTINGS_H, ids=str)
def test_H_and_H_star(funcs, setting):
    for t in T_VALUES:
        with mpmath.workdps(DPS):
            tt = _num(t)
            derived = funcs["H"](setting=setting, t=tt)
            solver = fctheory.H(setting, tt, dps=DPS)
            assert _close(derived, solver), (t, derived, solver)
            if setting.d is not None:
                derived = funcs["Hstar"](setting=setting, t=tt)
                solver = fctheory.H_star(setting, tt, dps=DPS)
                assert _close(derived, solver), (t, derived, solver)


@pytest.mark.parametrize("setting", [
    Setting(3, 3, 2, "1/100", mu="zipf"),
    Setting(2, 4, 3, "1/30", mu="1/10,2/10,3/10,4/10"),
    Setting(3, 2, 2, "1/100"),
], ids=str)
def test_type3_reduced_risk(funcs, setting):
    points = [("1/3", ["1", "2", "1/2", "3", "5/2", "1/7"]), ("2", ["7/5", "1/9", "4", "2", "1", "3"])]
    for c, rs in points:
        with mpmath.workdps(DPS):
            cc = _num(c)
            r = [_num(v) for v in rs[: setting.s_c]]
            derived = funcs["F"](setting=setting, c=cc, r=r)
            solver = fctheory.type3_reduced_risk(setting, cc, r, dps=DPS)
            assert _close(derived, solver), (c, derived, solver)


@pytest.mark.parametrize("setting", [
    Setting(3, 3, 2, "1/100", mu="zipf"),
    Setting(2, 4, 3, "1/30", mu="1/10,2/10,3/10,4/10"),
    Setting(3, 2, 2, "1/100"),
    Setting(3, 4, 3, "1/1000", K=10),
    Setting(3, 400, 15, "1/1000", K=1000),
], ids=str)
def test_lambda_thresholds(funcs, setting):
    solver = fctheory.lambda_thresholds(setting, dps=DPS)
    with mpmath.workdps(DPS):
        t1, t3 = funcs["thr"](setting=setting)
        assert _close(t1, solver.type1.value)
        if setting.is_full:
            assert _close(t3, solver.type3.value)
        else:
            assert solver.type3 is None


def test_predicted_minimizers_are_stationary_points_of_the_derived_functions(funcs):
    """tau of predict_type1 zeroes the derivative of the derived H (central difference)."""
    setting = Setting(3, 4, 3, "1/1000", K=10)
    pred = fctheory.predict_type1(setting, dps=DPS)
    with mpmath.workdps(DPS):
        slope = mpmath.diff(lambda s: funcs["H"](setting=setting, t=s), pred.tau)
        # absolute bound on H'(tau) (H(tau) is about 0.08 here), evaluated at 50 digits
        assert abs(slope) < mpmath.mpf(10) ** -40
        assert _close(funcs["H"](setting=setting, t=pred.tau), pred.risk)


@pytest.mark.parametrize("setting,counts,source", [
    (Setting(2, 3, 3, "1/50", K=4), [0, 3, 0], "even-weight code of length 3"),
    (Setting(3, 2, 2, "1/100"), [4, 4], "full set [3]^2"),
    (Setting(2, 2, 4, "1/1000", K=8), [1, 3, 3, 0], "a profile with 1 + sum = K"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_H_Z_with_latent_set_sphere_sizes(setting, counts, source):
    H_Z = lambdify_mp(derive_H(), "H_Z")
    profile = fctheory.SphereSizes.from_counts(counts, K=setting.K, exact=True, source=source)
    for t in T_VALUES:
        with mpmath.workdps(DPS):
            tt = _num(t)
            derived = H_Z(setting=setting, t=tt, S=counts)
            solver = fctheory.H(setting, tt, dps=DPS, sphere_sizes=profile)
            assert _close(derived, solver), (t, derived, solver)


@pytest.mark.parametrize("name", ["H", "Hstar", "type3", "threshold"])
def test_check_numeric_ties_the_result_to_the_certified_solvers(name):
    derivation = DERIVATIONS[name]()
    check = derivation.check_numeric(dps=30, seed=1)
    assert check.passed and check.derivation == name and check.dps == 30 and check.seed == 1
    assert len(check.points) >= 3 and all(p.passed for p in check.points)
    data = json.loads(json.dumps(check.to_dict()))
    assert data["comparisons"] == len(check.points) and data["passed"] is True
    # the settings are drawn from the seed: the same seed gives the same comparisons
    assert [p.setting for p in derivation.check_numeric(dps=30, seed=1).points] == [p.setting for p in check.points]


def test_check_numeric_catches_a_wrong_closed_form():
    derivation = DERIVATIONS["threshold"]()
    T1, T3 = derivation.result
    wrong = replace(derivation, result=sp.Tuple(T1 * (1 + sp.Rational(1, 10**12)), T3))
    check = wrong.check_numeric(dps=30)
    assert not check.passed
    assert any(not p.passed and "lambda_I" in p.quantity for p in check.points)


def test_margins_have_no_solver_to_compare_with():
    assert DERIVATIONS["margins"]().check_numeric() is None
