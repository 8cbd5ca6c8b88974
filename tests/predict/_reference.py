"""Independent reference implementations used by the prediction tests.

They are written from the formulas of THEORY.md directly, with mpmath's own
numerical differentiation (``mpmath.diff``) and its bracketing root finder
(``mpmath.findroot(..., solver="anderson")``) — none of fctheory's solver code.
"""

import mpmath


def H_reference(n_c, n_w, L, K, lam, t):
    """H(t) of theorem 1, straight from the formula."""
    p = mpmath.mpf(K) / mpmath.mpf(n_c) ** L
    eta = (mpmath.mpf(n_c) / (n_c - 1)) / mpmath.sqrt(mpmath.mpf(n_w) * K * L)
    return mpmath.log(1 - p + p * (1 + (n_c - 1) * mpmath.exp(-eta * t)) ** L) + lam * t


def Hstar_reference(n_c, d, L, K, lam, t):
    """H*(t) of theorem 3, straight from the formula."""
    p = mpmath.mpf(K) / mpmath.mpf(n_c) ** L
    eta = (mpmath.mpf(n_c) / (n_c - 1)) * mpmath.sqrt(mpmath.mpf(d) / (mpmath.mpf(K) * L))
    return mpmath.log(1 - p + p * (1 + (n_c - 1) * mpmath.exp(-eta * t)) ** L) + lam / 2 * t**2


def argmin_reference(f, lo, hi):
    """Root of f' in [lo, hi] by numerical differentiation + Anderson bracketing
    (the bracket is checked to contain a sign change of f')."""
    assert mpmath.diff(f, lo) < 0 < mpmath.diff(f, hi)
    return mpmath.findroot(lambda t: mpmath.diff(f, t), (lo, hi), solver="anderson")
