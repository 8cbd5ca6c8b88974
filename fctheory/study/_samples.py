r"""Study 2 of the under-sampling study: the samples relaxed (the empirical risk, the paper's data model).

The paper proves its closed forms for the true risk (eq. 5), the limit :math:`n_{spl} \to \infty` of the empirical
risk (eq. 3) that its experiments train.  One job (:func:`samples_job`, one ``(network, mu, n_spl, seed, setting)``)
seeds the latent set ``Problem(setting, "random", seed=seed)``, the data ``sample_dataset(problem, n_spl, n_test=5,
seed=seed)`` (section 2) and the initialisation as ``fctheory reproduce`` does, trains eq. 3 by full-batch L-BFGS to
``max_i |dR/dtheta_i| <= gtol`` or ``maxiter`` iterations (``converged``, ``iterations``; h* with the paper's
LayerNorm, :math:`\varepsilon = 0`: with the code's :math:`10^{-5}` and W unpenalized its empirical risk has no
minimizer, docs/reproduce.md), and measures the weights as the paper does
(:func:`fctheory.reproduce.measure_weights`) against the theory's values
(:func:`fctheory.reproduce.theory_predictions`: theorem 1 for h with uniform :math:`\mu`, theorem 3 for h*, none for
h with Zipf words, where ``not_predicted`` says why and the ``*_predicted`` keys are None). For h*,
:math:`\|\varphi(w)\| = \sqrt d` for every W at :math:`\varepsilon = 0`, so ``word_norm_rel_error`` is round-off.
Each closed form is given twice: ``*_predicted`` with assumption A (eq. 35, :math:`K/n_c^L`; what the paper compares
with), ``*_predicted_z`` with :math:`H_Z` / :math:`H^*_Z` of the run's own mean sphere sizes :math:`|S_r|` (lemma B).
Relative errors are :math:`|m - p|/p` of the mean measured norm ``m`` against the predicted ``p``.

For h with uniform :math:`\mu` the job also measures the gap to the latent set's *exact* optimum,
:func:`fctheory.predict_optimum` (theorem G reduced by the within-concept symmetry, certified; no
assumption A): the minimizer of the true risk of the very latent set trained on, the limit
:math:`n_{spl} \to \infty` of the trained weights, so this gap must vanish (theorem 1's does not).
``word_norm_optimum``, ``u_norm_optimum``, ``u_frobenius_optimum`` are its mean word norm, mean block norm
and :math:`\|U\|_F`, ``*_rel_error_optimum`` the trained weights' relative errors against them;
``word_norm_rms_rel_error_optimum`` compares word by word with the optimum's norm :math:`c_a` of the word's
concept, :math:`\sqrt{n_w^{-1}\sum_{a,b} (\|w_{(a,b)}\| - c_a)^2} / \bar c`; ``risk_optimum`` is min R (the
upper bound), ``risk_optimum_lower_bound`` the Fenchel-dual bound.  They are None for the other networks
(non-uniform :math:`\mu`; R* is not convex).  The trained ``risk`` is the empirical one and may fall below.

The collapse (definitions 1-2: :math:`u_{k,l} = c\,f_{z_{k,l}}`) is measured without reference to a frame. For
concept ``a`` let :math:`B_a = \{(k,l) : z_{k,l} = a\}` and :math:`\bar u_a = |B_a|^{-1}\sum_{(k,l)\in B_a} u_{k,l}`;
``u_alignment`` is :math:`(KL)^{-1}\sum_{k,l}\cos(u_{k,l}, \bar u_{z_{k,l}})` (1 when collapsed; a zero vector counts
as cosine 0), ``u_alignment_min`` the smallest of those cosines, ``u_norm_spread`` :math:`n_c^{-1}\sum_a
\operatorname{std}_{B_a}\|u_{k,l}\| / \operatorname{mean}_{B_a}\|u_{k,l}\|` (population std; 0 when collapsed),
``u_sv3_ratio`` the third PCA singular value of the blocks over the second (the paper's figure-3 indicator, 0 for
:math:`n_c = 3` when collapsed); ``word_alignment`` and ``word_sv3_ratio`` the same for the word features (W for h,
:math:`\varphi(W)` for h*; :math:`\bar w_a` the mean over the words of concept ``a``).  ``unseen_words`` counts the
words in no training sentence.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import require_int, require_real, require_seed
from ..sweep import JobKind
from ._measure import collapse_measures, job_variant, rel_error

__all__ = ["SAMPLES_COLUMNS", "OPTIMUM_COLUMNS", "SAMPLES_JOB", "samples_job", "NETWORKS", "DEFAULT_GTOL",
           "DEFAULT_MAXITER", "LBFGS_LAYER_NORM_EPS", "PAPER_POINTS"]

#: The three networks of the study, as (network, mu) pairs.
NETWORKS = (("h", "uniform"), ("h", "zipf"), ("h*", "zipf"))
#: L-BFGS gradient tolerance (max |component|), as ``fctheory reproduce``'s default.
DEFAULT_GTOL = 1e-8
#: L-BFGS iteration cap; a job stopped by it says so (``converged`` False).
DEFAULT_MAXITER = 3000
#: LayerNorm epsilon of h* under L-BFGS: the paper's phi, eq. 18 (see the module docstring).
LBFGS_LAYER_NORM_EPS = 0.0
#: Test sentences per class (the paper's code).
N_TEST = 5
#: The paper's reported test accuracies (section 2, at its own setting: n_c = 3, s_c = 400, L = 15,
#: K = 1000, d = 100): figure 3 (h, uniform), figure 4(b) (h, Zipf), figure 4(c) (h*, Zipf), all at n_spl = 5.
PAPER_POINTS = {("h", "uniform"): (5, 1.00), ("h", "zipf"): (5, 0.45), ("h*", "zipf"): (5, 1.00)}

_SETTING_DEFAULTS = {"n_c": 3, "s_c": 200, "L": 8, "K": 100, "d": 20, "lam": "1/1000"}
_KEYS = ("network", "mu", "n_spl", "seed", "n_c", "s_c", "L", "K", "d", "lam", "n_test", "gtol", "maxiter")

#: The CSV column order of results-samples.csv.
SAMPLES_COLUMNS = (
    "network", "mu", "n_spl", "seed", "n_c", "s_c", "L", "K", "d", "lam", "n_test", "eps", "gtol", "maxiter",
    "test_accuracy", "train_accuracy", "risk", "risk_predicted", "word_norm_mean", "word_norm_std",
    "word_norm_predicted", "word_norm_rel_error", "word_norm_predicted_z", "word_norm_rel_error_z", "u_norm_mean",
    "u_norm_std", "u_norm_predicted", "u_norm_rel_error", "u_norm_predicted_z", "u_norm_rel_error_z", "u_frobenius",
    "u_frobenius_predicted", "u_norm_spread", "u_alignment", "u_alignment_min", "u_sv3_ratio", "word_alignment",
    "word_sv3_ratio", "unseen_words", "theorem", "not_predicted", "iterations", "converged", "gradient_max", "message",
    "train_seconds", "word_norm_optimum", "word_norm_rel_error_optimum", "word_norm_rms_rel_error_optimum",
    "u_norm_optimum", "u_norm_rel_error_optimum", "u_frobenius_optimum", "u_frobenius_rel_error_optimum",
    "risk_optimum", "risk_optimum_lower_bound", "risk_optimum_certified",
)
#: The columns of the latent set's exact optimum (network h, uniform mu only; None for the other networks).
OPTIMUM_COLUMNS = SAMPLES_COLUMNS[SAMPLES_COLUMNS.index("word_norm_optimum"):]


def _parse(params: dict) -> dict:
    """The job's parameters, validated; the setting through :func:`fctheory.operations.resolve_setting`."""
    from ..operations import resolve_setting

    network, mu = job_variant(params, _KEYS, NETWORKS)
    return {"network": network, "mu": mu, "lam": params.get("lam", _SETTING_DEFAULTS["lam"]),
            "setting": resolve_setting({**_SETTING_DEFAULTS, **params}, latent="size").setting,
            "n_spl": require_int("n_spl", params.get("n_spl"), lo=1),
            "seed": require_seed("seed", params.get("seed", 0)),
            "n_test": require_int("n_test", params.get("n_test", N_TEST), lo=1),
            "gtol": require_real("gtol", params.get("gtol", DEFAULT_GTOL), lo=0, hi=1, lo_open=True, hi_open=True),
            "maxiter": require_int("maxiter", params.get("maxiter", DEFAULT_MAXITER), lo=1)}


