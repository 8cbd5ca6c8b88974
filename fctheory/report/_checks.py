"""One checked quantity: predicted beside measured, with the error rule stated.

Error rules (the report prints which one each row uses):

``relative``
    :math:`|m - p| / |p|` for a scalar prediction p ≠ 0; for a quantity
    measured several times (every word, every block) the worst measurement
    is shown.
``relative to scale``
    for a matrix prediction P (a Gram matrix): :math:`\\max_{ij} |M_{ij} -
    P_{ij}| / \\max_{ij} |P_{ij}|`; the entry with the largest error is shown.
``absolute``
    :math:`|m - p|` where the prediction is exactly 0 (the trivial minimizer).
``exact``
    a categorical prediction (the collapse verdict), equal or not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Check", "scalar_check", "matrix_check", "verdict_check", "worst_gram_error"]


@dataclass(frozen=True)
class Check:
    """One table row of the report.

    Attributes
    ----------
    quantity : str
        What is compared, e.g. ``"word norm c"``.
    reference : str
        Where the prediction comes from in the paper.
    predicted, measured : float or str
    rel_error : float or None
        The error under ``rule`` (``None`` for ``exact`` rows).
    rule : str
        ``relative``, ``relative to scale``, ``absolute`` or ``exact``.
    tolerance : float or None
    passed : bool
    """

    quantity: str
    reference: str
    predicted: float | str
    measured: float | str
    rel_error: float | None
    rule: str
    tolerance: float | None
    passed: bool

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def scalar_check(quantity: str, reference: str, predicted: float, measured, tol: float, zero_tol: float) -> Check:
    """Compare a scalar prediction with one or many measurements (worst shown)."""
    values = np.atleast_1d(np.asarray(measured, dtype=float)).ravel()
    p = float(predicted)
    errors = np.abs(values - p)
    i = int(np.argmax(errors)) if values.size else 0
    if p == 0.0:
        err, rule, tolerance = float(errors[i]), "absolute", zero_tol
    else:
        err, rule, tolerance = float(errors[i] / abs(p)), "relative", tol
    passed = bool(np.isfinite(err) and err <= tolerance)
    return Check(quantity, reference, p, float(values[i]), err, rule, tolerance, passed)


def worst_gram_error(A: np.ndarray, B: np.ndarray, predicted_entry, chunk: int = 2048):
    """Worst entry of ``A.T @ B`` against ``predicted_entry(i_slice) -> matrix``,
    computed in row chunks (bounded memory).  Returns (err, p, m, scale)."""
    worst = (-1.0, 0.0, 0.0)
    scale = 0.0
    for start in range(0, A.shape[1], chunk):
        stop = min(A.shape[1], start + chunk)
        M = A[:, start:stop].T @ B
        P = predicted_entry(slice(start, stop))
        scale = max(scale, float(np.max(np.abs(P))))
        diff = np.abs(M - P)
        j = np.unravel_index(int(np.argmax(diff)), diff.shape)
        if diff[j] > worst[0]:
            worst = (float(diff[j]), float(P[j]), float(M[j]))
    return worst[0], worst[1], worst[2], scale


def matrix_check(quantity: str, reference: str, A: np.ndarray, B: np.ndarray, predicted_entry, tol: float) -> Check:
    """Compare the Gram matrix ``A.T @ B`` with a predicted matrix (relative to its scale)."""
    diff, p, m, scale = worst_gram_error(A, B, predicted_entry)
    err = diff / scale if scale > 0 else float("inf")
    return Check(quantity, reference, p, m, err, "relative to scale", tol, bool(np.isfinite(err) and err <= tol))


def verdict_check(expected: str, measured: str, tol: float) -> Check:
    return Check(f"collapse verdict (tol {tol:g})", "definitions 1-3", expected, measured, None, "exact", None,
                 expected == measured)
