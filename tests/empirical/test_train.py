"""train_empirical: both optimizers reach 100% accuracy; checkpoints resume exactly; typed errors."""

import signal

import numpy as np
import pytest

import fctheory.empirical._train as train_module
from fctheory import Problem, Setting
from fctheory.empirical import (CheckpointMismatch, EmpiricalTrainResult, HistoryRecord, empirical_risk,
                                initial_weights, sample_dataset, train_empirical)
from fctheory.errors import InvalidInput


@pytest.fixture(scope="module")
def small():
    p = Problem(Setting(3, 6, 4, "1/1000", K=12, d=5), "random", seed=0)
    return p, sample_dataset(p, 8, n_test=4, seed=1)


SGD = dict(optimizer="sgd", epochs=40, lr=0.5, batch_size=16)


def test_initialisation_follows_the_paper_code():
    p = Problem(Setting.paper(), "random", seed=0)
    W, U = initial_weights(p, 100, seed=0)
    assert W.shape == (100, 1200) and U.shape == (1000, 1500)
    assert W.std() == pytest.approx(1e-3, rel=0.01) and abs(W.mean()) < 1e-5
    bound = 1 / np.sqrt(1500) / 1000
    assert np.max(np.abs(U)) <= bound and np.max(np.abs(U)) > 0.999 * bound
    assert U.std() == pytest.approx(bound / np.sqrt(3), rel=0.01)
    W2, _ = initial_weights(p, 100, seed=0)
    assert np.array_equal(W, W2) and not np.array_equal(W, initial_weights(p, 100, seed=1)[0])


@pytest.mark.parametrize("network", ["h", "h*"])
def test_lbfgs_trains_to_full_accuracy(small, network):
    p, data = small
    r = train_empirical(p, data, network=network, maxiter=300)
    assert isinstance(r, EmpiricalTrainResult)
    assert r.train_accuracy == 1.0 and r.test_accuracy == 1.0
    assert r.risk == pytest.approx(empirical_risk(p, r.W, r.U, data.x_train, data.y_train, network=network),
                                   rel=1e-14)
    assert r.history[0].step == 0 and r.history[-1].step == r.iterations
    assert all(isinstance(h, HistoryRecord) and h.epoch is None for h in r.history)
    assert r.history[-1].loss < r.history[0].loss
    if network == "h":  # a genuine minimum: the gradient test of scipy (max-abs entry) is met or round-off stops it
        assert r.gradient_max < 1e-7
    d = r.to_dict()
    assert "W" not in d and d["optimizer"] == "lbfgs" and d["iterations"] == r.iterations


