"""Study 1 of the under-sampling study: the symmetry assumptions relaxed (exact true risk; docs/undersampling.md).

Theorems 1 and 3 are proved for latent sets that satisfy assumption A (eq. 35) or lemma B (i)-(iii); a random
``K``-subset of :math:`[n_c]^L` satisfies neither exactly when ``K < n_c^L``.  One job (:func:`symmetry_job`)
trains network h (``R``, eq. 5) or h* (``R*``, eq. 10) on such a subset to a polished critical point
(:func:`fctheory.train_network`, exact Hessian-vector products), measures it (:func:`fctheory.measure_collapse`)
and compares with (i) theorem 1's :math:`H(\\tau)` / theorem 3's :math:`H^*(\\tau^*)` with assumption A's
:math:`|S_r| = \\frac{K}{n_c^L} \\binom{L}{r}(n_c - 1)^r` (lemma K, columns ``*_A``), (ii) the same with
the set's own mean sphere sizes :math:`\\frac1K\\sum_k |S_r(k)|` (:math:`H_Z` / :math:`H^*_Z`, ``*_Z``),
(iii) for h, the bounds of theorem G's certified global minimum :math:`\\min_D f(D) + \\lambda\\|D\\|_*`
(:func:`fctheory.certify_optimum`), against the set's deviations from assumption A
(:func:`fctheory.latent.check_assumption_a`) and lemma B (i) (:func:`fctheory.latent.check_lemma_b`) and
assumption B (eq. 44).  :func:`fctheory.study.symmetry_summary` fits the errors against the deviations.
"""

from __future__ import annotations

from fractions import Fraction

from .._validate import require_bool, require_dps, require_real, require_seed
from ..sweep import JobKind
from ._measure import job_variant, rel_error

__all__ = ["SYMMETRY_COLUMNS", "NETWORK_VARIANTS", "SYMMETRY_JOB", "symmetry_job"]

#: The (network, word law) pairs of the study: h with uniform words (theorem 1),
#: h* with uniform and Zipf words (theorem 3 does not depend on μ).
NETWORK_VARIANTS = (("h", "uniform"), ("h*", "uniform"), ("h*", "zipf"))

#: The CSV column order of results-symmetry.csv: the job's parameters and the sweep's row keys, the latent set,
#: the trained minimum, (i) assumption A's closed form (``*_A``), (ii) the set's own sphere sizes (``*_Z``),
#: (iii) theorem G (h only).
SYMMETRY_COLUMNS = (
    "n_c", "s_c", "L", "K", "K_fraction", "d", "lam", "network", "mu", "seed", "status", "error", "seconds", "cached",
    "assumption_a_deviation", "assumption_a_noise_level", "lemma_b_i_deviation", "lemma_b_holds", "assumption_b_holds",
    "sphere_sizes", "risk", "converged", "reason", "grad_norm_rel", "train_seconds", "collapse_verdict",
    "word_norm_mean", "word_norm_concept_spread", "word_norm_spread", "within_concept_spread", "equiangular_error",
    "u_norm_mean", "u_norm_spread", "u_alignment",
    *(f"{q}_{tag}" for tag in "AZ" for q in ("predicted_risk", "predicted_word_norm", "predicted_u_norm",
                                             "predicted_trivial", "risk_rel_error", "word_norm_rel_error",
                                             "u_norm_rel_error")),
    "certified_lower", "certified_upper", "certified_gap", "certify_method", "certify_seconds",
    "trained_minus_certified", "H_Z_minus_certified", "H_A_minus_certified",
)
#: Theorem G's columns (None for h* and without ``certify``).
CERTIFY_COLUMNS = SYMMETRY_COLUMNS[SYMMETRY_COLUMNS.index("certified_lower"):]

_KEYS = ("n_c", "s_c", "L", "K", "d", "lam", "network", "mu", "seed", "certify", "certify_time_limit", "dps")