def samples_job(params: dict | None = None, /, **kwargs) -> dict:
    r"""One job of the samples study: sample, train (L-BFGS on eq. 3), measure, compare (module docstring).

    Called by the sweep as ``samples_job(params)`` (``command = "study samples"``) or directly as
    ``samples_job(network="h", mu="uniform", n_spl=5, seed=0, ...)``.

    Parameters
    ----------
    network, mu : {("h", "uniform"), ("h", "zipf"), ("h*", "zipf")}
    n_spl : int >= 1
        Training sentences per class.
    seed : int >= 0, default 0
        Latent set, data and initialisation (as ``fctheory reproduce``).
    n_c, s_c, L, K, d, lam : setting, default (3, 200, 8, 100, 20, "1/1000")
        Read by :func:`fctheory.operations.resolve_setting`; ``lam`` a number or exact text (``"1/1000"``).
    n_test : int >= 1, default 5
        Test sentences per class.
    gtol : float in (0, 1), default :data:`DEFAULT_GTOL`
    maxiter : int >= 1, default :data:`DEFAULT_MAXITER`

    Returns
    -------
    dict
        The keys of :data:`SAMPLES_COLUMNS` (JSON data); keys without a theory value hold None.

    Raises
    ------
    InvalidInput
        Naming the bad parameter: unknown, the network/mu pair, ``n_spl < 1``, ... (``InvalidSetting``).
    """
    from ..empirical import sample_dataset, train_empirical
    from ..latent import sphere_sizes
    from ..predict import collapse_prediction
    from ..problem import Problem
    from ..reproduce import measure_weights, theory_predictions, word_features

    p = _parse({**(params or {}), **kwargs})
    network, setting, eps = p["network"], p["setting"], LBFGS_LAYER_NORM_EPS
    problem = Problem(setting, "random", seed=p["seed"])  # as fctheory reproduce (also when K = n_c**L)
    dataset = sample_dataset(problem, p["n_spl"], n_test=p["n_test"], seed=p["seed"])
    trained = train_empirical(problem, dataset, network=network, optimizer="lbfgs", init_seed=p["seed"], eps=eps,
                              gtol=p["gtol"], maxiter=p["maxiter"])
    W, U = np.asarray(trained.W), np.asarray(trained.U)
    m = measure_weights(W, U, n_c=setting.n_c, s_c=setting.s_c, L=setting.L, network=network, eps=eps)
    predicted, skipped = theory_predictions(problem, network, eps=eps)
    z = {}  # H_Z / H*_Z: theorem 1 (uniform mu only) / 3 with the set's own mean sphere sizes
    if network == "h*" or setting.mu.is_uniform:
        z = collapse_prediction(setting, network, sphere_sizes=sphere_sizes(problem), dps=15).to_dict()
    if network == "h*":
        z["word_norm"] = float(setting.require_d(mean_zero=True)) ** 0.5  # ||phi(w)|| = sqrt(d) (eq. 18)
    collapse = collapse_measures(word_features(W, network, eps=eps), U, np.asarray(problem.latent), setting.n_c,
                                 setting.s_c)

    value = lambda name: float(predicted[name]["value"]) if name in predicted else None  # noqa: E731
    reasons = [f"{s['theorem']}: {s['reason']}" for s in skipped
               if network == "h" and s["theorem"].startswith(("theorem 1", "theorem 2"))]
    row = {
        "network": network, "mu": p["mu"], "n_spl": p["n_spl"], "seed": p["seed"],
        "n_c": setting.n_c, "s_c": setting.s_c, "L": setting.L, "K": setting.K, "d": setting.d,
        "lam": p["lam"] if isinstance(p["lam"], str) else float(p["lam"]),
        "n_test": p["n_test"], "eps": eps if network == "h*" else None, "gtol": p["gtol"], "maxiter": p["maxiter"],
        "test_accuracy": float(trained.test_accuracy), "train_accuracy": float(trained.train_accuracy),
        "risk": float(trained.risk), "risk_predicted": value("risk"),
        "word_norm_mean": m.word_norm_mean, "word_norm_std": m.word_norm_std,
        "u_norm_mean": m.u_norm_mean, "u_norm_std": m.u_norm_std, "u_frobenius": float(np.linalg.norm(U)),
        "u_frobenius_predicted": (value("u_frobenius") if network == "h*" or value("u_norm") is None
                                  else value("u_norm") * math.sqrt(setting.K * setting.L)),  # h: c' sqrt(K L)
        **collapse,
        "unseen_words": int(setting.n_w - np.unique(dataset.x_train).size),
        "theorem": predicted["word_norm"]["theorem"] if "word_norm" in predicted else None,
        "not_predicted": "; ".join(reasons) if reasons else None,
        "iterations": int(trained.iterations), "converged": bool(trained.converged),
        "gradient_max": float(trained.gradient_max), "message": str(trained.message),
        "train_seconds": float(trained.seconds),
    }
    for q, measured in (("word_norm", m.word_norm_mean), ("u_norm", m.u_norm_mean)):
        for tag, pred in (("", value(q)), ("_z", z.get(q))):
            row.update({f"{q}_predicted{tag}": pred, f"{q}_rel_error{tag}": rel_error(measured, pred)})
    row.update(_optimum_columns(predicted, m.word_norms, m.u_norm_mean, row["u_frobenius"]))
    return {key: row[key] for key in SAMPLES_COLUMNS}


