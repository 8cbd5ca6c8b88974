"""Assumption B (eq. 44): exact rank, witnesses, and the PSD clause."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy

from fctheory.latent import check_assumption_b, full_latent_set, named_code, random_latent_set


def gamma(z, j, k, n_c):
    """Gamma(j, k) = Z_j (Z_j - Z_k)^T from one-hot matrices (appendix B.2)."""
    Zj = (np.arange(n_c)[:, None] == z[j][None, :]).astype(int)
    Zk = (np.arange(n_c)[:, None] == z[k][None, :]).astype(int)
    return Zj @ (Zj - Zk).T


_CACHE = {}


def brute_force_system(z, n_c):
    """Every quadruple (j, k, j', k') with equal distances, as rows in the entries of symmetric A."""
    key = (z.tobytes(), z.shape, n_c)
    if key not in _CACHE:
        _CACHE[key] = _brute_force_system(z, n_c)
    return _CACHE[key]


def _brute_force_system(z, n_c):
    K = len(z)
    coords = [(a, a) for a in range(n_c)] + [(a, b) for a in range(n_c) for b in range(a + 1, n_c)]
    by_dist = {}
    for j, k in itertools.product(range(K), repeat=2):
        by_dist.setdefault(int(np.sum(z[j] != z[k])), []).append(gamma(z, j, k, n_c))
    rows = set()
    for group in by_dist.values():
        for g1, g2 in itertools.product(group, repeat=2):
            d = g1 - g2
            rows.add(tuple(int(d[a, a]) if a == b else int(d[a, b] + d[b, a]) for a, b in coords))
    return coords, by_dist, sympy.Matrix(sorted(rows)) if rows else sympy.zeros(1, len(coords))


def two_blocks():
    # positions 1-3 use only concepts {0, 1}, positions 4-5 only {1, 2}
    return np.array([p + q for p in itertools.product([0, 1], repeat=3) for q in itertools.product([1, 2], repeat=2)])


FAILING = {
    "two latent variables": (np.array([[0, 1, 2], [2, 1, 0]]), 3),
    "two random latent variables": (random_latent_set(4, 5, 2, seed=3), 4),
    "a concept never used": (full_latent_set(2, 3), 3),
    "two blocks of concepts": (two_blocks(), 3),
    "permutations of one composition": (np.array(sorted(set(itertools.permutations([0, 1, 2, 2])))), 3),
}


@pytest.mark.parametrize("n_c, L", [(2, 1), (2, 4), (2, 8), (3, 1), (3, 2), (3, 4), (4, 2), (4, 3), (5, 2), (5, 3)])
def test_full_set_satisfies_assumption_b(n_c, L):
    res = check_assumption_b(full_latent_set(n_c, L), n_c)
    assert res.holds and res.nullspace_dim == 2 and res.witness is None
    assert res.rank == n_c * (n_c + 1) // 2 - 2


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_sets_have_a_witness(name):
    z, n_c = FAILING[name]
    res = check_assumption_b(z, n_c)
    assert not res.holds and res.nullspace_dim > 2
    coords, by_dist, system = brute_force_system(z, n_c)
    # exact rank from the brute-force quadruple system (sympy, rationals)
    assert system.rank() == res.rank
    W = np.array(res.witness, dtype=object)
    assert (W == W.T).all()
    # the witness solves every quadruple equation of (44) exactly
    for group in by_dist.values():
        values = {int(np.sum(W * g)) for g in group}
        assert len(values) == 1
    # orthogonal to I and 1 1^T, hence outside span{I, 1 1^T}
    assert sum(W[a, a] for a in range(n_c)) == 0 and W.sum() == 0 and any(v != 0 for v in W.ravel())
    # I/n_c + eps W is PSD and in the solution space
    P = np.array([[float(v) for v in row] for row in res.psd_witness])
    assert np.linalg.eigvalsh(P).min() >= -1e-12
    assert all(res.psd_witness[a][b] == Fraction(int(a == b), n_c) + res.epsilon * res.witness[a][b]
               for a in range(n_c) for b in range(n_c))


@pytest.mark.parametrize("z, n_c", [(full_latent_set(3, 2), 3), (named_code("ternary-hamming").codewords(), 3),
                                    (random_latent_set(3, 4, 12, seed=5), 3)])
def test_rank_matches_brute_force_on_holding_sets(z, n_c):
    res = check_assumption_b(z, n_c)
    _, _, system = brute_force_system(z, n_c)
    assert system.rank() == res.rank
    assert res.holds == (res.rank == n_c * (n_c + 1) // 2 - 2)


def _max_psd_along(z, n_c, direction):
    """max <A, direction> over PSD A with trace 1 solving (44): a small cvxpy SDP."""
    import cvxpy as cp

    _, by_dist, _ = brute_force_system(z, n_c)
    A = cp.Variable((n_c, n_c), symmetric=True)
    cons = [A >> 0, cp.trace(A) == 1]
    for group in by_dist.values():
        ref = group[0]
        for g in group[1:]:
            if np.any(g != ref):
                cons.append(cp.sum(cp.multiply(A, (g - ref).astype(float))) == 0)
    prob = cp.Problem(cp.Maximize(cp.sum(cp.multiply(A, direction))), cons)
    prob.solve(solver=cp.CLARABEL)
    return prob.value


@pytest.mark.parametrize("name", ["two latent variables", "a concept never used", "two blocks of concepts"])
def test_sdp_confirms_the_psd_clause_adds_nothing(name):
    # failing sets: the SDP finds PSD solutions with a component outside span{I, 1 1^T}
    z, n_c = FAILING[name]
    res = check_assumption_b(z, n_c)
    W = np.array(res.witness, dtype=float)
    assert _max_psd_along(z, n_c, W / np.linalg.norm(W)) > 1e-3


def test_sdp_on_a_holding_set_stays_in_the_span():
    z, n_c = full_latent_set(3, 2), 3
    assert check_assumption_b(z, n_c).holds
    rng = np.random.default_rng(0)
    B = rng.standard_normal((3, 3))
    B = B + B.T
    # Frobenius projection off span{I, 1 1^T}: Gram [[n, n], [n, n^2]] (alpha, beta) = (tr B, sum B)
    alpha, beta = np.linalg.solve([[3, 3], [3, 9]], [np.trace(B), B.sum()])
    B = B - alpha * np.eye(3) - beta
    assert abs(np.trace(B)) < 1e-12 and abs(B.sum()) < 1e-12
    assert abs(_max_psd_along(z, n_c, B)) < 1e-6


def test_early_stop_on_large_sets():
    res = check_assumption_b(full_latent_set(3, 7), 3)
    assert res.holds and res.early_stop and res.pairs_examined < 3**14


@pytest.mark.parametrize("name", ["ternary-hamming", "ternary-golay", "repetition:3:4", "parity:2:5"])
def test_codes_satisfy_assumption_b(name):
    code = named_code(name)
    assert check_assumption_b(code.codewords(), code.q).holds


def test_many_concepts_use_several_code_words():
    # n_c = 5, L = 12: (L+1)^15 > 2^53, keys are split over two float64 words
    res = check_assumption_b(random_latent_set(5, 12, 300, seed=0), 5)
    assert res.holds
    res2 = check_assumption_b(random_latent_set(4, 12, 200, seed=0), 5)  # concept 4 unused
    assert not res2.holds and res2.nullspace_dim > 2


def test_to_dict_is_json_ready():
    import json

    z, n_c = FAILING["two blocks of concepts"]
    d = check_assumption_b(z, n_c).to_dict()
    json.dumps(d)
    assert d["holds"] is False and d["witness"] and d["nullspace_dim"] == 3
