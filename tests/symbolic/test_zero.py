"""Exact zero decisions on closed numbers."""

import sympy as sp

from fctheory.symbolic._zero import decide_zero

a = sp.Rational(2, 7)
e = sp.exp(-a)


def test_polynomial_identity_in_exponentials():
    assert decide_zero((1 + 2 * e) ** 3 - (1 + 6 * e + 12 * e**2 + 8 * e**3)) is True


def test_exponentials_with_algebraic_arguments_merge():
    assert decide_zero(sp.exp(sp.sqrt(2)) * sp.exp(sp.Rational(1, 3)) - sp.exp(sp.sqrt(2) + sp.Rational(1, 3))) is True


def test_rational_combination_of_logs():
    v = 2 * sp.log(1 + 2 * e) - sp.log(1 + 4 * e + 4 * e**2)
    assert decide_zero(v) is True
    v = sp.Rational(1, 3) * sp.log(1 + e) + sp.Rational(2, 3) * sp.log(1 + e) - sp.log(1 + e)
    assert decide_zero(v) is True


def test_nonzero_values():
    assert decide_zero(sp.Rational(1, 10**6)) is False
    assert decide_zero(sp.exp(sp.Rational(1, 3)) - 1) is False
    assert decide_zero(2 * sp.log(1 + 2 * e) - sp.log(1 + 4 * e + 5 * e**2)) is False


def test_undecided_when_exact_reduction_stalls():
    q = sp.Rational(3, 5)
    assert decide_zero(sp.sin(q) ** 2 + sp.cos(q) ** 2 - 1) is None
