"""Certified optimum against the paper's predictions (theorems 1-2, lemma K).

Every collapse configuration is a feasible point of the program of theorem
G, and claim G gives ``R(W, U) >= f(D) + lam ||D||_*``, so a predicted
minimum ``R_pred`` always satisfies ``R_pred >= lower_bound``.  It is *not*
the global minimum when ``R_pred > optimal_value`` (a feasible D does better)
by more than the float64 rounding of the two numbers.  Independently of any
solver, the configuration's own D is globally optimal exactly when
``||∇f(D_pred)||_op <= lam`` (claim H and the converse from convexity), which
:attr:`Comparison.gradient_ratio` reports.

The two one-sided tests behind the verdict are :class:`fctheory.checks.Check`
rows (:attr:`Comparison.checks`): the prediction is *at least* the certified
lower bound (claim G) and *at most* the certified optimum (theorem G), each
with the float64 slack :data:`ROUNDING`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import Check, bound_check
from ..configurations import type1_D, type3_D
from .._validate import require_real_array
from ..errors import InvalidInput, NoNontrivialSolution
from ._engine import EngineObjective

__all__ = ["Comparison", "compare_type1", "compare_type3", "compare_prediction", "compare_trained", "D_of_weights", "ROUNDING"]

#: Absolute slack for float64 rounding when comparing two risks of order 1:
#: both sides are sums of at most a few hundred thousand float64 terms.
ROUNDING = 1e-10


@dataclass(frozen=True)
class Comparison:
    """A prediction of the paper next to the certified optimum.

    Attributes
    ----------
    prediction : str
        Which configuration (``"type I (theorem 1)"``, ``"type III
        (theorem 2)"``, ``"type I with H_Z (lemma K)"``, or the trivial point).
    predicted_value : float
        The predicted minimum risk (``H(tau)``, ``F(c, r)``, ``H_Z(tau)`` or
        ``log K`` at ``W = U = 0``), from :mod:`fctheory.predict`.
    optimal_value, lower_bound, gap : float
        From the certificate: the global minimum lies in
        ``[lower_bound, optimal_value]``.
    difference : float
        ``predicted_value - optimal_value``.
    excess : float
        ``predicted_value - lower_bound`` (``>= 0`` by claim G).
    verdict : str
        ``"below the lower bound"`` when ``excess < -ROUNDING`` (an error
        somewhere: no configuration can beat the bound); else ``"not
        globally optimal"`` when ``difference > ROUNDING`` (the certificate's
        D is strictly better; as ``excess = difference + gap`` this is also
        ``excess > gap + ROUNDING``); else ``"consistent"``, i.e.
        ``predicted_value`` lies in ``[lower_bound - ROUNDING,
        optimal_value + ROUNDING]``.
    predicted_objective : float
        ``f(D_pred) + lam ||D_pred||_*`` at the configuration's D (equals
        ``predicted_value`` at a balanced critical point).
    gradient_ratio : float
        ``||∇f(D_pred)||_op / lam``: ``<= 1`` (to float64 accuracy, ~1e-12)
        proves the configuration globally optimal without any solver.
    d_difference : float
        ``||D_opt - D_pred||_F / ||D_pred||_F`` (relative Frobenius
        difference; ``||D_opt||_F`` when ``D_pred = 0``).
    checks : tuple of Check
        The predicted-vs-certified rows the verdict is read from:
        ``predicted_value`` *at least* ``lower_bound`` (error ``excess``)
        and *at most* ``optimal_value`` (error ``difference``), tolerance
        :data:`ROUNDING`.  Not part of :meth:`to_dict` (whose keys are the
        fields above).
    """

    prediction: str
    predicted_value: float
    optimal_value: float
    lower_bound: float
    gap: float
    difference: float
    excess: float
    verdict: str
    predicted_objective: float
    gradient_ratio: float
    d_difference: float
    checks: tuple[Check, ...]

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in _FIELDS}


#: The JSON keys of a Comparison (``fctheory certify --json``, the report's certificates).
_FIELDS = ("prediction", "predicted_value", "optimal_value", "lower_bound", "gap", "difference", "excess", "verdict",
           "predicted_objective", "gradient_ratio", "d_difference")


def _rows(cert, name: str, value: float) -> tuple[Check, Check]:
    """Claim G (R_pred >= lower bound) and theorem G (R_pred <= the certified optimum)."""
    above = bound_check(f"{name}: R >= certified lower bound", "claim G", value, cert.lower_bound, "at least",
                        ROUNDING, setting=cert.setting)
    below = bound_check(f"{name}: R <= certified optimum", "theorem G", value, cert.optimal_value, "at most",
                        ROUNDING, setting=cert.setting)
    return above, below


def _compare(cert, name: str, value, D_pred: np.ndarray, engine=None) -> Comparison:
    # f and ∇f through the exact-risk engine (no sentence table; equal to the table's to ~1e-15)
    if engine is None:
        engine = EngineObjective(cert.problem)
    lam = cert.lam
    value = float(value)
    above, below = _rows(cert, name, value)
    if not above.passed:
        verdict = "below the lower bound"
    elif not below.passed:
        verdict = "not globally optimal"
    else:
        verdict = "consistent"
    norm_pred = float(np.linalg.norm(D_pred))
    diff = float(np.linalg.norm(cert.D - D_pred))
    return Comparison(
        prediction=name,
        predicted_value=value,
        optimal_value=cert.optimal_value,
        lower_bound=cert.lower_bound,
        gap=cert.gap,
        difference=below.rel_error,
        excess=above.rel_error,
        verdict=verdict,
        predicted_objective=engine.objective(D_pred),
        gradient_ratio=float(np.linalg.norm(engine.risk_and_gradient(D_pred)[1], 2)) / lam,
        d_difference=diff / norm_pred if norm_pred > 0 else diff,
        checks=(above, below),
    )


def _zero(cert) -> np.ndarray:
    return np.zeros_like(cert.D)


def compare_type1(cert, *, dps: int = 30, sphere_sizes=None) -> Comparison:
    """The certified optimum against theorem 1: ``H(tau)`` and the type-I D.

    ``sphere_sizes`` (a :class:`fctheory.SphereSizes`) selects ``H_Z``
    (lemma K for a latent set's own distance profile); default assumption A.
    """
    from ..predict import predict_type1

    name = "type I (theorem 1)" if sphere_sizes is None else "type I with H_Z (lemma K)"
    setting = cert.setting
    if not setting.mu.is_uniform:
        # H and its minimizer do not depend on mu (lemma K holds for any word law), but theorem 1's claim
        # that type I is optimal needs uniform words: the comparison is with the best type-I configuration
        name += " (the best type-I configuration; theorem 1 assumes uniform words)"
        setting = setting.replace(mu="uniform")
    try:
        pred = predict_type1(setting, dps=dps, sphere_sizes=sphere_sizes)
    except NoNontrivialSolution as trivial:  # above lambda_I: W = U = 0, risk H(0)
        return _compare(cert, name + ", trivial W = U = 0", trivial.risk, _zero(cert))
    D_pred = type1_D(cert.problem, None, float(pred.word_norm), float(pred.u_norm))
    return _compare(cert, name, pred.risk, D_pred)


def compare_type3(cert, *, dps: int = 30) -> Comparison:
    """The certified optimum against theorem 2: ``F(c, r)`` and the type-III D.

    Above the eq. 9 threshold the type-III system has only the trivial point;
    the comparison is then with ``W = U = 0`` (risk ``log K``).
    """
    from ..predict import predict_type3

    try:
        pred = predict_type3(cert.setting, dps=dps)
    except NoNontrivialSolution as trivial:  # above eq. 9: W = U = 0, risk log K (carried by the exception)
        return _compare(cert, "type III (theorem 2), trivial W = U = 0", trivial.risk, _zero(cert))
    D_pred = type3_D(cert.problem, None, float(pred.c), [float(v) for v in pred.r])
    return _compare(cert, "type III (theorem 2)", pred.risk, D_pred)


def compare_prediction(cert, *, dps: int = 30, sphere_sizes=None) -> Comparison:
    """The paper's prediction for the certificate's setting.

    Full set: type I for uniform mu (theorem 1), type III otherwise
    (theorem 2). Other latent sets: type I with ``sphere_sizes`` (``H_Z``)
    when given, else assumption A.
    """
    s = cert.setting
    if s.is_full and not s.mu.is_uniform:
        return compare_type3(cert, dps=dps)
    return compare_type1(cert, dps=dps, sphere_sizes=sphere_sizes)


def D_of_weights(W, U, K: int, L: int) -> np.ndarray:
    """``D = W^T [U_1 ... U_K]``: ``D[w, k*L + l] = <w_w, u_{k,l}>`` (appendix G).

    ``W`` is ``d x n_w``; ``U`` is ``K x (L d)`` with block ``l`` of row ``k``
    equal to ``u_{k,l}`` (appendix A).
    """
    W = require_real_array("W", W, ndim=2, shape_text="(d, n_w)")
    U = require_real_array("U", U, ndim=2, shape_text=f"(K, L d) = ({K}, {L} d)")
    d = W.shape[0]
    if U.shape != (K, L * d):
        raise InvalidInput("U", f"an array of shape (K, L d) = {(K, L * d)}", f"shape {U.shape}")
    return np.einsum("iw,kli->wkl", W, U.reshape(K, L, d)).reshape(W.shape[1], K * L)


def compare_trained(cert, W, U) -> Comparison:
    """The certified optimum against trained weights ``(W, U)`` of network h.

    ``predicted_value`` is the regularized risk ``R(W, U) = f(D) +
    (lam/2)(||W||_F^2 + ||U||_F^2)`` (eq. 5, 160) recomputed here from the
    weights; by claim G it is ``>= lower_bound``, and a trainer that found
    the global minimum has ``difference`` within the certificate's width.
    """
    W = require_real_array("W", W, ndim=2, shape_text="(d, n_w)")
    U = require_real_array("U", U, ndim=2, shape_text="(K, L d)")
    D = D_of_weights(W, U, cert.setting.K, cert.setting.L)
    engine = EngineObjective(cert.problem)
    value = engine.risk(D) + 0.5 * cert.lam * (float(np.sum(W * W)) + float(np.sum(U * U)))
    return _compare(cert, "trained minimum", value, D, engine)
