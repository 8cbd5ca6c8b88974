"""Suite files: the shipped suites parse; malformed suites name the offending key."""

import pytest

from fctheory.errors import InvalidInput
from fctheory.report import load_suite
from fctheory.report._suite import find_suite

from report_helpers import write_reduced_suite


@pytest.mark.parametrize("name", ["default", "extended"])
def test_shipped_suites_load(name):
    suite = load_suite(name)
    assert suite.name == name
    assert suite.tolerance <= 1e-8
    kinds = {c.kind for c in suite.cases}
    assert {"type1", "type2", "type3", "trivial"} <= kinds
    # every case of the main suites trains network h with d > n_w (theorem G) or is h*
    for c in suite.cases:
        if c.network == "h":
            assert c.d > c.n_c * c.s_c, c.name


def test_reduced_suite_parses(tmp_path):
    suite = load_suite(str(write_reduced_suite(tmp_path / "r.toml")))
    assert [c.name for c in suite.cases] == ["t1", "t2", "t3", "triv", "code"]
    assert suite.cases[4].code == "parity:2:3" and suite.cases[4].theorem == "lemma B (codes)"
    t3 = suite.cases[2]
    assert t3.seeds == (0, 1) and t3.theorem == "theorem 2" and t3.network == "h"
    assert suite.cases[3].lam is None and suite.cases[3].lam_over_threshold == 2.0


BASE = """
[[case]]
name = "a"
kind = "type1"
n_c = 3
s_c = 2
L = 2
d = 7
lam = "1/50"
"""


@pytest.mark.parametrize("edit,field", [
    (lambda s: s.replace('kind = "type1"', 'kind = "type9"'), "kind"),
    (lambda s: s.replace('lam = "1/50"', 'lam = "1/50"\nlam_over_threshold = 2.0'), "lam"),
    (lambda s: s.replace('d = 7', 'd = 7\ncolour = 3'), "case"),
    (lambda s: s + s, "case.name"),
    (lambda s: s.replace('n_c = 3', 'n_c = 1'), "n_c"),
    (lambda s: s.replace('d = 7', 'd = "seven"'), "d"),
    (lambda s: s.replace('lam = "1/50"', 'lam = "-1"'), "lam"),
    (lambda s: s.replace('name = "a"', 'name = "a b"'), "name"),
    (lambda s: s.replace('L = 2', 'L = 2\nseeds = []'), "seeds"),
    (lambda s: "[suite]\ntolerance = -1\n" + s, "suite.tolerance"),
    (lambda s: "", "case"),
])
def test_malformed_suites(tmp_path, edit, field):
    path = tmp_path / "bad.toml"
    path.write_text(edit(BASE))
    with pytest.raises(InvalidInput) as err:
        load_suite(str(path))
    assert field in err.value.field


def test_unknown_suite_and_bad_toml(tmp_path):
    with pytest.raises(InvalidInput) as err:
        find_suite("no-such-suite")
    assert "default" in str(err.value)
    bad = tmp_path / "x.toml"
    bad.write_text("[[case]\n")
    with pytest.raises(InvalidInput):
        load_suite(str(bad))
    with pytest.raises(InvalidInput):
        find_suite(str(tmp_path / "missing.toml"))
    with pytest.raises(InvalidInput):
        load_suite(123)
