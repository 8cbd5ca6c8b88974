"""The CLI's one JSON printer (the convention is docs/json.md).

Every ``--json`` output goes through :func:`print_json`: standard JSON only,
written by :func:`fctheory._io.dumps_json`.  On the command line a NaN or an
infinity is an error that names its key path, so a broken number never reaches
a reader as a valid document.
"""

from __future__ import annotations

import sys

from .._io import dumps_json, non_finite_path

__all__ = ["print_json", "non_finite_path"]


def print_json(payload, *, indent: int | None = None, stream=None) -> None:
    """Write ``payload`` as one standard JSON document and a newline (stdout by default).

    Raises
    ------
    VerificationError
        When a float of the payload is NaN or infinite (naming its key path).
    """
    text = dumps_json(payload, indent=indent, non_finite="error")
    out = sys.stdout if stream is None else stream
    out.write(text + "\n")
