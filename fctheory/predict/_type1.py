"""Theorem 1: the type-I collapse of network h, as certified numbers.

.. math::

    H(t) = \\log\\Bigl(1 - \\tfrac{K}{n_c^L} + \\tfrac{K}{n_c^L}
           \\bigl(1 + (n_c-1)e^{-\\eta t}\\bigr)^L\\Bigr) + \\lambda t,
    \\qquad \\eta = \\frac{n_c}{n_c-1}\\,\\frac{1}{\\sqrt{n_w K L}}

(theorem 1; lemma K: a type-I configuration with word norm ``c`` has risk
``H(n_w c^2)``).  ``H`` is strictly convex; its minimizer ``τ`` gives the
word norm ``c = sqrt(τ/n_w)`` and the U-block norm ``c' = sqrt(τ/(K L))``, and
``min R = H(τ)``.  ``τ > 0`` exactly when ``H'(0) < 0``, i.e. when

.. math::

    \\lambda < \\lambda_I = \\eta\\,\\frac{\\sum_r r|S_r|}{1 + \\sum_r |S_r|}
    = \\frac{\\sqrt{K L / n_w}}{1 + K - K/n_c^L}\\quad\\text{(assumption A)};

otherwise the minimizer is ``W = U = 0`` (τ = 0).  With a latent set's own
sphere sizes (lemma B sets) the same statements hold for ``H_Z``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

import mpmath

from .._precision import decimal_string, fraction_to_mpf, interval_context, iv_bounds
from .._validate import require_ascii_number, require_dps
from ..setting import require_setting
from ..errors import InvalidInput, NoNontrivialSolution, VerificationError
from ..setting import Setting
from ._enclosure import Enclosure, iv_log1p
from ._sphere_sizes import SphereSizes, _const
from ._results import prediction_dict, residual_bound
from ._cost import require_affordable
from ._roots import GUARD_DIGITS, safeguarded_newton, solve_certified

__all__ = ["TypeIPrediction", "predict_type1", "H", "type1_threshold_squared"]


@dataclass(frozen=True)
class TypeIPrediction:
    """Theorem 1's prediction for one setting, certified.

    Attributes
    ----------
    setting : Setting
    dps : int
        Requested digits; every value is correct to ``dps`` significant
        digits (its enclosure proves it).
    trivial : bool
        Always False: at or above ``λ_I`` (decided exactly) the minimizer is
        ``W = U = 0`` and :func:`predict_type1` raises
        :class:`~fctheory.errors.NoNontrivialSolution` instead, as
        :func:`predict_type3` does above eq. 9.  The field stays in the JSON
        (``"trivial": false``).
    tau : mpf
        :math:`\\tau = \\arg\\min H = \\|W\\|_F^2 = \\|U\\|_F^2` (theorem 1).
    word_norm : mpf
        :math:`c = \\sqrt{\\tau / n_w}`, the norm of every word embedding.
    u_norm : mpf
        :math:`c' = \\sqrt{\\tau/(K L)}`, the norm of every block ``u_{k,l}``.
    risk : mpf
        :math:`\\min R = H(\\tau)` (lemma K).
    lambda_threshold : mpf
        :math:`\\lambda_I`, the λ at which ``H'(0) = 0``.
    residual : mpf
        :math:`|H'(\\tau)| / \\lambda`, the relative residual of the
        first-order condition at the working precision (0 when trivial).
    enclosures : dict of str to Enclosure
        Certified enclosures of ``tau``, ``word_norm``, ``u_norm``, ``risk``,
        ``lambda_threshold``.
    working_dps : int
        The precision at which the enclosure was proven.
    sphere_sizes : SphereSizes
        The distance profile used (assumption A unless a latent set's).
    """

    setting: Setting
    dps: int
    trivial: bool
    tau: mpmath.mpf
    word_norm: mpmath.mpf
    u_norm: mpmath.mpf
    risk: mpmath.mpf
    lambda_threshold: mpmath.mpf
    residual: mpmath.mpf
    enclosures: Mapping[str, Enclosure] = field(repr=False)
    working_dps: int = field(repr=False)
    sphere_sizes: SphereSizes = field(repr=False)

    theorem = "theorem 1 (type I, network h)"
    value_names = ("tau", "word_norm", "u_norm", "risk", "lambda_threshold")
    #: What ``tau`` is: type I's minimizer of H is a squared norm (type II's is a norm).
    tau_meaning = "||W||_F^2 = ||U||_F^2"

    @property
    def u_frobenius(self) -> mpmath.mpf:
        """:math:`\\|U\\|_F = \\sqrt\\tau` (theorem 1), the quantity type II's ``tau`` is."""
        with mpmath.workdps(self.working_dps):
            return +mpmath.sqrt(self.tau)

    def to_dict(self) -> dict:
        """JSON-ready dict: values as decimal strings with ``dps`` digits,
        enclosures as outward-rounded ``[lo, hi]`` strings."""
        return prediction_dict(self, {"theorem": self.theorem, "trivial": self.trivial})


def _sphere_sizes_for(setting: Setting, sphere_sizes) -> SphereSizes:
    if sphere_sizes is None:
        return SphereSizes.assumption_a(setting)
    if not isinstance(sphere_sizes, SphereSizes):
        raise InvalidInput("sphere_sizes", "a SphereSizes instance or None", type(sphere_sizes).__name__)
    sphere_sizes.require_matches(setting)
    return sphere_sizes


def eta_squared(setting: Setting) -> Fraction:
    """:math:`\\eta^2 = (n_c/(n_c-1))^2 / (n_w K L)` (theorem 1), exactly."""
    n = setting.n_c
    return Fraction(n * n, (n - 1) ** 2) / (setting.n_w * setting.K * setting.L)


def type1_threshold_squared(setting: Setting, sphere_sizes: SphereSizes | None = None) -> Fraction:
    """:math:`\\lambda_I^2`, exactly: ``H'(0) < 0`` iff ``λ^2 < λ_I^2``.

    :math:`H'(0) = \\lambda - \\eta \\sum_r r|S_r| / (1 + \\sum_r |S_r|)`.
    """
    profile = _sphere_sizes_for(setting, sphere_sizes)
    return eta_squared(setting) * (profile.first_moment() / profile.total()) ** 2


def _short(q: Fraction) -> str:
    """An exact number as typed when short (``1/100``), else 12 significant digits."""
    text = str(q)
    return text if len(text) <= 30 else decimal_string(q, 12)


def _sqrt_fraction(ctx, value: Fraction):
    return ctx.sqrt(_const(ctx, value))


def H(setting: Setting, t, *, dps: int = 30, sphere_sizes: SphereSizes | None = None):
    """The function :math:`H(t)` of theorem 1 (or ``H_Z`` for a latent set's profile).

    Justified by the derivation ``fctheory derive H`` (:func:`fctheory.symbolic.derive_H`):
    the risk of eq. 5 at a type-I configuration (definition 1) is ``H(n_w c^2)`` for symbolic
    n_c, L and K under assumption A (lemma K); its step ``H_Z`` gives ``H_Z`` for any
    latent set whose sphere sizes are the same for every class (lemma B (i)).

    Parameters
    ----------
    setting : Setting
    t : number, ``>= 0``
        The variable :math:`t = n_w c^2 = \\|W\\|_F^2`.
    dps : int
        Digits of the evaluation.

    Returns
    -------
    mpmath.mpf
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    profile = _sphere_sizes_for(setting, sphere_sizes)
    with mpmath.workdps(dps + 5):
        t = _as_nonneg_mpf("t", t)
        s = _sqrt_fraction(mpmath.mp, eta_squared(setting)) * t
        excess, _, _ = profile.evaluate(mpmath.mp, s)
        value = mpmath.log1p(excess) + setting.lam_mp() * t
    with mpmath.workdps(dps):
        return +value


def _as_nonneg_mpf(name: str, value):
    """A finite number >= 0 as an mpf at the current precision (text: ASCII, exponent checked first)."""
    if isinstance(value, bool):
        raise InvalidInput(name, "a finite real number >= 0", value)
    if isinstance(value, str):
        value = require_ascii_number(name, value)
    try:
        if isinstance(value, Fraction):
            out = fraction_to_mpf(value)
        else:
            out = mpmath.mpf(value)
    except (TypeError, ValueError):
        raise InvalidInput(name, "a finite real number >= 0", value) from None
    if not mpmath.isfinite(out) or out < 0:
        raise InvalidInput(name, "a finite real number >= 0", value)
    return out


def predict_type1(setting: Setting, *, dps: int = 30, sphere_sizes: SphereSizes | None = None) -> TypeIPrediction:
    """Theorem 1: the minimizer of ``H`` and the type-I constants, certified.

    ``H`` is the closed form derived by ``fctheory derive H`` (:func:`fctheory.symbolic.derive_H`,
    lemma K); its ``check_numeric()`` evaluates the derived H at this function's certified
    minimizer against the certified ``risk``.

    Parameters
    ----------
    setting : Setting
        Any ``K``; the closed form assumes assumption A unless
        ``sphere_sizes`` (a latent set's profile, lemma B) is given.
    dps : int, 15..1000
        Requested significant digits.
    sphere_sizes : SphereSizes, optional
        Use ``H_Z`` with these sphere sizes instead of assumption A.

    Returns
    -------
    TypeIPrediction

    Raises
    ------
    InvalidInput
        For a setting whose word law is not uniform: theorem 1 assumes
        :math:`\\mu_b = 1/s_c`.  Other laws: :func:`predict_type3` (theorem 2, full
        set), :func:`predict_type2` (network h*) or
        :func:`fctheory.certify_optimum` (the exact optimum of R).
    NoNontrivialSolution
        When ``λ >= λ_I`` (decided exactly): the minimizer is ``W = U = 0``;
        the exception carries ``threshold`` (λ_I) and ``risk`` (``H(0)``).
        :func:`predict_type3` does the same above eq. 9.
    ProblemTooLarge
        When the estimated cost (:func:`fctheory.predict.estimate_cost`)
        exceeds :data:`fctheory.predict.MAX_PREDICT_SECONDS`.

    Notes
    -----
    The trivial/non-trivial decision compares ``λ^2`` with the rational
    ``λ_I^2`` exactly.  Otherwise ``τ = s/η`` where ``s`` is the root of the
    increasing function ``F(s) = λ - η g(s)``, ``g = -Z'/Z``
    (``H'(t) = F(η t)``), found by safeguarded Newton on
    ``log λ - log(η g(s))`` inside the bracket ``(0, log(η Σ r|S_r| / λ) + 1]``
    and certified by proving ``F < 0 < F`` at the enclosure's endpoints in
    interval arithmetic.

    Examples
    --------
    >>> p = predict_type1(Setting.paper(), dps=20)
    >>> mpmath.nstr(p.word_norm, 6)
    '1.42214'
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    if not setting.mu.is_uniform:
        raise InvalidInput("mu", "uniform words for theorem 1 (it assumes mu_b = 1/s_c)", setting.mu.spec(),
                           detail="for another word law use predict_type3 (theorem 2, full set), predict_type2 "
                                  "(network h*) or certify_optimum (the exact optimum of R)")
    profile = _sphere_sizes_for(setting, sphere_sizes)
    require_affordable("type1", setting, dps, sphere_sizes=sphere_sizes)
    lam = setting.lam
    first_moment = profile.first_moment()
    threshold_sq = type1_threshold_squared(setting, profile)
    eta_sq = eta_squared(setting)
    KL = setting.K * setting.L

    if lam * lam >= threshold_sq:  # theorem 1: tau = 0, the minimizer is W = U = 0
        with mpmath.workdps(dps + GUARD_DIGITS[0]):
            risk = mpmath.log(_const(mpmath.mp, profile.total()))  # H(0)
            threshold = _sqrt_fraction(mpmath.mp, threshold_sq)
        raise NoNontrivialSolution(
            f"lam = {_short(lam)} is at or above the type-I threshold (theorem 1) lambda_I = "
            f"{decimal_string(threshold, 12)}: the minimizer is W = U = 0 (tau = 0, risk {decimal_string(risk, 12)})",
            threshold=threshold, risk=risk)

    def solve(start):
        lam_mp = setting.lam_mp()
        eta = _sqrt_fraction(mpmath.mp, eta_sq)
        log_target = mpmath.log(lam_mp / eta)

        def psi(s):
            # log(λ/η) - log g(s), increasing in s; its derivative is -g'/g = Z''/(-Z') - g
            excess, minus_dz, d2z = profile.evaluate(mpmath.mp, s)
            g = minus_dz / (1 + excess)
            return log_target - mpmath.log(g), d2z / minus_dz - g

        # F(upper) > 0 because g(s) <= e^{-s} sum_r r|S_r| for s >= 0
        upper = mpmath.log(eta * _const(mpmath.mp, first_moment) / lam_mp) + 1
        x0 = start if start is not None else mpmath.log(eta * _const(mpmath.mp, first_moment / profile.total()) / lam_mp)
        return safeguarded_newton(psi, mpmath.mpf(0), upper, x0, mpmath.eps * 8)

    def sign_function(ctx, S):
        # F(s) = λ - η g(s) = H'(s/η), theorem 1
        excess, minus_dz, _ = profile.evaluate(ctx, S)
        return _const(ctx, lam) - _sqrt_fraction(ctx, eta_sq) * minus_dz / (1 + excess)

    root = solve_certified(dps, solve, sign_function)
    work = root.working_dps
    ctx = interval_context(work)
    with mpmath.workdps(work):
        lam_mp = setting.lam_mp()
        eta = _sqrt_fraction(mpmath.mp, eta_sq)
        s = root.value
        tau = s / eta
        excess, minus_dz, _ = profile.evaluate(mpmath.mp, s)
        residual = abs(lam_mp - eta * minus_dz / (1 + excess)) / lam_mp
        risk = mpmath.log1p(excess) + lam_mp * tau
        word_norm = mpmath.sqrt(tau / setting.n_w)
        u_norm = mpmath.sqrt(tau / KL)
        threshold = _sqrt_fraction(mpmath.mp, threshold_sq)
        if residual > residual_bound(dps):
            raise VerificationError(f"type-I residual {mpmath.nstr(residual, 3)} exceeds 1e-{dps - 5}")
        s_iv = ctx.mpf([root.lo, root.hi])
        tau_iv = s_iv / _sqrt_fraction(ctx, eta_sq)
        excess_iv, _, _ = profile.evaluate(ctx, s_iv)
        encl = {
            "tau": Enclosure(*iv_bounds(tau_iv)),
            "word_norm": Enclosure(*iv_bounds(ctx.sqrt(tau_iv / setting.n_w))),
            "u_norm": Enclosure(*iv_bounds(ctx.sqrt(tau_iv / KL))),
            "risk": Enclosure(*iv_bounds(iv_log1p(ctx, excess_iv) + _const(ctx, lam) * tau_iv)),
            "lambda_threshold": Enclosure(*iv_bounds(_sqrt_fraction(ctx, threshold_sq))),
        }
    return TypeIPrediction(setting, dps, False, tau, word_norm, u_norm, risk, threshold, residual, encl, work, profile)
