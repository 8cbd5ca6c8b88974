"""fctheory._validate: the input guards and the shared limits (one home for both)."""

import numpy as np
import pytest

from fctheory import Problem, Setting, _validate
from fctheory._validate import (MAX_LATENT_K, MAX_LATENT_L, MAX_LATENT_N_C, require_ascii_number, require_dps,
                                require_full_set_rows, require_int, require_latent_rows, require_latent_sizes,
                                require_real, require_real_array)
from fctheory.errors import InvalidInput, ProblemTooLarge
from fctheory.setting import require_setting


def test_one_home_for_the_limits():
    """The Setting's limits and the latent tools' limits are the ones declared in _validate."""
    from fctheory import setting

    assert (setting.MAX_N_C, setting.MAX_L) == (_validate.MAX_N_C, _validate.MAX_L) == (10**6, 10**4)
    assert (MAX_LATENT_N_C, MAX_LATENT_L, MAX_LATENT_K) == (64, 64, 2**17)


@pytest.mark.parametrize("value", [True, 3.0, "3", None, [3]])
def test_require_int_refuses_non_integers(value):
    with pytest.raises(InvalidInput, match="n must be an integer"):
        require_int("n", value)


@pytest.mark.parametrize("dps", [15, 1000, np.int64(30)])
def test_require_dps_range(dps):
    assert require_dps(dps) == int(dps)


@pytest.mark.parametrize("dps", [14, 1001, 30.0, "30", True])
def test_require_dps_refuses(dps):
    with pytest.raises(InvalidInput, match=r"dps must be an integer in \[15, 1000\]"):
        require_dps(dps)


def test_check_dps_is_the_old_name_of_require_dps():
    from fctheory._precision import check_dps

    assert check_dps is require_dps


@pytest.mark.parametrize("n_c, L, field", [(65, 3, "n_c"), (1, 3, "n_c"), (3, 65, "L"), (3, 0, "L"), (3.0, 2, "n_c")])
def test_require_latent_sizes(n_c, L, field):
    with pytest.raises(InvalidInput, match=field):
        require_latent_sizes(n_c, L)


def test_require_latent_rows_is_a_size_limit():
    assert require_latent_rows(MAX_LATENT_K) == MAX_LATENT_K
    with pytest.raises(ProblemTooLarge, match="131072"):
        require_latent_rows(MAX_LATENT_K + 1)


@pytest.mark.parametrize("n_c, L", [(3, 15), (2, 18), (10**6, 2), (2, 10**4)])
def test_full_set_size_decided_before_building(n_c, L):
    with pytest.raises(ProblemTooLarge, match="full latent set"):  # L log2 n_c first: 2**10000 is never formed
        require_full_set_rows(n_c, L)


@pytest.mark.parametrize("n_c, L, field", [(-2, 3, "n_c"), (2, 0, "L"), (2.0, 3, "n_c"), (2, 10**10, "L")])
def test_full_set_sizes_are_integers_in_range(n_c, L, field):
    with pytest.raises(InvalidInput, match=field):
        require_full_set_rows(n_c, L)


def test_require_real_array_refuses_complex_bool_text_and_nonfinite():
    assert require_real_array("W", [[1, 2]]).dtype == np.float64
    for bad, word in ((np.ones(3) + 1j, "complex"), (np.ones(3, dtype=bool), "boolean"), (["a"], "text"),
                      ([1.0, np.nan], "finite"), ([[1], [2, 3]], "W")):
        with pytest.raises(InvalidInput, match=word):
            require_real_array("W", bad)
    with pytest.raises(InvalidInput, match="2-D"):
        require_real_array("W", np.ones(3), ndim=2)


def test_require_real_bounds():
    assert require_real("tol", "1e-3", lo=0, hi=1, lo_open=True) == 1e-3
    for bad in (0, 1.5, float("nan"), float("inf"), "１", True):
        with pytest.raises(InvalidInput, match="tol"):
            require_real("tol", bad, lo=0, hi=1, lo_open=True)


@pytest.mark.parametrize("bad", [None, "paper", 3, {"n_c": 3}])
def test_require_setting(bad):
    with pytest.raises(InvalidInput, match="setting must be a fctheory.Setting"):
        require_setting(bad)
    s = Setting(3, 2, 3, "1/100")
    assert require_setting(s) is s
    with pytest.raises(InvalidInput, match="problem.setting"):
        require_setting(Problem(s))


@pytest.mark.parametrize("text", ["1e-９９９９９９９９", "²", "１/２", "0.５", "1e99999999", "1e-1001", "2e1_001", "1/3e5000",
                                  "", " ", "x" * 2001])
def test_require_ascii_number_refuses_before_any_number_is_built(text):
    with pytest.raises(InvalidInput, match="lam"):
        require_ascii_number("lam", text)


@pytest.mark.parametrize("text", ["1e-1000", "1e1000", " 1/100 ", "0.001", "1_000"])
def test_require_ascii_number_accepts(text):
    assert require_ascii_number("lam", text) == text.strip()
