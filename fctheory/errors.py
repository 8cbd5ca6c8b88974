"""One exception hierarchy for everything fctheory raises on purpose.

Every error a user can trigger with bad input is an :class:`FctheoryError`;
the CLI turns these into a one-line ``error: ...`` message.  Errors about a
single input field carry the field name and the allowed range so that the
message can say exactly what to change.
"""

from __future__ import annotations

__all__ = [
    "FctheoryError",
    "InvalidSetting",
    "InvalidInput",
    "InvalidLatentSet",
    "NoNontrivialSolution",
    "VerificationError",
    "ProblemTooLarge",
]


class FctheoryError(Exception):
    """Base class of every error fctheory raises deliberately."""


class InvalidInput(FctheoryError, ValueError):
    """A named input is outside its allowed range.

    Parameters
    ----------
    field : str
        The name of the offending input, as the user spelled it.
    allowed : str
        A human-readable statement of the allowed values.
    got : object, optional
        The value received (shown with ``repr``-like formatting).
    detail : str, optional
        An extra sentence of explanation.
    """

    def __init__(self, field: str, allowed: str, got: object = None, detail: str = ""):
        self.field = field
        self.allowed = allowed
        self.got = got
        self.detail = detail
        message = f"{field} must be {allowed}"
        if got is not None:
            shown = repr(got)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            message += f" (got {shown})"
        if detail:
            message += f"; {detail}"
        super().__init__(message)


class InvalidSetting(InvalidInput):
    """A field of :class:`fctheory.Setting` is invalid."""


class InvalidLatentSet(InvalidInput):
    """A latent-variable array is malformed (shape, range or distinctness)."""


class NoNontrivialSolution(FctheoryError):
    """The requested non-trivial solution does not exist for these parameters.

    Raised by :func:`fctheory.predict_type1` when λ is at or above the type-I
    threshold (theorem 1: the minimizer is ``W = U = 0``) and by
    :func:`fctheory.predict_type3` when λ is at or above the threshold of
    eq. (9) (the only critical point of the type-III system is ``W = U = 0``).
    The threshold is carried in ``threshold`` and the risk at ``W = U = 0``
    in ``risk`` (both mpmath numbers, or None when not known).
    """

    def __init__(self, message: str, threshold: object = None, risk: object = None):
        self.threshold = threshold
        self.risk = risk
        super().__init__(message)


class VerificationError(FctheoryError, ArithmeticError):
    """A solver could not certify its answer (residual or enclosure check failed)."""


class ProblemTooLarge(FctheoryError):
    """The requested computation exceeds a stated size limit."""

    def __init__(self, what: str, size: object, limit: object, hint: str = ""):
        self.what = what
        self.size = size
        self.limit = limit
        message = f"{what} is too large: {size} exceeds the limit {limit}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)
