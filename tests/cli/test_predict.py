"""`fctheory predict` end to end: the JSON contract, the table, one-line errors."""

import json
import subprocess
import sys

import mpmath
import pytest

from fctheory.cli.main import main


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_type1_json_defaults_to_paper(capsys):
    code, out, err = run(["predict", "type1", "--json", "--dps", "40"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    for key in ("tau", "word_norm", "u_norm", "risk", "lambda_threshold", "enclosures"):
        assert key in data
    assert data["word_norm"].startswith("1.42214")
    assert len(data["word_norm"].replace(".", "").lstrip("0")) == 40
    lo, hi = data["enclosures"]["tau"]
    with mpmath.workdps(60):
        assert mpmath.mpf(lo) <= mpmath.mpf(data["tau"]) <= mpmath.mpf(hi)


def test_type1_K50(capsys):
    code, out, _ = run(["predict", "type1", "--K", "50", "--json"], capsys)
    assert code == 0 and json.loads(out)["word_norm"].startswith("0.61602")


def test_type2_keys(capsys):
    code, out, _ = run(["predict", "type2", "--json", "--dps", "20"], capsys)
    data = json.loads(out)
    assert code == 0 and {"tau", "u_norm", "risk", "enclosures"} <= set(data)


def test_type3_keys_and_list(capsys):
    argv = ["predict", "type3", "--n-c", "3", "--s-c", "4", "--L", "3", "--lam", "0.01", "--mu", "zipf", "--json"]
    code, out, _ = run(argv, capsys)
    data = json.loads(out)
    assert code == 0 and {"c", "r", "lambda_threshold", "enclosures"} <= set(data)
    assert len(data["r"]) == 4 and len(data["enclosures"]["r"]) == 4


def test_explicit_mu_list(capsys):
    argv = ["predict", "type3", "--n-c", "2", "--s-c", "3", "--L", "2", "--lam", "0.01", "--mu", "1/2,1/3,1/6"]
    code, out, _ = run(argv, capsys)
    assert code == 0 and "r_3" in out and "r_0" not in out and "residual" in out  # words numbered from 1


def test_a_long_word_list_is_shortened(capsys):
    argv = ["predict", "type3", "--n-c", "3", "--s-c", "40", "--L", "2", "--lam", "0.001", "--mu", "zipf"]
    code, out, _ = run(argv, capsys)
    assert code == 0 and "r_1 " in out and "r_40 " in out and "r_20 " not in out and "35 more words" in out


def test_threshold_table(capsys):
    code, out, _ = run(["predict", "threshold", "--n-c", "3", "--s-c", "2", "--L", "3", "--K", "full"], capsys)
    assert code == 0 and "type3" in out and "thresholds equal (exact): True" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["predict", "type1", "--n-c", "1"], "--n-c must be"),
        (["predict", "type1", "--lam", "-3"], "lam must be"),
        (["predict", "type1", "--lam", "abc"], "lam must be"),
        (["predict", "type1", "--dps", "7"], "dps must be"),
        (["predict", "type1", "--mu", "zipf:0"], "Zipf exponent"),
        (["predict", "type2", "--d", "2"], "d must be"),
        (["predict", "type3"], "threshold"),
        (["predict", "type3", "--K", "10", "--L", "3", "--s-c", "2"], "full set"),
        (["predict", "nonsense"], "invalid choice"),
    ],
)
def test_errors_are_one_line(argv, needle, capsys):
    code, out, err = run(argv, capsys)
    assert code != 0 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and needle in err


def test_console_script_module_entry():
    proc = subprocess.run(
        [sys.executable, "-m", "fctheory", "predict", "type1", "--lam", "-1"], capture_output=True, text=True
    )
    assert proc.returncode != 0 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_threshold_general_equals_eq9_on_the_full_set(capsys):
    # theorem G's threshold ||grad f(0)||_op (a spectral norm, computed independently of eq. 9)
    argv = ["predict", "threshold", "--n-c", "3", "--s-c", "4", "--L", "3", "--K", "full", "--mu", "zipf", "--json"]
    code, out, _ = run(argv, capsys)
    data = json.loads(out)
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(data["general"]["value"]) - mpmath.mpf(data["type3"]["value"])) < mpmath.mpf(10) ** -28
    code, out, _ = run(["predict", "threshold", "--json"], capsys)
    assert json.loads(out)["general"] is None  # K < n_c**L: no latent set given


@pytest.mark.parametrize("argv, words", [
    (["type1", "--mu", "zipf"], "mu must be uniform words for theorem 1"),
    (["type1", "--mu", "1e99999999"], "mu must be a sequence of exactly s_c = 400"),
    (["type1", "--s-c", "1", "--mu", "1e99999999"], "mu[0] must be a number with a decimal exponent"),
    (["type2", "--lam", "1e-９９９９９９９９"], "lam must be a decimal or fraction literal in ASCII"),
    (["type2", "--n-c", "３"], "--n-c"),
    (["type3", "--s-c", "100000", "--L", "15", "--mu", "zipf"], "an estimated"),
    (["type3", "--s-c", "4000", "--dps", "1000", "--mu", "zipf"], "exceeds the limit 600 s"),
    (["threshold", "--s-c", "1000000", "--K", "full", "--mu", "zipf"], "an estimated"),
])
def test_refused_at_once_with_one_line(argv, words, capsys):
    assert main(["predict", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1, err
