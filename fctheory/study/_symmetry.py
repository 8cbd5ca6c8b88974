"""Study 1 of the under-sampling study: the symmetry assumptions relaxed (exact true risk).

The closed forms of theorems 1 and 3 are proved for latent sets that satisfy
assumption A (eq. 35: every class sees the same distance profile as in the full
set, scaled by :math:`K/n_c^L`) or lemma B (i)-(iii).  A uniformly random
``K``-subset of :math:`[n_c]^L` satisfies neither exactly when ``K < n_c^L``.
One job of this study takes such a subset (``Problem(setting, "random",
seed=seed)``) and puts side by side

* the minimum of the exact true risk ``R`` (eq. 5, network h) or ``R*`` (eq. 10,
  network h*), trained to a polished critical point by
  :func:`fctheory.train_network` (L-BFGS-B, then Newton-CG with exact
  Hessian-vector products to :math:`\\|\\nabla R\\| \\le 10^{-12}\\max(1, R)`),
  and :func:`fctheory.measure_collapse` of the trained weights;
* (i) theorem 1's :math:`H(\\tau)` (h) / theorem 3's :math:`H^*(\\tau^*)` (h*)
  with assumption A's closed form :math:`Z(s) = 1 + \\frac{K}{n_c^L}\\sum_r
  \\binom{L}{r}(n_c-1)^r e^{-sr}` (lemma K with :math:`|S_r| = \\frac{K}{n_c^L}
  \\binom{L}{r}(n_c - 1)^r`);
* (ii) :math:`H_Z` / :math:`H^*_Z`: the same with the set's own mean sphere
  sizes :math:`\\frac1K\\sum_k |S_r(k)|` (lemma K; exact when lemma B holds);
* (iii) for h only (theorem G is a statement about network h), the certified
  global minimum :math:`\\min_D f(D) + \\lambda\\|D\\|_*` of theorem G
  (:func:`fctheory.certify_optimum` with ``method="auto"``): its upper and
  lower bounds;
* the set's deviations from assumption A (:func:`fctheory.latent.check_assumption_a`'s
  relative Frobenius error of the count tensor against eq. 35) and from lemma B (i)
  (:func:`fctheory.latent.check_lemma_b`'s ``deviation_i``, the relative spread
  of the sphere sizes :math:`|S_r(k)|` over the classes), and assumption B
  (eq. 44, exact rank).

:func:`symmetry_summary` fits :math:`\\log_{10}|\\text{error}| = a + b
\\log_{10}(\\text{deviation})` by least squares (slope ± standard error, R², number
of points); :func:`symmetry_figures` draws the errors against the deviation.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from .._precision import check_dps
from .._validate import require_bool, require_real, require_seed
from ..errors import InvalidInput, NoNontrivialSolution
from ..problem import Problem
from ..setting import Setting

__all__ = ["SYMMETRY_COLUMNS", "NETWORK_VARIANTS", "symmetry_job", "symmetry_rows_ok", "symmetry_figures",
           "symmetry_summary", "loglog_fit"]

#: The (network, word law) pairs of the study: h with uniform words (theorem 1),
#: h* with uniform and Zipf words (theorem 3 does not depend on μ).
NETWORK_VARIANTS = (("h", "uniform"), ("h*", "uniform"), ("h*", "zipf"))

#: The CSV column order of results-symmetry.csv.
SYMMETRY_COLUMNS = (
    "n_c", "s_c", "L", "K", "K_fraction", "d", "lam", "network", "mu", "seed", "status", "error", "seconds", "cached",
    # the latent set
    "assumption_a_deviation", "assumption_a_noise_level", "lemma_b_i_deviation", "lemma_b_holds",
    "assumption_b_holds", "sphere_sizes",
    # the trained minimum
    "risk", "converged", "reason", "grad_norm_rel", "train_seconds", "collapse_verdict", "word_norm_mean",
    "word_norm_concept_spread", "word_norm_spread", "within_concept_spread", "equiangular_error", "u_norm_mean",
    "u_norm_spread", "u_alignment",
    # (i) assumption A's closed form
    "predicted_risk_A", "predicted_word_norm_A", "predicted_u_norm_A", "predicted_trivial_A",
    "risk_rel_error_A", "word_norm_rel_error_A", "u_norm_rel_error_A",
    # (ii) the set's own sphere sizes
    "predicted_risk_Z", "predicted_word_norm_Z", "predicted_u_norm_Z", "predicted_trivial_Z",
    "risk_rel_error_Z", "word_norm_rel_error_Z", "u_norm_rel_error_Z",
    # (iii) theorem G (h only)
    "certified_lower", "certified_upper", "certified_gap", "certify_method", "certify_seconds",
    "trained_minus_certified", "H_Z_minus_certified", "H_A_minus_certified",
)

_KEYS = ("n_c", "s_c", "L", "K", "d", "lam", "network", "mu", "seed", "certify", "certify_time_limit", "dps")


def _symmetry_job_kind():
    from ..sweep import JobKind

    return JobKind(name="study symmetry", function=symmetry_job, keys=_KEYS,
                   required=("n_c", "s_c", "L", "K", "d", "lam", "network"), outputs=SYMMETRY_COLUMNS,
                   summary=("risk_rel_error_A", "assumption_a_deviation"),
                   description="the under-sampling study's random-latent-subset job (exact risk)")


def _rel(measured, predicted):
    """Signed relative error ``(measured - predicted) / |predicted|`` (None without a prediction)."""
    if measured is None or predicted is None or predicted == 0:
        return None
    return (measured - predicted) / abs(predicted)


def _problem(params: dict) -> Problem:
    """The job's problem (one vocabulary: fctheory.operations); ``K < n_c**L`` draws a random set with ``seed``."""
    from ..operations import resolve_setting

    unknown = sorted(set(params) - set(_KEYS))
    if unknown:
        raise InvalidInput(unknown[0], "one of " + ", ".join(_KEYS), params[unknown[0]])
    network, mu = params.get("network", "h"), params.get("mu", "uniform")
    if (network, mu) not in NETWORK_VARIANTS:
        raise InvalidInput("network/mu", "one of " + ", ".join(f"{n}/{m}" for n, m in NETWORK_VARIANTS),
                           f"{network}/{mu}")
    return resolve_setting({"lam": "1/100", **params}, required=("n_c", "s_c", "L", "K", "d")).require_problem()


