"""The commands a sweep grid can name: each turns a job's parameters into a problem,
calls the library and returns the command's JSON dict.

Registered job kinds (:func:`fctheory.sweep.register_job_kind`):

``predict type1`` / ``predict type2`` / ``predict type3`` / ``predict threshold``
    theorem 1 (:func:`fctheory.predict_type1`), theorem 3 (``predict_type2``),
    theorem 2 (eq. 7-8, ``predict_type3``) and the λ thresholds (eq. 9 and
    ``H'(0) = 0``, ``lambda_thresholds``; plus theorem G's ``||∇f(0)||_op``
    on full sets up to ``K = 2**16``); the result is the prediction's
    ``to_dict()``, as ``fctheory predict KIND --json`` prints it.  Defaults
    are the paper's (``n_c = 3, s_c = 400, L = 15, λ = 0.001, d = 100``)
    except ``K``: the full set ``n_c**L`` unless the grid gives ``K``.  ``code`` / ``latent_file`` /
    ``latent = "random"`` (with ``seed``) use ``H_Z`` with that latent set's
    sphere sizes |S_r| (lemma K) instead of assumption A's closed form.
``train``
    :func:`fctheory.train_network` on the exact risk (R, eq. 5, or R*, eq. 10):
    the run's diagnostics and :func:`fctheory.measure_collapse` of the trained
    weights (definitions 1-3); the weights ``W``, ``U`` are stored with the
    job's cache entry.  ``seed`` seeds the initialisation and a random latent
    set (``K < n_c**L``).  The Newton-CG polish uses exact Hessian-vector
    products unless ``hessian`` says otherwise (``train_network``'s ``"auto"``
    decides by timing, which would make results depend on the worker's load).
``certify``
    theorem G: :func:`fctheory.certify_optimum` and
    :func:`fctheory.compare_prediction`; the keys of ``fctheory certify
    --json`` (its ``status`` is ``solver_status`` here: ``status`` is the
    job's).
``claim-h``
    claim H of appendix G alone, without a solver: ``||∇f(D_III)||_op / λ - 1``
    at theorem 2's type-III point to ``dps`` digits (``<= 0`` up to rounding
    proves type III globally optimal on the full set); phase 2 of the
    type-III conjecture sweep (``validation/grids/conjecture-claim-h.toml``).
``reproduce``
    one of the paper's experiments (:func:`fctheory.reproduce.reproduce_experiment`):
    the keys of ``fctheory reproduce --json``; the weights ``W``, ``U``,
    ``latent`` and ``mu_values`` as arrays.  With ``out`` the job also writes
    the experiment's files under ``out/seed<S>/<experiment>/`` (``out/<experiment>/``
    with ``seed_folder = false``; on a cluster
    ``out`` must be a path the workers can write, e.g. a shared filesystem);
    without it nothing is written but the cache entry.

This module sits above the theory packages and beside the CLI, not in it: a
Dask worker imports it by name (``fctheory.sweep_commands:train``) with only
the library installed, and :mod:`fctheory.sweep` stays free of the theory.
"""

from __future__ import annotations

import numbers

from ._precision import fraction_to_mpf
from .errors import InvalidInput
from .problem import LatentSource, Problem
from .setting import Setting
from .sweep import JobKind, JobOutput, register_job_kind

__all__ = ["predict_type1", "predict_type2", "predict_type3", "predict_threshold", "train", "certify", "claim_h",
           "reproduce",
           "PAPER_DEFAULTS", "GENERAL_THRESHOLD_MAX_K"]

#: The paper's experimental setting (section 5): the defaults of ``predict`` (K: the full set).
PAPER_DEFAULTS = dict(n_c=3, s_c=400, L=15, K=None, lam="0.001", d=100, mu="uniform")
#: Largest full set for which ``predict threshold`` also computes theorem G's threshold.
GENERAL_THRESHOLD_MAX_K = 2**16

_SETTING_HELP = (
    ("n_c", "concepts n_c >= 2"), ("s_c", "words per concept s_c >= 1"), ("L", "sentence length L >= 1"),
    ("K", "latent variables 2 <= K <= n_c**L, or \"full\""), ("lam", "λ > 0 (\"1/100\", \"1e-3\" or a number)"),
    ("lam_over_threshold", "instead of lam: this fraction of the λ threshold (type I for uniform μ, eq. 9 otherwise)"),
    ("mu", "word law: uniform | zipf | zipf:EXP | \"v1,v2,...\""), ("d", "embedding dimension"),
)
_LATENT_HELP = (("seed", "seed of a random latent set (and of training's initialisation)"),
                ("code", "a named linear code as latent set (e.g. \"ternary-hamming\")"),
                ("latent_file", "a latent-set file (.npy, .npz, text rows)"))


