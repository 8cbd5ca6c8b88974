"""Scoped precision: dps validation, private interval contexts, directed decimal output.

Nothing here changes mpmath's global state.  Point arithmetic runs inside
``mpmath.workdps(...)``; interval arithmetic runs in a *private*
:class:`mpmath.ctx_iv.MPIntervalContext` created per call, so the shared
``mpmath.iv`` context is never touched.
"""

from __future__ import annotations

import numbers
from decimal import Decimal, localcontext
from fractions import Fraction

import mpmath
from mpmath.ctx_iv import MPIntervalContext

from .errors import InvalidInput

__all__ = ["MIN_DPS", "MAX_DPS", "check_dps", "interval_context", "iv_bounds", "decimal_string"]

MIN_DPS = 15
MAX_DPS = 1000


def check_dps(dps) -> int:
    """Validate a requested number of decimal digits (``MIN_DPS..MAX_DPS``)."""
    if isinstance(dps, bool) or not isinstance(dps, numbers.Integral) or not MIN_DPS <= int(dps) <= MAX_DPS:
        raise InvalidInput("dps", f"an integer in [{MIN_DPS}, {MAX_DPS}]", dps)
    return int(dps)


def interval_context(dps: int) -> MPIntervalContext:
    """A fresh interval-arithmetic context working at ``dps`` digits."""
    ctx = MPIntervalContext()
    ctx.dps = dps
    return ctx


def iv_bounds(x) -> tuple:
    """The endpoints of an interval as exact :class:`mpmath.mpf` numbers."""
    a, b = x._mpi_
    return mpmath.mp.make_mpf(a), mpmath.mp.make_mpf(b)


def decimal_string(x, digits: int, rounding: str = "nearest") -> str:
    """``x`` as a decimal string with ``digits`` significant digits.

    Parameters
    ----------
    x : mpmath.mpf
    digits : int
    rounding : {"nearest", "floor", "ceil"}
        ``"floor"`` returns a string whose value is ``<= x``; ``"ceil"`` one
        whose value is ``>= x`` (outward rounding for enclosure endpoints).
    """
    if rounding not in ("nearest", "floor", "ceil"):
        raise ValueError(f"unknown rounding {rounding!r}")
    if not isinstance(x, mpmath.mpf):
        x = mpmath.mpf(x)
    if x == 0:
        return "0.0"
    # enough binary precision to print ``digits`` digits and to compare the string with x exactly
    prec = max(int(digits * 3.33) + 20, int(x._mpf_[3]) + 10)
    with mpmath.workprec(prec):
        text = mpmath.nstr(x, digits, strip_zeros=False, min_fixed=-4, max_fixed=digits + 1)
        if rounding == "nearest":
            return text
        value = Decimal(text)
        ulp = Decimal(1).scaleb(value.adjusted() - (digits - 1))
        exact_x = _mpf_to_fraction(x)
        back = Fraction(value)
        with localcontext() as dctx:
            dctx.prec = digits + 10
            if rounding == "floor" and back > exact_x:
                value = value - ulp
            elif rounding == "ceil" and back < exact_x:
                value = value + ulp
        return _format_decimal(value)


def _mpf_to_fraction(x) -> Fraction:
    sign, man, exp, _ = x._mpf_
    value = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return -value if sign else value


def _format_decimal(value: Decimal) -> str:
    text = format(value, "E") if abs(value.adjusted()) > 6 else format(value, "f")
    return text
