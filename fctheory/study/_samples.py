r"""Study 2 of the under-sampling study: the samples relaxed (the empirical risk, the paper's data model).

The paper proves its closed forms for the true risk (eq. 5), the limit
:math:`n_{spl} \to \infty` of the empirical risk (eq. 3) that its experiments
train.  This study trains the empirical risk for ``n_spl`` sentences per class
from 1 to 500 and measures how far the trained weights are from the closed
forms, and when the network ``h`` with Zipf words (which fails at
``n_spl = 5``, figure 4(b)) recovers what ``h*`` has at ``n_spl = 5``.

One job (:func:`samples_job`) is one ``(network, mu, n_spl, seed, setting)``:

1. the latent set ``Problem(setting, "random", seed=seed)`` (K distinct rows
   drawn uniformly from :math:`[n_c]^L`), the data
   ``sample_dataset(problem, n_spl, n_test=5, seed=seed)`` (section 2: the
   paper's code tests on 5 sentences per class from the same latent
   variables) and the initialisation ``init_seed=seed`` -- exactly as
   ``fctheory reproduce`` seeds its runs;
2. full-batch L-BFGS on eq. (3) (``train_empirical(optimizer="lbfgs")``) to
   ``max_i |dR/dtheta_i| <= gtol`` or ``maxiter`` iterations (``converged``
   and ``iterations`` say which).  ``h*`` uses THEORY's LayerNorm
   (:math:`\varepsilon = 0`): with the code's :math:`\varepsilon = 10^{-5}`
   and W unpenalized the empirical risk of h* has no minimizer in W's scale
   and L-BFGS never stops (docs/reproduce.md);
3. the paper's measurements (:func:`fctheory.reproduce.measure_weights`) and
   the theory's values (:func:`fctheory.reproduce.theory_predictions`), plus
   the collapse measures below.

What the theory predicts (THEORY.md):

* ``h``, uniform :math:`\mu` -- theorem 1 (type I): word norm
  :math:`c = \sqrt{\tau/n_w}`, block norm :math:`c' = \sqrt{\tau/(K L)}`,
  :math:`\min R = H(\tau)`;
* ``h*``, any :math:`\mu` -- theorem 3 (type II): word features of norm
  :math:`\|\varphi(w)\| = \sqrt d` (exact for every W when
  :math:`\varepsilon = 0`, so ``word_norm_rel_error`` is round-off only),
  block norm :math:`c = \tau^*/\sqrt{K L}`, :math:`\min R^* = H^*(\tau^*)`;
* ``h``, Zipf :math:`\mu` -- no closed form: theorem 1 needs a uniform
  :math:`\mu` and theorem 2 (type III) is proved for the full latent set only.
  The ``*_predicted`` keys are None and ``not_predicted`` says why.

Both closed forms are given twice: ``*_predicted`` with the paper's
assumption-A form (eq. 35, :math:`K/n_c^L`; what the paper compares its
measurements with) and ``*_predicted_z`` with :math:`H_Z` / :math:`H^*_Z` of
the run's own latent set (its mean sphere sizes :math:`|S_r|`, lemma B).

For ``h`` with uniform :math:`\mu` the job also measures the gap to the
latent set's *exact* optimum, :func:`fctheory.predict_optimum` (theorem G
reduced by the within-concept symmetry, certified; no assumption A): the
minimizer of the true risk (eq. 5) of the very latent set the job trains on,
so the limit :math:`n_{spl} \to \infty` of the trained weights.  Theorem 1's
values (and ``*_predicted_z``) are the optimum of an idealised set
(assumption A, or lemma B's mean sphere sizes) and leave a gap that does not
vanish with :math:`n_{spl}`; the optimum's gap must.  The columns
``word_norm_optimum``, ``u_norm_optimum``, ``u_frobenius_optimum`` (the
minimizer's mean word norm, mean block norm, :math:`\|U\|_F`), their
``*_rel_error_optimum`` against the trained weights,
``word_norm_rms_rel_error_optimum`` (word by word against the norm of the
word's concept at the optimum), ``risk_optimum`` (min R,
the upper bound), ``risk_optimum_lower_bound`` (the Fenchel-dual bound) and
``risk_optimum_certified`` hold these; they are None for ``h`` with Zipf
words and for ``h*`` (no certified optimum: non-uniform :math:`\mu`, and R*
is not convex), whose comparisons stay those above.  The trained ``risk`` is
the empirical one (eq. 3) and may fall below ``risk_optimum``.

The collapse of the blocks (definitions 1-2: :math:`u_{k,l} = c\,f_{z_{k,l}}`)
is measured without reference to a frame.  For concept ``a`` let
:math:`B_a = \{(k,l) : z_{k,l} = a\}` and
:math:`\bar u_a = |B_a|^{-1}\sum_{(k,l)\in B_a} u_{k,l}`; then

* ``u_alignment`` :math:`= (KL)^{-1}\sum_{k,l}\cos(u_{k,l}, \bar u_{z_{k,l}})`
  (1 when collapsed; a zero vector counts as cosine 0);
* ``u_alignment_min``: the smallest of those cosines;
* ``u_norm_spread`` :math:`= n_c^{-1}\sum_a \operatorname{std}_{B_a}\|u_{k,l}\| /
  \operatorname{mean}_{B_a}\|u_{k,l}\|` (population std; 0 when collapsed);
* ``u_sv3_ratio``: the third PCA singular value of the blocks over the second
  (the paper's figure-3 collapse indicator, 0 for :math:`n_c = 3` when
  collapsed);

and the same for the word features (the columns of W for h, of
:math:`\varphi(W)` for h*; :math:`\bar w_a` the mean over the words of concept
``a``): ``word_alignment``, ``word_sv3_ratio``.  ``unseen_words`` counts the
words that occur in no training sentence (their embedding only feels the
weight decay).  Relative errors are :math:`|m - p|/p` of the mean measured
norm ``m`` against the predicted ``p``.
"""

