"""The verifier: broken steps are caught and named, methods are reported honestly."""

import pytest
import sympy as sp
from dataclasses import replace

from fctheory.errors import InvalidInput, VerificationError
from fctheory.symbolic import Derivation, Step, derive_H, derive_thresholds
from fctheory.symbolic._symbols import K, L, lam, n_c, x
from fctheory.symbolic._thresholds import type3_threshold


def test_broken_step_fails_and_is_named():
    good = derive_thresholds()
    step = good.step("eq9")
    # the deliberate error: drop the square on lambda_III
    broken = good.replace_step("eq9", rhs=L * n_c ** (L - 1) / lam**2 * (type3_threshold() - lam**2))
    result = broken.verify()
    assert not result.verified
    assert result.failed == ("eq9",)
    assert any("eq9" in reason for reason in result.reasons)
    bad = [ch for ch in result.checks if ch.label == "eq9"][0]
    assert bad.method == "counterexample" and "counterexample at" in bad.detail
    with pytest.raises(VerificationError, match="eq9"):
        result.raise_if_failed()
    assert step.rhs != broken.step("eq9").rhs


def test_broken_binomial_step_caught_by_random_points():
    step = derive_H().step("binomial-theorem")
    # the deliberate error: forget to remove the r = 0 term of the binomial sum
    broken = replace(step, rhs=K / n_c**L * (1 + (n_c - 1) * x) ** L)
    d = Derivation("t", "t", "t", (broken,), "x", broken.rhs)
    result = d.verify()
    assert result.failed == ("binomial-theorem",)
    assert result.checks[0].method == "counterexample"


def test_binomial_sum_is_proved_by_summation_not_by_points():
    step = derive_H().step("binomial-theorem")
    d = Derivation("t", "t", "t", (step,), "x", step.rhs)
    result = d.verify()
    assert result.verified and result.checks[0].method == "summation" and result.checks[0].proved
    assert "identity theorem" in result.checks[0].detail
    # without the analyticity statement the Piecewise left by Sum.doit() proves nothing
    no_analytic = d.replace_step("binomial-theorem", analytic_in=())
    sampled = no_analytic.verify(points=3)
    assert not sampled.verified and sampled.evidence == ("binomial-theorem",)
    assert sampled.checks[0].method == "random-rational" and sampled.checks[0].points == 3
    assert not sampled.checks[0].proved and "evidence" in sampled.checks[0].detail


def test_undecided_is_not_verified():
    # true, but exact reduction of sin^2 + cos^2 at a rational point does not reach 0
    d = Derivation("t", "t", "t", (Step("pythagoras", sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1), "j", "eq. 0",
                                              starts_from="a definition"),),
                   "x", sp.Integer(1))
    result = d.verify(methods=("random-rational",), points=2)
    assert not result.verified and result.checks[0].method == "undecided"
    assert d.verify().verified  # simplify knows the identity


def test_given_substitutions_are_applied():
    m1, m2 = sp.symbols("m1 m2", positive=True)
    step = Step("sum", m1 + m2, sp.Integer(1), "normalised", "eq. 0", given=((m2, 1 - m1),), starts_from="def")
    d = Derivation("t", "t", "t", (step,), "x", sp.Integer(1))
    assert d.verify().verified
    assert not replace(d, steps=(replace(step, given=()),)).verify().verified


def test_bad_arguments():
    d = derive_thresholds()
    with pytest.raises(InvalidInput, match="points"):
        d.verify(points=0)
    with pytest.raises(InvalidInput, match="methods"):
        d.verify(methods=("guess",))
    with pytest.raises(InvalidInput, match="label"):
        d.replace_step("no-such-step", rhs=sp.Integer(0))
