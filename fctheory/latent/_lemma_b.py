"""Lemma B (appendix B): the three properties the collapse proofs use, decided exactly.

With :math:`Z_k \\in \\{0,1\\}^{n_c \\times L}` the one-hot matrix of
:math:`z_k` (eq. 22) and :math:`S_r(k) = \\{j : d(z_j, z_k) = r\\}` (eq. 36):

(i)   :math:`|S_r(k)|` does not depend on ``k`` (for every ``r = 1..L``);
(ii)  :math:`\\sum_k Z_k = (K/n_c) 1 1^T` and :math:`Z Z^T = (KL/n_c) I`;
(iii) there are :math:`\\theta_r > 0` and :math:`A_r \\in \\mathbb{R}^{n_c \\times L}` with
      :math:`Z_k - \\frac{1}{|S_r(k)|}\\sum_{j \\in S_r(k)} Z_j = \\theta_r Z_k + A_r` for all ``k``.

Empty spheres.  The proofs only use (iii) multiplied by :math:`|S_r(k)|`, so a
class with :math:`S_r(k) = \\emptyset` imposes nothing at radius ``r``; a
radius whose spheres are all empty (e.g. ``r`` below a code's minimum distance)
has no :math:`\\theta_r, A_r` (reported as ``None``) and (iii) holds there
vacuously.

Solving (iii).  Writing :math:`\\bar Z_r(k)` for the sphere mean, (iii) is
the linear system :math:`\\bar Z_r(k)_{a,l} = (1 - \\theta_r) [z_{k,l} = a] -
(A_r)_{a,l}` in the unknowns :math:`(\\theta_r, A_r)`, one equation per
``(k, a, l)``.  Each equation involves only :math:`\\theta_r` and one entry
of :math:`A_r`, so the system is solvable iff, for every ``(a, l)``, the
sphere mean entry is constant (:math:`c_1(a,l)`) over the classes with
:math:`z_{k,l} = a` and constant (:math:`c_0(a,l)`) over the others, and the
difference :math:`c_1 - c_0 = 1 - \\theta_r` is the same for every ``(a, l)``
where both groups are non-empty (there is always one: two classes of a
non-empty sphere differ somewhere).  Then :math:`(A_r)_{a,l} = -c_0(a,l)` (or
:math:`1 - \\theta_r - c_1(a,l)` when no class has :math:`z_{k,l} \\ne a`).
All comparisons are exact integer cross-multiplications.  Full set:
:math:`\\theta_r = n_c r/((n_c-1)L)`, :math:`A_r = -\\frac{r}{(n_c-1)L} 1 1^T`.

Deviations (relative Frobenius errors, 0 when the property holds):
(i) :math:`\\|s_{k,r} - \\bar s_r\\|_F / \\|\\bar s_r\\|_F` over ``(k, r)``;
(ii) :math:`\\|C - (K/n_c) 1 1^T\\|_F / \\|(K/n_c) 1 1^T\\|_F` with ``C`` the
position-concept counts;
(iii) the residual of the least-squares fit of :math:`\\bar Z_r(k)` by
:math:`(1-\\theta_r) Z_k - A_r` (shared slope, free intercepts) relative to
:math:`\\|\\bar Z\\|_F`, over all ``r`` and classes with non-empty spheres.

Noise levels (what a uniformly random ``K``-subset of :math:`[n_c]^L`,
:math:`N = n_c^L`, gives, from exact hypergeometric moments):
(i) given :math:`z_k`, :math:`|S_r(k)|` counts the other ``K - 1`` sampled
words among the :math:`M_r = \\binom{L}{r}(n_c-1)^r` at distance ``r``, with
mean :math:`\\mu_r = (K-1)M_r/(N-1)` and variance :math:`v_r`;
``noise_i`` :math:`= \\sqrt{\\sum_r v_r / \\sum_r \\mu_r^2}`, the RMS spread of
one class's sphere sizes (the spread around the mean over classes differs
by the covariances between classes, small when :math:`K \\ll N`);
(ii) a cell count is hypergeometric with mean :math:`K/n_c` and variance
:math:`K \\frac{1}{n_c}(1 - \\frac{1}{n_c})\\frac{N-K}{N-1}`; ``noise_ii`` is its
RMS relative error, exactly :math:`\\sqrt{E[\\text{deviation\\_ii}^2]}`.
Both are 0 for the full set.  Property (iii) has no closed-form noise
level; compare ``deviation_iii`` across sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from math import comb

import numpy as np

from ._assumption_a import hypergeometric_variance
from ._counts import DistanceCounts, counts_and_mask

__all__ = ["LemmaB", "check_lemma_b", "lemma_b_noise_levels"]


@dataclass(frozen=True)
class LemmaB:
    """Result of :func:`check_lemma_b` (lemma B (i)-(iii), appendix B).

    Attributes
    ----------
    holds : bool
        ``i and ii and iii``.
    i, ii, iii : bool
        The three properties, decided exactly.
    n_c, L, K : int
    sphere_sizes : tuple of int or None
        :math:`|S_1|, \\dots, |S_L|` when (i) holds, else ``None``.
    mean_sphere_sizes : tuple of Fraction
        :math:`\\frac1K \\sum_k |S_r(k)|` for ``r = 1..L`` (exact).
    empty_radii : tuple of int
        Radii with :math:`S_r(k) = \\emptyset` for every ``k``.
    theta : tuple of (Fraction or None)
        :math:`\\theta_r` for ``r = 1..L`` when (iii) holds (``None`` at empty
        radii); all ``None`` when (iii) fails.
    A : tuple of (tuple of tuple of Fraction, or None)
        :math:`A_r` (``n_c x L``) for ``r = 1..L``, same convention.
    deviation_i, deviation_ii, deviation_iii : float
        Relative Frobenius deviations (module docstring).
    noise_i, noise_ii : float
        The values of ``deviation_i`` / ``deviation_ii`` expected for a
        uniformly random subset of the same size (module docstring).
    reason : str
        Why the lemma fails (empty when it holds).
    """

    holds: bool
    i: bool
    ii: bool
    iii: bool
    n_c: int
    L: int
    K: int
    sphere_sizes: tuple[int, ...] | None
    mean_sphere_sizes: tuple[Fraction, ...]
    empty_radii: tuple[int, ...]
    theta: tuple[Fraction | None, ...]
    A: tuple
    deviation_i: float
    deviation_ii: float
    deviation_iii: float
    noise_i: float
    noise_ii: float
    reason: str

    def to_dict(self) -> dict:
        # exact rationals as strings: str(Fraction) is "p" for an integer, "p/q" otherwise
        return {
            "holds": self.holds,
            "i": self.i,
            "ii": self.ii,
            "iii": self.iii,
            "n_c": self.n_c,
            "L": self.L,
            "K": self.K,
            "sphere_sizes": None if self.sphere_sizes is None else list(self.sphere_sizes),
            "mean_sphere_sizes": [str(v) for v in self.mean_sphere_sizes],
            "empty_radii": list(self.empty_radii),
            "theta": [None if t is None else str(t) for t in self.theta],
            "A": [None if a is None else [[str(v) for v in row] for row in a] for a in self.A],
            "deviation_i": self.deviation_i,
            "deviation_ii": self.deviation_ii,
            "deviation_iii": self.deviation_iii,
            "noise_i": self.noise_i,
            "noise_ii": self.noise_ii,
            "reason": self.reason,
        }


def _property_iii(dc: DistanceCounts, same: np.ndarray, r: int):
    """Solve (iii) at radius ``r`` exactly: ``(ok, theta, A, reason)``."""
    n_c, L = dc.n_c, dc.L
    sizes = dc.sizes[:, r]
    live = np.flatnonzero(sizes > 0)
    T = dc.T[live, r - 1]  # (k, l, a)
    s = sizes[live]
    mask = same[live]  # (k, l, a): z_{k,l} = a
    c = {}
    for flag in (True, False):
        group = mask if flag else ~mask
        has = group.any(axis=0)  # (l, a)
        first = np.argmax(group, axis=0)  # first class of the group, per (l, a)
        num = np.where(has, np.take_along_axis(T, first[None], axis=0)[0], 0)
        den = np.where(has, s[first], 1)
        # every class of the group has the same sphere mean: T[k] / s[k] == num / den (exact)
        ok = (T * den[None] == num[None] * s[:, None, None]) | ~group
        if not ok.all():
            k, l, a = (int(v) for v in np.argwhere(~ok)[0])
            return False, None, None, (f"(iii) fails at r={r}: the sphere mean of entry (a={a}, l={l}) differs between "
                                       f"classes {int(live[first[l, a]])} and {int(live[k])}")
        c[flag] = (has, num, den)
    has1, num1, den1 = c[True]
    has0, num0, den0 = c[False]
    diff = None
    A = [[Fraction(0)] * L for _ in range(n_c)]
    for l in range(L):
        for a in range(n_c):
            if has1[l, a] and has0[l, a]:
                d = Fraction(int(num1[l, a]), int(den1[l, a])) - Fraction(int(num0[l, a]), int(den0[l, a]))
                if diff is None:
                    diff = d
                elif d != diff:
                    return False, None, None, (f"(iii) fails at r={r}: 1 - theta_r would be {diff} and "
                                               f"{d} at different entries")
    theta = 1 - diff
    for l in range(L):
        for a in range(n_c):
            if has0[l, a]:
                A[a][l] = -Fraction(int(num0[l, a]), int(den0[l, a]))
            else:
                A[a][l] = 1 - theta - Fraction(int(num1[l, a]), int(den1[l, a]))
    if theta <= 0:
        return False, None, None, f"(iii) fails at r={r}: theta_r = {theta} is not positive"
    return True, theta, tuple(tuple(row) for row in A), ""


def _deviation_iii(dc: DistanceCounts, same: np.ndarray) -> float:
    """Relative residual of the least-squares fit of (iii) (shared slope per r, free intercepts)."""
    num = 0.0
    den = 0.0
    x = same.astype(np.float64)
    for r in range(1, dc.L + 1):
        live = dc.sizes[:, r] > 0
        if not live.any():
            continue
        y = dc.T[live, r - 1] / dc.sizes[live, r][:, None, None]
        xr = x[live]
        xc = xr - xr.mean(axis=0)
        yc = y - y.mean(axis=0)
        sxx = float(np.sum(xc * xc))
        beta = float(np.sum(xc * yc)) / sxx if sxx > 0 else 0.0
        num += float(np.sum((yc - beta * xc) ** 2))
        den += float(np.sum(y * y))
    return math.sqrt(num / den) if den > 0 else 0.0


def lemma_b_noise_levels(n_c: int, L: int, K: int) -> tuple[float, float]:
    """``(noise_i, noise_ii)`` of a uniformly random ``K``-subset (module docstring)."""
    N = n_c**L
    if K >= N:
        return 0.0, 0.0
    num = Fraction(0)
    den = Fraction(0)
    for r in range(1, L + 1):
        # |S_r(k)|: K - 1 draws from the N - 1 words other than z_k, M_r of them at distance r
        M = comb(L, r) * (n_c - 1) ** r
        num += hypergeometric_variance(K - 1, N - 1, M)
        den += Fraction((K - 1) * M, N - 1) ** 2
    # a position-concept count: K draws from the N words, N / n_c of them with z_l = a
    var_cell = hypergeometric_variance(K, N, N // n_c)
    return math.sqrt(num / den), math.sqrt(var_cell) / (K / n_c)


def check_lemma_b(latent, n_c: int, *, counts: DistanceCounts | None = None, progress: bool = False) -> LemmaB:
    """Decide lemma B (i)-(iii) exactly, with :math:`\\theta_r, A_r` and deviations.

    Parameters
    ----------
    latent : array_like of int, shape ``(K, L)``
    n_c : int
    counts : DistanceCounts, optional
        Precomputed counts (shared with the other checks).
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    LemmaB
    """
    dc, same = counts_and_mask(latent, n_c, counts, progress)
    n_c, L, K = dc.n_c, dc.L, dc.K
    reasons = []
    # (i) equal sphere sizes, eq. (36)
    s = dc.sizes[:, 1:]
    prop_i = bool(np.all(s == s[0]))
    means = tuple(Fraction(int(v), K) for v in s.sum(axis=0))
    mean_f = s.mean(axis=0)
    dev_i = math.sqrt(float(np.sum((s - mean_f) ** 2)) / float(np.sum(mean_f**2)) * (1.0 / K))
    if not prop_i:
        k = int(np.argmax(np.any(s != s[0], axis=1)))
        r = int(np.argmax(s[k] != s[0])) + 1
        reasons.append(f"(i) fails: |S_{r}(0)| = {int(s[0, r - 1])} but |S_{r}({k})| = {int(s[k, r - 1])}")
    # (ii) position-concept counts (eq. 37); Z Z^T = diag(sum_l C[l, a]) (one-hot columns),
    # so its half of (ii) follows from C = K/n_c
    C = same.sum(axis=0)  # (l, a)
    prop_ii = bool(np.all(n_c * C == K))
    dev_ii = float(np.linalg.norm(C - K / n_c)) / (K / n_c * math.sqrt(L * n_c))
    if not prop_ii:
        l, a = (int(v) for v in np.argwhere(n_c * C != K)[0])
        reasons.append(f"(ii) fails: concept {a} appears {int(C[l, a])} times at position {l}, not K/n_c = {Fraction(K, n_c)}")
    # (iii) the mean-value property, radius by radius
    empty = tuple(r for r in range(1, L + 1) if not np.any(dc.sizes[:, r]))
    thetas: list = [None] * L
    As: list = [None] * L
    prop_iii = True
    for r in range(1, L + 1):
        if r in empty:
            continue
        ok, theta, A, why = _property_iii(dc, same, r)
        if not ok:
            prop_iii = False
            reasons.append(why)
            thetas = [None] * L
            As = [None] * L
            break
        thetas[r - 1] = theta
        As[r - 1] = A
    dev_iii = 0.0 if prop_iii else _deviation_iii(dc, same)
    holds = prop_i and prop_ii and prop_iii
    noise_i, noise_ii = lemma_b_noise_levels(n_c, L, K)
    return LemmaB(
        holds, prop_i, prop_ii, prop_iii, n_c, L, K,
        tuple(int(v) for v in s[0]) if prop_i else None,
        means, empty, tuple(thetas), tuple(As),
        0.0 if prop_i else dev_i, 0.0 if prop_ii else dev_ii, dev_iii, noise_i, noise_ii,
        "; ".join(reasons),
    )
