"""Every certified enclosure holds its value to the requested digits relative to the value itself,
also when the value is tiny (issue 12, finding 6: a risk of 2.9e-45 had the "certified" interval
[2.857e-45, 1.822e-43], correct only in absolute terms)."""

import mpmath
import pytest

from fctheory import Setting, predict_type1, predict_type2, predict_type3
from fctheory.predict._enclosure import iv_expm1, iv_log1p
from fctheory._precision import interval_context, iv_bounds


def _assert_relative(result, dps):
    for name, enc in result.enclosures.items():
        for e in (enc if isinstance(enc, (list, tuple)) else [enc]):
            assert e.relative_width() <= mpmath.mpf(10) ** -(dps - 1), (name, e)
            value = getattr(result, name)
            values = value if isinstance(value, (list, tuple)) else [value]
            assert any(v in e for v in values), (name, value, e)


@pytest.mark.parametrize("lam", ["1e-50", "1e-300", "1e-1000"])
def test_type1_risk_enclosure_is_relative(lam):
    result = predict_type1(Setting(3, 2, 3, lam), dps=30)
    assert result.risk < mpmath.mpf(10) ** -40
    _assert_relative(result, 30)


@pytest.mark.parametrize("lam", ["1e-50", "1e-300"])
def test_type2_risk_enclosure_is_relative(lam):
    _assert_relative(predict_type2(Setting(3, 2, 3, lam, d=4), dps=30), 30)


def test_type3_risk_enclosure_is_relative():
    _assert_relative(predict_type3(Setting(3, 2, 3, "1e-60", mu="zipf"), dps=30), 30)


@pytest.mark.parametrize("x", ["0", "1e-300", "1e-45", "3e-4", "0.5", "7"])
def test_iv_log1p_and_expm1_enclose_the_value_tightly(x):
    ctx = interval_context(40)
    with mpmath.workdps(80):
        exact_log, exact_exp = mpmath.log1p(mpmath.mpf(x)), mpmath.expm1(mpmath.mpf(x))
    for got, exact in ((iv_log1p(ctx, ctx.mpf(x)), exact_log), (iv_expm1(ctx, ctx.mpf(x)), exact_exp)):
        lo, hi = iv_bounds(got)
        with mpmath.workdps(80):
            assert lo <= exact <= hi
            if exact:
                assert (hi - lo) / exact < mpmath.mpf(10) ** -35
