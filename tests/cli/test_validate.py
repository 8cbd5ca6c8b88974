"""`fctheory validate` end to end on a reduced suite (tiny settings, a few seconds)."""

import json
import os
import sys

import pytest

from fctheory.cli.main import main

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
from report_helpers import write_reduced_suite  # noqa: E402


def test_validate_reduced_suite_passes_and_resumes(tmp_path, capsys, monkeypatch):
    # pin the source-code part of the cache key (other package files may change during the test)
    import fctheory.report._runner as runner

    monkeypatch.setattr(runner, "code_fingerprint", lambda: "pinned-for-tests")
    suite = write_reduced_suite(tmp_path / "reduced.toml")
    out = tmp_path / "rep"
    status = main(["validate", "--suite", str(suite), "--out", str(out), "--no-progress"])
    text = capsys.readouterr().out
    assert status == 0, text
    assert "6/6 runs passed" in text and "0 from cache" in text
    data = json.loads((out / "results.json").read_text())
    assert [c["name"] for c in data["cases"]] == ["t1/seed0", "t2/seed0", "t3/seed0", "t3/seed1", "triv/seed0", "code/seed0"]
    assert all(c["passed"] and c["rel_error"] for c in data["cases"])
    for case in data["cases"]:
        assert case["training"]["converged"]
    t3 = next(c for c in data["cases"] if c["name"] == "t3/seed0")
    assert t3["hessian"]["psd"] and t3["conjecture_evidence"]
    assert {"r_1", "r_2", "r_3"} <= {q.split(" ")[0] for q in t3["predicted"]}
    md = (out / "report.md").read_text()
    assert "**Overall: PASS**" in md and "Theorem 2" in md and "Lemma B" in md and "Versions" in md
    assert "conjecture" in md  # d > n_w: type-III agreement is reported as evidence
    for fig in ("pca-t1.png", "pca-t2.png", "pca-t3.png", "pca-code.png", "type3-rb.png", "convergence.png"):
        assert (out / "figures" / fig).stat().st_size > 1000
    assert not (out / "figures" / "pca-triv.png").exists()
    # a second run reuses every finished case
    assert main(["validate", "--suite", str(suite), "--out", str(out), "--no-progress"]) == 0
    assert "6 from cache" in capsys.readouterr().out


def test_validate_fails_with_nonzero_status(tmp_path, capsys):
    # a tolerance no float64 computation can meet: every case must fail, exit status 1
    suite = write_reduced_suite(tmp_path / "strict.toml", tolerance="1e-300")
    status = main(["validate", "--suite", str(suite), "--out", str(tmp_path / "rep"), "--no-progress"])
    text = capsys.readouterr().out
    assert status == 1
    assert "FAILED t1/seed0" in text
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "**Overall: FAIL**" in md and "**FAIL**" in md


def test_validate_jobs_two_processes(tmp_path, capsys):
    # two cases only: spawned workers cost an interpreter start each
    suite = write_reduced_suite(tmp_path / "reduced.toml", cases=["t1", "triv"])
    status = main(["validate", "--suite", str(suite), "--out", str(tmp_path / "rep"), "--jobs", "2", "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "2/2 runs passed" in out


def test_validate_bad_suite_is_one_line_error(tmp_path, capsys):
    status = main(["validate", "--suite", "no-such-suite", "--out", str(tmp_path / "rep")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("error: --suite must be one of") and err.count("\n") == 1
    assert "default" in err


def test_validate_on_a_local_dask_cluster(tmp_path, capsys):
    pytest.importorskip("distributed")
    suite = write_reduced_suite(tmp_path / "reduced.toml", cases=["t1", "triv"])
    status = main(["validate", "--suite", str(suite), "--out", str(tmp_path / "rep"), "--scheduler", "local",
                   "--jobs", "2", "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "2/2 runs passed" in out


def test_validate_bad_scheduler_is_one_line_error(tmp_path, capsys):
    suite = write_reduced_suite(tmp_path / "reduced.toml", cases=["t1"])
    status = main(["validate", "--suite", str(suite), "--out", str(tmp_path / "rep"), "--scheduler", "nowhere"])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert status == 2 and len(errors) == 1 and errors[0].startswith("error: --scheduler must be 'local' or")
    assert not (tmp_path / "rep" / "cache").exists() or not list((tmp_path / "rep" / "cache").iterdir())
