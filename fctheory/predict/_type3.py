"""Theorem 2: the type-III critical point of network h (non-uniform words), certified.

On the full set ``K = n_c^L`` a type-III configuration ``w_(a,b) = r_b f_a``,
``u_{k,l} = c f_{z_{k,l}}`` is a critical point of ``R`` iff (eq. 7-8,
appendix F, eq. 151-152)

.. math::

    \\frac{\\lambda}{L}\\,\\frac{r_b}{c}\\Bigl(n_c - 1 + e^{\\frac{n_c}{n_c-1} c r_b}\\Bigr) = \\mu_b
    \\quad (b = 1..s_c), \\qquad
    \\sum_b \\Bigl(\\frac{r_b}{c}\\Bigr)^2 = L n_c^{L-1}.

Writing ``ρ_b = r_b/c``, the first equation (the *inner* function of
proposition D) has a unique root ``ρ_b(c)``, decreasing in ``c``; the *outer*
function ``Σ_b ρ_b(c)^2 - L n_c^{L-1}`` then decreases from
``(L/(λ n_c))^2 Σ_b μ_b^2 - L n_c^{L-1}`` to ``-L n_c^{L-1}``: a unique ``c > 0``
exists iff (eq. 9)

.. math::

    \\lambda^2 < \\frac{L}{n_c^{L+1}} \\sum_b \\mu_b^2 .

The pieces: the equations and their evaluation (:mod:`._type3_system`), the
bracket, float64 presolve and outer solver (:mod:`._type3_solve`), the interval
proof (:mod:`._type3_proof`), the threshold (:func:`._thresholds.type3_threshold`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import mpmath

from .._precision import interval_context, iv_bounds
from .._validate import require_dps
from ..setting import require_setting
from ..errors import InvalidInput, NoNontrivialSolution, VerificationError
from ..setting import Setting
from ._enclosure import Enclosure, iv_log1p
from ._sphere_sizes import _const
from ._results import prediction_dict, residual_bound
from ._cost import require_affordable
from ._roots import guard_schedule
from ._thresholds import ThresholdValue, require_full_set, type3_threshold
from ._type1 import _as_nonneg_mpf
from ._type3_proof import Type3Proof, prove_type3
from ._type3_solve import float_presolve, outer_bracket_high, solve_outer
from ._type3_system import OuterEvaluation, WordGroups, reduced_risk, type3_equations, type3_residuals

__all__ = ["TypeIIIPrediction", "predict_type3", "type3_reduced_risk"]


@dataclass(frozen=True)
class TypeIIIPrediction:
    """Theorem 2's type-III critical point, certified.

    Attributes
    ----------
    setting : Setting
        A full-set setting (``K = n_c^L``).
    dps : int
        Requested digits; values are correct to ``dps`` significant digits.
    c : mpf
        The norm of every U block ``u_{k,l}``.
    r : tuple of mpf
        ``r[b]`` is the norm of the embedding of word ``b`` (0-based) in every
        concept; ordered like ``mu`` (more frequent words are larger).
    risk : mpf
        ``F(c, r)``, the risk of the critical configuration (appendix F).
    lambda_threshold : mpf
        :math:`\\sqrt{(L/n_c^{L+1}) \\sum_b \\mu_b^2}` (eq. 9).
    residual : mpf
        The largest relative residual of eq. 7 (``|lhs/μ_b - 1|`` over ``b``)
        and eq. 8 (``|Σ ρ_b^2 / (L n_c^{L-1}) - 1|``) at the working precision.
    enclosures : dict
        ``c``, ``risk``, ``lambda_threshold`` -> Enclosure; ``r`` -> tuple of
        Enclosure (one per word).
    working_dps : int
    """

    setting: Setting
    dps: int
    c: mpmath.mpf
    r: tuple
    risk: mpmath.mpf
    lambda_threshold: mpmath.mpf
    residual: mpmath.mpf
    enclosures: Mapping = field(repr=False)
    working_dps: int = field(repr=False)

    theorem = "theorem 2 (type III, network h, full set)"
    value_names = ("c", "r", "risk", "lambda_threshold")

    def to_dict(self) -> dict:
        """JSON-ready dict (decimal strings with ``dps`` digits; outward enclosures)."""
        return prediction_dict(self, {"theorem": self.theorem})


def type3_reduced_risk(setting: Setting, c, r, *, dps: int = 30):
    """``F(c, r)``: the risk of a type-III configuration on the full set (appendix F).

    Justified by the derivation ``fctheory derive type3`` (:func:`fctheory.symbolic.derive_type3`,
    step ``reduced-risk``): the risk of eq. 5 at a type-III configuration (definition 3), the
    partition function factorised over positions (lemma U, by induction on L).

    .. math::

        F(c, r) = L \\sum_b \\mu_b \\log\\bigl(1 + (n_c-1) e^{-n_c c r_b/(n_c-1)}\\bigr)
                  + \\frac{\\lambda}{2}\\Bigl(n_c \\sum_b r_b^2 + K L c^2\\Bigr)

    Parameters
    ----------
    setting : Setting
        Full set (``K = n_c^L``).
    c : number >= 0
    r : sequence of ``s_c`` numbers >= 0

    Returns
    -------
    mpmath.mpf
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    require_full_set(setting)
    if len(r) != setting.s_c:
        raise InvalidInput("r", f"a sequence of s_c = {setting.s_c} numbers", f"{len(r)} values")
    with mpmath.workdps(dps + 10):
        c = _as_nonneg_mpf("c", c)
        rs = [_as_nonneg_mpf(f"r[{b}]", v) for b, v in enumerate(r)]
        value = reduced_risk(mpmath.mp, setting, c, rs, setting.mu.mp(), setting.lam_mp(), mpmath.log1p)
    with mpmath.workdps(dps):
        return +value


