"""float32 in the engine and the trainer: agreement with float64, validation, checkpoints, the recorded type."""

import json
import signal

import numpy as np
import pytest

import fctheory.empirical._train as train_module
from fctheory import Problem, Setting
from fctheory.empirical import (DEFAULT_DTYPES, CheckpointMismatch, empirical_risk, empirical_risk_and_grad,
                                sample_dataset, train_empirical)
from fctheory.empirical._checkpoint import load_checkpoint, save_checkpoint
from fctheory.empirical._engine import sgd_step
from fctheory.errors import InvalidInput


def _case(seed=2):
    p = Problem(Setting(3, 4, 4, "1/50", K=9, mu="zipf"), "random", seed=seed)
    data = sample_dataset(p, 6, seed=seed)
    rng = np.random.default_rng(seed)
    return p, data, rng.standard_normal((4, p.n_w)), 0.4 * rng.standard_normal((p.K, p.L * 4))


@pytest.fixture(scope="module")
def small():
    p = Problem(Setting(3, 6, 4, "1/1000", K=12, d=5), "random", seed=0)
    return p, sample_dataset(p, 8, n_test=4, seed=1)


SGD = dict(optimizer="sgd", epochs=4, lr=0.5, batch_size=16)


@pytest.mark.parametrize("network", ["h", "h*"])
@pytest.mark.parametrize("method", ["tables", "direct"])
def test_float32_value_and_gradient_agree_with_float64(network, method):
    p, data, W, U = _case()
    x, y = data.x_train, data.y_train
    v64, gW64, gU64 = empirical_risk_and_grad(p, W, U, x, y, network=network, method=method)
    v32, gW32, gU32 = empirical_risk_and_grad(p, W, U, x, y, network=network, method=method, dtype="float32")
    assert gW32.dtype == np.float32 and gU32.dtype == np.float32 and isinstance(v32, float)
    # float32 rounds the weights and every product at 6e-8 relative; measured here: value 2e-8,
    # gradients 4e-7 of their largest entry (h*: through the LayerNorm's Jacobian)
    assert abs(v32 - v64) <= 1e-6 * abs(v64)
    assert np.max(np.abs(gW32 - gW64)) <= 1e-5 * np.max(np.abs(gW64))
    assert np.max(np.abs(gU32 - gU64)) <= 1e-5 * np.max(np.abs(gU64))
    assert empirical_risk(p, W, U, x, y, network=network, method=method, dtype=np.float32) == v32
    # and it is not float64 in disguise
    assert v32 != v64


@pytest.mark.parametrize("network", ["h", "h*"])
def test_float32_sgd_step_agrees_with_float64(network):
    p, data, W, U = _case(3)
    x, y = data.x_train[:16], data.y_train[:16]
    W64, U64 = 0.01 * W, U.copy()
    W32, U32 = W64.astype(np.float32), U64.astype(np.float32)
    kw = dict(network=network, lr=0.5, lam_W=0.02, lam_U=0.02, eps=1e-5)
    loss64, ok64 = sgd_step(W64, U64, x, y, **kw)
    loss32, ok32 = sgd_step(W32, U32, x, y, **kw)
    assert W32.dtype == np.float32 and U32.dtype == np.float32  # updated in place, in float32
    assert abs(loss32 - loss64) <= 1e-6 * abs(loss64) and ok32 == ok64
    assert np.max(np.abs(W32 - W64)) <= 1e-5 * np.max(np.abs(W64))
    assert np.max(np.abs(U32 - U64)) <= 1e-5 * np.max(np.abs(U64))


def test_defaults_and_the_recorded_type(small):
    p, data = small
    assert DEFAULT_DTYPES == {"lbfgs": "float64", "sgd": "float32"}
    lb = train_empirical(p, data, network="h", maxiter=300)
    sg = train_empirical(p, data, network="h", **SGD)
    assert (lb.dtype, lb.W.dtype, lb.hyperparameters["dtype"]) == ("float64", np.float64, "float64")
    assert (sg.dtype, sg.W.dtype, sg.U.dtype, sg.hyperparameters["dtype"]) == ("float32", np.float32, np.float32,
                                                                               "float32")
    assert json.loads(json.dumps(sg.to_dict(), allow_nan=False))["dtype"] == "float32"
    assert lb.hyperparameters["gtol"] == 1e-10 and sg.hyperparameters["gtol"] is None


