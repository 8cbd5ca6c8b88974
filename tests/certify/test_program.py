"""certify_optimum: the conic program of theorem G against theorem 1."""

import itertools

import numpy as np
import pytest

from fctheory import InvalidInput, ProblemTooLarge, Setting, predict_type1
from fctheory.certify import certify_optimum, general_lambda_threshold, problem_size

# tiny full-set settings with uniform words: theorem 1 says min R = H(tau)
TYPE1 = [(2, 1, 2, "1/10"), (3, 1, 2, "1/20"), (2, 2, 2, "1/20"), (2, 2, 3, "1/50")]


@pytest.mark.parametrize("n_c,s_c,L,lam", TYPE1)
def test_type1_certified_optimum_equals_H_tau(n_c, s_c, L, lam):
    s = Setting(n_c, s_c, L, lam)
    cert = certify_optimum(s)
    pred = predict_type1(s, dps=30)  # certified mpmath minimizer of H (theorem 1)
    assert cert.status == "optimal"
    assert 0 <= cert.gap < 1e-7
    assert cert.lower_bound - 1e-12 <= float(pred.risk) <= cert.optimal_value + 1e-12
    # the solver's own accounting agrees with the independent bounds
    assert abs(cert.solver_primal_objective - cert.optimal_value) < 1e-6
    assert cert.gradient_norm == pytest.approx(float(s.lam), rel=1e-6)  # claim H at D != 0


def test_above_the_general_threshold_the_optimum_is_zero():
    # a random (non full) latent set: D = 0 is optimal iff lam >= ||∇f(0)||_op (claim H)
    rows = np.array(list(itertools.product(range(3), repeat=2)))
    Z = np.random.default_rng(5).permutation(rows)[:5]
    base = Setting(3, 2, 2, "1/10", K=5, mu="zipf")
    thr = general_lambda_threshold(base, Z).value_float
    above = certify_optimum(base.replace(lam=1.05 * thr), Z)
    assert above.optimal_value == pytest.approx(np.log(5), abs=1e-7)
    assert np.abs(above.D).max() < 1e-5
    below = certify_optimum(base.replace(lam=0.9 * thr), Z)
    assert below.optimal_value < np.log(5) - 1e-4
    assert below.lower_bound <= below.optimal_value


def test_joint_nuclear_form_agrees_with_blocks():
    s = Setting(2, 2, 2, "1/20", mu="2/3,1/3")
    a = certify_optimum(s, nuclear_form="blocks")
    b = certify_optimum(s, nuclear_form="joint")
    # n_w = 4, KL = 8: blocks has max(n_w, KL) cones of size min(n_w, KL) + 1; joint one of size n_w + KL
    assert (a.size.psd_cones, a.size.psd_size) == (8, 5)
    assert (b.size.psd_cones, b.size.psd_size) == (1, 12)
    assert a.optimal_value == pytest.approx(b.optimal_value, abs=a.gap + b.gap + 1e-12)


def test_scs_solver_gives_the_same_optimum():
    s = Setting(2, 1, 2, "1/10")
    a = certify_optimum(s, solver="SCS")
    assert a.solver == "SCS"
    assert a.optimal_value == pytest.approx(float(predict_type1(s).risk), abs=1e-6)


def test_too_large_is_refused_before_building():
    s = Setting(3, 4, 6, "1/1000")  # K = 729, 4**6 sentences per class
    size = problem_size(s)
    assert size.exp_cones == 729 * 729 * 4**6
    with pytest.raises(ProblemTooLarge, match=r"exponential cones .* exceeds the limit 300000"):
        certify_optimum(s, method="cvxpy")
    with pytest.raises(ProblemTooLarge, match="PSD"):
        certify_optimum(Setting(2, 2, 4, "1/10"), nuclear_form="joint", max_psd_entries=1000, method="cvxpy")


def test_bad_options_are_named():
    s = Setting(2, 1, 2, "1/10")
    with pytest.raises(InvalidInput, match="solver"):
        certify_optimum(s, solver="MOSEK")
    with pytest.raises(InvalidInput, match="nuclear_form"):
        certify_optimum(s, nuclear_form="svd")


def test_to_dict_is_json_ready():
    import json

    cert = certify_optimum(Setting(2, 1, 2, "1/10"))
    d = json.loads(json.dumps(cert.to_dict()))
    assert set(d) >= {"optimal_value", "lower_bound", "gap", "status", "solver", "D", "size"}
    assert np.array(d["D"]).shape == (2, 8)


def test_problem_call_forms_agree():
    from fctheory import Problem
    from fctheory.certify import claim_h_ratio, gradient_at_zero, sentence_table
    from fctheory.latent import random_latent_set

    s = Setting(2, 2, 3, "1/20", K=5)
    Z = random_latent_set(2, 3, 5, seed=4)
    p = Problem(s, Z)
    a, b = certify_optimum(p), certify_optimum(s, Z)
    assert a.optimal_value == b.optimal_value and np.array_equal(a.latent, Z)
    assert general_lambda_threshold(p).value == general_lambda_threshold(s, Z).value
    np.testing.assert_array_equal(gradient_at_zero(p), gradient_at_zero(s, Z))
    np.testing.assert_array_equal(sentence_table(p).words, sentence_table(s, Z).words)
    assert claim_h_ratio(p, 1, [1, 1]).ratio == claim_h_ratio(s, 1, [1, 1], Z).ratio
    assert problem_size(p) == problem_size(s)
    with pytest.raises(InvalidInput, match="latent"):
        certify_optimum(p, Z)
