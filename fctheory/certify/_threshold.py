"""The λ threshold for any latent set and word law (appendix G, claim H).

By convexity (theorem G) ``D = 0`` minimizes ``f(D) + lam ||D||_*`` exactly
when ``-∇f(0) / lam`` is a subgradient of the nuclear norm at 0, i.e. when
``lam >= ||∇f(0)||_op`` (claim H; the nuclear norm is dual to the operator
norm).  At ``D = 0`` every class has probability ``1/K``, so with
``P_k(x_l = (a, b)) = 1{z_{k,l} = a} mu_b``

.. math::
   \\nabla f(0)[(a,b), (j,l)] = \\frac1K \\sum_k \\Big(\\frac1K - \\delta_{jk}\\Big) P_k(x_l = (a,b))
   = -\\frac{\\mu_b}{K}\\, C[a, (j,l)],
   \\qquad C[a,(j,l)] = 1\\{z_{j,l} = a\\} - \\frac{n_{l,a}}{K},

with ``n_{l,a} = #{k : z_{k,l} = a}``.  The gradient is the Kronecker product
``-(1/K) C ⊗ mu`` (rows ``a * s_c + b``), so

.. math::
   \\lambda^\\ast = \\|\\nabla f(0)\\|_{op} = \\frac{\\|\\mu\\|_2}{K} \\sqrt{\\lambda_{max}(C C^T)},
   \\qquad C C^T = \\sum_l \\Big(\\mathrm{diag}(n_l) - \\frac{n_l n_l^T}{K}\\Big),

an ``n_c x n_c`` matrix of exact rationals that depends only on the column
counts of the latent set.  Full set: ``n_{l,a} = K/n_c`` gives
``C C^T = (K L/n_c)(I - 1 1^T/n_c)``, ``lambda_max = K L / n_c`` and
``(lam^*)^2 = (L / n_c^{L+1}) sum_b mu_b^2``: eq. (9) / (150).  With uniform
mu it is ``sqrt(L / (n_w K))``, the type-I threshold of theorem 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from .._precision import decimal_string, fraction_to_mpf
from .._validate import require_dps
from ..problem import as_problem

__all__ = ["GeneralThreshold", "general_lambda_threshold", "gradient_at_zero"]


@dataclass(frozen=True)
class GeneralThreshold:
    """``lam^* = ||∇f(0)||_op``: ``D = 0`` (``W = U = 0``) is the global
    minimizer of R exactly when ``lam >= lam^*`` (claim H, appendix G).

    Attributes
    ----------
    value : mpmath.mpf
        ``lam^*`` at ``dps`` digits: ``||mu||_2 sqrt(lambda_max(C C^T)) / K``
        with ``C C^T`` exact and its largest eigenvalue from
        ``mpmath.eigsy`` at ``dps + 10`` digits (relative error below
        ``10**-dps``; for ``n_c = 2`` the eigenvalue is exact).
    value_float : float
        ``float(value)`` (correctly rounded up to one ulp).
    gram : tuple of tuple of Fraction
        ``C C^T``, exactly.
    lambda_max : mpmath.mpf
        Its largest eigenvalue.
    mu_norm_sq : mpmath.mpf
        ``sum_b mu_b^2``.
    K : int
    dps : int
    setting : Setting
    """

    value: object
    value_float: float
    gram: tuple
    lambda_max: object
    mu_norm_sq: object
    K: int
    dps: int
    setting: object

    def to_dict(self) -> dict:
        return {
            "value": decimal_string(self.value, self.dps),
            "value_float": self.value_float,
            "lambda_max": decimal_string(self.lambda_max, self.dps),
            "mu_norm_sq": decimal_string(self.mu_norm_sq, self.dps),
            "gram": [[str(v) for v in row] for row in self.gram],
            "K": self.K,
            "dps": self.dps,
            "setting": self.setting.to_dict(),
        }


def _gram(Z: np.ndarray, n_c: int) -> tuple:
    K, L = Z.shape
    gram = [[Fraction(0)] * n_c for _ in range(n_c)]
    for l in range(L):
        n = np.bincount(Z[:, l], minlength=n_c)
        for a in range(n_c):
            for b in range(n_c):
                gram[a][b] += (int(n[a]) if a == b else 0) - Fraction(int(n[a]) * int(n[b]), K)
    return tuple(tuple(row) for row in gram)


def general_lambda_threshold(setting, latent=None, *, dps: int = 30) -> GeneralThreshold:
    """``||∇f(0)||_op``, the λ threshold of network h for any latent set and mu.

    Parameters
    ----------
    setting : Problem or Setting
        A problem, or a setting with ``latent``; ``lam`` is not used.
    latent : array_like of int, shape (K, L), optional
        With a Setting: the latent set (``None`` means the full set).
    dps : int
        Decimal digits of ``value``.
    """
    dps = require_dps(dps)
    problem = as_problem(setting, latent)
    setting, Z = problem.setting, problem.latent
    K = Z.shape[0]
    gram = _gram(Z, setting.n_c)
    with mpmath.workdps(dps + 10):
        M = mpmath.matrix([[fraction_to_mpf(v) for v in row] for row in gram])
        if setting.n_c == 2:  # [[p, q], [q, s]]: closed-form largest eigenvalue
            p, q, s = M[0, 0], M[0, 1], M[1, 1]
            lmax = (p + s) / 2 + mpmath.sqrt(((p - s) / 2) ** 2 + q * q)
        else:
            lmax = max(mpmath.eigsy(M, eigvals_only=True))
        lmax = max(lmax, mpmath.mpf(0))
        mu2 = mpmath.fsum(m * m for m in setting.mu.mp())
        value = mpmath.sqrt(mu2 * lmax) / K
    with mpmath.workdps(dps):
        value, lmax, mu2 = +value, +lmax, +mu2
    return GeneralThreshold(
        value=value,
        value_float=float(value),
        gram=gram,
        lambda_max=lmax,
        mu_norm_sq=mu2,
        K=K,
        dps=dps,
        setting=setting,
    )


def gradient_at_zero(setting, latent=None) -> np.ndarray:
    """``∇f(0) = -(1/K) C ⊗ mu`` as a float64 ``(n_w, K L)`` array (a Problem, or a Setting with ``latent``)."""
    problem = as_problem(setting, latent)
    setting, Z = problem.setting, problem.latent
    K, L = Z.shape
    n_c = setting.n_c
    onehot = (Z[None, :, :] == np.arange(n_c)[:, None, None]).astype(float)  # (n_c, K, L)
    C = onehot - onehot.mean(axis=1, keepdims=True)
    C = C.reshape(n_c, K * L)  # column j*L + l
    return -np.kron(C, setting.mu.as_array()[:, None]) / K
