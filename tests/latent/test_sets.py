"""Latent sets: random subsets, files, codes."""

import numpy as np
import pytest

from fctheory.errors import InvalidInput, InvalidLatentSet
from fctheory.latent import (
    full_latent_set,
    linear_code,
    load_latent_file,
    named_code,
    random_latent_set,
)


def test_random_set_is_seeded_distinct_and_in_range():
    a = random_latent_set(3, 6, 100, seed=7)
    b = random_latent_set(3, 6, 100, seed=7)
    c = random_latent_set(3, 6, 100, seed=8)
    assert a.shape == (100, 6) and a.dtype == np.int64
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.unique(a, axis=0).shape[0] == 100
    assert a.min() >= 0 and a.max() <= 2


def test_random_set_of_full_size_is_the_full_set():
    a = random_latent_set(2, 5, 32, seed=0)
    assert np.array_equal(np.unique(a, axis=0), full_latent_set(2, 5))


def test_random_set_is_uniform_over_positions_and_concepts():
    # each (l, a) cell of a uniform K-subset has mean K/n_c = 50 and standard
    # deviation about sqrt(150 * 2/9) = 5.8; the mean over 40 sets is within
    # 3 (about 3.3 standard errors) of 50
    counts = np.zeros((5, 3))
    for seed in range(40):
        z = random_latent_set(3, 5, 150, seed=seed)
        counts += (z[:, :, None] == np.arange(3)).sum(axis=0)
    assert np.all(np.abs(counts / 40 - 50) < 3)


def test_random_set_in_a_huge_space():
    z = random_latent_set(4, 40, 50, seed=1)  # 4**40 > 2**62: rejection path
    assert z.shape == (50, 40) and np.unique(z, axis=0).shape[0] == 50


@pytest.mark.parametrize("K", [1, 0, 65, 2.5, "3"])
def test_random_set_rejects_bad_K(K):
    with pytest.raises(InvalidInput, match="K"):
        random_latent_set(2, 6, K, seed=0)


def test_load_npy_npz_and_text(tmp_path):
    z = random_latent_set(3, 4, 20, seed=3)
    np.save(tmp_path / "z.npy", z)
    np.savez(tmp_path / "z.npz", latent=z)
    (tmp_path / "z.txt").write_text("# header\n" + "\n".join(", ".join(map(str, row)) for row in z) + "\n\n")
    (tmp_path / "z.csv").write_text("\n".join(" ".join(map(str, row)) for row in z))
    for name in ("z.npy", "z.npz", "z.txt", "z.csv"):
        assert np.array_equal(load_latent_file(tmp_path / name, 3, 4), z)


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("bad.txt", "0 1 2\n0 1\n", "equal length"),
        ("bad2.txt", "0 1 x\n", "integers"),
        ("dup.txt", "0 1 2\n0 1 2\n", "distinct"),
        ("range.txt", "0 1 3\n0 1 2\n", "0..2"),
        ("shape.txt", "0 1\n1 0\n", "shape"),
        ("empty.txt", "# nothing\n", "at least two"),
    ],
)
def test_load_text_errors(tmp_path, name, content, match):
    (tmp_path / name).write_text(content)
    with pytest.raises(InvalidLatentSet, match=match):
        load_latent_file(tmp_path / name, 3, 3)


def test_load_npz_without_latent_and_missing_file(tmp_path):
    np.savez(tmp_path / "x.npz", other=np.zeros((2, 3), int))
    with pytest.raises(InvalidLatentSet, match="'latent'"):
        load_latent_file(tmp_path / "x.npz", 3, 3)
    with pytest.raises(InvalidLatentSet, match="no such file"):
        load_latent_file(tmp_path / "missing.npy", 3, 3)
    (tmp_path / "broken.npy").write_bytes(b"not numpy")
    with pytest.raises(InvalidLatentSet, match="readable"):
        load_latent_file(tmp_path / "broken.npy", 3, 3)


def _weights(code):
    w = code.codewords()
    return np.bincount((w != 0).sum(axis=1), minlength=code.L + 1).tolist()


