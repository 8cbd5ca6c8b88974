"""collapse_prediction: whichever of theorems 1-3 applies, checked against the exact risk of the
explicitly built collapsed configuration (brute force) and against the prediction it wraps."""

import math

import numpy as np
import pytest

from fctheory import InvalidInput, Problem, Setting, collapse_prediction, exact_risk, predict_type1, predict_type2
from fctheory.latent import named_code, sphere_sizes
from fctheory.predict import TRIVIAL_THEOREM
from fctheory.risk import type1_configuration, type2_configuration, type3_configuration


def test_type_I_is_theorem_1_and_its_configuration_has_that_risk():
    s = Setting(3, 2, 3, "1/100", d=7)
    c = collapse_prediction(s)
    p = predict_type1(s)
    assert c.theorem == p.theorem and not c.trivial and c.prediction == p
    assert c.w_frobenius == c.u_frobenius and c.w_frobenius ** 2 == pytest.approx(float(p.tau), rel=1e-15)
    cfg = type1_configuration(s, c.word_norm, c.u_norm)
    assert exact_risk(s, cfg.W, cfg.U) == pytest.approx(c.risk, rel=1e-12)
    assert np.linalg.norm(cfg.W) == pytest.approx(c.w_frobenius, rel=1e-12)


def test_type_II_is_theorem_3_any_word_law():
    s = Setting(3, 2, 3, "1/100", d=5, mu="zipf")
    c = collapse_prediction(s, "h*")
    assert c.theorem == predict_type2(s).theorem and c.word_norm is None and c.w_frobenius is None
    cfg = type2_configuration(s, c.u_norm)
    assert exact_risk(s, cfg.W, cfg.U, network="h*") == pytest.approx(c.risk, rel=1e-12)
    assert np.linalg.norm(cfg.U) == pytest.approx(c.u_frobenius, rel=1e-12)


def test_type_III_is_theorem_2_on_the_full_set():
    s = Setting(3, 3, 3, "1/100", d=10, mu="zipf")
    c = collapse_prediction(s)
    assert c.theorem.startswith("theorem 2") and c.word_norm is None and len(c.r) == 3
    cfg = type3_configuration(s, c.u_norm, c.r)
    assert exact_risk(s, cfg.W, cfg.U) == pytest.approx(c.risk, rel=1e-12)
    assert np.linalg.norm(cfg.W) == pytest.approx(c.w_frobenius, rel=1e-12)
    assert np.linalg.norm(cfg.U) == pytest.approx(c.u_frobenius, rel=1e-12)
    with pytest.raises(InvalidInput, match="mu"):  # theorem 2 is proved for the full set only
        collapse_prediction(s.replace(K=10))


def test_a_code_uses_its_own_sphere_sizes_and_above_the_threshold_the_minimizer_is_zero():
    code = named_code("ternary-hamming")
    Z = code.codewords()
    s = Setting(3, 2, 4, "1/100", K=code.K, d=7)
    c = collapse_prediction(s, sphere_sizes=sphere_sizes(Z, 3))
    cfg = type1_configuration(Problem(s, Z), c.word_norm, c.u_norm)
    assert exact_risk(s, cfg.W, cfg.U, latent=Z) == pytest.approx(c.risk, rel=1e-12)  # H_Z (lemma K)
    t = collapse_prediction(Setting(3, 2, 3, "1", d=7))
    assert t.trivial and t.theorem == TRIVIAL_THEOREM and t.prediction is None
    assert (t.word_norm, t.u_norm, t.w_frobenius, t.u_frobenius) == (0.0, 0.0, 0.0, 0.0)
    assert t.risk == pytest.approx(math.log(27), rel=1e-15)
    assert t.to_dict()["trivial"] is True and c.to_dict()["r"] is None
