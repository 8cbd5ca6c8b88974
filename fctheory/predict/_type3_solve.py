"""The outer equation of theorem 2 (eq. 8): a proven bracket, a float64 presolve, one solver.

``-Ψ(c)`` (:func:`._type3_system.evaluate_outer`) is increasing in ``c``
(proposition D) and changes sign once when eq. 9 holds, so it is solved like
every other equation of :mod:`fctheory.predict`: by
:func:`._roots.safeguarded_newton` in a bracket whose end signs are known.

Bracket (eq. 7-9).  *Left:* ``c → 0^+`` gives ``Ψ > 0`` exactly when eq. 9
holds (decided exactly before solving).  *Right:* eq. 7 and ``e^u > u`` give
``(λ/L) k ρ_b^2 < μ_b``, i.e. ``ρ_b^2 < μ_b L (n_c-1)/(λ n_c c^2)``; summing
over ``b`` (``Σ μ_b = 1``), ``Σ_b ρ_b^2 < L n_c^{L-1}/4`` at
``c_hi = 2 sqrt((n_c-1)/(λ n_c^L))``, so ``Ψ(c_hi) < 0``.

Presolve.  The same equations in float64 (numpy, vectorised over the word
groups) are solved for ``x = log c`` by :func:`scipy.optimize.brentq`, in the
float bracket ``[log(c_lo/2), log c_hi]`` with ``c_lo`` from the lower bound
``ρ_b(c) >= μ_b L/(λ(n_c - 1 + e^{k ρ_max(0)}))`` (eq. 7 with ``ρ_b <= ρ_b(0)``):
``Ψ(c) > 0`` while ``n_c - 1 + e^{k ρ_max(0)} < s = (L/λ) sqrt(Σ μ_b^2 / (L n_c^{L-1}))``.
It is a start only: a presolve that fails (float64 cannot resolve ``λ`` very
close to the eq. 9 threshold) leaves the solver to bisect.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np

from ..setting import Setting
from ._sphere_sizes import _const
from ._roots import safeguarded_newton
from ._type3_system import (
    FLOAT64_ARITHMETIC,
    InnerNotConverged,
    OuterEvaluation,
    Type3Equations,
    WordGroups,
    evaluate_outer,
    float_log_mu,
    inner_upper_bound,
    solve_inner,
)

__all__ = ["OUTER_STEP_ULPS", "PRESOLVE_RELATIVE_TOLERANCE", "outer_bracket_high", "float_presolve", "solve_outer"]

#: The outer Newton iteration stops at a step ``|Δc| <= sqrt(OUTER_STEP_ULPS * eps) * c``
#: and returns the iterate that step produced: with quadratic convergence its
#: error is about the square of the step, ``OUTER_STEP_ULPS * eps * c`` (times
#: ``c |Ψ''/Ψ'|``, of order 1), far inside the enclosure half-width
#: ``10**-(dps + 3)`` that :mod:`._type3_proof` then proves.
OUTER_STEP_ULPS = 8

#: brentq's tolerance on ``x = log c`` in the presolve (``xtol`` and ``rtol``):
#: the float64 start is within about this much of ``log c``, so two
#: high-precision Newton steps finish the solve at dps 30.
PRESOLVE_RELATIVE_TOLERANCE = 4 * float(np.finfo(float).eps)


def outer_bracket_high(setting: Setting):
    """``c_hi = 2 sqrt((n_c-1)/(λ n_c^L))``, where ``Ψ(c_hi) < 0`` (see the module notes)."""
    n, L = setting.n_c, setting.L
    return 2 * mpmath.sqrt(_const(mpmath.mp, Fraction(n - 1, n**L) / setting.lam))


def float_presolve(setting: Setting, groups: WordGroups) -> float | None:
    """``c`` to about float64 accuracy (a start for :func:`solve_outer`), or None."""

    n, L = setting.n_c, setting.L
    log_lam = math.log(setting.lam.numerator) - math.log(setting.lam.denominator)
    log_mu = float_log_mu(setting, groups)
    targets = log_mu + math.log(L) - log_lam  # log(μ_g L / λ), eq. 7
    log_T = math.log(L) + (L - 1) * math.log(n)  # log(L n^{L-1}), eq. 8
    log_kf = math.log(n / (n - 1))
    log_w = np.log(np.array(groups.weights, dtype=float))
    y_top = targets - math.log(n)  # log ρ_g(0^+)
    y = None

    def psi(x):  # Ψ(e^x), inner roots warm-started from the previous call (capped: e^u must not overflow)
        nonlocal y
        log_k = log_kf + 2 * x
        start = None if y is None else np.minimum(y, inner_upper_bound(FLOAT64_ARITHMETIC, log_k, targets, n))
        y = solve_inner(FLOAT64_ARITHMETIC, log_k, targets, n, start)
        a = log_w + 2 * y
        top = a.max()
        return top + math.log(np.exp(a - top).sum()) - log_T

    # log s = log(L/λ) + (log Σ μ^2 - log T)/2; the left end needs log(s - n + 1) > 0
    log_s = math.log(L) - log_lam + 0.5 * (math.log(float(np.exp(2 * log_mu) @ np.array(groups.weights))) - log_T)
    with np.errstate(all="ignore"):
        try:
            g = log_s + math.log1p(-(n - 1) * math.exp(-log_s))  # log(s - n + 1)
            if not g > 0:
                return None
            x_lo = 0.5 * (math.log((n - 1) / n) + math.log(g) - float(y_top.max())) - math.log(2)
            x_hi = math.log(2) + 0.5 * (math.log(n - 1) - log_lam - L * math.log(n))
            f_lo, f_hi = psi(x_lo), psi(x_hi)
            if not (math.isfinite(f_lo) and math.isfinite(f_hi) and f_lo > 0 > f_hi):
                return None
            from scipy.optimize import brentq  # here: scipy costs ~0.4 s of a CLI start that type I/II skip

            tol = PRESOLVE_RELATIVE_TOLERANCE
            x = brentq(psi, x_lo, x_hi, xtol=tol, rtol=tol, maxiter=200)
        except (InnerNotConverged, ArithmeticError, ValueError, RuntimeError):
            return None
    return math.exp(x) if math.isfinite(x) else None


def solve_outer(eqs: Type3Equations, c_high, start=None) -> OuterEvaluation:
    """The root of eq. 8 in ``(0, c_high)``, evaluated there.

    Safeguarded Newton (:func:`._roots.safeguarded_newton`) on the increasing
    ``-Ψ(c)``, from ``start`` (the presolve, or a lower rung of the guard-digit
    ladder), stopping per :data:`OUTER_STEP_ULPS`.  Each evaluation warm-starts
    the inner solves from the previous one (:func:`evaluate_outer`'s ``near``).
    """
    previous = [None]

    def increasing(c):  # (-Ψ(c), -dΨ/dc)
        value = evaluate_outer(eqs, c, previous[0])
        previous[0] = value
        return -value.psi, -value.slope / c

    x0 = mpmath.mpf(0) if start is None else mpmath.mpf(start)  # 0: begin by bisecting
    c = safeguarded_newton(increasing, mpmath.mpf(0), c_high, x0, mpmath.sqrt(OUTER_STEP_ULPS * mpmath.eps))
    return evaluate_outer(eqs, c, previous[0])
