"""fctheory._precision: exact directed decimal output (findings 5 and 16 of issue 12)."""

from fractions import Fraction

import mpmath
import pytest

from fctheory._precision import decimal_string, mpf_to_fraction
from fctheory.errors import InvalidInput


def test_digits_must_be_positive():  # finding 5: decimal_string(1.0, 0) was '.0e+0'
    with pytest.raises(InvalidInput, match="digits must be an integer in"):
        decimal_string(1.0, 0)
    assert decimal_string(1.0, 1) == "1.0"


@pytest.mark.parametrize("x,digits,rounding,text", [
    (Fraction(1, 3), 3, "nearest", "0.333"), (Fraction(1, 3), 3, "ceil", "0.334"), (Fraction(-1, 3), 3, "floor", "-0.334"),
    (Fraction(2, 3), 2, "floor", "0.66"), (2.5e-45, 2, "nearest", "2.5e-45"), (12345, 5, "nearest", "12345.0"),
    (1e30, 3, "nearest", "1.00e+30"), (0.001, 3, "nearest", "0.00100"), (1e-4, 2, "nearest", "1.0e-4"), (0, 5, "floor", "0.0"),
])
def test_one_format_lowercase_exponents(x, digits, rounding, text):  # finding 16: never 'E-14'
    assert decimal_string(x, digits, rounding) == text


def test_directed_rounding_brackets_the_exact_value():
    with mpmath.workdps(60):
        x = mpmath.sqrt(2) * mpmath.mpf(10) ** -45
    lo, hi = decimal_string(x, 30, "floor"), decimal_string(x, 30, "ceil")
    exact = mpf_to_fraction(x)
    assert Fraction(lo) <= exact <= Fraction(hi) and "E" not in lo + hi


def test_mpf_to_fraction_keeps_the_precision_of_the_number():
    with mpmath.workdps(50):
        x = mpmath.mpf(1) / 3
    assert abs(mpf_to_fraction(x) - Fraction(1, 3)) < Fraction(1, 10**45)


@pytest.mark.parametrize("text", ["-0.25", "-1.5", "-3", "0.125"])  # exact in binary
def test_negative_numbers_keep_their_sign(text):
    import mpmath
    from fractions import Fraction

    from fctheory._precision import decimal_string, mpf_to_fraction

    with mpmath.workdps(30):
        x = mpmath.mpf(text)
    assert mpf_to_fraction(x) == Fraction(text)
    assert decimal_string(x, 3).startswith("-") == text.startswith("-")


@pytest.mark.parametrize("x", ["1e-９９９９９９９９", "２.5", "1e99999999", "1e-1001"])
def test_text_is_ascii_with_its_exponent_checked_first(x):
    with pytest.raises(InvalidInput, match="x must be"):
        decimal_string(x, 12)


@pytest.mark.parametrize("x", [mpmath.mpf("1e-100010"), mpmath.mpf("1e200000"), Fraction(1, 10**100010)])
def test_a_number_beyond_the_output_exponent_is_refused_before_the_exact_rational(x):
    with pytest.raises(InvalidInput, match="decimal exponent in \\[-100000, 100000\\]"):
        decimal_string(x, 12)


def test_the_edges_of_the_output_exponent_work():
    assert decimal_string(mpmath.mpf("1e-1000"), 3) == "1.00e-1000"
    assert decimal_string(Fraction(1, 10**99990), 2) == "1.0e-99990"
    assert decimal_string("2.5e-1000", 2) == "2.5e-1000"
