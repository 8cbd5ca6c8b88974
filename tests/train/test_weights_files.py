"""Weight files (``fctheory measure WEIGHTS``, ``load_weights``): read without pickles, their declared sizes
checked before allocation, special files refused; one error line naming WEIGHTS."""

from __future__ import annotations

import os
import time
import zipfile

import numpy as np
import pytest

from fctheory.cli.main import main
from fctheory.errors import InvalidInput
from fctheory.train import load_weights, save_weights

SMALL = ["--n-c", "3", "--s-c", "2", "--L", "3"]


def _npy(shape, data=b""):
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape!r}, }}".encode()
    header += b" " * (117 - len(header)) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data


def _archive(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(f"{name}.npy", data)


@pytest.mark.parametrize("make,reason", [
    (lambda p: _archive(p, {"W": _npy((10**7, 10**7)), "U": _npy((2,), b"\0" * 16)}), "declares shape"),
    (lambda p: _archive(p, {"W": _npy((3, 6), b"\0" * 8), "U": _npy((27, 9))}), "truncated"),
    (lambda p: os.mkfifo(p), "FIFO"),
    (lambda p: np.savez(p, W=np.array([{"a": 1}], dtype=object), U=np.zeros(2)), "pickled"),
    (lambda p: np.savez(p, W=np.array(["abc"]), U=np.zeros(2)), "dtype"),
])
def test_hostile_weight_files(tmp_path, capsys, make, reason):
    path = tmp_path / "w.npz"
    make(path)
    start = time.perf_counter()
    assert main(["measure", str(path), *SMALL]) == 2
    err = capsys.readouterr().err
    assert time.perf_counter() - start < 2
    assert err.count("\n") == 1 and err.startswith("error: WEIGHTS") and reason in err
    assert "allow_pickle" not in err and "Traceback" not in err


def test_save_and_load_round_trip(tmp_path):
    W, U = np.arange(6.0).reshape(1, 6), np.ones((27, 3))
    save_weights(tmp_path / "w.npz", W, U)
    got = load_weights(tmp_path / "w.npz")
    assert np.array_equal(got[0], W) and np.array_equal(got[1], U)
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]
    with pytest.raises(InvalidInput, match="WEIGHTS must be .* no array 'U' \\(arrays: W, X\\)"):
        np.savez(tmp_path / "x.npz", W=W, X=U)
        load_weights(tmp_path / "x.npz")
