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
    assert data["numeric"]["passed"] is True and data["numeric"]["comparisons"] >= 2


@pytest.mark.parametrize("target", ["H", "Hstar", pytest.param("type3", marks=pytest.mark.slow), "margins"])
def test_json_every_step_proved_and_linked(target, capsys):
    assert main(["derive", target, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True and data["evidence"] == [] and data["reasons"] == []
    assert data["steps_total"] == data["steps_proved"] == data["steps_linked"] == len(data["steps"])
    assert all(s["check"]["by"] for s in data["steps"])
    for step in data["steps"]:
        link = step["link"]
        assert link["proved"] is True and link["kind"] in ("previous", "built", "subterm", "computed")
        assert link["detail"] and (link["kind"] == "previous" or link["from"])
    assert data["steps"][0]["link"]["from"] and all(r.startswith("def:") for r in data["steps"][0]["link"]["from"])
    assert data["definitions"] and data["root"]
    if target == "margins":
        assert data["numeric"] is None
    else:
        assert data["numeric"]["passed"] is True and all(p["passed"] for p in data["numeric"]["points"])


def test_latex_and_text(capsys):
    assert main(["derive", "margins", "--latex", "--points", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(r"\begin{align*}") and r"\tag*" in out
    assert main(["derive", "threshold", "--points", "2"]) == 0
    out = capsys.readouterr().out
    assert "verified: yes" in out and "eq9" in out and "linked" in out
    assert "numeric check against fctheory.predict: passed" in out


def test_json_with_latex_chain(capsys):
    assert main(["derive", "threshold", "--json", "--latex", "--points", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["latex_chain"].startswith(r"\begin{align*}")


@pytest.mark.parametrize("argv", [["derive", "nope"], ["derive", "H", "--points", "0"], ["derive"]])
def test_bad_arguments_are_one_line_errors(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err
