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
import re
import stat
from typing import Iterable

from .errors import InvalidInput

__all__ = ["NETWORKS", "MAX_N_C", "MAX_S_C", "MAX_L", "MAX_D", "MAX_LATENT_K", "MAX_LATENT_N_C", "MAX_LATENT_L",
           "MAX_SEED", "MAX_DPS", "MIN_DPS", "MAX_DECIMAL_EXPONENT", "MAX_RATIONAL_DIGITS", "MAX_FULL_SET_DIGITS",
           "MAX_ZIPF_EXPONENT",
           "require_int", "require_optional_int", "require_real", "require_fraction", "require_bool",
           "require_one_of", "require_network", "require_str", "require_regular_file", "require_seed",
           "require_dps", "require_latent_sizes", "require_latent_rows", "require_full_set_rows", "require_real_array",
           "require_setting", "require_ascii_number"]

#: The two networks of the paper: ``h`` (eq. 2, risk R of eq. 5) and ``h*`` (with LayerNorm, R* of eq. 10).
NETWORKS = ("h", "h*")
#: Implementation limits of a :class:`~fctheory.Setting` (not of the theory): every exact integer
#: ``n_c**L`` and every array of the setting stays of a size a computer can hold.
MAX_N_C = 10**6
MAX_S_C = 10**7
MAX_L = 10**4
MAX_D = 10**7
#: Largest explicit latent set (rows ``K``) any routine builds; refused *before* building it (the full set
#: ``n_c**L``, a random subset, a file's rows, a code's codewords).  The analyses of a set (assumption A,
#: lemma B, assumption B, sphere sizes) cost ``K**2`` work, and the exact risk ``K**2 s_c**L``: at
#: ``K = 2**17`` the first already takes minutes.
MAX_LATENT_K = 2**17
#: Limits of the latent-set *tools* (random subsets, files, codes, the symmetry checks), tighter than
#: the Setting's on purpose: they hold explicit rows, so ``K * L`` int64 entries (at most 2**17 * 64 =
#: 64 MiB) and one-hot rows of ``L * n_c`` columns (at most 4096) must stay small, whereas a Setting
#: feeds closed forms that never build rows (``predict`` with ``n_c = 10**6`` is fine).  Codes are over
#: GF(q) with q <= 64 for the same reason.
MAX_LATENT_N_C = 64
MAX_LATENT_L = 64
#: Seeds are numpy ``SeedSequence`` entropy; a non-negative integer below 2**63.
MAX_SEED = 2**63 - 1
#: Significant digits accepted by the certified solvers.
MIN_DPS, MAX_DPS = 15, 1000
#: A number read from text (or a Decimal) has a decimal exponent in
#: [-MAX_DECIMAL_EXPONENT, MAX_DECIMAL_EXPONENT] (``1e-1000`` is accepted, ``1e-1001`` is not); the check
#: comes before the exact value is built, so ``1e-9999999`` is refused at once instead of running for minutes.
MAX_DECIMAL_EXPONENT = 1000
#: The numerator and denominator of an exact input number have at most this many decimal digits.
MAX_RATIONAL_DIGITS = 3000
#: The full set's size ``n_c**L`` has at most this many decimal digits (``L * log10(n_c) < 4000``), so
#: that every exact integer of the setting can be printed (Python refuses integers above 4300 digits).
MAX_FULL_SET_DIGITS = 4000
#: Largest exponent ``s`` of a Zipf word law ``mu_b ~ b**-s``.
MAX_ZIPF_EXPONENT = 1000


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


def require_dps(value, field: str = "dps") -> int:
    """A number of significant digits, an integer in ``[MIN_DPS, MAX_DPS]`` = ``[15, 1000]``."""
    return require_int(field, value, lo=MIN_DPS, hi=MAX_DPS)


def require_latent_sizes(n_c, L) -> tuple[int, int]:
    """``(n_c, L)`` of an explicit latent set: ``2 <= n_c <= MAX_LATENT_N_C``, ``1 <= L <= MAX_LATENT_L``."""
    return require_int("n_c", n_c, lo=2, hi=MAX_LATENT_N_C), require_int("L", L, lo=1, hi=MAX_LATENT_L)


def require_latent_rows(K: int, *, what: str = "the latent set (K)", hint: str = "") -> int:
    """``K`` if an explicit latent set of ``K`` rows may be built (``K <= MAX_LATENT_K``), else
    :class:`~fctheory.errors.ProblemTooLarge` -- raised before anything is allocated."""
    from .errors import ProblemTooLarge

    if K > MAX_LATENT_K:
        raise ProblemTooLarge(what, K, MAX_LATENT_K,
                              hint or "a latent set is built row by row and analysed in K**2 work")
    return K


