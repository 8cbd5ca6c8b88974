"""The distance profile |S_r| of a latent set, and the partition function it defines.

Lemma K (appendix C) computes the risk of a collapsed configuration by
grouping, for every class ``k``, the other latent variables by their Hamming
distance ``r`` to ``z_k``.  The margin between classes at distance ``r`` is
``eta t r`` (type I) or ``eta* t r`` (type II), so the data term is
``log Z(s)`` with

.. math::

    Z(s) = 1 + \\sum_{r=1}^{L} |S_r| \\, e^{-s r}, \\qquad s = \\eta t.

Under assumption A (eq. 35) the counts are :math:`|S_r| = (K/n_c^L)
\\binom{L}{r} (n_c-1)^r` and the binomial theorem gives the closed form
used by theorems 1 and 3,

.. math::

    Z(s) = 1 - \\frac{K}{n_c^L} + \\frac{K}{n_c^L}\\bigl(1 + (n_c-1)e^{-s}\\bigr)^L .

For a latent set satisfying lemma B (i)-(iii) (e.g. a linear code) the
proofs go through with the set's own sphere sizes, giving ``H_Z``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb
from typing import Sequence

import mpmath

from .._precision import fraction_to_mpf
from ..errors import InvalidInput
from ..setting import Setting, to_fraction
from ._enclosure import iv_expm1, iv_log1p

__all__ = ["SphereSizes"]


@dataclass(frozen=True)
class SphereSizes:
    """The sphere sizes :math:`|S_1|, \\dots, |S_L|` that define ``Z(s)``.

    Build with :meth:`assumption_a` (the closed form of theorems 1/3) or
    :meth:`from_counts` (a concrete latent set).

    Attributes
    ----------
    L : int
        Sentence length (number of possible non-zero distances).
    K : int
        Number of latent variables.
    counts : tuple of Fraction or None
        Explicit :math:`|S_r|` for ``r = 1..L``; ``None`` for the
        assumption-A closed form.
    n_c : int or None
        Number of concepts (assumption A only).
    exact : bool
        True when the profile is exactly the one the proofs need (assumption A,
        or a set satisfying lemma B); False when it is an average over classes
        of a set that does not satisfy lemma B (the prediction is then an
        approximation).
    source : str
        Where the profile came from.
    """

    L: int
    K: int
    counts: tuple[Fraction, ...] | None
    n_c: int | None
    exact: bool
    source: str

    # ------------------------------------------------------------------ build
    @classmethod
    def assumption_a(cls, setting: Setting) -> "SphereSizes":
        """The profile of assumption A (eq. 35), summed in closed form.

        This is the paper's formula for every ``K``.  Assumption A can hold
        exactly only for the full set (its ``r = 1`` count ``K/n_c^L`` must be
        an integer; see docs/latent.md), so for ``K < n_c^L`` the profile is
        the paper's idealisation and ``exact`` is False: it even gives
        ``Z(0) = 1 - K/n_c^L + K`` where a real latent set has ``Z(0) = K``.
        For a concrete latent set use its own sphere sizes
        (:func:`fctheory.latent.sphere_sizes`).
        """
        full = setting.is_full
        source = "assumption A (eq. 35)" + ("" if full else ", the paper's formula for K < n_c^L")
        return cls(setting.L, setting.K, None, setting.n_c, full, source)

    @classmethod
    def from_counts(cls, counts: Sequence, *, K: int, exact: bool, source: str = "latent set") -> "SphereSizes":
        """A profile from explicit sphere sizes ``counts[r-1] = |S_r|``.

        Parameters
        ----------
        counts : sequence of numbers
            ``|S_1|, ..., |S_L|`` (non-negative; exact rationals kept exact).
        K : int
            Number of latent variables; ``1 + sum(counts)`` must equal ``K``.
        exact : bool
            Whether the latent set satisfies lemma B (i)-(iii) exactly.
        source : str
            A short description for reports.
        """
        values = tuple(to_fraction(f"counts[{i}]", c, InvalidInput) for i, c in enumerate(counts))
        if not values:
            raise InvalidInput("counts", "a non-empty sequence |S_1|..|S_L|", counts)
        if any(v < 0 for v in values):
            raise InvalidInput("counts", "non-negative sphere sizes", [str(v) for v in values])
        if 1 + sum(values) != K:
            raise InvalidInput("counts", f"sphere sizes with 1 + sum = K = {K}", f"1 + sum = {1 + sum(values)}")
        if all(v == 0 for v in values):
            raise InvalidInput("counts", "a profile with at least one non-zero |S_r|", "all zero")
        return cls(len(values), int(K), values, None, bool(exact), str(source))

    def require_matches(self, setting: Setting) -> None:
        """Raise unless these sphere sizes belong to ``setting`` (same K and L)."""
        if self.K != setting.K or self.L != setting.L:
            raise InvalidInput(
                "sphere_sizes",
                f"sphere sizes for K = {setting.K}, L = {setting.L}",
                f"sphere sizes for K = {self.K}, L = {self.L}",
            )

    #: Deprecated name of :meth:`require_matches` (input guards are ``require_*``).
    check_matches = require_matches

    # ------------------------------------------------------------ exact sums
    @property
    def fraction(self) -> Fraction:
        """:math:`K/n_c^L` under assumption A (1 for explicit profiles)."""
        return Fraction(self.K, self.n_c**self.L) if self.counts is None else Fraction(1)

    def first_moment(self) -> Fraction:
        """:math:`\\sum_r r |S_r| = -Z'(0)`, exactly.

        Assumption A: :math:`(K/n_c^L) L (n_c-1) n_c^{L-1}`.
        """
        if self.counts is None:
            return self.fraction * self.L * (self.n_c - 1) * self.n_c ** (self.L - 1)
        return sum((r * c for r, c in enumerate(self.counts, start=1)), Fraction(0))

    def total(self) -> Fraction:
        """:math:`Z(0) = 1 + \\sum_r |S_r|`, exactly.

        Assumption A: :math:`1 - K/n_c^L + K` (equal to ``K`` only for the full set).
        """
        if self.counts is None:
            return 1 + self.fraction * (self.n_c**self.L - 1)
        return 1 + sum(self.counts, Fraction(0))

    def as_counts(self) -> tuple[Fraction, ...]:
        """The explicit :math:`|S_r|` (expanding the assumption-A binomials)."""
        if self.counts is not None:
            return self.counts
        p = self.fraction
        return tuple(p * comb(self.L, r) * (self.n_c - 1) ** r for r in range(1, self.L + 1))

    # ------------------------------------------------------- Z and derivatives
    def evaluate(self, ctx, s):
        """``(Z(s) - 1, -Z'(s), Z''(s))`` in the arithmetic of ``ctx``.

        ``Z - 1`` rather than ``Z`` so that ``log Z = log1p(Z - 1)`` keeps its
        relative accuracy when the data term is small (large ``s``).

        ``ctx`` is :data:`mpmath.mp` (point arithmetic at the current
        precision) or an interval context (then every operation is rounded
        outward and the triple encloses the exact values).

        Assumption A, with :math:`x = (n_c-1)e^{-s}`, :math:`B = 1 + x`,
        :math:`p = K/n_c^L`:

        * :math:`Z - 1 = p (B^L - 1)`
        * :math:`-Z' = p L x B^{L-1}`
        * :math:`Z'' = p L x B^{L-2} (B + (L-1) x)`
        """
        interval = ctx is not mpmath.mp
        if self.counts is None:
            p = _const(ctx, self.fraction)
            L = self.L
            x = (self.n_c - 1) * ctx.exp(-s)
            if interval:
                log_b = iv_log1p(ctx, x)  # tight relative to tiny x
                excess = iv_expm1(ctx, L * log_b)
            else:
                log_b = ctx.log1p(x)
                excess = ctx.expm1(L * log_b)
            b_pow = ctx.exp((L - 2) * log_b)  # B^{L-2}
            b = 1 + x
            minus_dz = p * L * x * b_pow * b
            d2z = p * L * x * b_pow * (b + (L - 1) * x)
            return p * excess, minus_dz, d2z
        z = ctx.mpf(0)
        minus_dz = ctx.mpf(0)
        d2z = ctx.mpf(0)
        for r, count in enumerate(self.counts, start=1):
            if count == 0:
                continue
            term = _const(ctx, count) * ctx.exp(-r * s)
            z += term
            minus_dz += r * term
            d2z += r * r * term
        return z, minus_dz, d2z

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "exact": self.exact,
            "K": self.K,
            "L": self.L,
            "counts": None if self.counts is None else [str(c) for c in self.counts],
        }


def _const(ctx, value: Fraction):
    """An exact rational in ``ctx`` (a tight enclosure for interval contexts)."""
    return fraction_to_mpf(value, ctx)
