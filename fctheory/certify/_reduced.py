"""Theorem G reduced by the within-concept symmetry: objective and solver.

With uniform words the true risk of network h is invariant under permuting
the words of one concept (the same permutation at every position), and so is
the nuclear norm; by convexity of theorem G's program (appendix G,
eq. 159-160) averaging an optimal ``D`` over these permutations gives an
optimal ``D = P D~`` whose rows are equal within each concept (``P`` the
``n_w x n_c`` concept indicator, ``D~`` of shape ``n_c x K L``).  Every
sentence of class ``k`` then has the logits

.. math::  s_k[j] = \\sum_l \\tilde D[z_{k,l},\\, jL + l],

and ``||P D~||_* = sqrt(s_c) ||D~||_*`` (``P / sqrt(s_c)`` has orthonormal
columns), so

.. math::  \\min R = \\min_{\\tilde D}\\; g(\\tilde D) + \\lambda' \\|\\tilde D\\|_*,
   \\qquad g(\\tilde D) = \\frac1K \\sum_k \\big(\\mathrm{lse}(s_k) - s_k[k]\\big),
   \\qquad \\lambda' = \\lambda\\sqrt{s_c}.

This is theorem G's program of the same latent set with one word per concept
(``s_c = 1``) and ``lambda' = lambda sqrt(s_c)``.

Internally the columns are ordered ``l*K + j`` (a column permutation of
``D~``, which changes neither ``g`` nor the nuclear norm), so that the logits
are one matrix product ``S = O X`` with ``O[k, a*L + l] = 1{z_{k,l} = a}``
and ``X = D^.reshape(n_c L, K)``.

The solver (:func:`solve_reduced`) works on the balanced factorisation
``D^ = A B`` (``A``: ``n_c x r``, ``B``: ``r x L K``, ``r = min(n_c, K L)``),
whose smooth objective (claim G, eq. 161)

.. math::  \\varphi(A, B) = g(AB) + \\frac{\\lambda'}2 (\\|A\\|_F^2 + \\|B\\|_F^2)

has the minimum of the convex program (its optimum has rank ``<= n_c``):

1. warm start: the type-I direction ``E[a, z_{j,l}]`` (equiangular Gram
   matrix, definition 1) scaled by a 1-D minimisation, or, when that scale
   is 0, the leading singular pair of ``-∇g(0)`` (a descent direction at 0
   whenever ``lam' < ||∇g(0)||_op``), plus a small seeded perturbation (so
   that no factor column starts at the saddle 0);
2. L-BFGS on ``phi`` until its line search no longer decreases ``phi`` in
   float64;
3. Newton steps on ``phi`` (truncated conjugate gradients with the exact
   Hessian-vector product, orthogonal to the directions ``(A Om, -Om B)``
   along which ``phi`` is constant), until the Fenchel-dual gap at the
   iterate is below the target, plus :data:`POLISH_STEPS` more.  Newton converges on the gradient, which
   float64 resolves to ``~1e-16``, where step 2 stalls on ``phi`` itself
   (a change of ``1e-18`` in an O(1) value is below its resolution), and the
   dual bound is first-order in the error of the point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import entr

from ._objective import SPECTRAL_SAFETY

__all__ = ["ReducedObjective", "ReducedSolve", "solve_reduced"]

#: L-BFGS-B tolerances: run until the line search can no longer decrease phi in float64.
LBFGS_GTOL = 1e-15
LBFGS_FTOL = 1e-16
#: Newton: truncated CG stops at ``||r|| <= min(CG_FORCING, sqrt(||grad||)) ||grad||``
#: or after CG_MAX_ITER products.  A step is accepted when phi does not exceed the Armijo decrease
#: by more than its rounding, ACCEPT_ULPS float64 epsilons of max(1, |phi|) (measured: up to ~60 at
#: K = 2187); when the predicted decrease is below that rounding, the gradient norm must decrease.
CG_FORCING = 0.1
CG_MAX_ITER = 250
ACCEPT_ULPS = 1024
MAX_BACKTRACKS = 30
#: After the target gap is reached, at most POLISH_STEPS more Newton steps, each only while the
#: previous one reduced ||∇phi|| by at least the factor 1/POLISH_PROGRESS (one step takes ||∇phi||
#: from ~1e-9, where L-BFGS stalls, to ~1e-13 at the paper's setting).
POLISH_STEPS = 1
POLISH_PROGRESS = 0.1
#: Resolution of the warm start's 1-D search, relative to its bracket.
WARM_XATOL = 1e-4
#: Relative size of the seeded perturbation of the warm start's factors.
PERTURBATION = 1e-3


class ReducedObjective:
    """``g``, ``∇g``, Hessian products and the dual bound of the reduced program.

    Parameters
    ----------
    latent : int array ``(K, L)``
    n_c : int
    lam_eff : float
        ``lambda' = lambda sqrt(s_c)``.
    """

    def __init__(self, latent: np.ndarray, n_c: int, lam_eff: float):
        Z = np.asarray(latent, dtype=np.int64)
        self.K, self.L = Z.shape
        self.n_c = int(n_c)
        self.lam = float(lam_eff)
        self.shape = (self.n_c, self.L * self.K)
        O = np.zeros((self.K, self.n_c * self.L))
        rows = np.arange(self.K)
        for l in range(self.L):
            O[rows, Z[:, l] * self.L + l] = 1.0
        self.O = O
        self._diag = (rows, rows)
        self.evaluations = 0

    # layouts ---------------------------------------------------------------
    def to_public(self, Dh: np.ndarray) -> np.ndarray:
        """``D~[a, j*L + l] = D^[a, l*K + j]`` (the package's column order, appendix G)."""
        return np.ascontiguousarray(Dh.reshape(self.n_c, self.L, self.K).transpose(0, 2, 1)).reshape(self.shape)

    def from_public(self, Dt: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_public`."""
        return np.ascontiguousarray(Dt.reshape(self.n_c, self.K, self.L).transpose(0, 2, 1)).reshape(self.shape)

    # the function ----------------------------------------------------------
    def logits(self, Dh: np.ndarray) -> np.ndarray:
        """``S[k, j] = s_k[j]``, shape ``(K, K)``."""
        return self.O @ Dh.reshape(self.n_c * self.L, self.K)

    def evaluate(self, Dh: np.ndarray):
        """``g(D^)``, ``∇g(D^)`` and the softmax ``P`` (``P[k] = softmax(s_k)``)."""
        self.evaluations += 1
        S = self.logits(Dh)
        m = S.max(axis=1, keepdims=True)
        P = np.exp(S - m)
        z = P.sum(axis=1, keepdims=True)
        value = float(np.mean(np.log(z[:, 0]) + m[:, 0] - S[self._diag]))
        P /= z
        R = P.copy()
        R[self._diag] -= 1.0
        G = (self.O.T @ R).reshape(self.shape) / self.K
        return value, G, P

    def hessian_product(self, P: np.ndarray, V: np.ndarray) -> np.ndarray:
        """``∇²g(D^)[V]``: per class ``(diag(p) - p p^T) dS`` mapped back (``P`` from :meth:`evaluate`)."""
        self.evaluations += 1
        dS = self.logits(V)
        H = P * (dS - np.sum(P * dS, axis=1, keepdims=True))
        return (self.O.T @ H).reshape(self.shape) / self.K

    def gradient_at_zero(self) -> np.ndarray:
        """``∇g(0) = (1/K) O^T (1 1^T / K - I)``: every class has probability ``1/K`` at 0."""
        R = np.full((self.K, self.K), 1.0 / self.K)
        R[self._diag] -= 1.0
        return (self.O.T @ R).reshape(self.shape) / self.K

    def bound(self, Dh: np.ndarray, value: float, G: np.ndarray, P: np.ndarray):
        """``(upper, lower, ||∇g||_op)`` at ``D^``: the objective and the Fenchel-dual bound.

        ``lower = (1/K) sum_k Ent(e_k + t (P_k - e_k))`` with
        ``t = min(1, lam' / ((1 + SPECTRAL_SAFETY) ||∇g||_op))`` (the construction of
        :func:`fctheory.certify.dual_lower_bound` on the reduced variables).
        """
        gnorm = float(np.linalg.norm(G, 2))
        t = 1.0 if gnorm * (1 + SPECTRAL_SAFETY) <= self.lam else self.lam / (gnorm * (1 + SPECTRAL_SAFETY))
        Q = t * P
        Q[self._diag] += 1.0 - t
        lower = float(entr(np.clip(Q, 0.0, 1.0)).sum(axis=1).mean())
        upper = value + self.lam * float(np.linalg.svd(Dh, compute_uv=False).sum())
        return upper, lower, gnorm


@dataclass(frozen=True)
class ReducedSolve:
    """The solver's point ``D^`` (internal column order) and its counters."""

    D: np.ndarray
    lbfgs_iterations: int
    newton_steps: int
    cg_products: int
    evaluations: int
    start: str


def _factor(Dh: np.ndarray, r: int, rng: np.random.Generator):
    """Balanced factors ``A = U S^{1/2}``, ``B = S^{1/2} V^T`` of ``D^`` at inner dimension r, perturbed."""
    U, s, Vt = np.linalg.svd(Dh, full_matrices=False)
    root = np.sqrt(s[:r])
    A = U[:, :r] * root
    B = root[:, None] * Vt[:r]
    scale = PERTURBATION * max(float(root.max()), 1e-3)
    A = A + scale * rng.standard_normal(A.shape) / np.sqrt(A.shape[0])
    B = B + scale * rng.standard_normal(B.shape) / np.sqrt(B.shape[1])
    return A, B


def _warm_start(obj: ReducedObjective, Z: np.ndarray) -> tuple[np.ndarray, str]:
    """The scaled type-I direction, or the leading pair of ``-∇g(0)`` (module docstring, step 1)."""
    n_c, L = obj.n_c, obj.L
    gram = (n_c * np.eye(n_c) - 1.0) / (n_c - 1)  # <f_a, f_e> of an equiangular frame (definition 1)
    type1 = np.concatenate([gram[:, Z[:, l]] for l in range(L)], axis=1)  # D^[a, l*K + j] = E[a, z_{j,l}]
    U, s, Vt = np.linalg.svd(-obj.gradient_at_zero(), full_matrices=False)
    leading = np.outer(U[:, 0], Vt[0])
    best = (np.inf, np.zeros(obj.shape), "zero")
    for name, M in (("type-I direction", type1), ("leading singular pair of -grad g(0)", leading)):
        nuc = float(np.linalg.svd(M, compute_uv=False).sum())
        if nuc == 0:
            continue
        # alpha* <= g(0) / (lam' ||M||_*) = log K / (lam' ||M||_*): beyond it the regulariser alone exceeds g(0)
        hi = np.log(obj.K) / (obj.lam * nuc)
        res = minimize_scalar(lambda a: obj.evaluate(a * M)[0] + obj.lam * a * nuc, bounds=(0.0, hi),
                              method="bounded", options={"xatol": WARM_XATOL * hi})
        if res.fun < best[0]:
            best = (float(res.fun), float(res.x) * M, name)
        if res.x > 10 * WARM_XATOL * hi:  # a non-zero scale: good enough
            break
    return best[1], best[2]


def solve_reduced(obj: ReducedObjective, Z: np.ndarray, *, rel_gap: float, max_iter: int, max_newton: int,
                  seed: int = 0) -> ReducedSolve:
    """Minimise ``g + lam' ||.||_*`` (module docstring); the caller certifies the returned point."""
    n_c, N = obj.shape
    r = min(n_c, N)
    lam = obj.lam
    rng = np.random.default_rng(seed)
    D0, start = _warm_start(obj, Z)
    A, B = _factor(D0, r, rng)
    na = n_c * r

    def split(z):
        return z[:na].reshape(n_c, r), z[na:].reshape(r, N)

    def phi(z):
        """phi(z), its gradient (eq. 161), and g, ∇g, softmax at A B."""
        A, B = split(z)
        g, G, P = obj.evaluate(A @ B)
        value = g + 0.5 * lam * (float(np.vdot(A, A)) + float(np.vdot(B, B)))
        return value, np.concatenate([(G @ B.T + lam * A).ravel(), (A.T @ G + lam * B).ravel()]), g, G, P

    res = minimize(lambda z: phi(z)[:2], np.concatenate([A.ravel(), B.ravel()]), jac=True, method="L-BFGS-B",
                   options={"maxiter": max_iter, "gtol": LBFGS_GTOL, "ftol": LBFGS_FTOL})
    z = res.x
    steps = products = 0
    value, grad, g, G, P = phi(z)
    best = (np.inf, z)
    polish, previous = 0, np.inf
    for _ in range(max_newton + 1):
        A, B = split(z)
        upper, lower, _ = obj.bound(A @ B, g, G, P)
        # the latest point that meets the target (Newton only improves it further, and near the floor of
        # the bound the gaps of successive points differ by rounding), else the smallest gap so far
        if upper - lower <= max(best[0], rel_gap * abs(upper)):
            best = (upper - lower, z)
        gnorm = float(np.linalg.norm(grad))
        if steps == max_newton or gnorm == 0:
            break
        if best[0] <= rel_gap * abs(upper):
            # target reached: POLISH_STEPS more while Newton still converges fast, so that the point
            # (its norms are first-order in its error) is as accurate as float64 allows
            if polish >= POLISH_STEPS or gnorm > POLISH_PROGRESS * previous:
                break
            polish += 1
        previous = gnorm
        p, k = _newton_direction(obj, split, z, grad, G, P)
        products += k
        slope = float(np.dot(grad, p))
        noise = ACCEPT_ULPS * np.finfo(float).eps * max(1.0, abs(value))
        t, accepted = 1.0, False
        for _ in range(MAX_BACKTRACKS):
            trial = phi(z + t * p)
            # Armijo up to the rounding of phi; once the predicted decrease is below that rounding,
            # phi cannot tell the points apart and the gradient norm decides
            if trial[0] <= value + 1e-4 * t * slope + noise and (
                    -t * slope > noise or np.linalg.norm(trial[1]) < gnorm):
                accepted = True
                break
            t *= 0.5
        if not accepted:
            break
        z = z + t * p
        value, grad, g, G, P = trial[0], trial[1], trial[2], trial[3], trial[4]
        steps += 1
    A, B = split(best[1])
    return ReducedSolve(D=A @ B, lbfgs_iterations=int(res.nit), newton_steps=steps, cg_products=products,
                        evaluations=obj.evaluations, start=start)


def _gauge_basis(A: np.ndarray, B: np.ndarray):
    """Orthonormal basis of the tangent space of the orbit ``(A Q, Q^T B)``, ``Q`` orthogonal.

    ``phi`` is constant on these orbits, so its Hessian vanishes along ``(A Om, -Om B)``
    (``Om`` skew-symmetric) at a critical point; CG works in the orthogonal complement.
    """
    r = A.shape[1]
    vectors = []
    for i in range(r):
        for j in range(i + 1, r):
            Om = np.zeros((r, r))
            Om[i, j], Om[j, i] = 1.0, -1.0
            vectors.append(np.concatenate([(A @ Om).ravel(), (-(Om @ B)).ravel()]))
    if not vectors:
        return None
    Q, R = np.linalg.qr(np.stack(vectors, axis=1))
    size = np.abs(np.diag(R))
    keep = size > 1e-12 * max(float(size.max()), np.finfo(float).tiny)
    return Q[:, keep] if keep.any() else None


def _newton_direction(obj: ReducedObjective, split, z, grad, G, P):
    """Truncated CG on ``∇²phi(z) p = -∇phi(z)`` orthogonal to the gauge orbit; stops at negative curvature.

    ``∇²phi`` applied to ``(dA, dB)``, with ``H = ∇²g(AB)[dA B + A dB]`` (eq. 161 differentiated):
    ``(H B^T + G dB^T + lam' dA,  A^T H + dA^T G + lam' dB)``.
    """
    lam = obj.lam
    A, B = split(z)
    gauge = _gauge_basis(A, B)

    def project(v):
        return v if gauge is None else v - gauge @ (gauge.T @ v)

    def hvp(v):
        dA, dB = split(v)
        H = obj.hessian_product(P, dA @ B + A @ dB)
        return project(np.concatenate([(H @ B.T + G @ dB.T + lam * dA).ravel(),
                                       (A.T @ H + dA.T @ G + lam * dB).ravel()]))

    r = -project(grad)
    gnorm = float(np.linalg.norm(r))
    tol = min(CG_FORCING, np.sqrt(gnorm)) * gnorm
    x = np.zeros_like(grad)
    d = r.copy()
    rs = float(np.dot(r, r))
    k = 0
    for k in range(1, CG_MAX_ITER + 1):
        Hd = hvp(d)
        curvature = float(np.dot(d, Hd))
        if curvature <= 0:
            return (d if k == 1 else x), k  # negative curvature: the descent direction found so far
        alpha = rs / curvature
        x += alpha * d
        r -= alpha * Hd
        rs_new = float(np.dot(r, r))
        if np.sqrt(rs_new) <= tol:
            break
        d = r + (rs_new / rs) * d
        rs = rs_new
    return x, k
