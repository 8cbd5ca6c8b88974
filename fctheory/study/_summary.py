r"""The fitted relationships of the under-sampling study (the two parts of its summary.json) and the fits.

Every fit is ordinary least squares of :math:`\log_{10} y = a + b \log_{10} x`, with the slope's standard
error :math:`\sqrt{\frac{\sum e_i^2/(n-2)}{\sum (u_i - \bar u)^2}}` (residuals ``e`` in log space,
:math:`u = \log_{10} x`) and :math:`R^2 = 1 - \sum e^2 / \sum (v - \bar v)^2`.  The summaries take results
rows as the sweep gives them or :func:`fctheory.study.read_results` reads them back.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ._samples import NETWORKS

__all__ = ["number", "finished", "mean_std", "group", "loglog_fit", "fit_power_law", "crossing", "symmetry_summary",
           "SYMMETRY_FITS", "samples_summary", "excess_fit", "optimum_rate_fit", "CURVE_KEYS", "RATE_FITS",
           "OPTIMUM_RATE_FITS", "LARGE_N_SPL", "RECOVERY_METRICS"]


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


def finished(rows, key: str | None = None) -> list[dict]:
    """The rows of finished jobs (``status`` ok; a CSV without it holds finished jobs only), with a finite ``key``."""
    return [r for r in rows if r.get("status", "ok") == "ok" and (key is None or number(r.get(key)) is not None)]


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
    """Least squares :math:`\\log_{10} |y| = a + b \\log_{10} x` over the points with ``x > 0, y != 0`` (signed
    errors are fitted by their size): ``{"slope", "slope_stderr", "intercept", "r2", "n", "x_range"}``, or None
    with fewer than 3 usable points (or a single ``x``)."""
    pts, _ = _log_points(list(xs), list(ys), lambda x, y: x > 0 and y != 0)
    if len(pts) < 3 or len({u for u, _ in pts}) < 2:
        return None
    slope, intercept, r2, stderr = _least_squares(pts)
    return {"slope": slope, "slope_stderr": stderr, "intercept": intercept, "r2": r2, "n": len(pts),
            "x_range": [10 ** min(u for u, _ in pts), 10 ** max(u for u, _ in pts)]}


def fit_power_law(x, y) -> dict:
    """Least squares :math:`\\log_{10} y = a + b \\log_{10} x` over the points with ``x, y > 0``: ``slope``,
    ``slope_se`` (None below 3 points), ``intercept``, ``r2``, ``n_points``, ``n_excluded`` (missing,
    non-finite or non-positive points), ``x_range``; the numbers are None below 2 usable points (or one x)."""
    pts, excluded = _log_points(list(x), list(y), lambda a, b: a > 0 and b > 0)
    out = {"slope": None, "slope_se": None, "intercept": None, "r2": None, "n_points": len(pts),
           "n_excluded": excluded, "x_range": [10 ** min(pts)[0], 10 ** max(pts)[0]] if pts else None}
    if len(pts) >= 2 and len({u for u, _ in pts}) >= 2:
        out["slope"], out["intercept"], out["r2"], out["slope_se"] = _least_squares(pts)
    return out


def crossing(n_values, metric, target: float, *, increasing: bool = True) -> dict:
    r"""Where a curve ``metric(n)`` first reaches ``target``, interpolated linearly in :math:`\log n`.

    Returns ``{"n_spl", "status"}``: status ``"interpolated"`` (between two grid points), ``"at_first_point"``
    (already reached at the smallest n; ``n_spl`` is that n, an upper bound), or ``"not_reached"`` (``n_spl``
    None).  ``increasing=False`` for a metric that should fall (a spread): reached when ``metric <= target``.
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


def _column(rows, key) -> list:
    return [r.get(key) for r in rows]


def variant(row) -> str:
    return f"{row['network']}/{row['mu']}"


def setting_label(row) -> str:
    return f"({row['n_c']},{row['s_c']},{row['L']})"


