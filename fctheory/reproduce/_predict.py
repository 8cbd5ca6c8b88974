"""The theory's values beside an experiment, from fctheory's certified predictions (docs/reproduce.md).

Which theorem applies (the paper's theorems 1-3, appendix G):

* **network h, uniform μ** (figure 3, section 3's K = 50) -- theorem 1: the type-I configuration
  with :math:`c = \\sqrt{\\tau/n_w}`, :math:`c' = \\sqrt{\\tau/(K L)}`, :math:`\\tau = \\arg\\min H`, where
  :math:`H` is the closed form under assumption A (eq. 35; ``predict_type1``'s default), which a
  uniformly random ``K``-subset satisfies only approximately, of the true risk (eq. 5): the limit
  :math:`n_{spl} \\to \\infty` of the empirical risk (eq. 3) trained here.  So 1.42214 is the theorem's
  large-sample, assumption-A value that the paper compares with its measured 1.41 ± 0.13 (section 3).
  Beside it, theorem G reduced by the within-concept symmetry (:func:`optimum_predictions`): the
  certified minimum of the true risk for the run's *own* latent set, with no assumption A.
* **network h*, any μ** (figure 4(c)) -- theorem 3: the type-II configuration,
  :math:`\\|u_{k,l}\\| = \\tau^*/\\sqrt{K L}` with :math:`\\tau^* = \\arg\\min H^*` (same caveats), features
  :math:`\\|\\varphi(w)\\| = \\sqrt d` (``eps = 0``).
* **network h, Zipf μ** (figures 4(a), 4(b)) -- no closed form applies: theorem 1 needs a uniform μ
  and theorem 2 (type III, eq. 7-8) is proved for the full latent set :math:`K = n_c^L` only;
  nothing is fitted in its place.

The PCA singular values the theory predicts are those of the collapse configuration built with the
predicted constants on the run's own latent set, measured as the trained weights are: for type I
:math:`\\sqrt{\\tau/(n_c - 1)}` (twice, for :math:`n_c = 3`) and 0 when every concept occurs equally
often (lemma B (ii)).
"""

from __future__ import annotations

import numpy as np

from ..certify import OptimumResult, predict_optimum
from ..errors import ProblemTooLarge
from ..predict import TypeIPrediction, collapse_prediction, predict_type2
from ..problem import Problem
from ..risk import type1_configuration, type2_configuration
from ._measure import measure_weights

__all__ = ["theory_predictions", "optimum_predictions", "OPTIMUM_THEOREM"]

#: How the latent set's own optimum is labelled (theorem G, appendix G, reduced by the symmetry).
OPTIMUM_THEOREM = OptimumResult.theorem

_ASSUMPTION_A = ("closed form under assumption A (eq. 35; a random K-subset satisfies it only approximately) "
                 "for the true risk, i.e. the n_spl -> infinity limit of the empirical risk")


def _value(value, theorem: str, note: str) -> dict:
    return {"value": value, "theorem": theorem, "note": note}


def _singular_values(values) -> list:
    """Singular values with rounding noise of an exactly rank-deficient configuration shown as 0."""
    top = max(values) if values else 0.0
    return [float(v) if v > 1e-12 * top else 0.0 for v in values]


def _pca_entries(W, U, setting, network: str, theorem: str, note: str, prefix: str = "") -> dict:
    """The PCA singular values of a configuration's ``(W, U)`` (features with ``eps = 0``), measured exactly
    as the trained weights are (:func:`fctheory.reproduce.measure_weights`)."""
    m = measure_weights(W, U, n_c=setting.n_c, s_c=setting.s_c, L=setting.L, network=network, eps=0.0)
    return {f"{prefix}word_singular_values": _value(_singular_values(m.word_singular_values), theorem, note),
            f"{prefix}u_singular_values": _value(_singular_values(m.u_singular_values), theorem, note)}


