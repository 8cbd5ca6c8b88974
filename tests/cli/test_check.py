"""`fctheory check` end to end: table, JSON, exit status, one-line errors."""

from __future__ import annotations

import argparse
import json

import pytest

from fctheory import Setting
from fctheory.cli import check as check_cli
from fctheory.cli.main import main
from fctheory.checks import Check

SMALL = ["check", "--n-c", "2", "--s-c", "2", "--L", "3", "--d", "2", "--mu", "zipf"]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output(capsys):
    code, out, err = run(SMALL + ["--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["passed"] is True and data["complete"] is True
    assert data["n_failed"] == 0 and data["n_checks"] == len(data["results"]) > 10
    names = {r["name"].split(":")[0] for r in data["results"]}
    assert {"lemma K", "lemma R", "appendix F", "theorem 2", "theorem 3", "eq. 9"} <= names
    for r in data["results"]:
        assert r["setting"]["n_c"] == 2 and r["setting"]["d"] == 2
        if r["rel_error"] is not None:
            assert r["rel_error"] <= r["tolerance"] or r["tolerance"] == 0.0


def test_table_output(capsys):
    code, out, _ = run(SMALL, capsys)
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["check", "setting", "predicted", "measured", "rel.error", "result"]
    assert "FAIL" not in out and "checks passed on 1 settings" in out


def test_failure_gives_nonzero_exit(capsys, monkeypatch):
    s = Setting(2, 2, 3, "1/100", d=2)
    bad = Check("lemma K: R(type I) = H(t)", s, 1.0, 1.1, 0.1, 1e-12, False, "t = 1")
    monkeypatch.setattr(check_cli, "run_checks", lambda setting, rotation=0, latent=None: [bad])
    code, out, _ = run(SMALL, capsys)
    assert code == 1 and "FAIL" in out


def test_random_latent_subset(capsys):
    code, out, err = run(["check", "--n-c", "3", "--s-c", "2", "--L", "3", "--K", "9", "--d", "3", "--mu", "zipf",
                          "--seed", "4", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    names = {r["name"] for r in data["results"]}
    assert names == {"lemma K (latent set): R(type I) = H_Z(t)", "lemma R (latent set): R*(type II) = H*_Z(t)"}
    assert all(r["setting"]["K"] == 9 and r["passed"] for r in data["results"])


def test_default_grid_without_flags():
    ns = argparse.Namespace(n_c=None, s_c=None, L=None, mu=None, d=None, K=None, lam="1/100")
    grid = check_cli.settings_from_args(ns)
    assert len(grid) == 24


def test_partial_flags_fill_in_defaults():
    ns = argparse.Namespace(n_c="4", s_c=None, L=None, mu=None, d=None, K=None, lam="0.02")
    settings = check_cli.settings_from_args(ns)
    assert {(s.n_c, s.s_c, s.L) for s in settings} == {(4, 2, 3)}
    assert sorted({s.d for s in settings}) == [3, 4, 8]
    assert {s.mu.spec() for s in settings} == {"uniform", "zipf:1"}


@pytest.mark.parametrize("argv, field", [(["check", "--n-c", "1"], "--n-c"), (["check", "--lam", "-1"], "lam"),
                                         (["check", "--n-c", "3", "--d", "1"], "d"),
                                         (["check", "--n-c", "2", "--s-c", "1", "--L", "2", "--seed", "-1"], "--seed"),
                                         (["check", "--n-c", "2", "--s-c", "1", "--L", "3", "--K", "4", "--seed", "-1"],
                                          "--seed")])
def test_bad_flags_are_one_line_errors(argv, field, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.startswith("error:") and field in err and len(err.strip().splitlines()) == 1