from __future__ import annotations

import math
import numbers
import pathlib

import numpy as np

from .._validate import require_int, require_real, require_seed
from ..errors import InvalidInput

__all__ = ["SAMPLES_COLUMNS", "samples_job", "samples_figures", "samples_summary", "NETWORKS",
           "DEFAULT_GTOL", "DEFAULT_MAXITER", "OPTIMUM_COLUMNS", "LBFGS_LAYER_NORM_EPS", "PAPER_POINTS", "fit_power_law",
           "excess_fit", "optimum_rate_fit", "OPTIMUM_RATE_FITS", "LARGE_N_SPL", "crossing", "collapse_measures"]

#: The three networks of the study, as (network, mu) pairs.
NETWORKS = (("h", "uniform"), ("h", "zipf"), ("h*", "zipf"))
#: L-BFGS gradient tolerance (max |component|), as ``fctheory reproduce``'s default.
DEFAULT_GTOL = 1e-8
#: L-BFGS iteration cap; a job stopped by it says so (``converged`` False).
DEFAULT_MAXITER = 3000
#: LayerNorm epsilon of h* under L-BFGS: THEORY's phi (see the module docstring).
LBFGS_LAYER_NORM_EPS = 0.0
#: Test sentences per class (the paper's code).
N_TEST = 5
#: The paper's reported test accuracies (section 2, at its own setting: n_c = 3, s_c = 400, L = 15,
#: K = 1000, d = 100): figure 3 (h, uniform), figure 4(b) (h, Zipf), figure 4(c) (h*, Zipf), all at n_spl = 5.
PAPER_POINTS = {("h", "uniform"): (5, 1.00), ("h", "zipf"): (5, 0.45), ("h*", "zipf"): (5, 1.00)}

_SETTING_DEFAULTS = {"n_c": 3, "s_c": 200, "L": 8, "K": 100, "d": 20, "lam": "1/1000"}

#: The CSV column order of results-samples.csv.
SAMPLES_COLUMNS = (
    "network", "mu", "n_spl", "seed", "n_c", "s_c", "L", "K", "d", "lam", "n_test", "eps", "gtol", "maxiter",
    "test_accuracy", "train_accuracy", "risk", "risk_predicted",
    "word_norm_mean", "word_norm_std", "word_norm_predicted", "word_norm_rel_error",
    "word_norm_predicted_z", "word_norm_rel_error_z",
    "u_norm_mean", "u_norm_std", "u_norm_predicted", "u_norm_rel_error", "u_norm_predicted_z", "u_norm_rel_error_z",
    "u_frobenius", "u_frobenius_predicted",
    "u_norm_spread", "u_alignment", "u_alignment_min", "u_sv3_ratio", "word_alignment", "word_sv3_ratio",
    "unseen_words", "theorem", "not_predicted",
    "iterations", "converged", "gradient_max", "message", "train_seconds",
    "word_norm_optimum", "word_norm_rel_error_optimum", "word_norm_rms_rel_error_optimum", "u_norm_optimum", "u_norm_rel_error_optimum",
    "u_frobenius_optimum", "u_frobenius_rel_error_optimum", "risk_optimum", "risk_optimum_lower_bound",
    "risk_optimum_certified",
)
#: The columns of the latent set's exact optimum (network h, uniform mu only; None for the other networks).
OPTIMUM_COLUMNS = SAMPLES_COLUMNS[SAMPLES_COLUMNS.index("word_norm_optimum"):]


# ----------------------------------------------------------------------------
# parameters
# ----------------------------------------------------------------------------
_KNOWN = frozenset({"network", "mu", "n_spl", "seed", "n_c", "s_c", "L", "K", "d", "lam", "n_test", "gtol",
                    "maxiter"})


def _parse(params: dict) -> dict:
    unknown = sorted(set(params) - _KNOWN)
    if unknown:
        raise InvalidInput(unknown[0], f"one of the parameters {', '.join(sorted(_KNOWN))}", params[unknown[0]])
    network = params.get("network")
    mu = params.get("mu")
    if (network, mu) not in NETWORKS:
        allowed = ", ".join(f"{n}/{m}" for n, m in NETWORKS)
        raise InvalidInput("network/mu", f"one of {allowed}", f"{network}/{mu}")
    p = {"network": network, "mu": mu,
         "n_spl": require_int("n_spl", params.get("n_spl"), lo=1),
         "seed": require_seed("seed", params.get("seed", 0)),
         "n_test": require_int("n_test", params.get("n_test", N_TEST), lo=1),
         "gtol": require_real("gtol", params.get("gtol", DEFAULT_GTOL), lo=0, hi=1, lo_open=True, hi_open=True),
         "maxiter": require_int("maxiter", params.get("maxiter", DEFAULT_MAXITER), lo=1)}
    for name in ("n_c", "s_c", "L", "K", "d"):
        p[name] = require_int(name, params.get(name, _SETTING_DEFAULTS[name]), lo=1 if name != "n_c" else 2)
    lam = params.get("lam", _SETTING_DEFAULTS["lam"])
    if isinstance(lam, bool) or not isinstance(lam, (str, numbers.Real)):
        raise InvalidInput("lam", "a number > 0 or an exact string such as '1/1000'", lam)
    p["lam"] = lam
    return p


