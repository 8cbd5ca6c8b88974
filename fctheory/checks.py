"""One checked quantity: a predicted value beside a measured one, with the error rule stated.

The brute-force checks of :mod:`fctheory.risk` (``fctheory check``), the
validation report (:mod:`fctheory.report`) and the certificate comparisons of
:mod:`fctheory.certify` all produce :class:`Check` rows.

Error rules (:data:`RULES`; every row says which one it uses):

``relative``
    :math:`|m - p| / |p|` for a scalar prediction :math:`p \\ne 0`; for a
    quantity measured several times (every word, every block) the worst
    measurement is shown.
``relative to scale``
    for a matrix prediction P (a Gram matrix): :math:`\\max_{ij} |M_{ij} -
    P_{ij}| / \\max_{ij} |P_{ij}|`; the entry with the largest error is shown.
``absolute``
    :math:`|m - p|` where the prediction is exactly 0 (the trivial minimizer,
    a vanishing gradient).
``exact``
    a categorical prediction (the collapse verdict), equal or not.
``property``
    no predicted number: the measured value has a stated property (the
    Hessian at 0 is PSD or not, eq. 9).
``at least`` / ``at most``
    a one-sided bound: the error is the signed difference :math:`p - m`; the
    row passes when :math:`p - m \\ge -\\text{tol}` (``at least``: m is a lower
    bound of p, claim G) or :math:`p - m \\le \\text{tol}` (``at most``: p does
    not exceed the certified optimum m, theorem G).

This module imports only numpy (the setting a row refers to is stored, not
imported), so every subpackage can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Check", "RULES", "scalar_check", "matrix_check", "exact_check", "bound_check", "worst_gram_error"]

#: The error rules a :class:`Check` can state.
RULES = ("relative", "relative to scale", "absolute", "exact", "property", "at least", "at most")


@dataclass(frozen=True)
class Check:
    """One predicted value beside its measurement.

    Attributes
    ----------
    quantity : str
        What is compared, e.g. ``"word norm c = sqrt(tau/n_w)"`` or
        ``"lemma K: R(type I) = H(t)"`` (also readable as ``name``, the
        word ``fctheory check`` uses).
    setting : Setting or None
        The setting it was checked on (``None`` where the context holds it, as
        in a report case).
    predicted : float, str or None
        The closed form (a string for a categorical prediction, ``None`` for a
        ``property`` row).
    measured : float or str
    rel_error : float or None
        The error under ``rule`` (the name of the ``fctheory check`` and
        ``results.json`` contracts; an absolute or signed difference for the
        ``absolute``, ``at least`` and ``at most`` rules); ``None`` for
        ``exact`` and ``property`` rows.
    tolerance : float or None
    passed : bool
    detail : str
        The parameter of the check (``t = ...``) and what ``measured`` means.
    rule : str
        One of :data:`RULES`.
    reference : str
        Where the prediction comes from in the paper (``"theorem 1"``,
        ``"lemma K"``, ``"definition 2"``...).
    """

    quantity: str
    setting: Any
    predicted: float | str | None
    measured: float | str
    rel_error: float | None
    tolerance: float | None
    passed: bool
    detail: str = ""
    rule: str = "relative"
    reference: str = ""

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {self.rule!r}")

    @property
    def name(self) -> str:
        """The quantity compared (the name of ``fctheory check``'s column and JSON key)."""
        return self.quantity

    def to_dict(self) -> dict:
        """JSON-ready: the row of ``fctheory check --json`` and of ``results.json``.

        ``quantity`` and ``name`` hold the same string: ``results.json`` has
        always called it ``quantity``, ``fctheory check --json`` ``name``.
        """
        return {
            "quantity": self.quantity,
            "name": self.quantity,
            "setting": None if self.setting is None else self.setting.to_dict(),
            "predicted": self.predicted,
            "measured": self.measured,
            "rel_error": self.rel_error,
            "tolerance": self.tolerance,
            "passed": bool(self.passed),
            "detail": self.detail,
            "rule": self.rule,
            "reference": self.reference,
        }


def scalar_check(quantity: str, reference: str, predicted: float, measured, tol: float, zero_tol: float | None = None,
                 *, setting=None, detail: str = "") -> Check:
    """Compare a scalar prediction with one or many measurements (the worst is shown).

    ``relative`` for :math:`p \\ne 0` (tolerance ``tol``), ``absolute`` for
    :math:`p = 0` (tolerance ``zero_tol``, default ``tol``); NaN never passes.
    """
    values = np.atleast_1d(np.asarray(measured, dtype=float)).ravel()
    p = float(predicted)
    errors = np.abs(values - p)
    i = int(np.argmax(errors)) if values.size else 0
    if p == 0.0:
        err, rule, tolerance = float(errors[i]), "absolute", (tol if zero_tol is None else zero_tol)
    else:
        err, rule, tolerance = float(errors[i] / abs(p)), "relative", tol
    passed = bool(np.isfinite(err) and err <= tolerance)
    return Check(quantity, setting, p, float(values[i]), err, tolerance, passed, detail, rule, reference)


def worst_gram_error(A: np.ndarray, B: np.ndarray, predicted_entry, chunk: int = 2048):
    """Worst entry of ``A.T @ B`` against ``predicted_entry(row_slice) -> matrix``,
    computed in row chunks (bounded memory).  Returns ``(err, p, m, scale)``."""
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
    """Compare the Gram matrix ``A.T @ B`` with a predicted matrix (``relative to scale``).

    ``predicted_entry(row_slice)`` returns the predicted rows, e.g.
    :meth:`fctheory.configurations.CollapseGrams.words`.
    """
    diff, p, m, scale = worst_gram_error(A, B, predicted_entry)
    err = diff / scale if scale > 0 else float("inf")
    return Check(quantity, None, p, m, err, tol, bool(np.isfinite(err) and err <= tol), "", "relative to scale", reference)


def exact_check(quantity: str, reference: str, expected: str, measured: str) -> Check:
    """A categorical prediction (``exact``): passes when equal."""
    return Check(quantity, None, expected, measured, None, None, expected == measured, "", "exact", reference)


def bound_check(quantity: str, reference: str, predicted: float, measured: float, rule: str, tol: float,
                *, setting=None, detail: str = "") -> Check:
    """A one-sided comparison (``at least`` or ``at most``) with slack ``tol``.

    The error is ``predicted - measured``; ``at least`` fails when it is below
    ``-tol``, ``at most`` when it is above ``tol`` (a NaN difference fails
    neither, as in :attr:`fctheory.certify.Comparison.verdict`).
    """
    if rule not in ("at least", "at most"):
        raise ValueError(f"rule must be 'at least' or 'at most', got {rule!r}")
    p, m = float(predicted), float(measured)
    err = p - m
    passed = not (err < -tol) if rule == "at least" else not (err > tol)
    return Check(quantity, setting, p, m, err, tol, bool(passed), detail, rule, reference)
