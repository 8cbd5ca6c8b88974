"""Comparisons of the certified optimum with theorems 1-2 and lemma K."""

import numpy as np
import pytest

from fctheory import Setting, SphereSizes, lambda_thresholds, predict_type1, predict_type3, type3_reduced_risk
from fctheory.certify import certify_optimum, compare_prediction, compare_trained, compare_type1, compare_type3, type3_D


def test_type1_D_matches_the_optimum_and_is_optimal():
    cert = certify_optimum(Setting(3, 1, 2, "1/20"))
    cmp = compare_type1(cert)
    assert cmp.verdict == "consistent"
    assert cmp.d_difference < 1e-6
    assert cmp.gradient_ratio == pytest.approx(1.0, abs=1e-12)  # claim H with equality
    assert cmp.predicted_objective == pytest.approx(cmp.predicted_value, abs=1e-13)


def test_type3_on_zipf_is_consistent_and_type1_is_not_optimal():
    s = Setting(2, 2, 2, "1/20", mu="2/3,1/3")
    cert = certify_optimum(s)
    t3 = compare_type3(cert)
    assert t3.verdict == "consistent" and t3.gradient_ratio <= 1 + 1e-12
    # theorem 1 needs uniform mu: its configuration is beaten by the certificate
    t1 = compare_type1(cert)
    assert t1.verdict == "not globally optimal"
    assert t1.difference > 1e-3 and t1.gradient_ratio > 1.01
    assert compare_prediction(cert).prediction == "type III (theorem 2)"


def test_type3_D_objective_is_F_of_c_r():
    # at a balanced critical point f(D) + lam ||D||_* = R(W, U) = F(c, r) (claim G with equality)
    s = Setting(3, 2, 2, "1/100", mu="zipf")
    p = predict_type3(s)
    cert = certify_optimum(s)
    D = type3_D(s, cert.latent, float(p.c), [float(r) for r in p.r])
    cmp = compare_type3(cert)
    assert cmp.predicted_objective == pytest.approx(float(type3_reduced_risk(s, p.c, p.r)), abs=1e-13)
    assert D.shape == cert.D.shape
    # the comparison's D_pred is this type-III D built from theorem 2's (c, r)
    assert cmp.d_difference == pytest.approx(np.linalg.norm(cert.D - D) / np.linalg.norm(D), rel=1e-12)


def test_above_eq9_type3_compares_with_the_trivial_point():
    s = Setting(2, 2, 2, "1", mu="zipf")
    assert float(lambda_thresholds(s).type3.value) < 1  # eq. 9: lam_9 = sqrt(5/36) = 0.3727 here
    cmp = compare_type3(certify_optimum(s))
    assert "trivial" in cmp.prediction
    assert cmp.predicted_value == pytest.approx(np.log(4), abs=1e-15)
    assert cmp.verdict == "consistent"


def test_H_Z_for_a_repetition_code():
    # {000, 111} over n_c = 2: |S_3| = 1 for every class (lemma B holds); H_Z is lemma K's risk
    s = Setting(2, 1, 3, "1/10", K=2)
    Z = np.array([[0, 0, 0], [1, 1, 1]])
    profile = SphereSizes.from_counts([0, 0, 1], K=2, exact=True, source="repetition code")
    cert = certify_optimum(s, Z)
    cmp = compare_type1(cert, sphere_sizes=profile)
    assert cmp.prediction.startswith("type I with H_Z")
    assert cmp.verdict == "consistent"
    assert abs(cmp.difference) <= cert.gap + 1e-10
    assert float(predict_type1(s, sphere_sizes=profile).risk) == pytest.approx(cmp.predicted_value)


