"""A generic polished minimizer: scipy L-BFGS-B, then a safeguarded Newton-CG.

The trainer (:mod:`fctheory.train._trainer`) runs this on the exact true risk
R (eq. 5) or R* (eq. 10).  It is written for any smooth objective given as
``fun_and_grad(x) -> (value, gradient)`` on a flat float64 vector.

Stopping rule (stated once, used everywhere): the run *converges* when

.. math:: \\|\\nabla f(x)\\|_2 \\le \\mathrm{gtol} \\cdot \\max(1, |f(x)|),

i.e. the Euclidean norm of the whole gradient, relative to the objective's
magnitude (at least 1).  Anything else is reported as non-convergence with
the reason; nothing is hidden.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .._validate import require_int, require_real
from ..errors import InvalidInput

__all__ = ["MinimizeOptions", "MinimizeOutcome", "polished_minimize", "fd_hvp", "choose_hvp_method", "EXACT_HVP_MAX_BYTES"]


@dataclass(frozen=True)
class MinimizeOptions:
    """Tolerances and limits of :func:`polished_minimize`.

    Attributes
    ----------
    gtol : float
        Convergence target, :math:`\\|\\nabla f\\|_2 \\le` gtol·max(1, |f|)
        (default 1e-12).
    lbfgs_ftol : float
        scipy L-BFGS-B ``ftol``: stop when the relative decrease
        :math:`(f_k - f_{k+1})/\\max(|f_k|, |f_{k+1}|, 1)` is at most this.
        scipy's default (2.2e-9) stops while the weights are still off by
        1e-4..1e-3 relative; 1e-15 lets L-BFGS run until the gradient test or
        round-off stops it.
    lbfgs_gtol : float
        scipy L-BFGS-B ``pgtol``: stop when the largest gradient component is
        at most this (absolute); the Newton polish takes over from there.
    lbfgs_maxiter : int
        Iteration limit of the L-BFGS-B phase (all chunks together).
    lbfgs_chunk : int
        Iterations per L-BFGS-B call; ``renormalize`` (if given) is applied
        between chunks.
    lbfgs_memory : int
        Number of L-BFGS correction pairs.
    newton_maxiter : int
        Newton-CG polish iterations.
    cg_maxiter : int
        Conjugate-gradient iterations per Newton step.
    cg_rtol : float
        CG stops when the residual :math:`\\|Hp + g\\|` is at most
        ``min(cg_rtol, sqrt(||g||))·||g||``.
    max_halvings : int
        Step halvings tried before a Newton step is rejected.
    fd_step : float
        Step ε of the central-difference Hessian-vector product (used only
        when no exact product is given): :math:`Hv \\approx (\\nabla f(x+εv)
        - \\nabla f(x-εv))/(2ε)` for unit v; truncation error
        :math:`O(ε^2)`, round-off :math:`O(\\epsilon_{mach}/ε)`.
    """

    gtol: float = 1e-12
    lbfgs_ftol: float = 1e-15
    lbfgs_gtol: float = 1e-9
    lbfgs_maxiter: int = 20000
    lbfgs_chunk: int = 20000
    lbfgs_memory: int = 20
    newton_maxiter: int = 50
    cg_maxiter: int = 200
    cg_rtol: float = 1e-3
    max_halvings: int = 12
    fd_step: float = 1e-5

    def __post_init__(self):
        for name in ("gtol", "lbfgs_ftol", "lbfgs_gtol", "cg_rtol", "fd_step"):
            value = getattr(self, name)
            if isinstance(value, str):  # a tolerance is a number, not text
                raise InvalidInput(name, "a number in (0, 1)", value)
            object.__setattr__(self, name, require_real(name, value, lo=0, hi=1, lo_open=True, hi_open=True))
        # an L-BFGS chunk of 0 iterations would never end the L-BFGS phase; scipy needs >= 1 correction pair
        minimum = {"lbfgs_chunk": 1, "lbfgs_memory": 1}
        for name in ("lbfgs_maxiter", "lbfgs_chunk", "lbfgs_memory", "newton_maxiter", "cg_maxiter", "max_halvings"):
            object.__setattr__(self, name, require_int(name, getattr(self, name), lo=minimum.get(name, 0)))

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class MinimizeOutcome:
    """What :func:`polished_minimize` found (private to the train package)."""

    x: np.ndarray
    value: float
    grad_norm: float
    converged: bool
    reason: str
    lbfgs_iterations: int
    newton_iterations: int
    evaluations: int
    hvp_evaluations: int
    history: tuple  # (phase, iteration, evaluations, value, grad_norm)
    seconds: float


#: ``hessian="auto"`` uses the exact Hessian-vector product when its tables (the score tables of
#: the exact risk and their tangents: twice the risk's own) take at most this many bytes, central
#: differences of the gradient otherwise.  A rule on the size, not on a timing, so that training is
#: bit-reproducible whatever the machine's load.  Measured, one BLAS thread,
#: shared machine: the exact product costs 1.3-3.2 gradients (a difference quotient costs 2), with
#: no trend in the size between 6e3 and 2e8 logits; its memory is what grows.
EXACT_HVP_MAX_BYTES = 2**30


def choose_hvp_method(setting) -> tuple[str, str]:
    """``("exact" | "fd", reason)`` for ``hessian="auto"`` on ``setting`` (a Setting or Problem),
    from its size alone: exact when ``2 x 8 x max(L n_w K, n_w**ceil(L/2) K)`` bytes (full set;
    ``L n_w K`` otherwise) are at most :data:`EXACT_HVP_MAX_BYTES`."""
    setting = getattr(setting, "setting", setting)
    n_w, K, L = setting.n_w, setting.K, setting.L
    entries = max(L * n_w * K, (n_w ** ((L + 1) // 2)) * K if setting.is_full else 0)
    needed = 2 * 8 * entries
    if needed <= EXACT_HVP_MAX_BYTES:
        return "exact", ""
    return "fd", (f"; auto: the exact product's tables would take {needed / 2**20:.4g} MiB > "
                  f"{EXACT_HVP_MAX_BYTES // 2**20} MiB, so differences were used")


def fd_hvp(fun_and_grad: Callable, step: float) -> Callable:
    """Central-difference Hessian-vector product of an analytic gradient."""

    def hvp(x, v):
        nv = float(np.linalg.norm(v))
        if nv == 0.0:
            return np.zeros_like(v)
        eps = step / nv
        _, gp = fun_and_grad(x + eps * v)
        _, gm = fun_and_grad(x - eps * v)
        return (gp - gm) / (2.0 * eps)

    return hvp


def _cg(hvp, x, g, rtol, maxiter):
    """Truncated CG for H p = -g; stops at negative curvature (Steihaug)."""
    p = np.zeros_like(g)
    r = -g.copy()
    d = r.copy()
    rr = float(r @ r)
    target = rtol * np.sqrt(rr)
    products = 0
    for _ in range(maxiter):
        Hd = hvp(x, d)
        products += 1
        curv = float(d @ Hd)
        # non-positive curvature along d (the factor 1e-300 only keeps rr/curv finite):
        # stop with the CG iterate so far, or steepest descent if there is none
        if curv <= 1e-300 * float(d @ d):
            if not p.any():
                p = -g.copy()
            break
        alpha = rr / curv
        p = p + alpha * d
        r = r - alpha * Hd
        rr_new = float(r @ r)
        if np.sqrt(rr_new) <= target:
            break
        d = r + (rr_new / rr) * d
        rr = rr_new
    return p, products


def polished_minimize(fun_and_grad: Callable, x0, *, options: MinimizeOptions | None = None,
                      hvp: Callable | None = None, renormalize: Callable | None = None) -> MinimizeOutcome:
    """Minimize a smooth function: L-BFGS-B, then a safeguarded Newton-CG polish.

    Parameters
    ----------
    fun_and_grad : callable
        ``x -> (float, ndarray)``, the value and the gradient.
    x0 : ndarray
        Starting point (flat float64).
    options : MinimizeOptions, optional
    hvp : callable, optional
        ``(x, v) -> H(x) v``.  Default: central differences of
        ``fun_and_grad`` (see :attr:`MinimizeOptions.fd_step`).
    renormalize : callable, optional
        ``x -> x'`` with ``f(x') = f(x)``, applied between L-BFGS chunks and
        after each accepted Newton step (used for R*, invariant under the
        per-word scale and shift of W that LayerNorm removes).

    Returns
    -------
    MinimizeOutcome
        A Newton step is accepted only if it lowers the gradient norm (and
        does not raise f by more than 1e-12·max(1,|f|)); when no halving of
        the step does, the polish stops with reason ``"stalled"``.
    """
    from scipy.optimize import minimize  # imported on first use: 0.7 s that `measure` does not need

    opts = options or MinimizeOptions()
    start = time.perf_counter()
    counter = {"evals": 0}
    history: list = []
    cache: dict = {}

    def fg(x):
        counter["evals"] += 1
        value, grad = fun_and_grad(x)
        value = float(value)
        grad = np.asarray(grad, dtype=np.float64)
        cache["x"], cache["v"], cache["g"] = x, value, grad
        return value, grad

    def scale(value):
        return opts.gtol * max(1.0, abs(value))

    x = np.array(x0, dtype=np.float64)
    lbfgs_iters = 0
    reason = ""
    # ---- phase 1: L-BFGS-B --------------------------------------------------
    while lbfgs_iters < opts.lbfgs_maxiter:
        if renormalize is not None:
            x = renormalize(x)
        chunk = min(opts.lbfgs_chunk, opts.lbfgs_maxiter - lbfgs_iters)
        it0 = lbfgs_iters

        def callback(xk, _it0=it0):
            nonlocal lbfgs_iters
            lbfgs_iters += 1
            if "x" in cache and np.array_equal(cache["x"], xk):
                history.append(("lbfgs", lbfgs_iters, counter["evals"], cache["v"], float(np.linalg.norm(cache["g"]))))

        # maxfun leaves room for ~10 line-search evaluations per iteration
        res = minimize(fg, x, jac=True, method="L-BFGS-B", callback=callback,
                       options={"maxiter": chunk, "ftol": opts.lbfgs_ftol, "gtol": opts.lbfgs_gtol,
                                "maxcor": opts.lbfgs_memory, "maxfun": 10 * chunk + 100})
        x = res.x
        reason = f"L-BFGS-B: {res.message}"
        if lbfgs_iters - it0 < chunk or res.nit < chunk:
            break
    if renormalize is not None:
        x = renormalize(x)
    value, g = fg(x)
    gnorm = float(np.linalg.norm(g))
    history.append(("lbfgs", lbfgs_iters, counter["evals"], value, gnorm))

    # ---- phase 2: safeguarded Newton-CG ---------------------------------------
    product = hvp if hvp is not None else fd_hvp(fun_and_grad, opts.fd_step)
    hv_count = 0
    newton_iters = 0
    converged = gnorm <= scale(value)
    if converged:
        reason = "gradient tolerance reached after L-BFGS-B"
    while not converged and newton_iters < opts.newton_maxiter:
        newton_iters += 1
        p, used = _cg(product, x, g, min(opts.cg_rtol, np.sqrt(gnorm)), opts.cg_maxiter)
        hv_count += used
        accepted = False
        step = 1.0
        for _ in range(opts.max_halvings + 1):
            x_try = x + step * p
            if renormalize is not None:
                x_try = renormalize(x_try)
            v_try, g_try = fg(x_try)
            gn_try = float(np.linalg.norm(g_try))
            if np.isfinite(v_try) and gn_try < gnorm and v_try <= value + 1e-12 * max(1.0, abs(value)):
                accepted = True
                break
            step *= 0.5
        if not accepted:
            reason = "stalled: no Newton step (of 2^-%d..1 times the CG step) lowered the gradient norm" % opts.max_halvings
            break
        x, value, g, gnorm = x_try, v_try, g_try, gn_try
        history.append(("newton", newton_iters, counter["evals"], value, gnorm))
        converged = gnorm <= scale(value)
        if converged:
            reason = "gradient tolerance reached after Newton-CG polish"
    if not converged and newton_iters >= opts.newton_maxiter and not reason.startswith("stalled"):
        reason = f"Newton-CG iteration limit ({opts.newton_maxiter}) reached"
    return MinimizeOutcome(
        x=x, value=value, grad_norm=gnorm, converged=bool(converged), reason=reason,
        lbfgs_iterations=lbfgs_iters, newton_iterations=newton_iters, evaluations=counter["evals"],
        hvp_evaluations=hv_count, history=tuple(history), seconds=time.perf_counter() - start,
    )
