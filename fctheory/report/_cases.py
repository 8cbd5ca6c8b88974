"""Run one validation case: predict, train, measure, compare.

Each kind of case puts the trained minimum beside its closed form:

* ``type1`` — theorem 1 (network h, uniform μ, full set): every word norm
  :math:`c = \\sqrt{\\tau/n_w}`, every block norm :math:`c' = \\sqrt{\\tau/(KL)}`,
  :math:`\\|W\\|_F^2 = \\tau`, :math:`\\min R = H(\\tau)` (lemma K), and the Gram
  matrices of the type-I configuration (definition 1).
* ``type2`` — theorem 3 (network h*): block norm :math:`c = \\tau^*/\\sqrt{KL}`,
  :math:`\\|U\\|_F = \\tau^*`, :math:`\\min R^* = H^*(\\tau^*)` (lemma R), and
  :math:`\\varphi(w_{(a,b)}) = \\sqrt d f_a` through Gram matrices.
* ``type3`` — theorem 2 (network h, full set): every :math:`r_b` and c of
  eq. 7-8, the reduced risk :math:`F(c, r)`, and the type-III Gram matrices.
* ``code`` — a linear code as the latent set (lemma B holds, assumption A
  does not): theorem 1's type I with :math:`H_Z(t) = \\log(1 + \\sum_r |S_r|
  e^{-\\eta t r}) + \\lambda t` (network h), or type II with :math:`H^*_Z`
  (network h*).
* ``trivial`` — above the λ threshold (theorem 1's :math:`H'(0) \\ge 0` for
  uniform μ, eq. 9 otherwise): W = U = 0 and :math:`R = \\log K`.

Only rotation-invariant quantities are compared (norms, Gram matrices, risk
values): minimizers are unique only up to a rotation of :math:`\\mathbb R^d`.
"""

from __future__ import annotations

import math
import time

import mpmath
import numpy as np

from ..errors import InvalidInput, NoNontrivialSolution
from ..latent import full_latent_set
from ..setting import Setting
from ..train import layer_norm_columns, measure_collapse, train_network
from ..train._measure import equiangular_gram
from ._checks import matrix_check, scalar_check, verdict_check
from ._suite import CaseSpec

__all__ = ["run_job", "job_setting", "EXPECTED_VERDICT"]

EXPECTED_VERDICT = {"type1": "type I", "type2": "type II", "type3": "type III", "trivial": "trivial", "code": "type I"}
VERDICT_TOL = 1e-6


def job_setting(spec: CaseSpec, dps: int) -> tuple[Setting, dict]:
    """The setting of a case; resolves ``lam_over_threshold`` against the
    predicted threshold (type I for uniform μ, eq. 9 otherwise)."""
    from ..predict import lambda_thresholds

    if spec.kind == "code":
        from ..latent import named_code

        code = named_code(spec.code)
        if code.q != spec.n_c or code.L != spec.L:
            raise InvalidInput(f"case {spec.name!r}.code", f"a code over GF(n_c = {spec.n_c}) of length L = {spec.L}",
                               f"{spec.code} (q = {code.q}, length {code.L})")
        return Setting(spec.n_c, spec.s_c, spec.L, spec.lam, K=code.K, d=spec.d, mu=spec.mu), {}
    if spec.lam is not None:
        return spec.setting(), {}
    probe = spec.setting(lam=1)
    thr = lambda_thresholds(probe, dps=dps)
    which = thr.type1 if probe.mu.is_uniform or thr.type3 is None else thr.type3
    lam = f"{float(which.value) * spec.lam_over_threshold:.12g}"
    return spec.setting(lam=lam), {"threshold": float(which.value), "threshold_equation": which.equation,
                                   "lam_over_threshold": spec.lam_over_threshold}


def _latent(spec: CaseSpec, setting: Setting):
    """The latent set of a case (``None``: the full set) and, for codes, its
    distance profile |S_r| (lemma B) for H_Z."""
    if spec.kind != "code":
        return None, None
    from ..latent import named_code, sphere_sizes

    Z = named_code(spec.code).codewords()
    return Z, sphere_sizes(Z, setting.n_c, source=spec.code)


