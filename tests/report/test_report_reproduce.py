"""Suite cases of kind "reproduce": the paper's experiments as validation cases (quick sizes)."""

import json

import pytest

from fctheory.cli.main import main
from fctheory.errors import InvalidInput
from fctheory.report import case_cost, load_suite, validate

QUICK = """
[suite]
name = "paper-quick"

[[case]]
name = "fig3"
kind = "reproduce"
experiment = "fig3"
quick = true

[[case]]
name = "fig4b"
kind = "reproduce"
experiment = "fig4b"
quick = true

[[case]]
name = "fig4c"
kind = "reproduce"
experiment = "fig4c"
quick = true

[[case]]
name = "fig4a"
kind = "reproduce"
experiment = "fig4a"
quick = true

[[case]]
name = "k50"
kind = "reproduce"
experiment = "k50"
quick = true
"""


def test_quick_reproductions_are_checked_and_linked(tmp_path, fixed_code_fingerprint):
    path = tmp_path / "quick.toml"
    path.write_text(QUICK)
    run = validate(str(path), tmp_path / "rep", progress=False)
    by = {r["case"]: r for r in run.records}
    assert [c["quantity"] for c in by["fig3"]["checks"]] == [
        "test accuracy = 1", "word norm within 5% of c = sqrt(tau/n_w)", "third word singular value / second < 1%"]
    assert [c["quantity"] for c in by["fig4c"]["checks"]] == ["test accuracy = 1", "||U||_F within 5% of tau*"]
    x = by["fig3"]["reproduction"]
    word = by["fig3"]["checks"][1]
    assert word["predicted"] == x["predicted"]["word_norm"]["value"]
    assert word["passed"] == (abs(x["word_norm_mean"] / word["predicted"] - 1) <= 0.05)
    # the quick fig 4(b) is chosen to fail to generalize as the paper's does
    assert by["fig4b"]["reproduction"]["test_accuracy"] <= 0.8 and by["fig4b"]["passed"]
    k50 = by["k50"]
    assert [c["quantity"] for c in k50["checks"]] == ["word norm within 5% of c = sqrt(tau/n_w)",
                                                      "third word singular value / second < 1%"]
    acc = by["fig4a"]["checks"][0]
    assert acc["quantity"] == "test accuracy >= 0.99" and acc["passed"] == (acc["measured"] >= 0.99)
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## The paper's experiments" in md
    for r in run.records:
        pca = r["reproduction"]["files"]["pca"]
        assert (tmp_path / "rep" / "reproduce").exists() and f"]({pca.split('/rep/')[1]})" in md
    data = json.loads((tmp_path / "rep" / "results.json").read_text())
    assert any(t["theorem"] == "paper experiments" and t["runs"] == 5 for t in data["theorems"])
    again = validate(str(path), tmp_path / "rep", progress=False)
    assert again.cached == 5 and [r["measured"] for r in again.records] == [r["measured"] for r in run.records]


def test_the_paper_suite_is_listed_with_an_estimate(capsys):
    suite = load_suite("paper")
    assert [c.experiment for c in suite.cases] == ["fig3", "fig4a", "fig4b", "fig4c", "k50"]
    assert all(case_cost(c).seconds >= 1 and not case_cost(c).too_large for c in suite.cases)
    assert sum(case_cost(c).seconds for c in suite.cases) > 1800  # tens of minutes (fig4a: n_spl = 500)
    assert main(["validate", "--suite", "paper", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("suite paper: 5 cases") and "total estimate" in out and "fig4a" in out


@pytest.mark.parametrize("line, key", [('experiment = "fig5"', "experiment"), ('optimizer = "adam"', "optimizer"),
                                       ("n_c = 3", "case 'x'")])
def test_a_bad_reproduce_case_names_its_key(tmp_path, line, key):
    path = tmp_path / "bad.toml"
    body = '[[case]]\nname = "x"\nkind = "reproduce"\n' + (line if "experiment" in line else
                                                         'experiment = "fig3"\n' + line) + "\n"
    path.write_text('[suite]\nname = "bad"\n' + body)
    with pytest.raises(InvalidInput, match=key):
        load_suite(str(path))
