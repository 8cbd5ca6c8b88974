"""Mutation tests: wrong variants of the derivations that ``verify()`` must reject, and which check rejects them.

* a step scaled by 2 on both sides (a true identity, but no longer linked to what comes before);
* the chain cut to its result step (it no longer starts from the definitions);
* H's result with K/n_c^L replaced by (K/n_c^L)^2 (equal on the full set only);
* a wrong frame in the configuration (the Gram matrix, the mean-zero property, an explicit frame);
* a constant in place of the enumeration of the full set;
* F + L log 2 in place of F (the typed right side, and both sides);
* terms that vanish at the small sizes random points use (evidence, never a proof);
* and the two soundness holes of a checker that trusts declarations (tests/symbolic/test_verify.py:
  ``test_analytic_in_is_not_trusted_geometric_series``, ``test_induction_checks_the_step_from_its_base``).
"""

import random
from dataclasses import replace

import pytest
import sympy as sp

from fctheory.symbolic import DERIVATIONS
from fctheory.symbolic import _objects
from fctheory.symbolic._objects import Inner, f, one
from fctheory.symbolic._symbols import K, L, a, b, j, lam, n_c, t, x

_small_L = (L - 1) * (L - 2) * (L - 3) * (L - 4)          # zero for L = 1..4
#: stop at the first failure and skip the random points (a failed proof is enough to reject)
FAST = dict(points=2, fail_fast=True, methods=("exact", "simplify"))


@pytest.fixture(scope="module")
def built():
    return {name: build() for name, build in DERIVATIONS.items()}


def _scaled(e, k=2):
    if isinstance(e, (sp.Tuple, tuple)):
        return sp.Tuple(*[_scaled(v, k) for v in e])
    if isinstance(e, sp.Equality):
        return sp.Eq(k * e.lhs, k * e.rhs)
    return k * e


def _scale_step(d, label):
    s = d.step(label)
    return d.replace_step(label, lhs=_scaled(s.lhs), rhs=_scaled(s.rhs))


def _middle_steps(d):
    return [s.label for s in d.steps[1:-1]]


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_random_middle_step_scaled_on_both_sides_is_caught_by_its_link(built, name):
    d = built[name]
    rng = random.Random(f"scale-{name}")
    for label in rng.sample(_middle_steps(d), 3):
        result = _scale_step(d, label).verify(**FAST)
        assert not result.verified, label
        assert not result.link(label).proved, (label, result.link(label).detail)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_every_step_scaled_on_both_sides_is_rejected(built, name):
    d = built[name]
    for label in [s.label for s in d.steps]:
        result = _scale_step(d, label).verify(points=2)
        assert not result.verified, label
        assert not result.link(label).proved, label


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_chain_cut_to_its_result_step(built, name):
    d = built[name]
    result_step = d.step(d.result_step)
    cut = replace(d, steps=(result_step,))
    result = cut.verify(**FAST)
    assert not result.verified
    link = result.link(result_step.label)
    assert not link.proved and link.method == "invalid", link.detail
    # cut to the literal last step (a branch or extra evidence in some derivations): not verified either
    last = replace(d, steps=d.steps[-1:]).verify(**FAST)
    assert not last.verified
    assert not last.links[0].proved or any("result step" in r for r in last.reasons)


def _square_q(expr):
    return expr.xreplace({K: K**2 / n_c**L})    # K/n_c^L -> K^2/n_c^(2L) = (K/n_c^L)^2


def test_H_with_K_over_nL_squared_result(built):
    d = built["H"]
    bad = replace(d, result=_square_q(d.result))
    assert bad.result != d.result
    result = bad.verify(**FAST)
    assert not result.verified and not result.result_check.proved
    # the same wrong closed form written into the last step too: the step itself fails (symbolic K)
    both = replace(bad, steps=tuple(replace(s, rhs=_square_q(s.rhs)) if s.label == "collapse-constants" else s
                                    for s in d.steps))
    result = both.verify(**FAST)
    assert not result.verified and result.result_check.proved
    check = result.check("collapse-constants")
    assert not check.proved and check.method in ("counterexample", "undecided")


def test_H_with_K_over_nL_squared_fails_the_numeric_check(built):
    d = built["H"]
    bad = replace(d, result=_square_q(d.result))
    assert d.check_numeric().passed
    assert not bad.check_numeric().passed


def _orthonormal(definition):
    (key, _), = definition.rules[:1]
    return replace(definition, rules=((key, sp.KroneckerDelta(a, b)),) + definition.rules[1:])


