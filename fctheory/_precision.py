"""Scoped precision: dps validation, private interval contexts, directed decimal output.

Nothing here changes mpmath's global state.  Point arithmetic runs inside
``mpmath.workdps(...)``; interval arithmetic runs in a *private*
:class:`mpmath.ctx_iv.MPIntervalContext` created per call, so the shared
``mpmath.iv`` context is never touched.
"""

from __future__ import annotations

import numbers
from decimal import Decimal

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
    x = mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else x
    if x == 0:
        return "0.0"
    # enough binary precision to compare the string with x exactly
    prec = max(mpmath.mp.prec, x.context.prec if hasattr(x, "context") else 0, int(digits * 3.33) + 20)
    bits = x._mpf_[3] if len(x._mpf_) > 3 else 0
    prec = max(prec, int(bits) + 10)
    with mpmath.workprec(prec):
        text = mpmath.nstr(x, digits, strip_zeros=False, min_fixed=-4, max_fixed=digits + 1)
        if rounding == "nearest":
            return text
        value = Decimal(text)
        ulp = Decimal(1).scaleb(value.adjusted() - (digits - 1))
        back = mpmath.mpf(text)
        if rounding == "floor" and back > x:
            value = value - ulp
        elif rounding == "ceil" and back < x:
            value = value + ulp
        elif rounding not in ("floor", "ceil"):
            raise ValueError(f"unknown rounding {rounding!r}")
        return _format_decimal(value)


def _format_decimal(value: Decimal) -> str:
    text = format(value, "E") if abs(value.adjusted()) > 6 else format(value, "f")
    return text