def test_float32_lbfgs_reaches_the_float64_minimum(small):
    p, data = small
    r64 = train_empirical(p, data, network="h", maxiter=400)
    r32 = train_empirical(p, data, network="h", maxiter=400, dtype="float32", gtol=2e-6)
    assert r32.dtype == "float32" and r32.float64_from is None  # float32 throughout
    assert r32.W.dtype == np.float64 and np.array_equal(r32.W, r32.W.astype(np.float32))  # float32 values
    assert r32.converged and r32.gradient_max <= 2e-6 and r32.message.startswith("L-BFGS-B: CONVERGENCE")
    assert r32.risk == pytest.approx(r64.risk, rel=1e-5)  # gtol 2e-6 against 1e-10: 3e-6 apart
    assert r32.test_accuracy == r64.test_accuracy
    n32, n64 = np.linalg.norm(r32.W, axis=0), np.linalg.norm(r64.W, axis=0)
    assert np.max(np.abs(n32 - n64)) <= 1e-3 * np.max(n64)


def test_float32_lbfgs_below_its_resolution_finishes_in_float64(small, tmp_path, monkeypatch):
    """This problem's float32 objective stops resolving near max|g| ~ 7e-7: a gtol of 1e-8 is reached
    by going on in float64 from the last float32 iterate, and said so."""
    p, data = small
    r64 = train_empirical(p, data, network="h", maxiter=400, gtol=1e-8)
    r = train_empirical(p, data, network="h", maxiter=400, dtype="float32", gtol=1e-8)
    assert r.dtype == "float32" and 0 < r.float64_from < r.iterations < 400
    assert r.converged and r.gradient_max <= 1e-8
    assert "in float32 to iteration" in r.message and "then in float64: CONVERGENCE" in r.message
    assert r64.converged and r.risk == pytest.approx(r64.risk, rel=1e-10)
    assert r.to_dict()["float64_from"] == r.float64_from
    # a checkpoint written in the float64 finish resumes there
    path = tmp_path / "lbfgs32.npz"
    calls = {"n": 0}
    real = train_module.evaluate

    def interrupting(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == r.evaluations - 3:
            signal.raise_signal(signal.SIGINT)
        return real(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(train_module, "evaluate", interrupting)
        with pytest.raises(KeyboardInterrupt):
            train_empirical(p, data, network="h", maxiter=400, dtype="float32", gtol=1e-8, checkpoint=path)
    assert load_checkpoint(path)[1]["lbfgs"]["float64_from"] == r.float64_from
    resumed = train_empirical(p, data, network="h", maxiter=400, dtype="float32", gtol=1e-8, checkpoint=path)
    assert resumed.resumed and resumed.float64_from == r.float64_from and resumed.converged


@pytest.mark.parametrize("dtype", ["float16", "f4", "single", np.float16, 32, None])
def test_bad_dtype_is_refused_naming_the_field(small, dtype):
    p, data = small
    W, U = np.zeros((5, p.n_w)), np.zeros((p.K, p.L * 5))
    if dtype is not None:  # None is the trainer's "default for the optimizer"
        with pytest.raises(InvalidInput) as err:
            train_empirical(p, data, maxiter=2, dtype=dtype)
        assert err.value.field == "dtype"
    with pytest.raises(InvalidInput) as err:
        empirical_risk(p, W, U, data.x_train, data.y_train, dtype=dtype)
    assert err.value.field == "dtype" and "float32" in str(err.value)


def test_checkpoint_records_the_type_and_refuses_another(small, tmp_path):
    p, data = small
    path = tmp_path / "run.npz"
    train_empirical(p, data, network="h", checkpoint=path, **SGD)
    arrays, meta = load_checkpoint(path)
    assert meta["dtype"] == "float32" and meta["identity"]["dtype"] == "float32"
    assert arrays["W"].dtype == np.float32
    with pytest.raises(CheckpointMismatch) as err:
        train_empirical(p, data, network="h", checkpoint=path, dtype="float64", **SGD)
    assert set(err.value.differences) == {"dtype"}
    assert err.value.differences["dtype"] == ("float32", "float64")
    # the same type resumes (and extends) the run
    assert train_empirical(p, data, network="h", checkpoint=path, **{**SGD, "epochs": 5}).resumed


def test_checkpoint_without_a_type_is_a_float64_one(small, tmp_path):
    """Checkpoints written before the dtype option computed in float64 and are read as such."""
    p, data = small
    path = tmp_path / "old.npz"
    ref = train_empirical(p, data, network="h", dtype="float64", **SGD)
    train_empirical(p, data, network="h", checkpoint=path, dtype="float64", **{**SGD, "epochs": 2})
    arrays, meta = load_checkpoint(path)
    del meta["identity"]["dtype"], meta["dtype"], meta["format"]
    save_checkpoint(path, arrays, meta)
    with pytest.raises(CheckpointMismatch) as err:
        train_empirical(p, data, network="h", checkpoint=path, **SGD)  # SGD's default is float32
    assert set(err.value.differences) == {"dtype"}
    resumed = train_empirical(p, data, network="h", checkpoint=path, dtype="float64", **SGD)
    assert resumed.resumed and np.array_equal(resumed.W, ref.W) and np.array_equal(resumed.U, ref.U)
