"""Assumption B (appendix B, eq. 44) decided exactly as a linear system over the rationals.

With :math:`\\Gamma(j,k) = Z_j (Z_j - Z_k)^T` (appendix B.2), assumption B
says: every positive semi-definite symmetric ``A`` with

.. math::

    \\langle A, \\Gamma(j,k) - \\Gamma(j',k') \\rangle_F = 0
    \\quad \\text{whenever } d(z_j, z_k) = d(z_{j'}, z_{k'}) \\qquad (44)

lies in :math:`\\mathcal{A} = \\{a I + b 1 1^T\\}` (eq. 43).

Reduction to one rank computation
---------------------------------
Let ``V`` be the space of symmetric solutions of the linear system (44).

* :math:`I \\in V` and :math:`1 1^T \\in V`: with :math:`N = Z_j Z_k^T` (the
  co-occurrence matrix, :math:`N_{ab} = |\\{l : z_{j,l} = a, z_{k,l} = b\\}|`)
  one has :math:`\\Gamma(j,k) = \\mathrm{diag}(N 1) - N`, so
  :math:`\\langle I, \\Gamma\\rangle = L - \\mathrm{tr} N = d(z_j, z_k)` and
  :math:`\\langle 1 1^T, \\Gamma \\rangle = L - L = 0`, both functions of the
  distance alone.  For :math:`n_c \\ge 2` they are independent, so
  :math:`\\dim V \\ge 2`.
* If :math:`\\dim V = 2` then :math:`V = \\mathcal{A}` and every solution,
  PSD or not, is in :math:`\\mathcal{A}`: assumption B holds.
* If :math:`\\dim V > 2`, pick :math:`B \\in V \\setminus \\mathcal{A}` and
  :math:`0 < \\varepsilon \\le 1/(n_c \\|B\\|_2)`.  Then
  :math:`A = I/n_c + \\varepsilon B \\in V` has eigenvalues
  :math:`\\ge 1/n_c - \\varepsilon \\|B\\|_2 \\ge 0` (PSD), and
  :math:`A \\in \\mathcal{A}` would put :math:`B = (A - I/n_c)/\\varepsilon`
  in :math:`\\mathcal{A}`: assumption B fails, with witness ``A``.

Hence **assumption B holds iff** :math:`\\dim V = 2`, and the PSD clause adds
nothing.  The witness direction returned is ``B`` projected orthogonally (in
the Frobenius inner product) off :math:`\\mathcal{A}` and scaled to coprime
integers; the PSD witness uses :math:`\\varepsilon = 1/(n_c \\max_a \\sum_b
|B_{ab}|) \\le 1/(n_c \\|B\\|_2)` (Gershgorin), an exact rational.

Never enumerating quadruples
----------------------------
For symmetric ``A`` only the symmetric part of :math:`\\Gamma` matters, in
coordinates :math:`(A_{aa})_a, (A_{ab})_{a<b}` the row
:math:`v(j,k) = (c_j(a) - N_{aa};\\ -(N_{ab} + N_{ba}))` with :math:`c_j(a)`
the number of ``a`` in :math:`z_j`; its diagonal part sums to the distance.
The system is spanned by the differences of *distinct* keys ``v`` of equal
distance (differences to one reference key per distance).  The key of every
ordered pair is an integer in base ``L + 1`` (digits :math:`\\le L`), and

.. math::

    \\mathrm{code}(j,k) = \\sum_a (L+1)^{i_a} c_j(a)
    + \\sum_l W[z_{j,l}, z_{k,l}], \\quad
    W_{aa} = -(L+1)^{i_a},\\ W_{ab} = (L+1)^{i_{ab}},

so the codes of a block of pairs are **one matrix product** (exact in float64
while :math:`(L+1)^{n_c(n_c+1)/2} < 2^{53}`; otherwise the coordinates are
split over several words).  Pairs are processed block by block; new keys
update an exact integer basis of the solution space, and the scan **stops as
soon as the rank reaches its maximum** :math:`n_c(n_c+1)/2 - 2`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import VerificationError
from ._counts import one_hot, validated

__all__ = ["AssumptionB", "check_assumption_b"]

#: Largest code space for which new keys are found with a bitmap (bytes).
_BITMAP_LIMIT = 2**25
_FLOAT_EXACT = 2**53
#: Target size in bytes of one block of the ``block x K`` code arrays of the scan.
_BLOCK_BYTES = 48 * 2**20


@dataclass(frozen=True)
class AssumptionB:
    """Result of :func:`check_assumption_b`.

    Attributes
    ----------
    holds : bool
        ``nullspace_dim == 2`` (see the module docstring for the proof).
    n_c, L, K : int
    nullspace_dim : int
        Dimension of the symmetric solution space of (44) (always ``>= 2``).
    rank : int
        Rank over the rationals of the system in the ``n_c(n_c+1)/2`` unknowns.
    n_keys : int
        Distinct (distance, symmetrised Gamma) keys seen.
    pairs_examined : int
        Ordered pairs ``(j, k)`` scanned (fewer than ``K**2`` after an early stop).
    early_stop : bool
        The scan stopped at full rank.
    witness : tuple of tuple of int or None
        When B fails: a symmetric integer direction ``B`` in the solution
        space, Frobenius-orthogonal to ``I`` and ``1 1^T``.
    psd_witness : tuple of tuple of Fraction or None
        When B fails: the PSD solution ``I/n_c + eps B`` outside eq. (43)'s set.
    epsilon : Fraction or None
        The ``eps`` used.
    nullspace : tuple
        An integer basis of the solution space, as symmetric matrices.
    """

    holds: bool
    n_c: int
    L: int
    K: int
    nullspace_dim: int
    rank: int
    n_keys: int
    pairs_examined: int
    early_stop: bool
    witness: tuple[tuple[int, ...], ...] | None
    psd_witness: tuple[tuple[Fraction, ...], ...] | None
    epsilon: Fraction | None
    nullspace: tuple

    def to_dict(self) -> dict:
        # exact rationals as strings: str(Fraction) is "p" for an integer, "p/q" otherwise
        return {
            "holds": self.holds,
            "n_c": self.n_c,
            "L": self.L,
            "K": self.K,
            "nullspace_dim": self.nullspace_dim,
            "rank": self.rank,
            "n_keys": self.n_keys,
            "pairs_examined": self.pairs_examined,
            "early_stop": self.early_stop,
            "witness": None if self.witness is None else [list(row) for row in self.witness],
            "psd_witness": None if self.psd_witness is None else [[str(v) for v in row] for row in self.psd_witness],
            "epsilon": None if self.epsilon is None else str(self.epsilon),
            "nullspace": [[list(row) for row in m] for m in self.nullspace],
        }


def _coordinates(n_c: int) -> list[tuple[int, int]]:
    """Unknowns of symmetric A: the diagonal (a, a) first, then (a, b) with a < b."""
    return [(a, a) for a in range(n_c)] + [(a, b) for a in range(n_c) for b in range(a + 1, n_c)]


def _block_rows(K: int, row_bytes: int) -> int:
    """Rows per block so that a ``block x K`` array of ``row_bytes``-byte entries fits ``_BLOCK_BYTES``."""
    return int(max(1, min(K, _BLOCK_BYTES // max(1, K * row_bytes))))


class _Nullspace:
    """An exact integer basis (columns) of the solutions of the rows added so far."""

    def __init__(self, m: int):
        self.basis = [[int(i == j) for j in range(m)] for i in range(m)]  # m x d, columns = basis
        self.m = m

    @property
    def dim(self) -> int:
        return len(self.basis[0]) if self.basis else 0

    def _matrix(self, dtype):
        return np.array(self.basis, dtype=dtype).reshape(self.m, self.dim)

    def images(self, rows: np.ndarray) -> np.ndarray:
        """``rows @ basis`` exactly (int64 when safe, Python integers otherwise)."""
        big = max((abs(v) for row in self.basis for v in row), default=0)
        bound = big * self.m * (int(np.abs(rows).max()) if rows.size else 0)
        if bound < 2**62:
            return rows.astype(np.int64) @ self._matrix(np.int64)
        return rows.astype(object) @ self._matrix(object)

    def add(self, u: list[int]) -> None:
        """Restrict to the kernel of the functional ``x -> u . x`` (``u = row @ basis`` != 0)."""
        d = len(u)
        p = min((i for i in range(d) if u[i] != 0), key=lambda i: abs(u[i]))
        columns = []
        for i in range(d):
            if i == p:
                continue
            coeff = [0] * d
            coeff[i] = u[p]
            coeff[p] = -u[i]
            g = math.gcd(*coeff)
            columns.append([c // g for c in coeff])
        new = [[sum(self.basis[row][t] * col[t] for t in range(d)) for col in columns] for row in range(self.m)]
        # coprime integer columns
        for j in range(len(columns)):
            g = math.gcd(*(new[row][j] for row in range(self.m)))
            if g > 1:
                for row in range(self.m):
                    new[row][j] //= g
        self.basis = new

    def reduce(self, rows: np.ndarray, floor: int) -> None:
        """Add every row (exactly) until all are satisfied or ``dim == floor``."""
        while rows.shape[0] and self.dim > floor:
            img = self.images(rows)
            nonzero = np.flatnonzero(np.any(img != 0, axis=1))
            if nonzero.size == 0:
                return
            self.add([int(v) for v in img[nonzero[0]]])
            rows = rows[nonzero[1:]]


def _code_words(n_c: int, L: int) -> list[list[int]]:
    """Split the coordinates into words whose base-(L+1) codes stay below 2^53."""
    m = n_c * (n_c + 1) // 2
    base = L + 1
    per_word = max(1, int(math.floor(52 / math.log2(base))))
    while base**per_word >= _FLOAT_EXACT // base:
        per_word -= 1
    per_word = max(1, per_word)
    return [list(range(i, min(m, i + per_word))) for i in range(0, m, per_word)]


def check_assumption_b(latent, n_c: int, *, progress: bool = False) -> AssumptionB:
    """Decide assumption B (eq. 44) exactly; return a witness when it fails.

    Parameters
    ----------
    latent : array_like of int, shape ``(K, L)``
    n_c : int
    progress : bool
        Progress bar on stderr.

    Returns
    -------
    AssumptionB
    """
    Z = validated(latent, n_c)
    n_c = int(n_c)
    K, L = Z.shape
    coords = _coordinates(n_c)
    m = len(coords)
    floor = 2  # I and 1 1^T always solve (44)
    base = L + 1
    words = _code_words(n_c, L)
    X = one_hot(Z, n_c, np.float64).reshape(K, L, n_c)
    Xf_T = np.ascontiguousarray(X.reshape(K, -1).T)
    counts = X.sum(axis=1)  # c_j(a), (K, n_c)
    # per word: f(j) and Y[j, (l, b)] = W[z_{j,l}, b] so that code = f + Y @ X^T
    plan = []
    for word in words:
        W = np.zeros((n_c, n_c))
        f_weights = np.zeros(n_c)
        for pos, i in enumerate(word):
            a, b = coords[i]
            weight = float(base**pos)
            if a == b:
                W[a, a] = -weight
                f_weights[a] = weight
            else:
                W[a, b] = W[b, a] = weight
        Y = np.ascontiguousarray((X @ W).reshape(K, -1))
        plan.append((word, counts @ f_weights, Y))
    single = len(words) == 1
    space = base ** len(words[0]) if single else 0
    seen_bitmap = np.zeros(space, dtype=bool) if single and space <= _BITMAP_LIMIT else None
    seen_keys = None  # sorted unique keys (void rows) when no bitmap is used
    ref: dict[int, np.ndarray] = {}
    null = _Nullspace(m)
    n_keys = 0
    pairs = 0
    early = False
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=K, desc="assumption B", unit="class", leave=False)
    step = _block_rows(K, 8 * len(words))
    size = min(step, 16)  # small first blocks: the rank is often full after a few pairs
    s = 0
    while s < K:
        e = min(K, s + size)
        size = min(step, 2 * size)
        codes = np.stack([np.rint(f[s:e, None] + Y[s:e] @ Xf_T).astype(np.int64).ravel() for _, f, Y in plan], axis=1)
        pairs += (e - s) * K
        if bar is not None:
            bar.update(e - s)
        if seen_bitmap is not None:
            mark = np.zeros(space, dtype=bool)
            mark[codes[:, 0]] = True
            new = np.flatnonzero(mark & ~seen_bitmap)[:, None]
            seen_bitmap |= mark
        else:
            rows_void = np.ascontiguousarray(codes).view(np.dtype((np.void, 8 * len(words)))).ravel()
            uniq = np.unique(rows_void)
            if seen_keys is not None:
                uniq = uniq[~np.isin(uniq, seen_keys)]
                seen_keys = np.union1d(seen_keys, uniq)
            else:
                seen_keys = uniq
            new = np.frombuffer(uniq.tobytes(), dtype=np.int64).reshape(-1, len(words))
        s = e
        if new.shape[0] == 0:
            continue
        n_keys += new.shape[0]
        # decode the digits: v = (c_j(a) - N_aa ; N_ab + N_ba), then the row (.. ; -(N_ab + N_ba))
        keys = np.zeros((new.shape[0], m), dtype=np.int64)
        for w, word in enumerate(words):
            rest = new[:, w].copy()
            for i in word:
                keys[:, i] = rest % base
                rest //= base
        keys[:, n_c:] *= -1
        dist = keys[:, :n_c].sum(axis=1)
        rows = []
        for r in np.unique(dist):
            group = keys[dist == r]
            if int(r) not in ref:
                ref[int(r)] = group[0]
            rows.append(group - ref[int(r)][None, :])
        null.reduce(np.concatenate(rows), floor)
        if null.dim == floor:
            early = e < K
            break
    if bar is not None:
        bar.close()
    dim = null.dim
    basis = [[null.basis[row][j] for row in range(m)] for j in range(dim)]
    mats = tuple(_symmetric(vec, coords, n_c) for vec in basis)
    _verify_identity_directions(mats, n_c)
    witness = psd = eps = None
    if dim > floor:
        witness = _witness(mats, n_c)
        row_sum = max(sum(abs(v) for v in row) for row in witness)
        eps = Fraction(1, n_c * row_sum)
        psd = tuple(tuple(Fraction(int(a == b), n_c) + eps * witness[a][b] for b in range(n_c)) for a in range(n_c))
    return AssumptionB(dim == floor, n_c, L, K, dim, m - dim, n_keys, pairs, early, witness, psd, eps,
                       tuple(tuple(tuple(row) for row in mat) for mat in mats))


def _symmetric(vec, coords, n_c) -> list[list[int]]:
    mat = [[0] * n_c for _ in range(n_c)]
    for value, (a, b) in zip(vec, coords):
        mat[a][b] = mat[b][a] = int(value)
    return mat


def _verify_identity_directions(mats, n_c: int) -> None:
    """I and 1 1^T must lie in the span of the computed basis (a consistency check)."""
    vecs = np.array([[float(v) for row in mat for v in row] for mat in mats])
    for target in (np.eye(n_c).ravel(), np.ones(n_c * n_c)):
        coef, *_ = np.linalg.lstsq(vecs.T, target, rcond=None)
        # tolerance: absolute, on the Euclidean norm of the float64 least-squares residual
        # (the targets have norms sqrt(n_c) and n_c); a target in the span of the exact
        # integer basis leaves only rounding error.  A guard against a wrong basis, not a proof.
        if np.linalg.norm(vecs.T @ coef - target) > 1e-8 * n_c:
            raise VerificationError("assumption B: the solution space misses I or 1 1^T (internal inconsistency)")


def _witness(mats, n_c: int) -> tuple[tuple[int, ...], ...]:
    """A basis matrix projected off span{I, 1 1^T} (Frobenius), as coprime integers."""
    n = Fraction(n_c)
    for mat in mats:
        tr = Fraction(sum(mat[a][a] for a in range(n_c)))
        total = Fraction(sum(sum(row) for row in mat))
        # Gram system for <I, .>, <J, .>: [[n, n], [n, n^2]] (alpha, beta) = (tr, total)
        beta = (total - tr) / (n * n - n)
        alpha = (tr - n * beta) / n
        res = [[Fraction(mat[a][b]) - alpha * (a == b) - beta for b in range(n_c)] for a in range(n_c)]
        if any(v != 0 for row in res for v in row):
            lcm = 1
            for row in res:
                for v in row:
                    lcm = lcm * v.denominator // math.gcd(lcm, v.denominator)
            ints = [[int(v * lcm) for v in row] for row in res]
            g = math.gcd(*(v for row in ints for v in row))
            return tuple(tuple(v // g for v in row) for row in ints)
    raise VerificationError("assumption B: no basis direction outside span{I, 1 1^T} (internal inconsistency)")
