"""Shared pieces of the prediction result objects."""

from __future__ import annotations

from typing import Mapping

import mpmath

from .._precision import decimal_string
from ._enclosure import Enclosure

__all__ = ["values_dict", "enclosures_dict", "residual_bound", "prediction_dict"]


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
    """``{name: [lo, hi]}`` (or a list of them for a tuple of enclosures) with
    outward-rounded decimal strings."""
    out = {}
    for name, enc in enclosures.items():
        if isinstance(enc, tuple):
            out[name] = [e.to_list(dps) for e in enc]
        else:
            out[name] = enc.to_list(dps)
    return out


def prediction_dict(result, head: dict) -> dict:
    """The JSON form shared by every prediction result: ``head`` (theorem and
    flags), then the values named by ``result.value_names`` as decimal strings
    with ``dps`` digits, the residual, the outward-rounded enclosures, ``dps``,
    the setting and (when present) the sphere-size profile."""
    out = dict(head)
    out.update(values_dict(result, result.value_names, result.dps))
    out["residual"] = decimal_string(result.residual, 5)
    out["enclosures"] = enclosures_dict(result.enclosures, result.dps)
    out["dps"] = result.dps
    out["setting"] = result.setting.to_dict()
    profile = getattr(result, "sphere_sizes", None)
    if profile is not None:
        out["sphere_sizes"] = profile.to_dict()
    return out


def residual_bound(dps: int):
    """The largest relative residual a solver may return: ``10**-(dps-5)``."""
    return mpmath.mpf(10) ** (-(dps - 5))
