"""Brute-force checks of the closed forms against the exact true risk.

Each check builds weights explicitly (:mod:`fctheory.configurations`), evaluates the
exact risk (:func:`exact_risk`, float64) and compares it with the closed form
computed by :mod:`fctheory.predict` (mpmath, 30 digits):

* lemma K: a type-I configuration with :math:`t = n_w c^2` has risk
  :math:`H(t)` (theorem 1), for many ``t``;
* the same for any latent set, with the class-wise sphere sizes
  (:func:`collapse_risk_any_latent`);
* lemma R: a type-II configuration with :math:`t = \\|U\\|_F` has risk
  :math:`H^*(t)` (theorem 3);
* appendix F: a type-III configuration has risk :math:`F(c, r)` (full set);
* theorems 1-3: the exact gradient vanishes at the predicted constants;
* eq. (9): at :math:`W = U = 0` the gradient vanishes, and the Hessian there
  is positive semidefinite iff :math:`\\lambda` is at least the threshold.

Tolerances are relative and stated in :data:`RISK_RTOL`, :data:`GRAD_RTOL`,
:data:`THRESHOLD_RTOL`.  Every row is a :class:`fctheory.checks.Check`
(predicted beside measured, with its error rule and the paper's reference).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from .. import predict  # the closed forms (mpmath) the checks compare with
from ..checks import Check, scalar_check
from ..configurations import type1_configuration, type2_configuration, type3_configuration
from ..errors import InvalidInput, NoNontrivialSolution, ProblemTooLarge
from ..latent import distance_counts, resolve_latent
from ..problem import as_problem
from ..setting import Setting
from ._api import exact_risk, exact_risk_and_grad
from ._contraction import data_term

__all__ = [
    "Check",
    "RISK_RTOL",
    "GRAD_RTOL",
    "THRESHOLD_RTOL",
    "check_lemma_k",
    "check_lemma_r",
    "check_type3_risk",
    "check_critical_points",
    "check_threshold",
    "run_checks",
    "default_grid",
    "hessian_at_zero",
    "collapse_risk_any_latent",
    "check_lemma_k_latent",
    "require_checks_memory",
    "check_memory",
]

#: |exact risk - closed form| / |closed form| allowed (float64 evaluation).
RISK_RTOL = 1e-12
#: ||grad R|| / ||grad of the regularization|| allowed at a predicted critical
#: point (the data gradient must cancel lam*(W, U), resp. lam*U for h*).
GRAD_RTOL = 1e-10
#: |lambda_0 - eq. 9| / eq. 9 allowed, lambda_0 = lam - (smallest eigenvalue
#: of the Hessian of R at W = U = 0).
THRESHOLD_RTOL = 1e-10
#: Default multipliers t / tau at which lemma K / R are checked.
T_FACTORS = (0.05, 0.3, 1.0, 3.0, 10.0)
#: Hessian sizes (n_w + K*L) above which the threshold check is skipped
#: (dense symmetric eigenvalue problem).
MAX_HESSIAN_SIZE = 4000
#: The Hessian at 0 counts as PSD when its smallest eigenvalue is
#: >= -PSD_RTOL * lam (rounding of eigvalsh on a matrix of norm ~lam + ||B||).
PSD_RTOL = 1e-12


def _compare(quantity, reference, setting, predicted, measured, tol, detail) -> Check:
    """``relative`` (``absolute`` for a zero prediction) comparison of one value, tolerance ``tol``."""
    return scalar_check(quantity, reference, predicted, measured, tol, setting=setting, detail=detail)


def check_lemma_k(setting: Setting, t_values=None, *, rotation=0) -> list[Check]:
    """Lemma K: exact risk of the type-I configuration with
    :math:`c = \\sqrt{t/n_w}`, :math:`c' = \\sqrt{t/(KL)}` against :math:`H(t)`.

    ``t_values`` defaults to :data:`T_FACTORS` times :math:`\\tau` (theorem 1),
    or times 1 when the minimizer is trivial.  Full set only (for other
    latent sets ``H`` needs their sphere sizes).
    """
    _require_full(setting)
    setting.require_d(mean_zero=False)
    if t_values is None:
        base = _type1_tau(setting) or 1.0
        t_values = [f * base for f in T_FACTORS]
    out = []
    for t in t_values:
        t = float(t)
        cfg = type1_configuration(setting, math.sqrt(t / setting.n_w), math.sqrt(t / (setting.K * setting.L)), rotation=rotation)
        measured = exact_risk(setting, cfg.W, cfg.U)
        with mpmath.workdps(30):
            predicted = predict.H(setting, mpmath.mpf(t))
        out.append(_compare("lemma K: R(type I) = H(t)", "lemma K, theorem 1", setting, predicted, measured, RISK_RTOL, f"t = {t:.6g}"))
    return out


def _type1_tau(setting: Setting) -> float | None:
    """Theorem 1's tau for the sizes and λ of ``setting`` (H does not depend on the word law: lemma K holds
    for any mu, so tau is computed with uniform words), or None when the minimizer is trivial."""
    try:
        return float(predict.predict_type1(setting.replace(mu="uniform")).tau)
    except NoNontrivialSolution:
        return None


def collapse_risk_any_latent(setting: Setting, latent, t, *, network: str = "h", dps: int = 30):
    r"""The risk of a type-I (``"h"``) or type-II (``"h*"``) configuration for any latent set.

    In both configurations every sentence of class ``k`` has logit gap
    :math:`h_k - h_j = \eta\, t\, \mathrm{dist}(z_j, z_k)` (lemma K / lemma R:
    per position, :math:`\langle f_a, f_b\rangle` is 1 or :math:`-1/(n_c-1)`),
    so, with :math:`|S_r(k)|` the sphere sizes of class ``k``,

    .. math::

        R = \frac1K \sum_k \log\Big(1 + \sum_{r \ge 1} |S_r(k)| e^{-\eta t r}\Big)
            + \begin{cases} \lambda t & (h,\ \eta = \frac{n_c}{n_c-1} \frac{1}{\sqrt{n_w K L}}) \\
                             \frac\lambda2 t^2 & (h^*,\ \eta^* = \frac{n_c}{n_c-1}\sqrt{\frac{d}{K L}}) \end{cases}

    On the full set (and under assumption A) this is :math:`H(t)` resp.
    :math:`H^*(t)`; in general it is :math:`H_Z(t)` averaged over classes.
    Evaluated with mpmath at ``dps`` digits.  ``setting`` is a Setting with its ``latent`` rows,
    or a :class:`~fctheory.Problem` (``latent=None``).
    """
    problem = as_problem(setting, latent)
    setting = problem.setting
    counts = distance_counts(problem.latent, setting.n_c).sizes  # |S_r(k)|, eq. (36)
    K, L = setting.K, setting.L
    with mpmath.workdps(dps):
        t = mpmath.mpf(float(t)) if not isinstance(t, mpmath.mpf) else t
        ratio = mpmath.mpf(setting.n_c) / (setting.n_c - 1)
        lam = setting.lam_mp()
        if network == "h":
            eta = ratio / mpmath.sqrt(setting.n_w * K * L)
            reg = lam * t
        else:
            eta = ratio * mpmath.sqrt(mpmath.mpf(setting.require_d(mean_zero=True)) / (K * L))
            reg = lam / 2 * t**2
        e = [mpmath.exp(-eta * t * r) for r in range(L + 1)]
        rows = {}
        for row in map(tuple, counts):
            rows[row] = rows.get(row, 0) + 1  # classes with the same profile
        data = mpmath.fsum(n * mpmath.log1p(mpmath.fsum(c * e[r] for r, c in enumerate(row) if r >= 1))
                           for row, n in rows.items()) / K
        return data + reg


def check_lemma_k_latent(setting: Setting, latent, t_values, *, network: str = "h", rotation=0) -> list[Check]:
    """Lemma K (``"h"``, type I) or lemma R (``"h*"``, type II) for any latent
    set, against :func:`collapse_risk_any_latent` (``setting``: a Setting with its
    ``latent`` rows, or a :class:`~fctheory.Problem`)."""
    problem = as_problem(setting, latent)
    setting = problem.setting
    out = []
    for t in t_values:
        t = float(t)
        if network == "h":
            cfg = type1_configuration(problem, math.sqrt(t / setting.n_w), math.sqrt(t / (setting.K * setting.L)),
                                      rotation=rotation)
            name, reference = "lemma K (latent set): R(type I) = H_Z(t)", "lemma K, lemma B"
        else:
            cfg = type2_configuration(problem, t / math.sqrt(setting.K * setting.L), rotation=rotation)
            name, reference = "lemma R (latent set): R*(type II) = H*_Z(t)", "lemma R, lemma B"
        measured = exact_risk(problem, cfg.W, cfg.U, network=network)
        predicted = collapse_risk_any_latent(problem, None, t, network=network)
        out.append(_compare(name, reference, setting, predicted, measured, RISK_RTOL, f"t = {t:.6g}"))
    return out


def check_lemma_r(setting: Setting, t_values=None, *, rotation=0) -> list[Check]:
    """Lemma R: exact :math:`R^*` of the type-II configuration with
    :math:`c = t/\\sqrt{KL}` against :math:`H^*(t)` (needs ``d >= n_c``)."""
    _require_full(setting)
    setting.require_d(mean_zero=True)
    if t_values is None:
        tau = float(predict.predict_type2(setting).tau)
        t_values = [f * tau for f in T_FACTORS]
    out = []
    for t in t_values:
        t = float(t)
        cfg = type2_configuration(setting, t / math.sqrt(setting.K * setting.L), rotation=rotation)
        measured = exact_risk(setting, cfg.W, cfg.U, network="h*")
        with mpmath.workdps(30):
            predicted = predict.H_star(setting, mpmath.mpf(t))
        out.append(_compare("lemma R: R*(type II) = H*(t)", "lemma R, theorem 3", setting, predicted, measured, RISK_RTOL, f"t = {t:.6g}"))
    return out


def check_type3_risk(setting: Setting, points=None, *, rotation=0) -> list[Check]:
    """Appendix F: exact risk of type-III configurations against :math:`F(c, r)`.

    ``points`` is a list of ``(c, r)``; by default the predicted critical point
    (theorem 2, when it exists) and three deterministic perturbations of it
    (or of ``c = 1``, ``r_b = 1 + b``)."""
    _require_full(setting)
    setting.require_d(mean_zero=False)
    if points is None:
        base = _type3_constants(setting)
        if base is None:
            base = (1.0, [1.0 + b for b in range(setting.s_c)])
        c0, r0 = base
        r0 = np.asarray(r0, dtype=float)
        scale = np.linspace(0.6, 1.4, setting.s_c)
        points = [(c0, r0), (0.5 * c0, r0 * scale), (2.0 * c0, r0[::-1].copy()), (c0, 3.0 * r0)]
    out = []
    for c, r in points:
        cfg = type3_configuration(setting, c, r, rotation=rotation)
        measured = exact_risk(setting, cfg.W, cfg.U)
        with mpmath.workdps(30):
            predicted = predict.type3_reduced_risk(setting, mpmath.mpf(float(c)), [mpmath.mpf(float(v)) for v in r])
        out.append(_compare("appendix F: R(type III) = F(c, r)", "appendix F, theorem 2", setting, predicted, measured, RISK_RTOL, f"c = {float(c):.6g}"))
    return out


def _type3_constants(setting: Setting):
    try:
        p = predict.predict_type3(setting)
    except NoNontrivialSolution:
        return None
    return float(p.c), [float(v) for v in p.r]


def _gradient_ratio(setting, W, U, network) -> float:
    """:math:`\\|\\nabla R\\| / \\|\\lambda(W, U)\\|` (``h``) or :math:`/\\|\\lambda U\\|` (``h*``)."""
    _, dW, dU = exact_risk_and_grad(setting, W, U, network=network)
    lam = float(setting.lam)
    grad = math.sqrt(float(np.sum(dW * dW) + np.sum(dU * dU)))
    reg = lam * math.sqrt(float(np.sum(U * U)) + (float(np.sum(W * W)) if network == "h" else 0.0))
    return grad / reg


def check_critical_points(setting: Setting, *, rotation=0) -> list[Check]:
    """The exact gradient at the predicted constants of theorems 1 (uniform
    words), 3 (``d >= n_c``) and 2 (below eq. 9), relative to the
    regularization gradient it must cancel."""
    _require_full(setting)
    out = []
    if setting.mu.is_uniform and setting.d is not None and setting.d >= setting.n_c - 1:
        try:
            p = predict.predict_type1(setting)
        except NoNontrivialSolution:  # above lambda_I: the critical point is W = U = 0 (checked by eq. 9's row)
            p = None
        if p is not None:
            cfg = type1_configuration(setting, float(p.word_norm), float(p.u_norm), rotation=rotation)
            ratio = _gradient_ratio(setting, cfg.W, cfg.U, "h")
            out.append(_compare("theorem 1: grad R = 0 at type I (tau)", "theorem 1", setting, 0.0, ratio, GRAD_RTOL,
                                f"tau = {float(p.tau):.6g}; measured = ||grad R|| / ||lam (W, U)||"))
    if setting.d is not None and setting.d >= setting.n_c:
        p = predict.predict_type2(setting)
        cfg = type2_configuration(setting, float(p.u_norm), rotation=rotation)
        ratio = _gradient_ratio(setting, cfg.W, cfg.U, "h*")
        out.append(_compare("theorem 3: grad R* = 0 at type II (tau*)", "theorem 3", setting, 0.0, ratio, GRAD_RTOL,
                            f"tau* = {float(p.tau):.6g}; measured = ||grad R*|| / ||lam U||"))
    if setting.d is not None and setting.d >= setting.n_c - 1:
        consts = _type3_constants(setting)
        if consts is not None:
            cfg = type3_configuration(setting, consts[0], consts[1], rotation=rotation)
            ratio = _gradient_ratio(setting, cfg.W, cfg.U, "h")
            out.append(_compare("theorem 2: grad R = 0 at type III (eq. 7-8)", "theorem 2", setting, 0.0, ratio,
                                GRAD_RTOL, f"c = {consts[0]:.6g}; measured = ||grad R|| / ||lam (W, U)||"))
    return out


def hessian_at_zero(setting: Setting) -> np.ndarray:
    r"""The Hessian of :math:`R` (eq. 5) at ``W = U = 0`` for one embedding coordinate.

    At the origin :math:`A_l = W^T U_l^T` vanishes with its first derivative,
    so the Hessian is :math:`\lambda I` plus the coupling of the bilinear map
    with :math:`G_l = \nabla_{A_l} f(0)` (computed exactly by the engine):
    in the coordinates ``(w, (u_{k,l})_{k,l})`` of one embedding dimension,

    .. math::

        \nabla^2 R(0) = \begin{pmatrix} \lambda I & B \\ B^T & \lambda I \end{pmatrix},
        \qquad B[w, (k, l)] = G_l[w, k].

    The full Hessian is block-diagonal over the ``d`` coordinates with this
    block repeated, so its spectrum does not depend on ``d``.  (The test suite
    checks this matrix against columns of :func:`exact_risk_hvp`.)
    """
    latent = resolve_latent(setting, None)
    L, n_w, K = setting.L, setting.n_w, setting.K
    _, G = data_term(np.zeros((L, n_w, K)), latent, setting.mu.as_array(), setting.n_c, setting.s_c)
    B = np.transpose(G, (1, 2, 0)).reshape(n_w, K * L)  # column k*L + l, the layout of U's row k
    lam = float(setting.lam)
    n = n_w + K * L
    H = lam * np.eye(n)
    H[:n_w, n_w:] = B
    H[n_w:, :n_w] = B.T
    return H


def check_threshold(setting: Setting) -> list[Check]:
    """Eq. (9) at ``W = U = 0``: the gradient vanishes; the Hessian is PSD
    above the threshold (at 1.25 times it) and not below (at 0.8 times it);
    the measured threshold :math:`\\lambda - \\lambda_{\\min}(\\nabla^2 R(0))`
    equals eq. (9)."""
    _require_full(setting)
    n = setting.n_w + setting.K * setting.L
    if n > MAX_HESSIAN_SIZE:
        return []
    thr = float(predict.lambda_thresholds(setting).type3.value)
    lam0 = float(setting.lam)
    offset = float(np.linalg.eigvalsh(hessian_at_zero(setting))[0]) - lam0  # min eig of Hess R(0) - lam I
    d = setting.d or 1
    W0, U0 = np.zeros((d, setting.n_w)), np.zeros((setting.K, setting.L * d))
    _, dW, dU = exact_risk_and_grad(setting, W0, U0)
    g0 = math.sqrt(float(np.sum(dW * dW) + np.sum(dU * dU)))
    out = [_compare("eq. 9: grad R(0) = 0", "eq. 9", setting, 0.0, g0, 0.0, "measured = ||grad R|| at W = U = 0")]
    measured_thr = -offset
    out.append(_compare("eq. 9: threshold = lam - min eig Hess R(0)", "eq. 9 (eq. 150)", setting, thr, measured_thr, THRESHOLD_RTOL,
                        "measured = lam - smallest eigenvalue of the exact Hessian at W = U = 0"))
    for factor, want_psd in ((1.25, True), (0.8, False)):
        lam = factor * thr
        min_eig = lam + offset
        psd = min_eig >= -PSD_RTOL * lam
        out.append(Check(f"eq. 9: Hess R(0) {'PSD' if want_psd else 'not PSD'} at {factor} x threshold", setting,
                         None, min_eig, None, 0.0, psd == want_psd, f"lam = {lam:.6g}; measured = min eigenvalue",
                         "property", "eq. 9"))
    return out


def _require_full(setting: Setting) -> None:
    if not isinstance(setting, Setting):
        raise InvalidInput("setting", "a fctheory.Setting", type(setting).__name__)
    if not setting.is_full:
        raise InvalidInput("setting.K", f"the full set K = n_c**L = {setting.n_latent_full} for the brute-force checks", setting.K)


#: t values of the lemma K / R checks on latent sets other than the full set.
LATENT_T_VALUES = (0.3, 1.0, 3.0, 10.0, 30.0)


#: Largest embedding dimension of the brute-force checks: their time grows like d**3 (measured on a
#: shared 2-core machine, n_c=2 s_c=2 L=3 uniform: 1.0 s at d = 400, 16 s at d = 1000, > 100 s at
#: d = 1500), and the closed forms do not depend on d beyond n_c.
MAX_CHECK_D = 512
#: Largest estimated memory of one setting's checks: the random rotation of the frames (three d x d
#: float64 arrays of a QR factorisation) and W, U.
MAX_CHECK_BYTES = 256 * 2**20


def require_checks_memory(setting: Setting) -> int:
    """The estimated memory (bytes) of :func:`run_checks` on ``setting``; raises ProblemTooLarge for
    ``d > MAX_CHECK_D`` or above :data:`MAX_CHECK_BYTES`, before anything is allocated."""
    d = setting.d or setting.n_c
    if d > MAX_CHECK_D:
        raise ProblemTooLarge("d of the brute-force checks (time grows like d**3)", d, MAX_CHECK_D,
                              "the closed forms do not depend on d beyond n_c; use a smaller d")
    estimate = 8 * (3 * d * d + d * setting.n_w + setting.K * setting.L * d)
    if estimate > MAX_CHECK_BYTES:
        raise ProblemTooLarge(f"the checks of {setting!r} (estimated memory: the d x d rotation of the frames, W, U)",
                              f"{estimate / 2**20:.4g} MiB", f"{MAX_CHECK_BYTES // 2**20} MiB",
                              "use a smaller d (the closed forms do not depend on d beyond n_c)")
    return estimate


#: Deprecated name of :func:`require_checks_memory` (input guards are ``require_*``; ``check_*`` names
#: are verdicts returning :class:`~fctheory.checks.Check` rows).
check_memory = require_checks_memory


def run_checks(setting: Setting, *, rotation=0, latent=None) -> list[Check]:
    """Every check that applies to ``setting`` (``d`` needed).

    On the full set: lemma K, lemma R (``d >= n_c``), appendix F, theorems
    1-3 and eq. 9.  With another latent set (``setting.K < n_c**L``,
    ``latent`` given): lemma K and lemma R against the class-averaged
    :math:`H_Z` (:func:`check_lemma_k_latent`).  Refused before anything is allocated when
    :func:`require_checks_memory` refuses ``setting``.  ``rotation`` is the seed of the frames' random
    rotation (an integer >= 0, a numpy Generator, or None for none)."""
    if isinstance(setting, Setting):
        require_checks_memory(setting)
    if isinstance(setting, Setting) and not setting.is_full:
        setting.require_d(mean_zero=False)
        out = check_lemma_k_latent(setting, latent, LATENT_T_VALUES, network="h", rotation=rotation)
        if setting.d >= setting.n_c:
            out += check_lemma_k_latent(setting, latent, LATENT_T_VALUES, network="h*", rotation=rotation)
        return out
    _require_full(setting)
    setting.require_d(mean_zero=False)
    out = check_lemma_k(setting, rotation=rotation)
    if setting.d >= setting.n_c:
        out += check_lemma_r(setting, rotation=rotation)
    out += check_type3_risk(setting, rotation=rotation)
    out += check_critical_points(setting, rotation=rotation)
    out += check_threshold(setting)
    return out


def default_grid(lam="1/100") -> list[Setting]:
    """The default grid of the lemma K checks: (n_c, s_c, L) in (2,2,3), (3,2,3), (3,3,4), (4,2,3);
    uniform and Zipf words; d = n_c - 1, n_c, 2 n_c."""
    out = []
    for n_c, s_c, L in ((2, 2, 3), (3, 2, 3), (3, 3, 4), (4, 2, 3)):
        for mu in ("uniform", "zipf"):
            for d in (n_c - 1, n_c, 2 * n_c):
                out.append(Setting(n_c, s_c, L, lam, d=d, mu=mu))
    return out
