"""Run one validation case: predict, train, measure, compare.

Each kind of case puts the trained minimum beside its closed form (docs/validation.md lists the
checks): ``type1`` theorem 1 and lemma K (network h, uniform μ, full set), ``type2`` theorem 3 and
lemma R (network h*), ``type3`` theorem 2, eq. 7-8 (network h, full set), ``code`` lemma B's H_Z or
H*_Z on a linear code, ``trivial`` W = U = 0 and R = log K above the λ threshold, ``reproduce``
one of the paper's experiments (section 2, figures 3-4) on the empirical risk.  Only
rotation-invariant quantities are compared (norms, Gram matrices, risk values): minimizers are
unique only up to a rotation of :math:`\\mathbb R^d`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np

from .._precision import decimal_string
from ..checks import Check, exact_check, matrix_check, scalar_check
from ..configurations import type1_grams, type2_grams, type3_grams
from ..errors import InvalidInput, NoNontrivialSolution
from ..problem import Problem
from ..setting import Setting
from ..train import layer_norm_columns, measure_collapse, train_network
from ._suite import CaseSpec

__all__ = ["run_job", "job_setting", "CaseKind", "CASE_KINDS", "case_kind", "quantity_key", "quantity_keys"]

VERDICT_TOL = 1e-6


@dataclass(frozen=True)
class CaseKind:
    """How one kind of case is predicted, checked and judged.

    Attributes
    ----------
    predict : callable ``(spec, setting, dps, profile) -> (values, record)``
        The predicted scalars (floats) and the prediction's JSON record.
    checks : callable ``(kind, problem, values, result, tol, zero_tol) -> list of Check``
        Trained minimum (``result``) against the prediction on ``problem`` (the setting and latent set).
    verdict : str
        The collapse verdict the trained weights must get (definitions 1-3).
    theorem : str
        The reference of the closed form (``"theorem 1"``, ``"lemma B, H_Z"``, ...).
    risk : str
        The quantity name of the minimum-risk row.
    run : callable ``job -> (record, W, U)``, optional
        A kind that runs its job itself (``reproduce``: one of the paper's experiments on the
        empirical risk, checked by ``checks(result)``); ``predict`` is then None.
    """

    predict: Callable
    checks: Callable
    verdict: str
    theorem: str
    risk: str
    run: Callable | None = None


def job_setting(spec: CaseSpec) -> tuple[Problem, dict]:
    """The problem of a case (its setting and latent set: a code's, or the full set) and how its λ
    was resolved (``lam``, ``threshold``, ``threshold_equation`` and ``lam_over_threshold`` when the
    case gives ``lam_over_threshold``), read once by :meth:`CaseSpec.resolve`."""
    resolved = spec.resolve()
    facts = dict(resolved.lam_facts, lam_over_threshold=spec.lam_over_threshold) if resolved.lam_facts else {}
    return resolved.problem or Problem(resolved.setting), facts


def _profile(spec: CaseSpec, problem: Problem):
    """A code's distance profile |S_r| (lemma B), for H_Z; ``None`` for the other kinds."""
    if spec.kind != "code":
        return None
    from ..latent import sphere_sizes

    return sphere_sizes(problem.latent, problem.n_c, source=spec.code)


def quantity_key(quantity: str) -> str:
    """The stable snake_case key of a checked quantity (docs/json.md): the words before its formula,
    ``||X||_F`` as ``x_frobenius``, ``^2`` as ``_squared``, a prime as ``_prime``.

    >>> quantity_key("word norm c = sqrt(tau/n_w)"), quantity_key("||W||_F^2 = ||U||_F^2 = tau")
    ('word_norm_c', 'w_frobenius_squared')
    >>> quantity_key("block norm c' = sqrt(tau/(K L))"), quantity_key("r_2 (mu_2 = 0.25)")
    ('block_norm_c_prime', 'r_2')
    """
    head = quantity.split(" = ")[0].split(" (")[0].strip()
    head = re.sub(r"\|\|\s*([A-Za-z*]+)\s*\|\|_F", r"\1 frobenius", head)
    head = head.replace("^2", " squared").replace("'", " prime").replace("*", " star")
    key = re.sub(r"[^0-9a-z]+", "_", head.lower()).strip("_")
    return key or "quantity"


def quantity_keys(quantities) -> list[str]:
    """:func:`quantity_key` of each quantity, made unique within a record (``_2``, ``_3``, ...)."""
    seen: dict = {}
    out = []
    for q in quantities:
        key = quantity_key(q)
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}_{seen[key]}")
    return out