#: Study 1's fitted relationships: (error column, deviation column).
SYMMETRY_FITS = (("risk_rel_error_A", "assumption_a_deviation"), ("risk_rel_error_Z", "assumption_a_deviation"),
                 ("risk_rel_error_Z", "lemma_b_i_deviation"), ("u_norm_rel_error_A", "assumption_a_deviation"),
                 ("word_norm_rel_error_A", "assumption_a_deviation"), ("risk_rel_error_A", "K_fraction"))
#: The columns :func:`symmetry_summary`'s ``by_K`` averages over the seeds.
BY_K_COLUMNS = ("assumption_a_deviation", "lemma_b_i_deviation", "risk_rel_error_A", "risk_rel_error_Z",
                "word_norm_rel_error_A", "u_norm_rel_error_A", "word_norm_concept_spread", "u_norm_spread",
                "equiangular_error", "u_alignment")


def symmetry_summary(rows) -> dict:
    """The fitted relationships of study 1 (JSON-able): the "symmetry" part of summary.json.

    For every network/word-law variant and pair of :data:`SYMMETRY_FITS`, :func:`loglog_fit` over the random
    subsets (``K < n_c^L``; the full set has zero deviation), pooled and per setting; counts, the worst gap
    between the trained minimum and theorem G's certified one (h), how many minimizers were still collapsed;
    ``by_K`` (seed mean ± sample std per variant, setting and K), ``h_certified_table`` (h: H(τ), H_Z, trained
    and certified minima side by side per setting and K).
    """
    ok = finished(rows)
    out = {"jobs": len(rows), "ok": len(ok), "fits": [], "settings": sorted({setting_label(r) for r in ok}),
           "variants": sorted({variant(r) for r in ok})}
    sub = [r for r in ok if (number(r.get("K_fraction")) or 1) < 1]
    for name in out["variants"]:
        rows_v = [r for r in sub if variant(r) == name]
        for err, dev in SYMMETRY_FITS:
            if any(number(r.get(err)) is not None for r in rows_v):
                fit = lambda rs: loglog_fit(_column(rs, dev), _column(rs, err))  # noqa: E731
                out["fits"].append({"variant": name, "error": err, "deviation": dev, "pooled": fit(rows_v),
                                    "per_setting": {label: fit([r for r in rows_v if setting_label(r) == label])
                                                    for label in out["settings"]}})
    full = [r for r in ok if number(r.get("K_fraction")) == 1]
    out["full_set_max_abs_risk_rel_error_A"] = max((abs(number(r["risk_rel_error_A"])) for r in full), default=None)
    certified = finished(ok, "certified_upper")
    out["certified_jobs"] = len(certified)
    out["max_trained_minus_certified"] = max((number(r["trained_minus_certified"]) for r in certified), default=None)
    out["max_certified_gap"] = max((number(r["certified_gap"]) for r in certified), default=None)
    out["min_H_Z_minus_certified"] = min((number(r["H_Z_minus_certified"]) for r in certified), default=None)
    verdicts = group(ok, lambda r: f"{variant(r)} K{'=' if number(r['K_fraction']) == 1 else '<'}N")
    out["collapse_verdicts"] = {key: dict(Counter(_column(rs, "collapse_verdict"))) for key, rs in verdicts.items()}
    out["not_converged"] = sum(1 for r in ok if str(r.get("converged")).lower() not in ("true", "1"))
    return out | {"by_K": _by_K(ok), "h_certified_table": _certified_table(ok)}


def _by_setting_and_K(rows) -> list:
    """``((setting label, K), rows)`` by setting, then K from the largest."""
    return sorted(group(rows, lambda r: (setting_label(r), int(r["K"]))).items(), key=lambda i: (i[0][0], -i[0][1]))


