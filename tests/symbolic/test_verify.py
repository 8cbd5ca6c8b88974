"""The verifier: broken steps and links are caught and named, nothing is taken on trust."""

from dataclasses import replace

import pytest
import sympy as sp

from fctheory.errors import InvalidInput, VerificationError
from fctheory.symbolic import Definition, Derivation, Step, Use, derive_H, derive_thresholds
from fctheory.symbolic._derivation import built, from_ref, subterm
from fctheory.symbolic._objects import TupleSum
from fctheory.symbolic._symbols import K, L, lam, n_c, x
from fctheory.symbolic._thresholds import type3_threshold

_P = sp.Symbol("P")
_START = Definition("start", "a value to start from", "section 0", rules=((_P, x),))


def _one_step(step: Step, definitions=(_START,)) -> Derivation:
    return Derivation("t", "t", "t", (step,), "x", step.rhs, definitions=definitions)


def test_broken_step_fails_and_is_named():
    good = derive_thresholds()
    # the deliberate error: drop the square on lambda_III
    broken = good.replace_step("eq9", rhs=L * n_c ** (L - 1) / lam**2 * (type3_threshold() - lam**2))
    result = broken.verify()
    assert not result.verified
    assert result.failed == ("eq9",)
    assert any("eq9" in reason for reason in result.reasons)
    bad = result.check("eq9")
    assert bad.method == "counterexample" and "counterexample at" in bad.detail
    with pytest.raises(VerificationError, match="eq9"):
        result.raise_if_failed()
    # the next step's link (built from step eq9's right side) fails too
    assert not result.link("type3-threshold").proved


def test_binomial_sum_is_proved_by_summation_with_its_analyticity_proved():
    step = derive_H().step("binomial-theorem")
    d = _one_step(replace(step, link=from_ref("def:start"), lhs=step.lhs))
    result = d.verify()
    check = result.check("binomial-theorem")
    assert check.method == "summation" and check.proved
    assert "entire" in check.detail and "identity theorem" in check.detail
    # without naming the variable the Piecewise left by Sum.doit() proves nothing
    sampled = d.replace_step("binomial-theorem", analytic_in=()).verify(points=3)
    assert sampled.checks[0].method == "random-rational" and not sampled.checks[0].proved
    assert "evidence" in sampled.checks[0].detail


def test_broken_binomial_step_caught_by_random_points():
    step = derive_H().step("binomial-theorem")
    # the deliberate error: forget to remove the r = 0 term of the binomial sum
    broken = replace(step, rhs=K / n_c**L * (1 + (n_c - 1) * x) ** L)
    result = _one_step(broken).verify()
    assert result.failed == ("binomial-theorem",)
    assert result.checks[0].method == "counterexample"


def test_analytic_in_is_not_trusted_geometric_series():
    """sum_{r>=0} x^r = 1/(1 - x) holds only for x < 1: declaring analytic_in must not prove it for all x > 0."""
    r = sp.Symbol("r", integer=True, nonnegative=True)
    step = Step("geometric", sp.Sum(x**r, (r, 0, sp.oo)), 1 / (1 - x), "geometric series", "section 0",
                link=from_ref("def:start"), analytic_in=(x,))
    result = _one_step(step).verify(points=2)
    check = result.check("geometric")
    assert not result.verified and not check.proved and check.method == "undecided"
    assert "analytic_in=x not proved" in check.detail and "infinite" in check.detail


def test_induction_checks_the_step_from_its_base():
    """1 - 0^n = 0 is true at n = 0 only: a base case at 0 must not prove it for every n >= 0."""
    n = sp.Symbol("n", integer=True, nonnegative=True)
    step = Step("zero-power", 1 - sp.Integer(0) ** n, sp.Integer(0), "induction", "section 0",
                link=from_ref("def:start"), induction=n, induction_base=0)
    result = _one_step(step).verify(points=2)
    check = result.check("zero-power")
    assert not result.verified and not check.proved
    assert "induction step m -> m + 1 on n not proved" in check.detail


