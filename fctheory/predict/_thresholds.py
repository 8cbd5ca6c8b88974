"""The λ thresholds: type I (``H'(0) = 0``) and type III (eq. 9).

* Type I (theorem 1, any K under assumption A, or a latent set's profile):
  :math:`\\lambda_I = \\eta \\sum_r r|S_r| / (1 + \\sum_r |S_r|)`, which under
  assumption A is :math:`\\sqrt{K L / n_w}/(1 + K - K/n_c^L)`.  For
  ``λ >= λ_I`` the minimizer of ``H`` is ``τ = 0``.
* Type III (eq. 9, eq. 150; full set only):
  :math:`\\lambda_{III}^2 = (L/n_c^{L+1}) \\sum_b \\mu_b^2`, rational for a
  rational word law (decided exactly), otherwise decided in interval
  arithmetic at increasing precision (:func:`type3_threshold`).

For uniform ``μ`` on the full set both equal :math:`\\sqrt{L/(s_c n_c^{L+1})}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

from .._precision import decimal_string, interval_context, iv_bounds
from .._validate import require_dps
from ..setting import require_setting
from ..errors import InvalidSetting, VerificationError
from ..setting import Setting
from ._enclosure import Enclosure
from ._sphere_sizes import SphereSizes, _const
from ._cost import require_affordable
from ._roots import GUARD_DIGITS
from ._type1 import _sphere_sizes_for, type1_threshold_squared

__all__ = ["ThresholdValue", "LambdaThresholds", "lambda_thresholds", "type3_threshold", "MAX_THRESHOLD_DPS"]

#: The most digits :func:`type3_threshold` uses to decide, for an irrational
#: word law, on which side of eq. 9 λ lies (the working precision doubles from
#: ``dps + GUARD_DIGITS[0]`` up to this); beyond it VerificationError is raised.
MAX_THRESHOLD_DPS = 4000


@dataclass(frozen=True)
class ThresholdValue:
    """One λ threshold.

    Attributes
    ----------
    value : mpf
        The threshold, correct to ``dps`` digits.
    enclosure : Enclosure
        Certified enclosure.
    squared : Fraction or None
        The exact rational square of the threshold, when the word law is rational.
    equation : str
        Where it comes from in the paper.
    lam_below : bool
        Whether the setting's λ is strictly below it (decided exactly, or in
        interval arithmetic for irrational word laws).
    """

    value: mpmath.mpf
    enclosure: Enclosure
    squared: Fraction | None
    equation: str
    lam_below: bool

    @classmethod
    def from_square(cls, squared: Fraction, dps: int, equation: str, lam_below: bool) -> "ThresholdValue":
        """The threshold whose square is the rational ``squared``: its value at
        ``dps + GUARD_DIGITS[0]`` digits and its interval enclosure."""
        work = dps + GUARD_DIGITS[0]
        ctx = interval_context(work)
        with mpmath.workdps(work):
            value = mpmath.sqrt(_const(mpmath.mp, squared))
            enclosure = Enclosure(*iv_bounds(ctx.sqrt(_const(ctx, squared))))
        return cls(value, enclosure, squared, equation, lam_below)

    def to_dict(self, dps: int) -> dict:
        sq = self.squared
        return {
            "value": decimal_string(self.value, dps),
            "enclosure": self.enclosure.to_list(dps),
            "squared": None if sq is None else f"{sq.numerator}/{sq.denominator}",
            "equation": self.equation,
            "lam_below": self.lam_below,
        }


@dataclass(frozen=True)
class LambdaThresholds:
    """The type-I and type-III thresholds of a setting.

    Attributes
    ----------
    setting : Setting
    dps : int
    type1 : ThresholdValue
    type3 : ThresholdValue or None
        ``None`` unless the setting is the full set (theorem 2's scope).
    """

    setting: Setting
    dps: int
    type1: ThresholdValue
    type3: ThresholdValue | None

    @property
    def agree(self) -> bool | None:
        """Whether the two thresholds are equal (exactly; ``None`` if undecidable
        or type III is not defined)."""
        if self.type3 is None or self.type1.squared is None or self.type3.squared is None:
            return None
        return self.type1.squared == self.type3.squared

    @property
    def governing(self) -> ThresholdValue:
        """The threshold that decides triviality: theorem 1's ``H'(0) = 0`` for uniform μ
        (or off the full set), eq. 9's (type III) otherwise."""
        return self.type1 if self.setting.mu.is_uniform or self.type3 is None else self.type3

    def to_dict(self) -> dict:
        return {
            "type1": self.type1.to_dict(self.dps),
            "type3": None if self.type3 is None else self.type3.to_dict(self.dps),
            "agree": self.agree,
            "dps": self.dps,
            "setting": self.setting.to_dict(),
        }


def lambda_thresholds(setting: Setting, *, dps: int = 30, sphere_sizes: SphereSizes | None = None) -> LambdaThresholds:
    """The λ thresholds of theorem 1 (type I) and eq. 9 (type III).

    Justified by the derivation ``fctheory derive threshold``
    (:func:`fctheory.symbolic.derive_thresholds`): ``H'(0) < 0`` for theorem 1's H, and
    proposition D's argument from eq. 7-8 for eq. 9.

    Parameters
    ----------
    setting : Setting
        Its λ is only used for the ``lam_below`` flags.
    dps : int
    sphere_sizes : SphereSizes, optional
        A latent set's profile for the type-I threshold (default assumption A).

    Examples
    --------
    >>> t = lambda_thresholds(Setting(3, 2, 3, "1/100"))
    >>> t.agree
    True
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    profile = _sphere_sizes_for(setting, sphere_sizes)
    require_affordable("threshold", setting, dps)
    squared = type1_threshold_squared(setting, profile)
    type1 = ThresholdValue.from_square(squared, dps, "theorem 1: H'(0) = 0", setting.lam * setting.lam < squared)
    type3 = type3_threshold(setting, dps=dps) if setting.is_full else None
    return LambdaThresholds(setting, dps, type1, type3)


def type3_threshold(setting: Setting, *, dps: int = 30) -> ThresholdValue:
    """The λ threshold of eq. 9 (eq. 150), with the exact decision ``λ < λ_III``.

    Derived by ``fctheory derive threshold`` (:func:`fctheory.symbolic.derive_thresholds`,
    step ``type3-threshold``).

    .. math::

        \\lambda_{III}^2 = \\frac{L}{n_c^{L+1}} \\sum_b \\mu_b^2

    is rational for a rational word law (``lam_below`` is decided exactly and
    ``squared`` is set); for an irrational Zipf law ``λ^2 < λ_III^2`` is
    decided in interval arithmetic at doubling precision, up to
    :data:`MAX_THRESHOLD_DPS` digits, and ``squared`` is None.

    Parameters
    ----------
    setting : Setting
        The full set (``K = n_c^L``, theorem 2's scope).
    dps : int

    Raises
    ------
    InvalidSetting
        If ``K != n_c^L``.
    VerificationError
        If λ is too close to the threshold to decide its side.
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    require_full_set(setting)
    require_affordable("threshold", setting, dps)
    n, L = setting.n_c, setting.L
    factor = Fraction(L, n ** (L + 1))
    exact = setting.mu.exact()
    lam_sq = setting.lam * setting.lam
    equation = "eq. 9 (eq. 150)"
    if exact is not None:
        squared = factor * sum((m * m for m in exact), Fraction(0))
        return ThresholdValue.from_square(squared, dps, equation, lam_sq < squared)
    work = dps + GUARD_DIGITS[0]
    while work <= MAX_THRESHOLD_DPS:
        ctx = interval_context(work)
        with mpmath.workdps(work):
            sq_iv = _const(ctx, factor) * sum((m * m for m in setting.mu.iv(ctx)), ctx.mpf(0))
            below = _const(ctx, lam_sq) < sq_iv  # True / False when proven, None when undecided
            if below is not None:
                value = mpmath.sqrt(_const(mpmath.mp, factor) * mpmath.fsum(m * m for m in setting.mu.mp()))
                return ThresholdValue(value, Enclosure(*iv_bounds(ctx.sqrt(sq_iv))), None, equation, below)
        work *= 2
    raise VerificationError(
        f"λ is too close to the eq. 9 threshold to decide its side with {MAX_THRESHOLD_DPS} digits"
    )


def require_full_set(setting: Setting) -> None:
    """Raise InvalidSetting unless ``K = n_c^L`` (theorem 2 and eq. 9 are stated for the full set)."""
    if not setting.is_full:
        raise InvalidSetting(
            "K", f"the full set n_c**L = {setting.n_latent_full} for type III (theorem 2 is stated for K = n_c^L)", setting.K
        )
