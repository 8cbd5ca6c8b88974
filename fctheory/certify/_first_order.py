"""A first-order solver for theorem G's program, stopping on the certified gap.

The program (appendix G, eq. 159-160) ``min_D F(D) = f(D) + lam ||D||_*`` is
solved by accelerated proximal gradient (FISTA, Beck & Teboulle 2009) with

* the proximal map of ``tau lam ||.||_*``: singular value soft-thresholding
  :math:`U \\max(\\Sigma - \\tau\\lambda, 0) V^T` of the ``n_w x KL`` matrix
  (LAPACK SVD of a short, wide matrix);
* backtracking on the step (the sufficient-decrease test of the quadratic
  upper model of ``f``) and a step increase of 20 % after each accepted step;
* adaptive restart (O'Donoghue & Candès 2015, gradient scheme: momentum reset
  when ``<y - x_new, x_new - x> > 0`` or ``F`` increases);
* occasional polishing on the factorized problem
  :math:`\\varphi(A, B) = f(A^T B) + \\frac\\lambda2(\\|A\\|_F^2 + \\|B\\|_F^2)` (claim G,
  eq. 161) with L-BFGS from the balanced SVD factorization of the iterate at
  its numerical rank, which converges fast once the rank is identified.

``f`` and ``∇f`` come from the exact-risk engine (:mod:`._engine`), never from
a sentence table.  Every accepted iterate gives an upper bound (its objective)
and a lower bound (the engine's Fenchel-dual bound, :mod:`._engine`); the run
stops when ``best upper - best lower <= rel_gap * max(1, |best upper|)``.
The warm start is the paper's predicted configuration where one exists
(:func:`predicted_start`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .._validate import require_int, require_real
from ._engine import EngineObjective
from ._polish import numerical_rank

__all__ = ["FirstOrderResult", "GapRecord", "solve_first_order", "predicted_start"]


@dataclass(frozen=True)
class GapRecord:
    """One point of the gap history: after ``iteration`` steps, ``seconds`` in."""

    iteration: int
    seconds: float
    upper: float
    lower: float
    gap: float
    phase: str  # "start", "fista" or "polish"

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class FirstOrderResult:
    """The best point and the best bounds of a first-order run.

    ``upper`` is ``F(D)`` at the returned ``D`` (engine f, LAPACK nuclear norm);
    ``lower`` the best engine dual bound over all iterates; ``rounding`` the
    stated float64 error of both (:meth:`EngineObjective.rounding`).
    """

    D: np.ndarray
    upper: float
    lower: float
    gradient_norm: float
    shrink: float
    iterations: int
    evaluations: int
    polishes: int
    converged: bool
    seconds: float
    rounding: float
    start: str
    step_norm: float
    history: tuple


def _svt(V: np.ndarray, threshold: float):
    U, s, Vt = np.linalg.svd(V, full_matrices=False)
    s = np.maximum(s - threshold, 0.0)
    r = int(np.count_nonzero(s))
    return (U[:, :r] * s[:r]) @ Vt[:r], float(s.sum())


def predicted_start(problem):
    """The paper's predicted D for ``problem`` and its name, or ``(None, "zero")``.

    Full set, non-uniform words: type III at theorem 2's ``(c, r)``; full set,
    uniform words: type I at theorem 1's norms (:mod:`fctheory.predict`,
    D from :mod:`fctheory.configurations`).  Above the thresholds (trivial
    prediction) or for other latent sets: ``None``.
    """
    from ..configurations import type1_D, type3_D
    from ..errors import NoNontrivialSolution
    from ..predict import predict_type1, predict_type3

    s = problem.setting
    if not s.is_full:
        return None, "zero"
    if s.mu.is_uniform:
        try:
            pred = predict_type1(s, dps=20)
        except NoNontrivialSolution:
            return None, "zero (theorem 1: trivial)"
        return type1_D(problem, None, float(pred.word_norm), float(pred.u_norm)), "type I (theorem 1)"
    try:
        pred = predict_type3(s, dps=20)
    except NoNontrivialSolution:
        return None, "zero (theorem 2: trivial)"
    return type3_D(problem, None, float(pred.c), [float(v) for v in pred.r]), "type III (theorem 2)"


def _polish(obj: EngineObjective, D: np.ndarray, max_iter: int) -> np.ndarray:
    """L-BFGS on phi(A, B) (eq. 161) from the balanced factorization of D."""
    r = numerical_rank(D)
    if r == 0:
        return D
    U, s, Vt = np.linalg.svd(D, full_matrices=False)
    root = np.sqrt(s[:r])
    m, n = D.shape
    lam = obj.lam
    z0 = np.concatenate([(root[:, None] * U[:, :r].T).ravel(), (root[:, None] * Vt[:r]).ravel()])

    def fun(z):
        A = z[: r * m].reshape(r, m)
        B = z[r * m:].reshape(r, n)
        val, G = obj.risk_and_gradient(A.T @ B)
        val += 0.5 * lam * (np.sum(A * A) + np.sum(B * B))
        return val, np.concatenate([(B @ G.T + lam * A).ravel(), (A @ G + lam * B).ravel()])

    res = minimize(fun, z0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter, "gtol": POLISH_GTOL, "ftol": POLISH_FTOL})
    A = res.x[: r * m].reshape(r, m)
    B = res.x[r * m:].reshape(r, n)
    return A.T @ B


#: L-BFGS-B tolerances of the polish on the factorization D = A^T B, where
#: ``(||A||^2 + ||B||^2)/2 >= ||D||_*`` with equality at the balanced factors (the variational form of
#: the nuclear norm behind theorem G's reformulation, appendix G): run to float64 resolution.  They
#: only decide how close the iterate gets; the certificate is the gap between the objective at the
#: iterate and the dual lower bound, computed independently afterwards.
POLISH_GTOL = 1e-15
POLISH_FTOL = 1e-16
#: Backtracking (FISTA with a quadratic upper model): accept a step when f(x_new) is below the model
#: up to ``BACKTRACK_SLACK_EPS`` float64 epsilons of |f(y)| (rounding of the two evaluations), and
#: stop halving at ``MIN_STEP`` (a step this small means the model cannot be satisfied in float64).
BACKTRACK_SLACK_EPS = 4
MIN_STEP = 1e-12


def solve_first_order(problem, *, start=None, rel_gap: float = 1e-9, max_iter: int = 2000,
                      time_limit: float = 600.0, polish_iter: int = 200, polish_below: float = 1e-5,
                      max_polishes: int = 3) -> FirstOrderResult:
    """FISTA with backtracking and adaptive restart on ``f(D) + lam ||D||_*`` (module docstring).

    Parameters
    ----------
    problem : Problem
    start : ndarray ``(n_w, KL)`` or None
        Warm start; ``None`` = :func:`predicted_start` (zero when none).
    rel_gap : float
        Stop when ``upper - lower <= rel_gap * max(1, |upper|)``.
    max_iter, time_limit : int, float
        Budget of accepted FISTA steps and of seconds (checked between steps).
    polish_iter, polish_below, max_polishes : int, float, int
        L-BFGS iterations of one polish, the relative gap below which a polish
        is tried (also tried once after ``max_iter // 4`` steps), and at most
        how many polishes.

    Raises
    ------
    InvalidInput
        For ``rel_gap`` outside (0, 1), ``max_iter < 1``, a ``time_limit`` that is not a finite
        number > 0, ``polish_iter < 0``, ``polish_below`` outside (0, 1), ``max_polishes < 0``, or a
        ``start`` that is not a finite real array of shape ``(n_w, KL)``.
    """
    rel_gap = require_real("rel_gap", rel_gap, lo=0, hi=1, lo_open=True, hi_open=True)
    max_iter = require_int("max_iter", max_iter, lo=1)
    time_limit = require_real("time_limit", time_limit, lo=0, lo_open=True)
    polish_iter = require_int("polish_iter", polish_iter, lo=0)
    polish_below = require_real("polish_below", polish_below, lo=0, hi=1, lo_open=True, hi_open=True)
    max_polishes = require_int("max_polishes", max_polishes, lo=0)
    t0 = time.perf_counter()
    obj = EngineObjective(problem)
    lam = obj.lam
    start_name = "given"
    if start is None:
        start, start_name = predicted_start(obj.problem)
    x = np.zeros(obj.shape) if start is None else obj._require_D(start)
    fx, gx = obj.risk_and_gradient(x)
    Fx = fx + lam * float(np.linalg.svd(x, compute_uv=False).sum())
    best = {"D": x, "F": Fx, "f": fx, "G": gx}
    bound = obj.bound_from(x, fx, gx)
    lower = bound
    history = [GapRecord(0, time.perf_counter() - t0, Fx, bound.value, Fx - bound.value, "start")]

    def done():
        return best["F"] - lower.value <= rel_gap * max(1.0, abs(best["F"]))

    y, fy, gy = x, fx, gx
    theta = 1.0
    step = 1.0
    it = 0
    polishes = 0
    step_norm = 0.0  # norm of the last prox-gradient mapping ||y - x_new|| / step (0: no step taken)
    while not done() and it < max_iter and time.perf_counter() - t0 < time_limit:
        while True:  # backtracking at y
            xn, nuc = _svt(y - step * gy, step * lam)
            fxn, gxn = obj.risk_and_gradient(xn)
            diff = xn - y
            model = fy + float(np.vdot(gy, diff)) + float(np.vdot(diff, diff)) / (2 * step)
            if fxn <= model + BACKTRACK_SLACK_EPS * np.finfo(float).eps * abs(fy) or step < MIN_STEP:
                break
            step *= 0.5
        it += 1
        step_norm = float(np.linalg.norm(diff)) / step
        Fn = fxn + lam * nuc
        b = obj.bound_from(xn, fxn, gxn)
        if b.value > lower.value:
            lower = b
        if Fn < best["F"]:
            best = {"D": xn, "F": Fn, "f": fxn, "G": gxn}
        history.append(GapRecord(it, time.perf_counter() - t0, Fn, b.value, best["F"] - lower.value, "fista"))
        if done():
            break
        rel = (best["F"] - lower.value) / max(1.0, abs(best["F"]))
        if polishes < max_polishes and (rel <= polish_below or it == max_iter // 4):
            polishes += 1
            polish_below /= 100.0
            Dp = _polish(obj, best["D"], polish_iter)
            fp, gp = obj.risk_and_gradient(Dp)
            Fp = fp + lam * float(np.linalg.svd(Dp, compute_uv=False).sum())
            bp = obj.bound_from(Dp, fp, gp)
            if bp.value > lower.value:
                lower = bp
            if Fp < best["F"]:
                best = {"D": Dp, "F": Fp, "f": fp, "G": gp}
                xn, fxn, gxn, Fn = Dp, fp, gp, Fp
                theta = 1.0
                x, y, fy, gy = xn, xn, fxn, gxn
                Fx = Fn
                history.append(GapRecord(it, time.perf_counter() - t0, Fp, bp.value, best["F"] - lower.value, "polish"))
                continue
            history.append(GapRecord(it, time.perf_counter() - t0, Fp, bp.value, best["F"] - lower.value, "polish"))
        # adaptive restart (gradient scheme) or momentum step
        if float(np.vdot(y - xn, xn - x)) > 0 or Fn > Fx:
            theta = 1.0
            y, fy, gy = xn, fxn, gxn
        else:
            theta_n = 0.5 * (1 + np.sqrt(1 + 4 * theta * theta))
            y = xn + ((theta - 1) / theta_n) * (xn - x)
            theta = theta_n
            fy, gy = obj.risk_and_gradient(y)
        x, Fx = xn, Fn
        step *= 1.2
    D = best["D"]
    upper = best["f"] + lam * float(np.linalg.svd(D, compute_uv=False).sum())
    return FirstOrderResult(
        D=D,
        upper=upper,
        lower=lower.value,
        gradient_norm=lower.gradient_norm,
        shrink=lower.shrink,
        iterations=it,
        evaluations=obj.evaluations,
        polishes=polishes,
        converged=bool(upper - lower.value <= rel_gap * max(1.0, abs(upper))),
        seconds=time.perf_counter() - t0,
        rounding=obj.rounding(D, best["f"], best["G"]),
        start=start_name,
        step_norm=step_norm,
        history=tuple(history),
    )