@pytest.mark.parametrize("name, caught", [("H", "logit-gap"), ("type3", "logit-gap"), ("margins", "margin-type-I")])
def test_wrong_frame_gram(built, name, caught):
    d = built[name]
    bad = d.replace_definition("frame", rules=_orthonormal(d.definition("frame")).rules)
    result = bad.verify(**FAST)
    assert not result.verified
    assert not result.check(caught).proved, result.check(caught).detail


def test_wrong_frame_not_mean_zero_for_H_star(built):
    d = built["Hstar"]
    frame = d.definition("mean-zero-frame")
    rules = tuple((k_, sp.Integer(1) if k_ == Inner(f(a), one) else v) for k_, v in frame.rules)
    result = d.replace_definition("mean-zero-frame", rules=rules).verify(**FAST)
    assert not result.verified and not result.check("layernorm-of-a-word").proved


@pytest.mark.parametrize("name, label", [("H", "group-by-distance-explicit"), ("type3", "partition-factorisation-explicit"),
                                         ("margins", "margin-type-I-explicit")])
def test_wrong_explicit_frame(built, name, label):
    d = built[name]
    (key, frame), = d.definition("explicit-frame").rules
    wrong = sp.Matrix([[1, 0, -1], [0, 1, 0]])      # unit vectors, not equiangular
    result = d.replace_definition("explicit-frame", rules=((key, wrong),)).verify(**FAST)
    assert not result.verified and not result.link(label).proved


def test_constant_in_place_of_the_full_set_enumeration(built):
    d = built["type3"]
    # the sum over the classes j of the partition function replaced by the number of its terms
    def constant(expr):
        return expr.replace(lambda e: isinstance(e, sp.Sum) and e.limits == ((j, 1, K),), lambda e: n_c**L)

    result = d.replace_definition("full-set", rewrite=constant).verify(**FAST)
    assert not result.verified and not result.check("full-set-reindexing").proved


def test_constant_in_place_of_the_tuple_enumeration(built, monkeypatch):
    d = built["type3"]
    original = _objects.TupleSum.doit

    def constant_doit(self, **hints):
        if self.length.is_Integer:
            return n_c**L
        return original(self, **hints)

    monkeypatch.setattr(_objects.TupleSum, "doit", constant_doit)
    result = d.verify(**FAST)
    assert not result.verified
    failed = [ch.label for ch in result.checks if not ch.proved and ch.method != "skipped"]
    assert failed and failed[0] in ("partition-factorisation", "word-law-total"), failed


def test_F_plus_L_log_2(built):
    d = built["type3"]
    extra = L * sp.log(2)
    step = d.step("reduced-risk")
    # the typed F (the right side) with L log 2 added: the step fails
    result = d.replace_step("reduced-risk", rhs=step.rhs + extra).verify(**FAST)
    assert not result.verified and not result.check("reduced-risk").proved
    # both sides with L log 2 added (a true identity): its link to the computed risk fails
    result = d.replace_step("reduced-risk", lhs=step.lhs + extra, rhs=step.rhs + extra).verify(**FAST)
    assert not result.verified and not result.link("reduced-risk").proved


def test_small_size_terms_pass_the_sampled_points_but_are_not_proved(built):
    """The term (L-1)(L-2)(L-3)(L-4) x is zero at every sampled L: the points give evidence, not a proof."""
    d = built["H"]
    bad = d.replace_step("binomial-theorem", rhs=d.step("binomial-theorem").rhs + _small_L * x)
    result = bad.verify(points=6)
    check = result.check("binomial-theorem")
    assert check.verified and not check.proved and check.method == "random-rational"
    assert "binomial-theorem" in result.evidence and not result.verified


def test_a_wrong_sign_claim_is_rejected(built):
    """phi_b decreases: claiming its derivative positive must fail even though the identity holds."""
    bad = built["threshold"].replace_step("phi-decreasing", sign="positive")
    result = bad.verify(points=2)
    assert not result.verified and "phi-decreasing" in result.failed
    assert "not provably positive" in result.check("phi-decreasing").detail


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_a_replaced_result_is_rejected(built, name):
    d = built[name]
    wrong = sp.Tuple(2 * lam * t, *d.result[1:]) if isinstance(d.result, sp.Tuple) else 2 * lam * t
    result = replace(d, result=wrong).verify(**FAST)
    assert not result.verified and not result.result_check.proved
    assert any("result" in reason for reason in result.reasons)


def test_a_step_changed_on_one_side_is_named(built):
    d = built["H"]
    bad = d.replace_step("pascal", rhs=d.step("pascal").rhs.subs(L, L + 1))
    result = bad.verify(points=2, methods=("exact", "simplify"))
    assert "pascal" in result.failed and not result.verified
    assert any("pascal" in reason for reason in result.reasons)