# ----------------------------------------------------------------------------
# measurements
# ----------------------------------------------------------------------------
def _cosines(vectors: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Row-wise cosines; 0 where either vector is (numerically) zero."""
    num = np.einsum("ij,ij->i", vectors, directions)
    den = np.linalg.norm(vectors, axis=1) * np.linalg.norm(directions, axis=1)
    out = np.zeros(vectors.shape[0])
    ok = den > 1e-300
    out[ok] = num[ok] / den[ok]
    return out


def collapse_measures(W_features: np.ndarray, U: np.ndarray, latent: np.ndarray, n_c: int, s_c: int) -> dict:
    r"""The collapse of the blocks and of the word features (module docstring, definitions 1-2).

    Parameters
    ----------
    W_features : ndarray (d, n_w)
        The word features (W for h, :math:`\varphi(W)` for h*); word ``(a, b)`` is column ``a*s_c + b``.
    U : ndarray (K, L d)
    latent : int ndarray (K, L)
    n_c, s_c : int

    Returns
    -------
    dict
        ``u_alignment``, ``u_alignment_min``, ``u_norm_spread``, ``word_alignment``.
    """
    from ..reproduce import pca

    K, L = latent.shape
    d = W_features.shape[0]
    blocks = np.asarray(U, dtype=np.float64).reshape(K * L, d)
    concepts = np.asarray(latent, dtype=np.int64).reshape(K * L)
    means = np.zeros((n_c, d))
    spreads = []
    norms = np.linalg.norm(blocks, axis=1)
    for a in range(n_c):
        mask = concepts == a
        if not mask.any():
            continue
        means[a] = blocks[mask].mean(axis=0)
        m = norms[mask].mean()
        spreads.append(float(norms[mask].std() / m) if m > 0 else 0.0)
    cos_u = _cosines(blocks, means[concepts])
    words = np.asarray(W_features, dtype=np.float64).T  # (n_w, d)
    word_concept = np.repeat(np.arange(n_c), s_c)
    word_means = words.reshape(n_c, s_c, d).mean(axis=1)
    cos_w = _cosines(words, word_means[word_concept])
    _, usv = pca(blocks)
    _, wsv = pca(words)
    return {"u_alignment": float(cos_u.mean()), "u_alignment_min": float(cos_u.min()),
            "u_norm_spread": float(np.mean(spreads)),
            "u_sv3_ratio": float(usv[2] / usv[1]) if usv[1] > 0 else None,
            "word_alignment": float(cos_w.mean()),
            "word_sv3_ratio": float(wsv[2] / wsv[1]) if wsv[1] > 0 else None}


def _rel_error(measured: float, predicted) -> float | None:
    if predicted is None or predicted == 0:
        return None
    return abs(measured - predicted) / abs(predicted)


def _predicted_z(problem, network: str) -> dict:
    """Theorem 1 / 3 with the set's own mean sphere sizes (H_Z, H*_Z); {} for h with a non-uniform mu."""
    from ..latent import sphere_sizes
    from ..errors import NoNontrivialSolution
    from ..predict import predict_type1, predict_type2

    setting = problem.setting
    profile = sphere_sizes(problem.latent, setting.n_c, source="study samples")
    if network == "h":
        if not setting.mu.is_uniform:
            return {}
        try:
            p = predict_type1(setting, dps=15, sphere_sizes=profile)
        except NoNontrivialSolution:  # above lambda_I: W = U = 0
            return {"word_norm": 0.0, "u_norm": 0.0}
        return {"word_norm": float(p.word_norm), "u_norm": float(p.u_norm)}
    p = predict_type2(setting, dps=15, sphere_sizes=profile)
    return {"word_norm": float(setting.require_d(mean_zero=True)) ** 0.5, "u_norm": float(p.u_norm)}


def samples_job(params: dict | None = None, /, **kwargs) -> dict:
    r"""One job of the samples study: sample, train (L-BFGS on eq. 3), measure, compare.

    Called by the sweep as ``samples_job(params)`` (a grid's
    ``command = "study samples"``) or directly as
    ``samples_job(network="h", mu="uniform", n_spl=5, seed=0, ...)``.

    Parameters
    ----------
    network, mu : {("h", "uniform"), ("h", "zipf"), ("h*", "zipf")}
    n_spl : int >= 1
        Training sentences per class.
    seed : int >= 0, default 0
        Latent set, data and initialisation (as ``fctheory reproduce``).
    n_c, s_c, L, K, d, lam : setting, default (3, 200, 8, 100, 20, "1/1000")
        ``lam`` a number or an exact string (``"1/1000"``).
    n_test : int >= 1, default 5
        Test sentences per class.
    gtol : float in (0, 1), default :data:`DEFAULT_GTOL`
    maxiter : int >= 1, default :data:`DEFAULT_MAXITER`

    Returns
    -------
    dict
        JSON data with (at least) the keys of :data:`SAMPLES_COLUMNS`; keys
        without a theory value hold None.

    Raises
    ------
    InvalidInput
        For an unknown parameter or network/mu pair, ``n_spl < 1`` and the
        like (the setting's own checks raise ``InvalidSetting``).
    """
    from ..empirical import sample_dataset, train_empirical
    from ..problem import Problem
    from ..reproduce import measure_weights, theory_predictions, word_features
    from ..setting import Setting

    merged = dict(params or {})
    merged.update(kwargs)
    p = _parse(merged)
    network, mu = p["network"], p["mu"]
    setting = Setting(p["n_c"], p["s_c"], p["L"], p["lam"], K=p["K"], d=p["d"], mu=mu)
    problem = Problem(setting, "random", seed=p["seed"])
    dataset = sample_dataset(problem, p["n_spl"], n_test=p["n_test"], seed=p["seed"])
    eps = LBFGS_LAYER_NORM_EPS
    trained = train_empirical(problem, dataset, network=network, optimizer="lbfgs", init_seed=p["seed"], eps=eps,
                              gtol=p["gtol"], maxiter=p["maxiter"])
    W, U = np.asarray(trained.W), np.asarray(trained.U)
    latent = np.asarray(problem.latent)
    m = measure_weights(W, U, n_c=setting.n_c, s_c=setting.s_c, L=setting.L, network=network, eps=eps)
    predicted, skipped = theory_predictions(problem, network, eps=eps)
    z = _predicted_z(problem, network)
    feats = word_features(W, network, eps=eps)
    collapse = collapse_measures(feats, U, latent, setting.n_c, setting.s_c)

    def value(name):
        entry = predicted.get(name)
        return None if entry is None else float(entry["value"])

    word_pred, u_pred = value("word_norm"), value("u_norm")
    theorem = predicted["word_norm"]["theorem"] if "word_norm" in predicted else None
    reasons = [f"{s['theorem']}: {s['reason']}" for s in skipped
               if network == "h" and s["theorem"].startswith(("theorem 1", "theorem 2"))]
    seen = np.zeros(setting.n_w, dtype=bool)
    seen[np.unique(dataset.x_train)] = True
    lam = p["lam"] if isinstance(p["lam"], str) else float(p["lam"])
    row = {
        "network": network, "mu": mu, "n_spl": p["n_spl"], "seed": p["seed"],
        "n_c": setting.n_c, "s_c": setting.s_c, "L": setting.L, "K": setting.K, "d": p["d"], "lam": lam,
        "n_test": p["n_test"], "eps": eps if network == "h*" else None, "gtol": p["gtol"], "maxiter": p["maxiter"],
        "test_accuracy": float(trained.test_accuracy), "train_accuracy": float(trained.train_accuracy),
        "risk": float(trained.risk), "risk_predicted": value("risk"),
        "word_norm_mean": m.word_norm_mean, "word_norm_std": m.word_norm_std,
        "word_norm_predicted": word_pred, "word_norm_rel_error": _rel_error(m.word_norm_mean, word_pred),
        "word_norm_predicted_z": z.get("word_norm"),
        "word_norm_rel_error_z": _rel_error(m.word_norm_mean, z.get("word_norm")),
        "u_norm_mean": m.u_norm_mean, "u_norm_std": m.u_norm_std,
        "u_norm_predicted": u_pred, "u_norm_rel_error": _rel_error(m.u_norm_mean, u_pred),
        "u_norm_predicted_z": z.get("u_norm"), "u_norm_rel_error_z": _rel_error(m.u_norm_mean, z.get("u_norm")),
        "u_frobenius": float(np.linalg.norm(U)),
        "u_frobenius_predicted": (value("u_frobenius") if network == "h*" else
                                  (None if u_pred is None else u_pred * math.sqrt(setting.K * setting.L))),
        **collapse,
        "unseen_words": int(setting.n_w - seen.sum()),
        "theorem": theorem, "not_predicted": "; ".join(reasons) if reasons else None,
        "iterations": int(trained.iterations), "converged": bool(trained.converged),
        "gradient_max": float(trained.gradient_max), "message": str(trained.message),
        "train_seconds": float(trained.seconds),
    }
    row.update(_optimum_columns(predicted, m.word_norms, m.u_norm_mean, row["u_frobenius"]))
    return {key: row[key] for key in SAMPLES_COLUMNS}


def _optimum_columns(predicted: dict, word_norms: np.ndarray, u_norm: float, u_frobenius: float) -> dict:
    r"""The trained weights against the latent set's exact optimum (:func:`fctheory.predict_optimum`).

    For network h with uniform :math:`\mu` the reproduction's predictions carry the certified
    minimizer of the true risk (eq. 5, :math:`n_{spl} \to \infty`) of this very latent set (theorem G
    reduced by the within-concept symmetry, no assumption A); the empirical risk's minimizer tends
    to it as :math:`n_{spl}` grows, so these relative errors must tend to zero.  For the other
    networks (h with Zipf words, h*) no such optimum is certified and every column is None.

    ``word_norms`` are the trained ``||w_(a,b)||`` in word order (concept-major).  Besides the
    mean's relative error, ``word_norm_rms_rel_error_optimum`` compares word by word with the
    optimum's norm :math:`c_a` of the word's concept (every word of a concept has it):
    :math:`\sqrt{n_w^{-1}\sum_{a,b} (\|w_{(a,b)}\| - c_a)^2} / \bar c` -- it sees the spread of the
    trained norms that the mean averages out.
    """
    out = dict.fromkeys(OPTIMUM_COLUMNS)
    if "optimum_word_norm" not in predicted:
        return out
    word = float(predicted["optimum_word_norm"]["value"])
    u = float(predicted["optimum_u_norm"]["value"])
    frob = float(predicted["optimum_u_frobenius"]["value"])
    risk = predicted["optimum_risk"]
    word_norms = np.asarray(word_norms, dtype=np.float64)
    per_word = np.repeat(np.asarray(predicted["optimum_word_norm"]["per_concept"], dtype=np.float64),
                         word_norms.size // len(predicted["optimum_word_norm"]["per_concept"]))
    rms = float(np.sqrt(np.mean((word_norms - per_word) ** 2)))
    out.update(word_norm_optimum=word, word_norm_rel_error_optimum=_rel_error(float(word_norms.mean()), word),
               word_norm_rms_rel_error_optimum=rms / word if word > 0 else None,
               u_norm_optimum=u, u_norm_rel_error_optimum=_rel_error(u_norm, u),
               u_frobenius_optimum=frob, u_frobenius_rel_error_optimum=_rel_error(u_frobenius, frob),
               risk_optimum=float(risk["value"]), risk_optimum_lower_bound=float(risk["lower_bound"]),
               risk_optimum_certified=bool(risk["certified"]))
    return out


# ----------------------------------------------------------------------------
# summary: the fitted relationships
# ----------------------------------------------------------------------------
def fit_power_law(x, y) -> dict:
    r"""Least-squares fit of :math:`\log y = a + b \log x` (base 10), with the slope's standard error.

    Points with a missing, non-finite or non-positive ``x`` or ``y`` are left out (counted in
    ``n_excluded``).  The standard error is the usual OLS one,
    :math:`\mathrm{se}(b) = \sqrt{\frac{\sum r_i^2/(n-2)}{\sum (X_i - \bar X)^2}}`; it is None with
    fewer than 3 points.

    Returns
    -------
    dict
        ``slope``, ``slope_se``, ``intercept``, ``r2``, ``n_points``, ``n_excluded``, ``x_range``;
        the numbers are None when fewer than 2 usable points (or a single x value) remain.
    """
    xs, ys, excluded = [], [], 0
    for a, b in zip(x, y):
        if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)) or a <= 0 or b <= 0:
            excluded += 1
            continue
        xs.append(math.log10(a))
        ys.append(math.log10(b))
    out = {"slope": None, "slope_se": None, "intercept": None, "r2": None, "n_points": len(xs),
           "n_excluded": excluded, "x_range": [10 ** min(xs), 10 ** max(xs)] if xs else None}
    if len(xs) < 2 or len(set(xs)) < 2:
        return out
    X, Y = np.asarray(xs), np.asarray(ys)
    sxx = float(((X - X.mean()) ** 2).sum())
    slope = float(((X - X.mean()) * (Y - Y.mean())).sum() / sxx)
    intercept = float(Y.mean() - slope * X.mean())
    resid = Y - (intercept + slope * X)
    syy = float(((Y - Y.mean()) ** 2).sum())
    out.update(slope=slope, intercept=intercept, r2=(1.0 - float((resid ** 2).sum()) / syy) if syy > 0 else 1.0)
    if len(xs) > 2:
        out["slope_se"] = math.sqrt(float((resid ** 2).sum()) / (len(xs) - 2) / sxx)
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


