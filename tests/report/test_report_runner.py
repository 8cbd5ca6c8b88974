"""Running a suite: content-hash cache, resume after an interruption, report files."""


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
