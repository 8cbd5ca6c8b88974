"""Collapse measurements on explicitly built configurations with known answers.

The weights come from :mod:`fctheory.risk` (definitions 1-3, randomly rotated
frames); the expected values follow from the definitions alone: word norms r_b,
block norms c, concept cosines -1/(n_c-1), ||W||_F^2 = n_w r^2, ||U||_F^2 = K L c^2.
"""

import numpy as np
import pytest

from fctheory import Setting
from fctheory.errors import InvalidInput
from fctheory.risk import type1_configuration, type2_configuration, type3_configuration
from fctheory.train import measure_collapse


def _setting(n_c, s_c, L, d, K=None):
    return Setting(n_c, s_c, L, "1/100", K=K, d=d)  # lambda does not enter the weights


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_type1_known_answers(rng):
    n_c, s_c, L, d = 3, 2, 3, 5
    W, U = type1_configuration(_setting(n_c, s_c, L, d), 1.7, 0.4, rotation=rng)
    m = measure_collapse(W, U, n_c, s_c, L)
    assert m.collapse_verdict == "type I"
    np.testing.assert_allclose(m.word_norms, 1.7, rtol=1e-13)
    np.testing.assert_allclose(m.u_norm_mean, 0.4, rtol=1e-13)
    assert m.u_norm_spread < 1e-13
    expected = np.full((3, 3), -0.5)
    np.fill_diagonal(expected, 1.0)
    np.testing.assert_allclose(np.array(m.concept_cosines), expected, atol=1e-13)
    assert m.u_alignment == pytest.approx(1.0, abs=1e-13)
    assert m.w_frobenius == pytest.approx(1.7 * np.sqrt(6), rel=1e-13)
    assert m.u_frobenius == pytest.approx(0.4 * np.sqrt(27 * 3), rel=1e-13)


def test_type3_known_answers(rng):
    r = [2.0, 1.0, 0.5]
    W, U = type3_configuration(_setting(4, 3, 2, 6), 0.3, r, rotation=rng)
    m = measure_collapse(W, U, 4, 3, 2)
    assert m.collapse_verdict == "type III"
    np.testing.assert_allclose(m.r_by_rank, r, rtol=1e-13)
    np.testing.assert_allclose(m.word_norms, r * 4, rtol=1e-13)  # column order a*s_c + b
    assert m.r_concept_spread < 1e-13
    assert m.word_norm_spread == pytest.approx((2.0 - 0.5) / np.mean(r), rel=1e-12)


def test_type2_layernorm_features(rng):
    n_c, s_c, L, d = 3, 2, 2, 4
    W, U = type2_configuration(_setting(n_c, s_c, L, d), 0.9, rotation=rng)  # w = f_a, mean-zero frame
    # any positive scale and shift per word leaves phi(w) = sqrt(d) f_a (eq. 18)
    W = W * rng.uniform(0.5, 3.0, size=W.shape[1]) + rng.normal(size=W.shape[1])
    m = measure_collapse(W, U, n_c, s_c, L, network="h*")
    assert m.collapse_verdict == "type II"
    assert m.within_concept_spread < 1e-12 and m.equiangular_error < 1e-12
    # as network h the same raw weights are not collapsed (the shifts break the directions)
    assert measure_collapse(W, U, n_c, s_c, L, network="h").collapse_verdict == "not collapsed"


def test_random_and_trivial(rng):
    W = rng.normal(size=(5, 6))
    U = rng.normal(size=(27, 15))
    assert measure_collapse(W, U, 3, 2, 3).collapse_verdict == "not collapsed"
    assert measure_collapse(0 * W, 0 * U, 3, 2, 3).collapse_verdict == "trivial"


def test_perturbation_is_detected_at_the_tolerance(rng):
    W, U = type1_configuration(_setting(3, 2, 3, 5), 1.0, 1.0, rotation=rng)
    W2 = W.copy()
    W2[:, 0] += 1e-2 * rng.normal(size=5)
    assert measure_collapse(W2, U, 3, 2, 3).collapse_verdict == "not collapsed"
    assert measure_collapse(W2, U, 3, 2, 3, tol=0.5).collapse_verdict != "not collapsed"


