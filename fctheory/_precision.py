"""Scoped precision: dps validation, private interval contexts, directed decimal output,
and the exact conversions between :class:`fractions.Fraction` and mpmath numbers.

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

__all__ = ["MIN_DPS", "MAX_DPS", "check_dps", "interval_context", "iv_bounds", "decimal_string", "fraction_to_mpf",
           "mpf_to_fraction"]

MIN_DPS = 15
MAX_DPS = 1000


def check_dps(dps) -> int:
    """Validate a requested number of decimal digits (``MIN_DPS..MAX_DPS``)."""
    if isinstance(dps, bool) or not isinstance(dps, numbers.Integral) or not MIN_DPS <= int(dps) <= MAX_DPS:
        raise InvalidInput("dps", f"an integer in [{MIN_DPS}, {MAX_DPS}]", dps)
    return int(dps)


def fraction_to_mpf(q, ctx=None):
    """The rational ``q`` (Fraction or int) as a number of ``ctx`` (default ``mpmath.mp``, at its current
    precision): ``p / q`` rounded once by the context, an interval enclosing ``q`` for an interval context."""
    ctx = mpmath.mp if ctx is None else ctx
    q = Fraction(q)
    if q.denominator == 1:
        return ctx.mpf(q.numerator)
    return ctx.mpf(q.numerator) / q.denominator


def mpf_to_fraction(x) -> Fraction:
    """The exact value of a finite :class:`mpmath.mpf` as a Fraction (``man * 2**exp``)."""
    man, exp = mpmath.mpf(x).man_exp
    return Fraction(int(man)) * (Fraction(2) ** int(exp))


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
        exact_x = mpf_to_fraction(x)
        back = Fraction(value)
        with localcontext() as dctx:
            dctx.prec = digits + 10
            if rounding == "floor" and back > exact_x:
                value = value - ulp
            elif rounding == "ceil" and back < exact_x:
                value = value + ulp
        return _format_decimal(value)


def _format_decimal(value: Decimal) -> str:
    text = format(value, "E") if abs(value.adjusted()) > 6 else format(value, "f")
    return text