def symmetry_job(params: dict) -> dict:
    """One job of study 1: a random latent subset, one network, trained and compared (module docstring).

    Parameters
    ----------
    params : dict
        ``n_c, s_c, L, K, d`` (integers; through :func:`fctheory.operations.resolve_setting`), ``lam`` (default
        ``"1/100"``), ``network`` and ``mu`` (one of :data:`NETWORK_VARIANTS`; default h, uniform), ``seed`` (the
        random subset's and the initialisation's), ``certify`` (bool, default true: theorem G for h),
        ``certify_time_limit`` (seconds, default 300), ``dps`` (digits of the closed forms, default 30).

    Returns
    -------
    dict
        The keys of :data:`SYMMETRY_COLUMNS` that a job computes (flat: floats, ints, strings, bools, None).
    """
    from ..certify import certify_optimum
    from ..latent import check_latent_set, sphere_sizes
    from ..predict import collapse_prediction
    from ..operations import resolve_setting
    from ..train import measure_collapse, train_network

    network, _ = job_variant({"network": "h", "mu": "uniform", **params}, _KEYS, NETWORK_VARIANTS)
    problem = resolve_setting({"lam": "1/100", **params}, required=("n_c", "s_c", "L", "K", "d")).require_problem()
    setting = problem.setting
    seed = require_seed("seed", params.get("seed", 0))
    dps = require_dps(params.get("dps", 30))
    do_certify = require_bool("certify", params.get("certify", True))
    limit = require_real("certify_time_limit", params.get("certify_time_limit", 300), lo=0, lo_open=True)

    check = check_latent_set(problem)
    a, b = check.assumption_a, check.lemma_b
    row = {"K": setting.K, "K_fraction": setting.K / setting.n_c ** setting.L, "assumption_a_deviation": a.deviation,
           "assumption_a_noise_level": a.noise_level, "lemma_b_i_deviation": b.deviation_i, "lemma_b_holds": b.holds,
           "assumption_b_holds": check.assumption_b.holds,
           "sphere_sizes": " ".join(str(Fraction(v)) for v in b.mean_sphere_sizes)}

    result = train_network(problem, network=network, seed=seed, hessian="exact")
    m = measure_collapse(result.W, result.U, problem, network=network)
    word_norm_mean = float(sum(m.word_norms) / len(m.word_norms))
    by_concept = [m.word_norms[a * setting.s_c:(a + 1) * setting.s_c] for a in range(setting.n_c)]  # ||w_(a,b)||
    # max over concepts a of (max_b - min_b) / mean_b ||w_(a,b)|| (0 when the words of each concept share a norm)
    concept_spread = max([(max(c) - min(c)) / (sum(c) / len(c)) for c in by_concept if sum(c) > 0], default=0.0)
    row.update({"risk": result.risk, "converged": result.converged, "reason": result.reason,
                "grad_norm_rel": result.grad_norm_rel, "train_seconds": result.seconds,
                "collapse_verdict": m.collapse_verdict, "word_norm_mean": word_norm_mean,
                "word_norm_concept_spread": concept_spread, "word_norm_spread": m.word_norm_spread,
                "within_concept_spread": m.within_concept_spread, "equiangular_error": m.equiangular_error,
                "u_norm_mean": m.u_norm_mean, "u_norm_spread": m.u_norm_spread, "u_alignment": m.u_alignment})

    for tag, sizes in (("A", None), ("Z", sphere_sizes(problem, lemma_b=b))):
        p = collapse_prediction(setting, network, sphere_sizes=sizes, dps=dps).to_dict()  # theorem 1 or 3
        row.update({f"predicted_risk_{tag}": p["risk"], f"predicted_word_norm_{tag}": p["word_norm"],
                    f"predicted_u_norm_{tag}": p["u_norm"], f"predicted_trivial_{tag}": p["trivial"],
                    f"risk_rel_error_{tag}": rel_error(result.risk, p["risk"], signed=True),
                    f"word_norm_rel_error_{tag}": rel_error(word_norm_mean, p["word_norm"], signed=True),
                    f"u_norm_rel_error_{tag}": rel_error(m.u_norm_mean, p["u_norm"], signed=True)})

    row.update(dict.fromkeys(CERTIFY_COLUMNS))
    if network == "h" and do_certify:
        cert = certify_optimum(problem, method="auto", time_limit=float(limit))
        row.update({"certified_lower": cert.lower_bound, "certified_upper": cert.optimal_value,
                    "certified_gap": cert.gap, "certify_method": cert.to_dict(include_D=False).get("method"),
                    "certify_seconds": cert.wall_time,
                    "trained_minus_certified": result.risk - cert.optimal_value,
                    "H_Z_minus_certified": row["predicted_risk_Z"] - cert.optimal_value,
                    "H_A_minus_certified": row["predicted_risk_A"] - cert.optimal_value})
    return row


#: Study 1's job kind (``command = "study symmetry"`` in a grid; :mod:`fctheory.registry`).
SYMMETRY_JOB = JobKind(name="study symmetry", function=symmetry_job, keys=_KEYS,
                       required=("n_c", "s_c", "L", "K", "d", "lam", "network"), outputs=SYMMETRY_COLUMNS,
                       summary=("risk_rel_error_A", "assumption_a_deviation"),
                       description="the under-sampling study's random-latent-subset job (exact risk)")
