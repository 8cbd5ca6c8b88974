"""Equiangular frames (definitions 1-3) and their Gram matrix.

Equiangular vectors :math:`f_1, \\dots, f_{n_c} \\in \\mathbb R^d`: unit norm and
:math:`\\langle f_a, f_b\\rangle = -1/(n_c - 1)` for :math:`a \\ne b` (so
:math:`\\sum_a f_a = 0`); they exist iff :math:`d \\ge n_c - 1`.  A mean-zero
frame also has :math:`\\langle f_a, 1_d\\rangle = 0` (needs :math:`d \\ge n_c`).
The Gram matrix :math:`E[a, e] = \\langle f_a, f_e\\rangle = (n_c 1\\{a = e\\} -
1)/(n_c - 1)` is the same for every frame, so everything built from it is
rotation invariant.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import MAX_SEED, require_int
from ..errors import InvalidInput

__all__ = ["equiangular_frame", "equiangular_gram", "MAX_FRAME_D"]

#: Largest dimension ``d`` of a frame: a random rotation is the QR factorisation of a ``d x d``
#: Gaussian matrix (three ``d x d`` float64 arrays: 400 MiB at 4096), and even without one the frame
#: is cut from ``d x d`` orthogonal matrices.
MAX_FRAME_D = 4096


def _as_rng(rng, field: str = "rng"):
    """``None`` -> ``None``; a seed (an integer in ``[0, 2**63 - 1]``) or a :class:`numpy.random.Generator` ->
    a Generator.  ``field`` is the name the caller knows (``rotation`` for the configurations)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and 0 <= int(rng) <= MAX_SEED:
        return np.random.default_rng(int(rng))
    raise InvalidInput(field, "None, a seed (an integer in [0, 2**63 - 1]) or a numpy.random.Generator", rng)


def _orthonormal_complement_of_ones(d: int) -> np.ndarray:
    """An orthonormal basis (``d x (d-1)``) of :math:`1_d^\\perp`."""
    H = np.eye(d) - 1.0 / d
    Q, _ = np.linalg.qr(H[:, : d - 1] if d > 1 else H)
    # the first d-1 columns of the centring projector span 1^perp
    return Q[:, : d - 1]


def _random_orthogonal(m: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-distributed orthogonal ``m x m`` matrix (QR of a Gaussian, sign-fixed)."""
    G = rng.standard_normal((m, m))
    Q, Rm = np.linalg.qr(G)
    return Q * np.sign(np.diag(Rm))[None, :]


def equiangular_frame(n_c: int, d: int, *, mean_zero: bool = False, rng=None) -> np.ndarray:
    """An equiangular frame ``F`` of shape ``(d, n_c)`` (column ``a`` is :math:`f_a`).

    Built from the centred simplex :math:`e_a - \\tfrac1{n_c} 1` of
    :math:`\\mathbb R^{n_c}` (Gram matrix :math:`\\tfrac{n_c}{n_c-1}(I - \\tfrac1{n_c} 1 1^T)`
    after normalisation) written in an orthonormal basis of its span and
    embedded isometrically in :math:`\\mathbb R^d` -- inside :math:`1_d^\\perp`
    when ``mean_zero``.

    Parameters
    ----------
    n_c : int, >= 2
    d : int, >= n_c - 1 (>= n_c when ``mean_zero``)
    mean_zero : bool
        Also require :math:`\\langle f_a, 1_d\\rangle = 0` (type II, LayerNorm).
    rng : None, int or numpy.random.Generator
        If given, apply a random rotation (Haar; within :math:`1_d^\\perp` when
        ``mean_zero``), so that the frame is in general position.
    """
    n_c = require_int("n_c", n_c, lo=2, hi=MAX_FRAME_D + 1)
    lo = n_c if mean_zero else n_c - 1
    what = "a mean-zero equiangular frame" if mean_zero else "an equiangular frame"
    d = require_int("d", d, lo=lo)
    if d > MAX_FRAME_D:
        raise InvalidInput("d", f"an integer in [{lo}, {MAX_FRAME_D}] for {what} of n_c = {n_c} vectors", d)
    gen = _as_rng(rng)
    simplex = np.eye(n_c) - 1.0 / n_c
    simplex /= np.linalg.norm(simplex, axis=0, keepdims=True)
    basis = _orthonormal_complement_of_ones(n_c)  # (n_c, n_c - 1)
    coords = basis.T @ simplex  # (n_c - 1, n_c), same Gram matrix as ``simplex``
    if mean_zero:
        target = _orthonormal_complement_of_ones(d)  # (d, d - 1)
        m = d - 1
    else:
        target = np.eye(d)
        m = d
    if gen is not None:
        target = target @ _random_orthogonal(m, gen)
    return target[:, : n_c - 1] @ coords


def equiangular_gram(n_c: int) -> np.ndarray:
    """The Gram matrix ``E`` of an equiangular frame: 1 on the diagonal, :math:`-1/(n_c-1)` off it (definition 1)."""
    E = np.full((n_c, n_c), -1.0 / (n_c - 1))
    np.fill_diagonal(E, 1.0)
    return E