def _ok(rows):
    return [r for r in rows if r.get("status", "ok") == "ok" and r.get("test_accuracy") is not None]


def _series(rows, network, mu):
    return [r for r in _ok(rows) if r.get("network") == network and r.get("mu") == mu]


def _mean_std(values):
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not vals:
        return None, None, 0
    return float(np.mean(vals)), float(np.std(vals)), len(vals)


CURVE_KEYS = ("test_accuracy", "train_accuracy", "u_alignment", "u_norm_spread", "u_sv3_ratio", "word_alignment",
              "word_norm_mean", "word_norm_std", "word_norm_rel_error", "u_norm_rel_error", "u_norm_rel_error_z",
              "word_norm_rel_error_z", "unseen_words", "iterations", "word_norm_rel_error_optimum",
              "word_norm_rms_rel_error_optimum",
              "u_norm_rel_error_optimum", "u_frobenius_rel_error_optimum")

#: The collapse measures the recovery question compares, with their direction (True: higher is more collapsed).
RECOVERY_METRICS = (("test_accuracy", True), ("u_alignment", True), ("u_sv3_ratio", False), ("u_norm_spread", False))


def _curves(rows) -> dict:
    curves = {}
    for network, mu in NETWORKS:
        series = _series(rows, network, mu)
        by_n: dict = {}
        for r in series:
            by_n.setdefault(int(r["n_spl"]), []).append(r)
        points = []
        for n in sorted(by_n):
            group = by_n[n]
            point = {"n_spl": n, "seeds": len(group), "converged": sum(bool(r.get("converged")) for r in group)}
            for key in CURVE_KEYS:
                mean, std, _ = _mean_std(r.get(key) for r in group)
                point[key] = {"mean": mean, "std": std}
            points.append(point)
        curves[f"{network}/{mu}"] = points
    return curves


