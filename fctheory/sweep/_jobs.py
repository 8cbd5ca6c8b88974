"""Jobs as plain data: a job kind (a name and the function it runs) and a JSON dict of parameters.

The sweep imports nothing of the theory: the kinds it may run are handed to it (by
:mod:`fctheory.registry` for grids).  A kind's function is module-level, so a job travels to a
worker as a function reference (workers need fctheory installed) and a dict; nothing in a
user's file names a function: a grid names a *kind*, looked up in the mapping the caller passes.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .._io import canonical_json
from ..errors import InvalidInput

__all__ = ["Job", "JobKind", "JobOutput", "JobResult", "lookup_kind", "CACHE_FORMAT"]

#: Version of the cache-key recipe and of the cache files (bump to invalidate every cache).
CACHE_FORMAT = 2


def _plain(value, where: str):
    """``value`` if it is JSON data (str, int, finite float, bool, None, lists, str-keyed dicts)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(where, "a finite number", value)
    if value is None or isinstance(value, (str, bool, float)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, Mapping):
        raise InvalidInput(where, "plain data (str, int, float, bool, None, lists, dicts)", type(value).__name__)
    for key in value:
        if not isinstance(key, str):
            raise InvalidInput(where, "a mapping with string keys", key)
    return {k: _plain(v, f"{where}.{k}") for k, v in value.items()}


@dataclass(frozen=True)
class JobKind:
    """A kind of job: a name, the function that runs it, and the parameters it takes.

    Attributes
    ----------
    name : str
        What a grid's ``command`` says (``"predict type1"``, ``"train"``, ...).
    function : callable
        Takes the parameter dict and returns a JSON-able dict (or a :class:`JobOutput`); a
        module-level function (or a :func:`functools.partial` of one), so that it pickles by reference.
    keys : tuple of str, or None
        Accepted parameter names (``None``: any).
    required : tuple of str or of tuples of str
        Parameters every job must have; a tuple entry means one of its alternatives
        (``("lam", "lam_over_threshold")``).
    outputs : tuple of str, or None
        The keys of the function's result, when known in advance (lets a grid's ``[plot]`` be
        checked before anything runs).
    summary : tuple of str
        Result keys shown in the summary table.
    description : str
        One line for help texts.
    key_help : tuple of (str, str)
        ``(key, explanation)`` pairs for help texts.
    warm_up : dict or None
        The parameters of a small job run (result discarded) once per process before the first
        job of this kind: the imports and first-call set-up it triggers are then in no job's
        ``seconds``.  ``None``: no warm-up.
    """

    name: str
    function: Callable = field(compare=False)
    keys: tuple | None = None
    required: tuple = ()
    outputs: tuple | None = None
    summary: tuple = ()
    description: str = ""
    key_help: tuple = field(default=(), compare=False)
    warm_up: dict | None = field(default=None, compare=False)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidInput("job kind name", "a non-empty string", self.name)
        if not callable(self.function):
            raise InvalidInput("function", "a callable taking the parameter dict", type(self.function).__name__)
        names = [k for entry in self.required for k in (entry if isinstance(entry, tuple) else (entry,))]
        missing = [k for k in names if self.keys is not None and k not in self.keys]
        if missing:
            raise InvalidInput("required", "a subset of keys", missing)
        if self.warm_up is not None:
            if not isinstance(self.warm_up, Mapping):
                raise InvalidInput("warm_up", "a parameter dict or None", type(self.warm_up).__name__)
            object.__setattr__(self, "warm_up", _plain(self.warm_up, "warm_up"))


def lookup_kind(kinds: Mapping[str, JobKind], name, *, field_name: str = "command") -> JobKind:
    """The kind called ``name`` in ``kinds`` (spaces normalised).

    Raises
    ------
    InvalidInput
        Naming ``field_name`` and the kinds there are (a grid names a kind, never a function).
    """
    key = " ".join(name.split()) if isinstance(name, str) else name
    if not isinstance(key, str) or key not in kinds:
        raise InvalidInput(field_name, "one of " + ", ".join(repr(k) for k in sorted(kinds)), name)
    return kinds[key]


