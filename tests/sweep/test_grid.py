"""Grid files: the format, and every error found before anything runs."""

import pytest

from fctheory.errors import InvalidInput, ProblemTooLarge
from fctheory.sweep import MAX_JOBS

from _grids import load_grid_k, parse_grid_k


DEMO = """
[sweep]
name = "demo"
command = "predict type1"
[grid]
n_c = [2, 3]
lam = ["1/100", "1/1000"]
seed = [0, 1]
[fixed]
s_c = 2
L = 3
"""


def test_the_documented_example(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(DEMO)
    grid = load_grid_k(path)
    assert (grid.name, grid.command, grid.size) == ("demo", "predict type1", 8)
    params = grid.params()
    assert params[0] == {"n_c": 2, "lam": "1/100", "seed": 0, "s_c": 2, "L": 3}
    assert params[1]["seed"] == 1 and params[2]["lam"] == "1/1000" and params[4]["n_c"] == 3  # last key fastest
    assert grid.keys == ("n_c", "lam", "seed", "s_c", "L")
    assert [j.kind for j in grid.jobs()] == ["predict type1"] * 8


def test_name_defaults_to_the_file_stem(tmp_path):
    path = tmp_path / "lambda-scan.toml"
    path.write_text('[sweep]\ncommand = "predict type1"\n[grid]\nlam = ["1/10", "1/100"]\n')
    assert load_grid_k(path).name == "lambda-scan"


def test_cases_are_crossed_with_the_grid():
    grid = parse_grid_k({"sweep": {"command": "train"}, "grid": {"seed": [0, 1]},
                       "cases": [{"n_c": 2, "s_c": 2, "L": 2}, {"n_c": 3, "s_c": 1, "L": 2}],
                       "fixed": {"lam": "1/100", "d": 3}})
    assert grid.size == 4
    assert [(p["n_c"], p["seed"]) for p in grid.params()] == [(2, 0), (2, 1), (3, 0), (3, 1)]


def _grid(**tables):
    data = {"sweep": {"command": "predict type1"}}
    data.update(tables)
    return data


@pytest.mark.parametrize("data, field", [
    ({"sweep": {"command": "predict type1"}, "grdi": {}}, "[grdi]"),
    ({"sweep": {"command": "predict type1", "nmae": "x"}}, "sweep.nmae"),
    ({"sweep": {"name": "x"}}, "sweep.command"),
    ({"sweep": {"command": "predict type9"}}, "sweep.command"),
    (_grid(grid={"n_c": [2], "lamda": ["1/10"]}), "grid.lamda"),
    (_grid(fixed={"foo": 1}), "fixed.foo"),
    (_grid(cases=[{"n_c": 2, "bar": 1}]), "cases[0].bar"),
    (_grid(grid={"n_c": []}), "grid.n_c"),
    (_grid(grid={"n_c": 2}), "grid.n_c"),
    (_grid(grid={"n_c": [2, [3]]}), "grid.n_c[1]"),
    (_grid(grid={"n_c": [2, 3]}, fixed={"n_c": 2}), "fixed.n_c"),
    (_grid(grid={"n_c": [2, 3]}, cases=[{"n_c": 2}]), "cases[0].n_c"),
    (_grid(fixed={"lam": {"a": 1}}), "fixed.lam"),
    ({"sweep": {"command": "train"}, "fixed": {"n_c": 2, "s_c": 2, "L": 2, "lam": "1/10"}}, "grid.d"),
    (_grid(plot={"x": "lam"}), "plot.y"),
    (_grid(plot={"x": "lam", "y": "risk", "colour": "red"}), "plot.colour"),
    (_grid(fixed={"lam": "1/10"}, plot={"x": "lam", "y": "rsik"}), "plot.y"),
    (_grid(plot={"x": "lamda", "y": "risk"}), "plot.x"),
    (_grid(plot={"x": "lam", "y": "risk", "logx": "yes"}), "plot.logx"),
    ({"sweep": {"command": "predict type1", "name": "a/b"}}, "sweep.name"),
    ({"sweep": {"command": "sweep_testjobs:double"}, "fixed": {"status": "x"}}, "fixed.status"),
])
def test_errors_name_the_key(data, field):
    with pytest.raises(InvalidInput) as info:
        parse_grid_k(data)
    assert info.value.field == field


def test_a_huge_grid_is_refused_unless_forced():
    data = _grid(grid={"n_c": list(range(2, 102)), "s_c": list(range(1, 101)), "seed": list(range(11))})
    with pytest.raises(ProblemTooLarge) as info:
        parse_grid_k(data)
    assert "--force" in str(info.value) and str(MAX_JOBS) in str(info.value)
    assert parse_grid_k(data, force=True).size == 110_000  # counted, not expanded


def test_unreadable_files(tmp_path):
    with pytest.raises(InvalidInput) as info:
        load_grid_k(tmp_path / "missing.toml")
    assert info.value.field == "GRID"
    bad = tmp_path / "bad.toml"
    bad.write_text("[sweep\n")
    with pytest.raises(InvalidInput) as info:
        load_grid_k(bad)
    assert "TOML" in str(info.value)


def test_a_function_of_ones_own_takes_any_keys():
    grid = parse_grid_k({"sweep": {"command": "sweep_testjobs:double"}, "grid": {"x": [1, 2]},
                         "fixed": {"anything": 1}})
    assert grid.jobs()[0].function.__name__ == "double"