def theory_predictions(problem: Problem, network: str, *, eps: float = 1e-5) -> tuple[dict, list]:
    """The theory's values that apply to ``(problem, network)``, and the theorems that do not.

    Returns
    -------
    predicted : dict
        ``name -> {"value", "theorem", "note"}`` with names among
        ``word_norm``, ``u_norm``, ``u_frobenius``, ``word_singular_values``,
        ``u_singular_values``, ``risk`` (the closed forms) and, for network h
        with uniform μ, the same quantities of the latent set's own optimum
        (:func:`optimum_predictions`) prefixed ``optimum_``.
    not_applicable : list of dict
        ``{"theorem", "reason"}`` for each theorem that does not apply.
    """
    setting = problem.setting
    predicted: dict = {}
    skipped: list = []
    if network == "h":
        if setting.mu.is_uniform:
            c = collapse_prediction(setting, "h", dps=15)  # above lambda_I: W = U = 0, risk H(0)
            theorem = TypeIPrediction.theorem + " with lemma K"
            predicted["word_norm"] = _value(c.word_norm, theorem, "c = sqrt(tau/n_w); " + _ASSUMPTION_A)
            predicted["u_norm"] = _value(c.u_norm, theorem, "c' = sqrt(tau/(K L)); " + _ASSUMPTION_A)
            predicted["u_frobenius"] = _value(c.u_frobenius, theorem, "||U||_F = ||W||_F = sqrt(tau); "
                                              + _ASSUMPTION_A)
            predicted["risk"] = _value(c.risk, theorem, "min R = H(tau), the true risk (eq. 5); the "
                                       "measured risk is the empirical one (eq. 3)")
            if not c.trivial:
                cfg = type1_configuration(setting, c.word_norm, c.u_norm, latent=problem.latent)
                predicted.update(_pca_entries(cfg.W, cfg.U, setting, "h", theorem, "PCA of the type-I configuration "
                                              "with theorem 1's constants on this latent set"))
            try:
                predicted.update(optimum_predictions(problem))
            except ProblemTooLarge as exc:
                skipped.append({"theorem": OPTIMUM_THEOREM, "reason": f"refused: {exc}"})
            skipped.append({"theorem": "theorem 2 (type III, network h)",
                            "reason": "it is theorem 1's type I when mu is uniform"})
        else:
            skipped.append({"theorem": "theorem 1 (type I, network h)", "reason": "needs a uniform word law mu"})
            reason = (f"proved for the full latent set K = n_c^L = {setting.n_latent_full} only; this problem "
                      f"has K = {setting.K}, so no closed form is given (and none is fitted)")
            if setting.is_full:
                reason = "applies (full set), not evaluated by the reproduction"
            skipped.append({"theorem": "theorem 2 (type III, network h)", "reason": reason})
        skipped.append({"theorem": "theorem 3 (type II, network h*)", "reason": "is about the network h*"})
    else:
        p = predict_type2(setting, dps=15)
        theorem = p.theorem + " with lemma R"
        note = "||phi(w)|| = sqrt(d) for every word (LayerNorm with eps = 0, definition 2)"
        if eps > 0:
            note += f"; the network's eps = {eps:g} makes it sqrt(d) sigma/sqrt(sigma^2 + eps)"
        predicted["word_norm"] = _value(float(p.feature_norm), theorem, note)
        predicted["u_norm"] = _value(float(p.u_norm), theorem, "c = tau*/sqrt(K L); " + _ASSUMPTION_A)
        predicted["u_frobenius"] = _value(float(p.u_frobenius), theorem, "||U||_F = tau*; " + _ASSUMPTION_A)
        predicted["risk"] = _value(float(p.risk), theorem,
                                   "min R* = H*(tau*), the true risk (eq. 10); the measured risk is the empirical one")
        cfg = type2_configuration(setting, float(p.u_norm), latent=problem.latent)
        predicted.update(_pca_entries(cfg.W, cfg.U, setting, "h*", theorem, "PCA of the type-II configuration with "
                                      "theorem 3's constant on this latent set (features phi, eps = 0)"))
        skipped.append({"theorem": "theorems 1 and 2 (network h)", "reason": "are about the network h"})
    return predicted, skipped


def optimum_predictions(problem: Problem) -> dict:
    """The certified optimum of ``problem``'s own latent set as ``predicted`` entries (network h, uniform μ).

    :func:`fctheory.certify.predict_optimum` solves theorem G's program reduced by the within-concept
    symmetry, ``min R = min_D~ (1/K) sum_k CE(s_k, k) + lambda sqrt(s_c) ||D~||_*``, to a certified
    relative gap of 1e-9; the entries are its minimizer's measurements (docs/reproduce.md):
    ``optimum_word_norm`` (the mean word norm, ``std`` over the ``n_w`` words, ``per_concept``: the
    norm every word of concept ``a`` shares), ``optimum_u_norm`` (mean, ``std``, ``min``, ``max`` of
    :math:`\\|u_{k,l}\\|`), ``optimum_u_frobenius`` (:math:`\\|U\\|_F = \\|W\\|_F`, claim G: balanced
    factors), the PCA of the minimizer's weights in the setting's ``d`` (``optimum_word_singular_values``,
    ``optimum_u_singular_values``) and ``optimum_risk`` (value ``min R``, the upper bound;
    ``lower_bound``, ``gap``, ``relative_gap``, ``certified``, ``status``, ``rank``,
    ``lambda_threshold``; no timing: the entries depend on the problem only).

    Raises
    ------
    ProblemTooLarge
        When ``K**2`` exceeds the solver's limit (``K`` above 4000).
    """
    s = problem.setting
    opt = predict_optimum(problem)
    note = ("the exact minimum of the true risk (eq. 5, n_spl -> infinity) for this latent set, no assumption A; "
            + ("certified" if opt.certified else opt.status))
    norms = np.repeat(np.asarray(opt.word_norms, dtype=float), s.s_c)
    out = {
        "optimum_word_norm": _value(float(norms.mean()), OPTIMUM_THEOREM, note + "; every word of a concept has its "
                                    "concept's norm (per_concept)")
        | {"std": float(norms.std()), "per_concept": [float(v) for v in opt.word_norms]},
        "optimum_u_norm": _value(opt.u_norm_mean, OPTIMUM_THEOREM, note + "; the blocks ||u_(k,l)|| need not be equal")
        | {"std": opt.u_norm_std, "min": opt.u_norm_min, "max": opt.u_norm_max},
        "optimum_u_frobenius": _value(opt.u_frobenius, OPTIMUM_THEOREM,
                                      note + "; ||W||_F = ||U||_F (balanced factors)"),
    }
    if s.d is not None and s.d >= max(opt.rank, 1):
        W, U = opt.weights(s.d)
        out.update(_pca_entries(W, U, s, "h", OPTIMUM_THEOREM, f"PCA of the optimum's weights (balanced "
                                f"factorisation, d = {s.d}) on this latent set", prefix="optimum_"))
    out["optimum_risk"] = _value(opt.min_risk, OPTIMUM_THEOREM, note + "; value = min R (the upper bound), "
                                 "lower_bound = the Fenchel-dual bound") | {
        "lower_bound": opt.lower_bound, "gap": opt.gap, "relative_gap": opt.relative_gap,
        "certified": opt.certified, "status": opt.status, "rank": opt.rank,
        "lambda_threshold": opt.lambda_threshold}
    return out