def _concept_spread(word_norms, n_c: int, s_c: int) -> float:
    """max over concepts a of (max_b - min_b) / mean_b of ||w_(a,b)|| (0 when words of a concept share a norm)."""
    out = 0.0
    for a in range(n_c):
        block = word_norms[a * s_c:(a + 1) * s_c]
        mean = sum(block) / len(block)
        if mean > 0:
            out = max(out, (max(block) - min(block)) / mean)
    return out


def symmetry_job(params: dict) -> dict:
    """One job of study 1: a random latent subset, one network, trained and compared (module docstring).

    Parameters
    ----------
    params : dict
        ``n_c, s_c, L, K, d`` (integers), ``lam`` (default ``"1/100"``),
        ``network`` and ``mu`` (one of :data:`NETWORK_VARIANTS`), ``seed``
        (the random subset's and the initialisation's), ``certify`` (bool,
        default true: theorem G for h), ``certify_time_limit`` (seconds,
        default 300), ``dps`` (digits of the closed forms, default 30).

    Returns
    -------
    dict
        The keys of :data:`SYMMETRY_COLUMNS` that a job computes (flat: floats,
        ints, strings, bools, None).
    """
    from ..certify import certify_optimum
    from ..latent import check_latent_set, sphere_sizes
    from ..predict import predict_type1, predict_type2
    from ..train import measure_collapse, train_network

    problem = _problem(params)
    setting = problem.setting
    network = params.get("network", "h")
    seed = require_seed("seed", params.get("seed", 0))
    dps = check_dps(params.get("dps", 30))
    do_certify = require_bool("certify", params.get("certify", True))
    limit = require_real("certify_time_limit", params.get("certify_time_limit", 300), lo=0, lo_open=True)
    full = setting.is_full
    N = setting.n_c ** setting.L
    latent = None if full else problem.latent

    check = check_latent_set(problem)
    a, b = check.assumption_a, check.lemma_b
    profile = sphere_sizes(problem, lemma_b=b)
    row = {"K": setting.K, "K_fraction": setting.K / N,
           "assumption_a_deviation": a.deviation, "assumption_a_noise_level": a.noise_level,
           "lemma_b_i_deviation": b.deviation_i, "lemma_b_holds": b.holds, "assumption_b_holds": check.assumption_b.holds,
           "sphere_sizes": " ".join(str(Fraction(v)) for v in b.mean_sphere_sizes)}

    result = train_network(problem, network=network, seed=seed, hessian="exact")
    m = measure_collapse(result.W, result.U, setting.n_c, setting.s_c, setting.L, latent=latent, network=network)
    word_norm_mean = float(sum(m.word_norms) / len(m.word_norms))
    row.update({"risk": result.risk, "converged": result.converged, "reason": result.reason,
                "grad_norm_rel": result.grad_norm_rel, "train_seconds": result.seconds,
                "collapse_verdict": m.collapse_verdict, "word_norm_mean": word_norm_mean,
                "word_norm_concept_spread": _concept_spread(m.word_norms, setting.n_c, setting.s_c),
                "word_norm_spread": m.word_norm_spread, "within_concept_spread": m.within_concept_spread,
                "equiangular_error": m.equiangular_error, "u_norm_mean": m.u_norm_mean,
                "u_norm_spread": m.u_norm_spread, "u_alignment": m.u_alignment})

    predict = predict_type1 if network == "h" else predict_type2
    for tag, sizes in (("A", None), ("Z", profile)):
        try:
            p = predict(setting, dps=dps, sphere_sizes=sizes)
            risk, trivial = float(p.risk), False
            # h*: LayerNorm makes the raw word norms free (eq. 18), so theorem 3 predicts none
            word = float(p.word_norm) if network == "h" else None
            u_norm = float(p.u_norm)
        except NoNontrivialSolution as exc:  # theorem 1 above lambda_I: W = U = 0, risk H(0)
            risk, trivial, word, u_norm = float(exc.risk), True, 0.0, 0.0
        row.update({f"predicted_risk_{tag}": risk, f"predicted_word_norm_{tag}": word,
                    f"predicted_u_norm_{tag}": u_norm, f"predicted_trivial_{tag}": trivial,
                    f"risk_rel_error_{tag}": _rel(result.risk, risk),
                    f"word_norm_rel_error_{tag}": _rel(word_norm_mean, word) if word else None,
                    f"u_norm_rel_error_{tag}": _rel(m.u_norm_mean, u_norm) if u_norm else None})

    row.update({k: None for k in ("certified_lower", "certified_upper", "certified_gap", "certify_method",
                                  "certify_seconds", "trained_minus_certified", "H_Z_minus_certified",
                                  "H_A_minus_certified")})
    if network == "h" and do_certify:
        cert = certify_optimum(problem, method="auto", time_limit=float(limit))
        info = cert.to_dict(include_D=False)
        row.update({"certified_lower": cert.lower_bound, "certified_upper": cert.optimal_value,
                    "certified_gap": cert.gap, "certify_method": info.get("method"),
                    "certify_seconds": cert.wall_time,
                    "trained_minus_certified": result.risk - cert.optimal_value,
                    "H_Z_minus_certified": row["predicted_risk_Z"] - cert.optimal_value,
                    "H_A_minus_certified": row["predicted_risk_A"] - cert.optimal_value})
    return row


