"""Regression tests of issue 12's findings on the command line: each bad input gets one
``error: ...`` line naming the field (exit 2), never a traceback, a hang or a wrong answer."""

import json

import numpy as np
import pytest

from fctheory.cli.main import main


def _run(capsys, argv):
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def _one_error(err, *needles):
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


SMALL = ["--n-c", "3", "--s-c", "2", "--L", "3"]


def test_bad_code_name_is_reported_before_K(capsys):  # finding 2
    status, _, err = _run(capsys, ["predict", "type1", *SMALL, "--lam", "0.01", "--code", "nosuch"])
    assert status == 2
    _one_error(err, "code must be one of", "'nosuch'")
    assert "K must" not in err


@pytest.mark.parametrize("flag,value,field", [
    ("--lam", "1e-5000", "lam"), ("--lam", "1e-9999999", "lam"), ("--lam", "1e+1001", "lam"),
    ("--lam", "1e-99999999999999999999", "lam"), ("--mu", "zipf:1e-5000", "mu (Zipf exponent)"),
])
def test_huge_exponents_are_refused_at_once_naming_the_range(capsys, flag, value, field):  # findings 3, 7
    status, _, err = _run(capsys, ["predict", "type1", *SMALL, "--K", "full", flag, value])
    assert status == 2
    _one_error(err, f"{field} must be a number with a decimal exponent in [-1000, 1000]")


def test_the_edges_of_the_documented_ranges_work(capsys):  # finding 3
    status, out, err = _run(capsys, ["predict", "type1", *SMALL, "--K", "full", "--lam", "1e-1000", "--json"])
    assert status == 0, err
    assert json.loads(out)["theorem"].startswith("theorem 1")
    # (theorem 1 refuses a Zipf law: the edge of the Zipf exponent is tried on eq. 9)
    status, out, err = _run(capsys, ["predict", "threshold", *SMALL, "--K", "full", "--mu", "zipf:1e-1000", "--json"])
    assert status == 0, err
    assert json.loads(out)["setting"]["mu"]["kind"] == "zipf"
    status, out, err = _run(capsys, ["predict", "threshold", *SMALL, "--K", "full", "--lam", "1e1000", "--json"])
    assert status == 0, err
    assert json.loads(out)["type1"]["lam_below"] is False
    status, out, err = _run(capsys, ["predict", "threshold", "--n-c", "2", "--s-c", "2", "--L", "10000", "--K", "full",
                                     "--d", "4", "--json"])
    assert status == 0, err
    assert json.loads(out)["setting"]["L"] == 10000


def test_a_full_set_too_large_to_print_is_refused_with_the_limit(capsys):  # finding 3
    status, _, err = _run(capsys, ["predict", "type1", "--n-c", "3", "--s-c", "2", "--L", "10000", "--K", "full",
                                   "--d", "4"])
    assert status == 2
    _one_error(err, "L must be", "n_c**L below 10**4000", "L < 8384 for n_c = 3")


def test_measure_of_an_npy_file_says_what_to_do(tmp_path, capsys):  # finding 9
    np.save(tmp_path / "W.npy", np.zeros((4, 6)))
    status, _, err = _run(capsys, ["measure", str(tmp_path / "W.npy"), *SMALL])
    assert status == 2
    _one_error(err, "WEIGHTS", "single array of shape (4, 6)", "numpy.savez")


@pytest.mark.parametrize("make,reason", [
    (lambda p: np.savez(p, W=np.ones((4, 6))), "no array 'U' (arrays: W)"),
    (lambda p: p.write_text("W U"), "not a NumPy file"),
    (lambda p: p.write_bytes(bytes(range(256))), "not a NumPy file"),
    (lambda p: p.write_bytes(b""), "it is empty"),
    (lambda p: p.mkdir(), "it is a directory"),
])
def test_measure_says_why_a_file_is_unreadable(tmp_path, capsys, make, reason):  # finding 12
    path = tmp_path / "w.npz"
    make(path)
    status, _, err = _run(capsys, ["measure", str(path), *SMALL])
    assert status == 2
    _one_error(err, "WEIGHTS", reason)
    assert "InvalidInput" not in err and "ValueError" not in err and "allow_pickle" not in err


def test_measure_refuses_complex_weights(tmp_path, capsys):  # finding 4 (the complex part)
    np.savez(tmp_path / "w.npz", W=np.ones((2, 6)) + 1j, U=np.ones((27, 6)))
    status, _, err = _run(capsys, ["measure", str(tmp_path / "w.npz"), *SMALL])
    assert status == 2
    _one_error(err, "W must be a real array", "complex128")


@pytest.mark.parametrize("make,reason", [
    (lambda p: p.mkdir(), "a directory"),
    (lambda p: p.write_bytes(b"\x00\x01garbage" * 20), "not a NumPy file"),
])
def test_latent_file_messages(tmp_path, capsys, make, reason):  # finding 12
    path = tmp_path / "z.npy"
    make(path)
    status, _, err = _run(capsys, ["latent", "check", "--n-c", "3", "--L", "3", "--latent-file", str(path)])
    assert status == 2
    _one_error(err, "latent file", reason)
    assert "no such file" not in err and "allow_pickle" not in err


def test_binary_text_latent_file(tmp_path, capsys):  # finding 12
    path = tmp_path / "z.txt"
    path.write_bytes(bytes(range(128, 256)))
    status, _, err = _run(capsys, ["latent", "check", "--n-c", "3", "--L", "3", "--latent-file", str(path)])
    assert status == 2
    _one_error(err, "latent file", "neither a NumPy file nor UTF-8 text")


def test_check_refuses_a_huge_d_before_allocating(capsys):  # finding 10
    status, _, err = _run(capsys, ["check", "--n-c", "2", "--s-c", "2", "--L", "3", "--d", "5000000"])
    assert status == 2
    _one_error(err, "d of the brute-force checks", "exceeds the limit 512")


def test_measure_of_large_finite_weights_is_finite_standard_json(tmp_path, capsys):  # finding 4
    from fctheory import Setting
    from fctheory.configurations import type1_configuration

    cfg = type1_configuration(Setting(3, 2, 3, "1/100", d=5), 1.5, 0.25)
    for scale in (1e300, 1e-300):
        np.savez(tmp_path / "w.npz", W=cfg.W * scale, U=cfg.U * scale)
        status, out, err = _run(capsys, ["measure", str(tmp_path / "w.npz"), *SMALL, "--json"])
        assert status == 0, err
        assert "NaN" not in out and "Infinity" not in out
        data = json.loads(out)
        assert data["w_frobenius"] == pytest.approx(np.linalg.norm(cfg.W) * scale, rel=1e-12)
        assert data["equiangular_error"] < 1e-12
    assert data["collapse_verdict"] == "trivial"  # below the absolute tolerance
    np.savez(tmp_path / "w.npz", W=cfg.W * 1e308, U=cfg.U)
    status, _, err = _run(capsys, ["measure", str(tmp_path / "w.npz"), *SMALL])
    assert status == 2
    _one_error(err, "W/U must be weights whose norms are finite")


def test_predict_type1_above_its_threshold_is_treated_as_type3(capsys):  # finding 17
    for kind in ("type1", "type3"):
        status, out, err = _run(capsys, ["predict", kind, *SMALL, "--K", "full", "--lam", "2"])
        assert status == 2 and out == ""
        _one_error(err, "lam = 2 is at or above the type-", "threshold")
