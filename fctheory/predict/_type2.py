"""Theorem 3: the type-II collapse of network h* (LayerNorm), as certified numbers.

.. math::

    H^*(t) = \\log\\Bigl(1 - \\tfrac{K}{n_c^L} + \\tfrac{K}{n_c^L}
             \\bigl(1 + (n_c-1)e^{-\\eta^* t}\\bigr)^L\\Bigr) + \\frac{\\lambda}{2} t^2,
    \\qquad \\eta^* = \\frac{n_c}{n_c-1}\\sqrt{\\frac{d}{K L}}

(theorem 3; lemma R: a type-II configuration with ``||U||_F = t`` has risk
``H*(t)``).  ``H*`` is strictly convex with ``H*'(0) < 0``, so its minimizer
``τ* > 0`` for every λ: there is no threshold.  The U blocks have norm
``c = τ*/sqrt(K L)``, the LayerNorm'd words are ``sqrt(d) f_a`` whatever the
word law (LayerNorm removes the frequency dependence), and
``min R* = H*(τ*)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

import mpmath

from .._precision import interval_context, iv_bounds
from .._validate import require_dps
from ..setting import require_setting
from ..errors import VerificationError
from ..setting import Setting
from ._enclosure import Enclosure, iv_log1p
from ._sphere_sizes import SphereSizes, _const
from ._results import prediction_dict, residual_bound
from ._cost import require_affordable
from ._roots import safeguarded_newton, solve_certified
from ._type1 import _as_nonneg_mpf, _sphere_sizes_for, _sqrt_fraction

__all__ = ["TypeIIPrediction", "predict_type2", "H_star", "eta_star_squared"]


@dataclass(frozen=True)
class TypeIIPrediction:
    """Theorem 3's prediction for one setting, certified.

    Attributes
    ----------
    setting : Setting
    dps : int
        Requested digits; values are correct to ``dps`` significant digits.
    tau : mpf
        :math:`\\tau^* = \\arg\\min H^* = \\|U\\|_F`.
    u_norm : mpf
        :math:`c = \\tau^*/\\sqrt{K L}`, the norm of every block ``u_{k,l}``.
    risk : mpf
        :math:`\\min R^* = H^*(\\tau^*)` (lemma R).
    residual : mpf
        :math:`|H^{*\\prime}(\\tau^*)| / (\\lambda \\tau^*)`, the first-order
        condition relative to either of its two balancing terms.
    enclosures : dict of str to Enclosure
        Certified enclosures of ``tau``, ``u_norm`` and ``risk``.
    working_dps : int
    sphere_sizes : SphereSizes
    """

    setting: Setting
    dps: int
    tau: mpmath.mpf
    u_norm: mpmath.mpf
    risk: mpmath.mpf
    residual: mpmath.mpf
    enclosures: Mapping[str, Enclosure] = field(repr=False)
    working_dps: int = field(repr=False)
    sphere_sizes: SphereSizes = field(repr=False)

    theorem = "theorem 3 (type II, network h*)"
    value_names = ("tau", "u_norm", "risk")
    #: What ``tau`` is: type II's minimizer of H* is a norm (type I's is a squared norm).
    tau_meaning = "||U||_F"

    @property
    def u_frobenius(self) -> mpmath.mpf:
        """:math:`\\|U\\|_F = \\tau^*` (theorem 3); the same name as type I's."""
        return self.tau

    @property
    def feature_norm(self) -> mpmath.mpf:
        """:math:`\\|\\varphi(w_{(a,b)})\\| = \\sqrt d` (definition 2): the norm of every word's
        LayerNorm feature, the only word norm network h* fixes."""
        with mpmath.workdps(self.working_dps):
            return +mpmath.sqrt(self.setting.require_d(mean_zero=True))

    @property
    def word_norm(self):
        """Not defined for network h*: LayerNorm divides each embedding by its own norm, so the raw
        word norms do not enter R* (eq. 10) and theorem 3 does not fix them; see :attr:`feature_norm`."""
        raise AttributeError("TypeIIPrediction has no word_norm: network h* applies LayerNorm, so theorem 3 fixes "
                             "the feature norm ||phi(w)|| = sqrt(d) (feature_norm), not the raw word norms")

    def to_dict(self) -> dict:
        """JSON-ready dict (decimal strings with ``dps`` digits; outward enclosures)."""
        return prediction_dict(self, {"theorem": self.theorem})


def eta_star_squared(setting: Setting) -> Fraction:
    """:math:`\\eta^{*2} = (n_c/(n_c-1))^2\\, d / (K L)` (theorem 3), exactly.

    Needs ``d >= n_c`` (a mean-zero equiangular frame, definition 2).
    """
    d = setting.require_d(mean_zero=True)
    n = setting.n_c
    return Fraction(n * n * d, (n - 1) ** 2 * setting.K * setting.L)


