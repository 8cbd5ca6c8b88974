"""Every derivation verifies and ends in the closed form the paper states.

The reference formulas below are typed from THEORY.md / the paper
(theorem 1, theorem 3, eq. 7-9), independently of the derivation code.
"""

import json

import pytest
import sympy as sp

from fctheory.symbolic import DERIVATIONS
from fctheory.symbolic._derivation import PROOF_METHODS
from fctheory.symbolic._symbols import K, L, b, c, d, lam, mu, n_c, n_w, rr, s_c, t

REFERENCE_WORDS = ("eq.", "lemma", "theorem", "definition", "proposition", "assumption", "appendix", "section")


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_every_step_verifies(verified, name):
    derivation, verification = verified[name]
    assert verification.verified, verification.to_dict()
    assert verification.failed == ()
    assert [ch.label for ch in verification.checks] == [s.label for s in derivation.steps]
    assert all(ch.proved and ch.method in PROOF_METHODS for ch in verification.checks)
    assert verification.steps_proved == verification.steps_total == len(derivation.steps)
    assert verification.evidence == () and verification.reasons == ()
    assert verification.result_check.proved


def test_each_proof_method_decides_some_step(verified):
    used = {ch.method for _, v in verified.values() for ch in v.checks}
    assert used == set(PROOF_METHODS)


def test_no_step_needs_random_points(verified):
    for _, v in verified.values():
        for ch in v.checks:
            assert ch.points == 0 and ch.method != "random-rational"


def test_chain_links_are_proved(verified):
    for derivation, v in verified.values():
        assert derivation.steps[0].starts_from
        chained = [s.label for s in derivation.steps if not s.starts_from]
        assert [lk.label for lk in v.links] == [f"link:{label}" for label in chained]
        assert all(lk.proved for lk in v.links)


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


def test_steps_cite_the_paper(verified):
    for derivation, _ in verified.values():
        for step in derivation.steps:
            assert step.justification.strip()
            assert any(w in step.reference.lower() for w in REFERENCE_WORDS), step.reference


def test_derivations_are_exact(verified):
    """No floating-point number appears anywhere in a derivation (steps, hypotheses, result)."""
    for derivation, _ in verified.values():
        assert not derivation.result.atoms(sp.Float), derivation.name
        for step in derivation.steps:
            for side in (step.lhs, step.rhs, *(e for pair in step.given for e in pair)):
                assert not side.atoms(sp.Float), (derivation.name, step.label)


def test_latex_chain_and_dict(verified):
    for derivation, _ in verified.values():
        tex = derivation.to_latex()
        assert tex.startswith(r"\begin{align*}") and tex.endswith(r"\end{align*}")
        assert tex.count(r"\tag*") == len(derivation.steps)
        for step in derivation.steps:
            assert step.label in tex
        data = json.loads(json.dumps(derivation.to_dict()))
        assert [s["label"] for s in data["steps"]] == [s.label for s in derivation.steps]
        assert data["expression"] and data["latex"]
