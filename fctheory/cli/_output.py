"""The CLI's one JSON printer (the convention is docs/json.md).

Every ``--json`` output goes through :func:`print_json`: standard JSON only
(``allow_nan=False``: a NaN or an infinity is never written as the non-standard
``NaN``/``Infinity``).  A non-finite float in a payload is an error that names
its key path, so a broken number never reaches a reader as a valid document.
"""

from __future__ import annotations

import json
import math
import sys

from ..errors import VerificationError

__all__ = ["print_json", "non_finite_path"]


def non_finite_path(value, path: str = "$") -> str | None:
    """The key path (``$.a.b[2]``) of the first NaN or infinite float in ``value``, or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            found = non_finite_path(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = non_finite_path(item, f"{path}[{i}]")
            if found:
                return found
    return None


def print_json(payload, *, indent: int | None = None, stream=None) -> None:
    """Write ``payload`` as one standard JSON document and a newline (stdout by default).

    Raises
    ------
    VerificationError
        When a float of the payload is NaN or infinite (naming its key path).
    """
    try:
        text = json.dumps(payload, indent=indent, allow_nan=False)
    except ValueError:
        where = non_finite_path(payload) or "a value"
        raise VerificationError(f"the result is not finite at {where}; nothing was written "
                                "(fctheory writes standard JSON only, never NaN or Infinity)") from None
    out = sys.stdout if stream is None else stream
    out.write(text + "\n")