def _recovery(rows, curves) -> dict:
    target_rows = [r for r in _series(rows, "h*", "zipf") if int(r["n_spl"]) == 5]
    out = {"question": "smallest n_spl at which h with Zipf words reaches what h* (Zipf) has at n_spl = 5, "
                       "interpolated in log n_spl on the seed means; per_seed: each seed's own curve against "
                       "the same target"}
    if not target_rows:
        out["reason"] = "no h*/zipf job at n_spl = 5 in the rows"
        return out
    hz = _series(rows, "h", "zipf")
    seeds = sorted({int(r["seed"]) for r in hz})
    for key, increasing in RECOVERY_METRICS:
        t_mean, t_std, t_n = _mean_std(r.get(key) for r in target_rows)
        if t_mean is None:
            continue
        points = curves["h/zipf"]
        mean_cross = crossing([pt["n_spl"] for pt in points], [pt[key]["mean"] for pt in points], t_mean,
                              increasing=increasing)
        per_seed = {}
        for s in seeds:
            mine = sorted((int(r["n_spl"]), r.get(key)) for r in hz if int(r["seed"]) == s)
            per_seed[str(s)] = crossing([n for n, _ in mine], [v for _, v in mine], t_mean, increasing=increasing)
        reached = [c["n_spl"] for c in per_seed.values() if c["n_spl"] is not None]
        five = next((pt[key] for pt in points if pt["n_spl"] == 5), None)
        out[key] = {"target": {"mean": t_mean, "std": t_std, "seeds": t_n},
                    "h_zipf_at_n_spl_5": five,
                    "n_spl": mean_cross["n_spl"], "status": mean_cross["status"],
                    "per_seed": per_seed,
                    "per_seed_mean": float(np.mean(reached)) if reached else None,
                    "per_seed_std": float(np.std(reached)) if reached else None,
                    "per_seed_range": [min(reached), max(reached)] if reached else None}
    return out


