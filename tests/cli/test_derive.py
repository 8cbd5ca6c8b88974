"""``fctheory derive``: end to end through the CLI entry point."""

import json

import pytest

from fctheory.cli.main import main
from fctheory.symbolic import DERIVATIONS


def test_json_threshold(capsys):
    assert main(["derive", "threshold", "--json", "--points", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True and data["failed"] == []
    assert "sqrt" in data["expression"] and r"\lambda" not in data["expression"]
    assert data["latex"].startswith(r"\left(")
    labels = [s["label"] for s in data["steps"]]
    assert labels == [s.label for s in DERIVATIONS["threshold"]().steps]
    assert all(s["check"]["verified"] and s["check"]["proved"] for s in data["steps"])
    assert {s["check"]["method"] for s in data["steps"]} <= {"exact", "simplify", "summation", "induction"}
    assert data["steps_total"] == data["steps_proved"] == len(labels) and data["evidence"] == []


@pytest.mark.parametrize("target", ["H", "Hstar", "type3"])
def test_json_every_step_proved(target, capsys):
    assert main(["derive", target, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True and data["evidence"] == [] and data["reasons"] == []
    assert data["steps_total"] == data["steps_proved"] == len(data["steps"])
    assert all(s["check"]["by"] for s in data["steps"])


def test_latex_and_text(capsys):
    assert main(["derive", "threshold", "--latex", "--points", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(r"\begin{align*}") and r"\tag*" in out
    assert main(["derive", "threshold", "--points", "2"]) == 0
    out = capsys.readouterr().out
    assert "verified: yes" in out and "eq9" in out


def test_json_with_latex_chain(capsys):
    assert main(["derive", "threshold", "--json", "--latex", "--points", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["latex_chain"].startswith(r"\begin{align*}")


@pytest.mark.parametrize("argv", [["derive", "nope"], ["derive", "H", "--points", "0"], ["derive"]])
def test_bad_arguments_are_one_line_errors(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err
