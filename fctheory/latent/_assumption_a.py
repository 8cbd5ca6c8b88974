"""Assumption A (appendix B, eq. 35): exact check and calibrated deviation.

Assumption A asks, for every class ``k``, radius ``r = 1..L``, position ``l``
and concept ``a``,

.. math::

    T[k, r, l, a] = |\\{j : d(z_j, z_k) = r,\\ z_{j,l} = a\\}|
    = \\frac{K}{n_c^L} M_r(a, l, k), \\qquad
    M_r = \\begin{cases} \\binom{L-1}{r} (n_c-1)^r & z_{k,l} = a \\\\
                        \\binom{L-1}{r-1} (n_c-1)^{r-1} & z_{k,l} \\ne a \\end{cases}
    \\qquad (35)

where :math:`M_r` is the number of words of :math:`[n_c]^L` with that
property.  For ``r = 1`` and :math:`a \\ne z_{k,l}` the right-hand side is
:math:`K/n_c^L`, an integer only when :math:`K = n_c^L`: with distinct latent
variables, **assumption A holds exactly only for the full set**.

Deviation
---------
``deviation`` is the relative Frobenius error
:math:`\\|T - T_A\\|_F / \\|T_A\\|_F` of the count tensor against the
right-hand side :math:`T_A` of eq. (35).  ``noise_level`` is the value a
uniformly random ``K``-subset of :math:`[n_c]^L` has on average, in the
root-mean-square sense :math:`\\sqrt{E\\|T - T_A\\|_F^2} / \\|T_A\\|_F`, computed
exactly from hypergeometric moments: given :math:`z_k`, the other ``K - 1``
latent variables are a uniform sample without replacement from the
:math:`N - 1` other words (:math:`N = n_c^L`), of which :math:`M` lie in the
set counted by ``T[k, r, l, a]``, so that count has mean
:math:`\\mu = (K-1)M/(N-1)` and variance
:math:`(K-1)\\frac{M}{N-1}(1-\\frac{M}{N-1})\\frac{N-K}{N-2}`, and
:math:`E(T - KM/N)^2 = \\mathrm{Var} + (\\mu - KM/N)^2`.  ``deviation_ratio =
deviation / noise_level`` is about 1 for a random subset ("as symmetric as a
random set of this size can be"), much larger for structurally biased sets,
and below 1 for sets more regular than random.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from math import comb

import numpy as np

from ._counts import DistanceCounts, counts_and_mask

__all__ = ["AssumptionA", "check_assumption_a", "assumption_a_noise_level", "hypergeometric_variance"]


@dataclass(frozen=True)
class AssumptionA:
    """Result of :func:`check_assumption_a`.

    Attributes
    ----------
    holds : bool
        Eq. (35) holds exactly for every ``(k, r, l, a)``.
    n_c, L, K : int
    integral : bool
        Whether every right-hand side :math:`K M_r / n_c^L` is an integer (a
        necessary condition; true only for ``K = n_c**L``).
    deviation : float
        :math:`\\|T - T_A\\|_F / \\|T_A\\|_F` (0 when ``holds``).
    noise_level : float
        RMS relative Frobenius error of a uniformly random ``K``-subset
        (exact hypergeometric moments; 0 for ``K = n_c**L``).
    deviation_ratio : float or None
        ``deviation / noise_level``; ``None`` when ``noise_level == 0``.
    first_violation : dict or None
        The first ``(k, r, l, a)`` (0-based k, l, a; r = 1..L) where eq. (35)
        fails, with the observed count and the exact expected value (a
        fraction string).
    """

    holds: bool
    n_c: int
    L: int
    K: int
    integral: bool
    deviation: float
    noise_level: float
    deviation_ratio: float | None
    first_violation: dict | None

    def to_dict(self) -> dict:
        return {
            "holds": self.holds,
            "n_c": self.n_c,
            "L": self.L,
            "K": self.K,
            "integral": self.integral,
            "deviation": self.deviation,
            "noise_level": self.noise_level,
            "deviation_ratio": self.deviation_ratio,
            "first_violation": self.first_violation,
        }


def _word_counts(n_c: int, L: int) -> tuple[list[int], list[int]]:
    """``M1[r], M0[r]`` for r = 0..L: eq. (35)'s word counts for z_{k,l} = a and != a."""
    m1 = [comb(L - 1, r) * (n_c - 1) ** r for r in range(L + 1)]
    m0 = [0] + [comb(L - 1, r - 1) * (n_c - 1) ** (r - 1) for r in range(1, L + 1)]
    return m1, m0


