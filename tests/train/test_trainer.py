"""The trainer on tiny settings, with an independent brute-force risk as the engine.

The reference word norm of type I on the full set comes from the closed form
tau = (1/eta) log((n_c-1)(L eta - lam)/lam), eta = (n_c/(n_c-1))/sqrt(n_w K L)
(THEORY.md, "facts"; the minimizer of H(t) = L log(1+(n_c-1)e^{-eta t}) + lam t),
evaluated here in float64, independent of fctheory.predict.
"""

import math

import numpy as np
import pytest

import fctheory.train._trainer as trainer_module
from fctheory import Setting
from fctheory.errors import InvalidInput
from fctheory.train import MinimizeOptions, measure_collapse, train_network

from train_direct_risk import direct_risk_and_grad


def _direct_engine(problem, W, U, *, network="h"):
    # the trainer hands its validated Problem to the engine
    return direct_risk_and_grad(problem.setting, W, U, network=network, latent=problem.latent)


@pytest.fixture
def direct_engine(monkeypatch):
    monkeypatch.setattr(trainer_module, "_engine", lambda: (_direct_engine, None))


def test_type1_full_set_reaches_closed_form(direct_engine):
    s = Setting(3, 2, 3, 0.01, d=7)
    res = train_network(s, network="h", seed=3)
    assert res.converged, res.reason
    assert res.grad_norm_rel <= 1e-12
    assert res.hvp_method == trainer_module.HVP_FD
    eta = 1.5 / math.sqrt(6 * 27 * 3)
    tau = math.log(2 * (3 * eta - 0.01) / 0.01) / eta
    np.testing.assert_allclose(np.linalg.norm(res.W, axis=0), math.sqrt(tau / 6), rtol=1e-9)
    H = 3 * math.log(1 + 2 * math.exp(-eta * tau)) + 0.01 * tau
    assert res.risk == pytest.approx(H, rel=1e-12)
    assert measure_collapse(res.W, res.U, 3, 2, 3).collapse_verdict == "type I"
    phases = {row[0] for row in res.history}
    assert "lbfgs" in phases
    assert res.to_dict()["W"] is None and len(res.to_dict(include_weights=True)["W"]) == 7


def test_hstar_keeps_columns_normalised(direct_engine):
    s = Setting(3, 2, 2, 0.05, d=4, mu="zipf")
    res = train_network(s, network="h*", seed=0)
    assert res.converged, res.reason
    np.testing.assert_allclose(res.W.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(res.W, axis=0), 1.0, rtol=1e-14)
    assert measure_collapse(res.W, res.U, 3, 2, 2, network="h*").collapse_verdict == "type II"


def test_non_convergence_is_reported(direct_engine):
    s = Setting(3, 2, 2, 0.01, d=4)
    res = train_network(s, seed=0, options=MinimizeOptions(lbfgs_maxiter=2, newton_maxiter=0))
    assert not res.converged
    assert res.grad_norm_rel > 1e-12
    assert "L-BFGS-B" in res.reason or "limit" in res.reason


def test_seed_reproducible(direct_engine):
    s = Setting(3, 2, 2, 0.01, d=4)
    a = train_network(s, seed=5, options=MinimizeOptions(lbfgs_maxiter=5, newton_maxiter=0))
    b = train_network(s, seed=5, options=MinimizeOptions(lbfgs_maxiter=5, newton_maxiter=0))
    np.testing.assert_array_equal(a.W, b.W)


def test_bad_arguments(direct_engine):
    s = Setting(3, 2, 2, 0.01, d=4)
    with pytest.raises(InvalidInput):
        train_network(s, network="relu")
    with pytest.raises(InvalidInput):
        train_network(s, seed=-1)
    with pytest.raises(InvalidInput):
        train_network(Setting(3, 2, 2, 0.01, K=4, d=4))  # K < n_c**L needs a latent array
    with pytest.raises(InvalidInput):
        MinimizeOptions(gtol=0.0)


@pytest.mark.parametrize("hessian", ["auto", "exact", "fd"])
def test_real_engine_all_hessian_modes(hessian):
    # the exact-risk engine (fctheory.risk) as the objective; reference: the same closed form as above
    s = Setting(3, 2, 2, 0.02, d=7)
    res = train_network(s, seed=1, hessian=hessian)
    assert res.converged, res.reason
    eta = 1.5 / math.sqrt(6 * 9 * 2)
    tau = math.log(2 * (2 * eta - 0.02) / 0.02) / eta
    np.testing.assert_allclose(np.linalg.norm(res.W, axis=0), math.sqrt(tau / 6), rtol=1e-9)
    if hessian == "fd":
        assert res.hvp_method == trainer_module.HVP_FD
    if hessian == "exact":
        assert res.hvp_method == trainer_module.HVP_EXACT


def test_exact_hessian_for_hstar_matches_differences():
    """Network h* (LayerNorm, eq. 18): the exact Hessian-vector product and
    central differences polish to the same minimum."""
    setting = Setting(3, 2, 2, 0.02, d=4, mu="zipf")
    exact = train_network(setting, network="h*", hessian="exact", seed=1)
    fd = train_network(setting, network="h*", hessian="fd", seed=1)
    assert exact.converged and fd.converged
    assert exact.hvp_method == trainer_module.HVP_EXACT and fd.hvp_method == trainer_module.HVP_FD
    assert exact.risk == pytest.approx(fd.risk, rel=1e-13)


def test_problem_and_setting_call_forms_agree(direct_engine):
    from fctheory import Problem
    from fctheory.latent import random_latent_set

    s = Setting(3, 2, 3, 0.01, K=6, d=4)
    Z = random_latent_set(3, 3, 6, seed=2)
    opts = MinimizeOptions(lbfgs_maxiter=5, newton_maxiter=0)
    old = train_network(s, latent=Z, seed=1, options=opts)
    new = train_network(Problem(s, Z), seed=1, options=opts)
    np.testing.assert_array_equal(old.W, new.W)
    np.testing.assert_array_equal(new.latent, Z)
    assert train_network(Problem(Setting(3, 2, 2, 0.01, d=4)), seed=0, options=opts).latent is None
    with pytest.raises(InvalidInput, match="latent"):
        train_network(Problem(s, Z), latent=Z)