def H_star(setting: Setting, t, *, dps: int = 30, sphere_sizes: SphereSizes | None = None):
    """The function :math:`H^*(t)` of theorem 3 (``t = \\|U\\|_F``).

    Justified by the derivation ``fctheory derive Hstar`` (:func:`fctheory.symbolic.derive_H_star`):
    the risk of eq. 10 at a type-II configuration (definition 2) is ``H*(||U||_F)`` for symbolic
    n_c, L and K under assumption A (lemma R).

    Returns
    -------
    mpmath.mpf
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    profile = _sphere_sizes_for(setting, sphere_sizes)
    eta_sq = eta_star_squared(setting)
    with mpmath.workdps(dps + 5):
        t = _as_nonneg_mpf("t", t)
        excess, _, _ = profile.evaluate(mpmath.mp, _sqrt_fraction(mpmath.mp, eta_sq) * t)
        value = mpmath.log1p(excess) + setting.lam_mp() * t * t / 2
    with mpmath.workdps(dps):
        return +value


def predict_type2(setting: Setting, *, dps: int = 30, sphere_sizes: SphereSizes | None = None) -> TypeIIPrediction:
    """Theorem 3: the minimizer of ``H*`` and the type-II constants, certified.

    ``H*`` is the closed form derived by ``fctheory derive Hstar``
    (:func:`fctheory.symbolic.derive_H_star`, lemma R).

    Parameters
    ----------
    setting : Setting
        Needs ``d >= n_c``; any word law (the prediction does not depend on it).
    dps : int, 15..1000
    sphere_sizes : SphereSizes, optional
        Use ``H*_Z`` with a latent set's sphere sizes (lemma B sets).

    Notes
    -----
    With ``s = η* t``, ``η* H*'(t) = F(s) = λ s - η*^2 g(s)``, ``g = -Z'/Z``
    positive and decreasing, so ``F`` increases from ``F(0) < 0``; the root
    lies in ``(0, 2 η*^2 g(0)/λ]``.  Newton runs on
    ``log(λ s) - log(η*^2 g(s))`` with bisection safeguards; the enclosure is
    proven by interval evaluation of ``F``.
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    require_affordable("type2", setting, dps, sphere_sizes=sphere_sizes)
    profile = _sphere_sizes_for(setting, sphere_sizes)
    eta_sq = eta_star_squared(setting)
    lam = setting.lam
    g0 = profile.first_moment() / profile.total()
    KL = setting.K * setting.L

    def solve(start):
        lam_mp = setting.lam_mp()
        log_scale = mpmath.log(_const(mpmath.mp, eta_sq) / lam_mp)

        def psi(s):
            # log(λ s / η*^2) - log g(s); derivative 1/s - g'/g = 1/s + Z''/(-Z') - g
            excess, minus_dz, d2z = profile.evaluate(mpmath.mp, s)
            g = minus_dz / (1 + excess)
            return mpmath.log(s) - log_scale - mpmath.log(g), 1 / s + d2z / minus_dz - g

        upper = 2 * _const(mpmath.mp, eta_sq * g0 / lam)
        x0 = start if start is not None else upper / 2
        return safeguarded_newton(psi, mpmath.mpf(0), upper, x0, mpmath.eps * 8)

    def sign_function(ctx, S):
        # F(s) = λ s - η*^2 g(s) = η* H*'(s/η*), theorem 3
        excess, minus_dz, _ = profile.evaluate(ctx, S)
        return _const(ctx, lam) * S - _const(ctx, eta_sq) * minus_dz / (1 + excess)

    root = solve_certified(dps, solve, sign_function)
    work = root.working_dps
    ctx = interval_context(work)
    with mpmath.workdps(work):
        lam_mp = setting.lam_mp()
        eta = _sqrt_fraction(mpmath.mp, eta_sq)
        s = root.value
        tau = s / eta
        excess, minus_dz, _ = profile.evaluate(mpmath.mp, s)
        residual = abs(lam_mp * s - _const(mpmath.mp, eta_sq) * minus_dz / (1 + excess)) / (lam_mp * s)
        if residual > residual_bound(dps):
            raise VerificationError(f"type-II residual {mpmath.nstr(residual, 3)} exceeds 1e-{dps - 5}")
        risk = mpmath.log1p(excess) + lam_mp * tau * tau / 2
        u_norm = tau / mpmath.sqrt(KL)
        s_iv = ctx.mpf([root.lo, root.hi])
        tau_iv = s_iv / _sqrt_fraction(ctx, eta_sq)
        excess_iv, _, _ = profile.evaluate(ctx, s_iv)
        encl = {
            "tau": Enclosure(*iv_bounds(tau_iv)),
            "u_norm": Enclosure(*iv_bounds(tau_iv / ctx.sqrt(ctx.mpf(KL)))),
            "risk": Enclosure(*iv_bounds(iv_log1p(ctx, excess_iv) + _const(ctx, lam) * tau_iv * tau_iv / 2)),
        }
    return TypeIIPrediction(setting, dps, tau, u_norm, risk, residual, encl, work, profile)