# Predictions ------------------------------------------------------------------------------------

def _predict_type1(spec: CaseSpec, setting: Setting, dps: int, profile=None) -> tuple[dict, dict]:
    """Theorem 1 (``profile``: a code's H_Z, lemma B)."""
    from ..predict import predict_type1

    try:
        p = predict_type1(setting, dps=dps, sphere_sizes=profile)
    except NoNontrivialSolution as trivial:
        raise InvalidInput(f"case {spec.name!r}.lam", f"below the type-I threshold {decimal_string(trivial.threshold, 6)}",
                           str(setting.lam)) from None
    return {"tau": float(p.tau), "word_norm": float(p.word_norm), "u_norm": float(p.u_norm),
            "risk": float(p.risk)}, p.to_dict()


def _predict_type2(spec: CaseSpec, setting: Setting, dps: int, profile=None) -> tuple[dict, dict]:
    """Theorem 3 (``profile``: a code's H*_Z, lemma B)."""
    from ..predict import predict_type2

    p = predict_type2(setting, dps=dps, sphere_sizes=profile)
    return {"tau": float(p.tau), "u_norm": float(p.u_norm), "risk": float(p.risk)}, p.to_dict()


def _predict_type3(spec: CaseSpec, setting: Setting, dps: int, profile=None) -> tuple[dict, dict]:
    """Theorem 2: c and r_b of eq. 7-8, F(c, r)."""
    from ..predict import predict_type3

    p = predict_type3(setting, dps=dps)
    return {"c": float(p.c), "r": [float(x) for x in p.r], "risk": float(p.risk)}, p.to_dict()


def _predict_trivial(spec: CaseSpec, setting: Setting, dps: int, profile=None) -> tuple[dict, dict]:
    """Above the λ threshold: W = U = 0, R = log K."""
    from ..predict import lambda_thresholds

    thresholds = lambda_thresholds(setting, dps=dps)
    if thresholds.governing.lam_below:
        raise InvalidInput(f"case {spec.name!r}.lam", "above the λ threshold for a 'trivial' case", str(setting.lam))
    record = thresholds.to_dict()
    with mpmath.workdps(dps):
        log_k = mpmath.log(setting.K)
        record["log_K"] = decimal_string(log_k, dps)
    return {"risk": float(log_k)}, record


# Checks -----------------------------------------------------------------------------------------

def _blocks(U: np.ndarray, problem: Problem, d: int) -> np.ndarray:
    """``(d, K L)``, column ``k*L + l`` = :math:`u_{k,l}`."""
    return U.reshape(problem.K * problem.L, d).T


def _gram_checks(definition: str, labels: tuple[str, str, str], grams, feats, blocks, tol) -> list[Check]:
    """The three Gram matrices of a collapse configuration (features, blocks, features x blocks)
    against :class:`fctheory.configurations.CollapseGrams`, relative to their scale."""
    words, block_label, cross = labels
    return [
        matrix_check(words, definition, feats, feats, grams.words, tol),
        matrix_check(block_label, definition, blocks, blocks, grams.blocks, tol),
        matrix_check(cross, definition, feats, blocks, grams.cross, tol),
    ]


def _type1_checks(kind: CaseKind, problem: Problem, pred, res, tol, zero_tol) -> list[Check]:
    """Theorem 1 (or lemma B's H_Z): norms, min R = H(tau), the type-I Gram matrices (definition 1)."""
    W, U = res.W, res.U
    blocks = _blocks(U, problem, W.shape[0])
    c, cp = pred["word_norm"], pred["u_norm"]
    grams = type1_grams(problem, c, cp)
    thm = kind.theorem
    return [
        scalar_check("word norm c = sqrt(tau/n_w)", thm, c, np.linalg.norm(W, axis=0), tol, zero_tol),
        scalar_check("block norm c' = sqrt(tau/(K L))", thm, cp, np.linalg.norm(blocks, axis=0), tol, zero_tol),
        scalar_check("||W||_F^2 = ||U||_F^2 = tau", thm, pred["tau"], [np.sum(W * W), np.sum(U * U)], tol, zero_tol),
        scalar_check(kind.risk, thm + ", lemma K", pred["risk"], res.risk, tol, zero_tol),
    ] + _gram_checks("definition 1", ("Gram W^T W = c^2 E", "Gram <u_{k,l}, u_{k',l'}> = c'^2 E",
                                      "cross <w_(a,b), u_{k,l}> = c c' E"), grams, W, blocks, tol)


