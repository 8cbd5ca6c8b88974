r"""The statistics of the under-sampling study's summaries: log-log least squares, seed means, crossings.

Every fit is ordinary least squares of :math:`\log_{10} y = a + b \log_{10} x`; the slope's
standard error is :math:`\sqrt{\frac{\sum e_i^2/(n-2)}{\sum (u_i - \bar u)^2}}` (residuals ``e`` in
log space, :math:`u = \log_{10} x`) and :math:`R^2 = 1 - \sum e^2 / \sum (v - \bar v)^2`.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["number", "mean_std", "group", "loglog_fit", "fit_power_law", "crossing"]


def number(value) -> float | None:
    """``value`` as a finite float (a number or numeric text), else None (None, "", bools, NaN, other text)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def mean_std(values, ddof: int = 0) -> tuple:
    """``(mean, std, n)`` of the finite numbers among ``values``; ``std`` divides by ``n - ddof`` (0.0 for a
    single value); ``(None, None, 0)`` without any."""
    vals = np.array([v for v in map(number, values) if v is not None])
    if not vals.size:
        return None, None, 0
    return float(np.mean(vals)), float(np.std(vals, ddof=ddof)) if vals.size > ddof else 0.0, int(vals.size)


def group(rows, key) -> dict:
    """``key(row) -> [rows]``, in the order the keys first occur."""
    out: dict = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    return out


def _log_points(xs, ys, keep) -> tuple[list, int]:
    """``[(log10 x, log10 |y|)]`` of the pairs of finite numbers ``keep(x, y)`` accepts, and how many were left out."""
    pts = [(x, y) for x, y in zip(map(number, xs), map(number, ys)) if x is not None and y is not None and keep(x, y)]
    return [(math.log10(x), math.log10(abs(y))) for x, y in pts], len(xs) - len(pts)


def _least_squares(points) -> tuple:
    """``(slope, intercept, r2, slope_stderr)`` of ``v = a + b u`` over ``points`` (stderr None below 3 points)."""
    X, Y = np.array(points).T
    sxx = float(((X - X.mean()) ** 2).sum())
    slope = float(((X - X.mean()) * (Y - Y.mean())).sum() / sxx)
    intercept = float(Y.mean() - slope * X.mean())
    sse = float(((Y - (intercept + slope * X)) ** 2).sum())
    syy = float(((Y - Y.mean()) ** 2).sum())
    stderr = math.sqrt(sse / (len(X) - 2) / sxx) if len(X) > 2 else None
    return slope, intercept, (1.0 - sse / syy) if syy > 0 else 1.0, stderr


def loglog_fit(xs, ys) -> dict | None:
    """Least squares :math:`\\log_{10} |y| = a + b \\log_{10} x` over the points with ``x > 0, y != 0``
    (signed errors are fitted by their size).

    Returns ``{"slope", "slope_stderr", "intercept", "r2", "n", "x_range"}``, or None with fewer than
    3 usable points (or a single ``x``).
    """
    pts, _ = _log_points(list(xs), list(ys), lambda x, y: x > 0 and y != 0)
    if len(pts) < 3 or len({u for u, _ in pts}) < 2:
        return None
    slope, intercept, r2, stderr = _least_squares(pts)
    return {"slope": slope, "slope_stderr": stderr, "intercept": intercept, "r2": r2, "n": len(pts),
            "x_range": [10 ** min(u for u, _ in pts), 10 ** max(u for u, _ in pts)]}


def fit_power_law(x, y) -> dict:
    """Least squares :math:`\\log_{10} y = a + b \\log_{10} x` over the points with ``x, y > 0``.

    Returns
    -------
    dict
        ``slope``, ``slope_se`` (None below 3 points), ``intercept``, ``r2``, ``n_points``,
        ``n_excluded`` (missing, non-finite or non-positive points), ``x_range``; the numbers are
        None when fewer than 2 usable points (or a single x value) remain.
    """
    pts, excluded = _log_points(list(x), list(y), lambda a, b: a > 0 and b > 0)
    out = {"slope": None, "slope_se": None, "intercept": None, "r2": None, "n_points": len(pts),
           "n_excluded": excluded, "x_range": [10 ** min(pts)[0], 10 ** max(pts)[0]] if pts else None}
    if len(pts) >= 2 and len({u for u, _ in pts}) >= 2:
        out["slope"], out["intercept"], out["r2"], out["slope_se"] = _least_squares(pts)
    return out


def crossing(n_values, metric, target: float, *, increasing: bool = True) -> dict:
    r"""Where a curve ``metric(n)`` first reaches ``target``, interpolated linearly in :math:`\log n`.

    Returns ``{"n_spl", "status"}``: status ``"interpolated"`` (between two grid points),
    ``"at_first_point"`` (already reached at the smallest n; ``n_spl`` is that n, an upper bound),
    or ``"not_reached"`` (``n_spl`` None).  ``increasing=False`` for a metric that should fall
    (a spread): it is reached when ``metric <= target``.
    """
    pairs = sorted((int(n), float(v)) for n, v in zip(n_values, metric) if v is not None and math.isfinite(v))
    sign = 1.0 if increasing else -1.0
    for i, (n, v) in enumerate(pairs):
        if sign * v >= sign * target:
            if i == 0:
                return {"n_spl": float(n), "status": "at_first_point"}
            n0, v0 = pairs[i - 1]
            frac = (target - v0) / (v - v0)
            return {"n_spl": float(10 ** (math.log10(n0) + frac * (math.log10(n) - math.log10(n0)))),
                    "status": "interpolated"}
    return {"n_spl": None, "status": "not_reached"}