def _int(params: dict, key: str, default=None):
    value = params.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInput(key, "an integer", value)
    return int(value)


def _K(params: dict, default):
    K = params.get("K", default)
    if isinstance(K, str) and K.strip().lower() in ("full", "none"):
        return None
    return K


def _resolve_lam(params: dict, defaults: dict) -> tuple[dict, dict]:
    """The parameters with ``lam`` in place of ``lam_over_threshold``, and what was resolved.

    ``lam_over_threshold`` times the λ threshold, rounded to 6 significant
    digits: type I's ``H'(0) = 0`` (theorem 1) for uniform μ, eq. 9 (type III)
    otherwise, as the validation suites and the conjecture sweep do.  The
    second dict (empty without ``lam_over_threshold``) holds ``lam``,
    ``threshold`` and ``threshold_equation`` for the results row.
    """
    if "lam_over_threshold" not in params:
        return params, {}
    if "lam" in params:
        raise InvalidInput("lam/lam_over_threshold", "one of the two", f"{params['lam']}, {params['lam_over_threshold']}")
    import mpmath

    from .predict import lambda_thresholds
    from .setting import to_fraction

    frac = to_fraction("lam_over_threshold", params["lam_over_threshold"], InvalidInput)
    if frac <= 0:
        raise InvalidInput("lam_over_threshold", "a number > 0", params["lam_over_threshold"])
    get = lambda key: params.get(key, defaults.get(key))  # noqa: E731
    probe = Setting(get("n_c"), get("s_c"), get("L"), 1, K=_K(params, defaults.get("K")), mu=get("mu") or "uniform")
    thr = lambda_thresholds(probe, dps=30)
    which = thr.type1 if probe.mu.is_uniform or thr.type3 is None else thr.type3
    with mpmath.workdps(30):
        lam = mpmath.nstr(which.value * fraction_to_mpf(frac), 6)
        value = float(which.value)
    resolved = {k: v for k, v in params.items() if k != "lam_over_threshold"}
    resolved["lam"] = lam
    return resolved, {"lam": lam, "threshold": value, "threshold_equation": which.equation}


def _problem(params: dict, defaults: dict, *, random_latent: bool) -> Problem:
    """The job's problem: its setting and latent set (full, random with ``seed``, ``code`` or ``latent_file``).

    With ``random_latent`` a ``K < n_c**L`` draws ``K`` latent variables with
    ``seed`` (train, certify); otherwise only ``code``/``latent_file`` give a
    set and ``K`` is a size (the closed forms under assumption A).
    """
    get = lambda key: params.get(key, defaults.get(key))  # noqa: E731
    for key in ("n_c", "s_c", "L", "lam"):
        if get(key) is None:
            raise InvalidInput(key, "given (in [grid], [fixed] or [[cases]])")
    code, path = params.get("code"), params.get("latent_file")
    if code is not None and path is not None:
        raise InvalidInput("code/latent_file", "at most one of the two", f"{code}, {path}")
    K = _K(params, defaults.get("K"))
    setting = Setting(get("n_c"), get("s_c"), get("L"), get("lam"), K=K, d=get("d"), mu=get("mu") or "uniform")
    if code is not None:
        return Problem.sized_by_set(setting, LatentSource.code(str(code)))
    if path is not None:
        return Problem.sized_by_set(setting, LatentSource.file(str(path)))
    if setting.is_full:
        return Problem(setting)
    if random_latent:
        return Problem(setting, LatentSource.random(setting.K, seed=_int(params, "seed", 0)))
    return None  # assumption A's closed form: no set needed


# ---------------------------------------------------------------- predict ----
def _profile(params: dict, setting: Setting, problem: Problem | None):
    """The sphere sizes |S_r| of the job's latent set for H_Z (lemma K), or None (assumption A)."""
    from .latent import random_latent_set, sphere_sizes

    latent = params.get("latent", "model")
    if latent not in ("model", "random"):
        raise InvalidInput("latent", "'model' (assumption A's closed form) or 'random' (H_Z of a random set)", latent)
    if params.get("code") is not None or params.get("latent_file") is not None:
        return sphere_sizes(problem.latent, setting.n_c, source=problem.source.describe())
    if latent == "random":
        Z = random_latent_set(setting.n_c, setting.L, setting.K, seed=_int(params, "seed", 0))
        return sphere_sizes(Z, setting.n_c, source=f"random K={setting.K} seed={_int(params, 'seed', 0)}")
    return None