def _by_K(rows) -> list[dict]:
    """Per variant, setting and K: mean ± sample std over the seeds of the errors and collapse measures."""
    out = []
    for name in sorted({variant(r) for r in rows}):
        for (label, K), rs in _by_setting_and_K([r for r in rows if variant(r) == name]):
            entry = {"variant": name, "setting": label, "K": K, "K_fraction": number(rs[0]["K_fraction"]),
                     "n": len(rs)}
            for column in BY_K_COLUMNS:
                entry[column], entry[column + "_std"], _ = mean_std(_column(rs, column), ddof=1)
            entry["collapsed"] = sum(1 for r in rs if r.get("collapse_verdict") in ("type I", "type II", "type III"))
            out.append(entry)
    return out


def _certified_table(rows) -> list[dict]:
    """Network h, per setting and K (means over the seeds): H(τ), H_Z, the trained minimum and theorem G's
    certified bounds side by side."""
    out = []
    for (label, K), rs in _by_setting_and_K([r for r in rows if variant(r) == "h/uniform"]):
        rs = finished(rs, "certified_upper")
        if rs:
            mean = lambda column: mean_std(_column(rs, column))[0]  # noqa: E731
            out.append({"setting": label, "K": K, "n": len(rs), "H_A": mean("predicted_risk_A"),
                        "H_Z": mean("predicted_risk_Z"), "trained": mean("risk"),
                        "certified_lower": mean("certified_lower"), "certified_upper": mean("certified_upper"),
                        "max_abs_trained_minus_certified": max(abs(number(r["trained_minus_certified"])) for r in rs),
                        "max_gap": max(number(r["certified_gap"]) for r in rs),
                        "min_H_Z_minus_certified": min(number(r["H_Z_minus_certified"]) for r in rs),
                        "methods": sorted({str(r.get("certify_method")) for r in rs})})
    return out


CURVE_KEYS = ("test_accuracy", "train_accuracy", "u_alignment", "u_norm_spread", "u_sv3_ratio", "word_alignment",
              "word_norm_mean", "word_norm_std", "word_norm_rel_error", "u_norm_rel_error", "u_norm_rel_error_z",
              "word_norm_rel_error_z", "unseen_words", "iterations", "word_norm_rel_error_optimum",
              "word_norm_rms_rel_error_optimum", "u_norm_rel_error_optimum", "u_frobenius_rel_error_optimum")
#: The collapse measures the recovery question compares, with their direction (True: higher is more collapsed).
RECOVERY_METRICS = (("test_accuracy", True), ("u_alignment", True), ("u_sv3_ratio", False), ("u_norm_spread", False))
#: The rate fits: (name, network, mu, the relative error's key, what it measures).
RATE_FITS = (
    ("h_uniform_word_norm", "h", "uniform", "word_norm_rel_error", "theorem 1's word norm c = sqrt(tau/n_w)"),
    ("h_uniform_u_norm", "h", "uniform", "u_norm_rel_error", "theorem 1's block norm c' = sqrt(tau/(K L))"),
    ("h_star_zipf_u_norm", "h*", "zipf", "u_norm_rel_error", "theorem 3's block norm c = tau*/sqrt(K L)"),
)
#: The rate fits against the latent set's exact optimum (network h, uniform mu): (name, error key, what),
#: plain power laws (:func:`optimum_rate_fit`).
OPTIMUM_RATE_FITS = tuple(
    (f"h_uniform_{q}_optimum", f"{q}_rel_error_optimum", f"the latent set's exact optimum's {what} (predict_optimum)")
    for q, what in (("word_norm", "mean word norm"), ("word_norm_rms", "word norms, word by word"),
                    ("u_norm", "mean block norm"), ("u_frobenius", "||U||_F")))
#: The smallest n_spl of :func:`optimum_rate_fit`'s ``large_n_spl`` fit: from there on (h/uniform) every
#: seed of the samples study classifies its test sentences perfectly and sees every word (docs/undersampling.md).
LARGE_N_SPL = 20


