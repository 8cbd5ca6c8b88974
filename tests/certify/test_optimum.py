"""predict_optimum: theorem G reduced by the within-concept symmetry, against cvxpy, theorem 1 and the risk engine."""

import json
import math

import numpy as np
import pytest

from fctheory import (InvalidInput, Problem, ProblemTooLarge, Setting, exact_risk, named_code, predict_type1)
from fctheory.certify import (certify_optimum, dual_lower_bound, general_lambda_threshold, predict_optimum,
                              sentence_table)
from fctheory.certify._reduced import ReducedObjective
from fctheory.latent import sphere_sizes

#: The interface other parts of fctheory (CLI, reproduce, study) read.
FIELDS = ("min_risk", "lower_bound", "gap", "word_norms", "u_norm_mean", "u_norm_std", "u_norm_min", "u_norm_max",
          "u_frobenius", "w_frobenius", "rank", "singular_values", "lambda_threshold", "iterations", "seconds",
          "certified", "status")

# small random latent sets that cvxpy certifies by full enumeration in well under a second
SMALL = [(2, 2, 3, 5, "1/20", 0), (3, 2, 2, 6, "1/50", 1), (2, 3, 3, 6, "3/100", 2)]


def _random(n_c, s_c, L, K, lam, seed, **kw):
    return Problem(Setting(n_c, s_c, L, lam, K=K, **kw), "random", seed=seed)


@pytest.mark.parametrize("case", SMALL, ids=str)
def test_equals_the_full_enumeration_certificate(case):
    p = _random(*case)
    opt = predict_optimum(p)
    cert = certify_optimum(p, method="cvxpy")
    assert opt.certified and opt.status == "certified" and opt.relative_gap <= 1e-9
    assert opt.min_risk == pytest.approx(cert.optimal_value, abs=1e-8)
    # both intervals contain the minimum
    assert opt.lower_bound - opt.rounding <= cert.optimal_value + cert.rounding
    assert cert.lower_bound - cert.rounding <= opt.min_risk + opt.rounding
    # the optimum of the full program has equal rows within each concept: D = P D~
    D = np.asarray(cert.D)
    P = np.kron(np.eye(p.n_c), np.ones((p.s_c, 1)))
    assert np.abs(D - P @ opt.D_reduced).max() < 1e-4 * max(1.0, np.abs(D).max())


@pytest.mark.parametrize("n_c,s_c,L,lam", [(3, 2, 3, "1/100"), (2, 3, 4, "1/50")])
def test_full_set_equals_theorem_1(n_c, s_c, L, lam):
    s = Setting(n_c, s_c, L, lam)
    opt = predict_optimum(s)
    t1 = predict_type1(s, dps=30)
    assert opt.certified and opt.rank == n_c - 1
    assert opt.min_risk == pytest.approx(float(t1.risk), rel=1e-9)
    assert opt.word_norms == pytest.approx([float(t1.word_norm)] * n_c, rel=1e-9)
    for value in (opt.u_norm_mean, opt.u_norm_min, opt.u_norm_max):
        assert value == pytest.approx(float(t1.u_norm), rel=1e-9)
    assert opt.u_norm_std <= 1e-9 * opt.u_norm_mean
    assert opt.w_frobenius ** 2 == pytest.approx(float(t1.tau), rel=1e-9)  # tau = ||W||_F^2 = ||U||_F^2
    assert opt.gradient_ratio == pytest.approx(1.0, abs=1e-9)  # claim H at D != 0


def test_linear_code_equals_theorem_1_with_its_sphere_sizes():
    # the ternary Hamming code satisfies lemma B (not eq. 35): theorem 1 with H_Z (lemma K) is its optimum
    Z = named_code("ternary-hamming").codewords()
    s = Setting(3, 2, 4, "1/100", K=len(Z))
    opt = predict_optimum(Problem(s, Z))
    tz = predict_type1(s, sphere_sizes=sphere_sizes(Z, 3))
    assert opt.certified
    assert opt.min_risk == pytest.approx(float(tz.risk), rel=1e-9)
    assert opt.word_norms == pytest.approx([float(tz.word_norm)] * 3, rel=1e-9)
    assert opt.u_norm_min == pytest.approx(float(tz.u_norm), rel=1e-9)
    assert opt.u_norm_max == pytest.approx(float(tz.u_norm), rel=1e-9)
    # the assumption-A closed form (eq. 35) is not this code's profile
    assert float(predict_type1(s).risk) - opt.min_risk > 0.1