@pytest.mark.parametrize("n_c,s_c,L,lam,mu", [(2, 2, 2, "1/20", "uniform"), (3, 1, 2, "1/20", "uniform"), (2, 2, 2, "1/20", "zipf")])
def test_trained_minimum_lies_in_the_certified_interval(n_c, s_c, L, lam, mu):
    from fctheory import train_network

    s = Setting(n_c, s_c, L, lam, d=n_c * s_c + 1, mu=mu)  # d > min(n_w, KL): theorem G applies
    cert = certify_optimum(s)
    trained = train_network(s, seed=0)
    cmp = compare_trained(cert, trained.W, trained.U)
    assert cmp.predicted_value == pytest.approx(trained.risk, abs=1e-12)  # same R, two codes
    assert cmp.verdict == "consistent"
    assert abs(cmp.difference) <= cert.gap + 1e-9
    assert cmp.d_difference < 1e-4


def test_D_and_objective_agree_with_the_exact_risk_engine():
    # independent code: fctheory.risk builds W, U from a randomly rotated frame and computes R exactly
    from fctheory.certify import D_of_weights, objective, sentence_table
    from fctheory.latent import full_latent_set
    from fctheory.risk import exact_risk, type3_configuration

    s = Setting(3, 2, 2, "1/100", d=4, mu="zipf")
    p = predict_type3(s)
    c, r = float(p.c), [float(v) for v in p.r]
    W, U = type3_configuration(s, c, r, rotation=7)
    D_engine = D_of_weights(W, U, s.K, s.L)
    np.testing.assert_allclose(D_engine, type3_D(s, full_latent_set(3, 2), c, r), atol=1e-13)
    # claim G with equality at the balanced critical point: R(W, U) = f(D) + lam ||D||_*
    assert exact_risk(s, W, U) == pytest.approx(objective(sentence_table(s), D_engine, 0.01), abs=1e-13)


def test_assumption_A_type1_is_not_the_optimum_of_a_code_with_K_below_n_c_to_the_L():
    # sum-zero code {000, 011, 101, 110}: lam between the assumption-A type-I threshold (0.544)
    # and ||∇f(0)||_op = sqrt(L/(n_c K)) = 0.612 -- D = 0 is not optimal, H_Z (|S_2| = 3) is.
    from fctheory import lambda_thresholds
    from fctheory.certify import general_lambda_threshold
    from fctheory.latent import named_code, sphere_sizes

    Z = named_code("parity:2:3").codewords()
    s = Setting(2, 1, 3, "0.58", K=4)
    assert float(lambda_thresholds(s).type1.value) < 0.58 < general_lambda_threshold(s, Z).value_float
    cert = certify_optimum(s, Z)
    assert cert.optimal_value < np.log(4) - 1e-3
    assert compare_type1(cert).verdict == "not globally optimal"
    hz = compare_type1(cert, sphere_sizes=sphere_sizes(Z, 2))
    assert hz.verdict == "consistent" and hz.gradient_ratio <= 1 + 1e-12


def test_verdict_is_read_from_its_two_check_rows():
    """Comparison.checks: R_pred at least the lower bound (claim G), at most the optimum (theorem G);
    the JSON form keeps the documented keys only."""
    from fctheory.certify._compare import ROUNDING

    s = Setting(2, 2, 2, "1/20", mu="2/3,1/3")
    cert = certify_optimum(s)
    for cmp, verdict in ((compare_type3(cert), "consistent"), (compare_type1(cert), "not globally optimal")):
        above, below = cmp.checks
        assert cmp.verdict == verdict
        assert (above.rule, above.reference, above.measured) == ("at least", "claim G", cert.lower_bound)
        assert (below.rule, below.reference, below.measured) == ("at most", "theorem G", cert.optimal_value)
        assert above.rel_error == cmp.excess and below.rel_error == cmp.difference
        assert above.tolerance == below.tolerance == ROUNDING and above.setting == s
        assert above.passed and below.passed == (verdict == "consistent")
        assert set(cmp.to_dict()) == {"prediction", "predicted_value", "optimal_value", "lower_bound", "gap",
                                      "difference", "excess", "verdict", "predicted_objective", "gradient_ratio",
                                      "d_difference"}
