"""`fctheory measure` on explicitly built collapsed weights (known answers)."""

import json

import numpy as np
import pytest

from fctheory import Setting
from fctheory.cli.main import main
from fctheory.risk import type1_configuration


def _type1(n_c, s_c, L, d, c, cp, Z=None):
    """Type I (definition 1): w_(a,b) = c f_a, u_{k,l} = c' f_{z_{k,l}}; lambda does not enter."""
    setting = Setting(n_c, s_c, L, "1/100", K=None if Z is None else len(Z), d=d)
    return tuple(type1_configuration(setting, c, cp, latent=Z))


def test_measure_json_contract(tmp_path, capsys):
    W, U = _type1(3, 2, 3, 5, 1.5, 0.25)
    path = tmp_path / "w.npz"
    np.savez(path, W=W, U=U)
    assert main(["measure", str(path), "--n-c", "3", "--s-c", "2", "--L", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(data["word_norms"], [1.5] * 6, rtol=1e-14)
    expected = np.full((3, 3), -0.5)
    np.fill_diagonal(expected, 1.0)
    np.testing.assert_allclose(data["concept_cosines"], expected, atol=1e-14)
    assert data["u_norm_mean"] == pytest.approx(0.25, rel=1e-14)
    assert data["u_norm_spread"] < 1e-14
    assert data["collapse_verdict"] == "type I"


def test_measure_latent_file_and_table(tmp_path, capsys):
    Z = np.array([[0, 1], [1, 0], [2, 2]])
    W, U = _type1(3, 2, 2, 4, 1.0, 1.0, Z)
    np.savez(tmp_path / "w.npz", W=W, U=U)
    np.savetxt(tmp_path / "z.txt", Z, fmt="%d")
    args = ["measure", str(tmp_path / "w.npz"), "--n-c", "3", "--s-c", "2", "--L", "2", "--latent-file", str(tmp_path / "z.txt")]
    assert main(args) == 0
    assert "collapse verdict (tol 1e-06): type I" in capsys.readouterr().out
    np.save(tmp_path / "z.npy", Z[::-1])
    args[-1] = str(tmp_path / "z.npy")
    assert main(args + ["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["collapse_verdict"] == "not collapsed"


@pytest.mark.parametrize("make,needle", [
    (lambda p: np.savez(p, W=np.ones((4, 6))), "WEIGHTS"),
    (lambda p: p.write_text("not a zip"), "WEIGHTS"),
    (lambda p: np.savez(p, W=np.ones((4, 7)), U=np.ones((27, 12))), "W must be"),
])
def test_measure_bad_files(tmp_path, capsys, make, needle):
    path = tmp_path / "w.npz"
    make(path)
    assert main(["measure", str(path), "--n-c", "3", "--s-c", "2", "--L", "3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and needle in err and err.count("\n") == 1


def test_measure_missing_file(tmp_path, capsys):
    assert main(["measure", str(tmp_path / "none.npz"), "--n-c", "3", "--s-c", "2", "--L", "3"]) == 2
    assert "WEIGHTS" in capsys.readouterr().err


@pytest.mark.parametrize("L, words", [("10000000000", "L must be an integer in [1, 10000]"),
                                      ("15", "the full latent set n_c**L = 3**15 is too large")])
def test_sizes_beyond_the_limits_are_refused(L, words, tmp_path, capsys):
    """measure --L 10000000000 hung computing 3**(10**10)."""
    path = tmp_path / "w.npz"
    np.savez(path, W=np.ones((3, 6)), U=np.ones((27, 9)))
    assert main(["measure", str(path), "--n-c", "3", "--s-c", "2", "--L", L]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1
