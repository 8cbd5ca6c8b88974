"""Latent-variable arrays: the full set and validation of user arrays.

A latent set is an integer array of shape ``(K, L)`` with entries in
``0..n_c-1`` and distinct rows; row ``k`` is the latent variable
:math:`z_k \\in [n_c]^L` of class ``k`` (paper, section 2; 0-based here).
"""

from __future__ import annotations

import numpy as np

from .._validate import MAX_LATENT_K, require_full_set_rows, require_latent_rows
from ..errors import InvalidLatentSet

__all__ = ["full_latent_set", "as_latent_array", "resolve_latent", "base_digits"]


def base_digits(values: np.ndarray, base: int, width: int) -> np.ndarray:
    """Row ``i``: the ``width`` base-``base`` digits of ``values[i]``, most significant first (int64)."""
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers[None, :]) % base


def full_latent_set(n_c: int, L: int) -> np.ndarray:
    """All ``n_c**L`` latent variables, row ``k`` = the k-th tuple of
    ``itertools.product(range(n_c), repeat=L)`` (lexicographic order).

    Returns
    -------
    numpy.ndarray of int64, shape ``(n_c**L, L)``

    Raises
    ------
    InvalidInput
        Unless ``n_c >= 2`` and ``L >= 1`` are integers (within the Setting's limits).
    ProblemTooLarge
        When ``n_c**L`` exceeds :data:`fctheory._validate.MAX_LATENT_K` = 2**17, decided before
        anything is built (``L log2 n_c`` first, so a huge ``L`` costs nothing).
    """
    n_c, L = require_full_set_rows(n_c, L)
    return base_digits(np.arange(n_c**L, dtype=np.int64), n_c, L)


def as_latent_array(latent, n_c: int, L: int, *, field: str = "latent") -> np.ndarray:
    """Validate a user latent set and return it as an int64 ``(K, L)`` array.

    Raises
    ------
    InvalidLatentSet
        When the shape is not ``(K, L)`` with ``K >= 2``, an entry is not an
        integer in ``0..n_c-1``, or two rows are equal.
    """
    try:
        arr = np.asarray(latent)
    except (ValueError, TypeError):
        raise InvalidLatentSet(field, f"an integer array of shape (K, {L})", type(latent).__name__) from None
    if arr.ndim != 2 or arr.shape[1] != L or arr.shape[0] < 2:
        raise InvalidLatentSet(field, f"an integer array of shape (K, L={L}) with K >= 2", f"shape {arr.shape}")
    require_latent_rows(arr.shape[0], what=f"the latent set {field} (K rows)")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise InvalidLatentSet(field, f"integers in 0..{n_c - 1}", "non-integer entries")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise InvalidLatentSet(field, f"integers in 0..{n_c - 1}", f"dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.min() < 0 or arr.max() > n_c - 1:
        raise InvalidLatentSet(field, f"integers in 0..n_c-1 = 0..{n_c - 1}", f"range [{arr.min()}, {arr.max()}]")
    unique = np.unique(arr, axis=0)
    if unique.shape[0] != arr.shape[0]:
        raise InvalidLatentSet(field, "distinct rows (distinct latent variables)", f"{arr.shape[0] - unique.shape[0]} repeated rows")
    return np.ascontiguousarray(arr)


def resolve_latent(setting, latent=None) -> np.ndarray:
    """The validated int64 ``(K, L)`` latent array of a :class:`~fctheory.Setting`.

    ``None`` means the full set (then ``setting.K`` must be ``n_c**L``);
    otherwise the array must have ``setting.K`` rows of length ``setting.L``
    with entries in ``0..n_c-1``, all distinct.  This is how a
    :class:`~fctheory.Problem` validates its rows; a Problem's rows are
    ``problem.latent`` (a Problem is not accepted here: the latent package
    sits below the problem object).
    """
    from ..setting import Setting

    if not isinstance(setting, Setting):
        raise InvalidLatentSet("setting", "a fctheory.Setting (for a Problem, use problem.latent)",
                               type(setting).__name__)
    if latent is None:
        if not setting.is_full:
            raise InvalidLatentSet(
                "latent",
                f"an integer array of shape (K={setting.K}, L={setting.L})",
                None,
                "latent=None means the full set, but setting.K < n_c**L",
            )
        require_latent_rows(setting.K, what="the full latent set n_c**L",
                            hint=f"K = n_c**L = {setting.n_c}**{setting.L} rows cannot be built (limit {MAX_LATENT_K})")
        return full_latent_set(setting.n_c, setting.L)
    arr = as_latent_array(latent, setting.n_c, setting.L)
    if arr.shape[0] != setting.K:
        raise InvalidLatentSet("latent", f"an array with K = setting.K = {setting.K} rows", f"{arr.shape[0]} rows")
    return arr