def symmetry_rows_ok(rows) -> list[dict]:
    """The finished rows (``status == "ok"``) of a results table."""
    return [r for r in rows if r.get("status", "ok") == "ok"]


# ------------------------------------------------------------------ fits ----
def loglog_fit(xs, ys) -> dict | None:
    """Least squares :math:`\\log_{10} y = a + b \\log_{10} x` over the points with ``x, y > 0``.

    Returns ``{"slope", "slope_stderr", "intercept", "r2", "n", "x_range"}``
    (None with fewer than 3 usable points): ``slope_stderr`` is the usual
    :math:`\\sqrt{\\frac{\\sum e_i^2/(n-2)}{\\sum (u_i - \\bar u)^2}}` of the
    residuals ``e`` in log space, ``r2`` is :math:`1 - \\sum e^2 / \\sum (v - \\bar v)^2`.
    """
    pts = [(math.log10(x), math.log10(abs(y))) for x, y in zip(xs, ys)
           if x is not None and y is not None and x > 0 and abs(y) > 0 and math.isfinite(x) and math.isfinite(y)]
    n = len(pts)
    if n < 3:
        return None
    mu_ = sum(u for u, _ in pts) / n
    mv = sum(v for _, v in pts) / n
    suu = sum((u - mu_) ** 2 for u, _ in pts)
    if suu == 0:
        return None
    slope = sum((u - mu_) * (v - mv) for u, v in pts) / suu
    intercept = mv - slope * mu_
    sse = sum((v - intercept - slope * u) ** 2 for u, v in pts)
    svv = sum((v - mv) ** 2 for _, v in pts)
    return {"slope": slope, "slope_stderr": math.sqrt(sse / (n - 2) / suu), "intercept": intercept,
            "r2": 1 - sse / svv if svv > 0 else 1.0, "n": n,
            "x_range": [min(10 ** u for u, _ in pts), max(10 ** u for u, _ in pts)]}