def _predict(params: dict, kind: str) -> dict:
    from . import predict as _p
    from ._precision import check_dps

    defaults = dict(PAPER_DEFAULTS, K=None)
    params, facts = _resolve_lam(params, defaults)
    problem = _problem(params, defaults, random_latent=False)
    if problem is not None:
        setting = problem.setting
    else:
        get = lambda key: params.get(key, defaults.get(key))  # noqa: E731
        setting = Setting(get("n_c"), get("s_c"), get("L"), get("lam"), K=_K(params, defaults["K"]), d=get("d"),
                          mu=get("mu") or "uniform")
    dps = check_dps(_int(params, "dps", 30))
    if kind == "type3":
        if params.get("code") is not None or params.get("latent_file") is not None or "latent" in params:
            raise InvalidInput("latent", "absent for type3 (theorem 2 is stated on the full set)",
                               params.get("latent", params.get("code", params.get("latent_file"))))
        return {**_p.predict_type3(setting, dps=dps).to_dict(), **facts}
    profile = _profile(params, setting, problem)
    if kind == "type1":
        return {**_p.predict_type1(setting, dps=dps, sphere_sizes=profile).to_dict(), **facts}
    if kind == "type2":
        return {**_p.predict_type2(setting, dps=dps, sphere_sizes=profile).to_dict(), **facts}
    payload = {**_p.lambda_thresholds(setting, dps=dps, sphere_sizes=profile).to_dict(), **facts}
    payload["general"] = None
    if profile is None and setting.is_full and setting.K <= GENERAL_THRESHOLD_MAX_K:
        import mpmath

        from .certify import general_lambda_threshold

        value = general_lambda_threshold(setting, dps=dps).value
        payload["general"] = {"value": mpmath.nstr(value, dps), "equation": "theorem G, claim H: ||grad f(0)||_op"}
    return payload


def predict_type1(params: dict) -> dict:
    """Theorem 1 (``fctheory predict type1 --json``)."""
    return _predict(params, "type1")


def predict_type2(params: dict) -> dict:
    """Theorem 3 (``fctheory predict type2 --json``)."""
    return _predict(params, "type2")


def predict_type3(params: dict) -> dict:
    """Theorem 2, eq. 7-8 (``fctheory predict type3 --json``)."""
    return _predict(params, "type3")


def predict_threshold(params: dict) -> dict:
    """Eq. 9 and ``H'(0) = 0`` (and theorem G's threshold; ``fctheory predict threshold --json``)."""
    return _predict(params, "threshold")


# ------------------------------------------------------------------ train ----
TRAIN_OUTPUTS = ("K", "risk", "grad_norm", "grad_norm_rel", "converged", "reason", "lbfgs_iterations",
                 "newton_iterations", "evaluations", "hvp_evaluations", "hvp_method", "train_seconds", "latent_set",
                 "collapse_verdict", "w_frobenius", "u_frobenius", "within_concept_spread", "equiangular_error",
                 "word_norm_spread", "r_concept_spread", "u_norm_mean", "u_norm_spread", "u_alignment", "r_by_rank")


def train(params: dict) -> JobOutput:
    """Train network h or h* on the exact risk; diagnostics and collapse measurements, weights as arrays."""
    from .train import measure_collapse, train_network

    params, facts = _resolve_lam(params, {})
    problem = _problem(params, {}, random_latent=True)
    setting = problem.setting
    if setting.d is None:
        raise InvalidInput("d", "given (the embedding dimension of the trained network)")
    network = params.get("network", "h")
    init_scale = params.get("init_scale", 0.1)
    latent = None if problem.source.kind == "full" else problem.latent
    # "exact" by default: "auto" chooses the Hessian-vector product by timing its
    # first product, so the same job could take another path on a busier worker.
    hessian = params.get("hessian", "exact")
    result = train_network(setting, network=network, latent=latent, seed=_int(params, "seed", 0),
                           init_scale=init_scale, hessian=hessian)
    m = measure_collapse(result.W, result.U, setting.n_c, setting.s_c, setting.L, latent=latent, network=network)
    md = m.to_dict()
    record = {"K": setting.K, "risk": result.risk, "grad_norm": result.grad_norm, "grad_norm_rel": result.grad_norm_rel,
              "converged": result.converged, "reason": result.reason, "lbfgs_iterations": result.lbfgs_iterations,
              "newton_iterations": result.newton_iterations, "evaluations": result.evaluations,
              "hvp_evaluations": result.hvp_evaluations, "hvp_method": result.hvp_method,
              "train_seconds": result.seconds, "latent_set": problem.source.describe(),
              **{k: md[k] for k in TRAIN_OUTPUTS if k in md}, **facts}
    return JobOutput(record, {"W": result.W, "U": result.U})


