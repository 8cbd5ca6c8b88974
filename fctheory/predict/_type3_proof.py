"""The interval proof of theorem 2's solution: an enclosure of ``c`` and bounds on every ``ρ_b``.

Given the computed root ``c`` of eq. 8 (:class:`._type3_system.OuterEvaluation`),
let ``c_lo = c(1-δ)``, ``c_hi = c(1+δ)``, ``δ = 10^-(dps + ENCLOSURE_EXTRA_DIGITS)``.

1. *Inner bounds* (eq. 7, increasing in ``ρ``): at each end ``c_e`` every
   ``ρ_g(c_e)`` is enclosed by :func:`._roots.certify_increasing_root` around
   its first-order estimate ``ρ_g(c) (c_e/c)^{ε_g}`` (the elasticity of
   :class:`OuterEvaluation`), with a relative half-width ``δ'`` a quarter of
   the eq. 8 margin there.
2. *Outer signs* (eq. 8, decreasing in ``c``): ``Σ_g w_g (ρ_g^-(c_lo))^2 > L n_c^{L-1}``
   and ``Σ_g w_g (ρ_g^+(c_hi))^2 < L n_c^{L-1}`` in interval arithmetic, so the
   root lies in ``[c_lo, c_hi]``.
3. Because ``ρ_g`` decreases in ``c``, ``r_g = c ρ_g(c)`` then lies in
   ``[c_lo ρ_g^-(c_hi), c_hi ρ_g^+(c_lo)]`` (:meth:`Type3Proof.r_enclosure`).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from .._precision import iv_bounds
from ..setting import Setting
from ._enclosure import Enclosure
from ._sphere_sizes import _const
from ._roots import ENCLOSURE_EXTRA_DIGITS, certify_increasing_root
from ._type3_system import OuterEvaluation, WordGroups

__all__ = ["Type3Proof", "prove_type3"]


@dataclass(frozen=True)
class Type3Proof:
    """What the interval proof established (every statement proven in interval arithmetic).

    Attributes
    ----------
    c : Enclosure
        ``[c_lo, c_hi]`` contains the root of eq. 8.
    rho_low : tuple of mpf
        ``rho_low[g] <= ρ_g(c_hi)``, one per word group.
    rho_high : tuple of mpf
        ``rho_high[g] >= ρ_g(c_lo)``.
    """

    c: Enclosure
    rho_low: tuple
    rho_high: tuple

    def r_enclosure(self, ctx, g: int) -> Enclosure:
        """``[c_lo ρ_g^-(c_hi), c_hi ρ_g^+(c_lo)]``, which contains ``r_g = c ρ_g(c)``
        (``ρ_g`` decreases in ``c``), rounded outward in the interval context ``ctx``."""
        lo = iv_bounds(ctx.mpf(self.c.lo) * ctx.mpf(self.rho_low[g]))[0]
        hi = iv_bounds(ctx.mpf(self.c.hi) * ctx.mpf(self.rho_high[g]))[1]
        return Enclosure(lo, hi)


def _inner_bounds(ctx, setting: Setting, targets_iv, c_e, rhos, dprime):
    """Proven ``(lower, upper)`` bounds of every ``ρ_g(c_e)``, or None (eq. 7)."""
    n = setting.n_c
    k_iv = n * ctx.mpf(c_e) ** 2 / (n - 1)
    lows, highs = [], []
    for target_iv, rho in zip(targets_iv, rhos):

        def eq7(ctx, r_iv, target_iv=target_iv):  # log ρ + log(n-1+e^{kρ}) - log(μL/λ), increasing in ρ
            return ctx.log(r_iv) + ctx.log(n - 1 + ctx.exp(k_iv * r_iv)) - target_iv

        bounds = certify_increasing_root(eq7, ctx, rho, dprime)
        if bounds is None:
            return None
        lows.append(bounds[0])
        highs.append(bounds[1])
    return lows, highs


def prove_type3(setting: Setting, groups: WordGroups, at: OuterEvaluation, dps: int, ctx) -> Type3Proof | None:
    """Prove an enclosure of ``c`` and bounds on every ``ρ_g`` around ``at`` (module notes).

    Parameters
    ----------
    setting : Setting
    groups : WordGroups
    at : OuterEvaluation
        The outer function at the computed root (current mpmath precision).
    dps : int
        The enclosure of ``c`` has relative half-width ``10**-(dps + ENCLOSURE_EXTRA_DIGITS)``.
    ctx : interval context
        At the working precision.

    Returns
    -------
    Type3Proof or None
        None when a step of the proof could not be shown at this precision.
    """
    n, L = setting.n_c, setting.L
    delta = mpmath.mpf(10) ** (-(dps + ENCLOSURE_EXTRA_DIGITS))
    c = at.c
    c_lo, c_hi = c * (1 - delta), c * (1 + delta)
    lam_iv = _const(ctx, setting.lam)
    targets_iv = [ctx.log(mu * L / lam_iv) for mu in groups.pick(setting.mu.iv(ctx))]
    T = L * n ** (L - 1)
    rho_at_c = at.rho
    bounds = {}
    for name, c_e in (("lo", c_lo), ("hi", c_hi)):
        # ρ_g(c_e) ≈ ρ_g(c) (c_e/c)^{ε_g}: error O(δ^2), far below the half-width
        # δ' used next; the interval test is the proof.
        ratio_log = mpmath.log(c_e / c)
        rhos = [r * mpmath.exp(e * ratio_log) for r, e in zip(rho_at_c, at.elasticity)]
        total = mpmath.fsum(w * r * r for w, r in zip(groups.weights, rhos))
        margin = total - mpmath.mpf(T)
        if (name == "lo" and margin <= 0) or (name == "hi" and margin >= 0):
            return None
        found = _inner_bounds(ctx, setting, targets_iv, c_e, rhos, abs(margin) / (4 * total))
        if found is None:
            return None
        bounds[name] = found
    lows_lo, highs_lo = bounds["lo"]
    lows_hi, highs_hi = bounds["hi"]
    T_iv = ctx.mpf(T)
    sum_low = sum([w * ctx.mpf(r) ** 2 for w, r in zip(groups.weights, lows_lo)], ctx.mpf(0))
    sum_high = sum([w * ctx.mpf(r) ** 2 for w, r in zip(groups.weights, highs_hi)], ctx.mpf(0))
    if (sum_low > T_iv) is not True or (sum_high < T_iv) is not True:
        return None
    return Type3Proof(Enclosure(c_lo, c_hi), tuple(lows_hi), tuple(highs_lo))