def _type2_checks(kind: CaseKind, problem: Problem, pred, res, tol, zero_tol) -> list[Check]:
    """Theorem 3 (or lemma B's H*_Z): block norm, ||U||_F, min R* = H*(tau*), the type-II Gram matrices."""
    W, U = res.W, res.U
    d = W.shape[0]
    blocks = _blocks(U, problem, d)
    cu = pred["u_norm"]
    feats = layer_norm_columns(W)
    grams = type2_grams(problem, cu, d=d)
    thm = kind.theorem
    return [
        scalar_check("block norm c = tau*/sqrt(K L)", thm, cu, np.linalg.norm(blocks, axis=0), tol, zero_tol),
        scalar_check("||U||_F = tau*", thm, pred["tau"], np.linalg.norm(U), tol, zero_tol),
        scalar_check(kind.risk, thm + ", lemma R", pred["risk"], res.risk, tol, zero_tol),
    ] + _gram_checks("definition 2", ("Gram phi(w)^T phi(w) = d E", "Gram <u_{k,l}, u_{k',l'}> = c^2 E",
                                      "cross <phi(w_(a,b)), u_{k,l}> = sqrt(d) c E"), grams, feats, blocks, tol)


def _type3_checks(kind: CaseKind, problem: Problem, pred, res, tol, zero_tol) -> list[Check]:
    """Theorem 2: every r_b and c of eq. 7-8, R = F(c, r), the type-III Gram matrices (definition 3)."""
    W, U = res.W, res.U
    blocks = _blocks(U, problem, W.shape[0])
    r, c = np.array(pred["r"]), pred["c"]
    grams = type3_grams(problem, c, r)
    norms = np.linalg.norm(W, axis=0).reshape(problem.n_c, problem.s_c)
    mu = problem.mu.as_array()
    checks = [scalar_check(f"r_{b + 1} (mu_{b + 1} = {mu[b]:.4g})", "theorem 2, eq. 7-8", r[b], norms[:, b], tol,
                           zero_tol) for b in range(problem.s_c)]
    return checks + [
        scalar_check("block norm c", "theorem 2, eq. 7-8", c, np.linalg.norm(blocks, axis=0), tol, zero_tol),
        scalar_check(kind.risk, "theorem 2 (reduced risk)", pred["risk"], res.risk, tol, zero_tol),
    ] + _gram_checks("definition 3", ("Gram W^T W = r_b r_b' E", "Gram <u_{k,l}, u_{k',l'}> = c^2 E",
                                      "cross <w_(a,b), u_{k,l}> = r_b c E"), grams, W, blocks, tol)


def _trivial_checks(kind: CaseKind, problem: Problem, pred, res, tol, zero_tol) -> list[Check]:
    """Above the λ threshold: W = U = 0 and R = log K."""
    return [
        scalar_check("||W||_F = 0", kind.theorem, 0.0, np.linalg.norm(res.W), tol, zero_tol),
        scalar_check("||U||_F = 0", kind.theorem, 0.0, np.linalg.norm(res.U), tol, zero_tol),
        scalar_check(kind.risk, kind.theorem, pred["risk"], res.risk, tol, zero_tol),
    ]


