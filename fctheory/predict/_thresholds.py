"""The λ thresholds: type I (``H'(0) = 0``) and type III (eq. 9).

* Type I (theorem 1, any K under assumption A, or a latent set's profile):
  :math:`\\lambda_I = \\eta \\sum_r r|S_r| / (1 + \\sum_r |S_r|)`, which under
  assumption A is :math:`\\sqrt{K L / n_w}/(1 + K - K/n_c^L)`.  For
  ``λ >= λ_I`` the minimizer of ``H`` is ``τ = 0``.
* Type III (eq. 9, eq. 150; full set only):
  :math:`\\lambda_{III}^2 = (L/n_c^{L+1}) \\sum_b \\mu_b^2`.

For uniform ``μ`` on the full set both equal :math:`\\sqrt{L/(s_c n_c^{L+1})}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

from .._precision import check_dps, decimal_string, interval_context, iv_bounds
from ..setting import Setting
from ._enclosure import Enclosure
from ._profile import SphereSizes, _const
from ._roots import GUARD_DIGITS
from ._type1 import _profile_for, type1_threshold_squared
from ._type3 import type3_threshold

__all__ = ["ThresholdValue", "LambdaThresholds", "lambda_thresholds"]


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
    dps = check_dps(dps)
    profile = _profile_for(setting, sphere_sizes)
    squared = type1_threshold_squared(setting, profile)
    work = dps + GUARD_DIGITS[0]
    ctx = interval_context(work)
    with mpmath.workdps(work):
        value = mpmath.sqrt(_const(mpmath.mp, squared))
        enclosure = Enclosure(*iv_bounds(ctx.sqrt(_const(ctx, squared))))
    type1 = ThresholdValue(
        value, enclosure, squared, "theorem 1: H'(0) = 0", setting.lam * setting.lam < squared
    )
    type3 = None
    if setting.is_full:
        thr = type3_threshold(setting, dps=dps)
        type3 = ThresholdValue(thr.value, thr.enclosure, thr.squared_exact, "eq. 9 (eq. 150)", thr.below)
    return LambdaThresholds(setting, dps, type1, type3)
