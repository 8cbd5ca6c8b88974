"""Theorem G as a conic program: build it with cvxpy, solve it, certify it.

The program (appendix G, eq. 159-160 and claim G)

.. math::  \\min_{D \\in \\mathbb R^{n_w \\times KL}} f(D) + \\lambda \\|D\\|_*,
           \\qquad f(D) = \\sum_{(x,k)} p(x,k) [\\mathrm{lse}_j\\, y_j(x) - y_k(x)],

has the same minimum as the regularized risk R(W, U) of network h (eq. 5) when
``d >= min(n_w, K L)``.  Each ``lse`` over K logits costs K exponential cones
(cvxpy ``log_sum_exp``), so the program has ``K * s_c**L * K`` of them.  The
nuclear norm uses its semidefinite form, in one of two equivalent ways:

``"blocks"`` (default)
    with ``m = min(n_w, KL)`` and the columns ``d_c`` of D (or of D^T),
    ``||D||_* = min (tr P + sum_c t_c) / 2`` subject to
    ``[[P, d_c], [d_c^T, t_c]] >= 0`` for every column: ``max(n_w, KL)``
    small PSD cones of size ``m + 1``.  Exact: ``tr P + tr(D^T P^+ D) >=
    2 tr (D D^T)^{1/2}`` with equality at ``P = (D D^T)^{1/2}``.
``"joint"``
    cvxpy's ``normNuc``: one PSD cone of size ``n_w + KL``.

The returned :class:`Certificate` does not trust the solver's numbers alone:
its ``optimal_value`` is the objective recomputed in numpy at the solver's D
(a feasible point, hence an upper bound on the minimum) and its
``lower_bound`` is the Fenchel-dual bound of :func:`dual_lower_bound` built
from the same D, so ``lower_bound <= min <= optimal_value`` up to float64
rounding, whatever the solver did.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._validate import require_bool, require_int, require_one_of, require_real
from ..errors import InvalidInput, ProblemTooLarge, VerificationError
from ..problem import Problem, as_problem, setting_of
from ._objective import dual_lower_bound, label_matrix, nuclear_norm, objective, position_matrix, risk_f, scatter
from ._polish import polish
from ._sentences import n_sentences, sentence_table

__all__ = [
    "Certificate",
    "ProblemSize",
    "problem_size",
    "certify_optimum",
    "MAX_EXP_CONES",
    "MAX_PSD_ENTRIES",
    "SOLVERS",
    "NUCLEAR_FORMS",
    "METHODS",
]

#: Largest number of exponential cones built (memory and time of the solver
#: grow linearly in it; 300 000 cones is a few GB in Clarabel's KKT system).
MAX_EXP_CONES = 300_000
#: Largest total ``sum_cones (svec size)**2`` of the PSD cones: an interior-
#: point solver stores one dense block of that many float64 entries per cone
#: in its KKT system (2e7 entries = 160 MB).
MAX_PSD_ENTRIES = 20_000_000
SOLVERS = ("CLARABEL", "SCS")
NUCLEAR_FORMS = ("blocks", "joint")
#: ``certify_optimum(method=...)``: cvxpy's conic program, the engine's first-order solver, or
#: ``"auto"`` = cvxpy when its program has at most :data:`AUTO_CVXPY_EXP_CONES` exponential cones
#: (and fits the PSD limit), the first-order solver beyond.
METHODS = ("auto", "cvxpy", "first-order")
#: cvxpy (Clarabel) certifies programs of up to ~2.5e5 exponential cones in about a minute
#: (benchmarks/bench_certify.py); "auto" hands it only programs well below that.
AUTO_CVXPY_EXP_CONES = 20_000
#: Largest ``n_w**L * K`` handed to the first-order solver: one engine evaluation of f and ∇f costs
#: about three times that many multiply-adds on the full set (a few seconds at 2**31).
MAX_FIRST_ORDER_WORK = 2**31


@dataclass(frozen=True)
class ProblemSize:
    """Size of the conic program, computed before anything is built.

    Attributes
    ----------
    n_w, KL : int
        Shape of D.
    n_sentences : int
        ``K * s_c**L`` (sentence, class) pairs.
    exp_cones : int
        ``K * n_sentences`` exponential cones (one per logit of every sentence).
    psd_cones : int
        Number of PSD cones of the nuclear norm.
    psd_size : int
        Side of each PSD cone.
    psd_entries : int
        ``psd_cones * (psd_size (psd_size + 1) / 2)**2``, the dense KKT
        entries an interior-point solver allocates for them.
    nuclear_form : str
        ``"blocks"`` or ``"joint"`` (see the module docstring).
    """

    n_w: int
    KL: int
    n_sentences: int
    exp_cones: int
    psd_cones: int
    psd_size: int
    psd_entries: int
    nuclear_form: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def problem_size(setting, nuclear_form: str = "blocks") -> ProblemSize:
    """Sizes of the program for ``setting`` (a Setting or a Problem; no allocation)."""
    setting = setting_of(setting)
    if nuclear_form not in NUCLEAR_FORMS:
        raise InvalidInput("nuclear_form", f"one of {NUCLEAR_FORMS}", nuclear_form)
    n_w, KL = setting.n_w, setting.K * setting.L
    ns = n_sentences(setting)
    if nuclear_form == "blocks":
        cones, side = max(n_w, KL), min(n_w, KL) + 1
    else:
        cones, side = 1, n_w + KL
    svec = side * (side + 1) // 2
    return ProblemSize(n_w, KL, ns, ns * setting.K, cones, side, cones * svec * svec, nuclear_form)


def _require_size(size: ProblemSize, max_exp_cones: int, max_psd_entries: int) -> None:
    if size.exp_cones > max_exp_cones:
        raise ProblemTooLarge(
            "the convex program of theorem G (exponential cones K * K * s_c**L)",
            size.exp_cones,
            max_exp_cones,
            "use a smaller K, s_c or L",
        )
    if size.psd_entries > max_psd_entries:
        raise ProblemTooLarge(
            f"the nuclear-norm SDP ({size.psd_cones} PSD cones of size {size.psd_size}; dense KKT entries)",
            size.psd_entries,
            max_psd_entries,
            "use a smaller K*L or n_w (or nuclear_form='blocks')",
        )


@dataclass(frozen=True)
class Certificate:
    """A solved and independently bounded instance of the program of theorem G.

    Attributes
    ----------
    optimal_value : float
        ``f(D) + lam ||D||_*`` recomputed in numpy (float64) at the solver's
        D: a feasible value, so an upper bound on the global minimum of R.
    lower_bound : float
        The Fenchel-dual lower bound (see :func:`dual_lower_bound`) built
        from the softmax at the solver's D; needs no trust in the solver.
    gap : float
        ``optimal_value - lower_bound``: the global minimum lies in
        ``[lower_bound, optimal_value]`` (up to float64 rounding, ~1e-13).
    status : str
        cvxpy's status for the solver's answer (``"optimal"``,
        ``"optimal_inaccurate"``, ...).
    solver : str
        The solver whose answer is reported (``"CLARABEL"`` or ``"SCS"``).
    fallback_reason : str
        Why the first solver's answer was replaced, or why the fallback failed
        when a non-optimal first answer is kept ("" when neither happened).
    solver_primal_objective, solver_dual_objective : float
        The solver's primal and dual objective of the conic form (cvxpy's
        constant offset added).
    solver_gap : float
        ``|solver_primal_objective - solver_dual_objective|``, absolute.
    primal_residual, dual_residual : float
        Clarabel: its ``r_prim``/``r_dual`` (infinity-norm KKT residuals,
        normalized as in its termination test); SCS: ``res_pri``/``res_dual``
        (infinity norms of ``Ax + s - b`` and ``A^T y + c``, unnormalized).
    iterations : int
    solve_time : float
        Seconds inside the solver.
    wall_time : float
        Seconds for building, solving and bounding.
    gradient_norm : float
        ``||∇f(D)||_op`` at the D of :attr:`lower_bound`; ``<= lam`` at an
        exact optimum, and equal to ``lam`` there when ``D != 0`` (claim H).
    size : ProblemSize
    D : ndarray, shape (n_w, K L)
        The optimal D (column ``j*L + l`` is ``W^T u_{j,l}``): the solver's,
        or its polished version when that has the lower objective.
    polished : bool
        True when ``D`` (and ``optimal_value``) come from :func:`polish`.
    lam : float
    setting : Setting
    latent : ndarray of int64, shape (K, L)
        The latent set the program was built for.
    method : str
        ``"cvxpy"`` or ``"first-order"`` (the method that produced D).
    rounding : float
        Stated float64 error of the two bounds (cvxpy: the sentence sums,
        ~1e-13; first-order: :meth:`EngineObjective.rounding` at D).
    gap_history : tuple of GapRecord
        First-order: the bounds after every accepted step (empty for cvxpy).
    problem : Problem
        The validated problem (``setting`` with ``latent``), for the comparisons; not in the JSON.
    """

    optimal_value: float
    lower_bound: float
    gap: float
    status: str
    solver: str
    fallback_reason: str
    solver_primal_objective: float
    solver_dual_objective: float
    solver_gap: float
    primal_residual: float
    dual_residual: float
    iterations: int
    solve_time: float
    wall_time: float
    gradient_norm: float
    size: ProblemSize
    D: np.ndarray = field(repr=False)
    polished: bool
    lam: float
    setting: object = field(repr=False)
    latent: np.ndarray = field(repr=False)
    method: str = "cvxpy"
    rounding: float = 1e-13
    gap_history: tuple = field(default=(), repr=False)
    problem: Problem | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.problem is None:  # a certificate built by hand: its problem, validated once here
            object.__setattr__(self, "problem", as_problem(self.setting, self.latent))

    @property
    def risk_part(self) -> float:
        """``f(D)`` at the solver's D (exact-risk engine)."""
        from ._engine import EngineObjective

        return EngineObjective(self.problem).risk(self.D)

    @property
    def nuclear_part(self) -> float:
        """``||D||_*`` at the solver's D."""
        return nuclear_norm(self.D)

    def to_dict(self, *, include_D: bool = True) -> dict:
        out = {
            "setting": self.setting.to_dict(),
            "optimal_value": self.optimal_value,
            "lower_bound": self.lower_bound,
            "gap": self.gap,
            "status": self.status,
            "solver": self.solver,
            "fallback_reason": self.fallback_reason,
            "solver_primal_objective": self.solver_primal_objective,
            "solver_dual_objective": self.solver_dual_objective,
            "solver_gap": self.solver_gap,
            "primal_residual": self.primal_residual,
            "dual_residual": self.dual_residual,
            "iterations": self.iterations,
            "solve_time": self.solve_time,
            "wall_time": self.wall_time,
            "gradient_norm": self.gradient_norm,
            "polished": self.polished,
            "lam": self.lam,
            "size": self.size.to_dict(),
            "method": self.method,
            "rounding": self.rounding,
            "gap_history": [g.to_dict() for g in self.gap_history],
        }
        if include_D:
            out["D"] = self.D.tolist()
        return out


