"""Derived closed forms as mpmath callables."""

import doctest

import mpmath
import pytest

import fctheory.symbolic._lambdify as lambdify_module
from fctheory import Setting
from fctheory.errors import InvalidInput
from fctheory.symbolic import derive_H, derive_margins, derive_thresholds, derive_type3, lambdify_mp


def test_docstring_example():
    result = doctest.testmod(lambdify_module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_H_against_hand_typed_full_set_formula():
    # Reference: the full-set form H(t) = L log(1 + (n_c - 1) e^{-eta t}) + lam t (THEORY.md),
    # typed here directly in mpmath.
    H = lambdify_mp(derive_H())
    with mpmath.workdps(40):
        n_c, L, s_c, lam, t = 3, 2, 2, mpmath.mpf(1) / 100, mpmath.mpf(7) / 3
        K, n_w = n_c**L, n_c * s_c
        eta = mpmath.mpf(n_c) / (n_c - 1) / mpmath.sqrt(n_w * K * L)
        ref = L * mpmath.log(1 + (n_c - 1) * mpmath.exp(-eta * t)) + lam * t
        got = H(t=t, n_c=n_c, L=L, K=K, n_w=n_w, lam=lam)
        assert abs(got - ref) <= mpmath.mpf(10) ** -38 * abs(ref)  # relative, at 40 digits
        assert H(setting=Setting(3, 2, 2, "1/100"), t=t) == got


def test_type3_F_and_threshold_shapes():
    F = lambdify_mp(derive_type3(), "F")
    assert F.arguments == ("c", "r", "mu", "n_c", "L", "K", "s_c", "lam")
    with mpmath.workdps(30):
        v2 = F(c=1, r=[1, 2], mu=["1/4", "3/4"], n_c=2, L=1, K=2, lam="1/10")
        # n_c = 2, L = 1: F = sum_b mu_b log(1 + e^{-2 c r_b}) + (lam/2)(2 sum r_b^2 + K L c^2)
        ref = (mpmath.mpf(1) / 4 * mpmath.log(1 + mpmath.exp(-2)) + mpmath.mpf(3) / 4 * mpmath.log(1 + mpmath.exp(-4))
               + mpmath.mpf(1) / 20 * (2 * 5 + 2))
        assert abs(v2 - ref) < mpmath.mpf(10) ** -28  # absolute, on a value of order 1, at 30 digits
    T = lambdify_mp(derive_thresholds())
    with mpmath.workdps(30):
        t1, t3 = T(n_c=3, L=2, K=9, n_w=6, mu=["1/2", "1/2"])
        # uniform mu, full set: both equal sqrt(L / (n_w K)) = sqrt(2/54) (theorem 1 with K = n_c^L),
        # typed here directly; absolute tolerance on values of order 0.2 at 30 digits
        ref = mpmath.sqrt(mpmath.mpf(2) / 54)
        assert abs(t1 - ref) < mpmath.mpf(10) ** -28
        assert abs(t3 - ref) < mpmath.mpf(10) ** -28


def test_bad_arguments():
    H = lambdify_mp(derive_H())
    with pytest.raises(InvalidInput, match="arguments"):
        H(t=1, n_c=3)
    with pytest.raises(InvalidInput, match="arguments"):
        H(t=1, n_c=3, L=2, K=9, n_w=6, lam=1, eta=2)
    with pytest.raises(InvalidInput, match="t"):
        H(t="abc", n_c=3, L=2, K=9, n_w=6, lam=1)
    F = lambdify_mp(derive_type3(), "F")
    with pytest.raises(InvalidInput, match="mu"):
        F(c=1, r=[1, 2], mu=[1], n_c=2, L=1, K=2, lam=1, s_c=2)
    with pytest.raises(InvalidInput, match="part"):
        lambdify_mp(derive_type3())
    with pytest.raises(InvalidInput, match="part"):
        lambdify_mp(derive_H(), "F")
    with pytest.raises(InvalidInput, match="derivation"):
        lambdify_mp(derive_margins())


def test_H_Z_sphere_sizes_length_is_L():
    H_Z = lambdify_mp(derive_H(), "H_Z")
    assert H_Z.arguments[-1] == "S"
    with pytest.raises(InvalidInput, match="S"):
        H_Z(t=1, n_c=3, L=2, K=9, n_w=6, lam=1, S=[4, 4, 0])
    with mpmath.workdps(30):
        # the full set [3]^2 has |S_1| = |S_2| = 4: H_Z equals H there (L inferred from len(S))
        H = lambdify_mp(derive_H())
        a = H_Z(t=3, n_c=3, K=9, n_w=6, lam="1/10", S=[4, 4])
        b = H(t=3, n_c=3, L=2, K=9, n_w=6, lam="1/10")
        assert abs(a - b) < mpmath.mpf(10) ** -28  # absolute, on values of order 1, at 30 digits
