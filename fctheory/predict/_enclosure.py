"""Certified enclosures: a closed interval proven to contain a value."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from .._precision import decimal_string

__all__ = ["Enclosure"]


@dataclass(frozen=True)
class Enclosure:
    """A closed interval ``[lo, hi]`` proven (by interval arithmetic) to
    contain the exact value of a quantity.

    Attributes
    ----------
    lo, hi : mpmath.mpf
        The endpoints, exact binary numbers.
    """

    lo: mpmath.mpf
    hi: mpmath.mpf

    def __post_init__(self):
        if not self.lo <= self.hi:
            raise ValueError(f"empty enclosure [{self.lo}, {self.hi}]")

    def __contains__(self, value) -> bool:
        return bool(self.lo <= value <= self.hi)

    @property
    def width(self):
        """``hi - lo`` (exact up to the working precision of the subtraction)."""
        return mpmath.fsub(self.hi, self.lo, exact=True)

    def relative_width(self):
        """``(hi - lo) / max(|lo|, |hi|)``; 0 for the degenerate interval [0, 0]."""
        scale = max(abs(self.lo), abs(self.hi))
        return self.width / scale if scale else mpmath.mpf(0)

    @classmethod
    def point(cls, value) -> "Enclosure":
        """The degenerate enclosure of an exactly known value."""
        return cls(value, value)

    def to_list(self, digits: int) -> list[str]:
        """``[lo, hi]`` as decimal strings rounded *outward* to ``digits``
        significant digits (so the strings still enclose the value)."""
        return [decimal_string(self.lo, digits, "floor"), decimal_string(self.hi, digits, "ceil")]


#: Below this, :func:`iv_log1p` and :func:`iv_expm1` sum their Taylor series (an interval ``1 + x``
#: would lose every digit of a tiny ``x``); above it ``log(1 + x)`` and ``exp(y) - 1`` lose at most
#: three digits, which the guard digits of the solvers absorb.
SERIES_BELOW = mpmath.mpf("1e-3")


def _series_terms(ctx, top) -> int:
    """Terms for a relative truncation error below ``10**-(ctx.dps + 5)`` at ``|x| <= top`` (< 1e-3)."""
    digits_per_term = max(3.0, -float(mpmath.log10(top))) if top > 0 else float(ctx.dps + 5)
    return int((ctx.dps + 5) / digits_per_term) + 2


def iv_log1p(ctx, x):
    """An interval enclosing :math:`\\log(1 + x)` for an interval ``x >= 0``, with relative width
    ``~10**-ctx.dps`` even when ``x`` is tiny (``1e-45`` at 42 digits).

    For ``x <= SERIES_BELOW`` the alternating series :math:`\\sum_k (-1)^{k+1} x^k/k` is summed to
    ``n`` terms at each endpoint (``log1p`` is increasing) with the alternating-series bound
    :math:`|x|^{n+1}/(n+1)` on the remainder; otherwise ``log(1 + x)``.
    """
    lo, hi = _bounds(x)
    if lo < 0 or hi > SERIES_BELOW:
        return ctx.log(1 + x)
    if hi == 0:
        return ctx.mpf(0)
    n = _series_terms(ctx, hi)

    def partial(point):
        v = ctx.mpf(point)
        total, power = ctx.mpf(0), v
        for k in range(1, n + 1):
            total = total + power / k if k % 2 else total - power / k
            power = power * v
        return total, power / (n + 1)

    s_lo, t_lo = partial(lo)
    s_hi, t_hi = partial(hi)
    return ctx.mpf([_bounds(s_lo - t_lo)[0], _bounds(s_hi + t_hi)[1]])


def iv_expm1(ctx, y):
    """An interval enclosing :math:`e^y - 1` for an interval ``y >= 0``, tight relative to the value
    for tiny ``y``: for ``y <= SERIES_BELOW`` the series :math:`\\sum_{k \\ge 1} y^k/k!` (positive
    terms) to ``n`` terms, plus the remainder bound :math:`2 y^{n+1}/(n+1)!` at the upper endpoint;
    otherwise ``exp(y) - 1``."""
    lo, hi = _bounds(y)
    if lo < 0 or hi > SERIES_BELOW:
        return ctx.exp(y) - 1
    if hi == 0:
        return ctx.mpf(0)
    n = _series_terms(ctx, hi)

    def partial(point):
        v = ctx.mpf(point)
        total, term = ctx.mpf(0), ctx.mpf(1)
        for k in range(1, n + 1):
            term = term * v / k
            total = total + term
        return total, 2 * term * v / (n + 1)

    s_lo, _ = partial(lo)
    s_hi, tail = partial(hi)
    return ctx.mpf([_bounds(s_lo)[0], _bounds(s_hi + tail)[1]])


def _bounds(x):
    a, b = x._mpi_
    return mpmath.mp.make_mpf(a), mpmath.mp.make_mpf(b)