def _predict(spec: CaseSpec, setting: Setting, dps: int, profile=None) -> tuple[dict, dict]:
    """Predicted scalars (floats) and the prediction's JSON record."""
    from ..predict import lambda_thresholds, predict_type1, predict_type2, predict_type3

    if spec.kind == "code" and spec.network == "h*":
        p = predict_type2(setting, dps=dps, sphere_sizes=profile)
        return {"tau": float(p.tau), "u_norm": float(p.u_norm), "risk": float(p.risk)}, p.to_dict()
    if spec.kind in ("type1", "code"):
        p = predict_type1(setting, dps=dps, sphere_sizes=profile)
        if p.trivial:
            raise InvalidInput(f"case {spec.name!r}.lam", f"below the type-I threshold {float(p.lambda_threshold):.6g}",
                               str(setting.lam))
        return {"tau": float(p.tau), "word_norm": float(p.word_norm), "u_norm": float(p.u_norm),
                "risk": float(p.risk)}, p.to_dict()
    if spec.kind == "type2":
        p = predict_type2(setting, dps=dps)
        return {"tau": float(p.tau), "u_norm": float(p.u_norm), "risk": float(p.risk)}, p.to_dict()
    if spec.kind == "type3":
        p = predict_type3(setting, dps=dps)
        return {"c": float(p.c), "r": [float(x) for x in p.r], "risk": float(p.risk)}, p.to_dict()
    if spec.kind == "trivial":
        thr = lambda_thresholds(setting, dps=dps)
        record = thr.to_dict()
        if setting.mu.is_uniform:
            trivial = predict_type1(setting, dps=dps).trivial
        else:
            try:
                predict_type3(setting, dps=dps)
                trivial = False
            except NoNontrivialSolution:
                trivial = True
        if not trivial:
            raise InvalidInput(f"case {spec.name!r}.lam", "above the λ threshold for a 'trivial' case", str(setting.lam))
        with mpmath.workdps(dps):
            log_k = mpmath.log(setting.K)
            record["log_K"] = mpmath.nstr(log_k, dps)
        return {"risk": float(log_k)}, record
    raise InvalidInput("kind", "type1, type2, type3 or trivial", spec.kind)


def _compare(spec: CaseSpec, setting: Setting, pred: dict, res, tol: float, zero_tol: float, Z=None) -> list:
    n_c, s_c, L, K = setting.n_c, setting.s_c, setting.L, setting.K
    W, U = res.W, res.U
    d = W.shape[0]
    Z = full_latent_set(n_c, L) if Z is None else Z
    kind = spec.kind
    if kind == "code":
        kind = "type2" if spec.network == "h*" else "type1"
    thm1 = "lemma B, H_Z" if spec.kind == "code" else "theorem 1"
    thm3 = "lemma B, H*_Z" if spec.kind == "code" else "theorem 3"
    blocks = U.reshape(K * L, d).T  # (d, K*L), column k*L + l = u_{k,l}
    u_norms = np.linalg.norm(blocks, axis=0)
    cw = np.repeat(np.arange(n_c), s_c)  # concept of word column a*s_c + b
    concept_of_block = Z.ravel()
    E = equiangular_gram(n_c)  # definition 1
    checks = []
    if kind == "type1":
        c, cp = pred["word_norm"], pred["u_norm"]
        checks += [
            scalar_check("word norm c = sqrt(tau/n_w)", thm1, c, np.linalg.norm(W, axis=0), tol, zero_tol),
            scalar_check("block norm c' = sqrt(tau/(K L))", thm1, cp, u_norms, tol, zero_tol),
            scalar_check("||W||_F^2 = ||U||_F^2 = tau", thm1, pred["tau"],
                         [np.sum(W * W), np.sum(U * U)], tol, zero_tol),
            scalar_check("min R = H(tau)" if spec.kind != "code" else "min R = H_Z(tau)", thm1 + ", lemma K",
                         pred["risk"], res.risk, tol, zero_tol),
            matrix_check("Gram W^T W = c^2 E", "definition 1", W, W, lambda s: c * c * E[cw[s]][:, cw], tol),
            matrix_check("Gram <u_{k,l}, u_{k',l'}> = c'^2 E", "definition 1", blocks, blocks,
                         lambda s: cp * cp * E[concept_of_block[s]][:, concept_of_block], tol),
            matrix_check("cross <w_(a,b), u_{k,l}> = c c' E", "definition 1", W, blocks,
                         lambda s: c * cp * E[cw[s]][:, concept_of_block], tol),
        ]
    elif kind == "type2":
        cu = pred["u_norm"]
        feats = layer_norm_columns(W)
        checks += [
            scalar_check("block norm c = tau*/sqrt(K L)", thm3, cu, u_norms, tol, zero_tol),
            scalar_check("||U||_F = tau*", thm3, pred["tau"], np.linalg.norm(U), tol, zero_tol),
            scalar_check("min R* = H*(tau*)" if spec.kind != "code" else "min R* = H*_Z(tau*)", thm3 + ", lemma R",
                         pred["risk"], res.risk, tol, zero_tol),
            matrix_check("Gram phi(w)^T phi(w) = d E", "definition 2", feats, feats,
                         lambda s: d * E[cw[s]][:, cw], tol),
            matrix_check("Gram <u_{k,l}, u_{k',l'}> = c^2 E", "definition 2", blocks, blocks,
                         lambda s: cu * cu * E[concept_of_block[s]][:, concept_of_block], tol),
            matrix_check("cross <phi(w_(a,b)), u_{k,l}> = sqrt(d) c E", "definition 2", feats, blocks,
                         lambda s: math.sqrt(d) * cu * E[cw[s]][:, concept_of_block], tol),
        ]
    elif kind == "type3":
        r = np.array(pred["r"])
        c = pred["c"]
        norms = np.linalg.norm(W, axis=0).reshape(n_c, s_c)
        for b in range(s_c):
            checks.append(scalar_check(f"r_{b + 1} (mu_{b + 1} = {setting.mu.as_array()[b]:.4g})", "theorem 2, eq. 7-8",
                                       r[b], norms[:, b], tol, zero_tol))
        rw = np.tile(r, n_c)
        checks += [
            scalar_check("block norm c", "theorem 2, eq. 7-8", c, u_norms, tol, zero_tol),
            scalar_check("R = F(c, r)", "theorem 2 (reduced risk)", pred["risk"], res.risk, tol, zero_tol),
            matrix_check("Gram W^T W = r_b r_b' E", "definition 3", W, W,
                         lambda s: np.outer(rw[s], rw) * E[cw[s]][:, cw], tol),
            matrix_check("Gram <u_{k,l}, u_{k',l'}> = c^2 E", "definition 3", blocks, blocks,
                         lambda s: c * c * E[concept_of_block[s]][:, concept_of_block], tol),
            matrix_check("cross <w_(a,b), u_{k,l}> = r_b c E", "definition 3", W, blocks,
                         lambda s: c * rw[s][:, None] * E[cw[s]][:, concept_of_block], tol),
        ]
    elif kind == "trivial":
        checks += [
            scalar_check("||W||_F = 0", "lambda threshold", 0.0, np.linalg.norm(W), tol, zero_tol),
            scalar_check("||U||_F = 0", "lambda threshold", 0.0, np.linalg.norm(U), tol, zero_tol),
            scalar_check("min R = R(0) = log K", "lambda threshold", pred["risk"], res.risk, tol, zero_tol),
        ]
    return checks