def test_induction_base_must_cover_the_least_value():
    """A base above the least admissible value leaves cases unproved."""
    n = sp.Symbol("n", integer=True, positive=True)
    step = Step("late-base", (n - 1) * (n - 2) + 1, sp.Integer(1), "true at n = 1, 2 only",
                "section 0", link=from_ref("def:start"), induction=n, induction_base=2)
    check = _one_step(step).verify(points=2).check("late-base")
    assert not check.proved and "above the least admissible value" in check.detail


def test_induction_on_a_tuple_sum_unfolds_the_sum():
    """sum over [2]^n of 2^(beta_1 + ... + beta_n - n) = 3^n: proved by unfolding [2]^(n+1) = [2]^n x [2]."""
    n = sp.Symbol("n", integer=True, nonnegative=True)
    beta = sp.IndexedBase("beta", integer=True, positive=True)
    l = sp.Symbol("l", integer=True, positive=True)
    lhs = TupleSum(sp.Product(2 ** (beta[l] - 1), (l, 1, n)), beta, (1, 2), n)
    step = Step("tuple", lhs, 3**n, "induction", "section 0", link=from_ref("def:start"), induction=n, induction_base=0)
    check = _one_step(step).verify().check("tuple")
    assert check.proved and check.method == "induction"
    wrong = _one_step(replace(step, rhs=3**n + n * (n - 1))).verify(points=2).check("tuple")
    assert not wrong.proved


def test_given_must_be_a_definition_or_an_earlier_step():
    m1, m2 = sp.symbols("m1 m2", positive=True)
    law = Definition("law", "m1 + m2 = 1", "section 0", rules=((m2, 1 - m1),))
    step = Step("sum", m1 + m2, sp.Integer(1), "normalised", "section 0", link=from_ref("def:start"),
                given=("def:law",))
    assert not _one_step(step, (_START, law)).verify().verified          # the link: m1 + m2 is not x
    ok = _one_step(replace(step, link=built(_P + m1 + m2 - x, {_P: "def:start"})), (_START, law)).verify()
    assert ok.verified
    unknown = _one_step(replace(step, given=("def:nope",)), (_START, law)).verify()
    assert unknown.check("sum").method == "invalid" and "no definition 'nope'" in unknown.check("sum").detail
    later = Derivation("t", "t", "t", (replace(step, given=("step:after",)),
                                       Step("after", m2, 1 - m1, "x", "section 0", link=subterm("step:sum"))),
                       "x", sp.Integer(1), definitions=(_START, law))
    check = later.verify().check("sum")
    assert check.method == "invalid" and "not earlier" in check.detail


def test_a_step_continuing_nothing_is_not_linked():
    step = Step("orphan", x, x, "nothing before it", "section 0")
    result = _one_step(step).verify()
    assert not result.verified and not result.link("orphan").proved
    assert "first step" in result.link("orphan").detail


def test_the_result_must_be_reached_from_the_start():
    step = Step("from-start", x, x, "x", "section 0", link=from_ref("def:start"))
    other = Definition("other", "another value", "section 0", rules=((sp.Symbol("Q"), x),))
    d = Derivation("t", "t", "t", (replace(step, link=from_ref("def:other")),), "x", x,
                   definitions=(_START, other), start="start")
    result = d.verify()
    assert not result.verified and any("not from def:start" in r for r in result.reasons)
    assert replace(d, steps=(step,)).verify().verified


def test_use_instantiates_a_step():
    use = Use("step:binomial-theorem", at={x: sp.exp(-x)})
    assert use.at == ((x, sp.exp(-x)),) and str(use) == "step:binomial-theorem at x = exp(-x)"


def test_fail_fast_stops_at_the_first_failure():
    d = derive_H()
    bad = d.replace_step("pascal", lhs=2 * d.step("pascal").lhs, rhs=2 * d.step("pascal").rhs)
    result = bad.verify(fail_fast=True)
    assert not result.verified and not result.link("pascal").proved
    assert all(ch.method == "skipped" for ch in result.checks)


def test_bad_arguments():
    d = derive_thresholds()
    with pytest.raises(InvalidInput, match="points"):
        d.verify(points=0)
    with pytest.raises(InvalidInput, match="methods"):
        d.verify(methods=("guess",))
    with pytest.raises(InvalidInput, match="label"):
        d.replace_step("no-such-step", rhs=sp.Integer(0))
    with pytest.raises(InvalidInput, match="name"):
        d.replace_definition("no-such-definition", rules=())
