"""Error rules of a checked quantity."""

import numpy as np
import pytest

from fctheory.report._checks import matrix_check, scalar_check, verdict_check


def test_scalar_relative_worst_shown():
    ch = scalar_check("c", "ref", 2.0, [2.0, 2.0 + 4e-9, 2.0 - 1e-9], 1e-8, 1e-8)
    assert ch.rule == "relative" and ch.passed
    assert ch.measured == 2.0 + 4e-9
    assert ch.rel_error == pytest.approx(2e-9, rel=1e-6)
    assert not scalar_check("c", "ref", 2.0, 2.0 + 1e-7, 1e-8, 1e-8).passed


def test_scalar_absolute_for_zero_prediction():
    ch = scalar_check("||W||", "ref", 0.0, 3e-9, 1e-8, 1e-8)
    assert ch.rule == "absolute" and ch.passed and ch.rel_error == 3e-9
    assert not scalar_check("||W||", "ref", 0.0, 3e-8, 1e-8, 1e-8).passed


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


def test_verdict():
    assert verdict_check("type I", "type I", 1e-6).passed
    assert not verdict_check("type I", "not collapsed", 1e-6).passed