def test_sum_zero_code_interval_of_docs_certify():
    # docs/certify.md: {000, 011, 101, 110}, n_c = 2, s_c = 1, lambda = 0.58: min R in [1.3822376480, 1.3822376481]
    Z = named_code("sum-zero:2:3").codewords()
    opt = predict_optimum(Problem(Setting(2, 1, 3, "0.58", K=4), Z))
    assert 1.3822376480 <= opt.min_risk <= 1.3822376481 + 1e-12 and opt.certified


def test_exact_risk_at_the_returned_weights_equals_min_risk():
    p = _random(3, 2, 3, 8, "1/40", 3, d=5)
    opt = predict_optimum(p)
    W, U = opt.weights()  # d = 5, the setting's
    assert W.shape == (5, 6) and U.shape == (8, 15)
    assert exact_risk(p, W, U) == pytest.approx(opt.min_risk, abs=1e-12)
    # any d >= rank gives the same risk and the same norms
    W, U = opt.weights(opt.rank)
    assert exact_risk(p.setting.replace(d=None), W, U, latent=p.latent) == pytest.approx(opt.min_risk, abs=1e-12)
    words = np.linalg.norm(W, axis=0).reshape(3, 2)
    assert words == pytest.approx(np.repeat(np.array(opt.word_norms)[:, None], 2, axis=1), rel=1e-12)
    blocks = np.linalg.norm(U.reshape(8, 3, opt.rank), axis=2)
    assert (blocks.mean(), blocks.std(), blocks.min(), blocks.max()) == pytest.approx(
        (opt.u_norm_mean, opt.u_norm_std, opt.u_norm_min, opt.u_norm_max), rel=1e-12)
    assert np.linalg.norm(W) == pytest.approx(opt.w_frobenius, rel=1e-12)
    assert np.linalg.norm(U) == pytest.approx(opt.u_frobenius, rel=1e-12)


def test_dual_bound_never_exceeds_the_objective_also_at_bad_points():
    p = _random(3, 2, 3, 10, "1/50", 4)
    best = predict_optimum(p)
    rough = predict_optimum(p, max_iter=0, max_newton=0)  # the warm start, unpolished
    assert not rough.certified and rough.status.startswith("not certified")
    assert rough.lower_bound <= rough.min_risk
    assert rough.lower_bound <= best.min_risk + best.rounding <= rough.min_risk + best.rounding
    # the solver's own bound (reduced variables) and certify's bound on the s_c = 1 program, at random points
    lam_eff = float(p.lam) * math.sqrt(p.s_c)
    obj = ReducedObjective(p.latent, p.n_c, lam_eff)
    table = sentence_table(Problem(Setting(3, 1, 3, p.lam, K=10), p.latent))
    rng = np.random.default_rng(0)
    for scale in (0.01, 1.0, 30.0):
        Dh = scale * rng.standard_normal(obj.shape)
        g, G, P = obj.evaluate(Dh)
        upper, lower, _ = obj.bound(Dh, g, G, P)
        assert lower <= best.min_risk + best.rounding and lower <= upper
        assert dual_lower_bound(table, obj.to_public(Dh), lam_eff).value <= best.min_risk + best.rounding


