"""Theorem G's objective through the exact-risk engine: no sentence table.

``D`` (``n_w x KL``, column ``j*L + l`` = ``W^T u_{j,l}``, appendix G) *is* the
engine's stack of score tables: :math:`A_l[w, j] = D[w, jL + l]` (eq. 17), so
``f(D)`` of eq. (159) and ``∇f(D)`` are the data term of eq. (5) and its
gradient in ``A`` (:func:`fctheory.risk.score_table_risk`, position-wise
contraction, cost :math:`\\approx 3 n_w^L K` multiply-adds on the full set)
reshaped.  Any latent set and word law.

Lower bound.  The Fenchel-dual bound of :func:`._objective.dual_lower_bound`
is :math:`g(t\\theta)` with :math:`g(\\theta) = \\sum p(x,k)\\,\\mathrm{Ent}(e_k + \\theta(x))`
(concave, :math:`g(0) = 0`), :math:`\\theta = \\mathrm{softmax}(y) - e_k` and
:math:`t = \\min(1, \\lambda / \\|\\nabla f(D)\\|_{op})`.  At the softmax point
:math:`\\mathrm{Ent}(p) = \\mathrm{lse}(y) - \\langle p, y\\rangle`, so

.. math:: g(\\theta) = f(D) - \\langle \\nabla f(D), D \\rangle ,

two numbers the engine gives; for ``t < 1`` concavity gives
:math:`g(t\\theta) \\ge t\\, g(\\theta) + (1 - t) g(0) = t\\, g(\\theta)`.  The
engine bound is therefore :math:`t\\,(f(D) - \\langle\\nabla f(D), D\\rangle)`:
equal to the sentence-table bound when ``t = 1`` and never above it; both tend
to the minimum as ``D`` tends to a minimizer (claim H: ``t -> 1``).
"""

from __future__ import annotations

import numpy as np

from .._validate import require_real_array
from ..errors import InvalidInput
from ..problem import as_problem
from ..risk import score_table_risk
from ._objective import SPECTRAL_SAFETY, DualBound

__all__ = ["EngineObjective", "engine_objective", "ENGINE_ULPS"]

#: Relative float64 error assumed for the engine's f(D) (a sum of non-negative
#: terms, "a few ulps" per docs/risk.md) and for each inner product: the bounds'
#: rounding error is stated as ``ENGINE_ULPS * eps * (|f| + sum |G D| + lam ||D||_*)``.
ENGINE_ULPS = 64


def tables_of(D: np.ndarray, K: int, L: int) -> np.ndarray:
    """``A[l, w, j] = D[w, j*L + l]`` (shape ``(L, n_w, K)``)."""
    n_w = D.shape[0]
    return np.ascontiguousarray(D.reshape(n_w, K, L).transpose(2, 0, 1))


def matrix_of(A: np.ndarray) -> np.ndarray:
    """Inverse of :func:`tables_of`: ``D[w, j*L + l] = A[l, w, j]``."""
    L, n_w, K = A.shape
    return np.ascontiguousarray(A.transpose(1, 2, 0)).reshape(n_w, K * L)


class EngineObjective:
    """``f``, ``∇f``, the objective and the dual bound of theorem G for one problem.

    Parameters
    ----------
    problem : Problem or Setting (with ``latent``)
    """

    def __init__(self, problem, latent=None):
        self.problem = as_problem(problem, latent)
        s = self.problem.setting
        self.n_w, self.K, self.L = s.n_w, s.K, s.L
        self.lam = float(s.lam)
        self.evaluations = 0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_w, self.K * self.L)

    def _require_D(self, D) -> np.ndarray:
        D = require_real_array("D", D, shape_text=f"(n_w, K L) = {self.shape}")  # complex refused, finite
        if D.shape != self.shape:
            raise InvalidInput("D", f"a real array of shape (n_w, K L) = {self.shape}", f"shape {D.shape}")
        return D

    def risk(self, D) -> float:
        """``f(D)`` of eq. (159)."""
        self.evaluations += 1
        value, _ = score_table_risk(self.problem, tables_of(self._require_D(D), self.K, self.L), grad=False)
        return float(value)

    def risk_and_gradient(self, D):
        """``f(D)`` and ``∇f(D)`` (shape ``(n_w, KL)``)."""
        self.evaluations += 1
        value, dA = score_table_risk(self.problem, tables_of(self._require_D(D), self.K, self.L), grad=True)
        return float(value), matrix_of(dA)

    def objective(self, D) -> float:
        """``f(D) + lam ||D||_*``."""
        D = self._require_D(D)
        return self.risk(D) + self.lam * float(np.linalg.svd(D, compute_uv=False).sum())

    def bound_from(self, D, f_value: float, G: np.ndarray) -> DualBound:
        """The engine's Fenchel-dual bound ``t (f(D) - <∇f(D), D>)`` (module docstring)."""
        gnorm = float(np.linalg.norm(G, 2))
        lam = self.lam
        t = 1.0 if gnorm * (1 + SPECTRAL_SAFETY) <= lam else lam / (gnorm * (1 + SPECTRAL_SAFETY))
        g = f_value - float(np.vdot(G, D))
        return DualBound(value=t * g, shrink=float(t), gradient_norm=gnorm)

    def dual_lower_bound(self, D) -> DualBound:
        """The engine's Fenchel-dual lower bound at ``D`` (valid for any D)."""
        D = self._require_D(D)
        f_value, G = self.risk_and_gradient(D)
        return self.bound_from(D, f_value, G)

    def rounding(self, D, f_value: float, G: np.ndarray) -> float:
        """Stated float64 error of the two bounds at ``D`` (see :data:`ENGINE_ULPS`)."""
        scale = abs(f_value) + float(np.sum(np.abs(G * D))) + self.lam * float(np.abs(D).sum())
        return ENGINE_ULPS * np.finfo(float).eps * scale


def engine_objective(problem, latent=None) -> EngineObjective:
    """An :class:`EngineObjective` for a Problem (or a Setting with ``latent``)."""
    return EngineObjective(problem, latent)