#: A trained point is called second-order critical when the smallest Hessian
#: eigenvalue is at least -HESSIAN_PSD_TOL times the largest (the rotation
#: symmetry makes exact zeros, which round-off turns into ~1e-14).
HESSIAN_PSD_TOL = 1e-9


def _second_order(setting: Setting, Z, res) -> dict:
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
        HW, HU = exact_risk_hvp(setting, W, U, v[:nW].reshape(W.shape), v[nW:].reshape(U.shape), latent=Z)
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


def _certificate(spec: CaseSpec, setting: Setting, Z, res) -> dict:
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
        cert = certify_optimum(setting, Z)
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
    start = time.perf_counter()
    spec: CaseSpec = job["spec"]
    seed, tol, zero_tol, dps = job["seed"], job["tolerance"], job["zero_tolerance"], job["dps"]
    setting, lam_info = job_setting(spec, dps)
    Z, profile = _latent(spec, setting)
    pred, prediction_record = _predict(spec, setting, dps, profile)
    res = train_network(setting, network=spec.network, latent=Z, seed=seed, init_scale=spec.init_scale)
    checks = _compare(spec, setting, pred, res, tol, zero_tol, Z)
    measurement = measure_collapse(res.W, res.U, setting.n_c, setting.s_c, setting.L, latent=Z,
                                   network=spec.network, tol=VERDICT_TOL)
    expected = EXPECTED_VERDICT[spec.kind]
    if spec.kind == "code" and spec.network == "h*":
        expected = "type II"
    checks.append(verdict_check(expected, measurement.collapse_verdict, VERDICT_TOL))
    d = setting.d
    no_spurious = d > min(setting.n_w, setting.K * setting.L)  # theorem G (appendix G)
    passed = all(ch.passed for ch in checks)
    hessian = _second_order(setting, Z, res) if spec.kind == "type3" and res.converged else None
    meas = measurement.to_dict()
    meas.pop("u_norms")
    record = {
        "name": f"{spec.name}/seed{seed}",
        "case": spec.name,
        "seed": seed,
        "kind": spec.kind,
        "theorem": spec.theorem,
        "network": spec.network,
        "note": spec.note,
        "setting": setting.to_dict(),
        "mu_values": setting.mu.as_array().tolist(),
        "lam_resolution": lam_info,
        "latent": None if Z is None else {"code": spec.code, "K": int(Z.shape[0]), "rows": Z.tolist(),
                                          "sphere_sizes": profile.to_dict()},
        "predicted": {ch.quantity: ch.predicted for ch in checks},
        "measured": {ch.quantity: ch.measured for ch in checks},
        "rel_error": {ch.quantity: ch.rel_error for ch in checks},
        "passed": passed,
        "checks": [ch.to_dict() for ch in checks],
        "prediction": prediction_record,
        "prediction_values": pred,
        "training": res.to_dict(),
        "measurement": meas,
        "theorem_g_no_spurious_minima": bool(spec.network == "h" and no_spurious),
        "hessian": hessian,
        "conjecture_evidence": bool(spec.kind == "type3" and no_spurious and res.converged and passed
                                    and hessian is not None and hessian.get("psd", False)),
        "certificate": _certificate(spec, setting, Z, res) if job.get("certify") else None,
        "seconds": time.perf_counter() - start,
    }
    return record, res.W, res.U
