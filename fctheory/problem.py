"""The problem object: a :class:`~fctheory.Setting` together with its latent set.

A :class:`Setting` fixes the sizes (``n_c, s_c, L, K, d``), λ and μ of the
data model (section 2, appendix A) but not *which* ``K`` latent variables
:math:`z_1, \\dots, z_K \\in [n_c]^L` are present.  A :class:`Problem` adds
that: it is validated once, at construction, and every subsystem (exact risk,
trainer, certificates, latent checks, reports) takes it instead of a setting
and a separate ``latent=`` argument.

The latent set comes from a :class:`LatentSource`:

``full``
    all of :math:`[n_c]^L` in ``itertools.product`` order (``K = n_c**L``);
``random``
    a seeded, uniformly random ``K``-subset (the paper's experiments);
``file``
    a ``.npy``, ``.npz`` (array ``latent``) or text file;
``code``
    a named linear code over GF(q) (``fctheory.latent.named_code``);
``array``
    an explicit integer array given by the caller.

Two problems are equal (and hash equal) when their settings are equal and
their latent arrays have the same content (a SHA-256 digest of the rows); the
source is a description, not part of the identity, so a random set and the
same rows given as an array are the same problem.

Examples
--------
>>> from fctheory import LatentSource, Problem, Setting
>>> p = Problem(Setting(3, 2, 3, "1/100"))                 # the full set [3]^3
>>> p.K, p.source.kind, p.latent.shape
(27, 'full', (27, 3))
>>> q = Problem.sized_by_set(Setting(3, 2, 3, "1/100"), LatentSource.random(10, seed=0))
>>> q.K, q.source.describe()
(10, 'random K=10 seed=0')
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import require_int, require_seed
from .errors import InvalidInput, InvalidLatentSet
from .setting import Setting

__all__ = ["LATENT_KINDS", "LatentSource", "Problem", "as_problem", "setting_of"]

#: The kinds of :class:`LatentSource`.
LATENT_KINDS = ("full", "random", "file", "code", "array")


@dataclass(frozen=True)
class LatentSource:
    """Where a problem's latent set comes from (a description, JSON-ready).

    Build one with :meth:`full`, :meth:`random`, :meth:`file`, :meth:`code`
    or :meth:`array`.

    Attributes
    ----------
    kind : str
        One of :data:`LATENT_KINDS`.
    K : int or None
        The requested size (``random`` only; the others take the set's size).
    seed : int or None
        The seed of a ``random`` set.
    path : str or None
        The file of a ``file`` set.
    code : str or None
        The code name of a ``code`` set (``"ternary-hamming"``, ``"parity:3:4"``, ...).
    """

    kind: str
    K: int | None = None
    seed: int | None = None
    path: str | None = None
    code: str | None = None

    def __post_init__(self):
        if self.kind not in LATENT_KINDS:
            raise InvalidInput("latent source", "one of " + ", ".join(LATENT_KINDS), self.kind)

    @classmethod
    def full(cls) -> "LatentSource":
        """All of :math:`[n_c]^L`."""
        return cls("full")

    @classmethod
    def random(cls, K: int | None = None, *, seed: int = 0) -> "LatentSource":
        """``K`` distinct latent variables drawn uniformly (``K=None``: the setting's ``K``)."""
        if K is not None:
            K = require_int("K", K, lo=2)
        return cls("random", K=K, seed=require_seed("seed", seed))

    @classmethod
    def file(cls, path) -> "LatentSource":
        """A latent file (``.npy``, ``.npz`` with array ``latent``, or text rows)."""
        try:
            text = os.fspath(path)
        except TypeError:
            raise InvalidInput("latent file", "a path (str or os.PathLike)", type(path).__name__) from None
        return cls("file", path=str(text))

    @classmethod
    def code(cls, name: str) -> "LatentSource":
        """A named linear code (its codewords)."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("code", "a code name such as 'ternary-hamming' or 'parity:3:4'", name)
        return cls("code", code=name.strip())

    @classmethod
    def array(cls) -> "LatentSource":
        """An explicit array given by the caller."""
        return cls("array")

    def describe(self) -> str:
        """A one-line description (``"full set"``, ``"random K=10 seed=0"``, ...)."""
        if self.kind == "full":
            return "full set"
        if self.kind == "random":
            return f"random K={self.K} seed={self.seed}"
        if self.kind == "file":
            return f"file {self.path}"
        if self.kind == "code":
            return f"code {self.code}"
        return "explicit array"

    def materialise(self, n_c: int, L: int, K: int | None) -> np.ndarray:
        """The validated int64 ``(K', L)`` latent array this source describes.

        ``K`` is the size a ``random`` source draws when it has none of its own.
        """
        from .latent import full_latent_set, load_latent_file, named_code, random_latent_set

        if self.kind == "full":
            return full_latent_set(n_c, L)
        if self.kind == "random":
            size = self.K if self.K is not None else K
            return random_latent_set(n_c, L, size, seed=self.seed)
        if self.kind == "file":
            return load_latent_file(self.path, n_c, L)
        if self.kind == "code":
            code = named_code(self.code)
            if code.q != n_c or code.L != L:
                raise InvalidLatentSet("code", f"a code over n_c = {n_c} symbols of length L = {L}",
                                       f"{self.code} (q = {code.q}, L = {code.L})")
            return code.codewords()
        raise InvalidLatentSet("latent", "an explicit array (LatentSource.array has no rows of its own)", None)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "random":
            out.update(K=self.K, seed=self.seed)
        elif self.kind == "file":
            out["path"] = self.path
        elif self.kind == "code":
            out["code"] = self.code
        return out


def _digest(latent: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(np.asarray(latent.shape, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(latent, dtype=np.int64).tobytes())
    return h.hexdigest()


def _source_and_array(setting: Setting, latent, seed) -> tuple[LatentSource, np.ndarray]:
    """Interpret the ``latent`` argument (see :class:`Problem`)."""
    from .latent import as_latent_array, resolve_latent

    if seed is not None and not (isinstance(latent, str) and latent == "random"):
        raise InvalidInput("seed", "given only with latent='random'", seed)
    if latent is None or (isinstance(latent, str) and latent == "full"):
        return LatentSource.full(), resolve_latent(setting, None)
    if isinstance(latent, str):
        if latent == "random":
            source = LatentSource.random(setting.K, seed=0 if seed is None else seed)
        else:
            raise InvalidInput("latent", "None, 'full', 'random', a LatentSource or a (K, L) integer array", latent)
    elif isinstance(latent, LatentSource):
        source = latent
    else:
        arr = as_latent_array(latent, setting.n_c, setting.L)
        return LatentSource.array(), resolve_latent(setting, arr)
    arr = source.materialise(setting.n_c, setting.L, setting.K)
    return source, resolve_latent(setting, arr)


class Problem:
    """A :class:`Setting` together with its validated latent set.

    Parameters
    ----------
    setting : Setting
        Sizes, λ, μ (and optionally ``d``).
    latent : None, 'full', 'random', LatentSource or array-like, optional
        ``None``/``'full'``: the full set (``setting.K`` must be ``n_c**L``);
        ``'random'``: ``setting.K`` latent variables drawn with ``seed``;
        a :class:`LatentSource`; or an integer ``(K, L)`` array with
        entries in ``0..n_c-1``, distinct rows.  The set's size must equal
        ``setting.K`` (use :meth:`sized_by_set` to take ``K`` from the set).
    seed : int, optional
        Seed of ``latent='random'`` (default 0).

    Raises
    ------
    InvalidSetting, InvalidLatentSet, InvalidInput
        Naming the bad field and its allowed range.

    Attributes
    ----------
    setting : Setting
    source : LatentSource
    latent : numpy.ndarray
        Read-only int64 array of shape ``(K, L)``.
    digest : str
        SHA-256 of the latent rows (the problem's identity with the setting).
    """

    __slots__ = ("setting", "source", "latent", "digest")

    setting: Setting
    source: LatentSource
    latent: np.ndarray
    digest: str

    def __init__(self, setting: Setting, latent=None, *, seed: int | None = None):
        if isinstance(setting, Problem):
            raise InvalidInput("setting", "a fctheory.Setting (this is already a Problem)", "Problem")
        if not isinstance(setting, Setting):
            raise InvalidInput("setting", "a fctheory.Setting", type(setting).__name__)
        source, arr = _source_and_array(setting, latent, seed)
        arr = np.array(arr, dtype=np.int64, copy=True)
        arr.setflags(write=False)
        object.__setattr__(self, "setting", setting)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "latent", arr)
        object.__setattr__(self, "digest", _digest(arr))

    @classmethod
    def sized_by_set(cls, setting: Setting, latent, *, seed: int | None = None) -> "Problem":
        """A problem whose ``K`` is the latent set's own size.

        For a file, a code or an array (and a ``random`` source with its own
        ``K``), ``setting.K`` is replaced by the number of rows of the set;
        a full source makes ``K = n_c**L``.
        """
        from .latent import as_latent_array

        if not isinstance(setting, Setting):
            raise InvalidInput("setting", "a fctheory.Setting", type(setting).__name__)
        if latent is None or (isinstance(latent, str) and latent == "full") or (
                isinstance(latent, LatentSource) and latent.kind == "full"):
            return cls(setting.replace(K=None), latent)
        if isinstance(latent, LatentSource):
            if latent.kind == "random" and latent.K is None:
                return cls(setting, latent)
            arr = latent.materialise(setting.n_c, setting.L, setting.K)
            problem = cls(setting.replace(K=len(arr)), arr)
            object.__setattr__(problem, "source", latent)
            return problem
        if isinstance(latent, str):
            return cls(setting, latent, seed=seed)
        arr = as_latent_array(latent, setting.n_c, setting.L)
        return cls(setting.replace(K=len(arr)), arr)

    # Immutability -----------------------------------------------------------
    def __setattr__(self, name, value):
        raise AttributeError("Problem is immutable; use Problem.replace(...)")

    def __delattr__(self, name):
        raise AttributeError("Problem is immutable")

    def __eq__(self, other):
        return isinstance(other, Problem) and self.setting == other.setting and self.digest == other.digest

    def __hash__(self):
        return hash((self.setting, self.digest))

    def __repr__(self):
        return f"Problem({self.setting!r}, latent={self.source.describe()!r})"

    def __reduce__(self):
        # pickles as (setting, rows) so worker processes rebuild the same problem
        return (_rebuild, (self.setting, self.source, np.asarray(self.latent)))

    # The setting's fields, for convenience ------------------------------------
    n_c = property(lambda self: self.setting.n_c, doc="number of concepts n_c")
    s_c = property(lambda self: self.setting.s_c, doc="words per concept s_c")
    L = property(lambda self: self.setting.L, doc="sentence length L")
    K = property(lambda self: self.setting.K, doc="number of latent variables K")
    n_w = property(lambda self: self.setting.n_w, doc="vocabulary size n_w = n_c s_c")
    d = property(lambda self: self.setting.d, doc="embedding dimension d (or None)")
    lam = property(lambda self: self.setting.lam, doc="regularization λ (exact Fraction)")
    mu = property(lambda self: self.setting.mu, doc="the word law μ (WordLaw)")
    is_full = property(lambda self: self.setting.is_full, doc="True when K = n_c**L (the full set)")

    def replace(self, **changes) -> "Problem":
        """A copy with some setting fields changed and the same latent source.

        Changes that keep ``n_c``, ``L`` and ``K`` keep the latent rows; a
        ``random`` source draws again at the new sizes with its seed; a
        file, code or array set cannot change size.
        """
        setting = self.setting.replace(**changes)
        same_rows = (setting.n_c, setting.L, setting.K) == (self.n_c, self.L, self.K)
        if same_rows:
            problem = Problem(setting, np.asarray(self.latent))
            object.__setattr__(problem, "source", self.source)
            return problem
        if self.source.kind == "full":
            return Problem(setting, None)
        if self.source.kind == "random":
            return Problem(setting, LatentSource.random(setting.K, seed=self.source.seed))
        raise InvalidInput("changes", f"changes that keep n_c, L and K (a {self.source.kind} latent set has fixed rows)",
                           ", ".join(sorted(changes)))

    def to_dict(self) -> dict:
        """JSON-ready: the setting, the latent source and the rows' digest."""
        return {"setting": self.setting.to_dict(), "latent": {**self.source.to_dict(), "K": self.K,
                                                              "digest": self.digest}}


def _rebuild(setting, source, latent):
    problem = Problem(setting, latent)
    object.__setattr__(problem, "source", source)
    return problem


def as_problem(setting, latent=None, *, field: str = "setting") -> Problem:
    """The :class:`Problem` of the documented call forms ``f(setting, latent=...)`` and ``f(problem)``.

    Raises
    ------
    InvalidInput
        For a problem given together with a separate latent set, or neither a
        Setting nor a Problem.
    """
    if isinstance(setting, Problem):
        if latent is not None:
            raise InvalidInput("latent", "None when a Problem is given (the problem holds its latent set)",
                               type(latent).__name__)
        return setting
    if isinstance(setting, Setting):
        return Problem(setting, latent)
    raise InvalidInput(field, "a fctheory.Problem or fctheory.Setting", type(setting).__name__)


def setting_of(setting, *, field: str = "setting") -> Setting:
    """The :class:`Setting` of a Setting or a Problem, without building any latent rows
    (for size checks that must come before a latent set is materialised)."""
    if isinstance(setting, Problem):
        return setting.setting
    if isinstance(setting, Setting):
        return setting
    raise InvalidInput(field, "a fctheory.Problem or fctheory.Setting", type(setting).__name__)
