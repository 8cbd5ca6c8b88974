"""Collapse measurements of ANY weights (definitions 1-3 of the paper).

Given ``W`` (d, n_w) and ``U`` (K, L*d) in the exact-risk conventions, measure
how close they are to the collapse configurations:

* type I  (network h):  :math:`w_{(a,b)} = c f_a`,   :math:`u_{k,l} = c' f_{z_{k,l}}`;
* type II (network h*): :math:`\\varphi(w_{(a,b)}) = \\sqrt d f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`;
* type III (network h): :math:`w_{(a,b)} = r_b f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`,

with :math:`f_1..f_{n_c}` equiangular (:math:`\\langle f_a, f_b\\rangle = -1/(n_c-1)`).
Every quantity is invariant under rotations of :math:`\\mathbb R^d`, so weights
trained anywhere can be compared.
"""

from __future__ import annotations

import math

from dataclasses import dataclass

import numpy as np

from .._validate import MAX_L, MAX_N_C, MAX_S_C, require_int, require_network, require_real
from ..configurations import equiangular_gram
from ..errors import InvalidInput
from ..latent import as_latent_array, full_latent_set
from ..problem import Problem
from ._weights import as_weights, layer_norm_columns, u_blocks

__all__ = ["CollapseMeasurement", "measure_collapse", "DEFAULT_COLLAPSE_TOL"]

#: Default tolerance of the collapse verdict: every deviation below (relative
#: norms, 1 - cosines, cosine errors) must be at most this.
DEFAULT_COLLAPSE_TOL = 1e-6


