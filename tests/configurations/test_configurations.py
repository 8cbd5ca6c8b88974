"""The collapse configurations of definitions 1-3: frames, weights, their Gram matrices and D = W^T U."""

from __future__ import annotations

import numpy as np
import pytest

from fctheory import InvalidInput, LatentSource, Problem, Setting
from fctheory.configurations import (
    Configuration,
    equiangular_frame,
    equiangular_gram,
    type1_configuration,
    type1_D,
    type1_grams,
    type2_configuration,
    type2_grams,
    type3_configuration,
    type3_D,
    type3_grams,
)


def _layer_norm(W):
    """phi of eq. 18 column by column (population variance, no epsilon), written out here."""
    centred = W - W.mean(axis=0, keepdims=True)
    return centred / np.sqrt((centred * centred).mean(axis=0, keepdims=True))


def _blocks(U, d):
    """(d, K L): column k*L + l is u_{k,l}."""
    return U.reshape(-1, d).T


def _D(W, U):
    """D = W^T [U_1 ... U_K], D[w, k L + l] = <w_w, u_{k,l}> (appendix G), by an explicit loop."""
    d = W.shape[0]
    K, L = U.shape[0], U.shape[1] // d
    D = np.empty((W.shape[1], K * L))
    for k in range(K):
        for l in range(L):
            D[:, k * L + l] = W.T @ U[k, l * d:(l + 1) * d]
    return D


def _independent_E(n_c, rows, cols):
    """<f_a, f_e> = (n_c 1{a = e} - 1)/(n_c - 1) for the concepts in rows x cols."""
    same = np.asarray(rows)[:, None] == np.asarray(cols)[None, :]
    return (n_c * same - 1.0) / (n_c - 1)


@pytest.mark.parametrize("n_c, d, mean_zero", [(2, 1, False), (3, 2, False), (4, 7, False), (3, 3, True), (5, 9, True)])
@pytest.mark.parametrize("rng", [None, 3])
def test_frame_gram_is_equiangular(n_c, d, mean_zero, rng):
    F = equiangular_frame(n_c, d, mean_zero=mean_zero, rng=rng)
    assert F.shape == (d, n_c)
    np.testing.assert_allclose(F.T @ F, equiangular_gram(n_c), atol=1e-14)
    np.testing.assert_allclose(F.sum(axis=1), 0.0, atol=1e-14)
    if mean_zero:
        np.testing.assert_allclose(F.sum(axis=0), 0.0, atol=1e-14)  # <f_a, 1_d> = 0


def test_equiangular_gram_values():
    E = equiangular_gram(4)
    np.testing.assert_array_equal(E, _independent_E(4, range(4), range(4)))
    assert E[0, 0] == 1.0 and E[0, 1] == -1.0 / 3


@pytest.mark.parametrize("n_c, d", [(3, 1), (1, 3)])
def test_frame_refuses_too_small_dimensions(n_c, d):
    with pytest.raises(InvalidInput, match="n_c" if n_c < 2 else "d"):
        equiangular_frame(n_c, d)
    with pytest.raises(InvalidInput, match="d"):
        equiangular_frame(3, 2, mean_zero=True)


SETTINGS = [Setting(3, 2, 2, "1/100", d=4), Setting(2, 3, 3, "1/100", d=2), Setting(4, 2, 2, "1/100", d=5)]


@pytest.mark.parametrize("setting", SETTINGS, ids=repr)
def test_type1_grams_and_D(setting):
    cfg = type1_configuration(setting, 1.3, 0.7, rotation=5)
    W, U = cfg
    blocks = _blocks(U, setting.d)
    grams = type1_grams(Problem(setting), 1.3, 0.7)
    concepts = np.repeat(np.arange(setting.n_c), setting.s_c)
    z = cfg.latent.ravel()
    np.testing.assert_allclose(grams.words(), 1.3**2 * _independent_E(setting.n_c, concepts, concepts), rtol=1e-15)
    np.testing.assert_allclose(W.T @ W, grams.words(), atol=1e-13)
    np.testing.assert_allclose(blocks.T @ blocks, grams.blocks(), atol=1e-13)
    np.testing.assert_allclose(W.T @ blocks, grams.cross(), atol=1e-13)
    np.testing.assert_allclose(_D(W, U), grams.cross(), atol=1e-13)  # D = W^T U
    np.testing.assert_allclose(grams.cross(), 1.3 * 0.7 * _independent_E(setting.n_c, concepts, z), rtol=1e-15)
    np.testing.assert_array_equal(type1_D(setting, None, 1.3, 0.7), grams.cross())
    for name in ("words", "blocks", "cross"):
        np.testing.assert_array_equal(getattr(cfg.expected_grams(), name)(), getattr(grams, name)())
    # a slice of rows is the same rows of the whole matrix
    np.testing.assert_array_equal(grams.blocks(slice(2, 5)), grams.blocks()[2:5])