# ---------------------------------------------------------------- certify ----
CERTIFY_OUTPUTS = ("optimal_value", "solver_status", "gap", "predicted_value", "difference", "lower_bound",
                   "prediction", "verdict", "gradient_ratio", "d_difference", "general_lambda_threshold", "latent_set",
                   "sphere_sizes", "certificate", "excess", "solver_gap", "exp_cones", "claim_h_mp_ratio_minus_1")
#: What ``lam_over_threshold`` adds to a row.
_LAM_FACTS = ("lam", "threshold", "threshold_equation")


def certify(params: dict) -> dict:
    """Theorem G: the certified global minimum against the prediction (``fctheory certify --json``)."""
    from .certify import certify_optimum, compare_prediction, general_lambda_threshold
    from .latent import sphere_sizes

    params, facts = _resolve_lam(params, {})
    problem = _problem(params, {}, random_latent=True)
    setting = problem.setting
    latent = None if problem.source.kind == "full" else problem.latent
    solver = params.get("solver", "CLARABEL")
    nuclear_form = params.get("nuclear_form", "blocks")
    cert = certify_optimum(setting, latent, solver=solver, nuclear_form=nuclear_form)
    source = problem.source.describe()
    profile = None if latent is None else sphere_sizes(cert.latent, setting.n_c, source=source)
    cmp = compare_prediction(cert, dps=_int(params, "dps", 30), sphere_sizes=profile)
    thr = general_lambda_threshold(setting, cert.latent)
    out = {
        "optimal_value": cert.optimal_value, "solver_status": cert.status, "gap": cert.gap,
        "predicted_value": cmp.predicted_value, "difference": cmp.difference, "lower_bound": cert.lower_bound,
        "prediction": cmp.prediction, "verdict": cmp.verdict, "gradient_ratio": cmp.gradient_ratio,
        "d_difference": cmp.d_difference, "general_lambda_threshold": thr.value_float, "latent_set": source,
        "sphere_sizes": None if profile is None else profile.to_dict(), "certificate": cert.to_dict(include_D=False),
        "excess": cmp.excess, "solver_gap": cert.solver_gap, "exp_cones": cert.size.exp_cones,
        "claim_h_mp_ratio_minus_1": None, **facts,
    }
    claim_dps = _int(params, "claim_h_dps")
    if claim_dps is not None:
        out["claim_h_mp_ratio_minus_1"] = _claim_h_mp(setting, cmp.prediction, claim_dps)
    return out


def _claim_h_mp(setting: Setting, prediction: str, dps: int) -> str:
    """Claim H at ``dps`` digits: ``||∇f(D_III)||_op / λ - 1`` at theorem 2's type-III point
    (``<= 0`` up to rounding proves type III globally optimal; appendix G, claim H)."""
    import mpmath

    from ._precision import check_dps
    from .certify import claim_h_ratio
    from .predict import predict_type3

    dps = check_dps(dps)
    if not prediction.startswith("type III"):
        raise InvalidInput("claim_h_dps", "given only where the prediction is type III (full set, non-uniform μ)",
                           prediction)
    p3 = predict_type3(setting, dps=dps + 20)
    return mpmath.nstr(claim_h_ratio(setting, p3.c, p3.r, dps=dps).ratio_minus_one, 3)


# ---------------------------------------------------------------- claim H ----
#: Default digits of a ``claim-h`` job (the conjecture sweep's solver-free scan).
CLAIM_H_SCAN_DPS = 25