#: The rate fits: (name, network, mu, the relative error's key, what it measures).
RATE_FITS = (
    ("h_uniform_word_norm", "h", "uniform", "word_norm_rel_error", "theorem 1's word norm c = sqrt(tau/n_w)"),
    ("h_uniform_u_norm", "h", "uniform", "u_norm_rel_error", "theorem 1's block norm c' = sqrt(tau/(K L))"),
    ("h_star_zipf_u_norm", "h*", "zipf", "u_norm_rel_error", "theorem 3's block norm c = tau*/sqrt(K L)"),
)


#: The rate fits against the latent set's exact optimum (network h, uniform mu): (name, error key, what).
#: Fitted as a plain power law, e = a n_spl^b with no floor: the optimum is the n_spl -> infinity limit
#: of the same latent set, so the gap itself must tend to zero (b < 0).
OPTIMUM_RATE_FITS = (
    ("h_uniform_word_norm_optimum", "word_norm_rel_error_optimum",
     "the latent set's exact optimum's mean word norm (predict_optimum)"),
    ("h_uniform_word_norm_rms_optimum", "word_norm_rms_rel_error_optimum",
     "the latent set's exact optimum's word norms, word by word (predict_optimum)"),
    ("h_uniform_u_norm_optimum", "u_norm_rel_error_optimum",
     "the latent set's exact optimum's mean block norm (predict_optimum)"),
    ("h_uniform_u_frobenius_optimum", "u_frobenius_rel_error_optimum",
     "the latent set's exact optimum's ||U||_F (predict_optimum)"),
)


#: The smallest n_spl of :func:`optimum_rate_fit`'s ``large_n_spl`` fit: from there on (h/uniform) every
#: seed of the samples study classifies its test sentences perfectly and sees every word (docs/undersampling.md).
LARGE_N_SPL = 20


def optimum_rate_fit(series: list[dict], key: str) -> dict:
    r"""Power law :math:`e(n) = a\,n^{b}` of the gap to the latent set's exact optimum, with no floor.

    ``e`` is every seed's relative error ``key`` (against :func:`fctheory.predict_optimum`'s
    minimizer of the true risk of that seed's latent set) at ``n_spl = n``; the fit is
    :func:`fit_power_law` on all points.  No floor is subtracted or fitted: the optimum is the
    :math:`n_{spl} \to \infty` limit of the trained weights' own problem, so the gap tends to zero
    and ``b < 0`` (``tends_to_zero``) is what the fit tests.  ``large_n_spl`` is the same fit on the
    points with ``n_spl >= LARGE_N_SPL`` only (the asymptotic rate, no floor either); ``points`` the
    seed mean and std at every n_spl.
    """
    fit = fit_power_law([r["n_spl"] for r in series], [r.get(key) for r in series])
    large = [r for r in series if int(r["n_spl"]) >= LARGE_N_SPL]
    fit["large_n_spl"] = fit_power_law([r["n_spl"] for r in large], [r.get(key) for r in large]) | {
        "from_n_spl": LARGE_N_SPL}
    fit["tends_to_zero"] = None if fit["slope"] is None else bool(fit["slope"] < 0)
    by_n: dict = {}
    for r in series:
        if r.get(key) is not None:
            by_n.setdefault(int(r["n_spl"]), []).append(float(r[key]))
    fit["points"] = [{"n_spl": n, "mean": float(np.mean(v)), "std": float(np.std(v)), "seeds": len(v)}
                     for n, v in sorted(by_n.items())]
    return fit


