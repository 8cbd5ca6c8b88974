"""reproduce_experiment on the reduced setting: what it trains, what it writes, how it resumes."""

import json
import os

import numpy as np
import pytest

from fctheory import InvalidInput, Problem
from fctheory.empirical import sample_dataset, train_empirical
from fctheory.reproduce import JSON_KEYS, checkpoint_name, experiment, experiment_setting, reproduce_experiment


def test_quick_fig3_matches_the_engine_and_writes_nothing_without_out(tmp_path):
    r = reproduce_experiment("fig3", quick=True, seed=1)
    assert r.files == {} and r.quick and (r.experiment, r.network, r.optimizer, r.seed) == ("fig3", "h", "lbfgs", 1)
    # the seed fixes the latent set, the data and the initialisation
    setting = experiment_setting(experiment("fig3"), quick=True)
    problem = Problem(setting, "random", seed=1)
    assert np.array_equal(r.latent, problem.latent)
    assert r.n_spl == experiment("fig3").quick.n_spl
    direct = train_empirical(problem, sample_dataset(problem, r.n_spl, seed=1), network="h", init_seed=1, gtol=1e-8)
    assert r.gtol == 1e-8
    np.testing.assert_array_equal(r.W, direct.W)
    assert r.risk == direct.risk and r.test_accuracy == direct.test_accuracy
    assert r.word_norm_mean == pytest.approx(np.linalg.norm(direct.W, axis=0).mean(), rel=1e-14)
    assert list(tmp_path.iterdir()) == []
    d = r.to_dict()
    assert tuple(d)[:len(JSON_KEYS)] == JSON_KEYS
    json.dumps(d, allow_nan=False)


def test_interrupted_sgd_reproduction_resumes_from_its_checkpoint(tmp_path):
    # an SGD run stopped after 2 of 4 epochs leaves its checkpoint in the experiment folder ...
    exp = experiment("fig4c")
    problem = Problem(experiment_setting(exp, quick=True), "random", seed=0)
    data = sample_dataset(problem, exp.quick.n_spl, seed=0)
    ckpt = tmp_path / "fig4c" / checkpoint_name("sgd", 0, True)
    ckpt.parent.mkdir()
    train_empirical(problem, data, network="h*", optimizer="sgd", epochs=2, init_seed=0, checkpoint=ckpt)
    assert ckpt.exists()
    # ... and the reproduction started again continues from it, to the uninterrupted result
    resumed = reproduce_experiment("fig4c", optimizer="sgd", epochs=4, quick=True, out=tmp_path)
    assert resumed.resumed and resumed.epochs == 4
    straight = train_empirical(problem, data, network="h*", optimizer="sgd", epochs=4, init_seed=0)
    np.testing.assert_array_equal(resumed.W, straight.W)
    np.testing.assert_array_equal(resumed.U, straight.U)
    assert not ckpt.exists()  # removed once every file is written
    files = sorted(os.listdir(tmp_path / "fig4c"))
    assert files == ["convergence.png", "pca.png", "result.json", "weights.npz"]
    saved = json.loads((tmp_path / "fig4c" / "result.json").read_text())
    assert saved["resumed"] is True and saved["optimizer"] == "sgd"


@pytest.mark.parametrize("kwargs, field", [
    ({"name": "fig9"}, "experiment"),
    ({"optimizer": "adam"}, "optimizer"),
    ({"seed": -1}, "seed"),
    ({"seed": True}, "seed"),
    ({"epochs": 0, "optimizer": "sgd"}, "epochs"),
    ({"epochs": 5}, "epochs"),
    ({"n_spl": 0}, "n_spl"),
    ({"gtol": 0.0}, "gtol"),
    ({"maxiter": 0}, "maxiter"),
    ({"maxiter": 5, "optimizer": "sgd", "epochs": 2}, "maxiter"),
    ({"gtol": 1e-6, "optimizer": "sgd", "epochs": 2}, "gtol"),
    ({"dtype": "float16"}, "dtype"),
])
def test_bad_inputs_are_typed_errors(tmp_path, kwargs, field):
    name = kwargs.pop("name", "fig3")
    with pytest.raises(InvalidInput) as info:
        reproduce_experiment(name, quick=True, out=tmp_path / "o", **kwargs)
    assert info.value.field == field
    assert not (tmp_path / "o").exists()  # nothing is created for a bad call


def test_float32_reproduction_records_its_type_and_matches_float64(tmp_path):
    r64 = reproduce_experiment("fig3", quick=True)
    r32 = reproduce_experiment("fig3", quick=True, dtype="float32", out=tmp_path)
    assert (r64.dtype, r32.dtype) == ("float64", "float32")
    assert (r64.gtol, r32.gtol) == (1e-8, 1e-7)  # float32's own default (its objective's resolution)
    assert r32.converged and r32.test_accuracy == r64.test_accuracy
    assert r32.word_norm_mean == pytest.approx(r64.word_norm_mean, rel=5e-3)
    assert r32.to_dict()["dtype"] == "float32"
    assert json.loads((tmp_path / "fig3" / "result.json").read_text())["dtype"] == "float32"
    # SGD runs in float32 unless told otherwise
    sgd = reproduce_experiment("fig3", quick=True, optimizer="sgd", epochs=2)
    assert sgd.dtype == "float32" and sgd.gtol is None
    assert reproduce_experiment("fig3", quick=True, optimizer="sgd", epochs=2, dtype="float64").dtype == "float64"


def test_iteration_limit_is_reported():
    r = reproduce_experiment("fig4c", quick=True, maxiter=3)
    assert r.eps == 0.0  # L-BFGS on h* uses THEORY's LayerNorm (with eps > 0 there is no minimizer)
    assert r.iterations == 3 and not r.converged and "LIMIT" in r.message


def test_out_that_is_a_file_is_refused_before_training(tmp_path):
    f = tmp_path / "f"
    f.write_text("")
    with pytest.raises(InvalidInput, match="out must be a directory"):
        reproduce_experiment("fig3", quick=True, out=f)
