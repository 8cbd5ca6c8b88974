"""Shared pieces of the prediction result objects."""

from __future__ import annotations

from typing import Mapping

import mpmath

from .._precision import decimal_string
from ._enclosure import Enclosure

__all__ = ["values_dict", "enclosures_dict", "residual_bound"]


def values_dict(result, names, dps: int) -> dict:
    """``{name: decimal string with dps significant digits}`` for mpf fields."""
    out = {}
    for name in names:
        value = getattr(result, name)
        if isinstance(value, (tuple, list)):
            out[name] = [decimal_string(v, dps) for v in value]
        elif value is None:
            out[name] = None
        else:
            out[name] = decimal_string(value, dps)
    return out


def enclosures_dict(enclosures: Mapping[str, Enclosure], dps: int) -> dict:
    """``{name: [lo, hi]}`` with outward-rounded decimal strings."""
    return {name: enc.to_list(dps) for name, enc in enclosures.items()}


def residual_bound(dps: int):
    """The largest relative residual a solver may return: ``10**-(dps-5)``."""
    return mpmath.mpf(10) ** (-(dps - 5))
