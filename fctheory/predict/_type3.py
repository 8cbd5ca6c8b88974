"""Theorem 2: the type-III critical point of network h (non-uniform words), certified.

On the full set ``K = n_c^L`` a type-III configuration ``w_(a,b) = r_b f_a``,
``u_{k,l} = c f_{z_{k,l}}`` is a critical point of ``R`` iff (eq. 7-8,
appendix F, eq. 151-152)

.. math::

    \\frac{\\lambda}{L}\\,\\frac{r_b}{c}\\Bigl(n_c - 1 + e^{\\frac{n_c}{n_c-1} c r_b}\\Bigr) = \\mu_b
    \\quad (b = 1..s_c), \\qquad
    \\sum_b \\Bigl(\\frac{r_b}{c}\\Bigr)^2 = L n_c^{L-1}.

Writing ``ρ_b = r_b/c`` and ``k = n_c c^2/(n_c-1)``, the first equation reads
``(λ/L) ρ_b (n_c - 1 + e^{k ρ_b}) = μ_b``: its left side increases in ``ρ_b``
(the *inner* monotone function, proposition D) and, for fixed ``ρ_b``, in
``c``, so ``ρ_b(c)`` is unique and decreasing in ``c``.  The *outer* function
``G(c) = Σ_b ρ_b(c)^2 - L n_c^{L-1}`` therefore decreases from
``G(0^+) = (L/(λ n_c))^2 Σ_b μ_b^2 - L n_c^{L-1}`` to ``-L n_c^{L-1}``: a unique
``c > 0`` exists iff ``G(0^+) > 0``, i.e. (eq. 9)

.. math::

    \\lambda^2 < \\frac{L}{n_c^{L+1}} \\sum_b \\mu_b^2 .

On the ansatz the risk is (appendix F)
``F(c, r) = L Σ_b μ_b log(1 + (n_c-1) e^{-n_c c r_b/(n_c-1)}) + (λ/2)(n_c Σ_b r_b^2 + K L c^2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

import mpmath
import numpy as np

from .._precision import check_dps, interval_context, iv_bounds
from ..errors import InvalidInput, InvalidSetting, NoNontrivialSolution, VerificationError
from ..setting import Setting
from ._enclosure import Enclosure
from ._profile import _const
from ._results import prediction_dict, residual_bound
from ._roots import GUARD_DIGITS, guard_schedule, safeguarded_newton
from ._type1 import _as_nonneg_mpf

__all__ = ["TypeIIIPrediction", "predict_type3", "type3_reduced_risk", "type3_threshold"]

_MAX_INNER_ITERATIONS = 400
_MAX_THRESHOLD_DPS = 4000


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


# --------------------------------------------------------------------------- threshold
@dataclass(frozen=True)
class _Threshold:
    value: mpmath.mpf
    enclosure: Enclosure
    squared_exact: Fraction | None
    below: bool  # λ < threshold, decided exactly or by interval arithmetic


def _require_full(setting: Setting) -> None:
    if not setting.is_full:
        raise InvalidSetting(
            "K", f"the full set n_c**L = {setting.n_latent_full} for type III (theorem 2 is stated for K = n_c^L)", setting.K
        )


def type3_threshold(setting: Setting, *, dps: int = 30) -> _Threshold:
    """The λ threshold of eq. 9, with the exact decision ``λ < λ_III``.

    :math:`\\lambda_{III}^2 = (L / n_c^{L+1}) \\sum_b \\mu_b^2` is rational for
    rational word laws (decided exactly); for an irrational Zipf law the
    comparison is decided in interval arithmetic at increasing precision.
    """
    dps = check_dps(dps)
    n, L = setting.n_c, setting.L
    factor = Fraction(L, n ** (L + 1))
    exact = setting.mu.exact()
    lam_sq = setting.lam * setting.lam
    work = dps + GUARD_DIGITS[0]
    if exact is not None:
        squared = factor * sum((m * m for m in exact), Fraction(0))
        below = lam_sq < squared
        ctx = interval_context(work)
        with mpmath.workdps(work):
            value = mpmath.sqrt(_const(mpmath.mp, squared))
            enc = Enclosure(*iv_bounds(ctx.sqrt(_const(ctx, squared))))
        return _Threshold(value, enc, squared, below)
    while work <= _MAX_THRESHOLD_DPS:
        ctx = interval_context(work)
        with mpmath.workdps(work):
            sq_iv = _const(ctx, factor) * sum((m * m for m in setting.mu.iv(ctx)), ctx.mpf(0))
            below = _const(ctx, lam_sq) < sq_iv  # True / False when proven, None when undecided
            if below is not None:
                value = mpmath.sqrt(_const(mpmath.mp, factor) * mpmath.fsum(m * m for m in setting.mu.mp()))
                return _Threshold(value, Enclosure(*iv_bounds(ctx.sqrt(sq_iv))), None, below)
        work *= 2
    raise VerificationError(
        f"λ is too close to the eq. 9 threshold to decide its side with {_MAX_THRESHOLD_DPS} digits"
    )


# --------------------------------------------------------------------------- the system
class _System:
    """The type-III system in the variables ``x = log c`` and ``y_b = log ρ_b``,
    grouped by distinct word frequencies (words with equal ``μ_b`` share ``ρ_b``)."""

    def __init__(self, setting: Setting, groups_mu, weights):
        self.setting = setting
        self.n = setting.n_c
        self.L = setting.L
        self.mu = groups_mu  # mp values at the current precision, one per group
        self.weights = weights  # multiplicities (ints)
        lam = setting.lam_mp()
        self.log_n1 = mpmath.log(self.n - 1)
        self.log_kfactor = mpmath.log(mpmath.mpf(self.n) / (self.n - 1))
        self.targets = [mpmath.log(m * self.L / lam) for m in groups_mu]  # log(μ L / λ)
        self.log_T = mpmath.log(self.L) + (self.L - 1) * mpmath.log(self.n)  # log(L n^{L-1}), eq. 8
        self.y = [t - mpmath.log(self.n) for t in self.targets]  # ρ at c = 0: μ L/(λ n)
        self.tol = mpmath.eps * 8
        self.x = None
        self.elasticities = None

    def inner(self, x, j, y):
        """Solve ``y + log(n-1+e^{u}) = log(μ L/λ)``, ``u = k e^y`` (eq. 7 in logs).

        Convex and increasing in ``y`` with slope >= 1: Newton converges from any
        start (monotonically once right of the root)."""
        log_k = self.log_kfactor + 2 * x
        target = self.targets[j]
        n1 = self.n - 1
        for _ in range(_MAX_INNER_ITERATIONS):
            u = mpmath.exp(log_k + y)
            e = mpmath.exp(-u)
            f = y + u + mpmath.log1p(n1 * e) - target
            q = 1 / (1 + n1 * e)
            step = f / (1 + u * q)
            y = y - step
            if abs(step) <= self.tol * max(1, abs(y)):
                return y
        raise VerificationError("type-III inner equation (eq. 7) did not converge")

    def outer(self, x):
        """``(Ψ(x), Ψ'(x))`` with ``Ψ = log Σ_b ρ_b^2 - log(L n^{L-1})`` (eq. 8), decreasing.

        Also stores, for the last ``x``, every ``y_b`` and the elasticity
        ``d log ρ_b / d log c = -2uq/(1+uq)`` (implicit differentiation of eq. 7)."""
        log_k = self.log_kfactor + 2 * x
        ys = [self.inner(x, j, y) for j, y in enumerate(self.y)]
        self.y = ys
        terms = [w * mpmath.exp(2 * y) for w, y in zip(self.weights, ys)]
        total = mpmath.fsum(terms)
        n1 = self.n - 1
        elasticities = []
        for y in ys:
            u = mpmath.exp(log_k + y)
            q = 1 / (1 + n1 * mpmath.exp(-u))
            elasticities.append(-2 * u * q / (1 + u * q))
        self.x, self.elasticities = x, elasticities
        slope = mpmath.fsum(2 * t * e for t, e in zip(terms, elasticities))
        return mpmath.log(total) - self.log_T, slope / total


def _float_presolve(setting: Setting, log_mu: np.ndarray, weights: np.ndarray):
    """The same system in float64 log-space (numpy, vectorised): a start for
    the high-precision solve.  Returns ``x = log c`` or None if float64 fails."""
    n, L = setting.n_c, setting.L
    log_lam = math.log(setting.lam.numerator) - math.log(setting.lam.denominator)
    targets = log_mu + math.log(L) - log_lam
    log_T = math.log(L) + (L - 1) * math.log(n)
    log_kf = math.log(n / (n - 1))
    log_w = np.log(weights)
    y = targets - math.log(n)

    def outer(x):
        nonlocal y
        log_k = log_kf + 2 * x
        yy = np.minimum(y, targets - math.log(n))
        for _ in range(200):
            u = np.exp(log_k + yy)
            e = np.exp(-u)
            f = yy + u + np.log1p((n - 1) * e) - targets
            q = 1 / (1 + (n - 1) * e)
            step = f / (1 + u * q)
            yy = yy - step
            if np.max(np.abs(step)) <= 1e-15 * max(1.0, float(np.max(np.abs(yy)))):
                break
        y = yy
        u = np.exp(log_k + yy)
        q = 1 / (1 + (n - 1) * np.exp(-u))
        a = log_w + 2 * yy
        amax = a.max()
        p = np.exp(a - amax)
        psi = amax + math.log(p.sum()) - log_T
        dpsi = float(np.sum(p * 2 * (-2 * u * q / (1 + u * q))) / p.sum())
        return psi, dpsi

    with np.errstate(all="ignore"):
        try:
            x = 0.0
            psi, _ = outer(x)
            step = 1.0
            if not math.isfinite(psi):
                return None
            lo, hi = (x, None) if psi > 0 else (None, x)
            while lo is None or hi is None:  # expand until Ψ changes sign (Ψ decreasing)
                x = (hi - step) if lo is None else (lo + step)
                psi, _ = outer(x)
                if not math.isfinite(psi) or step > 1e4:
                    return None
                if psi > 0:
                    lo = x
                else:
                    hi = x
                step *= 2
            x = (lo + hi) / 2
            for _ in range(200):
                psi, dpsi = outer(x)
                if not math.isfinite(psi):
                    return None
                if psi > 0:
                    lo = x
                else:
                    hi = x
                cand = x - psi / dpsi if dpsi < 0 else None
                if cand is None or not lo < cand < hi:
                    cand = (lo + hi) / 2
                if abs(cand - x) <= 1e-14 * max(1.0, abs(x)) or hi - lo <= 1e-14 * max(1.0, abs(x)):
                    return cand
                x = cand
        except (OverflowError, ValueError, ZeroDivisionError):
            return None
    return None


def _groups(setting: Setting):
    """Distinct word frequencies: (values at current precision, multiplicities, word -> group)."""
    exact = setting.mu.exact()
    values = exact if exact is not None else setting.mu.mp()
    index: dict = {}
    word_group = []
    for v in values:
        if v not in index:
            index[v] = len(index)
        word_group.append(index[v])
    distinct = list(index)
    weights = [0] * len(distinct)
    for g in word_group:
        weights[g] += 1
    if exact is not None:
        distinct_mp = [_const(mpmath.mp, v) for v in distinct]
        log_mu = np.array([math.log(v.numerator) - math.log(v.denominator) for v in distinct])
    else:
        distinct_mp = list(distinct)
        log_mu = np.array([float(mpmath.log(v)) for v in distinct])
    return distinct_mp, weights, word_group, log_mu


def _solve_outer(system: _System, x_start):
    """High-precision root of Ψ (decreasing in x = log c).

    From a float64 start, Newton steps are accepted while each at least halves
    |Ψ|; once a step is below sqrt(tolerance) the next iterate is within the
    tolerance (quadratic convergence) and is returned, with ``system`` left
    evaluated there.  Any failure falls back to safeguarded Newton in a
    verified bracket."""
    tol = mpmath.eps * 8
    if x_start is not None:
        x = x_start
        value, slope = system.outer(x)
        for _ in range(12):
            if slope >= 0:
                break
            step = value / slope
            x_new = x - step
            new_value, new_slope = system.outer(x_new)
            if abs(new_value) > abs(value) / 2 and abs(step) > tol * max(1, abs(x)):
                break
            x, value, slope = x_new, new_value, new_slope
            if abs(step) <= mpmath.sqrt(tol) * max(1, abs(x)) and slope < 0:
                x_final = x - value / slope
                system.outer(x_final)
                return x_final
    return _solve_outer_bracketed(system, x_start)


def _solve_outer_bracketed(system: _System, x_start):
    """Safeguarded Newton in a bracket verified by the signs of Ψ."""
    if x_start is None:
        x_start = mpmath.mpf(0)
    h = mpmath.mpf(10) ** -8 * max(1, abs(x_start))
    for _ in range(60):
        lo, hi = x_start - h, x_start + h
        if system.outer(lo)[0] > 0 and system.outer(hi)[0] < 0:
            break
        h *= 16
    else:
        raise VerificationError("could not bracket the type-III outer equation (eq. 8)")

    def increasing(x):
        val, der = system.outer(x)
        return -val, -der

    x = safeguarded_newton(increasing, lo, hi, x_start, mpmath.eps * 8)
    system.outer(x)
    return x


def _certify(setting, system, groups_iv, x, dps, ctx):
    """Prove an enclosure of c (outer monotonicity) and of every ρ_b (inner monotonicity).

    Returns (c_lo, c_hi, rho_lower_at_chi, rho_upper_at_clo) or None."""
    n, L = setting.n_c, setting.L
    delta = mpmath.mpf(10) ** (-(dps + 3))
    if system.x != x:
        system.outer(x)
    c = mpmath.exp(x)
    c_lo, c_hi = c * (1 - delta), c * (1 + delta)
    lam_iv = _const(ctx, setting.lam)
    T_iv = ctx.mpf(L * n ** (L - 1))
    bounds = {}
    rho_at_c = [mpmath.exp(y) for y in system.y]  # system is evaluated at x
    for name, ce in (("lo", c_lo), ("hi", c_hi)):
        # ρ_b(c_e) ≈ ρ_b(c) (c_e/c)^{elasticity}: error O(δ^2), far below the
        # bracket half-width δ' used next; the interval test below is the proof.
        ratio_log = mpmath.log(ce / c)
        rhos = [r * mpmath.exp(e * ratio_log) for r, e in zip(rho_at_c, system.elasticities)]
        total = mpmath.fsum(w * r * r for w, r in zip(system.weights, rhos))
        margin = total - mpmath.mpf(L * n ** (L - 1))
        if (name == "lo" and margin <= 0) or (name == "hi" and margin >= 0):
            return None
        dprime = abs(margin) / (4 * total)
        k_iv = n * ctx.mpf(ce) ** 2 / (n - 1)
        lows, highs = [], []
        for j, rho in enumerate(rhos):
            lo_r, hi_r = rho * (1 - dprime), rho * (1 + dprime)
            target_iv = ctx.log(groups_iv[j] * L / lam_iv)

            def f(r):  # eq. 7 in logs, increasing in ρ
                r_iv = ctx.mpf(r)
                return ctx.log(r_iv) + ctx.log(n - 1 + ctx.exp(k_iv * r_iv)) - target_iv

            if (f(lo_r) < 0) is not True or (f(hi_r) > 0) is not True:
                return None
            lows.append(lo_r)
            highs.append(hi_r)
        bounds[name] = (lows, highs)
    lows_lo, highs_lo = bounds["lo"]
    lows_hi, highs_hi = bounds["hi"]
    sum_low = _sum([w * ctx.mpf(r) ** 2 for w, r in zip(system.weights, lows_lo)], ctx)
    sum_high = _sum([w * ctx.mpf(r) ** 2 for w, r in zip(system.weights, highs_hi)], ctx)
    if (sum_low > T_iv) is not True or (sum_high < T_iv) is not True:
        return None
    return c_lo, c_hi, lows_hi, highs_lo


def type3_reduced_risk(setting: Setting, c, r, *, dps: int = 30):
    """``F(c, r)``: the risk of a type-III configuration on the full set (appendix F).

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
    dps = check_dps(dps)
    _require_full(setting)
    if len(r) != setting.s_c:
        raise InvalidInput("r", f"a sequence of s_c = {setting.s_c} numbers", f"{len(r)} values")
    with mpmath.workdps(dps + 10):
        c = _as_nonneg_mpf("c", c)
        rs = [_as_nonneg_mpf(f"r[{b}]", v) for b, v in enumerate(r)]
        value = _reduced_risk(mpmath.mp, setting, c, rs, setting.mu.mp(), setting.lam_mp(), mpmath.log1p)
    with mpmath.workdps(dps):
        return +value


def _sum(terms, ctx):
    """Sum in ``ctx`` (point or interval arithmetic)."""
    return sum(terms, ctx.mpf(0))


def _reduced_risk(ctx, setting, c, rs, mus, lam, log1p):
    n, L = setting.n_c, setting.L
    data = _sum([mu * log1p((n - 1) * ctx.exp(-n * c * rb / (n - 1))) for mu, rb in zip(mus, rs)], ctx)
    reg = n * _sum([rb * rb for rb in rs], ctx) + setting.K * L * c * c
    return L * data + lam / 2 * reg


def predict_type3(setting: Setting, *, dps: int = 30) -> TypeIIIPrediction:
    """Theorem 2: the type-III critical point ``(c, r_1..r_{s_c})``, certified.

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
        message states the threshold.

    Notes
    -----
    Float64 log-space solve for a start, then safeguarded Newton on the outer
    equation (eq. 8) with every inner equation (eq. 7) solved by Newton at the
    working precision, then a proof: ``c`` is enclosed by ``[c_lo, c_hi]``
    with ``G(c_lo) > 0 > G(c_hi)`` shown from certified lower/upper bounds of
    every ``ρ_b(c_lo)``, ``ρ_b(c_hi)`` (inner monotonicity), and each
    ``r_b = c ρ_b(c)`` is enclosed by ``[c_lo ρ_b^-(c_hi), c_hi ρ_b^+(c_lo)]``.
    """
    dps = check_dps(dps)
    _require_full(setting)
    thr = type3_threshold(setting, dps=dps)
    if not thr.below:
        raise NoNontrivialSolution(
            f"lam = {float(setting.lam):.6g} is at or above the type-III threshold (eq. 9) "
            f"lambda_III = {mpmath.nstr(thr.value, 12)}: the only critical point of the type-III system is W = U = 0",
            threshold=thr.value,
        )
    x_float = None
    for work in guard_schedule(dps):
        with mpmath.workdps(work):
            distinct, weights, word_group, log_mu = _groups(setting)
            if x_float is None:
                x_float = _float_presolve(setting, log_mu, np.array(weights, dtype=float))
            system = _System(setting, distinct, weights)
            x = _solve_outer(system, mpmath.mpf(x_float) if x_float is not None else None)
            ctx = interval_context(work)
            groups_iv = _groups_iv(setting, ctx, distinct, word_group)
            proof = _certify(setting, system, groups_iv, x, dps, ctx)
            if proof is None:
                continue
            return _assemble(setting, dps, work, system, x, proof, word_group, groups_iv, thr, ctx)
    raise VerificationError(f"could not certify the type-III solution at dps={dps}")


def _groups_iv(setting, ctx, distinct, word_group):
    law = setting.mu.iv(ctx)
    out = [None] * len(distinct)
    for b, g in enumerate(word_group):
        if out[g] is None:
            out[g] = law[b]
    return out


def _assemble(setting, dps, work, system, x, proof, word_group, groups_iv, thr, ctx):
    n, L = setting.n_c, setting.L
    c_lo, c_hi, rho_low_at_chi, rho_high_at_clo = proof
    c = mpmath.exp(x)
    if system.x != x:
        system.outer(x)
    rho_groups = [mpmath.exp(y) for y in system.y]
    r = tuple(c * rho_groups[g] for g in word_group)
    mus = setting.mu.mp()
    lam = setting.lam_mp()
    # residuals of eq. 7 (each word) and eq. 8
    res7 = max(abs((lam / L) * rho_groups[g] * (n - 1 + mpmath.exp(n * c * c * rho_groups[g] / (n - 1))) / mus[b] - 1)
               for b, g in enumerate(word_group))
    sum_rho = mpmath.fsum(w * rg * rg for w, rg in zip(system.weights, rho_groups))
    res8 = abs(sum_rho / (L * mpmath.mpf(n) ** (L - 1)) - 1)
    residual = max(res7, res8)
    if residual > residual_bound(dps):
        raise VerificationError(f"type-III residual {mpmath.nstr(residual, 3)} exceeds 1e-{dps - 5}")
    risk = _reduced_risk(mpmath.mp, setting, c, list(r), mus, lam, mpmath.log1p)
    c_iv = ctx.mpf([c_lo, c_hi])
    r_enc = []
    r_iv = []
    for g in word_group:
        lo = iv_bounds(ctx.mpf(c_lo) * ctx.mpf(rho_low_at_chi[g]))[0]
        hi = iv_bounds(ctx.mpf(c_hi) * ctx.mpf(rho_high_at_clo[g]))[1]
        r_enc.append(Enclosure(lo, hi))
        r_iv.append(ctx.mpf([lo, hi]))
    law_iv = setting.mu.iv(ctx)
    risk_iv = _reduced_risk(ctx, setting, c_iv, r_iv, law_iv, _const(ctx, setting.lam), lambda v: ctx.log(1 + v))
    encl = {
        "c": Enclosure(c_lo, c_hi),
        "r": tuple(r_enc),
        "risk": Enclosure(*iv_bounds(risk_iv)),
        "lambda_threshold": thr.enclosure,
    }
    return TypeIIIPrediction(setting, dps, c, r, risk, thr.value, residual, encl, work)
