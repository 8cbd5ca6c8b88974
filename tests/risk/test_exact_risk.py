"""The exact risk engine against brute-force enumeration and finite differences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from fctheory import InvalidInput, InvalidLatentSet, Setting
from fctheory.latent import full_latent_set
from fctheory.risk import exact_risk, exact_risk_and_grad
from fctheory.risk import _contraction

from .conftest import brute_force_risk

#: float64 agreement of the engine with brute force, relative to the risk value.
VALUE_RTOL = 1e-13
#: Central differences with step 1e-6: truncation ~1e-12 * |f'''| plus
#: rounding ~1e-16 * |f| / 1e-6; compared in absolute terms to the gradient.
FD_STEP = 1e-6
FD_ATOL = 2e-8

CASES = [
    # (n_c, s_c, L, d, mu, K) -- K None = full set
    (2, 2, 3, 2, "zipf", None),
    (3, 2, 2, 3, "uniform", None),
    (3, 3, 2, 2, "zipf", 5),
    (2, 3, 1, 2, "zipf", None),
    (3, 2, 3, 4, "0.5,0.5", 10),
    (4, 2, 2, 3, "zipf:2", 13),
]


def _random_latent(n_c, L, K, rng):
    full = full_latent_set(n_c, L)
    return full[np.sort(rng.choice(len(full), K, replace=False))][rng.permutation(K)]


def _instance(case, rng, scale=0.7):
    n_c, s_c, L, d, mu, K = case
    setting = Setting(n_c, s_c, L, "1/50", K=K, d=d, mu=mu)
    latent = None if K is None else _random_latent(n_c, L, K, rng)
    W = scale * rng.standard_normal((d, setting.n_w))
    U = scale * rng.standard_normal((setting.K, L * d))
    return setting, latent, W, U


@pytest.mark.parametrize("network", ["h", "h*"])
@pytest.mark.parametrize("case", CASES)
def test_value_matches_brute_force(case, network, rng):
    setting, latent, W, U = _instance(case, rng)
    value = exact_risk(setting, W, U, network=network, latent=latent)
    ref = brute_force_risk(setting, W, U, latent, network)
    assert value == pytest.approx(ref, rel=VALUE_RTOL)
    v2, dW, dU = exact_risk_and_grad(setting, W, U, network=network, latent=latent)
    assert v2 == value
    assert dW.shape == W.shape and dU.shape == U.shape


@pytest.mark.parametrize("network", ["h", "h*"])
@pytest.mark.parametrize("case", CASES[:4])
def test_gradient_matches_finite_differences(case, network, rng):
    setting, latent, W, U = _instance(case, rng)
    _, dW, dU = exact_risk_and_grad(setting, W, U, network=network, latent=latent)
    for M, D in ((W, dW), (U, dU)):
        for _ in range(6):
            idx = tuple(int(rng.integers(0, n)) for n in M.shape)
            old = M[idx]
            M[idx] = old + FD_STEP
            fp = exact_risk(setting, W, U, network=network, latent=latent)
            M[idx] = old - FD_STEP
            fm = exact_risk(setting, W, U, network=network, latent=latent)
            M[idx] = old
            assert (fp - fm) / (2 * FD_STEP) == pytest.approx(D[idx], abs=FD_ATOL)


def test_directional_derivative_full_gradient(rng):
    """All components at once: <grad, V> against a central difference along V."""
    setting, latent, W, U = _instance((3, 2, 3, 3, "zipf", None), rng)
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    for network in ("h", "h*"):
        _, dW, dU = exact_risk_and_grad(setting, W, U, network=network)
        fp = exact_risk(setting, W + FD_STEP * VW, U + FD_STEP * VU, network=network)
        fm = exact_risk(setting, W - FD_STEP * VW, U - FD_STEP * VU, network=network)
        assert (fp - fm) / (2 * FD_STEP) == pytest.approx(np.sum(dW * VW) + np.sum(dU * VU), rel=1e-7)


@pytest.mark.parametrize("max_elements", [50, 700, 10**9])
def test_chunking_does_not_change_the_result(max_elements, rng):
    setting, latent, W, U = _instance((3, 2, 3, 2, "zipf", None), rng)
    K, L, d = setting.K, setting.L, 2
    Ub = U.reshape(K, L, d)
    A = np.stack([W.T @ Ub[:, l, :].T for l in range(L)])
    lat = full_latent_set(3, 3)
    mu = setting.mu.as_array()
    v0, g0 = _contraction.data_term(A, lat, mu, 3, 2)  # full set: prefix/suffix split
    v1, g1 = _contraction.data_term(A, lat, mu, 3, 2, max_elements=max_elements, force_trie=True)
    assert v1 == pytest.approx(v0, rel=1e-14)
    np.testing.assert_allclose(g1, g0, rtol=0, atol=1e-15 * np.abs(g0).max())


@pytest.mark.parametrize("chunk", [1, 40, 2**22])
def test_full_set_split_chunking(chunk, rng, monkeypatch):
    """The split path over prefix blocks of any size gives the same numbers."""
    from fctheory.risk import _full

    setting, _, W, U = _instance((2, 3, 4, 2, "zipf", None), rng)
    ref = brute_force_risk(setting, W, U)
    v0, dW0, dU0 = exact_risk_and_grad(setting, W, U)
    monkeypatch.setattr(_full, "CHUNK_ELEMENTS", chunk)
    v1, dW1, dU1 = exact_risk_and_grad(setting, W, U)
    assert v0 == pytest.approx(ref, rel=VALUE_RTOL) and v1 == pytest.approx(v0, rel=1e-14)
    np.testing.assert_allclose(dW1, dW0, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(dU1, dU0, rtol=1e-13, atol=1e-16)


def test_full_set_in_any_class_order(rng):
    """A permuted full latent set is the same problem with U's rows permuted."""
    setting, _, W, U = _instance((3, 2, 3, 2, "uniform", None), rng)
    perm = rng.permutation(setting.K)
    latent = full_latent_set(3, 3)[perm]
    v, dW, dU = exact_risk_and_grad(setting, W, U[perm], latent=latent)
    v0, dW0, dU0 = exact_risk_and_grad(setting, W, U)
    assert v == pytest.approx(v0, rel=1e-14)
    np.testing.assert_allclose(dU, dU0[perm], rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(dW, dW0, rtol=1e-12, atol=1e-16)


def test_dense_and_sparse_last_position_agree(rng):
    """A nearly-full latent set (dense last position of the trie) and a sparse
    one (one concept at a time), in shuffled class order, against brute force:
    through exact_risk (blocked split) and through the trie itself."""
    n_c, L = 3, 3
    full = full_latent_set(n_c, L)
    for K in (25, 6):  # 25/27 present -> dense path; 6 -> one concept at a time
        setting = Setting(n_c, 2, L, 0.02, K=K, d=2, mu="zipf")
        latent = full[rng.choice(len(full), K, replace=False)]
        W = rng.standard_normal((2, setting.n_w))
        U = rng.standard_normal((K, 2 * L))
        ref = brute_force_risk(setting, W, U, latent)
        assert exact_risk(setting, W, U, latent=latent) == pytest.approx(ref, rel=VALUE_RTOL)
        Ub = U.reshape(K, L, 2)
        A = np.stack([W.T @ Ub[:, l, :].T for l in range(L)])
        data, _ = _contraction.data_term(A, latent, setting.mu.as_array(), n_c, 2, grad=False, force_trie=True)
        reg = 0.5 * 0.02 * (np.sum(W * W) + np.sum(U * U))  # eq. (5), lam = 0.02
        assert data + reg == pytest.approx(ref, rel=VALUE_RTOL)


@pytest.mark.parametrize("K", [None, 20, 6])  # full set (split), nearly full and sparse subsets (blocked split)
@pytest.mark.parametrize("scale", [12.0, 40.0])
def test_extreme_points_stay_finite_and_exact(scale, K, rng):
    """Large weights make most scaled probabilities underflow: the engine must
    fall back to per-sentence log-sum-exp without inf/nan or warnings."""
    setting, latent, W, U = _instance((3, 2, 3, 3, "zipf", K), rng, scale=scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, dW, dU = exact_risk_and_grad(setting, W, U, latent=latent)
    assert np.isfinite(value) and np.all(np.isfinite(dW)) and np.all(np.isfinite(dU))
    assert value == pytest.approx(brute_force_risk(setting, W, U, latent), rel=1e-13)
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    h = 1e-7
    fp = exact_risk(setting, W + h * VW, U + h * VU, latent=latent)
    fm = exact_risk(setting, W - h * VW, U - h * VU, latent=latent)
    assert (fp - fm) / (2 * h) == pytest.approx(np.sum(dW * VW) + np.sum(dU * VU), rel=1e-5)


def test_near_collapse_keeps_relative_accuracy():
    """Close to collapse the data term is tiny next to the logits; written as
    a sum of non-negative terms it keeps full relative accuracy.

    Type-I configuration with large t on the full set: by lemma K the data
    term is L*log(1 + (n_c - 1) e^{-eta t}), evaluated here with log1p."""
    from fctheory.risk import type1_configuration

    setting = Setting(2, 2, 3, "1e-12", d=1)
    t = 120.0
    n_w, K, L, n_c = setting.n_w, setting.K, setting.L, setting.n_c
    cfg = type1_configuration(setting, np.sqrt(t / n_w), np.sqrt(t / (K * L)))
    eta = (n_c / (n_c - 1)) / np.sqrt(n_w * K * L)
    expected_data = L * np.log1p((n_c - 1) * np.exp(-eta * t))
    value = exact_risk(setting, cfg.W, cfg.U) - 1e-12 * t  # regularization lam t
    assert value == pytest.approx(expected_data, rel=1e-12)


def test_bad_inputs_raise_fctheory_errors(rng):
    s = Setting(2, 2, 2, 0.1, d=2)
    W = rng.standard_normal((2, 4))
    U = rng.standard_normal((4, 4))
    with pytest.raises(InvalidInput, match="W"):
        exact_risk(s, W[:, :3], U)
    with pytest.raises(InvalidInput, match="d = setting.d"):
        exact_risk(s, rng.standard_normal((3, 4)), rng.standard_normal((4, 6)))
    with pytest.raises(InvalidInput, match="U"):
        exact_risk(s, W, U[:, :3])
    with pytest.raises(InvalidInput, match="network"):
        exact_risk(s, W, U, network="relu")
    bad = W.copy()
    bad[0, 0] = np.nan
    with pytest.raises(InvalidInput, match="finite"):
        exact_risk(s, bad, U)
    with pytest.raises(InvalidInput, match="LayerNorm"):
        exact_risk(s, np.ones((2, 4)), U, network="h*")
    partial = Setting(2, 2, 2, 0.1, K=3)
    with pytest.raises(InvalidInput, match="latent"):
        exact_risk(partial, W, U[:3])
    with pytest.raises(InvalidLatentSet):
        exact_risk(partial, W, U[:3], latent=[[0, 0], [0, 0], [1, 1]])
    with pytest.raises(InvalidInput, match="rows"):
        exact_risk(partial, W, U[:3], latent=[[0, 0], [0, 1]])
    with pytest.raises(InvalidInput, match="setting"):
        exact_risk("setting", W, U)


def test_too_large_settings_are_refused():
    from fctheory import ProblemTooLarge

    paper = Setting.paper()
    with pytest.raises(ProblemTooLarge, match="enumeration"):
        exact_risk(paper, np.zeros((100, 1200)), np.zeros((1000, 1500)))


def test_d_taken_from_W_when_setting_has_none(rng):
    s = Setting(2, 2, 2, 0.1)
    for d in (1, 3):
        W = rng.standard_normal((d, 4))
        U = rng.standard_normal((4, 2 * d))
        assert exact_risk(s, W, U) == pytest.approx(brute_force_risk(s, W, U), rel=VALUE_RTOL)


@pytest.mark.parametrize("K", [None, 20, 6])
def test_stress_random_extreme_points(K):
    """Many random points with weights from moderate to huge (underflowing
    rows, fallback, mixed): value matches brute force, gradient and Hessian-vector
    product stay finite, and no floating-point warning is raised."""
    from fctheory.risk import exact_risk_hvp

    rng = np.random.default_rng(99)
    for scale in (3.0, 15.0, 60.0, 300.0):
        for _ in range(3):
            setting, latent, W, U = _instance((3, 2, 3, 2, "zipf", K), rng, scale=scale)
            W *= rng.uniform(0.1, 1.0, size=W.shape)  # uneven magnitudes
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                value, dW, dU = exact_risk_and_grad(setting, W, U, latent=latent)
                HW, HU = exact_risk_hvp(setting, W, U, dW, dU, latent=latent)
            assert value == pytest.approx(brute_force_risk(setting, W, U, latent), rel=1e-12)
            assert all(np.all(np.isfinite(x)) for x in (dW, dU, HW, HU))


@pytest.mark.parametrize("K", [6, 25])  # one concept at a time / nearly full (dense) at the last position
@pytest.mark.parametrize("scale", [0.7, 30.0])
def test_trie_and_split_paths_agree_on_latent_subsets(K, scale, rng):
    """The two contractions for latent sets other than the full set (the
    blocked prefix/suffix split used by default, the trie kept as a second
    implementation) give the same value and gradient, also at extreme points."""
    n_c, s_c, L = 3, 2, 3
    latent = full_latent_set(n_c, L)[rng.choice(n_c**L, K, replace=False)]
    A = scale * rng.standard_normal((L, n_c * s_c, K))
    mu = np.array([2 / 3, 1 / 3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v0, g0 = _contraction.data_term(A, latent, mu, n_c, s_c)
        v1, g1 = _contraction.data_term(A, latent, mu, n_c, s_c, force_trie=True)
    assert v1 == pytest.approx(v0, rel=1e-13)
    np.testing.assert_allclose(g1, g0, rtol=0, atol=1e-14 * np.abs(g0).max())


@pytest.mark.parametrize("h", [1, 2, 3])
def test_split_point_does_not_matter(h, rng):
    from fctheory.risk._contraction import BAD_ROWMAX, FALLBACK_TERM
    from fctheory.risk._split import split_data_term

    n_c, s_c, L, K = 2, 3, 4, 7
    latent = full_latent_set(n_c, L)[rng.choice(n_c**L, K, replace=False)]
    A = rng.standard_normal((L, n_c * s_c, K))
    mu = np.array([0.5, 0.3, 0.2])
    ref, gref = _contraction.data_term(A, latent, mu, n_c, s_c, force_trie=True)
    total, dA, fb = split_data_term(A, latent, mu, n_c, s_c, grad=True, fallback_term=FALLBACK_TERM,
                                    bad_rowmax=BAD_ROWMAX, h=h)
    assert not fb
    assert total / K == pytest.approx(ref, rel=1e-13)
    np.testing.assert_allclose(dA / K, gref, rtol=0, atol=1e-14 * np.abs(gref).max())


def test_problem_call_form_matches_setting_and_latent():
    from fctheory import Problem, exact_risk_hvp
    from fctheory.latent import random_latent_set

    s = Setting(3, 2, 3, "1/50", K=7, d=3, mu="zipf")
    Z = random_latent_set(3, 3, 7, seed=1)
    p = Problem(s, Z)
    rng = np.random.default_rng(0)
    W, U = rng.normal(size=(3, 6)), rng.normal(size=(7, 9))
    VW, VU = rng.normal(size=W.shape), rng.normal(size=U.shape)
    assert exact_risk(p, W, U) == exact_risk(s, W, U, latent=Z)
    for a, b in zip(exact_risk_and_grad(p, W, U, network="h*"), exact_risk_and_grad(s, W, U, network="h*", latent=Z)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(exact_risk_hvp(p, W, U, VW, VU), exact_risk_hvp(s, W, U, VW, VU, latent=Z)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(InvalidInput, match="latent"):
        exact_risk(p, W, U, latent=Z)  # a problem holds its latent set
    with pytest.raises(InvalidInput, match="setting"):
        exact_risk("3,2,3", W, U)


def test_risk_inputs_are_built_from_the_problem():
    from fctheory import Problem
    from fctheory.risk._inputs import RiskInputs, prepare

    p = Problem(Setting(2, 2, 2, "1/10", d=2))
    inputs = prepare(p, np.ones((2, 4)), np.ones((4, 4)), "h")
    assert isinstance(inputs, RiskInputs) and inputs.problem is p and inputs.latent is p.latent


@pytest.mark.parametrize("network", ["h", "h*"])
def test_complex_weights_are_refused_not_truncated(network, rng):
    """numpy would drop the imaginary part with only a ComplexWarning: the risk of W + 1j W is not R(W)."""
    from fctheory import Problem
    from fctheory.risk import exact_risk_hvp, score_table_risk

    p = Problem(Setting(2, 2, 2, 0.1, d=2))
    W, U = rng.standard_normal((2, 4)), rng.standard_normal((4, 4))
    for call in (exact_risk, exact_risk_and_grad):
        with pytest.raises(InvalidInput, match="W must be a real array"):
            call(p, W + 1j * W, U, network=network)
        with pytest.raises(InvalidInput, match="U must be a real array"):
            call(p, W, U.astype(complex), network=network)
    with pytest.raises(InvalidInput, match="VW must be a real array"):
        exact_risk_hvp(p, W, U, W * 1j, U, network=network)
    with pytest.raises(InvalidInput, match="A must be a real array"):
        score_table_risk(p, np.zeros((2, 4, 4), dtype=complex))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way to the refusal
        with pytest.raises(InvalidInput):
            exact_risk(p, W.astype(complex), U)
