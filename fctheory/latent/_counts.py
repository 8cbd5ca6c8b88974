"""The count tensor of a latent set: sphere sizes and per-position concept counts.

For a latent set :math:`z_1, \\dots, z_K \\in [n_c]^L` this module computes,
exactly and for every class ``k``, every radius ``r = 1..L``, every position
``l`` and every concept ``a``,

.. math::

    T[k, r, l, a] = |\\{ j : \\mathrm{dist}(z_j, z_k) = r,\\ z_{j,l} = a \\}|

(the left-hand side of assumption A, eq. 35) and the sphere sizes
:math:`|S_r(k)|` of eq. (36).  Everything else in :mod:`fctheory.latent`
(assumption A, lemma B (i)-(iii), the profile ``|S_r|``) is read off these
integers.

Algorithm (vectorised, exact)
-----------------------------
With the one-hot rows :math:`X_k = \\mathrm{vec}(Z_k) \\in \\{0,1\\}^{L n_c}`,
the number of agreeing positions is :math:`X X^T`, so the distance matrix of a
block of classes is one matrix product.  The counts for all radii are then
obtained with a few more products by *packing* radii into the bits of a
float64: with disjoint bit ranges ``off_r .. off_r + w_r - 1`` where
:math:`2^{w_r}` exceeds every possible :math:`|S_r(k)|`,

.. math::

    P[k, q] = \\sum_j 2^{\\mathrm{off}_{d(j,k)}} X[j, q]
            = \\sum_r 2^{\\mathrm{off}_r} T[k, r, q],

and every partial sum is an integer below :math:`2^{53}`, so the float64
product is exact and the digits are recovered with integer shifts.  One
column of ones gives :math:`|S_r(k)|`; the last concept of every position is
``|S_r(k)|`` minus the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import require_latent_sizes
from ..errors import InvalidLatentSet, ProblemTooLarge
from ._arrays import as_latent_array

__all__ = ["DistanceCounts", "distance_counts", "validated", "counts_and_mask", "one_hot"]

# The largest K analysed is fctheory._validate.MAX_LATENT_K = 2**17 (the work grows like K^2), checked by
# as_latent_array.  The float32 distance products sum at most L <= 64 ones, so they are exact for any K.
#: Largest count tensor (K * L * L * n_c entries, int32) materialised.
MAX_COUNT_ENTRIES = 2**28
#: Bits of an exact float64 integer.
_MANTISSA_BITS = 53
#: Side of the square tiles of the count-tensor passes (cache-sized: 512^2 float64 = 2 MiB).
_TILE = 512


def validated(latent, n_c) -> np.ndarray:
    """Validate ``latent`` as a ``(K, L)`` latent set over ``n_c`` concepts (L from its shape)."""
    try:
        arr = np.asarray(latent)
    except (ValueError, TypeError):  # ragged rows
        raise InvalidLatentSet("latent", "a 2-D integer array of shape (K, L)", type(latent).__name__) from None
    if arr.ndim != 2:
        raise InvalidLatentSet("latent", "a 2-D integer array of shape (K, L)", f"shape {arr.shape}")
    n_c, L = require_latent_sizes(n_c, arr.shape[1])
    return as_latent_array(arr, n_c, L)  # refuses K > MAX_LATENT_K (the checks cost K^2 work)


def one_hot(latent: np.ndarray, n_c: int, dtype=np.float32) -> np.ndarray:
    """Rows :math:`\\mathrm{vec}(Z_k)`: ``X[k, l*n_c + a] = 1{z_{k,l} = a}`` (eq. 22's Z_k, flattened)."""
    K, L = latent.shape
    X = np.zeros((K, L, n_c), dtype=dtype)
    X[np.arange(K)[:, None], np.arange(L)[None, :], latent] = 1
    return X.reshape(K, L * n_c)


@dataclass(frozen=True)
class DistanceCounts:
    """Exact sphere sizes and count tensor of a latent set.

    Attributes
    ----------
    n_c, L, K : int
    sizes : numpy.ndarray of int64, shape ``(K, L + 1)``
        ``sizes[k, r]`` = :math:`|S_r(k)|` (eq. 36); ``sizes[k, 0] = 1``.
    T : numpy.ndarray of int32, shape ``(K, L, L, n_c)``
        ``T[k, r - 1, l, a]`` = :math:`|\\{j : d(z_j, z_k) = r, z_{j,l} = a\\}|`
        for ``r = 1..L`` (the left side of eq. 35).
    """

    n_c: int
    L: int
    K: int
    sizes: np.ndarray
    T: np.ndarray

    def to_dict(self) -> dict:
        """JSON-ready nested lists (``T`` indexed ``[k][r-1][l][a]``)."""
        return {"n_c": self.n_c, "L": self.L, "K": self.K, "sizes": self.sizes.tolist(), "T": self.T.tolist()}


def _packing_groups(max_sizes: np.ndarray, L: int) -> list[list[tuple[int, int, int]]]:
    """Radii grouped into float64 words: lists of ``(r, offset, width)``.

    ``width_r`` is the bit length of :math:`\\max_k |S_r(k)|`, so every count
    :math:`T[k, r, q] \\le |S_r(k)| < 2^{w_r}` fits its bit range and every
    packed sum stays below :math:`2^{53}` (exact in float64).  Radii with
    empty spheres are skipped.
    """
    groups: list[list[tuple[int, int, int]]] = [[]]
    used = 0
    for r in range(1, L + 1):
        if max_sizes[r] == 0:
            continue
        width = int(max_sizes[r]).bit_length()
        if used + width > _MANTISSA_BITS:
            groups.append([])
            used = 0
        groups[-1].append((r, used, width))
        used += width
    return [g for g in groups if g]


def _tile_pairs(K: int, tile: int, progress: bool, desc: str):
    """Pairs of tiles ``(I, J)`` with ``J >= I``: each unordered pair of classes is visited once."""
    starts = list(range(0, K, tile))
    pairs = [(i, j) for n, i in enumerate(starts) for j in starts[n:]]
    if progress:
        from tqdm import tqdm

        return tqdm(pairs, desc=desc, unit="tile", leave=False)
    return pairs


def counts_and_mask(latent, n_c, counts: DistanceCounts | None, progress: bool):
    """``(dc, same)`` for the checks that read the count tensor (assumption A, lemma B).

    ``latent`` is validated; ``dc`` is ``counts`` or, when that is ``None``,
    :func:`distance_counts` of ``latent``, and ``same[k, l, a] =
    1{z_{k,l} = a}`` is the one-hot :math:`Z_k` of eq. (22), transposed to
    ``(l, a)`` (a ``(K, L, n_c)`` bool array).
    """
    Z = validated(latent, n_c)
    K, L = Z.shape
    if counts is None:
        dc = distance_counts(Z, n_c, progress=progress)
    elif not isinstance(counts, DistanceCounts) or (counts.K, counts.L, counts.n_c) != (K, L, int(n_c)):
        raise InvalidLatentSet("counts", f"the DistanceCounts of this latent set (K={K}, L={L}, n_c={n_c}) or None",
                               type(counts).__name__ if not isinstance(counts, DistanceCounts)
                               else f"counts for K={counts.K}, L={counts.L}, n_c={counts.n_c}")
    else:
        dc = counts
    return dc, one_hot(Z, int(n_c), bool).reshape(K, L, int(n_c))


def distance_counts(latent, n_c: int, *, progress: bool = False) -> DistanceCounts:
    """Compute :class:`DistanceCounts` exactly (see the module docstring for the method).

    The distance is symmetric, so the ``K x K`` work is done on tiles
    ``(I, J)`` with ``J >= I`` only; an off-diagonal tile serves the classes of
    ``I`` (rows) and of ``J`` (columns).

    Parameters
    ----------
    latent : array_like of int, shape ``(K, L)``
        Distinct latent variables with entries in ``0..n_c-1``.
    n_c : int
        Number of concepts.
    progress : bool
        Show progress bars on stderr.
    """
    Z = validated(latent, n_c)
    n_c = int(n_c)
    K, L = Z.shape
    if K * L * L * n_c > MAX_COUNT_ENTRIES:
        raise ProblemTooLarge("the count tensor (K * L * L * n_c entries)", K * L * L * n_c, MAX_COUNT_ENTRIES)
    X = one_hot(Z, n_c, np.float32)
    tile = min(K, _TILE)
    M = np.empty((tile, tile), dtype=np.float32)
    D = np.empty((tile, tile), dtype=np.intp)
    D8 = np.empty((tile, tile), dtype=np.int8)
    row_offsets = (L + 1) * np.arange(tile, dtype=np.intp)

    def agreements(i: int, j: int) -> np.ndarray:
        # eq. (36): d(z_j, z_k) = L - #agreeing positions = L - <X_j, X_k> (exact in float32)
        ni, nj = min(K, i + tile) - i, min(K, j + tile) - j
        m = M[:ni, :nj]
        np.matmul(X[i : i + ni], X[j : j + nj].T, out=m)
        np.subtract(L, m, out=m)
        return m

    # pass 1: sphere sizes |S_r(k)| (eq. 36), row- and column-wise histograms of distances
    sizes = np.zeros((K, L + 1), dtype=np.int64)
    for i, j in _tile_pairs(K, tile, progress, "sphere sizes"):
        m = agreements(i, j)
        ni, nj = m.shape
        d = D[:ni, :nj]
        d[...] = m
        d += row_offsets[:ni, None]
        sizes[i : i + ni] += np.bincount(d.ravel(), minlength=ni * (L + 1)).reshape(ni, L + 1)
        if j != i:
            d -= row_offsets[:ni, None]
            d += row_offsets[None, :nj]
            sizes[j : j + nj] += np.bincount(d.ravel(), minlength=nj * (L + 1)).reshape(nj, L + 1)
    groups = _packing_groups(sizes.max(axis=0), L)

    # pass 2: the count tensor, radii packed into float64 bit ranges
    Xr = X.reshape(K, L, n_c)[:, :, : n_c - 1].reshape(K, -1)
    Xr = np.ascontiguousarray(Xr, dtype=np.float64)
    tables = []
    for group in groups:
        table = np.zeros(L + 1, dtype=np.float64)
        for r, off, _ in group:
            table[r] = float(2**off)
        tables.append(table)
    packed = [np.zeros((K, Xr.shape[1]), dtype=np.float64) for _ in groups]
    for i, j in _tile_pairs(K, tile, progress, "count tensor"):
        m = agreements(i, j)
        ni, nj = m.shape
        d = D8[:ni, :nj]
        d[...] = m
        for table, P in zip(tables, packed):
            w = table[d]  # 2^{off_r} at distance r, 0 outside the group
            P[i : i + ni] += w @ Xr[j : j + nj]
            if j != i:
                P[j : j + nj] += w.T @ Xr[i : i + ni]
    T = np.zeros((K, L, L, n_c), dtype=np.int32)
    for group, P in zip(groups, packed):
        Pi = P.astype(np.int64)
        for r, off, width in group:
            part = ((Pi >> off) & ((1 << width) - 1)).reshape(K, L, n_c - 1)
            T[:, r - 1, :, : n_c - 1] = part
            T[:, r - 1, :, n_c - 1] = sizes[:, r, None] - part.sum(axis=2)
    return DistanceCounts(n_c, L, K, sizes, T)
