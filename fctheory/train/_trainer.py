"""The validation trainer: minimize R (eq. 5) or R* (eq. 10) on the exact true risk.

From a seeded small random initialisation, :func:`train_network` runs scipy L-BFGS-B on
the exact-risk engine (:func:`fctheory.exact_risk_and_grad`), then polishes
with a safeguarded Newton-CG (:mod:`fctheory.train._minimize`) until
:math:`\\|\\nabla R\\|_2 \\le 10^{-12}\\max(1, R)`.

For h*, R* does not regularise W and is invariant under
:math:`w \\mapsto \\alpha w + \\beta \\mathbf 1` (α > 0) for every word, since
LayerNorm (eq. 18) removes both.  Left alone, a word's centred embedding can
shrink until LayerNorm's gradient (which scales like 1/σ(w)) explodes; the
trainer therefore re-normalises every column of W to zero mean and unit norm
between L-BFGS chunks and after each Newton step, which leaves R* unchanged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .._validate import require_network, require_one_of, require_real, require_seed
from ..errors import InvalidInput
from ..problem import as_problem
from ..risk import exact_risk_and_grad, exact_risk_hvp
from ..setting import Setting
from ._minimize import MinimizeOptions, choose_hvp_method, fd_hvp, polished_minimize

__all__ = ["TrainResult", "train_network", "HVP_FD", "HVP_EXACT"]

HVP_EXACT = "exact (fctheory.risk.exact_risk_hvp)"
HVP_FD = "central differences of the analytic gradient (2 gradients each)"


@dataclass(frozen=True)
class TrainResult:
    """A trained pair (W, U) and how it was obtained.

    Attributes
    ----------
    setting : Setting
    network : str
        ``"h"`` (risk R, eq. 5) or ``"h*"`` (risk R*, eq. 10).
    latent : numpy.ndarray or None
        The latent set (``None``: full set).
    seed : int
        Seed of the initialisation (numpy ``default_rng``).
    W, U : numpy.ndarray
        Trained weights, shapes (d, n_w) and (K, L*d).  For h*, the columns
        of W are centred with unit norm (R* does not depend on it).
    risk : float
        Exact risk at (W, U).
    grad_norm : float
        Euclidean norm of the full gradient (dW, dU) at (W, U).
    grad_norm_rel : float
        ``grad_norm / max(1, |risk|)``; converged means ``<= gtol``.
    converged : bool
    reason : str
        Why the run stopped (also for converged runs).
    lbfgs_iterations, newton_iterations : int
    evaluations : int
        Risk+gradient evaluations outside Hessian-vector products.
    hvp_evaluations : int
        Hessian-vector products (each costs two gradient evaluations when
        ``hvp_method`` is finite differences).
    hvp_method : str
    history : tuple of (phase, iteration, evaluations, risk, grad_norm)
        One row per L-BFGS iteration and per accepted Newton step.
    seconds : float
        Wall-clock time of the whole run.
    options : MinimizeOptions
    init_scale : float
    """

    setting: Setting
    network: str
    latent: np.ndarray | None
    seed: int
    W: np.ndarray
    U: np.ndarray
    risk: float
    grad_norm: float
    grad_norm_rel: float
    converged: bool
    reason: str
    lbfgs_iterations: int
    newton_iterations: int
    evaluations: int
    hvp_evaluations: int
    hvp_method: str
    history: tuple
    seconds: float
    options: MinimizeOptions
    init_scale: float

    def to_dict(self, *, include_weights: bool = False) -> dict:
        """JSON-ready diagnostics; the weights only when ``include_weights``
        (the keys present are always the same; without weights they are
        ``None``)."""
        return {
            "setting": self.setting.to_dict(),
            "network": self.network,
            "latent": None if self.latent is None else self.latent.tolist(),
            "seed": self.seed,
            "W": self.W.tolist() if include_weights else None,
            "U": self.U.tolist() if include_weights else None,
            "risk": self.risk,
            "grad_norm": self.grad_norm,
            "grad_norm_rel": self.grad_norm_rel,
            "converged": self.converged,
            "reason": self.reason,
            "lbfgs_iterations": self.lbfgs_iterations,
            "newton_iterations": self.newton_iterations,
            "evaluations": self.evaluations,
            "hvp_evaluations": self.hvp_evaluations,
            "hvp_method": self.hvp_method,
            "history": [list(row) for row in self.history],
            "seconds": self.seconds,
            "options": self.options.to_dict(),
            "init_scale": self.init_scale,
        }


def _engine():
    """The objective and its Hessian-vector product: :func:`fctheory.risk.exact_risk_and_grad`
    and :func:`fctheory.risk.exact_risk_hvp` (eq. 5/10 and eq. 17/18).  A
    function, so that a test can substitute an engine without an exact product
    (``hvp = None``: the Newton polish then uses differences).  Both are called
    with the validated :class:`~fctheory.Problem`: ``f(problem, W, U, network=...)``."""
    return exact_risk_and_grad, exact_risk_hvp


def _centre_unit_columns(W: np.ndarray) -> np.ndarray:
    centred = W - W.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(centred, axis=0, keepdims=True)
    return centred / np.where(norms > 0, norms, 1.0)


def train_network(setting, *, network: str = "h", latent=None, seed: int = 0, init_scale: float = 0.1,
                  options: MinimizeOptions | None = None, hessian: str = "auto") -> TrainResult:
    """Train network h (risk R, eq. 5) or h* (risk R*, eq. 10) on the exact true risk.

    Parameters
    ----------
    setting : Problem or Setting
        A :class:`~fctheory.Problem` (setting and latent set), or a Setting
        with ``latent``; must have ``d``.
    network : {"h", "h*"}
    latent : array_like of int, shape (K, L), optional
        With a Setting: the latent set; ``None`` = full set (then ``setting.K``
        must be ``n_c**L``).
    seed : int
        Initialisation seed: W and U entries i.i.d. normal with standard
        deviation ``init_scale / sqrt(d)`` (columns/blocks of norm ≈ init_scale).
    init_scale : float
        Initial scale (> 0); small, so training starts near the saddle W = U = 0.
    options : MinimizeOptions, optional
        Tolerances; the default target is ``||grad|| <= 1e-12 max(1, R)``.
    hessian : {"auto", "exact", "fd"}
        Hessian-vector products of the Newton-CG polish: the engine's exact
        product (networks h and h*), central differences of the analytic gradient,
        or ``"auto"``: exact unless its tables exceed
        :data:`fctheory.train._minimize.EXACT_HVP_MAX_BYTES` (decided by the size
        alone, so that training is reproducible bit for bit), otherwise differences.  ``TrainResult.hvp_method`` says which ran.

    Returns
    -------
    TrainResult
        Converged or not; ``converged`` and ``reason`` say which.
    """
    network = require_network(network)
    hessian = require_one_of("hessian", hessian, ("auto", "exact", "fd"))
    seed = require_seed("seed", seed)
    init_scale = require_real("init_scale", init_scale, lo=0, hi=1000, lo_open=True, hi_open=True)
    problem = as_problem(setting, latent)
    setting = problem.setting
    d = setting.require_d(mean_zero=network == "h*")
    latent = None if problem.source.kind == "full" else np.array(problem.latent)  # TrainResult.latent
    if options is None:
        # h*: re-normalise W every 200 L-BFGS iterations (see the module docstring).
        options = MinimizeOptions(lbfgs_chunk=200) if network == "h*" else MinimizeOptions()
    elif not isinstance(options, MinimizeOptions):
        raise InvalidInput("options", "a fctheory.train.MinimizeOptions", type(options).__name__)
    fg_engine, hvp_engine = _engine()
    n_w, K, L = setting.n_w, setting.K, setting.L
    nW = d * n_w

    def split(x):
        return x[:nW].reshape(d, n_w), x[nW:].reshape(K, L * d)

    timing = {"grad_seconds": 0.0, "grad_calls": 0, "method": HVP_FD}

    def fun_and_grad(x):
        t0 = time.perf_counter()
        W, U = split(x)
        value, dW, dU = fg_engine(problem, W, U, network=network)
        timing["grad_seconds"] += time.perf_counter() - t0
        timing["grad_calls"] += 1
        return value, np.concatenate([np.asarray(dW).ravel(), np.asarray(dU).ravel()])

    hvp = None
    exact_ok = hvp_engine is not None  # always, for the package engine (h: eq. 17, h*: eq. 18)
    if hessian == "exact" and not exact_ok:
        raise InvalidInput("hessian", "'auto' or 'fd' here (no exact Hessian-vector product for this network)", hessian)
    if exact_ok and hessian in ("exact", "auto"):
        fd = fd_hvp(fun_and_grad, options.fd_step)
        timing["method"] = HVP_EXACT

        def exact(x, v):
            W, U = split(x)
            VW, VU = split(v)
            HW, HU = hvp_engine(problem, W, U, VW, VU, network=network)
            return np.concatenate([np.asarray(HW).ravel(), np.asarray(HU).ravel()])

        if hessian == "auto":
            method, note = choose_hvp_method(problem)
            if method == "fd":
                timing["method"], timing["note"] = HVP_FD, note

        def hvp(x, v):
            return fd(x, v) if timing["method"] == HVP_FD else exact(x, v)

    renormalize = None
    if network == "h*":
        def renormalize(x):
            W, U = split(x)
            return np.concatenate([_centre_unit_columns(W).ravel(), U.ravel()])

    rng = np.random.default_rng(int(seed))
    std = float(init_scale) / np.sqrt(d)
    x0 = np.concatenate([rng.normal(0.0, std, nW), rng.normal(0.0, std, K * L * d)])
    start = time.perf_counter()
    out = polished_minimize(fun_and_grad, x0, options=options, hvp=hvp, renormalize=renormalize)
    seconds = time.perf_counter() - start
    W, U = split(out.x)
    return TrainResult(
        setting=setting, network=network, latent=latent, seed=int(seed), W=W.copy(), U=U.copy(),
        risk=out.value, grad_norm=out.grad_norm, grad_norm_rel=out.grad_norm / max(1.0, abs(out.value)),
        converged=out.converged, reason=out.reason, lbfgs_iterations=out.lbfgs_iterations,
        newton_iterations=out.newton_iterations, evaluations=out.evaluations,
        hvp_evaluations=out.hvp_evaluations, hvp_method=timing["method"] + timing.get("note", ""), history=out.history, seconds=seconds,
        options=options, init_scale=float(init_scale),
    )
