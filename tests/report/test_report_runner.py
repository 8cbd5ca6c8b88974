"""Running a suite: content-hash cache, resume after an interruption, report files."""

import json

import pytest

import fctheory.report._runner as runner_module
from fctheory.report import load_suite, run_suite, validate

from report_helpers import write_reduced_suite


@pytest.fixture
def suite(tmp_path):
    return load_suite(str(write_reduced_suite(tmp_path / "reduced.toml")))


def test_validate_writes_report(tmp_path, suite):
    out = tmp_path / "rep"
    run = validate(suite, out, progress=False)
    assert run.passed, [(r["name"], [c for c in r["checks"] if not c["passed"]]) for r in run.records]
    assert [r["name"] for r in run.records] == ["t1/seed0", "t2/seed0", "t3/seed0", "t3/seed1", "triv/seed0"]
    data = json.loads((out / "results.json").read_text())
    assert data["passed"] is True
    for case in data["cases"]:
        for key in ("name", "theorem", "predicted", "measured", "rel_error", "passed"):
            assert key in case
        assert case["training"]["converged"]
    t3 = next(c for c in data["cases"] if c["name"] == "t3/seed0")
    assert {"r_1", "r_2", "r_3"} <= {q.split(" ")[0] for q in t3["predicted"]}
    md = (out / "report.md").read_text()
    assert "**Overall: PASS**" in md and "Theorem 2" in md and "Versions" in md
    assert "conjecture" in md  # d > n_w: type-III agreement is reported as evidence
    for fig in ("pca-t1.png", "pca-t2.png", "pca-t3.png", "type3-rb.png", "convergence.png"):
        assert (out / "figures" / fig).stat().st_size > 1000
    assert not (out / "figures" / "pca-triv.png").exists()


def test_cache_and_resume(tmp_path, suite, monkeypatch):
    out = tmp_path / "rep"
    calls = []
    real = runner_module.run_job

    def flaky(job):
        calls.append(job["spec"].name)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(runner_module, "run_job", flaky)
    with pytest.raises(KeyboardInterrupt):
        run_suite(suite, out, progress=False)
    done = sorted(p.name for p in (out / "cache").glob("*.json"))
    assert len(done) == 2  # the two finished jobs survived the interruption
    assert not list((out / "cache").glob(".tmp-*"))
    monkeypatch.setattr(runner_module, "run_job", real)
    run = run_suite(suite, out, progress=False)
    assert run.cached == 2 and run.passed
    again = run_suite(suite, out, progress=False)
    assert again.cached == 5
    assert [r["measured"] for r in again.records] == [r["measured"] for r in run.records]


def test_changed_case_reruns_only_itself(tmp_path):
    path = write_reduced_suite(tmp_path / "reduced.toml")
    out = tmp_path / "rep"
    run_suite(load_suite(str(path)), out, progress=False)
    path.write_text(path.read_text().replace('lam = "1/50"\n\n[[case]]\nname = "t2"', 'lam = "1/40"\n\n[[case]]\nname = "t2"'))
    run = run_suite(load_suite(str(path)), out, progress=False)
    assert run.cached == 4


def test_jobs_argument(tmp_path, suite):
    from fctheory.errors import InvalidInput

    with pytest.raises(InvalidInput):
        run_suite(suite, tmp_path, jobs=0, progress=False)
