"""``fctheory study undersampling``: the quick study end to end through the CLI, resume, bad input, packaging."""

import csv
import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from fctheory.cli.main import main
from fctheory.study import SAMPLES_COLUMNS, STUDIES, SYMMETRY_COLUMNS, grid_path, read_results, samples_summary
from fctheory.sweep import ROW_KEYS

ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_study_end_to_end_then_resumed_from_the_cache(tmp_path, capsys):
    out = tmp_path / "study"
    assert main(["study", "undersampling", "--quick", "--out", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert "sweep symmetry-quick" in captured.err  # progress on stderr
    assert json.loads((out / "summary.json").read_text()) == summary
    assert summary["quick"] and set(summary["studies"]) == set(STUDIES)
    sym = summary["studies"]["symmetry"]
    assert (sym["jobs"], sym["ok"], sym["failed"], sym["cached"]) == (18, 18, 0, 0)
    with open(out / "results-symmetry.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert tuple(header) == SYMMETRY_COLUMNS
    rows = read_results(out / "results-symmetry.csv")
    assert len(rows) == 18 and all(r["status"] == "ok" for r in rows)
    h_rows = [r for r in rows if r["network"] == "h"]
    # theorem G brackets every trained minimum of h, full set or random subset
    assert all(r["certified_lower"] - 1e-9 <= r["risk"] <= r["certified_upper"] + 1e-8 for r in h_rows)
    full = [r for r in rows if r["K"] == 32]
    assert max(abs(r["risk_rel_error_A"]) for r in full) < 1e-10
    fits = {(f["variant"], f["error"], f["deviation"]): f for f in sym["summary"]["fits"]}
    pooled = fits[("h/uniform", "risk_rel_error_A", "assumption_a_deviation")]["pooled"]
    assert pooled["n"] == 4 and set(pooled) >= {"slope", "slope_stderr", "r2", "intercept"}
    for name in sym["files"]["figures"]:
        assert Path(name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    spl = summary["studies"]["samples"]
    assert spl["ok"] == spl["jobs"] > 0 and (out / "results-samples.csv").is_file()
    with open(out / "results-samples.csv", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == SAMPLES_COLUMNS + ROW_KEYS  # the sweep's status, error, seconds, cached
    assert spl["files"]["figures"] and all(
        Path(name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in spl["files"]["figures"])
    assert spl["summary"] == samples_summary(read_results(out / "results-samples.csv"))

    assert main(["study", "undersampling", "--quick", "--out", str(out)]) == 0  # resumes: nothing re-runs
    text = capsys.readouterr().out
    assert "study symmetry: 18 jobs: 18 ok, 0 failed, 18 from cache" in text
    assert f"study samples: {spl['jobs']} jobs: {spl['jobs']} ok, 0 failed, {spl['jobs']} from cache" in text
    (out / "summary.json").unlink()
    assert main(["study", "undersampling", "--quick", "--out", str(out), "--summary-only", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["studies"]["symmetry"]["summary"] == sym["summary"]
    assert again["studies"]["samples"]["summary"] == spl["summary"]
    for study in STUDIES:  # without the sweeps' own files the wall times come from the previous summary.json
        (out / study / "summary.json").unlink()
    assert main(["study", "undersampling", "--quick", "--out", str(out), "--summary-only", "--json"]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert [kept["studies"][s]["seconds"] for s in STUDIES] == [again["studies"][s]["seconds"] for s in STUDIES]
    assert all(isinstance(kept["studies"][s]["seconds"], float) for s in STUDIES)


@pytest.mark.parametrize("argv, words", [
    (["--jobs", "0"], "--jobs: an integer >= 1"),
    (["--jobs", "2", "--scheduler", "local"], "not allowed with argument --jobs"),
    (["--scheduler", "nonsense"], "--scheduler must be"),
    (["--out", "FILE"], "out must be a directory"),
    (["--summary-only", "--out", "EMPTY"], "results-symmetry.csv"),
    (["--study", "nosuch"], "invalid choice"),
])
def test_bad_input_gets_one_error_line(tmp_path, capsys, argv, words):
    (tmp_path / "FILE").write_text("x")
    argv = [str(tmp_path / a) if a in ("FILE", "EMPTY") else a for a in argv]
    assert main(["study", "undersampling", "--quick", "--no-progress", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and words in err[0], err


def test_the_grid_files_ship_with_the_package():
    names = {p.name for p in resources.files("fctheory.study").joinpath("grids").iterdir()}
    for study in STUDIES:
        for quick in (False, True):
            path = grid_path(study, quick=quick)
            assert path.name in names and path.is_file()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "study/grids/*.toml" in data["tool"]["setuptools"]["package-data"]["fctheory"]
