"""The registry: every operation a grid file, a suite or the CLI may run, by public name.

Explicit, with no import side effects: the operations of :mod:`fctheory.operations`, the
validation case of :mod:`fctheory.report` and the two jobs of the under-sampling study
(:mod:`fctheory.study`).  :mod:`fctheory.sweep` runs only what it is handed from here; a grid's
``command`` is looked up in :func:`job_kinds` and can name nothing else (no
``module:function`` from a user's file is ever imported).

>>> from fctheory.registry import job_kinds
>>> sorted(job_kinds())[:3]
['certify', 'claim-h', 'predict threshold']
"""

from __future__ import annotations

import functools

__all__ = ["job_kinds", "load_grid"]


@functools.lru_cache(maxsize=None)
def _kinds() -> tuple:
    from .operations import operation_kinds
    from .report import CASE_JOB
    from .study import SAMPLES_JOB, SYMMETRY_JOB

    kinds = dict(operation_kinds())
    for kind in (CASE_JOB, SYMMETRY_JOB, SAMPLES_JOB):
        kinds[kind.name] = kind
    return tuple(sorted(kinds.items()))


def job_kinds() -> dict:
    """Operation name -> :class:`fctheory.sweep.JobKind` (a fresh dict; the kinds are immutable)."""
    return dict(_kinds())


def load_grid(path, *, force: bool = False):
    """:func:`fctheory.sweep.load_grid` with the registry's operations (the only commands a grid may name)."""
    from .sweep import load_grid as _load

    return _load(path, job_kinds(), force=force)