class Job:
    """One job: a :class:`JobKind` and its parameters.

    Parameters
    ----------
    kind : JobKind
    params : mapping
        JSON data (str keys; str, int, finite float, bool, None, lists, dicts).

    Attributes
    ----------
    kind : str
        The kind's name.
    job_kind : JobKind
    function : callable
        What a worker calls with the parameters.
    params : dict
        A private copy (treat as read-only).
    """

    __slots__ = ("kind", "function", "params", "_canonical", "job_kind")

    def __init__(self, kind: JobKind, params: Mapping[str, Any] | None = None):
        if not isinstance(kind, JobKind):
            raise InvalidInput("kind", "a fctheory.sweep.JobKind (from fctheory.operations)", type(kind).__name__)
        params = {} if params is None else params
        if not isinstance(params, Mapping):
            raise InvalidInput("params", "a mapping of parameter names to values", type(params).__name__)
        plain = _plain(dict(params), "params")
        for name, value in (("kind", kind.name), ("job_kind", kind), ("function", kind.function), ("params", plain),
                            ("_canonical", canonical_json({"kind": kind.name, "params": plain}))):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError("Job is immutable")

    def __eq__(self, other):
        return isinstance(other, Job) and self._canonical == other._canonical

    def __hash__(self):
        return hash(self._canonical)

    def __repr__(self):
        return f"Job({self.kind!r}, {self.params!r})"

    def __reduce__(self):
        return (Job, (self.job_kind, self.params))

    def cache_key(self, salt: str = "") -> str:
        """SHA-256 (32 hex digits) of ``(CACHE_FORMAT, kind name, params, salt)``."""
        text = canonical_json({"format": CACHE_FORMAT, "job": self._canonical, "salt": salt})
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "params": dict(self.params)}


@dataclass(frozen=True)
class JobOutput:
    """What a job function may return instead of a plain dict: the dict and named arrays.

    The arrays (trained weights, say) are stored next to the job's cache entry (``<key>.npz``)
    and handed back in :attr:`JobResult.arrays`.
    """

    record: dict
    arrays: dict = field(default_factory=dict)


@dataclass(frozen=True)
class JobResult:
    """A finished job.

    Attributes
    ----------
    index : int
        The job's position in the sequence given to :func:`~fctheory.sweep.run_jobs`.
    job : Job
    key : str
        The cache key.
    status : str
        ``"ok"`` or ``"failed"``.
    result : dict or None
        The job function's JSON dict (``ok`` only).
    error : str or None
        ``"ExceptionType: message"`` (``failed`` only).
    seconds : float
        The job function's own run time, measured on its worker around the call (no worker
        start-up, queueing or transfer; for a cached job, when it ran).
    cached : bool
        True when reused from the cache.
    arrays : dict
        Named numpy arrays the job returned (stored next to the cache entry).
    worker : str
        ``host:pid`` of the process that ran it (``""`` when unknown).
    traceback : str or None
        The formatted traceback of a job that raised (not in results rows).
    """

    index: int
    job: Job
    key: str
    status: str
    result: dict | None
    error: str | None
    seconds: float
    cached: bool = False
    arrays: dict = field(default_factory=dict, compare=False, repr=False)
    worker: str = field(default="", compare=False)
    traceback: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, index: int, job: Job, key: str, outcome: dict, cached: bool) -> "JobResult":
        """The result of ``job`` from a worker's outcome dict or a cache entry (``status`` "ok" when absent)."""
        return cls(index=index, job=job, key=key, status=outcome.get("status", "ok"), result=outcome["result"],
                   error=outcome.get("error"), seconds=float(outcome["seconds"]), cached=cached,
                   arrays=outcome["arrays"], worker=outcome.get("worker", ""), traceback=outcome.get("traceback"))

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        return {"index": self.index, "job": self.job.to_dict(), "key": self.key, "status": self.status,
                "result": self.result, "error": self.error, "seconds": self.seconds, "cached": self.cached,
                "arrays": sorted(self.arrays), "worker": self.worker}
