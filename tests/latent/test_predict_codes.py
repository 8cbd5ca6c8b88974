"""H_Z / H*_Z for lemma-B sets against the exact risk of the built configurations.

The proofs of theorems 1 and 3 only use lemma B and the sphere sizes |S_r|
(lemma K): the risk of a type-I configuration at ``t = n_w c^2`` is
``H_Z(t) = log(1 + sum_r |S_r| e^{-eta t r}) + lam t``, the type-II analogue
is ``H*_Z``.  Here the exact-risk engine (enumeration of every sentence)
evaluates the built configurations on codes, independently of the formula.
"""

import math

import pytest

from fctheory import H, H_star, Setting, exact_risk, predict_type1, predict_type2
from fctheory.latent import named_code, random_latent_set, sphere_sizes
from fctheory.risk import type1_configuration, type2_configuration

CODES = [("ternary-hamming", 2), ("parity:2:5", 2), ("repetition:3:3", 3)]


def _setting(code, s_c, mu="uniform"):
    return Setting(code.q, s_c, code.L, "0.01", K=code.K, d=code.q + 1, mu=mu)


@pytest.mark.parametrize("name, s_c", CODES)
def test_type1_risk_on_a_code_is_H_Z(name, s_c):
    code = named_code(name)
    z = code.codewords()
    setting = _setting(code, s_c)
    profile = sphere_sizes(z, code.q)
    assert profile.exact
    for t in (0.5, 3.0, 12.0):
        conf = type1_configuration(setting, math.sqrt(t / setting.n_w), math.sqrt(t / (code.K * code.L)), latent=z)
        risk = exact_risk(setting, conf.W, conf.U, network="h", latent=z)
        assert risk == pytest.approx(float(H(setting, t, sphere_sizes=profile)), rel=1e-12)
    pred = predict_type1(setting, sphere_sizes=profile)
    if not pred.trivial:
        tau = float(pred.tau)
        conf = type1_configuration(setting, math.sqrt(tau / setting.n_w), math.sqrt(tau / (code.K * code.L)), latent=z)
        assert exact_risk(setting, conf.W, conf.U, latent=z) == pytest.approx(float(pred.risk), rel=1e-12)


@pytest.mark.parametrize("name, s_c", CODES)
def test_type2_risk_on_a_code_is_H_star_Z(name, s_c):
    code = named_code(name)
    z = code.codewords()
    setting = _setting(code, s_c, mu="zipf")  # theorem 3 holds for any word law
    profile = sphere_sizes(z, code.q)
    for t in (0.5, 4.0):
        conf = type2_configuration(setting, t / math.sqrt(code.K * code.L), latent=z)
        risk = exact_risk(setting, conf.W, conf.U, network="h*", latent=z)
        assert risk == pytest.approx(float(H_star(setting, t, sphere_sizes=profile)), rel=1e-12)
    pred = predict_type2(setting, sphere_sizes=profile)
    conf = type2_configuration(setting, float(pred.tau) / math.sqrt(code.K * code.L), latent=z)
    assert exact_risk(setting, conf.W, conf.U, network="h*", latent=z) == pytest.approx(float(pred.risk), rel=1e-12)


def test_random_set_profile_is_a_labelled_approximation():
    z = random_latent_set(3, 4, 12, seed=2)
    setting = Setting(3, 2, 4, "0.01", K=12, d=4)
    profile = sphere_sizes(z, 3)
    assert not profile.exact and "approximation" in profile.source
    t = 3.0
    conf = type1_configuration(setting, math.sqrt(t / setting.n_w), math.sqrt(t / (12 * 4)), latent=z)
    risk = exact_risk(setting, conf.W, conf.U, latent=z)
    approx = float(H(setting, t, sphere_sizes=profile))
    # the exact risk averages log(1 + sum_r |S_r(k)| e^{-eta t r}) over k; by concavity
    # of log it lies below the value at the mean sphere sizes, and differs from it
    assert risk < approx and abs(risk - approx) > 1e-6