def series(rows, network, mu) -> list[dict]:
    """The finished rows (``status`` ok, a test accuracy) of one network and word law."""
    return [r for r in finished(rows, "test_accuracy") if r.get("network") == network and r.get("mu") == mu]


def optimum_rate_fit(series: list[dict], key: str) -> dict:
    r"""Power law :math:`e(n) = a\,n^{b}` (:func:`fit_power_law`, all points) of every seed's relative error
    ``key`` against its latent set's exact optimum, with no floor: the optimum is the :math:`n_{spl} \to \infty`
    limit of the trained weights' own problem, so ``b < 0`` (``tends_to_zero``) is what the fit tests.
    ``large_n_spl``: the same fit from ``n_spl = LARGE_N_SPL`` on; ``points``: seed mean and std per n_spl."""
    fit = fit_power_law(_column(series, "n_spl"), _column(series, key))
    large = [r for r in series if int(r["n_spl"]) >= LARGE_N_SPL]
    fit["large_n_spl"] = fit_power_law(_column(large, "n_spl"), _column(large, key)) | {"from_n_spl": LARGE_N_SPL}
    fit["tends_to_zero"] = None if fit["slope"] is None else bool(fit["slope"] < 0)
    by_n = group([r for r in series if r.get(key) is not None], lambda r: int(r["n_spl"]))
    fit["points"] = [dict(zip(("n_spl", "mean", "std", "seeds"), (n, *mean_std(_column(rs, key)))))
                     for n, rs in sorted(by_n.items())]
    return fit


def excess_points(series: list[dict], key: str) -> tuple[list, list, list]:
    """``(n, e_s(n) - e_s(n_max))`` of every seed's ``n < n_max`` as two lists, and the floors ``e_s(n_max)``."""
    xs, ys, floors = [], [], []
    for rs in group([r for r in series if r.get(key) is not None], lambda r: int(r["seed"])).values():
        points = sorted((int(r["n_spl"]), float(r[key])) for r in rs)
        floors.append(points[-1][1])
        xs += [n for n, _ in points[:-1]]
        ys += [e - points[-1][1] for _, e in points[:-1]]
    return xs, ys, floors


def excess_fit(series: list[dict], key: str) -> dict:
    r"""Power law (:func:`fit_power_law`) of the approach to the large-sample limit: seed ``s``'s relative error
    ``key`` at ``n_spl = n`` minus its value at the seed's largest n_spl, :math:`e_s(n) - e_s(n_{max})`, over
    every ``n < n_max`` (excess <= 0 left out and counted); ``floor``: seed mean and std of :math:`e_s(n_{max})`,
    what remains between the trained weights and the closed form when samples abound."""
    xs, ys, floors = excess_points(series, key)
    fit = fit_power_law(xs, ys)
    mean, std, _ = mean_std(floors)
    fit["floor"] = {"mean": mean, "std": std}
    return fit