def _build(table, lam: float, nuclear_form: str):
    import cvxpy as cp

    n_w, K, L = table.n_w, table.K, table.L
    D = cp.Variable((n_w, K * L), name="D")
    Y = 0
    for l in range(L):  # y_j(x) = sum_l D[x_l, j*L + l]   (appendix G)
        Y = Y + position_matrix(table, l) @ D[:, l::L]
    # linear part sum p(x,k) y_k(x) = <M0, D>,  M0 = sum p(x,k) A_x^T e_k
    M0 = scatter(table, table.weight[:, None] * label_matrix(table))
    f = table.weight @ cp.log_sum_exp(Y, axis=1) - cp.sum(cp.multiply(M0, D))  # eq. 159
    constraints = []
    if nuclear_form == "joint":
        nuc = cp.normNuc(D)
    else:
        A = D if n_w <= K * L else D.T
        m, n = A.shape
        P = cp.Variable((m, m), symmetric=True, name="P")
        t = cp.Variable(n, name="t")
        for c in range(n):
            col = cp.reshape(A[:, c], (m, 1), order="F")
            constraints.append(cp.bmat([[P, col], [col.T, cp.reshape(t[c], (1, 1), order="F")]]) >> 0)
        nuc = (cp.trace(P) + cp.sum(t)) / 2
    problem = cp.Problem(cp.Minimize(f + lam * nuc), constraints)
    return problem, D


