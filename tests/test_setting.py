"""Setting validation: every bad field gives an InvalidSetting naming it."""

from fractions import Fraction

import numpy as np
import pytest

from fctheory import InvalidSetting, Setting, WordLaw


def make(**kw):
    base = dict(n_c=3, s_c=2, L=3, lam="0.01")
    base.update(kw)
    n_c, s_c, L, lam = base.pop("n_c"), base.pop("s_c"), base.pop("L"), base.pop("lam")
    return Setting(n_c, s_c, L, lam, **base)


def test_paper_setting():
    s = Setting.paper()
    assert (s.n_c, s.s_c, s.n_w, s.L, s.K, s.d) == (3, 400, 1200, 15, 1000, 100)
    assert s.lam == Fraction(1, 1000)
    assert not s.is_full and s.latent_fraction == Fraction(1000, 3**15)


def test_float_lambda_is_its_decimal_literal():
    assert make(lam=0.001).lam == Fraction(1, 1000)
    assert make(lam="1/1000").lam == make(lam="1e-3").lam == Fraction(1, 1000)


def test_full_set_default():
    s = make()
    assert s.K == 27 and s.is_full


@pytest.mark.parametrize(
    "field, value",
    [
        ("n_c", 1),
        ("n_c", 2.5),
        ("n_c", True),
        ("s_c", 0),
        ("L", 0),
        ("lam", 0),
        ("lam", -1e-3),
        ("lam", float("nan")),
        ("lam", "1+1"),
        ("lam", "__import__('os')"),
        ("K", 1),
        ("K", 28),
        ("d", 1),
        ("mu", "pareto"),
        ("mu", "zipf:-1"),
        ("mu", [0.5, 0.6]),
        ("mu", [1.0]),
        ("mu", [1.5, -0.5]),
    ],
)
def test_bad_field_is_named(field, value):
    with pytest.raises(InvalidSetting) as info:
        make(**{field: value})
    assert info.value.field.startswith(field)
    assert "must be" in str(info.value)


def test_word_laws():
    zipf = make(mu="zipf").mu
    assert zipf.exact() == (Fraction(2, 3), Fraction(1, 3))
    assert make(mu="zipf:1.5").mu.exact() is None
    assert np.allclose(make(mu="zipf:1.5").mu.as_array(), [1 / (1 + 2**-1.5), 2**-1.5 / (1 + 2**-1.5)])
    assert make(mu=["1/4", "3/4"]).mu.exact() == (Fraction(1, 4), Fraction(3, 4))
    assert make(mu="0.25,0.75").mu.exact() == (Fraction(1, 4), Fraction(3, 4))
    assert make(mu=[0.5, 0.5]).mu.is_uniform
    # a float law off by rounding is rescaled by its exact sum
    law = WordLaw.parse(np.array([1 / 3, 2 / 3]), 2)
    assert sum(law.exact()) == 1


def test_immutable_and_replace():
    s = make()
    with pytest.raises(AttributeError):
        s.n_c = 4
    t = s.replace(K=10, lam="1/2")
    assert t.K == 10 and t.lam == Fraction(1, 2) and s.K == 27
    assert s == make() and hash(s) == hash(make())


def test_require_d():
    s = make(d=2)
    assert s.require_d(mean_zero=False) == 2
    with pytest.raises(InvalidSetting, match="mean-zero"):
        s.require_d(mean_zero=True)
    with pytest.raises(InvalidSetting, match="not given"):
        make().require_d(mean_zero=False)


# Numbers read from text: ASCII only, every decimal exponent checked before the number is built --------


@pytest.mark.parametrize("lam", ["1e-９９９９９９９９", "１/１００", "0.0０1", "1e-٩٩٩٩٩٩٩٩", "²"])
def test_non_ascii_digits_in_lam_are_refused(lam):
    with pytest.raises(InvalidSetting, match="lam must be a decimal or fraction literal in ASCII"):
        Setting(3, 2, 3, lam)


@pytest.mark.parametrize("field, value", [("n_c", "²"), ("n_c", "３"), ("s_c", "٣"), ("L", "1" * 31), ("n_c", "+")])
def test_non_ascii_or_absurd_integer_text_is_refused(field, value):
    args = {"n_c": 3, "s_c": 2, "L": 3}
    args[field] = value
    with pytest.raises(InvalidSetting, match=field):
        Setting(args["n_c"], args["s_c"], args["L"], "1/100")


@pytest.mark.parametrize("s_c, mu, field", [
    (1, "1e99999999", "mu\\[0\\]"),            # one value, no comma: still read with the exponent guard
    (3, "1e99999999", "mu must be a sequence of exactly s_c = 3"),
    (2, "1e99999999,0.5", "mu\\[0\\]"),
    (2, "zipf:1e99999999", "Zipf exponent"),
    (2, "0.5,0.５", "mu"),
])
def test_word_laws_with_huge_exponents_or_non_ascii_digits_are_refused(s_c, mu, field):
    with pytest.raises(InvalidSetting, match=field):
        Setting(3, s_c, 3, "1/100", mu=mu)


def test_integer_text_and_integral_floats_stay_accepted():
    assert Setting("3", " 2 ", "+3", "1/100").n_c == 3
    assert Setting(3.0, 2, 3, "1/100").n_c == 3
