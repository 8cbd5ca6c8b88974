"""The predicted-beside-measured record (fctheory.checks): error rules and JSON form."""

import json

import numpy as np
import pytest

from fctheory import Setting
from fctheory.checks import RULES, Check, bound_check, exact_check, matrix_check, scalar_check


def test_scalar_relative_worst_shown():
    ch = scalar_check("c", "ref", 2.0, [2.0, 2.0 + 4e-9, 2.0 - 1e-9], 1e-8, 1e-8)
    assert ch.rule == "relative" and ch.passed and ch.reference == "ref"
    assert ch.measured == 2.0 + 4e-9
    assert ch.rel_error == pytest.approx(2e-9, rel=1e-6)
    assert not scalar_check("c", "ref", 2.0, 2.0 + 1e-7, 1e-8, 1e-8).passed


def test_scalar_absolute_for_zero_prediction():
    ch = scalar_check("||W||", "ref", 0.0, 3e-9, 1e-8, 1e-8)
    assert ch.rule == "absolute" and ch.passed and ch.rel_error == 3e-9
    assert not scalar_check("||W||", "ref", 0.0, 3e-8, 1e-8, 1e-8).passed
    # without zero_tol the absolute rule uses tol
    assert scalar_check("g", "ref", 0.0, 3e-9, 1e-9).tolerance == 1e-9
    assert not scalar_check("g", "ref", 0.0, 3e-9, 1e-9).passed


def test_nan_never_passes():
    assert not scalar_check("c", "ref", 1.0, float("nan"), 1e-8, 1e-8).passed


def test_matrix_relative_to_scale():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 5))
    P = A.T @ A
    B = A.copy()
    B[0, 2] += 1e-6
    ch = matrix_check("Gram", "ref", B, B, lambda s: P[s], 1e-8)
    assert not ch.passed and ch.rule == "relative to scale"
    expected = np.max(np.abs(B.T @ B - P)) / np.max(np.abs(P))
    assert ch.rel_error == pytest.approx(expected, rel=1e-12)
    assert matrix_check("Gram", "ref", A, A, lambda s: P[s], 1e-12).passed


def test_matrix_check_in_chunks_finds_the_worst_entry():
    """Chunked rows (worst_gram_error) see an error in the last chunk."""
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 5000))
    P = A.T @ A
    B = A.copy()
    B[1, 4999] += 1e-3
    ch = matrix_check("Gram", "ref", B, A, lambda s: P[s], 1e-8)
    assert not ch.passed and ch.rel_error == pytest.approx(np.max(np.abs(B.T @ A - P)) / np.max(np.abs(P)), rel=1e-12)


def test_exact():
    assert exact_check("verdict", "definitions 1-3", "type I", "type I").passed
    ch = exact_check("verdict", "definitions 1-3", "type I", "not collapsed")
    assert not ch.passed and ch.rule == "exact" and ch.rel_error is None


def test_one_sided_bounds():
    lower = bound_check("R >= bound", "claim G", 1.0, 1.0 + 5e-11, "at least", 1e-10)
    assert lower.passed and lower.rel_error == pytest.approx(-5e-11)
    assert not bound_check("R >= bound", "claim G", 1.0, 1.0 + 5e-10, "at least", 1e-10).passed
    upper = bound_check("R <= opt", "theorem G", 1.0 + 5e-10, 1.0, "at most", 1e-10)
    assert not upper.passed and upper.rel_error == pytest.approx(5e-10)
    assert bound_check("R <= opt", "theorem G", 0.5, 1.0, "at most", 1e-10).passed
    with pytest.raises(ValueError, match="at least"):
        bound_check("x", "ref", 1.0, 1.0, "relative", 1e-10)


def test_record_is_frozen_and_json_ready():
    s = Setting(2, 2, 3, "1/100", d=2)
    ch = scalar_check("lemma K: R(type I) = H(t)", "lemma K", 2.0, 2.0, 1e-12, setting=s, detail="t = 1")
    data = json.loads(json.dumps(ch.to_dict()))
    assert data["quantity"] == data["name"] == ch.name == ch.quantity
    assert data["setting"]["n_c"] == 2 and data["detail"] == "t = 1" and data["rule"] == "relative"
    assert set(data) == {"quantity", "name", "setting", "predicted", "measured", "rel_error", "tolerance", "passed",
                         "detail", "rule", "reference"}
    with pytest.raises(AttributeError):
        ch.passed = False  # frozen
    assert scalar_check("x", "r", 1.0, 1.0, 1e-8).to_dict()["setting"] is None


def test_positional_form_and_rule_validation():
    s = Setting(2, 2, 3, "1/100", d=2)
    ch = Check("lemma K: R(type I) = H(t)", s, 1.0, 1.1, 0.1, 1e-12, False, "t = 1")
    assert ch.rule == "relative" and ch.detail == "t = 1" and ch.setting is s
    assert set(RULES) >= {"relative", "relative to scale", "absolute", "exact", "property", "at least", "at most"}
    with pytest.raises(ValueError, match="rule"):
        Check("x", None, 1.0, 1.0, 0.0, 0.0, True, "", "approximately")