#: Every kind of case, by :func:`case_kind` key; a code case is type I (network h, H_Z) or
#: type II (network h*, H*_Z) with lemma B's profile.
CASE_KINDS = {
    "type1": CaseKind(_predict_type1, _type1_checks, "type I", "theorem 1", "min R = H(tau)"),
    "type2": CaseKind(_predict_type2, _type2_checks, "type II", "theorem 3", "min R* = H*(tau*)"),
    "type3": CaseKind(_predict_type3, _type3_checks, "type III", "theorem 2", "R = F(c, r)"),
    "trivial": CaseKind(_predict_trivial, _trivial_checks, "trivial", "lambda threshold", "min R = R(0) = log K"),
    "code/h": CaseKind(_predict_type1, _type1_checks, "type I", "lemma B, H_Z", "min R = H_Z(tau)"),
    "code/h*": CaseKind(_predict_type2, _type2_checks, "type II", "lemma B, H*_Z", "min R* = H*_Z(tau*)"),
}


def _reproduce_checks(result) -> list[Check]:
    """The paper's claims about its experiments (section 2, figures 3-4) on a reproduction:
    fig3 (theorem 1): test accuracy 1, word norm within 5% of theorem 1's c, third PCA singular
    value of the words below 1% of the second; k50 (section 3, theorem 1): the same two on the
    norms and the PCA (the paper reports no accuracy); fig4b: test accuracy below 0.8 (the paper:
    45%); fig4c (theorem 3): test accuracy 1, ||U||_F within 5% of tau*; fig4a: test accuracy >= 0.99."""
    from ..checks import bound_check  # "at least": the bound is at least the measured value

    acc = float(result.test_accuracy)
    name, pred = result.experiment, result.predicted
    if name == "fig3":
        sv = result.word_singular_values
        return [scalar_check("test accuracy = 1", "section 2, figure 3", 1.0, acc, 1e-12),
                scalar_check("word norm within 5% of c = sqrt(tau/n_w)", pred["word_norm"]["theorem"],
                        pred["word_norm"]["value"], result.word_norm_mean, 0.05),
                bound_check("third word singular value / second < 1%", "figure 3 (collapse to n_c - 1 dimensions)",
                            0.01, sv[2] / sv[1], "at least", 0.0)]
    if name == "k50":
        sv = result.word_singular_values
        return [scalar_check("word norm within 5% of c = sqrt(tau/n_w)", pred["word_norm"]["theorem"],
                        pred["word_norm"]["value"], result.word_norm_mean, 0.05),
                bound_check("third word singular value / second < 1%", "section 3 (K = 50, n_spl = 100)",
                            0.01, sv[2] / sv[1], "at least", 0.0)]
    if name == "fig4b":
        return [bound_check("test accuracy < 0.8", "section 2, figure 4(b) (paper: 45%)", 0.8, acc, "at least", 0.0)]
    if name == "fig4c":
        return [scalar_check("test accuracy = 1", "section 2, figure 4(c)", 1.0, acc, 1e-12),
                scalar_check("||U||_F within 5% of tau*", pred["u_frobenius"]["theorem"], pred["u_frobenius"]["value"],
                        result.u_frobenius, 0.05)]
    return [bound_check("test accuracy >= 0.99", "section 2, figure 4(a)", 0.99, acc, "at most", 0.0)]


def record_head(spec: dict, seed: int) -> dict:
    """The keys every record of a (case, seed) starts with (a failed job's too)."""
    return {"name": f"{spec['name']}/seed{seed}", "case": spec["name"], "seed": seed, "kind": spec["kind"],
            "theorem": spec["theorem"], "network": spec["network"], "note": spec["note"]}


def _check_tables(checks) -> dict:
    """``predicted``, ``measured`` and ``rel_error`` keyed by :func:`quantity_keys`, ``passed`` and ``checks``."""
    keys = quantity_keys([ch.quantity for ch in checks])
    return {"predicted": {k: ch.predicted for k, ch in zip(keys, checks)},
            "measured": {k: ch.measured for k, ch in zip(keys, checks)},
            "rel_error": {k: ch.rel_error for k, ch in zip(keys, checks)},
            "passed": all(ch.passed for ch in checks),
            "checks": [dict(ch.to_dict(), key=k) for k, ch in zip(keys, checks)]}


