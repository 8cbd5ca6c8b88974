"""The exact large-sample optimum of network h for any latent set (uniform words), certified.

Theorem G (appendix G) makes ``min R`` the minimum of the convex program
``f(D) + lam ||D||_*``; the within-concept symmetry of uniform words reduces
it to ``n_c x K L`` unknowns (:mod:`._reduced`):

.. math::  \\min R = \\min_{\\tilde D} \\frac1K \\sum_k \\mathrm{CE}(s_k, k) + \\lambda\\sqrt{s_c}\\,\\|\\tilde D\\|_*,
   \\qquad s_k[j] = \\sum_l \\tilde D[z_{k,l},\\, jL + l].

:func:`predict_optimum` solves it and certifies the returned point with the
machinery of :func:`certify_optimum`: the reduced program *is* theorem G's
program of the same latent set with ``s_c = 1`` and ``lambda sqrt(s_c)``, so
the upper bound is :func:`risk_f` + ``lambda sqrt(s_c)`` :func:`nuclear_norm`
and the lower bound :func:`dual_lower_bound` on that program's sentence table
(``K`` sentences, one per class).  The optimum has rank ``<= n_c``; its
balanced factorisation gives weights ``(W, U)`` in any ``d >= rank`` with
``R(W, U) = min_risk`` and the minimizer's word and block norms.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass

import numpy as np

from .._io import atomic_write_npz
from ..errors import InvalidInput, ProblemTooLarge
from ..problem import Problem, as_problem
from ..setting import Setting
from ._objective import dual_lower_bound, nuclear_norm, risk_f
from ._reduced import ReducedObjective, solve_reduced
from ._sentences import sentence_table

__all__ = ["OptimumResult", "predict_optimum", "THEOREM", "MAX_LOGITS"]

#: How the result is labelled beside the paper's theorems.
THEOREM = "theorem G, reduced by the within-concept symmetry"
#: Largest ``K**2`` (the logits of every class on every class's sentences) the solver allocates;
#: it holds about five arrays of this many float64 numbers.
MAX_LOGITS = 16_000_000
#: Singular values of ``D~`` below this fraction of the largest are set to zero in the returned point
#: (the solver leaves them at ~1e-15 relative); the bounds are computed after the truncation.
RANK_RTOL = 1e-9
#: The stated float64 error of each bound: ``ROUNDING_ULPS * eps * scale`` with
#: ``scale = mean_k (max_j |s_k[j]| + |s_k[k]|) + log K + lam sqrt(s_c) ||D~||_*``
#: (``lse`` shifted by its maximum, the entropies, the SVD: a few ulps of each term).
ROUNDING_ULPS = 64


@dataclass(frozen=True)
class OptimumResult:
    """The certified minimum of R (network h, uniform words) for one latent set.

    All numbers are float64.  ``min_risk`` and ``lower_bound`` are computed
    in numpy at the returned point; each carries a rounding error of at most
    about ``rounding`` (a stated float64 estimate, not interval arithmetic),
    so ``lower_bound - rounding <= min R <= min_risk + rounding``.

    Attributes
    ----------
    problem : Problem
        The setting and latent set.
    min_risk : float
        ``g(D~) + lambda sqrt(s_c) ||D~||_*`` at the returned point: an upper
        bound on ``min R`` (``= R(W, U)`` of :meth:`weights`).
    lower_bound : float
        The Fenchel-dual lower bound at the returned point.
    gap, relative_gap : float
        ``min_risk - lower_bound`` and ``gap / min_risk``.
    certified : bool
        ``gap + 2 rounding <= rel_gap * min_risk``.
    status : str
        ``"certified"`` or why not (the gap reached and the target).
    rel_gap : float
        The requested relative gap.
    rounding : float
        Stated float64 error of each bound (:data:`ROUNDING_ULPS`).
    word_norms : tuple of float
        ``||w_(a,b)||`` of concept ``a`` (the same for every word of the
        concept), in concept order.
    u_norm_mean, u_norm_std, u_norm_min, u_norm_max : float
        Mean, population standard deviation, min and max of the ``K L``
        block norms ``||u_{k,l}||``.
    u_frobenius, w_frobenius : float
        ``||U||_F`` and ``||W||_F`` (equal: ``sqrt(sqrt(s_c) ||D~||_*)``).
    rank : int
        Rank of ``D~`` (after truncation at :data:`RANK_RTOL`).
    singular_values : tuple of float
        The ``min(n_c, K L)`` singular values of ``D~`` (those of ``D = P D~``
        are ``sqrt(s_c)`` times larger); those below :data:`RANK_RTOL` times
        the largest are set to 0 in the returned point and reported as 0.
    lambda_threshold : float
        ``||∇g(0)||_op / sqrt(s_c)``: ``W = U = 0`` is optimal iff
        ``lambda >=`` it (claim H; equals :func:`general_lambda_threshold`).
    trivial : bool
        ``lambda >= lambda_threshold``: the returned point is ``D~ = 0``.
    gradient_ratio : float
        ``||∇g(D~)||_op / (lambda sqrt(s_c))``: 1 at a non-zero optimum,
        ``<= 1`` at the zero optimum (claim H).
    iterations : int
        L-BFGS iterations plus Newton steps.
    evaluations : int
        Evaluations of ``g`` and ``∇g`` plus Hessian-vector products.
    seconds : float
        Wall time of :func:`predict_optimum`.
    start : str
        The warm start the solver used.
    D_reduced : numpy.ndarray
        ``D~``, shape ``(n_c, K L)``, column ``j*L + l`` (not in :meth:`to_dict`).
    """

    problem: Problem
    min_risk: float
    lower_bound: float
    gap: float
    relative_gap: float
    certified: bool
    status: str
    rel_gap: float
    rounding: float
    word_norms: tuple
    u_norm_mean: float
    u_norm_std: float
    u_norm_min: float
    u_norm_max: float
    u_frobenius: float
    w_frobenius: float
    rank: int
    singular_values: tuple
    lambda_threshold: float
    trivial: bool
    gradient_ratio: float
    iterations: int
    evaluations: int
    seconds: float
    start: str
    D_reduced: np.ndarray

    theorem = THEOREM

    def weights(self, d: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The minimizer's ``(W, U)`` in ``d`` dimensions (balanced factorisation).

        ``W`` is ``(d, n_w)`` (word ``(a, b)`` in column ``a*s_c + b``), ``U``
        is ``(K, L*d)`` (row ``k = [u_{k,1} ... u_{k,L}]``), with
        ``W^T [U_1 .. U_K] = P D~`` and ``||W||_F^2 = ||U||_F^2 = sqrt(s_c) ||D~||_*``
        (claim G: equality in ``R >= f(D) + lambda ||D||_*``), so
        ``R(W, U) = min_risk`` up to rounding.

        Parameters
        ----------
        d : int, optional
            Embedding dimension ``>= max(rank, 1)``; default the setting's
            ``d``, else ``n_c``.
        """
        s = self.problem.setting
        if d is None:
            d = s.d if s.d is not None else s.n_c
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or int(d) < max(self.rank, 1):
            raise InvalidInput("d", f"an integer >= {max(self.rank, 1)} (the rank of the optimum)", d)
        d = int(d)
        root, Us, Vt = _balanced(self.D_reduced, self.rank)
        quarter = s.s_c ** 0.25
        W = np.zeros((d, s.n_w))
        W[: self.rank] = np.repeat((root[:, None] * Us.T) / quarter, s.s_c, axis=1)  # P^T columns: word a*s_c + b
        B = np.zeros((d, s.K * s.L))
        B[: self.rank] = quarter * root[:, None] * Vt
        return W, np.ascontiguousarray(B.T).reshape(s.K, s.L * d)

    def save_weights(self, path, d: int | None = None) -> str:
        """Write ``weights.npz`` (arrays ``W``, ``U``, ``latent``, ``mu``) atomically; returns the path."""
        W, U = self.weights(d)
        atomic_write_npz(path, W=W, U=U, latent=np.asarray(self.problem.latent, dtype=np.int64),
                         mu=np.asarray(self.problem.setting.mu.as_array(), dtype=np.float64))
        return str(path)

    def to_dict(self) -> dict:
        """JSON-ready (every float finite); ``D_reduced`` is left out (see :meth:`weights`)."""
        return {
            "theorem": THEOREM,
            "problem": self.problem.to_dict(),
            "latent": self.problem.source.describe(),
            "min_risk": self.min_risk,
            "lower_bound": self.lower_bound,
            "gap": self.gap,
            "relative_gap": self.relative_gap,
            "certified": self.certified,
            "status": self.status,
            "rel_gap": self.rel_gap,
            "rounding": self.rounding,
            "word_norms": list(self.word_norms),
            "u_norm_mean": self.u_norm_mean,
            "u_norm_std": self.u_norm_std,
            "u_norm_min": self.u_norm_min,
            "u_norm_max": self.u_norm_max,
            "u_frobenius": self.u_frobenius,
            "w_frobenius": self.w_frobenius,
            "rank": self.rank,
            "singular_values": list(self.singular_values),
            "lambda_threshold": self.lambda_threshold,
            "trivial": self.trivial,
            "gradient_ratio": self.gradient_ratio,
            "iterations": self.iterations,
            "evaluations": self.evaluations,
            "seconds": self.seconds,
            "start": self.start,
        }


