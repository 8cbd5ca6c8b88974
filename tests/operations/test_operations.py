"""The operations (fctheory.operations): the library's results, as the CLI prints them and a grid row holds them."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from fctheory import Setting, predict_type1, predict_type3
from fctheory.cli.main import main
from fctheory.errors import InvalidInput
from fctheory.errors import NoNontrivialSolution
from fctheory.operations import run_params
from fctheory.registry import job_kinds
from fctheory.sweep import load_grid, parse_grid


def parse_grid_k(data, **kw):
    return parse_grid(data, job_kinds(), **kw)


def load_grid_k(path, **kw):
    return load_grid(path, job_kinds(), **kw)


def job_type1(params):
    return run_params("predict type1", params)


def job_type3(params):
    return run_params("predict type3", params)


def predict_threshold(params):
    return run_params("predict threshold", params)


def train(params):
    return run_params("train", params)


def certify(params):
    return run_params("certify", params)


ROOT = Path(__file__).resolve().parents[2]


def test_predict_jobs_are_the_predictions_to_dict():
    s = Setting(2, 2, 3, "1/100", d=100)  # the paper's d where the grid gives none
    assert job_type1({"n_c": 2, "s_c": 2, "L": 3, "lam": "1/100"}) == predict_type1(s).to_dict()
    zipf = Setting(2, 2, 2, "1/100", mu="zipf", d=100)
    assert job_type3({"n_c": 2, "s_c": 2, "L": 2, "lam": "1/100", "mu": "zipf"}) == predict_type3(zipf).to_dict()
    thr = predict_threshold({"n_c": 2, "s_c": 2, "L": 2, "lam": "1/100"})
    assert thr["general"]["equation"].startswith("theorem G") and thr["agree"] is True


def test_predict_with_a_latent_set_uses_its_sphere_sizes():
    out = job_type1({"n_c": 3, "s_c": 1, "L": 4, "lam": "1/100", "code": "ternary-hamming"})
    assert out["setting"]["K"] == 9 and out["sphere_sizes"]["source"].startswith("code ternary-hamming")
    random = job_type1({"n_c": 2, "s_c": 2, "L": 3, "K": 5, "lam": "1/100", "latent": "random", "seed": 1})
    assert random["sphere_sizes"]["source"].startswith("random K=5 seed=1")
    with pytest.raises(InvalidInput) as info:
        job_type1({"n_c": 2, "s_c": 2, "L": 3, "lam": "1/100", "latent": "file"})
    assert info.value.field == "latent"


def test_lam_over_threshold_resolves_against_the_threshold():
    out = job_type1({"n_c": 2, "s_c": 2, "L": 2, "lam_over_threshold": "1/2"})
    assert out["trivial"] is False and out["threshold_equation"] and math.isclose(float(out["lam"]), out["threshold"] / 2,
                                                                                   rel_tol=1e-5)
    with pytest.raises(NoNontrivialSolution):  # above the threshold: W = U = 0, as for type III
        job_type1({"n_c": 2, "s_c": 2, "L": 2, "lam_over_threshold": 2})
    with pytest.raises(InvalidInput) as info:
        job_type1({"n_c": 2, "s_c": 2, "L": 2, "lam": "1/10", "lam_over_threshold": 2})
    assert info.value.field == "lam/lam_over_threshold"
    grid = {"sweep": {"command": "train"}, "fixed": {"n_c": 2, "s_c": 2, "L": 2, "d": 3}}
    with pytest.raises(InvalidInput) as info:
        parse_grid_k(grid)
    assert info.value.field == "grid.lam" and "(or lam_over_threshold)" in str(info.value)
    parse_grid_k({**grid, "grid": {"lam_over_threshold": ["1/2"]}})


def test_train_on_a_random_latent_set():
    out = train({"n_c": 2, "s_c": 2, "L": 3, "K": 5, "d": 4, "lam": "1/100", "seed": 3})
    assert out.record["latent_set"] == "random K=5 seed=3" and out.record["K"] == 5 and out.record["converged"]
    assert out.arrays["U"].shape == (5, 12)
    assert out.record["predicted_theorem"].startswith("none for a random latent set")
    assert out.record["predicted_risk"] is None and out.record["predicted_u_frobenius"] is None


@pytest.mark.parametrize("params, theorem, w_predicted", [
    ({"n_c": 3, "s_c": 2, "L": 3, "d": 7, "lam": "1/100"}, "theorem 1", True),
    ({"n_c": 3, "s_c": 3, "L": 3, "d": 10, "lam": "1/100", "mu": "zipf"}, "theorem 2", True),
    ({"n_c": 3, "s_c": 2, "L": 3, "d": 5, "lam": "1/100", "mu": "zipf", "network": "h*"}, "theorem 3", False),
    ({"n_c": 3, "s_c": 2, "L": 4, "d": 7, "lam": "1/100", "code": "ternary-hamming"}, "theorem 1", True),
    ({"n_c": 3, "s_c": 2, "L": 3, "d": 7, "lam": "1"}, "at or above the λ threshold", True),
])
def test_train_rows_carry_the_closed_form_beside_the_trained_minimum(params, theorem, w_predicted):
    """Each train row puts the theorem's risk and norms beside the measured ones (to 1e-9 at a converged
    minimum; theorem 1 / 2 / 3, lemma B on a code, W = U = 0 above the threshold)."""
    r = train(params).record
    assert r["converged"] and r["predicted_theorem"].startswith(theorem)
    assert r["risk"] == pytest.approx(r["predicted_risk"], rel=1e-9)
    assert r["u_frobenius"] == pytest.approx(r["predicted_u_frobenius"], rel=1e-9, abs=1e-12)
    if w_predicted:
        assert r["w_frobenius"] == pytest.approx(r["predicted_w_frobenius"], rel=1e-9, abs=1e-12)
    else:  # network h*: LayerNorm leaves the raw word norms free
        assert r["predicted_w_frobenius"] is None


def test_certify_job_has_the_keys_of_certify_json(capsys):
    assert main(["certify", "--n-c", "2", "--s-c", "2", "--L", "1", "--lam", "1/20", "--mu", "zipf", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    job = certify({"n_c": 2, "s_c": 2, "L": 1, "lam": "1/20", "mu": "zipf"})
    assert set(cli) == set(job)  # one payload: the CLI's and the grid's
    for key in ("optimal_value", "lower_bound", "predicted_value", "gradient_ratio"):
        assert math.isclose(job[key], cli[key], rel_tol=1e-12), key
    assert job["verdict"] == cli["verdict"] == "consistent"


def test_the_conjecture_grid_reproduces_the_scripts_first_row():
    grid = load_grid_k(ROOT / "validation" / "grids" / "conjecture.toml")
    assert grid.size == 96 and grid.command == "certify"
    first = grid.params()[0]
    row = json.loads((ROOT / "validation" / "conjecture_sweep.json").read_text())["rows"][0]
    assert (first["n_c"], first["s_c"], first["L"], first["lam_over_threshold"]) == (row["n_c"], row["s_c"], row["L"], "1/100")
    out = certify(first)
    assert math.isclose(float(out["lam"]), float(row["lam"]), rel_tol=1e-12)
    assert out["claim_h_mp_ratio_minus_1"] == row["claim_h_mp_ratio_minus_1"]
    assert math.isclose(out["predicted_value"], row["F_type3"], rel_tol=1e-12)
    assert math.isclose(out["optimal_value"], row["upper"], rel_tol=1e-9)
    assert math.isclose(out["lower_bound"], row["lower"], rel_tol=1e-9)


def test_reproduce_job_is_the_reproduction_json_with_its_weights(tmp_path):
    from fctheory.reproduce import JSON_KEYS, reproduce_experiment

    out = run_params("reproduce", {"experiment": "k50", "seed": 2, "quick": True, "out": str(tmp_path)})
    direct = reproduce_experiment("k50", seed=2, quick=True)
    assert set(JSON_KEYS) <= set(out.record)
    timing = {"seconds", "train_seconds", "files"}
    assert {k: v for k, v in out.record.items() if k not in timing} == \
        {k: v for k, v in direct.to_dict().items() if k not in timing}
    assert np.array_equal(out.arrays["W"], direct.W) and np.array_equal(out.arrays["U"], direct.U)
    assert (tmp_path / "seed2" / "k50" / "result.json").is_file()
    flat = run_params("reproduce", {"experiment": "k50", "seed": 2, "quick": True, "out": str(tmp_path / "f"),
                                     "seed_folder": False})
    assert (tmp_path / "f" / "k50" / "weights.npz").is_file() and flat.record["risk"] == out.record["risk"]


def test_reproduce_cost_model_covers_every_experiment_and_mode():
    from fctheory.operations import ReproduceSpec, reproduce_seconds
    from fctheory.reproduce import EXPERIMENT_NAMES

    for name in EXPERIMENT_NAMES:
        for optimizer in ("lbfgs", "sgd"):
            quick = reproduce_seconds(name, optimizer, quick=True)
            assert 0 < quick < 10 and reproduce_seconds(name, optimizer) > quick
    # the quick runs are seconds; the full k50 (50 classes) is seconds too, figure 3 about a minute
    assert sum(reproduce_seconds(n, quick=True) for n in EXPERIMENT_NAMES) < 30
    assert reproduce_seconds("k50") < reproduce_seconds("fig3") < reproduce_seconds("fig4b")
    assert ReproduceSpec.from_params({"experiment": "k50", "quick": True}).cost() == reproduce_seconds("k50", quick=True)


@pytest.mark.parametrize("params, field", [
    ({"experiment": "fig9"}, "experiment"),
    ({"experiment": "fig3", "quick": "yes"}, "quick"),
    ({"experiment": "fig3", "seed_folder": 1}, "seed_folder"),
    ({"experiment": "fig3", "out": ""}, "out"),
    ({"experiment": "fig3", "gtol": "tight"}, "gtol"),
])
def test_reproduce_job_bad_params(params, field):
    with pytest.raises(InvalidInput, match=field):
        run_params("reproduce", params)


def test_the_claim_h_grid_reproduces_the_scripts_first_scan_row():
    grid = load_grid_k(ROOT / "validation" / "grids" / "conjecture-claim-h.toml")
    assert grid.size == 375 and grid.command == "claim-h"
    first = [p for p in grid.params() if (p["n_c"], p["s_c"], p["L"], p["mu"]) == (2, 2, 2, "zipf:1/2")]
    assert [p["lam_over_threshold"] for p in first] == ["1/1000", "1/100", "1/3", "99/100", "999/1000"]
    row = json.loads((ROOT / "validation" / "conjecture_sweep.json").read_text())["claim_h_scan"][0]
    assert (row["n_c"], row["s_c"], row["L"], row["mu"]) == (2, 2, 2, "zipf:1/2")
    outs = [run_params("claim-h", p) for p in first]
    assert all(o["holds"] and o["dps"] == 25 for o in outs)
    worst = max(range(5), key=lambda i: float(outs[i]["claim_h_mp_ratio_minus_1"]))
    assert float(outs[worst]["claim_h_mp_ratio_minus_1"]) == float(row["max_ratio_minus_1"])  # 3 digits both
    assert first[worst]["lam_over_threshold"] == row["at_fraction"]


@pytest.mark.parametrize("params, field", [
    ({"n_c": 2, "s_c": 2, "L": 2, "K": 3, "mu": "zipf", "lam": "1/100"}, "K"),
    ({"n_c": 2, "s_c": 2, "L": 2, "mu": "zipf", "lam": "1/100", "dps": 5}, "dps"),
    ({"n_c": 2, "s_c": 2, "L": 2, "mu": "zipf"}, "lam"),
])
def test_claim_h_job_bad_params(params, field):
    with pytest.raises(InvalidInput, match=field):
        run_params("claim-h", params)
