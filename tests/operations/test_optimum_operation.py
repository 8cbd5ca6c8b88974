"""``predict optimum``: the CLI, a grid row and the API; the full set equals theorem 1; the saved weights measure."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest

from fctheory.cli.main import main
from fctheory.operations import run_params
from fctheory.registry import job_kinds
from fctheory.sweep import parse_grid, run_grid

SMALL = ["--n-c", "3", "--s-c", "2", "--L", "3", "--lam", "0.01"]


def _cli(argv):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = main(argv)
    return status, buffer.getvalue()


def test_on_the_full_set_it_is_theorem_1():
    _, out = _cli(["predict", "optimum", *SMALL, "--K", "full", "--json"])
    optimum = json.loads(out)
    _, out = _cli(["predict", "type1", *SMALL, "--json"])
    type1 = json.loads(out)
    assert optimum["certified"] and optimum["relative_gap"] <= 1e-9
    assert optimum["min_risk"] == pytest.approx(float(type1["risk"]), rel=1e-9)
    assert optimum["word_norms"] == pytest.approx([float(type1["word_norm"])] * 3, rel=1e-6)


def test_cli_grid_and_api_agree(tmp_path):
    params = {"n_c": 3, "s_c": 2, "L": 4, "K": 20, "seed": 1, "lam": "0.01"}
    api = json.loads(json.dumps(run_params("predict optimum", params)))
    _, out = _cli(["predict", "optimum", "--n-c", "3", "--s-c", "2", "--L", "4", "--K", "20", "--seed", "1", "--lam",
                   "0.01", "--json"])
    cli = json.loads(out)
    grid = parse_grid({"sweep": {"command": "predict optimum"}, "fixed": params}, job_kinds())
    row = run_grid(grid, tmp_path / "s", progress=False).results[0].result
    for other in (cli, row):
        assert other["min_risk"] == pytest.approx(api["min_risk"], rel=1e-12)
        assert other["latent"] == api["latent"] == "random K=20 seed=1"


def test_saved_weights_measure_with_the_sizes_only(tmp_path):
    path = tmp_path / "w.npz"
    status, _ = _cli(["predict", "optimum", *SMALL, "--K", "12", "--seed", "2", "--d", "4", "--save", str(path)])
    assert status == 0 and path.is_file()
    status, out = _cli(["measure", str(path), "--n-c", "3", "--s-c", "2", "--L", "3", "--json"])
    assert status == 0 and json.loads(out)["K"] == 12  # the file's own latent set


@pytest.mark.parametrize("argv, needle", [
    (["predict", "type1", *SMALL, "--seed", "3"], "--seed must be used with `predict optimum` only"),
    (["predict", "optimum", *SMALL, "--mu", "zipf"], "mu must be uniform"),
    (["predict", "optimum", *SMALL, "--rel-gap", "2"], "--rel-gap"),
])
def test_bad_flags_are_one_line_errors(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and needle in err and err.count("\n") == 1