def _variant(row) -> str:
    return f"{row['network']}/{row['mu']}"


def _setting_label(row) -> str:
    return f"({row['n_c']},{row['s_c']},{row['L']})"


#: The fitted relationships: (error column, deviation column).
FITS = (("risk_rel_error_A", "assumption_a_deviation"), ("risk_rel_error_Z", "assumption_a_deviation"),
        ("risk_rel_error_Z", "lemma_b_i_deviation"), ("u_norm_rel_error_A", "assumption_a_deviation"),
        ("word_norm_rel_error_A", "assumption_a_deviation"), ("risk_rel_error_A", "K_fraction"))


def _float(value):
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def symmetry_summary(rows) -> dict:
    """The fitted relationships of study 1 (JSON-able): the "symmetry" part of summary.json.

    For every network/word-law variant and every pair of :data:`FITS`, the
    log-log least-squares fit over the random subsets (``K < n_c^L``; the full
    set has zero deviation) pooled over the settings, and per setting; plus
    counts, the worst gap between the trained minimum and theorem G's
    certified minimum (h), and how many minimizers were still collapsed;
    ``by_K`` (mean ± std over the seeds per variant, setting and K) and
    ``h_certified_table`` (h: H(τ), H_Z, trained and certified minima side by
    side per setting and K).
    """
    ok = symmetry_rows_ok(rows)
    out = {"jobs": len(rows), "ok": len(ok), "fits": [], "settings": sorted({_setting_label(r) for r in ok}),
           "variants": sorted({_variant(r) for r in ok})}
    sub = [r for r in ok if _float(r.get("K_fraction")) is not None and _float(r["K_fraction"]) < 1]
    for variant in out["variants"]:
        rows_v = [r for r in sub if _variant(r) == variant]
        for err, dev in FITS:
            if not any(_float(r.get(err)) is not None for r in rows_v):
                continue
            entry = {"variant": variant, "error": err, "deviation": dev,
                     "pooled": loglog_fit([_float(r.get(dev)) for r in rows_v], [_float(r.get(err)) for r in rows_v]),
                     "per_setting": {}}
            for label in out["settings"]:
                rs = [r for r in rows_v if _setting_label(r) == label]
                entry["per_setting"][label] = loglog_fit([_float(r.get(dev)) for r in rs],
                                                         [_float(r.get(err)) for r in rs])
            out["fits"].append(entry)
    full = [r for r in ok if _float(r.get("K_fraction")) == 1]
    out["full_set_max_abs_risk_rel_error_A"] = max((abs(_float(r["risk_rel_error_A"])) for r in full), default=None)
    certified = [r for r in ok if _float(r.get("certified_upper")) is not None]
    out["certified_jobs"] = len(certified)
    out["max_trained_minus_certified"] = max((_float(r["trained_minus_certified"]) for r in certified), default=None)
    out["max_certified_gap"] = max((_float(r["certified_gap"]) for r in certified), default=None)
    out["min_H_Z_minus_certified"] = min((_float(r["H_Z_minus_certified"]) for r in certified), default=None)
    out["collapse_verdicts"] = {}
    for r in ok:
        key = f"{_variant(r)} K{'=' if _float(r['K_fraction']) == 1 else '<'}N"
        counts = out["collapse_verdicts"].setdefault(key, {})
        counts[r["collapse_verdict"]] = counts.get(r["collapse_verdict"], 0) + 1
    out["not_converged"] = sum(1 for r in ok if str(r.get("converged")).lower() not in ("true", "1"))
    out["by_K"] = _by_K(ok)
    out["h_certified_table"] = _certified_table(ok)
    return out


