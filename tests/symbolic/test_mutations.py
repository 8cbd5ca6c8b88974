"""Mutation tests: wrong variants of every derivation that ``verify()`` must reject.

Each variant changes one step or the result: a wrong exponent, a term that
vanishes only for small L or n_c (so exact values at the sampled sizes
L <= 4, n_c <= 5 cannot see it), a wrong sign, a replaced result, a broken
chain.  Every one must come back ``verified = False`` with a reason naming
what failed.
"""

from dataclasses import replace

import pytest
import sympy as sp

from fctheory.symbolic import DERIVATIONS
from fctheory.symbolic._symbols import L, c, dist, lam, n_c, t, x

_small_L = (L - 1) * (L - 2) * (L - 3) * (L - 4)          # zero for L = 1..4
_small_n = (n_c - 2) * (n_c - 3) * (n_c - 4) * (n_c - 5)  # zero for n_c = 2..5


@pytest.fixture(scope="module")
def built():
    return {name: build() for name, build in DERIVATIONS.items()}


def _rhs(d, label, f):
    return d.replace_step(label, rhs=f(d.step(label).rhs))


def _lhs(d, label, f):
    return d.replace_step(label, lhs=f(d.step(label).lhs))


MUTATIONS = {
    "H": {
        "binomial-plus-small-L-term": lambda d: _rhs(d, "binomial-theorem", lambda e: e + _small_L * x),
        "binomial-wrong-exponent": lambda d: _rhs(d, "binomial-theorem", lambda e: e.subs(L, L + 1)),
        "risk-in-x-wrong-sign": lambda d: _rhs(d, "risk-in-x", lambda e: e.subs(x, -x)),
        "closed-form-wrong-exponent": lambda d: _rhs(d, "H-closed-form", lambda e: e.replace(lambda a: a.is_Pow and a.exp == L,
                                                               lambda a: a.base ** (L - 1))),
        "result-2-lambda-t": lambda d: replace(d, result=2 * lam * t),
        "full-set-small-n-term": lambda d: _rhs(d, "H-full-set", lambda e: e + _small_n * lam),
        "chain-without-start": lambda d: d.replace_step("H-closed-form", starts_from=""),
    },
    "Hstar": {
        "binomial-plus-small-L-term": lambda d: _rhs(d, "binomial-theorem", lambda e: e + _small_L * x),
        "regularization-wrong-exponent": lambda d: _rhs(d, "regularization", lambda e: e * t),
        "margin-wrong-sign": lambda d: _rhs(d, "margin-in-t", lambda e: -e),
        "result-2-lambda-t": lambda d: replace(d, result=2 * lam * t),
    },
    "type3": {
        "partition-wrong-sign": lambda d: _rhs(d, "partition-factorisation",
                                               lambda e: e.replace(lambda a: a.is_Add and a.has(sp.exp),
                                                                   lambda a: 2 - a)),
        "per-word-small-L-term": lambda d: _rhs(d, "cross-entropy-per-word", lambda e: e + _small_L * c),
        "expectation-wrong-count": lambda d: _rhs(d, "expectation-over-words", lambda e: e.subs(L, L - 1)),
        "reduced-risk-small-n-term": lambda d: _rhs(d, "reduced-risk", lambda e: e + _small_n * lam),
        "eq8-wrong-exponent": lambda d: _rhs(d, "full-set-count", lambda e: L * n_c**L),
        "result-2-lambda-t": lambda d: replace(d, result=2 * lam * t),
    },
    "threshold": {
        "log-sum-exp-small-L-term": lambda d: _rhs(d, "H-log-sum-exp", lambda e: e + _small_L * x),
        "eq9-wrong-exponent": lambda d: _rhs(d, "eq9", lambda e: e.subs(lam**2, lam**3)),
        "g-in-c-wrong-sign": lambda d: _rhs(d, "g-increasing-in-c", lambda e: -e),
        "result-2-lambda-t": lambda d: replace(d, result=sp.Tuple(2 * lam * t, d.result[1])),
    },
    "margins": {
        "gap-wrong-sign": lambda d: _rhs(d, "gap-per-position", lambda e: -e),
        "type-I-wrong-exponent": lambda d: _rhs(d, "margin-type-I", lambda e: e * dist),
        "result-2-lambda-t": lambda d: replace(d, result=sp.Tuple(2 * lam * t, *d.result[1:])),
    },
}

CASES = [(name, variant) for name, variants in MUTATIONS.items() for variant in variants]


@pytest.mark.parametrize("name, variant", CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_wrong_variant_is_rejected(built, name, variant):
    good = built[name]
    bad = MUTATIONS[name][variant](good)
    assert bad != good
    result = bad.verify(points=3)
    assert not result.verified
    assert result.reasons
    if variant.startswith("result"):
        assert not result.result_check.proved
        assert any("result" in reason for reason in result.reasons)
    elif variant.startswith("chain"):
        assert any("states no starting definition" in reason for reason in result.reasons)
    else:
        changed = [s.label for s, s0 in zip(bad.steps, good.steps) if s != s0]
        assert len(changed) == 1 and changed[0] in result.failed
        assert any(changed[0] in reason for reason in result.reasons)


def test_small_size_terms_pass_the_sampled_points_but_are_not_proved(built):
    """The term (L-1)(L-2)(L-3)(L-4) x is zero at every sampled L: the points give evidence, not a proof."""
    bad = MUTATIONS["H"]["binomial-plus-small-L-term"](built["H"])
    result = bad.verify(points=6)
    check = next(ch for ch in result.checks if ch.label == "binomial-theorem")
    assert check.verified and not check.proved and check.method == "random-rational"
    assert result.evidence == ("binomial-theorem",) and not result.verified


def test_a_wrong_sign_claim_is_rejected(built):
    """phi_b decreases: claiming its derivative positive must fail even though the identity holds."""
    bad = built["threshold"].replace_step("phi-decreasing", sign="positive")
    result = bad.verify(points=2)
    assert not result.verified and "phi-decreasing" in result.failed
    check = next(ch for ch in result.checks if ch.label == "phi-decreasing")
    assert "not provably positive" in check.detail