def excess_fit(series: list[dict], key: str) -> dict:
    r"""Power-law fit of the approach to the large-sample limit: :math:`e_s(n) - e_s(n_{max})` against ``n``.

    ``e_s(n)`` is seed ``s``'s relative error ``key`` at ``n_spl = n`` and :math:`n_{max}` the largest
    n_spl that seed has; the excess over that floor is fitted (:func:`fit_power_law`) on every seed's
    points with ``n < n_max`` (excess <= 0 is left out and counted).  The floor itself -- what
    remains between the trained weights and the closed form when samples abound -- is returned as
    ``floor`` (seed mean and std of :math:`e_s(n_{max})`).
    """
    by_seed: dict = {}
    for r in series:
        if r.get(key) is not None:
            by_seed.setdefault(int(r["seed"]), []).append((int(r["n_spl"]), float(r[key])))
    xs, ys, floors = [], [], []
    for points in by_seed.values():
        points.sort()
        n_max, floor = points[-1]
        floors.append(floor)
        for n, e in points[:-1]:
            xs.append(n)
            ys.append(e - floor)
    fit = fit_power_law(xs, ys)
    mean, std, _ = _mean_std(floors)
    fit["floor"] = {"mean": mean, "std": std}
    return fit


def samples_summary(rows: list[dict]) -> dict:
    """The fitted relationships of the samples study (JSON data; the ``samples`` part of summary.json).

    ``jobs`` (counts: ok, failed, converged, seconds); ``curves`` (per network, per n_spl: seed
    mean and std of every measure in :data:`CURVE_KEYS`); ``recovery`` (at which n_spl h/Zipf
    reaches h*/Zipf's values at n_spl = 5, see :func:`crossing`); ``rates`` (log-log fits of the
    relative errors against n_spl, :func:`fit_power_law`, on every seed's point, plus the error at
    the largest n_spl and the fit of the excess over it, :func:`excess_fit`).  For network h with
    uniform words the rates against the latent set's exact optimum (:data:`OPTIMUM_RATE_FITS`,
    :func:`optimum_rate_fit`) are plain power laws with no floor: that gap must tend to zero.
    """
    ok = _ok(rows)
    seconds = [float(r["train_seconds"]) for r in ok if r.get("train_seconds") is not None]
    jobs = {"rows": len(rows), "ok": len(ok), "failed": len(rows) - len(ok),
            "converged": sum(bool(r.get("converged")) for r in ok),
            "train_seconds_total": float(sum(seconds)),
            "settings": sorted({f"n_c={r.get('n_c')} s_c={r.get('s_c')} L={r.get('L')} K={r.get('K')} "
                                f"d={r.get('d')} lam={r.get('lam')}" for r in ok})}
    curves = _curves(rows)
    rates = {}
    for name, network, mu, key, what in RATE_FITS:
        series = _series(rows, network, mu)
        fit = fit_power_law([r["n_spl"] for r in series], [r.get(key) for r in series])
        points = curves[f"{network}/{mu}"]
        fit.update(network=network, mu=mu, error=key, of=what,
                   largest_n_spl=points[-1]["n_spl"] if points else None,
                   error_at_largest_n_spl=points[-1][key] if points else None,
                   error_at_smallest_n_spl=points[0][key] if points else None)
        fit["excess_over_largest_n_spl"] = excess_fit(series, key)
        rates[name] = fit
    uniform = _series(rows, "h", "uniform")
    for name, key, what in OPTIMUM_RATE_FITS:
        rates[name] = optimum_rate_fit(uniform, key) | {"network": "h", "mu": "uniform", "error": key, "of": what}
    star = [r.get("word_norm_rel_error") for r in _series(rows, "h*", "zipf")]
    star = [float(v) for v in star if v is not None]
    rates["h_star_zipf_word_norm"] = {
        "network": "h*", "mu": "zipf", "error": "word_norm_rel_error", "slope": None,
        "max_error": max(star) if star else None,
        "note": "not fitted: theorem 3's ||phi(w)|| = sqrt(d) holds for every W at eps = 0 (definition 2), so "
                "the word-norm error is round-off; the h* rate is the block norm's (h_star_zipf_u_norm)"}
    return {"jobs": jobs, "recovery": _recovery(rows, curves), "rates": rates, "curves": curves}


# ----------------------------------------------------------------------------
# figures
# ----------------------------------------------------------------------------
_STYLE = {"h/uniform": ("tab:blue", "o"), "h/zipf": ("tab:red", "s"), "h*/zipf": ("tab:green", "^")}


