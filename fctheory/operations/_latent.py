"""``latent check`` (assumption A, lemma B, assumption B) and ``measure`` (collapse of any weights) as specs."""

from __future__ import annotations

from dataclasses import dataclass

from .._validate import MAX_L, MAX_N_C, MAX_S_C, NETWORKS, require_int, require_one_of, require_real, require_seed, \
    require_str
from ..errors import InvalidInput
from ..problem import LatentSource
from ._params import FULL_WORDS

__all__ = ["LatentSetSpec", "LatentCheckSpec", "MeasureSpec", "resolve_latent_set"]


@dataclass(frozen=True)
class LatentSetSpec:
    """A latent set named by parameters: ``n_c``, ``L`` and the full set, ``K`` + ``seed`` (random),
    ``code`` or ``latent_file``.  ``K`` must equal a code's or a file's size when both are given."""

    n_c: int
    L: int
    source: LatentSource
    K: int | None = None

    def rows(self):
        latent = self.source.materialise(self.n_c, self.L, self.K)
        if self.source.kind in ("file", "code") and self.K is not None and self.K != len(latent):
            raise InvalidInput("K", f"the number of latent variables of {self.source.describe()}, {len(latent)}",
                               self.K)
        return latent


def resolve_latent_set(params, *, default: str = "full") -> LatentSetSpec | None:
    """The :class:`LatentSetSpec` of ``params`` (``None`` when it names none and ``default`` is ``"none"``)."""
    code, path, K = params.get("code"), params.get("latent_file"), params.get("K")
    if code is not None:
        from ..latent import named_code

        named_code(require_str("code", code))  # a bad name is the first error
    from ..latent import require_latent_sizes

    n_c, L = require_latent_sizes(params.get("n_c"), params.get("L"))  # the latent tools' limits (64, 64)
    if code is not None and path is not None:
        raise InvalidInput("code/latent_file", "at most one of the two", f"{code}, {path}")
    if isinstance(K, str) and K.strip().lower() in FULL_WORDS:
        K = n_c**L if (code is not None or path is not None) else None
    K = None if K is None else require_int("K", K, lo=2)
    if code is not None:
        from ._params import require_code_shape

        require_code_shape(code, n_c, L)
        return LatentSetSpec(n_c, L, LatentSource.code(code), K)
    if path is not None:
        return LatentSetSpec(n_c, L, LatentSource.file(require_str("latent_file", path)), K)
    if K is not None and K != n_c**L:
        return LatentSetSpec(n_c, L, LatentSource.random(K, seed=require_seed("seed", params.get("seed", 0))), K)
    return None if default == "none" else LatentSetSpec(n_c, L, LatentSource.full())


@dataclass(frozen=True)
class LatentCheckSpec:
    """Assumption A (eq. 35), lemma B and assumption B (eq. 44) of a latent set, exactly."""

    latent: LatentSetSpec

    @classmethod
    def from_params(cls, params) -> "LatentCheckSpec":
        return cls(resolve_latent_set(params))

    def run(self, *, progress: bool = False):
        from ..latent import check_latent_set

        return check_latent_set(self.latent.rows(), self.latent.n_c, source=self.latent.source.describe(),
                                progress=progress)


@dataclass(frozen=True)
class MeasureSpec:
    """Collapse measurements (:func:`fctheory.measure_collapse`) of the weights in an ``.npz`` file.

    The latent set is the file's own ``latent`` array when it has one (what ``reproduce`` and
    ``predict optimum --save`` write), else ``code``/``latent_file``/``K``+``seed``, else the full set.
    """

    weights: str
    n_c: int
    s_c: int
    L: int
    latent: LatentSetSpec | None = None
    network: str = "h"
    tol: float | None = None

    @classmethod
    def from_params(cls, params) -> "MeasureSpec":
        s_c = require_int("s_c", params.get("s_c"), lo=1, hi=MAX_S_C)
        n_c = require_int("n_c", params.get("n_c"), lo=2, hi=MAX_N_C)
        L = require_int("L", params.get("L"), lo=1, hi=MAX_L)
        named = any(params.get(k) is not None for k in ("code", "latent_file", "K"))
        latent = resolve_latent_set(params, default="none") if named else None
        tol = params.get("tol")
        return cls(require_str("weights", params.get("weights")), n_c, s_c, L, latent,
                   require_one_of("network", params.get("network", "h"), NETWORKS),
                   None if tol is None else require_real("tol", tol, lo=0, lo_open=True, hi=1))

    def run(self):
        from ..train import DEFAULT_COLLAPSE_TOL, load_weights, measure_collapse

        W, U = load_weights(self.weights)
        latent = self.latent.rows() if self.latent is not None else _file_latent(self.weights, self.n_c, self.L)
        tol = DEFAULT_COLLAPSE_TOL if self.tol is None else self.tol
        return measure_collapse(W, U, self.n_c, self.s_c, self.L, latent=latent, network=self.network, tol=tol)


def _file_latent(path: str, n_c: int, L: int):
    """The ``latent`` array a weights file carries (validated for ``n_c``, ``L``), or ``None``."""
    from .._io import load_npz
    from ..latent import as_latent_array, require_latent_sizes

    data = load_npz(path, "WEIGHTS", names=("latent",))  # read once: the array is validated as it is
    if "latent" not in data:
        return None
    n_c, L = require_latent_sizes(n_c, L)
    return as_latent_array(data["latent"], n_c, L, field=f"the latent array of {path!r}")