@pytest.mark.parametrize("setting", [Setting(3, 2, 2, "1/100", d=3), Setting(2, 3, 3, "1/100", d=5)], ids=repr)
def test_type2_is_mean_zero_and_has_its_grams(setting):
    cfg = type2_configuration(setting, 0.9, rotation=2, word_scale=2.5)
    W, U = cfg
    d = setting.d
    np.testing.assert_allclose(cfg.frame.sum(axis=0), 0.0, atol=1e-14)  # mean-zero frame
    np.testing.assert_allclose(W.mean(axis=0), 0.0, atol=1e-14)  # every word is mean-zero
    feats = _layer_norm(W)
    np.testing.assert_allclose(feats, np.sqrt(d) * np.repeat(cfg.frame, setting.s_c, axis=1), atol=1e-13)
    blocks = _blocks(U, d)
    grams = type2_grams(Problem(setting), 0.9)
    concepts = np.repeat(np.arange(setting.n_c), setting.s_c)
    assert grams.word_square == d
    np.testing.assert_array_equal(grams.words(), d * equiangular_gram(setting.n_c)[concepts][:, concepts])
    np.testing.assert_allclose(feats.T @ feats, grams.words(), atol=1e-12)
    np.testing.assert_allclose(blocks.T @ blocks, grams.blocks(), atol=1e-13)
    np.testing.assert_allclose(feats.T @ blocks, grams.cross(), atol=1e-12)
    np.testing.assert_array_equal(cfg.expected_grams().cross(), grams.cross())


@pytest.mark.parametrize("setting", SETTINGS, ids=repr)
def test_type3_grams_and_D(setting):
    r = [0.4 + 0.3 * b for b in range(setting.s_c)]
    cfg = type3_configuration(setting, 0.6, r, rotation=9)
    W, U = cfg
    blocks = _blocks(U, setting.d)
    grams = type3_grams(setting, 0.6, r)
    rw = np.tile(r, setting.n_c)  # r_b of column a*s_c + b
    concepts = np.repeat(np.arange(setting.n_c), setting.s_c)
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), rw, rtol=1e-14)
    np.testing.assert_allclose(W.T @ W, grams.words(), atol=1e-13)
    np.testing.assert_allclose(grams.words(), np.outer(rw, rw) * _independent_E(setting.n_c, concepts, concepts),
                               rtol=1e-15)
    np.testing.assert_allclose(blocks.T @ blocks, grams.blocks(), atol=1e-13)
    np.testing.assert_allclose(_D(W, U), type3_D(setting, None, 0.6, r), atol=1e-13)
    # the Kronecker form c (E[:, z] ⊗ r) of D (definition 3)
    kron = 0.6 * np.kron(_independent_E(setting.n_c, range(setting.n_c), cfg.latent.ravel()), np.array(r)[:, None])
    np.testing.assert_allclose(type3_D(setting, None, 0.6, r), kron, rtol=1e-15, atol=1e-16)
    np.testing.assert_array_equal(cfg.expected_grams().words(), grams.words())


def test_problem_and_setting_forms_agree_on_a_random_latent_set():
    s = Setting(3, 2, 3, "1/100", K=7, d=3)
    problem = Problem(s, LatentSource.random(7, seed=4))
    by_problem = type1_configuration(problem, 1.0, 0.5, rotation=1)
    by_setting = type1_configuration(s, 1.0, 0.5, latent=np.asarray(problem.latent), rotation=1)
    np.testing.assert_array_equal(by_problem.U, by_setting.U)
    np.testing.assert_array_equal(by_problem.latent, problem.latent)
    assert isinstance(by_problem, Configuration) and by_problem.U.shape == (7, 9)
    blocks = _blocks(by_problem.U, 3)
    np.testing.assert_allclose(blocks.T @ blocks, type1_grams(problem, 1.0, 0.5).blocks(), atol=1e-13)
    np.testing.assert_allclose(_D(*by_problem), type1_D(problem, None, 1.0, 0.5), atol=1e-13)


def test_bad_inputs_name_the_field():
    s = Setting(3, 2, 2, "1/100", d=4)
    with pytest.raises(InvalidInput, match="r"):
        type3_configuration(s, 1.0, [1.0])
    with pytest.raises(InvalidInput, match="r"):
        type3_grams(s, 1.0, [1.0, 2.0, 3.0])
    with pytest.raises(InvalidInput, match="c_prime"):
        type1_grams(s, 1.0, float("nan"))
    with pytest.raises(InvalidInput, match="latent"):
        type1_configuration(Problem(s), 1.0, 1.0, latent=np.zeros((9, 2), dtype=int))
    with pytest.raises(InvalidInput, match="d"):
        type2_grams(Setting(3, 2, 2, "1/100"), 1.0, d=2)
    with pytest.raises(InvalidInput, match="setting"):
        type1_configuration("not a setting", 1.0, 1.0)


@pytest.mark.parametrize("n_c, d, field", [(3, 10**7, "d"), (3, 4097, "d"), (10**7, 3, "n_c"), (2.0, 3, "n_c"),
                                           (3, 2.0, "d"), (True, 3, "n_c")])
def test_frames_are_bounded_before_allocation(n_c, d, field):
    """equiangular_frame(3, 10**7) allocated a 10**7 x 10**7 matrix (MemoryError); the bound is MAX_FRAME_D."""
    with pytest.raises(InvalidInput, match=field):
        equiangular_frame(n_c, d)


@pytest.mark.parametrize("rotation", [-1, 2**63, 1.5, "0"])
def test_a_bad_rotation_seed_is_named_rotation(rotation):
    with pytest.raises(InvalidInput, match="rotation must be None, a seed"):
        type1_configuration(Problem(Setting(3, 2, 3, "1/100", d=3)), 1.0, 1.0, rotation=rotation)
