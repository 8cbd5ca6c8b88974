"""Theorem G's f, ∇f and dual bound through the exact-risk engine vs the sentence table."""

import itertools

import numpy as np
import pytest

from fctheory import InvalidInput, Setting
from fctheory.certify import dual_lower_bound, gradient_f, risk_f, sentence_table
from fctheory.certify._engine import EngineObjective
from fctheory.risk import score_table_risk

CASES = [(2, 2, 3, None, "zipf"), (3, 2, 2, 5, "zipf"), (2, 3, 1, None, "zipf"), (3, 2, 3, None, "uniform"),
         (2, 2, 4, 9, "2/3,1/3")]


def _case(n_c, s_c, L, K, mu, seed=0):
    rng = np.random.default_rng(seed)
    if K is None:
        return Setting(n_c, s_c, L, "1/20", mu=mu), None, rng
    rows = np.array(list(itertools.product(range(n_c), repeat=L)))
    return Setting(n_c, s_c, L, "1/20", K=K, mu=mu), rng.permutation(rows)[:K], rng


@pytest.mark.parametrize("case", CASES)
def test_engine_f_and_gradient_match_the_sentence_table(case):
    s, Z, rng = _case(*case)
    table, eng = sentence_table(s, Z), EngineObjective(s, Z)
    D = 2 * rng.normal(size=eng.shape)
    f, G = eng.risk_and_gradient(D)
    assert f == pytest.approx(risk_f(table, D), abs=1e-13)
    np.testing.assert_allclose(G, gradient_f(table, D), atol=1e-15)
    assert eng.risk(D) == pytest.approx(f, abs=1e-15)


@pytest.mark.parametrize("case", CASES)
def test_engine_bound_never_exceeds_the_exact_dual_bound(case):
    s, Z, rng = _case(*case)
    table, eng = sentence_table(s, Z), EngineObjective(s, Z)
    D = rng.normal(size=eng.shape)
    for lam in (1e-3, 1.0, 1e3):  # shrink t < 1, and t = 1 (then both bounds are the same number)
        eng.lam = lam
        exact, ours = dual_lower_bound(table, D, lam), eng.dual_lower_bound(D)
        assert ours.shrink == pytest.approx(exact.shrink, rel=1e-12)
        assert ours.value <= exact.value + 1e-13
        if exact.shrink == 1.0:
            assert ours.value == pytest.approx(exact.value, abs=1e-13)


def test_score_table_risk_names_bad_tables():
    s = Setting(2, 2, 2, "1/10")
    with pytest.raises(InvalidInput, match="A"):
        score_table_risk(s, np.zeros((2, 4, 3)))
    with pytest.raises(InvalidInput, match="finite"):
        score_table_risk(s, np.full((2, 4, 4), np.nan))
