"""Jobs as plain data: a registered job kind and a JSON-able dict of parameters.

A :class:`JobKind` names a function by its import path (``"package.module:function"``),
so a job travels to any worker — a local worker process or a Dask worker on another
machine — as two strings and a dict; the worker imports the function itself.
Nothing here knows what a job computes.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .._io import canonical_json
from ..errors import InvalidInput

__all__ = ["Job", "JobKind", "JobResult", "register_job_kind", "job_kind", "job_kinds", "kind_for", "resolve_target",
           "CACHE_FORMAT", "JOB_STATUSES"]

#: Version of the cache-key recipe and of the cache files (bump to invalidate every cache).
CACHE_FORMAT = 1
#: The statuses of a finished job.
JOB_STATUSES = ("ok", "failed")

_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_REGISTRY: dict[str, "JobKind"] = {}
#: Modules imported on the first lookup of an unregistered kind; they register
#: the commands a grid file can name (``fctheory sweep``).  A name, not an
#: import: this package does not depend on what the commands compute.
DEFAULT_PROVIDERS = ("fctheory.sweep_commands",)
_providers_loaded = False


@dataclass(frozen=True)
class JobKind:
    """A kind of job: a name, the function that runs it, and the parameters it takes.

    Attributes
    ----------
    name : str
        What a grid's ``command`` says (``"predict type1"``, ``"train"``, ...).
    target : str
        ``"package.module:function"``; the function takes the parameter dict
        and returns a JSON-able dict (or a :class:`JobOutput`).
    keys : tuple of str, or None
        Accepted parameter names (``None``: any).
    required : tuple of str or of tuples of str
        Parameters every job must have; a tuple entry means one of its
        alternatives (``("lam", "lam_over_threshold")``).
    outputs : tuple of str, or None
        The keys of the function's result, when known in advance (lets a grid's
        ``[plot]`` be checked before anything runs).
    summary : tuple of str
        Result keys shown in the summary table.
    description : str
        One line for help texts.
    key_help : tuple of (str, str)
        ``(key, explanation)`` pairs for help texts.
    """

    name: str
    target: str
    keys: tuple | None = None
    required: tuple = ()
    outputs: tuple | None = None
    summary: tuple = ()
    description: str = ""
    key_help: tuple = field(default=(), compare=False)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidInput("job kind name", "a non-empty string", self.name)
        if not isinstance(self.target, str) or not _TARGET.match(self.target):
            raise InvalidInput("target", "'package.module:function'", self.target)
        names = [k for entry in self.required for k in (entry if isinstance(entry, tuple) else (entry,))]
        missing = [k for k in names if self.keys is not None and k not in self.keys]
        if missing:
            raise InvalidInput("required", "a subset of keys", missing)


def register_job_kind(kind: JobKind) -> JobKind:
    """Register (or re-register, identically) a job kind under its name."""
    if not isinstance(kind, JobKind):
        raise InvalidInput("kind", "a fctheory.sweep.JobKind", type(kind).__name__)
    old = _REGISTRY.get(kind.name)
    if old is not None and old.target != kind.target:
        raise InvalidInput(f"job kind {kind.name!r}", f"registered once (it runs {old.target})", kind.target)
    _REGISTRY[kind.name] = kind
    return kind


def _load_providers() -> None:
    global _providers_loaded
    if not _providers_loaded:
        _providers_loaded = True
        for module in DEFAULT_PROVIDERS:
            importlib.import_module(module)


def job_kinds() -> tuple[str, ...]:
    """The registered job kind names, sorted."""
    _load_providers()
    return tuple(sorted(_REGISTRY))


def job_kind(name: str, *, field_name: str = "command") -> JobKind:
    """The registered :class:`JobKind` called ``name``.

    Raises
    ------
    InvalidInput
        Naming ``field_name`` and the registered kinds.
    """
    if name not in _REGISTRY:
        _load_providers()
    if not isinstance(name, str) or name not in _REGISTRY:
        raise InvalidInput(field_name, "one of " + ", ".join(repr(k) for k in sorted(_REGISTRY)), name)
    return _REGISTRY[name]


def kind_for(command: str, *, field_name: str = "command") -> JobKind:
    """The registered kind ``command``, or an ad-hoc kind for a target ``"package.module:function"``
    (any parameters; the function takes the parameter dict and returns a JSON dict)."""
    if isinstance(command, str) and _TARGET.match(command):
        return _REGISTRY.get(command) or JobKind(name=command, target=command, description=f"the function {command}")
    return job_kind(command, field_name=field_name)


def resolve_target(target: str) -> Callable:
    """Import ``"package.module:function"`` and return the function."""
    if not isinstance(target, str) or not _TARGET.match(target):
        raise InvalidInput("target", "'package.module:function'", target)
    module, _, name = target.partition(":")
    fn = getattr(importlib.import_module(module), name, None)
    if not callable(fn):
        raise InvalidInput("target", f"a function defined in {module}", target)
    return fn


def _check_plain(value, where: str):
    """Return ``value`` if it is JSON data (str, int, finite float, bool, None, lists, str-keyed dicts)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(where, "a finite number", value)
        return value
    if isinstance(value, (list, tuple)):
        return [_check_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InvalidInput(where, "a mapping with string keys", k)
            out[k] = _check_plain(v, f"{where}.{k}")
        return out
    raise InvalidInput(where, "plain data (str, int, float, bool, None, lists, dicts)", type(value).__name__)


class Job:
    """One job: a kind (a registered name or a ``"module:function"`` target) and its parameters.

    Parameters
    ----------
    kind : str or JobKind
        A registered job kind name, a :class:`JobKind`, or a target
        ``"package.module:function"`` used directly.
    params : mapping
        JSON data (str keys; str, int, finite float, bool, None, lists, dicts).

    Attributes
    ----------
    kind : str
        The name (or the target, for an unregistered function).
    target : str
        ``"package.module:function"``.
    params : dict
        A private copy (treat as read-only).
    key : str
        The content hash: SHA-256 of the cache format, the target and the
        canonical JSON of the parameters (plus the ``salt`` of
        :func:`~fctheory.sweep.run_jobs`, see :meth:`cache_key`).
    """

    __slots__ = ("kind", "target", "params", "_canonical")

    def __init__(self, kind, params: Mapping[str, Any] | None = None):
        if isinstance(kind, JobKind):
            name, target = kind.name, kind.target
        elif isinstance(kind, str) and _TARGET.match(kind):
            name, target = kind, kind
        else:
            jk = job_kind(kind, field_name="kind")
            name, target = jk.name, jk.target
        if params is None:
            params = {}
        if not isinstance(params, Mapping):
            raise InvalidInput("params", "a mapping of parameter names to values", type(params).__name__)
        plain = _check_plain(dict(params), "params")
        object.__setattr__(self, "kind", name)
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "params", plain)
        object.__setattr__(self, "_canonical", canonical_json({"target": target, "params": plain}))

    def __setattr__(self, name, value):
        raise AttributeError("Job is immutable")

    def __eq__(self, other):
        return isinstance(other, Job) and self._canonical == other._canonical

    def __hash__(self):
        return hash(self._canonical)

    def __repr__(self):
        return f"Job({self.kind!r}, {self.params!r})"

    def __reduce__(self):
        return (_rebuild_job, (self.kind, self.target, self.params))

    def cache_key(self, salt: str = "") -> str:
        """SHA-256 (32 hex digits) of ``(CACHE_FORMAT, target, params, salt)``."""
        text = canonical_json({"format": CACHE_FORMAT, "job": self._canonical, "salt": salt})
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "target": self.target, "params": dict(self.params)}


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
        Time the job function ran (on the worker; for a cached job, when it ran).
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

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        return {"index": self.index, "job": self.job.to_dict(), "key": self.key, "status": self.status,
                "result": self.result, "error": self.error, "seconds": self.seconds, "cached": self.cached,
                "arrays": sorted(self.arrays), "worker": self.worker}


def _rebuild_job(kind: str, target: str, params: dict) -> Job:
    job = Job(target, params)
    object.__setattr__(job, "kind", kind)
    return job