def test_latent_subset(rng):
    Z = np.array([[0, 1], [1, 2], [2, 0], [0, 0]])
    W, U = type1_configuration(_setting(3, 2, 2, 4, K=4), 1.0, 2.0, latent=Z, rotation=rng)
    m = measure_collapse(W, U, 3, 2, 2, latent=Z)
    assert m.K == 4 and m.collapse_verdict == "type I"
    # a wrong latent set breaks the alignment of u_{k,l} with its concept
    assert measure_collapse(W, U, 3, 2, 2, latent=Z[::-1]).collapse_verdict == "not collapsed"


@pytest.mark.parametrize("W_shape,U_shape,field", [((5, 7), (27, 15), "W"), ((5, 6), (27, 14), "U"), ((5, 6), (26, 15), "U")])
def test_bad_shapes(W_shape, U_shape, field):
    with pytest.raises(InvalidInput) as err:
        measure_collapse(np.ones(W_shape), np.ones(U_shape), 3, 2, 3)
    assert err.value.field == field


def test_bad_network_and_nan():
    with pytest.raises(InvalidInput):
        measure_collapse(np.ones((5, 6)), np.ones((27, 15)), 3, 2, 3, network="relu")
    W = np.ones((5, 6))
    W[0, 0] = np.nan
    with pytest.raises(InvalidInput):
        measure_collapse(W, np.ones((27, 15)), 3, 2, 3)


def test_hstar_constant_column_is_an_error(rng):
    W, U = type1_configuration(_setting(3, 2, 2, 4), 1.0, 1.0, rotation=rng)
    W[:, 1] = 3.0  # LayerNorm of a constant vector is undefined (sigma = 0, eq. 18)
    with pytest.raises(InvalidInput) as err:
        measure_collapse(W, U, 3, 2, 2, network="h*")
    assert err.value.field == "W"


@pytest.mark.parametrize("sizes, field", [((3, 2, 10**10), "L"), ((3, 2, 10**4 + 1), "L"), ((10**7, 2, 2), "n_c"),
                                          ((3, 10**8, 2), "s_c"), ((3.0, 2, 3), "n_c"), ((3, 2, True), "L")])
def test_sizes_are_bounded_before_the_full_set_is_built(sizes, field):
    """measure --L 10000000000 computed 3**(10**10) (a hang): the Setting's limits apply first."""
    with pytest.raises(InvalidInput, match=field):
        measure_collapse(np.ones((3, 6)), np.ones((27, 9)), *sizes)


def test_a_full_set_beyond_the_latent_limit_is_refused():
    from fctheory.errors import ProblemTooLarge

    with pytest.raises(ProblemTooLarge, match="full latent set"):
        measure_collapse(np.ones((3, 6)), np.ones((27, 9)), 3, 2, 15)


def test_a_problem_gives_the_sizes_and_the_latent_set(rng):
    from fctheory import Problem

    problem = Problem(Setting(3, 2, 3, "1/100", d=3))
    W, U = type1_configuration(problem, 0.7, 0.4, rotation=1)
    from_problem = measure_collapse(W, U, problem)
    from_sizes = measure_collapse(W, U, 3, 2, 3, latent=problem.latent)
    assert from_problem.to_dict() == from_sizes.to_dict()
    with pytest.raises(InvalidInput, match="None when a Problem is given"):
        measure_collapse(W, U, problem, 2)


def test_complex_weights_and_bad_tolerances_are_refused():
    W, U = np.ones((3, 6)), np.ones((27, 9))
    with pytest.raises(InvalidInput, match="W must be a real array"):
        measure_collapse(W * 1j, U, 3, 2, 3)
    for tol in (0, 1, float("nan"), -1e-6):
        with pytest.raises(InvalidInput, match="tol"):
            measure_collapse(W, U, 3, 2, 3, tol=tol)


@pytest.mark.parametrize("field, value", [("lbfgs_chunk", 0), ("lbfgs_memory", 0), ("gtol", 0.0), ("gtol", "1e-12"),
                                          ("cg_rtol", float("nan")), ("newton_maxiter", -1), ("max_halvings", 1.0)])
def test_minimize_options_are_checked(field, value):
    """lbfgs_chunk = 0 made the L-BFGS phase endless."""
    from fctheory.train import MinimizeOptions

    with pytest.raises(InvalidInput, match=field):
        MinimizeOptions(**{field: value})
