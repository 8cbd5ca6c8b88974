"""Input guards and the package's shared limits: one home for both.

Every guard takes the *field name* the user knows (a flag, a grid key, a
keyword argument) and raises :class:`~fctheory.errors.InvalidInput` naming it
and the allowed range; it returns the value in its canonical Python type.

Naming rule (docs/architecture.md): input guards are ``require_*`` and return
the checked value; theorem verdicts (``check_latent_set``, ``run_checks``, ...)
are ``check_*`` and return a result object.  Guards never evaluate text: a
number given as text is parsed by :func:`fctheory.setting.to_fraction`
(exact, decimal-exponent bounded), never by ``eval``/``sympify``.

>>> require_int("seed", 3, lo=0)
3
>>> require_int("seed", -1, lo=0)
Traceback (most recent call last):
...
fctheory.errors.InvalidInput: seed must be an integer >= 0 (got -1)
"""

from __future__ import annotations

import math
import numbers
import os
import stat
from typing import Iterable

from .errors import InvalidInput

__all__ = ["NETWORKS", "MAX_N_C", "MAX_S_C", "MAX_L", "MAX_D", "MAX_LATENT_K", "MAX_SEED", "MAX_DPS", "MIN_DPS",
           "require_int", "require_optional_int", "require_real", "require_fraction", "require_bool",
           "require_one_of", "require_network", "require_str", "require_regular_file", "require_seed"]

#: The two networks of the paper: ``h`` (eq. 2, risk R of eq. 5) and ``h*`` (with LayerNorm, R* of eq. 10).
NETWORKS = ("h", "h*")
#: Implementation limits of a :class:`~fctheory.Setting` (not of the theory): every exact integer
#: ``n_c**L`` and every array of the setting stays of a size a computer can hold.
MAX_N_C = 10**6
MAX_S_C = 10**7
MAX_L = 10**4
MAX_D = 10**7
#: Largest explicit latent set (rows ``K``) any routine builds; refused *before* building it.
MAX_LATENT_K = 2**17
#: Seeds are numpy ``SeedSequence`` entropy; a non-negative integer below 2**63.
MAX_SEED = 2**63 - 1
#: Significant digits accepted by the certified solvers.
MIN_DPS, MAX_DPS = 15, 1000


def _range_text(lo, hi, kind: str = "an integer") -> str:
    if lo is None and hi is None:
        return kind
    if hi is None:
        return f"{kind} >= {lo}"
    if lo is None:
        return f"{kind} <= {hi}"
    return f"{kind} in [{lo}, {hi}]"


def require_int(field: str, value, *, lo: int | None = None, hi: int | None = None) -> int:
    """``value`` as an ``int`` in ``[lo, hi]`` (bounds optional); bools and non-integers are refused.

    Integral floats (``3.0``) are refused too: a size given as a float is a
    mistake upstream, not a number to round.
    """
    allowed = _range_text(lo, hi)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInput(field, allowed, value)
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InvalidInput(field, allowed, value)
    return value


def require_optional_int(field: str, value, *, lo: int | None = None, hi: int | None = None) -> int | None:
    """:func:`require_int`, with ``None`` passed through (an absent option)."""
    return None if value is None else require_int(field, value, lo=lo, hi=hi)


def require_seed(field: str, value) -> int:
    """A seed: an integer in ``[0, 2**63 - 1]``."""
    return require_int(field, value, lo=0, hi=MAX_SEED)


def require_real(field: str, value, *, lo: float | None = None, hi: float | None = None,
                 lo_open: bool = False, hi_open: bool = False) -> float:
    """``value`` as a finite ``float`` in the interval given (``lo_open``/``hi_open``: strict bounds).

    Text is accepted when it is a plain decimal (``"1e-8"``); NaN and
    infinities never are.
    """
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    if lo is not None and hi is not None:
        allowed = f"a finite number in {left}{lo}, {hi}{right}"
    elif lo is not None:
        allowed = f"a finite number {'>' if lo_open else '>='} {lo}"
    elif hi is not None:
        allowed = f"a finite number {'<' if hi_open else '<='} {hi}"
    else:
        allowed = "a finite number"
    if isinstance(value, bool):
        raise InvalidInput(field, allowed, value)
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or len(text) > 40:
            raise InvalidInput(field, allowed, value)
        try:
            number = float(text)
        except ValueError:
            raise InvalidInput(field, allowed, value) from None
    elif isinstance(value, numbers.Real):
        try:
            number = float(value)
        except (OverflowError, ValueError):
            raise InvalidInput(field, allowed, value) from None
    else:
        raise InvalidInput(field, allowed, value)
    if not math.isfinite(number):
        raise InvalidInput(field, allowed, value)
    if lo is not None and (number < lo or (lo_open and number == lo)):
        raise InvalidInput(field, allowed, value)
    if hi is not None and (number > hi or (hi_open and number == hi)):
        raise InvalidInput(field, allowed, value)
    return number


def require_fraction(field: str, value, *, positive: bool = True):
    """An exact :class:`fractions.Fraction` of a number or of text (``"1/100"``, ``"1e-3"``), read exactly.

    The decimal-exponent and digit limits of :mod:`fctheory.setting` apply
    before anything is built.
    """
    from .setting import to_fraction  # exact parser with the exponent guard

    frac = to_fraction(field, value, InvalidInput)
    if positive and frac <= 0:
        raise InvalidInput(field, "a number > 0", value)
    return frac


def require_bool(field: str, value) -> bool:
    """``value`` if it is ``True`` or ``False`` (not 0/1, not text)."""
    if not isinstance(value, bool):
        raise InvalidInput(field, "true or false", value)
    return value


def require_str(field: str, value, *, max_length: int = 4096, allow_empty: bool = False) -> str:
    """``value`` if it is a string (non-empty unless ``allow_empty``) of at most ``max_length`` characters."""
    if not isinstance(value, str) or (not allow_empty and not value.strip()) or len(value) > max_length:
        raise InvalidInput(field, f"a {'' if allow_empty else 'non-empty '}string of at most {max_length} characters",
                           value if not isinstance(value, str) or len(value) <= 80 else value[:77] + "...")
    return value


def require_one_of(field: str, value, allowed: Iterable):
    """``value`` if it is one of ``allowed`` (compared with ``==``; bools never match numbers)."""
    choices = tuple(allowed)
    for choice in choices:
        if type(value) is type(choice) and value == choice:
            return choice
    raise InvalidInput(field, "one of " + ", ".join(repr(c) for c in choices), value)


def require_network(value, field: str = "network") -> str:
    """``"h"`` or ``"h*"`` (:data:`NETWORKS`)."""
    return require_one_of(field, value, NETWORKS)


def require_regular_file(field: str, path) -> str:
    """``path`` as a string if it names an existing regular file (FIFOs, devices and folders are refused).

    The check uses ``os.stat`` (symlinks followed): reading a FIFO would block
    forever and reading a device would never end, so both are refused before
    any ``open``.
    """
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str) or not path or "\x00" in path:
        raise InvalidInput(field, "a path to a file", path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InvalidInput(field, "an existing file", path) from None
    except OSError as exc:
        raise InvalidInput(field, "a readable file", path, detail=exc.strerror or "") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device or special file"
        raise InvalidInput(field, "a regular file", path, detail=f"it is {kind}")
    return path