def test_threshold_and_the_zero_optimum_above_it():
    p = _random(3, 2, 3, 10, "1/50", 5)
    thr = general_lambda_threshold(p).value_float
    below = predict_optimum(p)
    assert below.lambda_threshold == pytest.approx(thr, rel=1e-12) and not below.trivial
    above = predict_optimum(p.replace(lam=1.01 * thr))
    assert above.trivial and above.certified and above.rank == 0 and above.iterations == 0
    assert above.min_risk == pytest.approx(math.log(10), abs=1e-14)
    assert above.word_norms == (0.0, 0.0, 0.0) and above.u_norm_max == 0.0 and above.w_frobenius == 0.0
    W, U = above.weights(3)
    assert not W.any() and not U.any()
    just_below = predict_optimum(p.replace(lam=0.999 * thr))
    assert just_below.certified and 0 < just_below.rank and just_below.min_risk < math.log(10)


def test_to_dict_is_json_and_save_weights(tmp_path):
    p = _random(2, 2, 3, 5, "1/20", 0)
    opt = predict_optimum(p)
    d = json.loads(json.dumps(opt.to_dict(), allow_nan=False))
    assert set(FIELDS) <= set(d) and d["theorem"] == "theorem G, reduced by the within-concept symmetry"
    assert d["latent"] == "random K=5 seed=0" and d["problem"]["latent"]["digest"] == p.digest
    path = opt.save_weights(tmp_path / "weights.npz", d=3)
    with np.load(path) as z:
        assert sorted(z.files) == ["U", "W", "latent", "mu"]
        assert z["W"].shape == (3, 4) and z["U"].shape == (5, 9)
        assert np.array_equal(z["latent"], p.latent) and np.allclose(z["mu"], 0.5)
        assert exact_risk(p, z["W"], z["U"]) == pytest.approx(opt.min_risk, abs=1e-12)


def test_bad_input():
    p = _random(2, 2, 3, 5, "1/20", 0)
    with pytest.raises(InvalidInput, match="mu must be uniform.*equal-frequency"):
        predict_optimum(p.replace(mu="zipf"))
    with pytest.raises(InvalidInput, match="network.*not convex"):
        predict_optimum(p, network="h*")
    with pytest.raises(InvalidInput, match="network"):
        predict_optimum(p, network="g")
    for bad in (0, 1, 1.5, True, "1e-9", float("nan")):
        with pytest.raises(InvalidInput, match="rel_gap"):
            predict_optimum(p, rel_gap=bad)
    with pytest.raises(InvalidInput, match="max_iter"):
        predict_optimum(p, max_iter=-1)
    with pytest.raises(InvalidInput, match="latent"):
        predict_optimum(p, latent=p.latent)
    with pytest.raises(ProblemTooLarge):
        predict_optimum(p, max_logits=24)
    with pytest.raises(InvalidInput, match="max_logits"):
        predict_optimum(p, max_logits="many")
    opt = predict_optimum(p)
    with pytest.raises(InvalidInput, match="d must be an integer >= 1"):
        opt.weights(0)


@pytest.mark.slow
def test_large_full_set_equals_theorem_1():
    # K = 3**7 = 2187 classes, s_c = 400: the logits are 2187 x 2187
    s = Setting(3, 400, 7, "1/1000")
    opt = predict_optimum(s)
    t1 = predict_type1(s, dps=30)
    assert opt.certified and opt.rank == 2
    assert opt.min_risk == pytest.approx(float(t1.risk), rel=1e-9)
    assert opt.word_norms == pytest.approx([float(t1.word_norm)] * 3, rel=1e-9)
    assert (opt.u_norm_min, opt.u_norm_max) == pytest.approx((float(t1.u_norm),) * 2, rel=1e-9)


@pytest.mark.slow
def test_paper_setting():
    # n_c = 3, s_c = 400, L = 15, K = 1000, lambda = 0.001, random latent set of seed 0
    p = Problem(Setting.paper(), "random", seed=0)
    opt = predict_optimum(p)
    t1 = predict_type1(p.setting, dps=20)
    assert opt.certified and opt.relative_gap <= 1e-9 and opt.rank == 2
    assert opt.word_norms == pytest.approx([float(t1.word_norm)] * 3, rel=1e-2)
    assert opt.min_risk < float(t1.risk)
    assert opt.u_norm_std > 0.01 * opt.u_norm_mean  # the block norms are not all equal
    W, U = opt.weights()
    assert W.shape == (100, 1200) and U.shape == (1000, 1500)
