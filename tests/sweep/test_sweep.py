"""run_grid: the results files (their keys are a contract), resume after an interruption, the plot."""

import csv
import json

import pytest

from fctheory.sweep import ROW_KEYS, SUMMARY_KEYS, SweepInterrupted, run_grid, summary_table

from _grids import parse_grid_k


def _predict_grid(lams=("1/100", "1/1000"), **extra):
    data = {"sweep": {"name": "demo", "command": "predict type1"},
            "grid": {"n_c": [2, 3], "lam": list(lams)}, "fixed": {"s_c": 2, "L": 3}}
    data.update(extra)
    return parse_grid_k(data)


def test_rows_hold_the_parameters_the_row_keys_and_the_commands_keys(tmp_path):
    run = run_grid(_predict_grid(), tmp_path, progress=False)
    assert (run.jobs, run.ok, run.failed, run.cached) == (4, 4, 0, 0)
    summary = run.summary()
    assert set(SUMMARY_KEYS) <= set(summary) and summary["out"] == str(tmp_path)
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 4
    for row in rows:
        assert {"n_c", "lam", "s_c", "L", *ROW_KEYS, "tau", "risk", "theorem"} <= set(row)
        assert row["status"] == "ok" and row["error"] is None and row["cached"] is False
        assert "result_dps" not in row  # dps is not a parameter here, so it stays the command's key
    assert [(r["n_c"], r["lam"]) for r in rows] == [(2, "1/100"), (2, "1/1000"), (3, "1/100"), (3, "1/1000")]
    with open(tmp_path / "results.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["risk"] for r in table] == [r["risk"] for r in rows]
    assert table[0]["cached"] == "false" and json.loads(table[0]["setting"])["K"] == 8
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["jobs"] == 4 and saved["grid"]["grid"] == {"n_c": [2, 3], "lam": ["1/100", "1/1000"]}
    text = summary_table(run)
    assert text.splitlines()[0].split() == ["n_c", "lam", "status", "tau", "risk", "seconds", "cached"]


def test_a_failed_job_has_its_row_and_error(tmp_path):
    grid = parse_grid_k({"sweep": {"command": "predict type1"}, "grid": {"K": [4, 9]},
                         "fixed": {"n_c": 2, "s_c": 2, "L": 3, "lam": "1/100"}})
    run = run_grid(grid, tmp_path, progress=False)
    assert [r["status"] for r in run.rows] == ["ok", "failed"]
    assert run.rows[1]["error"].startswith("InvalidSetting: K must be")
    assert "FAILED K=9: InvalidSetting" in summary_table(run)


def test_a_subset_then_the_full_grid_reuses_the_subset(tmp_path):
    first = run_grid(_predict_grid(lams=("1/100",)), tmp_path, progress=False)
    assert first.cached == 0 and first.jobs == 2
    full = run_grid(_predict_grid(), tmp_path, progress=False)
    assert [r["cached"] for r in full.rows] == [True, False, True, False]
    assert [r["risk"] for r in full.rows if r["lam"] == "1/100"] == [r["risk"] for r in first.rows]


def test_ctrl_c_keeps_the_finished_jobs_and_a_restart_reuses_them(tmp_path):
    grid = parse_grid_k({"sweep": {"name": "stop", "command": "sweep_testjobs:interrupt_once"},
                       "grid": {"x": [0, 1, 2, 3]}, "fixed": {"stop": 2, "marker": str(tmp_path / "pressed")}})
    with pytest.raises(SweepInterrupted) as info:
        run_grid(grid, tmp_path / "out", progress=False)
    partial = info.value.run
    assert partial.interrupted and [r["x"] for r in partial.rows] == [0, 1]
    assert len((tmp_path / "out" / "results.jsonl").read_text().splitlines()) == 2
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["interrupted"] is True
    rerun = run_grid(grid, tmp_path / "out", progress=False)
    assert not rerun.interrupted and [r["cached"] for r in rerun.rows] == [True, True, False, False]
    assert [r["double"] for r in rerun.rows] == [0, 2, 4, 6]


def test_the_plot(tmp_path):
    run = run_grid(_predict_grid(plot={"x": "lam", "y": "risk", "by": "n_c", "logx": True}), tmp_path, progress=False)
    assert run.files["plot"] == str(tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    no_numbers = run_grid(_predict_grid(plot={"x": "lam", "y": "theorem"}), tmp_path / "b", progress=False)
    assert no_numbers.files["plot"] is None and "theorem" in no_numbers.plot_note


def test_a_command_key_that_clashes_with_a_parameter(tmp_path):
    grid = parse_grid_k({"sweep": {"command": "sweep_testjobs:double"}, "grid": {"x": [1]}, "fixed": {"double": 5}})
    row, = run_grid(grid, tmp_path, progress=False).rows
    assert row["double"] == 5 and row["result_double"] == 2  # the parameter keeps its name
