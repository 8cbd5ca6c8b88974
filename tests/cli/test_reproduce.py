"""`fctheory reproduce` end to end on the reduced setting (--quick), its files and its bad inputs."""

import json

import numpy as np
import pytest

from fctheory.cli.main import main
from fctheory.reproduce import JSON_KEYS


def test_quick_fig3_json_files_and_measure(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["reproduce", "fig3", "--quick", "--out", str(out), "--json", "--no-progress"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(JSON_KEYS) <= set(data)
    assert (data["experiment"], data["network"], data["mu"], data["optimizer"], data["seed"]) == \
        ("fig3", "h", "uniform", "lbfgs", 0)
    assert data["test_accuracy"] == 1.0 and data["train_accuracy"] == 1.0
    assert len(data["word_singular_values"]) == 3 and len(data["u_singular_values"]) == 3
    assert data["predicted"]["word_norm"]["theorem"].startswith("theorem 1")
    # ... beside the certified optimum of the run's own latent set
    opt = data["predicted"]["optimum_word_norm"]
    assert opt["theorem"] == "theorem G, reduced by the within-concept symmetry" and len(opt["per_concept"]) == 3
    assert data["predicted"]["optimum_risk"]["certified"] is True
    folder = out / "fig3"
    assert sorted(p.name for p in folder.iterdir()) == ["convergence.png", "pca.png", "result.json", "weights.npz"]
    assert json.loads((folder / "result.json").read_text())["risk"] == data["risk"]
    with np.load(folder / "weights.npz") as w:
        assert w["W"].shape == (10, 12) and w["U"].shape == (81, 40) and w["latent"].shape == (81, 4)
        assert w["mu"].shape == (4,)
    # fctheory measure re-measures the saved weights with the latent set stored beside them
    args = ["measure", str(folder / "weights.npz"), "--n-c", "3", "--s-c", "4", "--L", "4",
            "--latent-file", str(folder / "weights.npz"), "--json"]
    assert main(args) == 0
    measured = json.loads(capsys.readouterr().out)
    word_norms = np.array(measured["word_norms"])
    assert word_norms.mean() == pytest.approx(data["word_norm_mean"], rel=1e-12)
    assert measured["u_norm_mean"] == pytest.approx(data["u_norm_mean"], rel=1e-12)


def test_quick_table_and_zipf_figure(tmp_path, capsys):
    assert main(["reproduce", "fig4b", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "fig4b (figure 4(b))" in text and "quantity" in text and "paper's notebook" in text
    assert "45.0%" in text and "full latent set" in text
    assert (tmp_path / "fig4b" / "word-norms.png").is_file()


def test_quick_sgd_with_epochs(tmp_path, capsys):
    args = ["reproduce", "fig4c", "--quick", "--optimizer", "sgd", "--epochs", "3", "--seed", "2",
            "--out", str(tmp_path), "--json", "--no-progress"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["network"], data["optimizer"], data["seed"], data["epochs"]) == ("h*", "sgd", 2, 3)
    assert "u_frobenius" in data["predicted"] and data["eps"] == 1e-5  # the paper code's LayerNorm for SGD
    assert not list((tmp_path / "fig4c").glob("checkpoint-*"))  # removed once the files are written


@pytest.mark.parametrize("argv, message", [
    (["reproduce", "fig5"], "invalid choice"),
    (["reproduce", "fig3", "--optimizer", "adam"], "invalid choice"),
    (["reproduce", "fig3", "--seed", "-1"], "integer >= 0"),
    (["reproduce", "fig3", "--epochs", "0"], "integer >= 1"),
    (["reproduce", "fig3", "--quick", "--epochs", "3"], "epochs must be given only with optimizer 'sgd'"),
    (["reproduce", "fig3", "--quick", "--dtype", "float16"], "invalid choice: 'float16'"),
])
def test_bad_arguments(tmp_path, capsys, argv, message):
    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err


def test_out_is_a_file(tmp_path, capsys):
    f = tmp_path / "taken"
    f.write_text("not a folder")
    assert main(["reproduce", "fig3", "--quick", "--out", str(f)]) == 2
    assert "out must be a directory" in capsys.readouterr().err


@pytest.mark.slow
def test_quick_all_is_a_list_in_the_papers_order(tmp_path, capsys):
    assert main(["reproduce", "all", "--quick", "--out", str(tmp_path), "--json", "--no-progress"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["experiment"] for d in data] == ["fig3", "fig4a", "fig4b", "fig4c", "k50"]
    assert [d["n_spl"] for d in data] == [20, 50, 5, 5, 40]  # each experiment's quick n_spl
    assert all(set(JSON_KEYS) <= set(d) for d in data)
    # the run's own optimum beside theorem 1 (network h, uniform words)
    assert [any(k.startswith("optimum") for k in d["predicted"]) for d in data] == [True, False, False, False, True]
    # several experiments run as jobs of the runner, whose cache sits in --out/.cache
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "fig3", "fig4a", "fig4b", "fig4c", "k50"]
    assert (tmp_path / "fig4a" / "word-norms.png").is_file() and not (tmp_path / "fig4c" / "word-norms.png").exists()


TIMING = {"seconds", "train_seconds", "files"}


def _numbers(record):
    return {k: v for k, v in record.items() if k not in TIMING}


def test_several_seeds_are_jobs_in_seed_folders_and_a_rerun_reuses_them(tmp_path, capsys):
    out = tmp_path / "runs"
    argv = ["reproduce", "fig3", "--quick", "--seed", "0", "1", "--out", str(out), "--json", "--no-progress"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert [d["seed"] for d in first] == [0, 1] and first[0]["risk"] != first[1]["risk"]
    for seed in (0, 1):
        folder = out / f"seed{seed}" / "fig3"
        assert json.loads((folder / "result.json").read_text())["risk"] == first[seed]["risk"]
        assert (folder / "weights.npz").is_file()
    # the same numbers as the experiment run alone
    assert main(["reproduce", "fig3", "--quick", "--seed", "1", "--out", str(tmp_path / "alone"), "--json",
                 "--no-progress"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert _numbers(alone) == _numbers(first[1])
    # a re-run takes the finished jobs from the cache: identical records, timings included
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert main(argv[:-2] + ["--no-progress"]) == 0
    assert capsys.readouterr().out.count("(cached: a finished run of the same arguments)") == 2


def test_dtype_reaches_the_trainer_here_and_in_jobs(tmp_path, capsys):
    assert main(["reproduce", "fig3", "--quick", "--dtype", "float32", "--out", str(tmp_path / "one"), "--json",
                 "--no-progress"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["dtype"] == "float32" and one["gtol"] == 1e-7
    assert main(["reproduce", "fig3", "--quick", "--seed", "0", "1", "--dtype", "float32", "--out",
                 str(tmp_path / "two"), "--json", "--no-progress"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert [d["dtype"] for d in two] == ["float32", "float32"] and _numbers(two[0]) == _numbers(one)
    assert main(["reproduce", "fig3", "--quick", "--out", str(tmp_path / "one"), "--no-progress"]) == 0
    assert "lbfgs (float64) to max|grad| <= 1e-08" in capsys.readouterr().out


def test_worker_processes_give_the_numbers_of_this_process(tmp_path, capsys):
    base = ["reproduce", "k50", "--quick", "--seed", "0", "3", "--json", "--no-progress"]
    assert main(base + ["--out", str(tmp_path / "a")]) == 0
    here = json.loads(capsys.readouterr().out)
    assert main(base + ["--out", str(tmp_path / "b"), "--jobs", "2"]) == 0
    pool = json.loads(capsys.readouterr().out)
    assert [_numbers(d) for d in pool] == [_numbers(d) for d in here]


@pytest.mark.parametrize("extra, message", [
    (["--jobs", "0"], "--jobs"),
    (["--scheduler", "nonsense"], "--scheduler"),
    (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "--jobs"),
])
def test_bad_backends_are_one_line_errors(tmp_path, capsys, extra, message):
    assert main(["reproduce", "fig3", "--quick", "--seed", "0", "1", "--out", str(tmp_path / "o"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err


def test_the_choices_are_the_experiments_and_all():
    from fctheory.cli.reproduce import CHOICES
    from fctheory.reproduce import EXPERIMENT_NAMES

    assert CHOICES == (*EXPERIMENT_NAMES, "all")  # kept literal for the CLI's start-up time