def predict_type3(setting: Setting, *, dps: int = 30) -> TypeIIIPrediction:
    """Theorem 2: the type-III critical point ``(c, r_1..r_{s_c})``, certified.

    Eq. 7-8 are the stationarity conditions of F derived by ``fctheory derive type3``
    (:func:`fctheory.symbolic.derive_type3`); its ``check_numeric()`` evaluates the derived
    equations at this function's certified point.

    Parameters
    ----------
    setting : Setting
        Full set (``K = n_c^L``), any word law.
    dps : int, 15..1000

    Raises
    ------
    InvalidSetting
        If ``K != n_c^L``.
    NoNontrivialSolution
        If ``λ >= λ_III`` (eq. 9): then only ``W = U = 0`` remains; the
        message states the threshold, the exception carries ``threshold`` and
        ``risk`` (``log K``).  :func:`predict_type1` does the same above λ_I.
    ProblemTooLarge
        When the estimated cost (:func:`fctheory.predict.estimate_cost`) exceeds
        :data:`fctheory.predict.MAX_PREDICT_SECONDS`, with the estimate.

    Notes
    -----
    Eq. 9 is decided exactly first.  Then, at each working precision of the
    guard-digit ladder (:func:`._roots.guard_schedule`): the outer equation
    (eq. 8) is solved by safeguarded Newton in the bracket
    ``(0, 2 sqrt((n_c-1)/(λ n_c^L)))`` from the float64 presolve (or the
    previous rung's root), every inner equation (eq. 7) by Newton; then the
    interval proof (:func:`._type3_proof.prove_type3`) encloses ``c`` in
    ``[c_lo, c_hi]`` and each ``r_b`` in ``[c_lo ρ_b^-(c_hi), c_hi ρ_b^+(c_lo)]``.
    The first rung whose proof succeeds gives the result.
    """
    setting = require_setting(setting)
    dps = require_dps(dps)
    require_full_set(setting)
    require_affordable("type3", setting, dps)
    threshold = type3_threshold(setting, dps=dps)
    if not threshold.lam_below:
        with mpmath.workdps(dps):
            risk = mpmath.log(setting.K)  # R(0, 0) = log K
        raise NoNontrivialSolution(
            f"lam = {float(setting.lam):.6g} is at or above the type-III threshold (eq. 9) "
            f"lambda_III = {mpmath.nstr(threshold.value, 12)}: the only critical point of the type-III system is W = U = 0",
            threshold=threshold.value, risk=risk,
        )
    start = groups = None
    for work in guard_schedule(dps):
        with mpmath.workdps(work):
            if groups is None:
                groups = WordGroups.of(setting)
                start = float_presolve(setting, groups)
            root = solve_outer(type3_equations(setting, groups), outer_bracket_high(setting), start)
            ctx = interval_context(work)
            proof = prove_type3(setting, groups, root, dps, ctx)
            if proof is not None:
                return _prediction(setting, dps, work, groups, root, proof, threshold, ctx)
            start = root.c
    raise VerificationError(f"could not certify the type-III solution at dps={dps}")


def _prediction(setting: Setting, dps: int, work: int, groups: WordGroups, root: OuterEvaluation,
                proof: Type3Proof, threshold: ThresholdValue, ctx) -> TypeIIIPrediction:
    """The result from a proven root (current precision: ``work``)."""
    c, rho = root.c, root.rho
    r = groups.spread([c * rg for rg in rho])
    residual = type3_residuals(setting, groups, c, rho).largest
    if residual > residual_bound(dps):
        raise VerificationError(f"type-III residual {mpmath.nstr(residual, 3)} exceeds 1e-{dps - 5}")
    risk = reduced_risk(mpmath.mp, setting, c, list(r), setting.mu.mp(), setting.lam_mp(), mpmath.log1p)
    r_enc = groups.spread([proof.r_enclosure(ctx, g) for g in range(len(groups.weights))])
    risk_iv = reduced_risk(
        ctx, setting, ctx.mpf([proof.c.lo, proof.c.hi]), [ctx.mpf([e.lo, e.hi]) for e in r_enc],
        setting.mu.iv(ctx), _const(ctx, setting.lam), lambda v: iv_log1p(ctx, v),
    )
    enclosures = {
        "c": proof.c,
        "r": r_enc,
        "risk": Enclosure(*iv_bounds(risk_iv)),
        "lambda_threshold": threshold.enclosure,
    }
    return TypeIIIPrediction(setting, dps, c, r, risk, threshold.value, residual, enclosures, work)