def _solve(problem, D, solver: str, options: dict):
    """Solve through cvxpy's reduction chain, keeping the raw solver statistics."""
    import cvxpy as cp

    data, chain, inverse = problem.get_problem_data(solver)
    if solver == "SCS":
        opts = {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iters": 200_000}
    else:
        opts = {}  # Clarabel's defaults (gap and feasibility tolerances 1e-8)
    opts.update(options or {})
    raw = chain.solver.solve_via_data(data, False, False, opts)
    if hasattr(inverse[-1], "solver_options") and inverse[-1].solver_options is None:
        inverse[-1].solver_options = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the status says it
        problem.unpack_results(raw, chain, inverse)
    offset = float(inverse[-1][cp.settings.OFFSET]) if cp.settings.OFFSET in inverse[-1] else 0.0
    if solver == "SCS":
        info = raw["info"]
        stats = dict(
            solver_status=str(info.get("status")),
            pobj=float(info.get("pobj", np.nan)) + offset,
            dobj=float(info.get("dobj", np.nan)) + offset,
            rp=float(info.get("res_pri", np.nan)),
            rd=float(info.get("res_dual", np.nan)),
            iters=int(info.get("iter", 0)),
            time=float(info.get("solve_time", 0.0)) / 1000.0,  # SCS reports milliseconds
        )
    else:
        stats = dict(
            solver_status=str(raw.status),
            pobj=float(raw.obj_val) + offset,
            dobj=float(raw.obj_val_dual) + offset,
            rp=float(raw.r_prim),
            rd=float(raw.r_dual),
            iters=int(raw.iterations),
            time=float(raw.solve_time),
        )
    return problem.status, D.value, stats


def certify_optimum(
    setting,
    latent=None,
    *,
    solver: str = "CLARABEL",
    fallback: bool = True,
    nuclear_form: str = "blocks",
    solver_options: dict | None = None,
    max_exp_cones: int = MAX_EXP_CONES,
    max_psd_entries: int = MAX_PSD_ENTRIES,
    polish_steps: int = 500,
    method: str = "auto",
    rel_gap: float = 1e-9,
    max_iter: int = 2000,
    time_limit: float = 600.0,
) -> Certificate:
    """Solve the convex program of theorem G for network h and bound its minimum.

    Parameters
    ----------
    setting : Problem or Setting
        A :class:`~fctheory.Problem` (any ``n_c, s_c, L, lam``, word law and
        latent set), or a Setting with ``latent``.
    latent : array_like of int, shape (K, L), optional
        With a Setting: the latent set; ``None`` means the full set ``K = n_c**L``.
    solver : {"CLARABEL", "SCS"}
        First solver tried (interior point by default).
    fallback : bool
        When the first solver fails or returns no optimal/inaccurate
        solution, retry with the other one (the reason is recorded).
    nuclear_form : {"blocks", "joint"}
        SDP form of the nuclear norm (see the module docstring).
    solver_options : dict, optional
        Passed to the solver (overrides the tolerances set here: SCS
        ``eps_abs = eps_rel = 1e-9``; Clarabel keeps its defaults).
    max_exp_cones, max_psd_entries : int
        Size limits checked before building (:class:`ProblemSize`).
    polish_steps : int
        L-BFGS iterations of :func:`polish` on the factorized problem from
        the solver's D (0 disables it).  Both bounds are kept at their best
        over the solver's D and the polished D, so polishing cannot weaken
        the certificate.

    method : {"auto", "cvxpy", "first-order"}
        ``"cvxpy"``: the conic program above.  ``"first-order"``: FISTA on
        the exact-risk engine (:func:`._first_order.solve_first_order`, no
        sentence table; ``solver``, ``fallback``, ``nuclear_form``,
        ``solver_options``, ``max_exp_cones`` and ``polish_steps`` do not
        apply).  ``"auto"``: cvxpy when the program has at most
        :data:`AUTO_CVXPY_EXP_CONES` exponential cones, first-order beyond.
    rel_gap, max_iter, time_limit : float, int, float
        First-order only: stop when ``upper - lower <= rel_gap max(1, |upper|)``,
        or after ``max_iter`` steps or ``time_limit`` seconds (the certificate
        then has status ``"gap not reached"``).

    Raises
    ------
    ProblemTooLarge
        Before anything is built, stating the size and the limit.
    InvalidInput
        On an unknown ``method``, ``solver`` or ``nuclear_form``, a size limit that is not a
        positive integer, ``polish_steps < 0``, ``rel_gap`` outside (0, 1), ``max_iter < 1`` or a
        ``time_limit`` that is not a finite number > 0 -- every option is checked, also those of the
        other method.
    """
    method, solver, polish_steps = _require_options(
        method=method, solver=solver, fallback=fallback, solver_options=solver_options, max_exp_cones=max_exp_cones,
        max_psd_entries=max_psd_entries, polish_steps=polish_steps, rel_gap=rel_gap, max_iter=max_iter,
        time_limit=time_limit)
    size = problem_size(setting, nuclear_form)
    method = _choose_method(method, size, setting_of(setting).L, max_exp_cones, max_psd_entries)
    if method == "first-order":
        return _certify_first_order(setting, latent, size, rel_gap=rel_gap, max_iter=max_iter, time_limit=time_limit)
    _require_size(size, max_exp_cones, max_psd_entries)  # before any latent rows are built
    problem = as_problem(setting, latent)
    start = time.perf_counter()
    table = sentence_table(problem)
    lam = float(problem.setting.lam)
    name, status, Dval, stats, reason = _solve_with_fallback(table, lam, nuclear_form, solver, fallback,
                                                             solver_options)
    upper, bound, best_D, polished = _best_bounds(table, Dval, lam, polish_steps)
    return Certificate(
        optimal_value=upper, lower_bound=bound.value, gap=upper - bound.value, status=status, solver=name,
        fallback_reason=reason, solver_primal_objective=stats["pobj"], solver_dual_objective=stats["dobj"],
        solver_gap=abs(stats["pobj"] - stats["dobj"]), primal_residual=stats["rp"], dual_residual=stats["rd"],
        iterations=stats["iters"], solve_time=stats["time"], wall_time=time.perf_counter() - start,
        gradient_norm=bound.gradient_norm, size=size, D=best_D, polished=polished, lam=lam,
        setting=problem.setting, latent=np.array(problem.latent), problem=problem,
    )


def _choose_method(method: str, size: ProblemSize, L: int, max_exp_cones: int, max_psd_entries: int) -> str:
    """``"cvxpy"`` or ``"first-order"``: ``"auto"`` takes cvxpy up to :data:`AUTO_CVXPY_EXP_CONES`
    exponential cones, the first-order solver up to :data:`MAX_FIRST_ORDER_WORK` engine work
    ``n_w**L * K``, then cvxpy up to ``max_exp_cones``; beyond, :class:`ProblemTooLarge`."""
    work = size.n_w ** L * (size.KL // L)
    if method == "auto":
        fits = size.psd_entries <= max_psd_entries
        if fits and size.exp_cones <= min(AUTO_CVXPY_EXP_CONES, max_exp_cones):
            return "cvxpy"
        if work <= MAX_FIRST_ORDER_WORK:
            return "first-order"
        if fits and size.exp_cones <= max_exp_cones:
            return "cvxpy"
        raise ProblemTooLarge("the convex program of theorem G (exponential cones K * K * s_c**L)", size.exp_cones,
                              max_exp_cones, f"and the first-order solver's n_w**L * K = {work} exceeds its limit "
                              f"{MAX_FIRST_ORDER_WORK}; use a smaller K, s_c or L")
    if method == "first-order" and work > MAX_FIRST_ORDER_WORK:
        raise ProblemTooLarge("the first-order solver's engine work n_w**L * K", work, MAX_FIRST_ORDER_WORK,
                              "use a smaller K, s_c or L")
    return method


def _solve_with_fallback(table, lam: float, nuclear_form: str, solver: str, fallback: bool, solver_options):
    """``(solver name, status, D, stats, reason)`` of the first solver (then, with ``fallback``, the
    other) that returns an optimal or inaccurate solution; ``reason`` says why an earlier one was not
    used.  Raises :class:`VerificationError` when none produced a D."""
    import cvxpy as cp

    order = [solver] + ([s for s in SOLVERS if s != solver] if fallback else [])
    reason, result = "", None
    for name in order:
        program, D = _build(table, lam, nuclear_form)
        try:
            status, Dval, stats = _solve(program, D, name, solver_options if name == solver else None)
        except (cp.error.SolverError, ArithmeticError, ValueError) as exc:
            reason = f"{name} failed: {type(exc).__name__}: {exc}"
            continue
        if Dval is None or status not in ("optimal", "optimal_inaccurate"):
            reason = f"{name} returned status {status!r} ({stats['solver_status']})"
            if Dval is not None:
                result = (name, status, np.asarray(Dval), stats)
            continue
        result = (name, status, np.asarray(Dval), stats)
        break
    if result is None:
        raise VerificationError(f"no solver produced a solution of the convex program: {reason}")
    return (*result, reason)


def _best_bounds(table, Dval, lam: float, polish_steps: int):
    """``(upper, lower bound, D, polished)``: the objective (upper bound) and the Fenchel dual bound at
    the solver's D and at its :func:`polish`-ed version, the best of each kept (polishing cannot
    weaken the certificate)."""
    upper, bound, best_D, polished = objective(table, Dval, lam), dual_lower_bound(table, Dval, lam), Dval, False
    if polish_steps > 0:
        Dp = polish(table, Dval, lam, max_iter=polish_steps)
        upper_p, bound_p = objective(table, Dp, lam), dual_lower_bound(table, Dp, lam)
        if upper_p < upper:
            upper, best_D, polished = upper_p, Dp, True
        if bound_p.value > bound.value:
            bound = bound_p
    return upper, bound, best_D, polished


def _require_options(*, method, solver, fallback, solver_options, max_exp_cones, max_psd_entries, polish_steps,
                     rel_gap, max_iter, time_limit) -> tuple[str, str, int]:
    """The options of :func:`certify_optimum`, all checked before anything is built (those of the method
    not chosen too: a bad value is a mistake whichever method runs)."""
    method = require_one_of("method", method, METHODS)
    solver = require_one_of("solver", solver, SOLVERS)
    require_bool("fallback", fallback)
    if solver_options is not None and not isinstance(solver_options, dict):
        raise InvalidInput("solver_options", "None or a dict of solver options", type(solver_options).__name__)
    require_int("max_exp_cones", max_exp_cones, lo=1)
    require_int("max_psd_entries", max_psd_entries, lo=1)
    polish_steps = require_int("polish_steps", polish_steps, lo=0)
    for name, value in (("rel_gap", rel_gap), ("time_limit", time_limit)):
        if isinstance(value, str):
            raise InvalidInput(name, "a number", value)
    require_real("rel_gap", rel_gap, lo=0, hi=1, lo_open=True, hi_open=True)
    require_int("max_iter", max_iter, lo=1)
    require_real("time_limit", time_limit, lo=0, lo_open=True)
    return method, solver, polish_steps


def _certify_first_order(setting, latent, size: ProblemSize, *, rel_gap, max_iter, time_limit) -> Certificate:
    """``certify_optimum(method="first-order")``: FISTA through the exact-risk engine (options checked by
    :func:`_require_options`)."""
    from ._first_order import solve_first_order

    problem = as_problem(setting, latent)
    start = time.perf_counter()
    res = solve_first_order(problem, rel_gap=float(rel_gap), max_iter=max_iter, time_limit=float(time_limit))
    lam = float(problem.setting.lam)
    return Certificate(
        optimal_value=res.upper,
        lower_bound=res.lower,
        gap=res.upper - res.lower,
        status="optimal" if res.converged else "gap not reached",
        solver="FISTA",
        fallback_reason="",
        solver_primal_objective=res.upper,
        solver_dual_objective=res.lower,
        solver_gap=res.upper - res.lower,
        primal_residual=res.step_norm,
        dual_residual=max(0.0, res.gradient_norm / lam - 1.0),
        iterations=res.iterations,
        solve_time=res.seconds,
        wall_time=time.perf_counter() - start,
        gradient_norm=res.gradient_norm,
        size=size,
        D=res.D,
        polished=res.polishes > 0,
        lam=lam,
        setting=problem.setting,
        latent=np.array(problem.latent),
        problem=problem,
        method="first-order",
        rounding=res.rounding,
        gap_history=res.history,
    )