def run_reproduce_job(job: dict) -> tuple[dict, np.ndarray, np.ndarray]:
    """Run one ``kind = "reproduce"`` case: :func:`fctheory.reproduce.reproduce_experiment` with the
    case's experiment, optimizer, quick and n_spl at ``job["seed"]``; files under ``job["files_dir"]``."""
    from ..reproduce import reproduce_experiment

    start = time.perf_counter()
    spec: CaseSpec = job["spec"]
    seed = job["seed"]
    res = reproduce_experiment(spec.experiment, optimizer=spec.optimizer, seed=seed, out=job.get("files_dir"),
                               quick=spec.quick, n_spl=spec.n_spl)
    record = {
        **record_head(spec.to_dict(), seed), "setting": dict(res.setting), **_check_tables(_reproduce_checks(res)),
        "reproduction": res.to_dict(),
        "training": {"converged": bool(res.converged), "seconds": float(res.train_seconds),
                     "iterations": int(res.iterations), "message": res.message},
        "seconds": time.perf_counter() - start,
    }
    return record, res.W, res.U


CASE_KINDS["reproduce"] = CaseKind(None, _reproduce_checks, "", "paper experiments", "", run=run_reproduce_job)


def case_kind(spec: CaseSpec) -> CaseKind:
    """The :class:`CaseKind` of a case (a code case by its network)."""
    key = f"code/{spec.network}" if spec.kind == "code" else spec.kind
    if key not in CASE_KINDS:
        raise InvalidInput("kind", "type1, type2, type3, trivial, code (network h or h*) or reproduce", spec.kind)
    return CASE_KINDS[key]


#: A trained point is called second-order critical when the smallest Hessian
#: eigenvalue is at least -HESSIAN_PSD_TOL times the largest (the rotation
#: symmetry makes exact zeros, which round-off turns into ~1e-14).
HESSIAN_PSD_TOL = 1e-9


def _second_order(problem: Problem, res) -> dict:
    """Extreme eigenvalues of the Hessian of R at the trained point (Lanczos,
    scipy ``eigsh`` on exact Hessian-vector products of :mod:`fctheory.risk`).

    A type-III run with d > min(n_w, K L) whose Hessian is positive
    semidefinite is a second-order critical point, hence (theorem G, appendix G:
    no spurious local minima) evidence of a global minimizer."""
    from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigsh

    from ..risk import exact_risk_hvp

    W, U = res.W, res.U
    nW = W.size
    n = nW + U.size
    count = [0]

    def matvec(v):
        count[0] += 1
        v = np.ravel(v)
        HW, HU = exact_risk_hvp(problem, W, U, v[:nW].reshape(W.shape), v[nW:].reshape(U.shape))
        return np.concatenate([np.ravel(HW), np.ravel(HU)])

    # ARPACK's tolerance is relative to the Ritz value, which cannot be met for
    # the eigenvalue 0 that the rotation symmetry creates; so the smallest
    # eigenvalue is found as sigma - (largest eigenvalue of sigma*I - H), with
    # sigma just above the largest eigenvalue of H (absolute error ~ 1e-10 sigma).
    op = LinearOperator((n, n), matvec=matvec, dtype=np.float64)
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    try:
        high = float(eigsh(op, k=1, which="LA", tol=1e-8, maxiter=2000, v0=rng.normal(size=n),
                           return_eigenvectors=False)[0])
        sigma = 1.01 * abs(high)
        shifted = LinearOperator((n, n), matvec=lambda v: sigma * np.ravel(v) - matvec(v), dtype=np.float64)
        top = float(eigsh(shifted, k=1, which="LA", tol=1e-10, maxiter=2000, v0=rng.normal(size=n),
                          return_eigenvectors=False)[0])
        low = sigma - top
    except (ArpackNoConvergence, ArpackError) as exc:
        return {"computed": False, "reason": f"eigsh: {exc}", "hvps": count[0]}
    return {"computed": True, "min_eigenvalue": low, "max_eigenvalue": high,
            "psd": bool(low >= -HESSIAN_PSD_TOL * abs(high)), "tolerance": HESSIAN_PSD_TOL, "hvps": count[0],
            "seconds": time.perf_counter() - start}


