"""Property test: random small settings, latent sets, word laws and weights,
engine against the brute-force enumeration of conftest (value) and a central
difference (gradient, one random direction)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from fctheory import Setting
from fctheory.latent import full_latent_set
from fctheory.risk import exact_risk, exact_risk_and_grad

from .conftest import brute_force_risk


@st.composite
def problems(draw):
    n_c = draw(st.integers(2, 3))
    s_c = draw(st.integers(1, 3))
    L = draw(st.integers(1, 3))
    d = draw(st.integers(max(1, n_c - 1), 4))
    full = n_c**L
    K = draw(st.one_of(st.none(), st.integers(2, full)))
    mu = draw(st.sampled_from(["uniform", "zipf", "zipf:2"]))
    network = draw(st.sampled_from(["h", "h*"]))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([0.1, 1.0, 4.0, 25.0]))
    if network == "h*" and d < 2:
        d = 2
    rng = np.random.default_rng(seed)
    setting = Setting(n_c, s_c, L, "1/30", K=K, d=d, mu=mu)
    latent = None
    if K is not None:
        latent = full_latent_set(n_c, L)[rng.choice(full, K, replace=False)]
    W = scale * rng.standard_normal((d, setting.n_w))
    U = scale * rng.standard_normal((setting.K, L * d))
    return setting, latent, W, U, network, rng


@settings(max_examples=40, deadline=None)
@given(problems())
def test_engine_matches_brute_force(problem):
    setting, latent, W, U, network, rng = problem
    value, dW, dU = exact_risk_and_grad(setting, W, U, network=network, latent=latent)
    assert value == pytest.approx(brute_force_risk(setting, W, U, latent, network), rel=1e-12)
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    h = 1e-6
    fp = exact_risk(setting, W + h * VW, U + h * VU, network=network, latent=latent)
    fm = exact_risk(setting, W - h * VW, U - h * VU, network=network, latent=latent)
    slope = np.sum(dW * VW) + np.sum(dU * VU)
    # central difference error ~h^2 |f'''| + 1e-16 |f| / h, relative to the value's scale
    assert (fp - fm) / (2 * h) == pytest.approx(slope, rel=1e-5, abs=1e-6 * max(1.0, abs(value)))


@settings(max_examples=30, deadline=None)
@given(problems())
def test_hvp_contraction_matches_enumeration(problem):
    """Hessian-vector products by the split contractions against enumeration."""
    from fctheory.risk import exact_risk_hvp

    setting, latent, W, U, network, rng = problem
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    fast = exact_risk_hvp(setting, W, U, VW, VU, network=network, latent=latent)
    slow = exact_risk_hvp(setting, W, U, VW, VU, network=network, latent=latent, enumerate_sentences=True)
    ref = np.sqrt(np.sum(slow[0] ** 2) + np.sum(slow[1] ** 2))
    err = np.sqrt(np.sum((fast[0] - slow[0]) ** 2) + np.sum((fast[1] - slow[1]) ** 2))
    # Both paths share the LayerNorm pull-back, which amplifies their (different)
    # rounding of the score-table products by up to (||w|| / sigma(w))^2 for a
    # column w (the conditioning of the second derivative of LayerNorm, eq. 18);
    # with d = 2 every column is mapped to +-(1, -1) and that Jacobian is exactly 0.
    cond = 1.0
    if network == "h*":
        centred = W - W.mean(axis=0)
        sigma = np.sqrt(np.mean(centred**2, axis=0))
        cond = float(np.max(np.sum(W**2, axis=0) / sigma**2))
    assert err <= 1e-11 * ref + 1e-14 * cond * ref + 1e-300


def test_regression_subnormal_factors_are_not_rescaled():
    """A case found by the property test: with weights of size ~25 some per-word
    factors are subnormal; rescaling table rows to maximum 1 once amplified them
    and gave 1089.9955 instead of 1090.3101 (reference: the 50-digit mpmath
    enumeration of the same sentences below, and the brute force of conftest)."""
    import itertools

    import mpmath

    setting = Setting(2, 3, 3, "1/30", K=5, d=1)
    latent = np.array([[1, 1, 1], [0, 1, 0], [1, 0, 1], [0, 0, 1], [1, 0, 0]])
    W = np.array([[-25.25240244, -21.0956438, -12.25331711, 33.94506108, -13.75900213, -0.67400952]])
    U = np.array([
        [8.25914945, -15.60578781, 3.62666742],
        [-0.94911287, 6.82305443, -29.77925738],
        [6.77764197, -22.98193568, 38.4473446],
        [53.13849392, -2.99984067, 28.40103667],
        [-10.42431164, 25.09709777, 2.6439052],
    ])
    with mpmath.workdps(50):  # eq. (5) sentence by sentence, logits from the decimal weights
        data = mpmath.mpf(0)
        for k in range(5):
            for b in itertools.product(range(3), repeat=3):
                words = [latent[k, l] * 3 + b[l] for l in range(3)]
                logits = [mpmath.fsum(mpmath.mpf(U[j, l]) * mpmath.mpf(W[0, words[l]]) for l in range(3)) for j in range(5)]
                q = mpmath.fprod(mpmath.mpf(1) / 3 for _ in range(3))  # uniform words
                data += q * (mpmath.log(mpmath.fsum(mpmath.exp(h) for h in logits)) - logits[k])
        reference = float(data / 5 + mpmath.mpf(1) / 60 * mpmath.fsum(mpmath.mpf(x) ** 2 for x in list(W.ravel()) + list(U.ravel())))
    assert reference == pytest.approx(1090.31007441089, rel=1e-13)
    value = exact_risk(setting, W, U, latent=latent)
    assert value == pytest.approx(reference, rel=1e-13)
    assert value == pytest.approx(brute_force_risk(setting, W, U, latent, "h"), rel=1e-12)