def _optimum_columns(predicted: dict, word_norms: np.ndarray, u_norm: float, u_frobenius: float) -> dict:
    """The trained weights against the latent set's exact optimum (the ``*_optimum`` columns, module docstring);
    all None without one in ``predicted``.  ``word_norms`` are the trained norms in word order (concept-major)."""
    out = dict.fromkeys(OPTIMUM_COLUMNS)
    if "optimum_word_norm" not in predicted:
        return out
    word, u, frob = (float(predicted[f"optimum_{q}"]["value"]) for q in ("word_norm", "u_norm", "u_frobenius"))
    risk, per_concept = predicted["optimum_risk"], predicted["optimum_word_norm"]["per_concept"]
    word_norms = np.asarray(word_norms, dtype=np.float64)
    per_word = np.repeat(np.asarray(per_concept, dtype=np.float64), word_norms.size // len(per_concept))
    rms = float(np.sqrt(np.mean((word_norms - per_word) ** 2)))
    out.update(word_norm_optimum=word, word_norm_rel_error_optimum=rel_error(float(word_norms.mean()), word),
               word_norm_rms_rel_error_optimum=rms / word if word > 0 else None,
               u_norm_optimum=u, u_norm_rel_error_optimum=rel_error(u_norm, u),
               u_frobenius_optimum=frob, u_frobenius_rel_error_optimum=rel_error(u_frobenius, frob),
               risk_optimum=float(risk["value"]), risk_optimum_lower_bound=float(risk["lower_bound"]),
               risk_optimum_certified=bool(risk["certified"]))
    return out


#: Study 2's job kind (``command = "study samples"`` in a grid; :mod:`fctheory.registry`).
SAMPLES_JOB = JobKind(name="study samples", function=samples_job, keys=tuple(sorted(_KEYS)),
                      required=("network", "mu", "n_spl"), outputs=SAMPLES_COLUMNS,
                      summary=("test_accuracy", "word_norm_rel_error", "word_norm_rel_error_optimum"),
                      description="the under-sampling study's few-samples job (empirical risk, L-BFGS)")
