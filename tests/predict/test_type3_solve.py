"""The outer equation of theorem 2 (predict/_type3_solve.py): bracket, float64 presolve, one solver;
and the interval proof (predict/_type3_proof.py) as a named result."""

import mpmath
import pytest

from fctheory import Setting, predict_type3
from fctheory._precision import interval_context
from fctheory.predict import _type3, type3_threshold
from fctheory.predict._roots import ENCLOSURE_EXTRA_DIGITS
from fctheory.predict._type3_proof import Type3Proof, prove_type3
from fctheory.predict._type3_solve import float_presolve, outer_bracket_high, solve_outer
from fctheory.predict._type3_system import WordGroups, evaluate_outer, type3_equations

SETTINGS = [
    Setting(3, 5, 3, "0.01", mu="zipf"),
    Setting(2, 5, 300, "1e-50", mu="zipf"),
    Setting(3, 4, 2, "1e-200", mu="zipf"),
    Setting(5, 3, 6, "1e-9", mu=["0.999999", "0.0000009", "0.0000001"]),
]


@pytest.mark.parametrize("setting", SETTINGS, ids=str)
def test_bracket_presolve_and_solver(setting):
    with mpmath.workdps(42):
        groups = WordGroups.of(setting)
        eqs = type3_equations(setting, groups)
        c_high = outer_bracket_high(setting)
        assert evaluate_outer(eqs, c_high).psi < 0  # the right end of the proven bracket
        start = float_presolve(setting, groups)
        root = solve_outer(eqs, c_high, start)
        assert abs(root.psi) < mpmath.mpf(10) ** -39
        assert start is not None and abs(start / root.c - 1) < 1e-12
        # the one solver also converges from no start (bisection from (0, c_high), then Newton)
        cold = solve_outer(eqs, c_high, None)
        assert abs(cold.c / root.c - 1) < mpmath.mpf(10) ** -38


def test_presolve_declines_what_float64_cannot_resolve():
    # λ within 1e-20 of eq. 9: Ψ(0+) ~ 1e-20 is below float64 resolution
    s = Setting(3, 3, 3, "1", mu="zipf")
    with mpmath.workdps(80):
        sq = type3_threshold(s).squared
        lam = mpmath.nstr(mpmath.sqrt(mpmath.mpf(sq.numerator) / sq.denominator) * (1 - mpmath.mpf(10) ** -20), 60)
    s = s.replace(lam=lam)
    with mpmath.workdps(30):
        assert float_presolve(s, WordGroups.of(s)) is None
    assert predict_type3(s, dps=15).c < 1e-8  # the hp solver alone still certifies it


def test_result_does_not_depend_on_the_presolve(monkeypatch):
    s = Setting(3, 6, 3, "0.005", mu="zipf:2")
    with_start = predict_type3(s, dps=30).to_dict()
    monkeypatch.setattr(_type3, "float_presolve", lambda *args: None)
    without = predict_type3(s, dps=30).to_dict()
    assert with_start["c"] == without["c"] and with_start["r"] == without["r"]
    assert with_start["enclosures"] == without["enclosures"]


def test_interval_proof_is_a_named_result_and_refuses_a_wrong_root():
    s = Setting(3, 4, 3, "0.01", mu="zipf")
    dps, work = 30, 42
    with mpmath.workdps(work):
        groups = WordGroups.of(s)
        eqs = type3_equations(s, groups)
        root = solve_outer(eqs, outer_bracket_high(s), None)
        ctx = interval_context(work)
        proof = prove_type3(s, groups, root, dps, ctx)
        assert isinstance(proof, Type3Proof)
        assert root.c in proof.c
        delta = mpmath.mpf(10) ** -(dps + ENCLOSURE_EXTRA_DIGITS)
        assert abs(proof.c.relative_width() - 2 * delta) < delta / 1000
        # the bounds bracket the inner roots at the ends of the enclosure (ρ decreases in c)
        at_lo, at_hi = evaluate_outer(eqs, proof.c.lo), evaluate_outer(eqs, proof.c.hi)
        for g in range(len(groups.weights)):
            assert proof.rho_low[g] <= at_hi.rho[g] <= at_lo.rho[g] <= proof.rho_high[g]
            assert root.c * root.rho[g] in proof.r_enclosure(ctx, g)
        # a point off the root by 100 δ (or by 1e-(dps+1)) cannot be certified
        for factor in (1 + 100 * delta, 1 - mpmath.mpf(10) ** -(dps + 1)):
            assert prove_type3(s, groups, evaluate_outer(eqs, root.c * factor, root), dps, ctx) is None