def samples_summary(rows: list[dict]) -> dict:
    """The fitted relationships of the samples study (JSON data; the ``samples`` part of summary.json).

    ``jobs`` (counts: ok, failed, converged, seconds); ``curves`` (per network, per n_spl: seed mean and std of
    every measure in :data:`CURVE_KEYS`); ``recovery`` (at which n_spl h/Zipf reaches h*/Zipf's values at
    n_spl = 5, :func:`crossing`); ``rates`` (:func:`fit_power_law` of the relative errors against n_spl on every
    seed's point, the error at the largest n_spl, :func:`excess_fit`; for h with uniform words those against
    the latent set's exact optimum, :data:`OPTIMUM_RATE_FITS`, with no floor: :func:`optimum_rate_fit`).
    """
    ok = finished(rows, "test_accuracy")
    seconds = [float(r["train_seconds"]) for r in ok if r.get("train_seconds") is not None]
    jobs = {"rows": len(rows), "ok": len(ok), "failed": len(rows) - len(ok),
            "converged": sum(bool(r.get("converged")) for r in ok), "train_seconds_total": float(sum(seconds)),
            "settings": sorted({f"n_c={r.get('n_c')} s_c={r.get('s_c')} L={r.get('L')} K={r.get('K')} "
                                f"d={r.get('d')} lam={r.get('lam')}" for r in ok})}
    curves = {}
    for network, mu in NETWORKS:
        by_n = group(series(rows, network, mu), lambda r: int(r["n_spl"]))
        curves[f"{network}/{mu}"] = [
            {"n_spl": n, "seeds": len(rs), "converged": sum(bool(r.get("converged")) for r in rs),
             **{key: dict(zip(("mean", "std"), mean_std(_column(rs, key)))) for key in CURVE_KEYS}}
            for n, rs in sorted(by_n.items())]
    rates = {}
    for name, network, mu, key, what in RATE_FITS:
        points, rs = curves[f"{network}/{mu}"], series(rows, network, mu)
        rates[name] = fit_power_law(_column(rs, "n_spl"), _column(rs, key))
        rates[name].update(network=network, mu=mu, error=key, of=what,
                           largest_n_spl=points[-1]["n_spl"] if points else None,
                           error_at_largest_n_spl=points[-1][key] if points else None,
                           error_at_smallest_n_spl=points[0][key] if points else None)
        rates[name]["excess_over_largest_n_spl"] = excess_fit(rs, key)
    for name, key, what in OPTIMUM_RATE_FITS:
        rates[name] = optimum_rate_fit(series(rows, "h", "uniform"), key) | {
            "network": "h", "mu": "uniform", "error": key, "of": what}
    star = [v for v in map(number, _column(series(rows, "h*", "zipf"), "word_norm_rel_error")) if v is not None]
    rates["h_star_zipf_word_norm"] = {
        "network": "h*", "mu": "zipf", "error": "word_norm_rel_error", "slope": None,
        "max_error": max(star) if star else None,
        "note": "not fitted: theorem 3's ||phi(w)|| = sqrt(d) holds for every W at eps = 0 (definition 2), so "
                "the word-norm error is round-off; the h* rate is the block norm's (h_star_zipf_u_norm)"}
    return {"jobs": jobs, "recovery": _recovery(rows, curves), "rates": rates, "curves": curves}


def _recovery(rows, curves) -> dict:
    target_rows = [r for r in series(rows, "h*", "zipf") if int(r["n_spl"]) == 5]
    out = {"question": "smallest n_spl at which h with Zipf words reaches what h* (Zipf) has at n_spl = 5, "
                       "interpolated in log n_spl on the seed means; per_seed: each seed's own curve against "
                       "the same target"}
    if not target_rows:
        out["reason"] = "no h*/zipf job at n_spl = 5 in the rows"
        return out
    hz, points = series(rows, "h", "zipf"), curves["h/zipf"]
    for key, increasing in RECOVERY_METRICS:
        t_mean, t_std, t_n = mean_std(_column(target_rows, key))
        if t_mean is None:
            continue
        mean_cross = crossing(_column(points, "n_spl"), [pt[key]["mean"] for pt in points], t_mean,
                              increasing=increasing)
        per_seed = {str(s): crossing(_column(rs, "n_spl"), _column(rs, key), t_mean, increasing=increasing)
                    for s, rs in sorted(group(hz, lambda r: int(r["seed"])).items())}
        reached = [c["n_spl"] for c in per_seed.values() if c["n_spl"] is not None]
        r_mean, r_std, _ = mean_std(reached)
        out[key] = {"target": {"mean": t_mean, "std": t_std, "seeds": t_n},
                    "h_zipf_at_n_spl_5": next((pt[key] for pt in points if pt["n_spl"] == 5), None),
                    "n_spl": mean_cross["n_spl"], "status": mean_cross["status"], "per_seed": per_seed,
                    "per_seed_mean": r_mean, "per_seed_std": r_std,
                    "per_seed_range": [min(reached), max(reached)] if reached else None}
    return out