def _unit(X: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    norms = np.linalg.norm(X, axis=axis, keepdims=True)
    safe = np.where(norms > 0, norms, 1.0)
    return X / safe, np.squeeze(norms, axis=axis)


def _scale(X: np.ndarray) -> float:
    """A power of two near ``max |X|`` (1 for a zero array)."""
    top = float(np.max(np.abs(X))) if X.size else 0.0
    return 1.0 if top == 0.0 else math.ldexp(1.0, int(np.frexp(top)[1]) - 1)


def _rel_range(values: np.ndarray) -> float:
    """(max - min) / mean of non-negative values; 0 when all are 0."""
    mean = float(np.mean(values))
    if mean <= 0:
        return 0.0
    return float((np.max(values) - np.min(values)) / mean)


@dataclass(frozen=True)
class CollapseMeasurement:
    """Rotation-invariant collapse measurements of one pair ``(W, U)``.

    Attributes
    ----------
    network : str
        ``"h"`` or ``"h*"``; for h* the features are the LayerNorm'd columns
        :math:`\\varphi(w)` (eq. 18), otherwise the columns of ``W``.
    n_c, s_c, L, d, K : int
        Sizes read from the arrays.
    word_norms : tuple of float
        :math:`\\|w_{(a,b)}\\|` for every word, in column order ``a*s_c + b``
        (raw columns, also for h*).
    r_by_rank : tuple of float
        For each within-concept rank b, the mean over concepts of
        :math:`\\|w_{(a,b)}\\|` (the type-III :math:`r_b`).
    r_concept_spread : float
        max over b of (max - min)/mean over concepts of :math:`\\|w_{(a,b)}\\|`
        (0 when word norms depend on b only).
    word_norm_spread : float
        (max - min)/mean of all word norms (0 for type I).
    concept_cosines : tuple of tuple of float
        :math:`n_c \\times n_c` cosines between the mean concept directions
        :math:`m_a = \\mathrm{normalise}(\\sum_b \\hat w_{(a,b)})` (unit feature
        directions :math:`\\hat w`).
    within_concept_spread : float
        max over words of :math:`1 - \\cos(\\hat w_{(a,b)}, m_a)`.
    equiangular_error : float
        max over :math:`a \\ne b` of :math:`|\\cos(m_a, m_b) + 1/(n_c-1)|`.
    feature_mean_abs : float
        max over concepts of :math:`|\\langle m_a, \\mathbf 1\\rangle|/\\sqrt d`
        (0 for a mean-zero frame, automatic under h*).
    u_norms : numpy.ndarray, shape (K, L)
        :math:`\\|u_{k,l}\\|`.
    u_norm_mean : float
        Mean of ``u_norms``.
    u_norm_spread : float
        (max - min)/mean of ``u_norms`` (0 when all blocks have the same norm).
    u_alignment : float
        min over (k, l) of :math:`\\cos(u_{k,l}, m_{z_{k,l}})`; 1 when every
        block points along the concept direction of its latent letter.
    w_frobenius, u_frobenius : float
        :math:`\\|W\\|_F`, :math:`\\|U\\|_F`.
    tol : float
        Tolerance used for ``collapse_verdict``.
    collapse_verdict : str
        ``"trivial"`` (:math:`\\|U\\|_F \\le` tol, and :math:`\\|W\\|_F \\le` tol for h),
        ``"type I"``, ``"type II"``, ``"type III"`` or ``"not collapsed"``.
    """

    network: str
    n_c: int
    s_c: int
    L: int
    d: int
    K: int
    word_norms: tuple
    r_by_rank: tuple
    r_concept_spread: float
    word_norm_spread: float
    concept_cosines: tuple
    within_concept_spread: float
    equiangular_error: float
    feature_mean_abs: float
    u_norms: np.ndarray
    u_norm_mean: float
    u_norm_spread: float
    u_alignment: float
    w_frobenius: float
    u_frobenius: float
    tol: float
    collapse_verdict: str

    def to_dict(self) -> dict:
        """JSON-ready dictionary (the ``fctheory measure --json`` contract)."""
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value = value.tolist()
            elif isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            out[name] = value
        return out


def _sizes_and_rows(problem_or_n_c, s_c, L, latent):
    """``(n_c, s_c, L, Z)`` of a :class:`~fctheory.Problem`, or of explicit sizes and a latent array
    (``None``: the full set), checked before any row is built."""
    if isinstance(problem_or_n_c, Problem):
        if s_c is not None or L is not None or latent is not None:
            raise InvalidInput("s_c/L/latent", "None when a Problem is given (it holds them)",
                               ", ".join(n for n, v in (("s_c", s_c), ("L", L), ("latent", latent)) if v is not None))
        p = problem_or_n_c
        return p.n_c, p.s_c, p.L, p.latent
    n_c = require_int("n_c", problem_or_n_c, lo=2, hi=MAX_N_C)
    s_c = require_int("s_c", s_c, lo=1, hi=MAX_S_C)
    L = require_int("L", L, lo=1, hi=MAX_L)
    Z = full_latent_set(n_c, L) if latent is None else as_latent_array(latent, n_c, L)
    return n_c, s_c, L, Z


def measure_collapse(W, U, n_c, s_c: int | None = None, L: int | None = None, *, latent=None, network: str = "h",
                     tol: float = DEFAULT_COLLAPSE_TOL) -> CollapseMeasurement:
    """Measure the collapse of ``(W, U)`` (definitions 1-3): the one collapse measurement of fctheory.

    Parameters
    ----------
    W : array_like, shape (d, n_w)
        Word embeddings, column ``a*s_c + b`` = word (a, b).
    U : array_like, shape (K, L*d)
        Row k = :math:`[u_{k,1}, \\dots, u_{k,L}]`.
    n_c : Problem or int
        A :class:`~fctheory.Problem` (its sizes and latent set: ``measure_collapse(W, U, problem)``),
        or the number of concepts, with ``s_c`` and ``L``.
    s_c, L : int
        Words per concept, sentence length (not with a Problem); at most the Setting's limits
        (``fctheory._validate.MAX_S_C``, ``MAX_L``).
    latent : array_like of int, shape (K, L), optional
        The latent variables (not with a Problem); ``None`` means the full set (``K = n_c**L``,
        at most 2**17 rows, refused before it is built).
    network : {"h", "h*"}
        For ``"h*"`` the word features are :math:`\\varphi(w)` (LayerNorm).
    tol : float
        Verdict tolerance (see :class:`CollapseMeasurement`).

    Returns
    -------
    CollapseMeasurement
    """
    network = require_network(network)
    tol = require_real("tol", tol, lo=0, hi=1, lo_open=True, hi_open=True)
    n_c, s_c, L, Z = _sizes_and_rows(n_c, s_c, L, latent)
    W, U = as_weights(W, U, n_c, s_c, L, K=Z.shape[0])
    d = W.shape[0]
    K = Z.shape[0]

    # Every measurement is computed on W / sW and U / sU (sW, sU powers of two, so the division is
    # exact): squares of entries near 1e300 would overflow and near 1e-300 underflow; the norms are
    # scaled back at the end, the cosines and relative spreads do not depend on the scale.
    sW, sU = _scale(W), _scale(U)
    Ws, Us = W / sW, U / sU
    word_norms_s = np.linalg.norm(Ws, axis=0)
    by_concept = word_norms_s.reshape(n_c, s_c)  # [a, b]
    with np.errstate(over="ignore"):
        r_by_rank = by_concept.mean(axis=0) * sW
    r_concept_spread = max(_rel_range(by_concept[:, b]) for b in range(s_c))
    with np.errstate(over="ignore"):
        word_norms = word_norms_s * sW

    w_frob = float(np.linalg.norm(Ws)) * sW
    u_frob = float(np.linalg.norm(Us)) * sU
    trivial = u_frob <= tol and (network == "h*" or w_frob <= tol)

    if network == "h*":
        feats = layer_norm_columns(Ws)
    else:
        feats = Ws
    dirs, _ = _unit(feats, axis=0)
    dirs_by_concept = dirs.reshape(d, n_c, s_c)
    means, _ = _unit(dirs_by_concept.sum(axis=2), axis=0)  # (d, n_c)
    cos_within = np.einsum("dab,da->ab", dirs_by_concept, means)
    within_spread = float(np.max(1.0 - cos_within))
    cosines = means.T @ means
    off = ~np.eye(n_c, dtype=bool)
    equi_err = float(np.max(np.abs(cosines - equiangular_gram(n_c))[off]))
    feature_mean = float(np.max(np.abs(means.sum(axis=0))) / np.sqrt(d))

    blocks = u_blocks(Us, L)  # (K, L, d)
    ublocks_unit, u_norms_s = _unit(blocks, axis=2)
    u_spread = _rel_range(u_norms_s)
    with np.errstate(over="ignore"):
        u_norms = u_norms_s * sU
    u_mean = float(u_norms_s.mean()) * sU
    concept_dir_of_block = means.T[Z]  # (K, L, d)
    u_align = float(np.min(np.einsum("kld,kld->kl", ublocks_unit, concept_dir_of_block)))
    with np.errstate(over="ignore"):
        finite = np.isfinite([w_frob, u_frob, u_mean]).all() and np.isfinite(word_norms).all() and np.isfinite(u_norms).all()
    if not finite:
        raise InvalidInput("W/U", "weights whose norms are finite float64 numbers (below 1.8e308)",
                           f"||W||_F = {w_frob:.3g}, ||U||_F = {u_frob:.3g}")

    word_spread = _rel_range(word_norms)
    collapsed = within_spread <= tol and equi_err <= tol and u_spread <= tol and u_align >= 1.0 - tol
    if trivial:
        verdict = "trivial"
    elif not collapsed:
        verdict = "not collapsed"
    elif network == "h*":
        verdict = "type II"
    elif word_spread <= tol:
        verdict = "type I"
    elif r_concept_spread <= tol:
        verdict = "type III"
    else:
        verdict = "not collapsed"

    return CollapseMeasurement(
        network=network, n_c=n_c, s_c=s_c, L=L, d=d, K=K,
        word_norms=tuple(float(x) for x in word_norms),
        r_by_rank=tuple(float(x) for x in r_by_rank),
        r_concept_spread=float(r_concept_spread),
        word_norm_spread=word_spread,
        concept_cosines=tuple(tuple(float(x) for x in row) for row in cosines),
        within_concept_spread=within_spread,
        equiangular_error=equi_err,
        feature_mean_abs=feature_mean,
        u_norms=u_norms,
        u_norm_mean=u_mean,
        u_norm_spread=u_spread,
        u_alignment=u_align,
        w_frobenius=w_frob,
        u_frobenius=u_frob,
        tol=float(tol),
        collapse_verdict=verdict,
    )
