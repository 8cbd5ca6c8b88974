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
