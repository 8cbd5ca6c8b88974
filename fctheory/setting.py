"""The validated problem setting: sizes, regularization and the word law.

A :class:`Setting` is the single object every part of fctheory takes.  It
holds the data model of the paper (section 2 and appendix A):

* ``n_c`` concepts, ``s_c`` words per concept, vocabulary size
  :math:`n_w = n_c s_c`;
* sentence length ``L`` and ``K`` distinct latent variables
  :math:`z_1, \\dots, z_K \\in [n_c]^L` (``K = n_c**L`` is the full set);
* the regularization :math:`\\lambda > 0` of eq. (5) / eq. (10);
* an optional embedding dimension ``d``;
* the word law :math:`\\mu_1, \\dots, \\mu_{s_c}` (the same in every concept).

Numbers given as Python floats are read at their shortest decimal
representation (``0.001`` means exactly 1/1000), so that a high-precision
prediction computed from the library agrees with the same value typed on the
command line.  Strings are parsed as decimal or fraction literals with
:class:`fractions.Fraction` (never evaluated).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Sequence

import mpmath
import numpy as np

from ._precision import fraction_to_mpf, mpf_to_fraction
from ._validate import (MAX_D, MAX_DECIMAL_EXPONENT, MAX_FULL_SET_DIGITS, MAX_L, MAX_N_C, MAX_RATIONAL_DIGITS, MAX_S_C,
                        MAX_ZIPF_EXPONENT, require_ascii_number, require_int)
from .errors import InvalidInput, InvalidSetting

__all__ = ["Setting", "WordLaw", "to_fraction", "require_setting"]

# The limits live in fctheory._validate (one home for every limit; docs/limits.md lists them).
# MAX_N_C .. MAX_D keep every exact integer (``n_c**L``) and every array of the setting of a size a
# computer can hold: limits of the implementation, not of the theory.
#: An explicit word law whose exact sum differs from 1 by at most this much
#: (absolute) is rescaled by its exact sum; a larger difference is an error.
MU_SUM_TOLERANCE = Fraction(1, 10**12)


def to_fraction(field: str, value: Any, cls: type[InvalidSetting] = InvalidSetting) -> Fraction:
    """Convert a user number to an exact :class:`~fractions.Fraction`.

    Parameters
    ----------
    field : str
        Field name used in the error message.
    value : int, float, Fraction, Decimal, str, numpy scalar or mpmath.mpf
        Floats are read at their shortest decimal representation
        (``repr``); strings must be decimal (``"1e-3"``) or fraction
        (``"1/1000"``) literals.

    Raises
    ------
    InvalidSetting
        If the value is not a finite real number.
    """
    allowed = "a finite real number (int, float, Fraction, Decimal or a decimal/fraction string)"
    exponent_range = (f"a number with a decimal exponent in [-{MAX_DECIMAL_EXPONENT}, {MAX_DECIMAL_EXPONENT}] "
                      f"(numerator and denominator of at most {MAX_RATIONAL_DIGITS} digits)")
    if isinstance(value, bool):
        raise cls(field, allowed, value)
    try:
        if isinstance(value, Fraction):
            return _bounded(field, value, exponent_range, cls)
        if isinstance(value, numbers.Integral):
            return _bounded(field, Fraction(int(value)), exponent_range, cls)
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise cls(field, allowed, value)
            if value and abs(value.adjusted()) > MAX_DECIMAL_EXPONENT:
                raise cls(field, exponent_range, value)
            return _bounded(field, Fraction(value), exponent_range, cls)
        if isinstance(value, mpmath.mpf):
            if not mpmath.isfinite(value):
                raise cls(field, allowed, value)
            if value and abs(int(mpmath.mag(value))) > 3.33 * MAX_DECIMAL_EXPONENT:
                raise cls(field, exponent_range, value)
            return _bounded(field, mpf_to_fraction(value), exponent_range, cls)
        if isinstance(value, (float, np.floating)):
            value = float(value)
            if not math.isfinite(value):
                raise cls(field, allowed, value)
            return Fraction(repr(value))
        if isinstance(value, str):
            # ASCII only and every decimal exponent checked on the characters, before Fraction builds
            # 10**exponent (non-ASCII digits such as "９" would pass Fraction's parser unchecked)
            text = require_ascii_number(field, value, cls)
            return _bounded(field, Fraction(text), exponent_range, cls)
    except InvalidInput:  # raised above, with its own range
        raise
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        raise cls(field, allowed, value) from None
    raise cls(field, allowed, value)


_MAX_RATIONAL_BITS = int(MAX_RATIONAL_DIGITS * 3.3219280948873626) + 1


def _bounded(field: str, q: Fraction, allowed: str, cls) -> Fraction:
    if q.numerator.bit_length() > _MAX_RATIONAL_BITS or q.denominator.bit_length() > _MAX_RATIONAL_BITS:
        raise cls(field, allowed, f"a number of {q.numerator.bit_length()}/{q.denominator.bit_length()} bits")
    return q


def _as_int(field: str, value: Any, lo: int, hi: int | None) -> int:
    """A Setting size: an integer, an integral float (``3.0``) or ASCII digit text (``"3"``), in ``[lo, hi]``
    (:func:`fctheory._validate.require_int` on the converted value, raised as InvalidSetting)."""
    allowed = f"an integer >= {lo}" if hi is None else f"an integer in [{lo}, {hi}]"
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        if not float(value).is_integer():
            raise InvalidSetting(field, allowed, value)
        value = int(value)
    elif isinstance(value, str):
        text = value.strip().lstrip("+")
        # ASCII digits only ("²".isdigit() is True but int("²") fails); at most 30 of them
        if not (text.isascii() and text.isdigit() and len(text) <= 30):
            raise InvalidSetting(field, allowed, value)
        value = int(text)
    try:
        return require_int(field, value, lo=lo, hi=hi)
    except InvalidInput as exc:
        raise InvalidSetting(exc.field, exc.allowed, exc.got) from None


@dataclass(frozen=True)
class WordLaw:
    """The within-concept word frequencies :math:`\\mu_1, \\dots, \\mu_{s_c}`.

    Use :meth:`WordLaw.parse` to build one.  Three kinds exist:

    ``uniform``
        :math:`\\mu_b = 1/s_c`.
    ``zipf`` (exponent :math:`s`, default 1)
        :math:`\\mu_b \\propto b^{-s}`, the paper's long-tailed law.
    ``explicit``
        a given sequence of positive rationals summing to 1.

    Attributes
    ----------
    kind : str
        ``"uniform"``, ``"zipf"`` or ``"explicit"``.
    s_c : int
        Number of words per concept.
    exponent : Fraction or None
        The Zipf exponent (``kind == "zipf"`` only).
    values : tuple of Fraction or None
        The explicit law (``kind == "explicit"`` only).
    """

    kind: str
    s_c: int
    exponent: Fraction | None = None
    values: tuple[Fraction, ...] | None = None

    @classmethod
    def parse(cls, spec: Any, s_c: int) -> "WordLaw":
        """Build a word law from ``"uniform"``, ``"zipf"``, ``"zipf:EXP"``,
        a comma-separated string of numbers, or a sequence of numbers."""
        if isinstance(spec, WordLaw):
            if spec.s_c != s_c:
                raise InvalidSetting("mu", f"a word law over s_c = {s_c} words", f"law over {spec.s_c} words")
            return spec
        allowed = "'uniform', 'zipf', 'zipf:EXP' (EXP > 0) or a sequence of s_c positive numbers summing to 1"
        if isinstance(spec, str):
            text = spec.strip().lower()
            if text == "uniform":
                return cls("uniform", s_c)
            if text == "zipf" or text.startswith("zipf:"):
                exp_text = text[5:] if text.startswith("zipf:") else "1"
                exponent = to_fraction("mu (Zipf exponent)", exp_text)
                if not 0 < exponent <= MAX_ZIPF_EXPONENT:
                    raise InvalidSetting("mu (Zipf exponent)", f"in (0, {MAX_ZIPF_EXPONENT}]", exp_text)
                return cls("zipf", s_c, exponent=exponent)
            if "," in text or _looks_numeric(text):
                return cls._explicit([p for p in text.split(",")], s_c)
            raise InvalidSetting("mu", allowed, spec)
        if isinstance(spec, (Sequence, np.ndarray)):
            return cls._explicit(list(spec), s_c)
        raise InvalidSetting("mu", allowed, spec)

    @classmethod
    def _explicit(cls, items: list, s_c: int) -> "WordLaw":
        if len(items) != s_c:
            raise InvalidSetting("mu", f"a sequence of exactly s_c = {s_c} frequencies", f"{len(items)} values")
        values = [to_fraction(f"mu[{i}]", v) for i, v in enumerate(items)]
        for i, v in enumerate(values):
            if v <= 0:
                raise InvalidSetting(f"mu[{i}]", "a number > 0", items[i])
        total = sum(values, Fraction(0))
        if abs(total - 1) > MU_SUM_TOLERANCE:
            raise InvalidSetting("mu", "a sequence summing to 1 (within 1e-12)", f"sum = {float(total)!r}")
        if total != 1:
            values = [v / total for v in values]
        if all(v == values[0] for v in values):
            return cls("uniform", s_c)
        return cls("explicit", s_c, values=tuple(values))

    # ------------------------------------------------------------------ access
    @property
    def is_uniform(self) -> bool:
        """True when every word has frequency ``1/s_c``."""
        return self.kind == "uniform" or self.s_c == 1

    def exact(self) -> tuple[Fraction, ...] | None:
        """The law as exact rationals, or ``None`` when it is irrational
        (a Zipf law with a non-integer exponent)."""
        if self.kind == "uniform":
            return tuple(Fraction(1, self.s_c) for _ in range(self.s_c))
        if self.kind == "explicit":
            return self.values
        if self.exponent.denominator == 1:
            weights = [Fraction(1, b ** self.exponent.numerator) for b in range(1, self.s_c + 1)]
            total = sum(weights, Fraction(0))
            return tuple(w / total for w in weights)
        return None

    def mp(self) -> list:
        """The law as :class:`mpmath.mpf` at the *current* mpmath precision.

        Call inside ``mpmath.workdps(...)``.
        """
        exact = self.exact()
        if exact is not None:
            return [fraction_to_mpf(v) for v in exact]
        s = fraction_to_mpf(self.exponent)
        weights = [mpmath.power(b, -s) for b in range(1, self.s_c + 1)]
        total = mpmath.fsum(weights)
        return [w / total for w in weights]

    def iv(self, ctx) -> list:
        """The law as intervals of the interval context ``ctx`` (e.g.
        :func:`fctheory._precision.interval_context`): exact rationals are
        enclosed tightly, an irrational Zipf law is computed in interval
        arithmetic."""
        exact = self.exact()
        if exact is not None:
            return [fraction_to_mpf(v, ctx) for v in exact]
        s = fraction_to_mpf(self.exponent, ctx)
        weights = [ctx.exp(-s * ctx.log(b)) for b in range(1, self.s_c + 1)]
        total = sum(weights, ctx.mpf(0))
        return [w / total for w in weights]

    def as_array(self) -> np.ndarray:
        """The law as a float64 array of shape ``(s_c,)``."""
        with mpmath.workdps(30):
            return np.array([float(v) for v in self.mp()], dtype=float)

    def spec(self) -> str:
        """A short string naming the law (``uniform``, ``zipf:1``, ``explicit``)."""
        if self.kind == "zipf":
            return f"zipf:{self.exponent}"
        return self.kind

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind, "spec": self.spec()}
        if self.kind == "explicit":
            out["values"] = [str(v) for v in self.values]
        return out


def _looks_numeric(text: str) -> bool:
    """Whether ``text`` is shaped like one decimal or fraction literal (decided on the characters: no
    number is built here, so ``"1e99999999"`` costs nothing; :func:`to_fraction` checks its exponent)."""
    return _NUMBER.fullmatch(text.strip()) is not None


#: One decimal or fraction literal (``1``, ``0.5``, ``.5``, ``1e-3``, ``1/3``), ASCII digits only.
_NUMBER = re.compile(r"[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE]\s*[+-]?[0-9_]+)?"
                     r"(?:\s*/\s*[+-]?[0-9_]+)?", re.ASCII)


class Setting:
    """A validated setting of the paper's model.

    Parameters
    ----------
    n_c : int
        Number of concepts, ``>= 2``.
    s_c : int
        Words per concept, ``>= 1``; the vocabulary has ``n_w = n_c * s_c`` words.
    L : int
        Sentence length, ``>= 1``.
    lam : number
        Regularization :math:`\\lambda > 0` of eq. (5) / (10).  Stored exactly
        as a :class:`~fractions.Fraction` (floats at their shortest decimal
        representation).
    K : int, optional
        Number of latent variables, ``2 <= K <= n_c**L``.  ``None`` (default)
        means the full set ``K = n_c**L``.
    d : int, optional
        Embedding dimension; must allow an equiangular frame, ``d >= n_c - 1``
        (type II needs ``d >= n_c``, checked where it is used).
    mu : str or sequence, optional
        ``"uniform"`` (default), ``"zipf"``, ``"zipf:EXP"`` or ``s_c``
        positive numbers summing to 1 (exact rationals accepted).

    Raises
    ------
    InvalidSetting
        Naming the field and its allowed range, for any invalid input.

    Examples
    --------
    >>> s = Setting(3, 400, 15, 0.001, K=1000, d=100)
    >>> s.n_w, s.K, s.lam
    (1200, 1000, Fraction(1, 1000))
    """

    __slots__ = ("n_c", "s_c", "L", "lam", "K", "d", "mu")

    n_c: int
    s_c: int
    L: int
    lam: Fraction
    K: int
    d: int | None
    mu: WordLaw

    def __init__(self, n_c, s_c, L, lam, *, K=None, d=None, mu="uniform"):
        n_c = _as_int("n_c", n_c, 2, MAX_N_C)
        s_c = _as_int("s_c", s_c, 1, MAX_S_C)
        L = _as_int("L", L, 1, MAX_L)
        lam_exact = to_fraction("lam", lam)
        if lam_exact <= 0:
            raise InvalidSetting("lam", "a finite number > 0", lam)
        if L * math.log10(n_c) >= MAX_FULL_SET_DIGITS:
            raise InvalidSetting("L", f"an integer with n_c**L below 10**{MAX_FULL_SET_DIGITS} "
                                      f"(L < {math.ceil(MAX_FULL_SET_DIGITS / math.log10(n_c))} for n_c = {n_c})", L)
        full = n_c**L
        if K is None:
            K = full
        else:
            K = _as_int("K", K, 2, None)
            if K > full:
                raise InvalidSetting("K", f"an integer in [2, n_c**L] = [2, {_int_text(full)}]", K)
        if d is not None:
            d = _as_int("d", d, max(1, n_c - 1), MAX_D)
        law = WordLaw.parse(mu, s_c)
        for name, value in (("n_c", n_c), ("s_c", s_c), ("L", L), ("lam", lam_exact), ("K", K), ("d", d), ("mu", law)):
            object.__setattr__(self, name, value)

    # Immutability (a frozen value object) -----------------------------------
    def __setattr__(self, name, value):
        raise AttributeError("Setting is immutable; use Setting.replace(...)")

    def __delattr__(self, name):
        raise AttributeError("Setting is immutable")

    def _key(self):
        return (self.n_c, self.s_c, self.L, self.lam, self.K, self.d, self.mu)

    def __eq__(self, other):
        return isinstance(other, Setting) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __reduce__(self):
        # pickle (worker processes) through the validating constructor
        return (_rebuild_setting, (self.n_c, self.s_c, self.L, self.lam, None if self.is_full else self.K, self.d, self.mu))

    def __repr__(self):
        K = "None" if self.is_full else str(self.K)
        return (
            f"Setting(n_c={self.n_c}, s_c={self.s_c}, L={self.L}, lam={str(self.lam)!r}, "
            f"K={K}, d={self.d}, mu={self.mu.spec()!r})"
        )

    # Derived quantities ----------------------------------------------------
    @property
    def n_w(self) -> int:
        """Vocabulary size :math:`n_w = n_c s_c`."""
        return self.n_c * self.s_c

    @property
    def n_latent_full(self) -> int:
        """:math:`n_c^L`, the number of possible latent variables."""
        return self.n_c**self.L

    @property
    def is_full(self) -> bool:
        """True when ``K = n_c**L`` (every latent variable present)."""
        return self.K == self.n_latent_full

    @property
    def latent_fraction(self) -> Fraction:
        """:math:`K / n_c^L`, exactly."""
        return Fraction(self.K, self.n_latent_full)

    def lam_mp(self):
        """λ as an mpmath number at the current precision."""
        return fraction_to_mpf(self.lam)

    def require_d(self, *, mean_zero: bool) -> int:
        """Return ``d``, checking it allows the needed frame.

        Equiangular frames exist iff ``d >= n_c - 1``; mean-zero equiangular
        frames (type II, LayerNorm) iff ``d >= n_c``.
        """
        lo = self.n_c if mean_zero else self.n_c - 1
        what = "mean-zero equiangular frame (type II)" if mean_zero else "equiangular frame"
        if self.d is None:
            raise InvalidSetting("d", f"an integer >= {lo} (needed for the {what}); it was not given", None)
        if self.d < lo:
            raise InvalidSetting("d", f"an integer >= {lo} for a {what}", self.d)
        return self.d

    def replace(self, **changes) -> "Setting":
        """A copy with some fields changed (and re-validated)."""
        fields = {
            "n_c": self.n_c,
            "s_c": self.s_c,
            "L": self.L,
            "lam": self.lam,
            "K": None if self.is_full else self.K,
            "d": self.d,
            "mu": self.mu,
        }
        if "s_c" in changes and "mu" not in changes and self.mu.kind != "explicit":
            fields["mu"] = self.mu.spec()
        fields.update(changes)
        n_c, s_c, L, lam = fields.pop("n_c"), fields.pop("s_c"), fields.pop("L"), fields.pop("lam")
        return Setting(n_c, s_c, L, lam, **fields)

    @classmethod
    def paper(cls, **changes) -> "Setting":
        """The paper's experimental setting (section 5): ``n_c = 3``,
        ``s_c = 400`` (``n_w = 1200``), ``L = 15``, ``K = 1000``,
        ``λ = 0.001``, ``d = 100``, uniform words."""
        base = dict(n_c=3, s_c=400, L=15, lam=Fraction(1, 1000), K=1000, d=100, mu="uniform")
        base.update(changes)
        n_c, s_c, L, lam = base.pop("n_c"), base.pop("s_c"), base.pop("L"), base.pop("lam")
        return cls(n_c, s_c, L, lam, **base)

    def to_dict(self) -> dict:
        """A JSON-ready description (λ as an exact fraction string)."""
        return {
            "n_c": self.n_c,
            "s_c": self.s_c,
            "n_w": self.n_w,
            "L": self.L,
            "K": self.K,
            "full_set": self.is_full,
            "lam": str(self.lam),
            "d": self.d,
            "mu": self.mu.to_dict(),
        }


def _rebuild_setting(n_c, s_c, L, lam, K, d, mu) -> Setting:
    return Setting(n_c, s_c, L, lam, K=K, d=d, mu=mu)


def _int_text(value: int) -> str:
    text = str(value)
    return text if len(text) <= 30 else f"{text[:6]}...({len(text)} digits)"


def require_setting(value, field: str = "setting"):
    """``value`` if it is a :class:`~fctheory.Setting` (closed forms take a setting: a Problem is refused with
    the hint to pass ``problem.setting``, since its latent rows would be silently ignored)."""
    if isinstance(value, Setting):
        return value
    if type(value).__name__ == "Problem" and hasattr(value, "setting"):
        raise InvalidInput(field, "a fctheory.Setting", "a Problem",
                           detail="pass problem.setting (and sphere_sizes=fctheory.sphere_sizes(problem) for the "
                                  "latent set's own |S_r|)")
    shown = value if isinstance(value, str) and len(value) <= 40 else type(value).__name__
    raise InvalidInput(field, "a fctheory.Setting", shown,
                       detail="build one with fctheory.Setting(n_c, s_c, L, lam, ...) or Setting.paper()")
