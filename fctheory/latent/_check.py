"""All symmetry checks of a latent set at once, and its distance profile |S_r|.

:func:`check_latent_set` runs assumption A (eq. 35), lemma B (i)-(iii) and
assumption B (eq. 44) on one latent set, sharing the exact count tensor
between the first two.  :func:`sphere_sizes` turns a latent set into the
profile :math:`|S_1|, \\dots, |S_L|` that defines

.. math::

    H_Z(t) = \\log\\Bigl(1 + \\sum_{r=1}^{L} |S_r| e^{-\\eta t r}\\Bigr) + \\lambda t

(lemma K, appendix C; the type-II analogue :math:`H^*_Z` likewise), used by
:func:`fctheory.predict_type1` / :func:`fctheory.predict_type2` through their
``sphere_sizes=`` argument.  The proofs of theorems 1 and 3 use only lemma B
(i)-(iii) and the sphere sizes, so the prediction is exact for sets that
satisfy lemma B (e.g. linear codes); otherwise the mean sphere sizes over the
classes are used and the profile is labelled an approximation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidInput
from ._assumption_a import AssumptionA, check_assumption_a
from ._assumption_b import AssumptionB, check_assumption_b
from ._counts import distance_counts, validated
from ._lemma_b import LemmaB, check_lemma_b

__all__ = ["LatentCheck", "check_latent_set", "sphere_sizes"]


@dataclass(frozen=True)
class LatentCheck:
    """Assumption A, lemma B and assumption B for one latent set.

    Attributes
    ----------
    n_c, L, K : int
    source : str
        Where the latent set came from.
    assumption_a : AssumptionA
    lemma_b : LemmaB
    assumption_b : AssumptionB
    """

    n_c: int
    L: int
    K: int
    source: str
    assumption_a: AssumptionA
    lemma_b: LemmaB
    assumption_b: AssumptionB

    def to_dict(self) -> dict:
        a = self.assumption_a.to_dict()
        b = self.lemma_b.to_dict()
        c = self.assumption_b.to_dict()
        return {
            "n_c": self.n_c,
            "L": self.L,
            "K": self.K,
            "source": self.source,
            "assumption_a": {"holds": a.pop("holds"), "deviation": a.pop("deviation"), **a},
            "lemma_b": {"holds": b.pop("holds"), "i": b.pop("i"), "ii": b.pop("ii"), "iii": b.pop("iii"), **b},
            "assumption_b": {"holds": c.pop("holds"), "nullspace_dim": c.pop("nullspace_dim"),
                             "witness": c.pop("witness"), **c},
        }


def _is_problem(latent) -> bool:
    """A :class:`~fctheory.Problem`, recognised by its fields: the latent package sits below
    ``fctheory.problem`` (a problem materialises its set here) and does not import it."""
    return all(hasattr(latent, name) for name in ("setting", "source", "latent", "digest"))


def _rows_of(latent, n_c, source):
    """``(rows, n_c, source)`` of a :class:`~fctheory.Problem` (its validated rows) or of an array."""
    if _is_problem(latent):
        if n_c is not None and n_c != latent.n_c:
            raise InvalidInput("n_c", f"None or the problem's n_c = {latent.n_c}", n_c)
        return latent.latent, latent.n_c, latent.source.describe() if source is None else source
    if n_c is None:
        raise InvalidInput("n_c", "the number of concepts (an integer >= 2) for a latent array", None)
    return validated(latent, n_c), n_c, "latent set" if source is None else source


def check_latent_set(latent, n_c: int | None = None, *, source: str | None = None, progress: bool = False) -> LatentCheck:
    """Run every symmetry check of appendix B on ``latent``.

    Parameters
    ----------
    latent : Problem or array_like of int, shape ``(K, L)``
        A :class:`~fctheory.Problem` (its latent set), or distinct latent
        variables with entries in ``0..n_c-1``.
    n_c : int
        Number of concepts (taken from a Problem).
    source : str
        Description stored in the result (default: the problem's source, or
        ``"latent set"``).
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    LatentCheck
    """
    Z, n_c, source = _rows_of(latent, n_c, source)
    dc = distance_counts(Z, n_c, progress=progress)
    a = check_assumption_a(Z, n_c, counts=dc)
    b = check_lemma_b(Z, n_c, counts=dc)
    c = check_assumption_b(Z, n_c, progress=progress)
    return LatentCheck(dc.n_c, dc.L, dc.K, str(source), a, b, c)


def sphere_sizes(latent, n_c: int | None = None, *, source: str | None = None, lemma_b: LemmaB | None = None,
                 progress: bool = False):
    """The distance profile :math:`|S_1|, \\dots, |S_L|` of a latent set.

    Parameters
    ----------
    latent : Problem or array_like of int, shape ``(K, L)``
    n_c : int
        Number of concepts (taken from a Problem).
    source : str
        Short description stored in the profile (default: the problem's
        source, or ``"latent set"``).
    lemma_b : LemmaB, optional
        A precomputed :func:`check_lemma_b` result for this set.
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    fctheory.SphereSizes
        ``counts`` = the common :math:`|S_r(k)|` when lemma B (i) holds, else
        the mean over ``k`` (exact fractions); ``exact`` = lemma B (i)-(iii)
        holds.
    """
    from ..predict import SphereSizes

    Z, n_c, source = _rows_of(latent, n_c, source)
    result = lemma_b if lemma_b is not None else check_lemma_b(Z, n_c, progress=progress)
    if result.holds:
        label = f"{source} (lemma B holds)"
    else:
        label = f"{source} (lemma B fails: mean sphere sizes, an approximation)"
    return SphereSizes.from_counts(result.mean_sphere_sizes, K=result.K, exact=result.holds, source=label)
