"""The one LayerNorm module: phi_eps (the paper code's LayerNorm) against layer_norm at eps = 0, torch's formula, its VJP; the re-exports."""

import numpy as np
import pytest

from fctheory.configurations import check_eps, layer_norm_eps, layer_norm_eps_vjp
from fctheory.errors import InvalidInput
from fctheory.risk import layer_norm


def test_eps_zero_is_theory_phi_and_eps_matches_the_formula():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((6, 9))
    Y0, s0 = layer_norm_eps(W, 0.0)
    Yt, st = layer_norm(W)
    assert np.array_equal(Y0, Yt) and np.array_equal(s0.ravel(), st)
    Yr, sr = layer_norm_eps(W.T, 0.0, axis=1)
    assert np.array_equal(Yr, Yt.T) and sr.shape == (9, 1)
    eps = 1e-5
    Y, s = layer_norm_eps(1e-3 * W, eps)
    c = 1e-3 * (W - W.mean(0))
    assert np.allclose(Y, c / np.sqrt((c**2).mean(0) + eps), rtol=1e-12, atol=0)
    # with eps, ||phi||^2 = d sigma^2 / (sigma^2 + eps): far from d at the paper's init scale
    sig2 = (c**2).mean(0)
    assert np.allclose((Y**2).sum(0), 6 * sig2 / (sig2 + eps), rtol=1e-13)


@pytest.mark.parametrize("eps", [0.0, 1e-5])
def test_vjp_matches_finite_differences(eps):
    rng = np.random.default_rng(1)
    W, G, V = (rng.standard_normal((5, 4)) * 0.01 for _ in range(3))
    Y, s = layer_norm_eps(W, eps)
    h = 1e-9
    fd = (np.sum(G * layer_norm_eps(W + h * V, eps)[0]) - np.sum(G * layer_norm_eps(W - h * V, eps)[0])) / (2 * h)
    assert np.sum(layer_norm_eps_vjp(Y, s, G) * V) == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("bad", [-1e-3, float("inf"), "x", True])
def test_bad_eps(bad):
    with pytest.raises(InvalidInput) as err:
        check_eps(bad)
    assert err.value.field == "eps"


def test_one_layernorm_module_re_exported():
    """risk, empirical and train re-export the functions of fctheory.configurations (no copies)."""
    from fctheory import configurations, empirical, risk, train

    assert risk.layer_norm is configurations.layer_norm
    assert empirical.layer_norm_eps is configurations.layer_norm_eps
    assert empirical.require_eps is empirical.check_eps is configurations.require_eps
    assert train.layer_norm_columns is configurations.layer_norm_columns
