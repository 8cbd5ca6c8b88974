"""Hostile or careless files for the front-ends: one-line errors, before anything runs."""

from __future__ import annotations

import pytest

from fctheory.cli.main import main

CASE = '[[case]]\nname="{name}"\nkind="type1"\nn_c=2\ns_c=2\nL=2\nd=3\nlam="1/100"\n'


def _deep(depth: int) -> str:
    return "a = " + "[" * depth + "]" * depth + "\n"


@pytest.mark.parametrize("depth", [3000, 20000])
@pytest.mark.parametrize("command", [["sweep"], ["validate", "--dry-run", "--suite"]])
def test_deeply_nested_toml_is_refused(tmp_path, capsys, depth, command):
    path = tmp_path / "deep.toml"
    path.write_text(_deep(depth))
    assert main(command + [str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "nest too deep" in err and err.count("\n") == 1


@pytest.mark.parametrize("suite, needle", [
    ('[suite]\nname="x"\ntolerance = 1000\n' + CASE.format(name="a"), "suite.tolerance must be a finite number in (0, 0.01]"),
    ('[suite]\nname="x"\nzero_tolerance = 1\n' + CASE.format(name="a"), "suite.zero_tolerance"),
    ('[suite]\nname="x"\n' + CASE.format(name="a" * 300), "at most 80 ASCII letters"),
    ('[suite]\nname="x"\n' + CASE.format(name="é" * 3), "ASCII"),
])
def test_a_suite_that_would_pass_everything_or_fail_on_writing_is_refused(tmp_path, capsys, suite, needle):
    path = tmp_path / "s.toml"
    path.write_text(suite)
    assert main(["validate", "--suite", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


@pytest.mark.parametrize("jobs, message", [("0", "--jobs: an integer >= 1"), ("-3", "--jobs: an integer >= 1"),
                                           ("5000", "--jobs must be an integer in [1, 1024]")])
def test_dry_run_checks_jobs(capsys, jobs, message):
    assert main(["validate", "--dry-run", "--jobs", jobs]) == 2
    assert message in capsys.readouterr().err


def test_long_predictions_show_their_estimate_and_elapsed_time(capsys):
    from fctheory.cli._output import estimated_progress

    with estimated_progress(1.0, "quick"):  # under the threshold: silent
        pass
    assert capsys.readouterr().err == ""
    with estimated_progress(6.0, "predict type3", threshold=5.0):
        pass
    err = capsys.readouterr().err
    assert "estimated 6 s" in err and "so far" in err
