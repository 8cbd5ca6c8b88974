"""Scoped precision: dps validation, private interval contexts, directed decimal output,
and the exact conversions between :class:`fractions.Fraction` and mpmath numbers.

Nothing here changes mpmath's global state.  Point arithmetic runs inside
``mpmath.workdps(...)``; interval arithmetic runs in a *private*
:class:`mpmath.ctx_iv.MPIntervalContext` created per call, so the shared
``mpmath.iv`` context is never touched.
"""

from __future__ import annotations

import numbers
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

import mpmath
from mpmath.ctx_iv import MPIntervalContext

from ._validate import MAX_DPS, MIN_DPS, require_ascii_number, require_dps, require_int, require_one_of
from .errors import InvalidInput

__all__ = ["MIN_DPS", "MAX_DPS", "MAX_DIGITS", "MAX_EXPONENT", "require_dps", "check_dps", "interval_context", "iv_bounds", "decimal_string", "fraction_to_mpf",
           "mpf_to_fraction"]

#: Deprecated name of :func:`fctheory._validate.require_dps` (input guards are ``require_*``).
check_dps = require_dps


def fraction_to_mpf(q, ctx=None):
    """The rational ``q`` (Fraction or int) as a number of ``ctx`` (default ``mpmath.mp``, at its current
    precision): ``p / q`` rounded once by the context, an interval enclosing ``q`` for an interval context."""
    ctx = mpmath.mp if ctx is None else ctx
    q = Fraction(q)
    if q.denominator == 1:
        return ctx.mpf(q.numerator)
    return ctx.mpf(q.numerator) / q.denominator


def mpf_to_fraction(x) -> Fraction:
    """The exact value of a finite :class:`mpmath.mpf` as a Fraction (``man * 2**exp``; an mpf is
    read at its own precision, not rounded to the current one)."""
    x = x if isinstance(x, mpmath.mpf) else mpmath.mpf(x)
    man, exp = x.man_exp  # mpmath's man_exp is the magnitude's: the sign is applied here
    value = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return -value if x < 0 else value


def interval_context(dps: int) -> MPIntervalContext:
    """A fresh interval-arithmetic context working at ``dps`` digits."""
    ctx = MPIntervalContext()
    ctx.dps = dps
    return ctx


def iv_bounds(x) -> tuple:
    """The endpoints of an interval as exact :class:`mpmath.mpf` numbers."""
    a, b = x._mpi_
    return mpmath.mp.make_mpf(a), mpmath.mp.make_mpf(b)


#: Largest number of significant digits :func:`decimal_string` writes.
MAX_DIGITS = 100_000
#: Largest decimal exponent (in absolute value) of a number :func:`decimal_string` writes: the exact
#: value is a rational with about that many digits (10**5: 0.15 s on a 2-core machine; 10**6: 15 s).
MAX_EXPONENT = 100_000
#: The binary exponent that corresponds (a few bits of slack for the bit-length estimates).
_MAX_BITS = int(MAX_EXPONENT * 3.321928094887362) + 4


def decimal_string(x, digits: int, rounding: str = "nearest") -> str:
    """``x`` as a decimal string with ``digits`` significant digits, rounded exactly.

    The one number format of fctheory's output (docs/json.md): fixed notation when the decimal
    exponent ``e`` of the first digit has ``-4 < e < digits`` (``0.00353``, ``285703.8``), otherwise
    ``d.ddd`` followed by a lowercase ``e``, a sign and the exponent (``2.885e-45``, ``1.0e+30``);
    always a point and at least one digit after it; zero is ``"0.0"``.

    Parameters
    ----------
    x : mpmath.mpf, int, float or Fraction
        A finite number (an mpf is read exactly: ``man * 2**exp``).
    digits : int
        Significant digits, ``1 <= digits <= MAX_DIGITS``.
    rounding : {"nearest", "floor", "ceil"}
        ``"nearest"`` rounds to the nearest (ties to even); ``"floor"`` returns a
        string whose value is ``<= x``; ``"ceil"`` one whose value is ``>= x``
        (outward rounding for enclosure endpoints).  The rounding is exact
        (a correctly rounded division of the exact rational value).

    Raises
    ------
    InvalidInput
        For ``digits`` out of range, an unknown ``rounding`` or a non-finite ``x``.

    Examples
    --------
    >>> decimal_string(1.0, 1), decimal_string(Fraction(1, 3), 3, "ceil"), decimal_string(2.5e-45, 2)
    ('1.0', '0.334', '2.5e-45')
    """
    rounding = require_one_of("rounding", rounding, tuple(_ROUNDINGS))
    digits = require_int("digits", digits, lo=1, hi=MAX_DIGITS)
    exponent_range = f"a number with a decimal exponent in [-{MAX_EXPONENT}, {MAX_EXPONENT}]"
    if isinstance(x, Fraction):
        if x and abs(x.numerator.bit_length() - x.denominator.bit_length()) > _MAX_BITS:
            raise InvalidInput("x", exponent_range, "a fraction of size 2**"
                               f"{x.numerator.bit_length() - x.denominator.bit_length()}")
        exact = x
    else:
        if not isinstance(x, mpmath.mpf):
            if isinstance(x, bool) or not isinstance(x, (numbers.Real, str)):
                raise InvalidInput("x", "a finite real number", type(x).__name__)
            if isinstance(x, str):  # ASCII, exponent checked on the characters before parsing
                x = require_ascii_number("x", x)
            try:
                x = mpmath.mpf(x)
            except (TypeError, ValueError):
                raise InvalidInput("x", "a finite real number", x) from None
        if not mpmath.isfinite(x):
            raise InvalidInput("x", "a finite number", str(x))
        if x and abs(int(mpmath.mag(x))) > _MAX_BITS:  # before the exact rational is built
            raise InvalidInput("x", exponent_range, mpmath.nstr(x, 5))
        exact = mpf_to_fraction(x)
    if exact == 0:
        return "0.0"
    with localcontext() as dctx:
        dctx.prec = digits
        dctx.rounding = _ROUNDINGS[rounding]
        dctx.Emax, dctx.Emin = 10**15, -(10**15)
        value = Decimal(exact.numerator) / Decimal(exact.denominator)  # correctly rounded
    return _format_decimal(value, digits)


_ROUNDINGS = {"nearest": ROUND_HALF_EVEN, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


def _format_decimal(value: Decimal, digits: int) -> str:
    """The format of :func:`decimal_string` for a nonzero Decimal of at most ``digits`` digits."""
    sign, coefficient, _ = value.as_tuple()
    text = "".join(map(str, coefficient)).ljust(digits, "0")
    e = value.adjusted()
    minus = "-" if sign else ""
    if -4 < e < digits:
        if e >= 0:
            whole, frac = text[: e + 1], text[e + 1:]
            return f"{minus}{whole}.{frac or '0'}"
        return f"{minus}0.{'0' * (-e - 1)}{text}"
    return f"{minus}{text[0]}.{text[1:] or '0'}e{'+' if e >= 0 else '-'}{abs(e)}"
