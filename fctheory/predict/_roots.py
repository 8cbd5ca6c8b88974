"""Certified roots of increasing functions: bracket, safeguarded Newton, interval proof.

The one-dimensional problems of theorems 1 and 3 (``H'(τ) = 0`` for a strictly
convex ``H``) and the inner/outer equations of theorem 2 are all of the form
"find the root of a function known to be increasing on a bracket".  The
solver here never iterates unguarded: every Newton step that would leave the
current bracket, or that fails to halve the residual, is replaced by a
bisection step.  A root is only returned with an *enclosure* ``[lo, hi]``
whose endpoint signs were proven in interval arithmetic.

Precision is raised automatically: the solve and the proof are repeated with
more guard digits when the proof fails (cancellation near a threshold,
interval overestimation), up to a fixed budget; then
:class:`~fctheory.errors.VerificationError` is raised.  Nothing here changes
mpmath's global precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import mpmath

from .._precision import interval_context
from ..errors import VerificationError

__all__ = ["guard_schedule", "safeguarded_newton", "certify_increasing_root", "CertifiedRoot", "solve_certified"]

#: Guard digits tried in turn, on top of the requested ``dps``.
GUARD_DIGITS = (12, 24, 48, 96, 192, 384)
#: The certified enclosure of a root has relative half-width 10**-(dps + ENCLOSURE_EXTRA_DIGITS).
ENCLOSURE_EXTRA_DIGITS = 3
MAX_NEWTON_ITERATIONS = 2000


def guard_schedule(dps: int):
    """Working precisions tried for a requested ``dps``."""
    return [dps + g for g in GUARD_DIGITS]


def _split(a, b):
    """A bisection point of ``(a, b)``: geometric when the bracket spans
    orders of magnitude (``a > 0``), so tiny roots are reached quickly."""
    if a > 0 and b > 4 * a:
        return mpmath.sqrt(a * b)
    if a == 0:
        return b / 16
    return (a + b) / 2


def safeguarded_newton(psi: Callable, a, b, x0, rel_tol):
    """Root of an increasing function in ``(a, b)`` by Newton with bisection fallback.

    Parameters
    ----------
    psi : callable
        ``x -> (psi(x), psi'(x))`` at the current mpmath precision, with
        ``psi`` increasing and ``psi(a) <= 0 <= psi(b)`` (``a`` may be a
        point where ``psi`` is ``-inf``; it is never evaluated).
    a, b : mpf
        The bracket.
    x0 : mpf
        Start, inside ``(a, b)``.
    rel_tol : mpf
        Stop when the last step or the bracket is below ``rel_tol * |x|``.

    Returns
    -------
    mpf
    """
    x = x0
    if not a < x < b:
        x = _split(a, b)
    previous = None
    for _ in range(MAX_NEWTON_ITERATIONS):
        value, slope = psi(x)
        if value == 0:
            return x
        if value < 0:
            a = x
        else:
            b = x
        candidate = None
        stalled = previous is not None and abs(value) > abs(previous) / 2
        if slope > 0 and not stalled:
            candidate = x - value / slope
            if not a < candidate < b:
                candidate = None
        if candidate is None:
            candidate = _split(a, b)
        previous = value
        if abs(candidate - x) <= rel_tol * abs(candidate) or (b - a) <= rel_tol * abs(b):
            return candidate
        x = candidate
    raise VerificationError("safeguarded Newton did not converge within %d iterations" % MAX_NEWTON_ITERATIONS)


def certify_increasing_root(sign_function: Callable, ctx, x, delta):
    """Prove that an increasing function changes sign in ``[x(1-δ), x(1+δ)]``.

    Parameters
    ----------
    sign_function : callable
        ``(ctx, X) -> F(X)`` evaluated in the interval context ``ctx``.
    ctx : interval context
    x : mpf, positive
    delta : mpf, small positive

    Returns
    -------
    (lo, hi) or None
        The endpoints (exact mpf) if ``F(lo) < 0 < F(hi)`` was proven.
    """
    lo = x * (1 - delta)
    hi = x * (1 + delta)
    if (sign_function(ctx, ctx.mpf(lo)) < 0) is not True:
        return None
    if (sign_function(ctx, ctx.mpf(hi)) > 0) is not True:
        return None
    return lo, hi


@dataclass(frozen=True)
class CertifiedRoot:
    """A root with its proven enclosure and the precision that proved it."""

    value: mpmath.mpf
    lo: mpmath.mpf
    hi: mpmath.mpf
    working_dps: int


def solve_certified(dps: int, solve: Callable, sign_function: Callable) -> CertifiedRoot:
    """Solve and certify a positive root of an increasing function.

    Parameters
    ----------
    dps : int
        Requested digits; the enclosure has relative half-width
        ``10**-(dps + 3)``.
    solve : callable
        ``(start_or_None) -> x`` computing the root at the *current* mpmath
        precision (called inside ``workdps``), warm-started from the previous
        attempt.
    sign_function : callable
        ``(ctx, X) -> F(X)`` in an interval context.

    Raises
    ------
    VerificationError
        When no attempt in :data:`GUARD_DIGITS` produced a proof.
    """
    start = None
    for work in guard_schedule(dps):
        with mpmath.workdps(work):
            x = solve(start)
            delta = mpmath.mpf(10) ** (-(dps + ENCLOSURE_EXTRA_DIGITS))
            proof = certify_increasing_root(sign_function, interval_context(work), x, delta)
        if proof is not None:
            return CertifiedRoot(x, proof[0], proof[1], work)
        start = x
    raise VerificationError(
        f"could not certify the root at dps={dps} even with {GUARD_DIGITS[-1]} guard digits "
        "(the problem is too ill-conditioned at this precision)"
    )
