"""Running a suite: content-hash cache, resume after an interruption, report files."""


import numpy as np
import pytest

import fctheory.report._runner as runner_module
from fctheory.report import load_suite, run_suite, validate

from report_helpers import write_reduced_suite


@pytest.fixture
def suite(tmp_path):
    return load_suite(str(write_reduced_suite(tmp_path / "reduced.toml")))


def test_cache_and_resume(tmp_path, suite, monkeypatch, fixed_code_fingerprint):
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
    assert again.cached == 6
    assert [r["measured"] for r in again.records] == [r["measured"] for r in run.records]


def test_changed_case_reruns_only_itself(tmp_path, fixed_code_fingerprint):
    path = write_reduced_suite(tmp_path / "reduced.toml")
    out = tmp_path / "rep"
    run_suite(load_suite(str(path)), out, progress=False)
    path.write_text(path.read_text().replace('lam = "1/50"\n\n[[case]]\nname = "t2"', 'lam = "1/40"\n\n[[case]]\nname = "t2"'))
    run = run_suite(load_suite(str(path)), out, progress=False)
    assert run.cached == 5


def test_jobs_argument(tmp_path, suite):
    from fctheory.errors import InvalidInput

    with pytest.raises(InvalidInput):
        run_suite(suite, tmp_path, jobs=0, progress=False)


def test_certificate_section(tmp_path):
    path = tmp_path / "cert.toml"
    path.write_text("""
[suite]
name = "cert"
certify = true

[[case]]
name = "t3"
kind = "type3"
n_c = 2
s_c = 2
L = 2
d = 5
lam = "1/20"
mu = "zipf"
seeds = [0, 1]

[[case]]
name = "t2"
kind = "type2"
n_c = 2
s_c = 2
L = 2
d = 3
lam = "1/20"
""")
    run = validate(str(path), tmp_path / "rep", progress=False)
    assert run.passed
    first, second, hstar = run.records
    assert first["certificate"]["verdict"] == "consistent"
    assert first["certificate"]["lower_bound"] <= first["certificate"]["trained_value"] + 1e-9
    assert second["certificate"] is None  # only the first seed is certified
    assert hstar["certificate"]["skipped"]  # theorem G covers network h only
    report = (tmp_path / "rep" / "report.md").read_text()
    assert "## Global optimality (theorem G)" in report
    # the type-III conjecture: F(c, r) of theorem 2 against the certified optimum (one row per setting)
    conj = first["certificate"]["conjecture"]
    assert conj["verdict"] == "consistent"
    assert abs(conj["difference"]) <= 1e-9 and conj["claim_h_ratio"] <= 1 + 1e-12
    assert "### The type-III conjecture against the certificate" in report
    assert report.count("| t3 | ") == 1


def test_code_change_invalidates_cache(tmp_path, monkeypatch):
    suite = load_suite(str(write_reduced_suite(tmp_path / "one.toml", cases=["t1"])))

    monkeypatch.setattr(runner_module, "code_fingerprint", lambda: "version-a")
    run_suite(suite, tmp_path, progress=False)
    monkeypatch.setattr(runner_module, "code_fingerprint", lambda: "version-b")
    assert run_suite(suite, tmp_path, progress=False).cached == 0


def test_non_convergence_is_shown_in_the_report(tmp_path, fixed_code_fingerprint):
    from dataclasses import replace

    from fctheory.report._writer import write_report_md

    run = run_suite(load_suite(str(write_reduced_suite(tmp_path / "one.toml", cases=["t1"]))), tmp_path / "rep", progress=False)
    record = dict(run.records[0])
    record["training"] = dict(record["training"], converged=False, reason="Newton-CG iteration limit (50) reached")
    write_report_md(replace(run, records=(record,)), tmp_path / "report.md", {})
    md = (tmp_path / "report.md").read_text()
    assert "| **no** |" in md
    assert "training did not reach" in md and "`t1/seed0`" in md
    assert "Newton-CG iteration limit (50) reached" in md


def test_jobs_are_plain_data_for_the_sweep_runner(suite):
    from fctheory.sweep import Job

    params = runner_module._job_params(suite)
    assert len(params) == 6 and all(isinstance(p["spec"], dict) for p in params)
    job = Job(runner_module.CASE_JOB, params[0])  # only JSON data: travels to any worker
    assert runner_module._spec_from_dict(job.params["spec"]) == suite.cases[0]


def test_a_failing_case_is_recorded_and_the_others_go_on(tmp_path, suite, monkeypatch, fixed_code_fingerprint):
    real = runner_module.run_job

    def breaks_t2(job):
        if job["spec"].name == "t2":
            raise ValueError("t2 broke")
        return real(job)

    monkeypatch.setattr(runner_module, "run_job", breaks_t2)
    run = validate(suite, tmp_path / "rep", progress=False)
    bad = [r for r in run.records if r.get("status") == "failed"]
    assert [r["name"] for r in bad] == ["t2/seed0"] and bad[0]["error"] == "ValueError: t2 broke"
    assert not run.passed and sum(r["passed"] for r in run.records) == 5
    assert "## Failed jobs" in (tmp_path / "rep" / "report.md").read_text()
    monkeypatch.setattr(runner_module, "run_job", real)
    again = run_suite(suite, tmp_path / "rep", progress=False)  # failed jobs are not cached: retried
    assert again.cached == 5 and again.passed


def test_weights_of_a_record_come_from_the_cache(tmp_path, suite, fixed_code_fingerprint):
    run = run_suite(suite, tmp_path, progress=False)
    W, U = runner_module.load_weights_of(str(tmp_path), run.records[0])
    assert W.shape == (7, 6) and U.shape == (9, 14)
    c = run.records[0]["predicted"]["word_norm_c"]
    assert np.allclose(np.linalg.norm(W, axis=0), c, rtol=1e-8)  # the trained weights of that record


def test_local_processes_and_a_dask_cluster_give_the_in_process_numbers(tmp_path, fixed_code_fingerprint):
    pytest.importorskip("distributed")
    suite = load_suite(str(write_reduced_suite(tmp_path / "reduced.toml", cases=["t1", "t3"])))
    here = run_suite(suite, tmp_path / "a", progress=False)
    pool = run_suite(suite, tmp_path / "b", jobs=2, progress=False)
    dask = run_suite(suite, tmp_path / "c", jobs=2, scheduler="local", progress=False)
    for other in (pool, dask):
        assert other.cached == 0 and other.passed
        assert [r["measured"] for r in other.records] == [r["measured"] for r in here.records]
        assert [r["cache_key"] for r in other.records] == [r["cache_key"] for r in here.records]
