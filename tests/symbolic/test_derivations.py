"""Every derivation verifies, is linked from its definitions, and ends in the closed form the paper states.

The reference formulas below are typed from the paper (theorem 1, theorem 3, eq. 7-9),
independently of the derivation code.
"""

import json

import pytest
import sympy as sp

from fctheory.symbolic import DERIVATIONS
from fctheory.symbolic._derivation import PROOF_METHODS
from fctheory.symbolic._symbols import K, L, b, c, d, lam, mu, n_c, n_w, rr, s_c, t

REFERENCE_WORDS = ("eq.", "lemma", "theorem", "definition", "proposition", "assumption", "appendix", "section")


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_every_step_verifies_and_is_linked(verified, name):
    derivation, verification = verified[name]
    assert verification.verified, verification.to_dict()["reasons"]
    assert verification.failed == () and verification.reasons == () and verification.evidence == ()
    assert [ch.label for ch in verification.checks] == [s.label for s in derivation.steps]
    assert all(ch.proved and ch.method in PROOF_METHODS for ch in verification.checks)
    assert [lk.label for lk in verification.links] == [f"link:{s.label}" for s in derivation.steps]
    assert verification.steps_linked == verification.steps_proved == verification.steps_total == len(derivation.steps)
    assert verification.result_check.proved
    assert all(ch.proved for ch in verification.definition_checks)
    assert f"def:{derivation.start}" in verification.root


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_the_first_step_starts_from_a_definition(verified, name):
    derivation, _ = verified[name]
    first = derivation.steps[0].link
    assert first.kind != "previous" and all(ref.startswith("def:") for ref in first.refs)


def test_each_proof_method_decides_some_step(verified):
    used = {ch.method for _, v in verified.values() for ch in v.checks}
    assert used == set(PROOF_METHODS)


def test_every_kind_of_link_is_used(verified):
    kinds = {s.link.kind for d, _ in verified.values() for s in d.steps}
    assert kinds == {"previous", "built", "subterm", "computed"}


def test_givens_are_references(verified):
    for derivation, _ in verified.values():
        for step in derivation.steps:
            for use in step.uses():
                assert use.ref.split(":")[0] in ("def", "step", "chain"), (derivation.name, step.label, use)


def test_no_step_needs_random_points(verified):
    for _, v in verified.values():
        for ch in v.checks:
            assert ch.points == 0 and ch.method != "random-rational"


def test_fixed_size_steps_are_labelled_and_computed_from_a_frame(verified):
    fixed = {(d.name, s.label): s for d, _ in verified.values() for s in d.steps if s.fixed_size}
    assert {name for name, _ in fixed} == {"H", "type3", "margins"}
    for (name, label), step in fixed.items():
        assert "extra evidence" in step.justification
        assert any("explicit" in ref for ref in step.link.refs), (name, label)


def test_H_starts_from_the_risk_and_uses_assumption_A_for_symbolic_K(verified):
    derivation, verification = verified["H"]
    uses = {str(u) for s in derivation.steps for u in s.uses()}
    assert {"def:type-I", "def:frame", "def:assumption-A", "def:sphere-size", "def:distinct"} <= uses
    assert derivation.step("expectation-over-sentences").link.refs == ("def:risk",)
    assert verification.check("word-law-total").method == "induction"
    assert verification.check("binomial-theorem").method == "summation"
    # K stays a symbol all the way: the sphere sizes are (K/n_c^L) C(L, r)(n_c - 1)^r
    assert K in derivation.step("pascal").rhs.free_symbols


def test_type3_factorisation_is_an_induction_on_the_actual_sum(verified):
    derivation, verification = verified["type3"]
    step = derivation.step("partition-factorisation")
    assert step.induction == L and step.induction_base == 0
    assert verification.check("partition-factorisation").method == "induction"
    assert step.link.kind == "subterm" and step.link.refs == ("step:full-set-reindexing",)
    assert verification.check("expectation-over-words").method == "induction"
    assert derivation.step("full-set-reindexing").link.refs == ("def:risk",)


def test_H_is_theorem_1(verified):
    eta = (n_c / (n_c - 1)) / sp.sqrt(n_w * K * L)
    H = sp.log(1 - K / n_c**L + (K / n_c**L) * (1 + (n_c - 1) * sp.exp(-eta * t)) ** L) + lam * t
    assert sp.simplify(verified["H"][0].result - H) == 0


def test_Hstar_is_theorem_3(verified):
    eta = (n_c / (n_c - 1)) * sp.sqrt(d / (K * L))
    H = sp.log(1 - K / n_c**L + (K / n_c**L) * (1 + (n_c - 1) * sp.exp(-eta * t)) ** L) + lam / 2 * t**2
    assert sp.simplify(verified["Hstar"][0].result - H) == 0


def test_type3_system_is_eq_7_8(verified):
    eq7, eq8 = verified["type3"][0].result
    m_b, r_b = sp.symbols("mu_b r_b", positive=True)
    paper7 = (lam / L) * (r_b / c) * (n_c - 1 + sp.exp(n_c * c * r_b / (n_c - 1)))
    assert sp.simplify(eq7.lhs - paper7) == 0 and eq7.rhs == m_b
    assert sp.simplify(eq8.lhs - sp.Sum(rr[b] ** 2, (b, 1, s_c)) / c**2) == 0
    assert sp.simplify(eq8.rhs - L * n_c ** (L - 1)) == 0


def test_thresholds_are_theorem_1_and_eq_9(verified):
    T1, T3 = verified["threshold"][0].result
    assert sp.simplify(T1 - sp.sqrt(K * L / n_w) / (1 + K - K / n_c**L)) == 0
    assert sp.simplify(T3**2 - (L / n_c ** (L + 1)) * sp.Sum(mu[b] ** 2, (b, 1, s_c))) == 0


def test_steps_and_definitions_cite_the_paper(verified):
    for derivation, _ in verified.values():
        for step in derivation.steps:
            assert step.justification.strip()
            assert any(w in step.reference.lower() for w in REFERENCE_WORDS), step.reference
        for definition in derivation.definitions:
            assert any(w in definition.reference.lower() for w in REFERENCE_WORDS), definition.reference


def test_derivations_are_exact(verified):
    """No floating-point number appears anywhere in a derivation (steps, definitions, result)."""
    for derivation, _ in verified.values():
        assert not derivation.result.atoms(sp.Float), derivation.name
        for step in derivation.steps:
            for side in (step.lhs, step.rhs):
                assert not side.atoms(sp.Float), (derivation.name, step.label)
        for definition in derivation.definitions:
            for key, value in definition.rules:
                assert not value.atoms(sp.Float), (derivation.name, definition.name)


def test_latex_chain_and_dict(verified):
    for derivation, _ in verified.values():
        tex = derivation.to_latex()
        assert tex.startswith(r"\begin{align*}") and tex.endswith(r"\end{align*}")
        assert tex.count(r"\tag*") == len(derivation.steps)
        for step in derivation.steps:
            assert step.label in tex
        data = json.loads(json.dumps(derivation.to_dict()))
        assert [s["label"] for s in data["steps"]] == [s.label for s in derivation.steps]
        assert all(s["link"]["kind"] in ("previous", "built", "subterm", "computed") for s in data["steps"])
        assert [dd["name"] for dd in data["definitions"]] == [dd.name for dd in derivation.definitions]
        assert data["expression"] and data["latex"] and data["start"]
