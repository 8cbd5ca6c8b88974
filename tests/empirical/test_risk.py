"""The empirical risk (eq. 3) and its gradient: finite differences, the direct baseline, the true risk."""

import numpy as np
import pytest

from fctheory import Problem, Setting
from fctheory.empirical import accuracy, empirical_risk, empirical_risk_and_grad, method_costs, sample_dataset
from fctheory.empirical._baseline import direct_risk_and_grad
from fctheory.empirical._engine import CHUNK_BYTES, Sentences, evaluate
from fctheory.errors import InvalidInput
from fctheory.risk import exact_risk


def _case(seed=0, d=4, mu="uniform", n_spl=6):
    p = Problem(Setting(3, 4, 4, "1/50", K=9, mu=mu), "random", seed=seed)
    data = sample_dataset(p, n_spl, seed=seed)
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d, p.n_w))
    U = 0.4 * rng.standard_normal((p.K, p.L * d))
    return p, data, W, U


@pytest.mark.parametrize("network", ["h", "h*"])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_matches_central_differences(network, seed):
    p, data, W, U = _case(seed)
    x, y = data.x_train, data.y_train
    _, gW, gU = empirical_risk_and_grad(p, W, U, x, y, network=network)
    rng = np.random.default_rng(10 + seed)
    VW, VU = rng.standard_normal(W.shape), rng.standard_normal(U.shape)
    h = 1e-5
    f = lambda t: empirical_risk(p, W + t * VW, U + t * VU, x, y, network=network)  # noqa: E731
    fd = (f(h) - f(-h)) / (2 * h)
    exact = float(np.vdot(gW, VW) + np.vdot(gU, VU))
    # central differences: truncation O(h^2 |f'''|) ~ 1e-9, round-off ~ 1e-16 |f| / h ~ 1e-10
    assert abs(fd - exact) <= 1e-7 * max(1.0, abs(exact))


@pytest.mark.parametrize("network", ["h", "h*"])
@pytest.mark.parametrize("method", ["tables", "direct"])
def test_methods_agree_with_the_direct_baseline(network, method):
    p, data, W, U = _case(2, mu="zipf")
    x, y = data.x_train, data.y_train
    v, gW, gU = empirical_risk_and_grad(p, W, U, x, y, network=network, method=method)
    bv, bW, bU = direct_risk_and_grad(W, U, x, y, lam=float(p.lam), network=network, eps=1e-5, chunk=7)
    assert abs(v - bv) <= 1e-13 * abs(bv)
    assert np.max(np.abs(gW - bW)) <= 1e-13 * np.max(np.abs(bW))
    assert np.max(np.abs(gU - bU)) <= 1e-13 * np.max(np.abs(bU))
    assert empirical_risk(p, W, U, x, y, network=network, method=method) == pytest.approx(v, rel=1e-14)


def test_per_sentence_definition():
    """The value is the mean of CE(h(x), y) over sentences, written out sentence by sentence (eq. 3, 17)."""
    p, data, W, U = _case(3)
    Ub = U.reshape(p.K, p.L, -1)
    total = 0.0
    for x, y in zip(data.x_train, data.y_train):
        s = np.array([sum(Ub[k, l] @ W[:, x[l]] for l in range(p.L)) for k in range(p.K)])
        total += np.log(np.sum(np.exp(s - s.max()))) + s.max() - s[y]
    reg = 0.5 * float(p.lam) * (np.sum(W * W) + np.sum(U * U))
    assert empirical_risk(p, W, U, data.x_train, data.y_train) == pytest.approx(total / len(data.y_train) + reg,
                                                                                 rel=1e-13)


def test_chunked_evaluation_equals_one_chunk():
    p, data, W, U = _case(4)
    lam = float(p.lam)
    whole = Sentences(data.x_train, data.y_train, p.n_w, p.K)
    chunked = Sentences(data.x_train, data.y_train, p.n_w, p.K, chunk_rows=5)
    assert len(chunked.bounds) > 1 and CHUNK_BYTES >= 2**20
    for network in ("h", "h*"):
        a = evaluate(W, U, whole, network=network, lam=lam, eps=1e-5, grad=True, method="tables")
        b = evaluate(W, U, chunked, network=network, lam=lam, eps=1e-5, grad=True, method="tables")
        assert a.value == pytest.approx(b.value, rel=1e-14) and a.correct == b.correct
        assert np.allclose(a.gW, b.gW, rtol=0, atol=1e-15) and np.allclose(a.gU, b.gU, rtol=0, atol=1e-15)