def samples_figures(rows: list[dict], out_dir) -> list[pathlib.Path]:
    """Write ``samples-accuracy-collapse.png`` and ``samples-rate.png`` into ``out_dir``; return their paths.

    The first: test accuracy, u_alignment, u_norm_spread and u_sv3_ratio against n_spl (log x), seed mean ± std
    per network, with the paper's reported accuracies (:data:`PAPER_POINTS`, at the paper's own
    setting) marked.  The second: the relative errors against theorem 1 / theorem 3 against n_spl
    (log-log), every seed's point and the fitted power law of :func:`samples_summary` (left), and
    the excess over each seed's value at the largest n_spl with its fit (:func:`excess_fit`, right).
    """
    from .._io import new_figure, save_figure

    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = samples_summary(rows)
    curves = summary["curves"]
    paths = []

    fig, axes = new_figure(nrows=2, ncols=2, figsize=(12, 8.5))
    axes = axes.ravel()
    panels = (("test_accuracy", "test accuracy"), ("u_alignment", "u alignment (mean cos to concept mean)"),
              ("u_norm_spread", "u norm spread (mean CV per concept)"),
              ("u_sv3_ratio", "PCA of the u_{k,l}: sigma_3 / sigma_2"))
    for ax, (key, label) in zip(axes, panels):
        for name, points in curves.items():
            pts = [pt for pt in points if pt[key]["mean"] is not None]
            if not pts:
                continue
            color, marker = _STYLE[name]
            ax.errorbar([pt["n_spl"] for pt in pts], [pt[key]["mean"] for pt in pts],
                        yerr=[pt[key]["std"] for pt in pts], color=color, marker=marker, capsize=3, label=name)
        if key == "test_accuracy":
            for shift, ((network, mu), (n, acc)) in zip((0.93, 1.0, 1.07), PAPER_POINTS.items()):
                color, _ = _STYLE[f"{network}/{mu}"]
                ax.scatter([n * shift], [acc], s=160, facecolors="none", edgecolors=color, linewidths=2, marker="*",
                           zorder=5, label=f"paper {network}/{mu} ({acc:.0%}, its setting)")
        ax.set_xscale("log")
        if key == "u_sv3_ratio":
            ax.set_yscale("log")
        ax.set_xlabel("n_spl (training sentences per class)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower right")
    settings = "; ".join(summary["jobs"]["settings"])
    fig.suptitle(f"samples study: seed mean ± std ({settings})", fontsize=10)
    fig.tight_layout()
    path = out_dir / "samples-accuracy-collapse.png"
    save_figure(fig, path)
    paths.append(path)

    fig, (ax, ax2) = new_figure(ncols=2, figsize=(13, 5))
    shown = (("h_uniform_word_norm", "h/uniform word norm (thm 1)", "tab:blue", "o"),
             ("h_uniform_u_norm", "h/uniform block norm (thm 1)", "tab:cyan", "D"),
             ("h_star_zipf_u_norm", "h*/zipf block norm (thm 3)", "tab:green", "^"))

    def draw(axis, xs, ys, fit, label, color, marker):
        text = label
        if fit["slope"] is not None:
            se = f" ± {fit['slope_se']:.2f}" if fit["slope_se"] is not None else ""
            text += f": slope {fit['slope']:.2f}{se}, R² {fit['r2']:.2f}"
            grid = np.logspace(math.log10(min(xs)), math.log10(max(xs)), 50)
            axis.plot(grid, 10 ** (fit["intercept"] + fit["slope"] * np.log10(grid)), color=color, lw=1)
        axis.scatter(xs, ys, color=color, marker=marker, s=18, label=text)

    for name, label, color, marker in shown:
        fit = summary["rates"][name]
        series = [r for r in _series(rows, fit["network"], fit["mu"]) if r.get(fit["error"]) is not None]
        pos = [r for r in series if r[fit["error"]] > 0]
        if not pos:
            continue
        draw(ax, [r["n_spl"] for r in pos], [r[fit["error"]] for r in pos], fit, label, color, marker)
        ax.axhline(fit["excess_over_largest_n_spl"]["floor"]["mean"], color=color, lw=0.8, ls=":")
        floors = {}
        for r in series:
            if int(r["n_spl"]) >= floors.get(r["seed"], (0, 0))[0]:
                floors[r["seed"]] = (int(r["n_spl"]), r[fit["error"]])
        ex = [(r["n_spl"], r[fit["error"]] - floors[r["seed"]][1]) for r in series
              if int(r["n_spl"]) < floors[r["seed"]][0] and r[fit["error"]] > floors[r["seed"]][1]]
        if ex:
            draw(ax2, [x for x, _ in ex], [y for _, y in ex], fit["excess_over_largest_n_spl"], label, color, marker)
    for name, label, color, marker in (("h_uniform_word_norm_optimum", "h/uniform word norm (exact optimum)",
                                        "tab:purple", "v"),
                                       ("h_uniform_u_norm_optimum", "h/uniform block norm (exact optimum)",
                                        "tab:pink", "P")):
        fit = summary["rates"][name]
        pos = [r for r in _series(rows, "h", "uniform") if (r.get(fit["error"]) or 0) > 0]
        if pos:
            draw(ax, [r["n_spl"] for r in pos], [r[fit["error"]] for r in pos], fit["large_n_spl"],
                 f"{label}, no floor, fit n_spl >= {LARGE_N_SPL}", color, marker)
    for axis in (ax, ax2):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("n_spl (training sentences per class)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    ax.set_ylabel("|measured mean norm - closed form| / closed form")
    ax.set_title("trained weights vs theorems 1, 3 (assumption A) and the set's exact optimum; "
                 "dotted: value at the largest n_spl",
                 fontsize=9)
    ax2.set_ylabel("relative error minus the seed's value at the largest n_spl")
    ax2.set_title("approach to the large-sample limit (excess over the floor)", fontsize=9)
    fig.tight_layout()
    path = out_dir / "samples-rate.png"
    save_figure(fig, path)
    paths.append(path)
    return paths


def _samples_job_kind():
    from ..sweep import JobKind

    return JobKind(name="study samples", function=samples_job, keys=tuple(sorted(_KNOWN)),
                   required=("network", "mu", "n_spl"), outputs=SAMPLES_COLUMNS,
                   summary=("test_accuracy", "word_norm_rel_error", "word_norm_rel_error_optimum"),
                   description="the under-sampling study's few-samples job (empirical risk, L-BFGS)")


#: Study 2's job kind (``command = "study samples"`` in a grid; :mod:`fctheory.registry`).
SAMPLES_JOB = _samples_job_kind()