def claim_h(params: dict) -> dict:
    """Claim H (appendix G) at theorem 2's type-III point: the ratio to ``dps`` digits and its verdict.

    The ratio minus one is ``<= 10**-(dps - 5)`` (rounding at ``dps`` digits)
    exactly when claim H holds at this λ; the row says ``holds``.
    """
    import mpmath

    from ._precision import check_dps
    from .certify import claim_h_ratio
    from .predict import predict_type3

    params, facts = _resolve_lam(params, {})
    problem = _problem(params, {}, random_latent=False)
    if problem is None or problem.source.kind != "full":
        raise InvalidInput("K", "the full set n_c**L (claim H is stated for theorem 2's full latent set)",
                           params.get("K"))
    setting = problem.setting
    dps = check_dps(_int(params, "dps", CLAIM_H_SCAN_DPS))
    p3 = predict_type3(setting, dps=dps + 20)
    ratio = claim_h_ratio(setting, p3.c, p3.r, dps=dps).ratio_minus_one
    with mpmath.workdps(dps):
        holds = bool(ratio <= mpmath.mpf(10) ** -(dps - 5))
        c, r = mpmath.nstr(p3.c, 15), mpmath.nstr(p3.r, 15)
    return {"K": setting.K, "c": c, "r": r, "claim_h_mp_ratio_minus_1": mpmath.nstr(ratio, 3), "holds": holds,
            "dps": dps, **facts}


# -------------------------------------------------------------- reproduce ----
REPRODUCE_KEYS = ("experiment", "optimizer", "seed", "n_spl", "epochs", "gtol", "maxiter", "quick", "out", "seed_folder",
                  "progress", "dtype")


def reproduce(params: dict) -> JobOutput:
    """One of the paper's experiments (``fctheory reproduce EXP --json``), the weights as arrays."""
    import os

    from .reproduce import reproduce_experiment

    seed = _int(params, "seed", 0)
    out, seed_folder = params.get("out"), params.get("seed_folder", True)
    if not isinstance(seed_folder, bool):
        raise InvalidInput("seed_folder", "true or false", seed_folder)
    if out is not None:
        if not isinstance(out, str) or not out:
            raise InvalidInput("out", "a folder path (a non-empty string)", out)
        if seed_folder:
            out = os.path.join(out, f"seed{seed}")
    gtol = params.get("gtol")
    if isinstance(gtol, str):
        try:
            gtol = float(gtol)
        except ValueError:
            raise InvalidInput("gtol", "a number in (0, 1)", gtol) from None
    quick, progress = params.get("quick", False), params.get("progress", False)
    for name, flag in (("quick", quick), ("progress", progress)):
        if not isinstance(flag, bool):
            raise InvalidInput(name, "true or false", flag)
    result = reproduce_experiment(params.get("experiment", "fig3"), optimizer=params.get("optimizer", "lbfgs"),
                                  seed=seed, out=out, epochs=_int(params, "epochs"), quick=quick, progress=progress,
                                  n_spl=_int(params, "n_spl"), gtol=gtol, maxiter=_int(params, "maxiter"),
                                  dtype=params.get("dtype"))
    arrays = {"W": result.W, "U": result.U, "latent": result.latent, "mu_values": result.mu_values}
    return JobOutput(result.to_dict(), arrays)


# ----------------------------------------------------------- registration ----
_PREDICT_KEYS = tuple(k for k, _ in _SETTING_HELP) + ("lam_over_threshold", "dps", "seed", "code", "latent_file",
                                                     "latent")
_PREDICT_HELP = _SETTING_HELP + (("dps", "significant digits, 15..1000 (default 30)"),) + _LATENT_HELP + (
    ("latent", "'model' (assumption A, default) or 'random' (H_Z of the seed's random set)"),)
_PREDICT_SUMMARY = {"type1": ("tau", "risk"), "type2": ("tau", "risk"), "type3": ("c", "risk"),
                    "threshold": ("type1", "type3")}
_PREDICT_OUTPUTS = {
    "type1": ("theorem", "trivial", "tau", "word_norm", "u_norm", "risk", "lambda_threshold", "residual", "enclosures",
              "dps", "setting", "sphere_sizes"),
    "type2": ("theorem", "tau", "u_norm", "risk", "residual", "enclosures", "dps", "setting", "sphere_sizes"),
    "type3": ("theorem", "c", "r", "risk", "lambda_threshold", "residual", "enclosures", "dps", "setting"),
    "threshold": ("type1", "type3", "agree", "dps", "setting", "general"),
}
for _kind in ("type1", "type2", "type3", "threshold"):
    register_job_kind(JobKind(
        name=f"predict {_kind}", target=f"{__name__}:predict_{_kind}", keys=_PREDICT_KEYS,
        summary=_PREDICT_SUMMARY[_kind], outputs=_PREDICT_OUTPUTS[_kind] + _LAM_FACTS, key_help=_PREDICT_HELP,
        description={"type1": "theorem 1", "type2": "theorem 3", "type3": "theorem 2 (eq. 7-8)",
                     "threshold": "the λ thresholds (eq. 9, H'(0) = 0, theorem G)"}[_kind]))

