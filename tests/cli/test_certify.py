"""End-to-end tests of ``fctheory certify``."""

import json

import pytest

from fctheory import Setting, predict_type1
from fctheory.cli.main import main


def _run(capsys, *argv):
    code = main(["certify", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract_type1(capsys):
    code, out, _ = _run(capsys, "--n-c", "2", "--s-c", "2", "--L", "2", "--lam", "1/20", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"optimal_value", "solver_status", "gap", "predicted_value", "difference"} <= set(data)
    # theorem 1 (reference: the certified H(tau) of fctheory.predict)
    assert data["predicted_value"] == pytest.approx(float(predict_type1(Setting(2, 2, 2, "1/20")).risk), rel=1e-15)
    assert abs(data["difference"]) <= data["gap"] + 1e-10
    assert data["solver_status"] == "optimal"
    assert data["verdict"] == "consistent"


def test_table_output_for_zipf_names_type3(capsys):
    code, out, _ = _run(capsys, "--n-c", "2", "--s-c", "2", "--L", "2", "--lam", "0.05", "--mu", "zipf")
    assert code == 0
    assert "type III (theorem 2)" in out and "consistent" in out


def test_random_latent_set_with_seed_is_reproducible(capsys):
    args = ("--n-c", "2", "--s-c", "1", "--L", "3", "--lam", "0.05", "--K", "5", "--seed", "3", "--json")
    first = json.loads(_run(capsys, *args)[1])
    second = json.loads(_run(capsys, *args)[1])
    assert first["latent_set"] == "random K=5 seed=3"
    assert first["optimal_value"] == second["optimal_value"]
    assert first["certificate"]["setting"]["K"] == 5


def test_too_large_is_a_one_line_error(capsys):
    code, out, err = _run(capsys, "--n-c", "3", "--s-c", "5", "--L", "6", "--lam", "0.05")
    assert code == 2 and out == ""
    assert err.startswith("error: the convex program of theorem G") and "exceeds the limit 300000" in err
    assert err.count("\n") == 1


def test_bad_K_is_named(capsys):
    code, _, err = _run(capsys, "--n-c", "2", "--s-c", "1", "--L", "2", "--lam", "0.05", "--K", "9")
    assert code == 2 and "K must be" in err


def test_linear_code_uses_H_Z(capsys):
    # the ternary Hamming code [4, 2, 3]_3 satisfies lemma B: lemma K's H_Z is the global minimum
    code, out, _ = _run(capsys, "--n-c", "3", "--s-c", "1", "--L", "4", "--lam", "0.05", "--code", "ternary-hamming", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["prediction"] == "type I with H_Z (lemma K)"
    assert data["sphere_sizes"]["exact"] is True
    assert data["verdict"] == "consistent" and abs(data["difference"]) <= data["gap"] + 1e-10


def test_code_that_does_not_match_the_setting_is_refused(capsys):
    code, _, err = _run(capsys, "--n-c", "2", "--s-c", "1", "--L", "4", "--lam", "0.05", "--code", "ternary-hamming")
    assert code == 2 and "--code must be a code over n_c = 2" in err


def test_train_flag_puts_the_trained_minimum_in_the_interval(capsys):
    code, out, _ = _run(capsys, "--n-c", "2", "--s-c", "1", "--L", "3", "--lam", "0.05", "--K", "5", "--seed", "2", "--train", "--json")
    assert code == 0
    data = json.loads(out)
    trained = data["trained"]
    assert trained["d"] == 3 and trained["converged"]  # d = min(n_w, K L) + 1
    assert trained["verdict"] == "consistent"
    assert data["lower_bound"] - 1e-12 <= trained["predicted_value"] <= data["optimal_value"] + data["gap"]