def test_ternary_golay_weight_enumerator():
    # weight enumerator of the [11,6,5] ternary Golay code (MacWilliams & Sloane,
    # ch. 20): A_0=1, A_5=132, A_6=132, A_8=330, A_9=110, A_11=24
    code = named_code("ternary-golay")
    assert (code.q, code.L, code.dimension, code.K) == (3, 11, 6, 729)
    assert _weights(code) == [1, 0, 0, 0, 0, 132, 132, 0, 330, 110, 0, 24]


def test_ternary_hamming_and_simple_codes():
    # [4,2,3]_3 Hamming: all 8 non-zero codewords have weight 3 (perfect, MDS)
    assert _weights(named_code("ternary-hamming")) == [1, 0, 0, 8, 0]
    # repetition [5,1,5]_3: q - 1 words of weight 5
    assert _weights(named_code("repetition:3:5")) == [1, 0, 0, 0, 0, 2]
    # binary sum-zero code of length 6 = the even-weight words: C(6, w) for even w
    assert _weights(named_code("parity:2:6")) == [1, 0, 15, 0, 15, 0, 1]
    sz = named_code("sum-zero:3:4").codewords()
    assert sz.shape == (27, 4) and np.all(sz.sum(axis=1) % 3 == 0)


def test_linear_code_validation():
    code = linear_code([[1, 0, 2], [0, 1, 1]], 3)
    assert code.K == 9 and np.unique(code.codewords(), axis=0).shape[0] == 9
    with pytest.raises(InvalidInput, match="linearly independent"):
        linear_code([[1, 2, 0], [2, 1, 0]], 3)  # second row = 2 * first mod 3
    with pytest.raises(InvalidInput, match="prime"):
        linear_code([[1, 1]], 4)
    with pytest.raises(InvalidInput, match="generator"):
        linear_code([1, 1], 3)


@pytest.mark.parametrize("name", ["golay", "repetition:4:3", "parity:3", "repetition:3:1", 5])
def test_named_code_errors(name):
    with pytest.raises(InvalidInput, match="code"):
        named_code(name)


# The guards: sizes checked before a set is built ------------------------------------------------


@pytest.mark.parametrize("n_c, L, field", [(-2, 3, "n_c"), (2, 0, "L"), (2.0, 3, "n_c"), (2, 3.0, "L"), (True, 3, "n_c")])
def test_full_set_sizes_must_be_integers_in_range(n_c, L, field):
    """(-2, 3) gave an empty set, (2, 0) a (1, 0) array, (2.0, 3) floats."""
    with pytest.raises(InvalidInput, match=field):
        full_latent_set(n_c, L)


@pytest.mark.parametrize("n_c, L", [(3, 15), (2, 18), (64, 64), (2, 10**10)])
def test_full_sets_beyond_the_limit_are_refused_before_building(n_c, L):
    from fctheory.errors import FctheoryError

    with pytest.raises(FctheoryError, match="full latent set|L must be"):  # 3**15 took 91 s and 5 GB
        full_latent_set(n_c, L)


def test_the_limit_itself_builds():
    assert full_latent_set(2, 17).shape == (2**17, 17)


@pytest.mark.parametrize("K", [2**17 + 1, 10**7, 10**18])
def test_random_sets_beyond_the_limit_are_refused_before_drawing(K):
    from fctheory.errors import ProblemTooLarge

    with pytest.raises(ProblemTooLarge, match="131072"):  # n_c = 64, L = 64, K = 10**7 exhausted 24 GB
        random_latent_set(64, 64, K, seed=0)


def test_codes_beyond_the_limit_are_refused_before_building():
    from fctheory.errors import ProblemTooLarge

    code = named_code("parity:3:20")  # 3**19 codewords
    with pytest.raises(ProblemTooLarge, match="codewords"):
        code.codewords()


def test_a_utf8_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "rows.txt"
    path.write_bytes("\ufeff0 0 1\n1 1 0\n2 0 2\n".encode("utf-8"))
    assert load_latent_file(path, 3, 3).tolist() == [[0, 0, 1], [1, 1, 0], [2, 0, 2]]