@pytest.mark.parametrize("network", ["h", "h*"])
def test_tends_to_the_exact_true_risk(network):
    """eq. (3) -> eq. (5)/(10) as n_spl grows, within 5 standard errors of the per-sentence losses.

    Same regularization in both (h: lam/2 (|W|^2 + |U|^2), h*: lam/2 |U|^2), so the
    values are compared whole; eps = 0 for h* so that phi is THEORY's.
    """
    setting = Setting(2, 3, 3, "1/100", mu="zipf")  # the full set, K = 8, 27 sentences per class
    p = Problem(setting)
    rng = np.random.default_rng(5)
    d = 3
    W = rng.standard_normal((d, p.n_w))
    U = 0.7 * rng.standard_normal((p.K, p.L * d))
    exact = exact_risk(setting, W, U, network=network, latent=np.asarray(p.latent))
    gaps = []
    for n_spl in (50, 800, 12800):
        data = sample_dataset(p, n_spl, seed=n_spl)
        value = empirical_risk(p, W, U, data.x_train, data.y_train, network=network, eps=0.0)
        # standard error of the mean cross-entropy, from the per-sentence losses
        Y = W if network == "h" else (W - W.mean(0)) / W.std(0)
        X = np.concatenate([Y[:, data.x_train[:, l]].T for l in range(p.L)], axis=1)
        Z = X @ U.T
        ce = np.log(np.exp(Z - Z.max(1, keepdims=True)).sum(1)) + Z.max(1) - Z[np.arange(len(Z)), data.y_train]
        se = ce.std() / np.sqrt(len(ce))
        assert abs(value - exact) <= 5 * se
        gaps.append(abs(value - exact))
    assert gaps[-1] < 0.1 * max(gaps[0], 1e-3)


def test_accuracy():
    p, data, W, U = _case(5)
    x, y = data.x_train, data.y_train
    Z = np.concatenate([W[:, x[:, l]].T for l in range(p.L)], axis=1) @ U.T
    assert accuracy(p, W, U, x, y) == pytest.approx(np.mean(np.argmax(Z, 1) == y), abs=0)


def test_cost_model_prefers_tables_for_full_batches_and_direct_for_minibatches():
    paper = dict(L=15, n_w=1200, d=100, K=1000)
    full = method_costs(5000, **paper)
    mini = method_costs(100, **paper)
    assert full["tables"] < full["direct"] and mini["direct"] < mini["tables"]


@pytest.mark.parametrize("change, field", [
    (dict(network="g"), "network"), (dict(method="fast"), "method"), (dict(eps=-1.0), "eps"),
    (dict(W=np.zeros((4, 5))), "W"), (dict(U=np.zeros((9, 3))), "U"), (dict(x=np.zeros((3, 2), int)), "x"),
    (dict(x=np.full((54, 4), 99)), "x"), (dict(y=np.full(54, 9)), "y"), (dict(x=np.zeros((54, 4))), "x"),
    (dict(W=np.full((4, 12), np.nan)), "W"), (dict(problem=Setting(3, 4, 4, "1/50", K=9)), "problem"),
])
def test_typed_errors(change, field):
    p, data, W, U = _case(0)
    args = dict(problem=p, W=W, U=U, x=data.x_train, y=data.y_train, network="h", method="auto", eps=1e-5)
    args.update(change)
    with pytest.raises(InvalidInput) as err:
        empirical_risk_and_grad(args.pop("problem"), args.pop("W"), args.pop("U"), args.pop("x"), args.pop("y"),
                                **args)
    assert err.value.field == field


def test_d_must_match_problem_d():
    p = Problem(Setting(3, 4, 4, "1/50", K=9, d=5), "random", seed=0)
    data = sample_dataset(p, 2)
    with pytest.raises(InvalidInput) as err:
        empirical_risk(p, np.ones((4, p.n_w)), np.ones((p.K, p.L * 4)), data.x_train, data.y_train)
    assert err.value.field == "W"


def test_complex_weights_and_bad_options_are_refused():
    problem = Problem(Setting(3, 2, 3, "1/100", d=3))
    data = sample_dataset(problem, 2, seed=0)
    W, U = np.ones((3, 6)), np.ones((27, 9))
    with pytest.raises(InvalidInput, match="W must be a real array"):
        empirical_risk(problem, W * 1j, U, data.x_train, data.y_train)
    with pytest.raises(InvalidInput, match="network"):
        empirical_risk(problem, W, U, data.x_train, data.y_train, network="relu")
    with pytest.raises(InvalidInput, match="method"):
        empirical_risk(problem, W, U, data.x_train, data.y_train, method="fast")
    with pytest.raises(InvalidInput, match="seed"):
        sample_dataset(problem, 2, seed=-1)