def _balanced(Dt: np.ndarray, rank: int):
    """``sqrt(sigma)``, ``U_s`` and ``V^T`` of the compact SVD of ``D~`` at ``rank``."""
    Us, sv, Vt = np.linalg.svd(Dt, full_matrices=False)
    return np.sqrt(sv[:rank]), Us[:, :rank], Vt[:rank]


def _check_options(network, rel_gap, max_iter, max_newton, max_logits) -> tuple[float, int, int]:
    if network == "h*":
        raise InvalidInput("network", "'h' (the reduced program is theorem G's, for network h)", network,
                           detail="the risk R* of h* (LayerNorm, eq. 10) is not convex in D, so theorem G's "
                                  "certificate does not apply")
    if network != "h":
        raise InvalidInput("network", "'h'", network)
    if isinstance(rel_gap, bool) or not isinstance(rel_gap, numbers.Real) or not (0 < float(rel_gap) < 1):
        raise InvalidInput("rel_gap", "a number in (0, 1)", rel_gap)
    for name, value, lo in (("max_iter", max_iter, 0), ("max_newton", max_newton, 0), ("max_logits", max_logits, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < lo:
            raise InvalidInput(name, f"an integer >= {lo}", value)
    return float(rel_gap), int(max_iter), int(max_newton)


def predict_optimum(problem, latent=None, *, network: str = "h", rel_gap: float = 1e-9, max_iter: int = 2000,
                    max_newton: int = 30, max_logits: int = MAX_LOGITS) -> OptimumResult:
    """The global minimum of R for network h, uniform words and any latent set, certified.

    Solves the reduced program of theorem G (module docstring; symmetry
    argument in :mod:`fctheory.certify._reduced`) and brackets its minimum
    between the objective at the returned point and a Fenchel-dual lower
    bound, both in float64 (rounding stated in ``rounding``).

    Parameters
    ----------
    problem : Problem or Setting
        A :class:`~fctheory.Problem`, or a Setting with ``latent`` (see
        :func:`~fctheory.as_problem`).  ``mu`` must be uniform.
    latent : optional
        With a Setting: the latent set (``None`` = the full set).
    network : {"h"}
        ``"h*"`` is refused: its risk is not convex in ``D``.
    rel_gap : float in (0, 1)
        Target: ``gap + 2 rounding <= rel_gap * min_risk``.  When it is not
        reached the result says so (``certified = False``, ``status``).
    max_iter, max_newton : int
        L-BFGS iterations and Newton steps at most.
    max_logits : int
        Refuse ``K**2`` above this (memory: about ``40 K**2`` bytes).

    Returns
    -------
    OptimumResult

    Raises
    ------
    InvalidInput
        Non-uniform ``mu`` (only permutations of equal-frequency words keep
        the risk, so the reduction to one row per concept does not hold),
        ``network="h*"``, bad options.
    ProblemTooLarge
        ``K**2 > max_logits``.

    Notes
    -----
    Rounding of the bounds: ``min_risk`` and ``lower_bound`` are float64
    sums computed in numpy (``risk_f``, the LAPACK nuclear norm,
    ``dual_lower_bound`` with its ``1e-12`` spectral margin), each within
    about ``rounding = 64 eps (mean_k(max_j |s_k[j]| + |s_k[k]|) + log K +
    lambda sqrt(s_c) ||D~||_*)`` of its exact value (~4e-13 at the paper's
    setting), so ``lower_bound - rounding <= min R <= min_risk + rounding``.
    This is a stated float64 estimate, not an interval enclosure.

    ``min R`` here is the minimum over weights of any dimension
    ``d >= rank`` (claim G); for ``d < rank`` it is a lower bound.

    Examples
    --------
    >>> from fctheory import Problem, Setting
    >>> opt = predict_optimum(Problem(Setting(3, 2, 3, "1/100", K=8), "random", seed=0))
    >>> opt.certified, opt.rank, round(opt.min_risk, 9)
    (True, 2, 0.276754166)
    """
    t0 = time.perf_counter()
    with _one_blas_thread():
        return _predict(problem, latent, t0, network, rel_gap, max_iter, max_newton, max_logits)


def _one_blas_thread():
    """One BLAS thread for the duration of the solve (threadpoolctl, restored afterwards).

    The solve is a few hundred small matrix products and L-BFGS vector operations; with
    OpenBLAS's default of one thread per core they were 4-8x slower on a loaded 2-core machine
    (paper's setting: 19.8 s with two threads against 2.3 s with one).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _predict(problem, latent, t0, network, rel_gap, max_iter, max_newton, max_logits) -> OptimumResult:
    """:func:`predict_optimum` inside the thread limit."""
    rel_gap, max_iter, max_newton = _check_options(network, rel_gap, max_iter, max_newton, max_logits)
    problem = as_problem(problem, latent)
    s, Z = problem.setting, np.asarray(problem.latent)
    if not s.mu.is_uniform:
        raise InvalidInput("mu", "uniform", s.mu.spec(),
                           detail="with a non-uniform word law only permutations of equal-frequency words keep the "
                                  "risk, so the optimum need not have equal rows within a concept")
    if s.K * s.K > max_logits:
        raise ProblemTooLarge("the reduced program's logits K**2", s.K * s.K, max_logits, "use a smaller K")
    lam_eff = float(s.lam) * math.sqrt(s.s_c)
    obj = ReducedObjective(Z, s.n_c, lam_eff)
    threshold = float(np.linalg.norm(obj.gradient_at_zero(), 2)) / math.sqrt(s.s_c)
    trivial = float(s.lam) >= threshold
    if trivial:
        Dh, lbfgs_its, newton_steps, start = np.zeros(obj.shape), 0, 0, "zero (lambda >= threshold)"
    else:
        solve = solve_reduced(obj, Z, rel_gap=rel_gap, max_iter=max_iter, max_newton=max_newton)
        Dh, lbfgs_its, newton_steps, start = solve.D, solve.lbfgs_iterations, solve.newton_steps, solve.start
    Dt, rank, sv = _truncated(obj.to_public(Dh))

    # the certificate: theorem G's program of this latent set with s_c = 1 and lambda sqrt(s_c)
    concept_problem = Problem(Setting(s.n_c, 1, s.L, s.lam, K=s.K), Z)
    table = sentence_table(concept_problem)
    upper = risk_f(table, Dt) + lam_eff * nuclear_norm(Dt)
    bound = dual_lower_bound(table, Dt, lam_eff)
    rounding = _rounding(obj, obj.from_public(Dt), lam_eff)
    gap = upper - bound.value
    certified = gap + 2 * rounding <= rel_gap * abs(upper)
    status = "certified" if certified else (
        f"not certified: gap {gap:.3g} + 2 x rounding {rounding:.2g} exceeds rel_gap {rel_gap:g} x min_risk "
        f"after {lbfgs_its} L-BFGS iterations and {newton_steps} Newton steps")

    root, Us, Vt = _balanced(Dt, rank)
    quarter = s.s_c ** 0.25
    word_norms = np.linalg.norm(Us * root, axis=1) / quarter
    blocks = quarter * np.linalg.norm(root[:, None] * Vt, axis=0) if rank else np.zeros(s.K * s.L)
    frob = math.sqrt(math.sqrt(s.s_c) * float(sv.sum()))
    return OptimumResult(
        problem=problem, min_risk=float(upper), lower_bound=float(bound.value), gap=float(gap),
        relative_gap=float(gap / abs(upper)), certified=bool(certified), status=status, rel_gap=rel_gap,
        rounding=float(rounding), word_norms=tuple(float(v) for v in word_norms),
        u_norm_mean=float(blocks.mean()), u_norm_std=float(blocks.std()), u_norm_min=float(blocks.min()),
        u_norm_max=float(blocks.max()), u_frobenius=frob, w_frobenius=frob, rank=rank,
        singular_values=tuple(float(v) for v in sv), lambda_threshold=threshold, trivial=bool(trivial),
        gradient_ratio=float(bound.gradient_norm / lam_eff), iterations=lbfgs_its + newton_steps,
        evaluations=obj.evaluations, seconds=time.perf_counter() - t0, start=start, D_reduced=Dt)


def _truncated(Dt: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """``D~`` with singular values below ``RANK_RTOL * sigma_max`` set to zero, its rank and singular values."""
    Us, sv, Vt = np.linalg.svd(Dt, full_matrices=False)
    if sv.size == 0 or sv[0] == 0:
        return np.zeros_like(Dt), 0, np.zeros_like(sv)
    rank = int(np.sum(sv > RANK_RTOL * sv[0]))
    sv = np.where(np.arange(sv.size) < rank, sv, 0.0)
    return (Us[:, :rank] * sv[:rank]) @ Vt[:rank], rank, sv


def _rounding(obj: ReducedObjective, Dh: np.ndarray, lam_eff: float) -> float:
    """``ROUNDING_ULPS * eps * scale`` (see :data:`ROUNDING_ULPS`)."""
    S = obj.logits(Dh)
    scale = float(np.mean(np.abs(S).max(axis=1) + np.abs(np.diag(S)))) + math.log(obj.K) \
        + lam_eff * float(np.linalg.svd(Dh, compute_uv=False).sum())
    return ROUNDING_ULPS * float(np.finfo(float).eps) * scale