@pytest.mark.parametrize("network", ["h", "h*"])
def test_sgd_trains_to_full_accuracy(small, network):
    p, data = small
    r = train_empirical(p, data, network=network, **SGD)
    assert r.train_accuracy == 1.0 and r.test_accuracy == 1.0 and r.converged
    n_batches = -(-len(data.y_train) // 16)
    assert r.epochs == 40 and r.iterations == 40 * n_batches
    assert [h.epoch for h in r.history] == list(range(0, 41))
    assert r.history[-1].batch_loss is not None and r.history[-1].loss < r.history[0].loss


def test_sgd_h_star_does_not_decay_W(small):
    """h*: weight decay on U only (the paper's weight_decay_W = 0): lr*lam on W would shrink it."""
    p, data = small
    r1 = train_empirical(p, data, network="h*", optimizer="sgd", epochs=1, lr=0.5, batch_size=1000, dtype="float64")
    W0, U0 = initial_weights(p, 5, 0)
    # one full-batch step: U moves by -lr (grad + lam U), W by -lr grad only
    from fctheory.empirical import empirical_risk_and_grad

    _, gW, gU = empirical_risk_and_grad(p, W0, U0, data.x_train, data.y_train, network="h*")
    assert np.allclose(r1.W, W0 - 0.5 * gW, rtol=0, atol=1e-15)
    assert np.allclose(r1.U, U0 - 0.5 * gU, rtol=0, atol=1e-15)


def _interrupting(monkeypatch, module_name, after):
    real = getattr(train_module, module_name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        out = real(*args, **kwargs)
        if calls["n"] == after:
            signal.raise_signal(signal.SIGINT)  # as a user's Ctrl-C: handled after the step
        return out

    monkeypatch.setattr(train_module, module_name, wrapper)


def test_sgd_interrupt_and_resume_is_bitwise(small, tmp_path, monkeypatch):
    p, data = small
    ref = train_empirical(p, data, network="h", **SGD)
    path = tmp_path / "run.npz"
    with monkeypatch.context() as m:
        _interrupting(m, "sgd_step", after=37)  # mid-epoch (6 minibatches per epoch)
        with pytest.raises(KeyboardInterrupt):
            train_empirical(p, data, network="h", checkpoint=path, **SGD)
    assert path.exists()
    resumed = train_empirical(p, data, network="h", checkpoint=path, **SGD)
    assert resumed.resumed and not ref.resumed
    assert np.array_equal(resumed.W, ref.W) and np.array_equal(resumed.U, ref.U)
    strip = lambda hs: [(h.step, h.epoch, h.loss, h.batch_loss, h.test_accuracy) for h in hs]  # noqa: E731
    assert strip(resumed.history) == strip(ref.history)


def test_sgd_extends_a_finished_run_bitwise(small, tmp_path):
    p, data = small
    path = tmp_path / "run.npz"
    train_empirical(p, data, network="h*", checkpoint=path, **{**SGD, "epochs": 15})
    extended = train_empirical(p, data, network="h*", checkpoint=path, **SGD)
    ref = train_empirical(p, data, network="h*", **SGD)
    assert extended.resumed and np.array_equal(extended.W, ref.W) and np.array_equal(extended.U, ref.U)
    with pytest.raises(InvalidInput) as err:
        train_empirical(p, data, network="h*", checkpoint=path, **{**SGD, "epochs": 10})
    assert err.value.field == "epochs"


def test_lbfgs_interrupt_and_resume_reaches_the_same_minimum(small, tmp_path, monkeypatch):
    p, data = small
    ref = train_empirical(p, data, network="h", maxiter=400)
    path = tmp_path / "lbfgs.npz"
    with monkeypatch.context() as m:
        _interrupting(m, "evaluate", after=25)
        with pytest.raises(KeyboardInterrupt):
            train_empirical(p, data, network="h", maxiter=400, checkpoint=path)
    resumed = train_empirical(p, data, network="h", maxiter=400, checkpoint=path)
    assert resumed.resumed and resumed.iterations > 0
    # restarted curvature memory: not the same bits, the same minimum (rotation-invariant checks)
    assert resumed.risk == pytest.approx(ref.risk, rel=1e-9)
    Wr, Ur = ref.W, ref.U.reshape(p.K, p.L, -1)
    Ws, Us = resumed.W, resumed.U.reshape(p.K, p.L, -1)
    for l in range(p.L):
        assert np.allclose(Ws.T @ Us[:, l].T, Wr.T @ Ur[:, l].T, rtol=0, atol=1e-5)


def test_checkpoint_of_another_run_is_refused(small, tmp_path):
    p, data = small
    path = tmp_path / "run.npz"
    train_empirical(p, data, network="h", **{**SGD, "epochs": 2})
    train_empirical(p, data, network="h", checkpoint=path, **{**SGD, "epochs": 2})
    with pytest.raises(CheckpointMismatch) as err:
        train_empirical(p, data, network="h", checkpoint=path, **{**SGD, "epochs": 2, "lr": 0.25})
    assert "lr" in err.value.differences and err.value.field == "checkpoint"
    other = sample_dataset(p, 8, n_test=4, seed=2)
    with pytest.raises(CheckpointMismatch) as err:
        train_empirical(p, other, network="h", checkpoint=path, **{**SGD, "epochs": 2})
    assert "dataset" in err.value.differences
    q = Problem(Setting(3, 6, 4, "1/500", K=12, d=5), "random", seed=0)
    with pytest.raises(CheckpointMismatch) as err:
        train_empirical(q, sample_dataset(q, 8, n_test=4, seed=1), network="h", checkpoint=path,
                        **{**SGD, "epochs": 2})
    assert "problem" in err.value.differences
    with pytest.raises(CheckpointMismatch):
        train_empirical(p, data, network="h", checkpoint=path, maxiter=3)
    (tmp_path / "junk.npz").write_bytes(b"not a checkpoint")
    with pytest.raises(InvalidInput) as err:
        train_empirical(p, data, network="h", checkpoint=tmp_path / "junk.npz", maxiter=3)
    assert err.value.field == "checkpoint"


@pytest.mark.parametrize("kwargs, field", [
    (dict(network="g"), "network"), (dict(optimizer="adam"), "optimizer"), (dict(optimizer="sgd"), "epochs"),
    (dict(epochs=5), "epochs"), (dict(optimizer="sgd", epochs=0), "epochs"), (dict(d=4), "d"),
    (dict(optimizer="sgd", epochs=2, lr=0), "lr"), (dict(optimizer="sgd", epochs=2, batch_size=0), "batch_size"),
    (dict(optimizer="sgd", epochs=2, maxiter=3), "maxiter"), (dict(gtol=-1.0), "gtol"), (dict(maxiter=0), "maxiter"),
    (dict(init_seed=-1), "init_seed"), (dict(eps=float("nan")), "eps"), (dict(record_every=0), "record_every"),
])
def test_typed_errors(small, kwargs, field):
    p, data = small
    with pytest.raises(InvalidInput) as err:
        train_empirical(p, data, **kwargs)
    assert err.value.field == field


def test_d_missing_and_dataset_of_another_problem(small, tmp_path):
    p, data = small
    q = Problem(Setting(3, 6, 4, "1/1000", K=12), "random", seed=0)
    with pytest.raises(InvalidInput) as err:
        train_empirical(q, sample_dataset(q, 2), maxiter=2)
    assert err.value.field == "d"
    with pytest.raises(InvalidInput) as err:
        train_empirical(q, data, d=5, maxiter=2)
    assert err.value.field == "dataset"
    with pytest.raises(InvalidInput) as err:
        train_empirical(p, data, maxiter=2, checkpoint=tmp_path)
    assert err.value.field == "checkpoint"


def test_checkpoint_file_contents(small, tmp_path):
    import json

    p, data = small
    path = tmp_path / "run.npz"
    r = train_empirical(p, data, network="h", checkpoint=path, **{**SGD, "epochs": 3})
    with np.load(path, allow_pickle=False) as f:
        assert {"W", "U", "perm", "meta"} <= set(f.files)
        assert np.array_equal(f["W"], r.W) and np.array_equal(f["U"], r.U)
        meta = json.loads(str(f["meta"]))
    assert meta["optimizer"] == "sgd" and meta["sgd"]["epoch"] == 3 and "rng_state" in meta["sgd"]
    assert len(meta["fingerprint"]) == 64 and meta["identity"]["dataset"] == data.digest
    assert not list(tmp_path.glob(".ckpt-*"))  # no temporary file left behind