def require_full_set_rows(n_c, L) -> tuple[int, int]:
    """``(n_c, L)`` if the full set ``[n_c]^L`` may be built: ``n_c >= 2``, ``L >= 1`` integers within the
    Setting's limits and ``n_c**L <= MAX_LATENT_K``.  The size is decided on ``L log2 n_c`` first, so
    ``L = 10**10`` is refused without computing ``n_c**L``."""
    n_c = require_int("n_c", n_c, lo=2, hi=MAX_N_C)
    L = require_int("L", L, lo=1, hi=MAX_L)
    if L * math.log2(n_c) > math.log2(MAX_LATENT_K) + 1:
        raise _full_set_too_large(n_c, L)
    if n_c**L > MAX_LATENT_K:
        raise _full_set_too_large(n_c, L)
    return n_c, L


def _full_set_too_large(n_c: int, L: int):
    from .errors import ProblemTooLarge

    digits = L * math.log10(n_c)
    size = n_c**L if digits < 30 else f"about 10**{digits:.1f}"
    return ProblemTooLarge(f"the full latent set n_c**L = {n_c}**{L}", size, MAX_LATENT_K,
                           "a latent set is built row by row and analysed in K**2 work; use a smaller n_c or L")


def require_real_array(field: str, value, *, ndim: int | None = None, shape_text: str = ""):
    """``value`` as a float64 array of finite real numbers (a copy), with ``ndim`` dimensions if given.

    Complex arrays are refused (their imaginary part would be dropped silently), and so are
    booleans, objects and text.
    """
    import numpy as np

    allowed = f"a real array{' of shape ' + shape_text if shape_text else ''}"
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise InvalidInput(field, allowed, type(value).__name__) from None
    if raw.dtype.kind not in "iuf":
        kind = {"c": "complex", "b": "boolean", "O": "object", "U": "text", "S": "bytes"}.get(raw.dtype.kind, str(raw.dtype))
        raise InvalidInput(field, allowed, f"a {kind} array (dtype {raw.dtype})")
    arr = np.array(raw, dtype=np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise InvalidInput(field, f"a {ndim}-D real array{' of shape ' + shape_text if shape_text else ''}",
                           f"{arr.ndim}-D array of shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidInput(field, "an array of finite numbers", "an array containing inf or nan")
    return arr


def require_setting(value, field: str = "setting"):
    """``value`` if it is a :class:`~fctheory.Setting` (closed forms take a setting: a Problem is refused with
    the hint to pass ``problem.setting``, since its latent rows would be silently ignored)."""
    from .problem import Problem
    from .setting import Setting

    if isinstance(value, Setting):
        return value
    if isinstance(value, Problem):
        raise InvalidInput(field, "a fctheory.Setting", "a Problem",
                           detail="pass problem.setting (and sphere_sizes=fctheory.sphere_sizes(problem) for the "
                                  "latent set's own |S_r|)")
    shown = value if isinstance(value, str) and len(value) <= 40 else type(value).__name__
    raise InvalidInput(field, "a fctheory.Setting", shown,
                       detail="build one with fctheory.Setting(n_c, s_c, L, lam, ...) or Setting.paper()")


def require_ascii_number(field: str, text: str, cls: type = InvalidInput) -> str:
    """``text`` stripped, if it is short ASCII number text whose decimal exponent is within
    ``MAX_DECIMAL_EXPONENT``: decided on the characters, before any number is built.

    Non-ASCII digits (``"１"``, ``"²"``) are refused: Python's parsers accept some of them, and the
    exponent check below reads ASCII digits only.
    """
    allowed = "a decimal or fraction literal in ASCII characters (such as 0.001, 1e-3 or 1/1000)"
    if not isinstance(text, str):
        raise cls(field, allowed, text)
    stripped = text.strip()
    if not stripped or len(stripped) > 2000 or not stripped.isascii():
        raise cls(field, allowed, text)
    for match in _EXPONENTS.finditer(stripped):
        digits = match.group(1).replace("_", "").lstrip("+-") or "0"
        if len(digits) > 6 or int(digits) > MAX_DECIMAL_EXPONENT:
            raise cls(field, f"a number with a decimal exponent in [-{MAX_DECIMAL_EXPONENT}, {MAX_DECIMAL_EXPONENT}]",
                      text)
    return stripped


#: Every decimal exponent of a literal (both sides of a fraction ``"1e5/3e-7"``).
_EXPONENTS = re.compile(r"[eE]\s*([+-]?[0-9_]*)")
