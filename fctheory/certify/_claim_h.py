"""Claim H at high precision: is a collapse configuration a global minimizer?

For a critical point (W, U) of R, ``D = W^T [U_1 ... U_K]`` minimizes the
convex problem of theorem G exactly when ``||∇f(D)||_op <= lam`` (claim H,
appendix G; the converse holds because every subgradient of the nuclear norm
has operator norm <= 1).  At a critical point with ``D != 0`` the value
``lam`` is always a singular value of ``∇f(D)`` (eq. 162-163), so the ratio
``||∇f(D)||_op / lam`` is exactly 1 for a global minimizer and exceeds 1
otherwise.

This module evaluates the ratio in mpmath for the collapse configurations
(type I and type III, definitions 1 and 3), whose logits have the closed form

.. math:: y_j(x) = c \\sum_l r_{b_l} \\langle f_{a_l}, f_{z_{j,l}} \\rangle
          = c \\sum_l r_{b_l} \\frac{n_c 1\\{a_l = z_{j,l}\\} - 1}{n_c - 1},

so that a float64 verdict (``|ratio - 1| ~ 1e-14``) can be confirmed at any
number of digits.  ``||∇f(D)||_op^2`` is the largest eigenvalue of the
``n_w x n_w`` matrix ``G G^T`` (``mpmath.eigsy``).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from .._precision import decimal_string
from .._validate import require_dps
from ..errors import ProblemTooLarge
from ..problem import as_problem, setting_of
from ._sentences import n_sentences, sentence_table

__all__ = ["ClaimH", "claim_h_ratio", "MAX_CLAIM_H_TERMS"]

#: Largest ``K * (K s_c**L) * L`` evaluated in mpmath (about a minute).
MAX_CLAIM_H_TERMS = 2_000_000


@dataclass(frozen=True)
class ClaimH:
    """``||∇f(D)||_op / lam`` for a collapse configuration, at ``dps`` digits.

    Attributes
    ----------
    ratio : mpmath.mpf
        ``||∇f(D)||_op / lam``; 1 (to about ``10**-dps``) at a global
        minimizer, > 1 at a critical point that is not one.
    ratio_minus_one : mpmath.mpf
        ``ratio - 1`` computed with the guard digits (so it is not rounded
        to 0 when ``|ratio - 1| < 10**-dps``).
    dps : int
        Digits of the computation (``dps + 10`` guard digits are used for
        the sums and the eigenvalue).
    configuration : str
    setting : Setting
    """

    ratio: object
    ratio_minus_one: object
    dps: int
    configuration: str
    setting: object

    def to_dict(self) -> dict:
        return {
            "ratio": decimal_string(self.ratio, self.dps),
            "ratio_minus_one": decimal_string(self.ratio_minus_one, 5),
            "dps": self.dps,
            "configuration": self.configuration,
            "setting": self.setting.to_dict(),
        }


def claim_h_ratio(setting, c, r, latent=None, *, dps: int = 40, configuration: str = "type III") -> ClaimH:
    """``||∇f(D)||_op / lam`` at ``D = c (F ⊗ r)`` (type III; type I when all ``r_b`` are equal).

    Parameters
    ----------
    setting : Problem or Setting
        A problem, or a setting with ``latent``.
    c : number
        Norm of every block ``u_{k,l}`` (mpmath numbers keep their precision).
    r : sequence of ``s_c`` numbers
        Norms of the word embeddings, ``r_b`` for word rank ``b``.
    latent : array_like, optional
        With a Setting: the latent set (``None`` = full set).
    dps : int

    Raises
    ------
    ProblemTooLarge
        When ``K * K s_c**L * L`` exceeds :data:`MAX_CLAIM_H_TERMS`.
    """
    dps = require_dps(dps)
    base = setting_of(setting)
    terms = base.K * n_sentences(base) * base.L
    if terms > MAX_CLAIM_H_TERMS:
        raise ProblemTooLarge("the high-precision claim-H check (K * K s_c**L * L terms)", terms, MAX_CLAIM_H_TERMS)
    problem = as_problem(setting, latent)
    setting, Z = problem.setting, problem.latent
    table = sentence_table(problem)
    n_c, s_c, K, L, n_w = setting.n_c, setting.s_c, Z.shape[0], setting.L, setting.n_w
    concepts = table.words // s_c
    ranks = table.words % s_c
    with mpmath.workdps(dps + 10):
        cm = mpmath.mpf(c)
        rm = [mpmath.mpf(v) for v in r]
        mu = setting.mu.mp()
        lam = setting.lam_mp()
        inv = mpmath.mpf(1) / (n_c - 1)
        G = [[mpmath.mpf(0)] * (K * L) for _ in range(n_w)]
        for i in range(table.n_sentences):
            a, b, k = concepts[i], ranks[i], int(table.label[i])
            p = mpmath.mpf(1) / K
            for l in range(L):
                p *= mu[int(b[l])]
            # logits (definition 3 with an equiangular frame)
            ys = []
            for j in range(K):
                s = mpmath.mpf(0)
                for l in range(L):
                    s += rm[int(b[l])] * ((n_c if a[l] == Z[j, l] else 0) - 1)
                ys.append(cm * inv * s)
            top = max(ys)
            ex = [mpmath.exp(y - top) for y in ys]
            tot = mpmath.fsum(ex)
            for j in range(K):
                g = p * (ex[j] / tot - (1 if j == k else 0))
                for l in range(L):
                    G[int(table.words[i, l])][j * L + l] += g
        M = mpmath.matrix(n_w, n_w)
        for u in range(n_w):
            for v in range(u, n_w):
                M[u, v] = M[v, u] = mpmath.fsum(G[u][q] * G[v][q] for q in range(K * L))
        top = max(mpmath.eigsy(M, eigvals_only=True))
        ratio = mpmath.sqrt(max(top, 0)) / lam
        excess = ratio - 1  # at the guarded precision, before rounding ratio to dps digits
    with mpmath.workdps(dps):
        return ClaimH(ratio=+ratio, ratio_minus_one=+excess, dps=dps, configuration=configuration, setting=setting)
