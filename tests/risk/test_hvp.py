"""The exact Hessian-vector product against finite differences of the gradient."""

from __future__ import annotations

import numpy as np
import pytest

from fctheory import InvalidInput, Setting
from fctheory.latent import full_latent_set
from fctheory.risk import exact_risk_and_grad, exact_risk_hvp

#: Central differences of the analytic gradient, step 1e-5: truncation error
#: ~1e-10 * |third derivative|; compared relative to the norm of the product.
FD_STEP = 1e-5
FD_RTOL = 1e-7


def _fd_hvp(setting, W, U, VW, VU, latent=None, network="h"):
    _, gWp, gUp = exact_risk_and_grad(setting, W + FD_STEP * VW, U + FD_STEP * VU, latent=latent, network=network)
    _, gWm, gUm = exact_risk_and_grad(setting, W - FD_STEP * VW, U - FD_STEP * VU, latent=latent, network=network)
    return (gWp - gWm) / (2 * FD_STEP), (gUp - gUm) / (2 * FD_STEP)


@pytest.mark.parametrize("network", ["h", "h*"])
@pytest.mark.parametrize("case", [(2, 2, 3, 2, "zipf", None), (3, 2, 2, 3, "uniform", None), (3, 3, 2, 2, "zipf", 5)])
def test_hvp_matches_finite_differences(case, network, rng):
    n_c, s_c, L, d, mu, K = case
    setting = Setting(n_c, s_c, L, 0.03, K=K, d=d, mu=mu)
    latent = None
    if K is not None:
        full = full_latent_set(n_c, L)
        latent = full[rng.choice(len(full), K, replace=False)]
    W = 0.8 * rng.standard_normal((d, setting.n_w))
    U = 0.8 * rng.standard_normal((setting.K, L * d))
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    HW, HU = exact_risk_hvp(setting, W, U, VW, VU, latent=latent, network=network)
    fW, fU = _fd_hvp(setting, W, U, VW, VU, latent, network)
    scale = np.sqrt(np.sum(fW**2) + np.sum(fU**2))
    assert np.sqrt(np.sum((HW - fW) ** 2) + np.sum((HU - fU) ** 2)) <= FD_RTOL * scale


def test_hvp_is_symmetric(rng):
    """<V1, H V2> = <V2, H V1> to rounding (the Hessian is symmetric)."""
    setting = Setting(2, 2, 2, 0.05, d=2, mu="zipf")
    W = rng.standard_normal((2, 4))
    U = rng.standard_normal((4, 4))
    V1 = (rng.standard_normal(W.shape), rng.standard_normal(U.shape))
    V2 = (rng.standard_normal(W.shape), rng.standard_normal(U.shape))
    H1 = exact_risk_hvp(setting, W, U, *V1)
    H2 = exact_risk_hvp(setting, W, U, *V2)
    a = np.sum(V2[0] * H1[0]) + np.sum(V2[1] * H1[1])
    b = np.sum(V1[0] * H2[0]) + np.sum(V1[1] * H2[1])
    assert a == pytest.approx(b, rel=1e-12)


def test_hvp_rejects_bad_input(rng):
    setting = Setting(2, 2, 2, 0.05, d=2)
    W = rng.standard_normal((2, 4))
    U = rng.standard_normal((4, 4))
    with pytest.raises(InvalidInput, match="network"):
        exact_risk_hvp(setting, W, U, W, U, network="relu")
    with pytest.raises(InvalidInput, match="VW"):
        exact_risk_hvp(setting, W, U, W[:, :2], U)
    with pytest.raises(InvalidInput, match="VU"):
        exact_risk_hvp(setting, W, U, W, U[:2])


@pytest.mark.parametrize("scale", [1.0, 15.0])
def test_full_set_contraction_matches_enumeration(scale, rng):
    """The forward-mode contraction (full set) against sentence-by-sentence
    enumeration, in a permuted class order and at an extreme point (where
    scaled partition sums underflow and the exact per-sentence path is used)."""
    setting = Setting(3, 2, 3, 0.03, d=2, mu="zipf")
    perm = rng.permutation(setting.K)
    latent = full_latent_set(3, 3)[perm]
    W = scale * rng.standard_normal((2, setting.n_w))
    U = scale * rng.standard_normal((setting.K, 6))
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    fast = exact_risk_hvp(setting, W, U, VW, VU, latent=latent)
    slow = exact_risk_hvp(setting, W, U, VW, VU, latent=latent, enumerate_sentences=True)
    scale_ref = np.sqrt(np.sum(slow[0] ** 2) + np.sum(slow[1] ** 2))
    err = np.sqrt(np.sum((fast[0] - slow[0]) ** 2) + np.sum((fast[1] - slow[1]) ** 2))
    assert err <= 1e-13 * scale_ref


@pytest.mark.parametrize("network", ["h", "h*"])
@pytest.mark.parametrize("scale", [1.0, 20.0])
def test_latent_subset_contraction_matches_enumeration(network, scale, rng):
    """The forward-mode blocked split (latent sets other than the full set)
    against sentence-by-sentence enumeration, including an extreme point."""
    setting = Setting(3, 2, 4, 0.03, K=14, d=3, mu="zipf")
    latent = full_latent_set(3, 4)[rng.choice(81, 14, replace=False)]
    W = scale * rng.standard_normal((3, setting.n_w))
    U = scale * rng.standard_normal((14, 12))
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    fast = exact_risk_hvp(setting, W, U, VW, VU, latent=latent, network=network)
    slow = exact_risk_hvp(setting, W, U, VW, VU, latent=latent, network=network, enumerate_sentences=True)
    scale_ref = np.sqrt(np.sum(slow[0] ** 2) + np.sum(slow[1] ** 2))
    err = np.sqrt(np.sum((fast[0] - slow[0]) ** 2) + np.sum((fast[1] - slow[1]) ** 2))
    assert err <= 1e-12 * scale_ref