def _mean_std(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return mean, std


def _groups(rows, variant=None):
    groups: dict = {}
    for r in rows:
        if variant is None or _variant(r) == variant:
            groups.setdefault((_setting_label(r), int(r["K"])), []).append(r)
    return sorted(groups.items(), key=lambda item: (item[0][0], -item[0][1]))


def _by_K(rows) -> list[dict]:
    """Per variant, setting and K: mean ± sample std over the seeds of the errors and collapse measures."""
    out = []
    for variant in sorted({_variant(r) for r in rows}):
        for (label, K), rs in _groups(rows, variant):
            entry = {"variant": variant, "setting": label, "K": K, "K_fraction": _float(rs[0]["K_fraction"]),
                     "n": len(rs)}
            for column in ("assumption_a_deviation", "lemma_b_i_deviation", "risk_rel_error_A", "risk_rel_error_Z",
                           "word_norm_rel_error_A", "u_norm_rel_error_A", "word_norm_concept_spread",
                           "u_norm_spread", "equiangular_error", "u_alignment"):
                mean, std = _mean_std([_float(r.get(column)) for r in rs])
                entry[column] = mean
                entry[column + "_std"] = std
            entry["collapsed"] = sum(1 for r in rs if r.get("collapse_verdict") in ("type I", "type II", "type III"))
            out.append(entry)
    return out


def _certified_table(rows) -> list[dict]:
    """Network h, per setting and K (means over the seeds): H(τ), H_Z, the trained minimum and theorem G's
    certified bounds side by side (issue 15: random latent subsets)."""
    out = []
    for (label, K), rs in _groups([r for r in rows if _variant(r) == "h/uniform"]):
        rs = [r for r in rs if _float(r.get("certified_upper")) is not None]
        if not rs:
            continue
        mean = lambda column: _mean_std([_float(r.get(column)) for r in rs])[0]  # noqa: E731
        out.append({"setting": label, "K": K, "n": len(rs), "H_A": mean("predicted_risk_A"),
                    "H_Z": mean("predicted_risk_Z"), "trained": mean("risk"),
                    "certified_lower": mean("certified_lower"), "certified_upper": mean("certified_upper"),
                    "max_abs_trained_minus_certified": max(abs(_float(r["trained_minus_certified"])) for r in rs),
                    "max_gap": max(_float(r["certified_gap"]) for r in rs),
                    "min_H_Z_minus_certified": min(_float(r["H_Z_minus_certified"]) for r in rs),
                    "methods": sorted({str(r.get("certify_method")) for r in rs})})
    return out


# --------------------------------------------------------------- figures ----
def symmetry_figures(rows, out_dir) -> list[Path]:
    """Write study 1's figures (PNG, matplotlib Agg) into ``out_dir``; return their paths.

    ``symmetry-risk-error.png``: |relative error of the trained minimum|
    against H(τ)/H*(τ*) (assumption A) and against H_Z/H*_Z (own sphere
    sizes), log-log against the assumption-A deviation, one colour per
    setting, one marker per network/word law, with the pooled fits.
    ``symmetry-norms-collapse.png``: the relative errors of the word and U
    norms (assumption A), the spread of the U-block norms and the distance
    of the concept directions' Gram matrix from the equiangular one, against
    the same deviation.
    """
    from .._io import colormap, new_figure, save_figure

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ok = [r for r in symmetry_rows_ok(rows) if (_float(r.get("K_fraction")) or 1) < 1]
    settings = sorted({_setting_label(r) for r in ok})
    colours = colormap("tab10")
    markers = {"h/uniform": "o", "h*/uniform": "s", "h*/zipf": "^"}
    paths = []

    def scatter(ax, err, dev, variants=None):
        for i, label in enumerate(settings):
            for variant, marker in markers.items():
                if variants is not None and variant not in variants:
                    continue
                pts = [(_float(r.get(dev)), abs(_float(r.get(err)))) for r in ok
                       if _setting_label(r) == label and _variant(r) == variant
                       and _float(r.get(err)) is not None and _float(r.get(dev))]
                pts = [(x, y) for x, y in pts if x > 0 and y > 0]
                if pts:
                    xs, ys = zip(*pts)
                    colour = colours(i % 10)
                    # h*/zipf: open markers (its minima coincide with h*/uniform's, see the docs)
                    ax.scatter(xs, ys, s=30 if variant == "h*/zipf" else 16, marker=marker, alpha=0.75,
                               facecolors="none" if variant == "h*/zipf" else colour, edgecolors=colour,
                               label=f"{label} {variant}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.set_xlabel("deviation from assumption A, ‖T − T_A‖_F / ‖T_A‖_F (eq. 35)", fontsize=9)

    def fit_line(ax, err, dev, variant, style):
        rs = [r for r in ok if _variant(r) == variant]
        fit = loglog_fit([_float(r.get(dev)) for r in rs], [_float(r.get(err)) for r in rs])
        if fit is None:
            return
        lo, hi = fit["x_range"]
        xs = [lo, hi]
        ax.plot(xs, [10 ** (fit["intercept"] + fit["slope"] * math.log10(x)) for x in xs], style, color="0.3",
                lw=1, label=f"fit {variant}: slope {fit['slope']:.2f}±{fit['slope_stderr']:.2f}, R² {fit['r2']:.2f}")

    fig, axes = new_figure(ncols=2, figsize=(12, 4.8), layout="constrained")
    for ax, err, title in ((axes[0], "risk_rel_error_A", "trained min vs H(τ) / H*(τ*), assumption A's K/n_c^L"),
                           (axes[1], "risk_rel_error_Z", "trained min vs H_Z / H*_Z, the set's own |S_r|")):
        scatter(ax, err, "assumption_a_deviation")
        fit_line(ax, err, "assumption_a_deviation", "h/uniform", "-")
        fit_line(ax, err, "assumption_a_deviation", "h*/uniform", "--")
        ax.set_ylabel("|relative error of the minimum risk|")
        ax.set_title(title, fontsize=9)
    axes[1].legend(fontsize=6.5, loc="best")
    fig.suptitle("Symmetry relaxed: random latent subsets, exact true risk", fontsize=10)
    path = out_dir / "symmetry-risk-error.png"
    save_figure(fig, path)
    paths.append(path)

    fig, axes = new_figure(nrows=2, ncols=2, figsize=(12, 9), layout="constrained")
    panels = ((axes[0, 0], "word_norm_rel_error_A", ("h/uniform",), "|relative error| of the mean ‖w‖",
               "h: mean word norm vs theorem 1 (assumption A)"),
              (axes[0, 1], "u_norm_rel_error_A", None, "|relative error| of the mean ‖u_{k,l}‖",
               "mean ‖u_{k,l}‖ vs theorems 1 / 3 (assumption A)"),
              (axes[1, 0], "u_norm_spread", None, "(max − min) / mean of ‖u_{k,l}‖",
               "collapse of the U blocks: norm spread (0 when collapsed)"),
              (axes[1, 1], "equiangular_error", None, "max |cos(m_a, m_b) + 1/(n_c − 1)|",
               "concept directions: distance from the equiangular Gram"))
    for ax, column, variants, ylabel, title in panels:
        scatter(ax, column, "assumption_a_deviation", variants=variants)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.set_title(title, fontsize=9)
    axes[0, 1].legend(fontsize=6.5, loc="best")
    path = out_dir / "symmetry-norms-collapse.png"
    save_figure(fig, path)
    paths.append(path)
    return paths


#: Study 1's job kind (``command = "study symmetry"`` in a grid; :mod:`fctheory.registry`).
SYMMETRY_JOB = _symmetry_job_kind()