def hypergeometric_variance(draws: int, population: int, successes: int) -> Fraction:
    """Variance of the number of successes in ``draws`` draws without replacement.

    From a population of ``population`` items of which ``successes`` count:
    :math:`n p (1 - p) \\frac{P - n}{P - 1}` with :math:`n` = ``draws``,
    :math:`P` = ``population`` and :math:`p` = ``successes / population``
    (the hypergeometric variance), exact; 0 when ``population <= 1``.
    """
    if population <= 1:
        return Fraction(0)
    share = Fraction(successes, population)
    return draws * share * (1 - share) * Fraction(population - draws, population - 1)


def assumption_a_noise_level(n_c: int, L: int, K: int) -> float:
    """RMS relative Frobenius deviation from eq. (35) of a uniformly random ``K``-subset.

    :math:`\\sqrt{E\\|T - T_A\\|_F^2} / \\|T_A\\|_F`, exact hypergeometric
    moments (module docstring); both norms are ``K L`` times a sum over
    ``r`` of one ``z_{k,l} = a`` term and ``n_c - 1`` other terms.
    """
    N = n_c**L
    m1, m0 = _word_counts(n_c, L)
    p = Fraction(K, N)

    def mean_square_error(M: int) -> Fraction:
        if N == K or M == 0:
            return Fraction(0)
        # K - 1 draws from the N - 1 words other than z_k, M of them counted
        bias = Fraction((K - 1) * M, N - 1) - p * M
        return hypergeometric_variance(K - 1, N - 1, M) + bias * bias

    err = sum(mean_square_error(m1[r]) + (n_c - 1) * mean_square_error(m0[r]) for r in range(1, L + 1))
    ref = sum((p * m1[r]) ** 2 + (n_c - 1) * (p * m0[r]) ** 2 for r in range(1, L + 1))
    return math.sqrt(err / ref) if ref else 0.0


def check_assumption_a(latent, n_c: int, *, counts: DistanceCounts | None = None, progress: bool = False) -> AssumptionA:
    """Decide assumption A (eq. 35) exactly and measure the deviation.

    Parameters
    ----------
    latent : array_like of int, shape ``(K, L)``
        Distinct latent variables in ``0..n_c-1``.
    n_c : int
        Number of concepts.
    counts : DistanceCounts, optional
        Precomputed :func:`~fctheory.latent._counts.distance_counts` (reused
        by :func:`fctheory.latent.check_latent_set`).
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    AssumptionA
    """
    dc, same = counts_and_mask(latent, n_c, counts, progress)
    n_c, L, K = dc.n_c, dc.L, dc.K
    N = n_c**L
    m1, m0 = _word_counts(n_c, L)
    exp1 = [Fraction(K * m1[r], N) for r in range(L + 1)]
    exp0 = [Fraction(K * m0[r], N) for r in range(L + 1)]
    integral = all(e.denominator == 1 for e in exp1[1:] + exp0[1:])
    # float64 deviation: sum over (k, r, l, a) of (T - K M / N)^2
    err2 = 0.0
    for r in range(1, L + 1):
        expected = np.where(same, float(exp1[r]), float(exp0[r]))
        err2 += float(np.sum((dc.T[:, r - 1] - expected) ** 2))
    ref2 = K * L * sum(float(exp1[r]) ** 2 + (n_c - 1) * float(exp0[r]) ** 2 for r in range(1, L + 1))
    deviation = math.sqrt(err2 / ref2)
    noise = assumption_a_noise_level(n_c, L, K)
    ratio = deviation / noise if noise > 0 else None
    violation = None
    if integral:
        e1 = np.array([int(v) for v in exp1[1:]], dtype=np.int64)[None, :, None, None]
        e0 = np.array([int(v) for v in exp0[1:]], dtype=np.int64)[None, :, None, None]
        bad = np.argwhere(dc.T != np.where(same[:, None, :, :], e1, e0))
        holds = bad.shape[0] == 0
        if not holds:
            k, r1, l, a = (int(v) for v in bad[0])
            violation = _violation(k, r1 + 1, l, a, int(dc.T[k, r1, l, a]), exp1 if same[k, l, a] else exp0)
    else:
        holds = False
        r = next(r for r in range(1, L + 1) if exp1[r].denominator != 1 or exp0[r].denominator != 1)
        # a (k, l, a) of the non-integral kind: k = 0, l = 0, a = z_{0,0} or another concept
        z00 = int(np.argmax(same[0, 0]))
        a = z00 if exp1[r].denominator != 1 else (z00 + 1) % n_c
        violation = _violation(0, r, 0, a, int(dc.T[0, r - 1, 0, a]), exp1 if a == z00 else exp0)
    return AssumptionA(holds, n_c, L, K, integral, 0.0 if holds else deviation, noise, ratio, violation)


def _violation(k, r, l, a, count, table) -> dict:
    # str(Fraction) is "p" for an integer, "p/q" otherwise
    return {"k": k, "r": r, "l": l, "a": a, "count": count, "expected": str(table[r])}
