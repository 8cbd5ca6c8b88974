"""``fctheory latent check`` and ``fctheory predict ... --latent-file/--code`` end to end."""

import json

import numpy as np
import pytest

from fctheory.cli.main import main
from fctheory.latent import full_latent_set, named_code


def run_json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_full_set_passes_everything(capsys):
    d = run_json(capsys, ["latent", "check", "--n-c", "3", "--L", "3", "--json"])
    assert d["assumption_a"]["holds"] and d["assumption_a"]["deviation"] == 0.0
    assert d["lemma_b"]["holds"] and d["lemma_b"]["i"] and d["lemma_b"]["ii"] and d["lemma_b"]["iii"]
    assert d["assumption_b"] == {**d["assumption_b"], "holds": True, "nullspace_dim": 2, "witness": None}
    assert d["K"] == 27


def test_random_subset_json_contract(capsys):
    d = run_json(capsys, ["latent", "check", "--n-c", "3", "--L", "5", "--K", "60", "--seed", "4", "--json"])
    assert set(d["assumption_a"]) >= {"holds", "deviation"}
    assert set(d["lemma_b"]) >= {"holds", "i", "ii", "iii"}
    assert set(d["assumption_b"]) >= {"holds", "nullspace_dim", "witness"}
    assert d["assumption_a"]["holds"] is False and d["assumption_a"]["deviation"] > 0
    again = run_json(capsys, ["latent", "check", "--n-c", "3", "--L", "5", "--K", "60", "--seed", "4", "--json"])
    assert again == d


def test_code_satisfies_lemma_b_not_a(capsys):
    d = run_json(capsys, ["latent", "check", "--n-c", "3", "--L", "4", "--code", "ternary-hamming", "--json"])
    assert not d["assumption_a"]["holds"] and d["lemma_b"]["holds"] and d["assumption_b"]["holds"]
    assert d["lemma_b"]["sphere_sizes"] == [0, 0, 8, 0]


def test_file_with_failing_assumption_b_prints_witness(tmp_path, capsys):
    z = full_latent_set(2, 3)  # concept 2 never used
    np.save(tmp_path / "z.npy", z)
    d = run_json(capsys, ["latent", "check", "--n-c", "3", "--L", "3", "--file", str(tmp_path / "z.npy"), "--json"])
    assert d["assumption_b"]["holds"] is False and d["assumption_b"]["nullspace_dim"] > 2
    W = np.array(d["assumption_b"]["witness"])
    assert np.array_equal(W, W.T) and np.trace(W) == 0 and W.sum() == 0
    assert main(["latent", "check", "--n-c", "3", "--L", "3", "--file", str(tmp_path / "z.npy")]) == 0
    out = capsys.readouterr().out
    assert "assumption B (eq. 44)   FAILS" in out and "witness" in out


def test_table_output(capsys):
    assert main(["latent", "check", "--n-c", "3", "--L", "11", "--code", "ternary-golay"]) == 0
    out = capsys.readouterr().out
    assert "lemma B                 holds" in out and "0 0 0 0 132 132 0 330 110 0 24" in out


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--n-c", "3", "--L", "5", "--code", "ternary-golay"], "--L"),
        (["--n-c", "2", "--L", "11", "--code", "ternary-golay"], "--n-c"),
        (["--n-c", "3", "--L", "5", "--code", "nonsense"], "code"),
        (["--n-c", "3", "--L", "5", "--K", "1000"], "K"),
        (["--n-c", "3", "--L", "5", "--seed", "3"], "--seed"),
        (["--n-c", "1", "--L", "5"], "--n-c"),
        (["--n-c", "3", "--L", "5", "--file", "missing.npy"], "no such file"),
        (["--n-c", "3", "--L", "5", "--K", "10", "--code", "ternary-golay"], "not allowed"),
    ],
)
def test_errors_are_one_line(capsys, argv, match):
    assert main(["latent", "check", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and match in err and err.count("\n") == 1


def test_predict_with_code_uses_H_Z(capsys):
    from fctheory import Setting, predict_type1
    from fctheory.latent import sphere_sizes

    d = run_json(capsys, ["predict", "type1", "--code", "ternary-hamming", "--n-c", "3", "--L", "4", "--K", "9",
                          "--s-c", "2", "--json"])
    assert d["sphere_sizes"]["exact"] is True and d["sphere_sizes"]["counts"] == ["0", "0", "8", "0"]
    z = named_code("ternary-hamming").codewords()
    ref = predict_type1(Setting(3, 2, 4, "0.001", K=9, d=100), sphere_sizes=sphere_sizes(z, 3))
    assert d["tau"] == ref.to_dict()["tau"]
    # the assumption-A closed form gives a different number for the same setting
    plain = run_json(capsys, ["predict", "type1", "--n-c", "3", "--L", "4", "--K", "9", "--s-c", "2", "--json"])
    assert plain["tau"] != d["tau"]


def test_predict_with_latent_file_labels_approximations(tmp_path, capsys):
    z = np.array([[0, 0, 0], [0, 1, 2], [1, 1, 1], [2, 0, 1], [2, 2, 2]])
    path = tmp_path / "z.txt"
    path.write_text("\n".join(",".join(map(str, row)) for row in z))
    assert main(["predict", "type2", "--latent-file", str(path), "--n-c", "3", "--L", "3", "--K", "5", "--json"]) == 0
    captured = capsys.readouterr()
    d = json.loads(captured.out)
    assert d["sphere_sizes"]["exact"] is False and "APPROXIMATION" in captured.err
    assert main(["predict", "type1", "--latent-file", str(path), "--n-c", "3", "--L", "3", "--K", "20"]) == 2
    assert "--K must be the number of latent variables" in capsys.readouterr().err


@pytest.mark.parametrize("argv, words", [
    (["--n-c", "3", "--L", "15"], "the full latent set n_c**L = 3**15 is too large"),       # took 91 s and 5 GB
    (["--n-c", "64", "--L", "64", "--K", "10000000"], "the latent set (K) is too large"),  # exhausted 24 GB
    (["--n-c", "3", "--L", "65"], "L must be an integer in [1, 64]"),
])
def test_sets_beyond_the_limits_are_refused_before_building(argv, words, capsys):
    assert main(["latent", "check", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1


def test_a_text_file_with_a_byte_order_mark(tmp_path, capsys):
    path = tmp_path / "rows.txt"
    path.write_bytes("\ufeff0 0 1\n1 1 0\n2 0 2\n".encode("utf-8"))
    d = run_json(capsys, ["latent", "check", "--n-c", "3", "--L", "3", "--latent-file", str(path), "--json"])
    assert d["K"] == 3