register_job_kind(JobKind(
    name="train", target=f"{__name__}:train",
    keys=tuple(k for k, _ in _SETTING_HELP) + ("seed", "code", "latent_file", "network", "init_scale", "hessian"),
    required=("n_c", "s_c", "L", ("lam", "lam_over_threshold"), "d"), outputs=TRAIN_OUTPUTS + _LAM_FACTS,
    summary=("risk", "converged", "collapse_verdict"),
    key_help=_SETTING_HELP + _LATENT_HELP + (("network", "'h' (R, eq. 5) or 'h*' (R*, eq. 10)"),
                                             ("init_scale", "initial scale (default 0.1)"),
                                             ("hessian", "Newton-CG products: 'exact' (default), 'fd', or 'auto' "
                                                         "(chosen by timing: not reproducible)")),
    description="train_network on the exact risk + measure_collapse"))

register_job_kind(JobKind(
    name="certify", target=f"{__name__}:certify",
    keys=tuple(k for k, _ in _SETTING_HELP if k != "d") + ("seed", "code", "latent_file", "solver", "nuclear_form",
                                                          "dps", "claim_h_dps"),
    required=("n_c", "s_c", "L", ("lam", "lam_over_threshold")), outputs=CERTIFY_OUTPUTS + _LAM_FACTS,
    summary=("optimal_value", "predicted_value", "verdict"),
    key_help=tuple(h for h in _SETTING_HELP if h[0] != "d") + _LATENT_HELP + (
        ("solver", "CLARABEL (default) or SCS"), ("nuclear_form", "blocks (default) or joint"),
        ("dps", "digits of the prediction (default 30)"),
        ("claim_h_dps", "also claim H at this many digits at the type-III point (claim_h_mp_ratio_minus_1)")),
    description="theorem G: certify_optimum + compare_prediction"))

register_job_kind(JobKind(
    name="claim-h", target=f"{__name__}:claim_h",
    keys=("n_c", "s_c", "L", "K", "lam", "lam_over_threshold", "mu", "dps"),
    required=("n_c", "s_c", "L", ("lam", "lam_over_threshold"), "mu"),
    outputs=("K", "c", "r", "claim_h_mp_ratio_minus_1", "holds", "dps") + _LAM_FACTS,
    summary=("claim_h_mp_ratio_minus_1", "holds"),
    key_help=tuple(h for h in _SETTING_HELP if h[0] != "d") + (
        ("dps", f"digits of the ratio (default {CLAIM_H_SCAN_DPS}; the type-III point at dps + 20)"),),
    description="claim H (appendix G) at the type-III point, solver-free"))

register_job_kind(JobKind(
    name="reproduce", target=f"{__name__}:reproduce", keys=REPRODUCE_KEYS, required=("experiment",),
    outputs=("experiment", "network", "mu", "n_spl", "optimizer", "seed", "test_accuracy", "train_accuracy", "risk",
             "word_norm_mean", "word_norm_std", "word_singular_values", "u_singular_values", "predicted",
             "converged", "iterations", "train_seconds", "files"),
    summary=("test_accuracy", "word_norm_mean", "converged"),
    key_help=(("experiment", "fig3, fig4a, fig4b or fig4c"), ("optimizer", "lbfgs (default) or sgd"),
              ("seed", "seed of the latent set, the data and the initialisation (default 0)"),
              ("n_spl", "training sentences per class instead of the experiment's"),
              ("epochs", "SGD epochs instead of the paper's (sgd only)"),
              ("gtol", "L-BFGS gradient tolerance (lbfgs only; default 1e-8, float32: 1e-7)"),
              ("maxiter", "L-BFGS iteration limit (lbfgs only)"), ("quick", "the reduced setting (true/false)"),
              ("dtype", "float32 or float64 (default: float64 for lbfgs, float32 for sgd)"),
              ("out", "write the files under OUT/seed<S>/<experiment>/ (a path the workers can write)"),
              ("seed_folder", "false: OUT/<experiment>/ without the seed<S> level (default true)"),
              ("progress", "a progress bar on the worker's stderr (default false)")),
    description="the paper's figures 3-4: reproduce_experiment (fctheory reproduce --json)"))