def _certificate(spec: CaseSpec, problem: Problem, res) -> dict:
    """Theorem G (appendix G) for network h: the certified global minimum of R
    (the convex program in D = W^T U, :mod:`fctheory.certify`) against the
    trained minimum.  Skipped (with the reason) when the program is too large
    or the certify package is absent."""
    if spec.network != "h":
        return {"skipped": "theorem G covers network h only"}
    try:
        from ..certify import certify_optimum, compare_trained
    except ImportError:  # pragma: no cover - the certify package is optional for the report
        return {"skipped": "fctheory.certify is not available"}
    from ..errors import ProblemTooLarge

    start = time.perf_counter()
    try:
        cert = certify_optimum(problem)
    except ProblemTooLarge as exc:
        return {"skipped": str(exc)}
    comp = compare_trained(cert, res.W, res.U)
    out = {"skipped": None, "verdict": comp.verdict, "trained_value": comp.predicted_value,
           "optimal_value": comp.optimal_value, "lower_bound": comp.lower_bound, "gap": comp.gap,
           "difference": comp.difference, "excess": comp.excess, "d_difference": comp.d_difference,
           "conjecture": None, "seconds": time.perf_counter() - start}
    if spec.kind == "type3":
        # the paper's open conjecture: F(c, r) of theorem 2 against the certified optimum,
        # and the solver-free test of claim H, ||grad f(D_III)||_op / lam <= 1 (appendix G)
        from ..certify import compare_type3

        pred = compare_type3(cert)
        out["conjecture"] = {"predicted_value": pred.predicted_value, "difference": pred.difference,
                             "excess": pred.excess, "verdict": pred.verdict,
                             "claim_h_ratio": pred.gradient_ratio}
        out["seconds"] = time.perf_counter() - start
    return out


def run_job(job: dict) -> tuple[dict, np.ndarray, np.ndarray]:
    """Run one (case, seed) job.

    Parameters
    ----------
    job : dict
        ``{"spec": CaseSpec, "seed": int, "tolerance": float,
        "zero_tolerance": float, "dps": int, "certify": bool}``; with
        ``certify`` the record gets a theorem-G certificate (network h).

    Returns
    -------
    (record, W, U)
        ``record`` is JSON-ready (see :mod:`fctheory.report`); W, U are the
        trained weights.
    """
    if case_kind(job["spec"]).run is not None:
        return case_kind(job["spec"]).run(job)
    start = time.perf_counter()
    spec: CaseSpec = job["spec"]
    seed, tol, zero_tol, dps = job["seed"], job["tolerance"], job["zero_tolerance"], job["dps"]
    problem, lam_info = job_setting(spec)
    setting, profile = problem.setting, _profile(spec, problem)
    kind = case_kind(spec)
    pred, prediction_record = kind.predict(spec, setting, dps, profile)
    res = train_network(problem, network=spec.network, seed=seed, init_scale=spec.init_scale)
    checks = kind.checks(kind, problem, pred, res, tol, zero_tol)
    measurement = measure_collapse(res.W, res.U, problem, network=spec.network, tol=VERDICT_TOL)
    checks.append(exact_check(f"collapse verdict (tol {VERDICT_TOL:g})", "definitions 1-3", kind.verdict,
                              measurement.collapse_verdict))
    d = setting.d
    no_spurious = d > min(setting.n_w, setting.K * setting.L)  # theorem G (appendix G)
    passed = all(ch.passed for ch in checks)
    hessian = _second_order(problem, res) if spec.kind == "type3" and res.converged else None
    meas = measurement.to_dict()
    meas.pop("u_norms")
    record = {
        **record_head(spec.to_dict(), seed),
        "setting": setting.to_dict(),
        "mu_values": setting.mu.as_array().tolist(),
        "lam_resolution": lam_info,
        "latent": None if profile is None else {"code": spec.code, "K": problem.K, "rows": problem.latent.tolist(),
                                                "sphere_sizes": profile.to_dict()},
        **_check_tables(checks),
        "prediction": prediction_record,
        "prediction_values": pred,
        "training": res.to_dict(),
        "measurement": meas,
        "theorem_g_no_spurious_minima": bool(spec.network == "h" and no_spurious),
        "hessian": hessian,
        "conjecture_evidence": bool(spec.kind == "type3" and no_spurious and res.converged and passed
                                    and hessian is not None and hessian.get("psd", False)),
        "certificate": _certificate(spec, problem, res) if job.get("certify") else None,
        "seconds": time.perf_counter() - start,
    }
    return record, res.W, res.U
