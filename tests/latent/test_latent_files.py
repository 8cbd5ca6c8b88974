"""Hostile latent files: refused before they are read into memory, with a message saying what is wrong and
never what the file holds (docs/limits.md, docs/security.md)."""

from __future__ import annotations

import os
import time
import zipfile

import numpy as np
import pytest

from fctheory.errors import InvalidLatentSet
from fctheory.latent import MAX_LATENT_ARRAY_BYTES, MAX_LATENT_TEXT_BYTES, load_latent_file

SECRET = "root:x:0:0:the-secret-line:/root:/bin/bash"


def _refused(path, match, n_c=3, L=3):
    start = time.perf_counter()
    with pytest.raises(InvalidLatentSet, match=match) as info:
        load_latent_file(path, n_c, L)
    assert time.perf_counter() - start < 1
    message = str(info.value)
    assert "\n" not in message and "secret" not in message and "root:x" not in message
    assert "allow_pickle" not in message
    return message


def test_a_file_that_is_not_a_latent_file_is_described_not_echoed(tmp_path):
    path = tmp_path / "passwd"
    path.write_text(SECRET + "\n")
    message = _refused(path, "entry 1 of line 1 is not an integer")
    assert repr(str(path)) in message  # the path the user gave, nothing of its content
    (tmp_path / "two.txt").write_text("0 1 2\n0 1 " + "x" * 70 + "\n")
    _refused(tmp_path / "two.txt", "entry 3 of line 2 is not an integer")


def test_text_with_a_byte_order_mark_and_commas(tmp_path):
    path = tmp_path / "z.txt"
    path.write_bytes("\ufeff0, 0, 1\n# a comment\n1 2 0\n".encode("utf-8"))
    assert load_latent_file(path, 3, 3).tolist() == [[0, 0, 1], [1, 2, 0]]


@pytest.mark.parametrize("text,match", [
    ("0 1 \u0662\n1 0 2\n", "not an integer"),  # a non-ASCII digit
    ("0 1 9" + "9" * 5000 + "\n1 0 2\n", "beyond 10\\*\\*18"),
    ("0 1 2.0\n1 0 2\n", "not an integer"),
])
def test_text_entries_are_plain_ascii_integers(tmp_path, text, match):
    path = tmp_path / "z.txt"
    path.write_text(text)
    _refused(path, match)


def test_a_huge_text_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(2**30)  # 1 GiB (sparse): refused before one byte is read
    _refused(path, f"1073741824 bytes, above the limit of {MAX_LATENT_TEXT_BYTES // 2**20} MiB")


def test_more_rows_than_any_latent_set_holds(tmp_path):
    path = tmp_path / "rows.txt"
    path.write_text("0 0\n" * (2**17 + 1))
    _refused(path, "at most 131072 latent variables", L=2)


def test_fifos_devices_and_folders(tmp_path):
    os.mkfifo(tmp_path / "z.txt")
    os.mkfifo(tmp_path / "z.npy")
    _refused(tmp_path / "z.txt", "FIFO")
    _refused(tmp_path / "z.npy", "FIFO")
    _refused("/dev/zero", "device")
    (tmp_path / "d.npz").mkdir()
    _refused(tmp_path / "d.npz", "directory")


def _npy(descr, shape, data=b""):
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}".encode()
    header += b" " * (117 - len(header)) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data


def test_lying_headers_are_refused_before_allocating(tmp_path):
    (tmp_path / "big.npy").write_bytes(_npy("<i8", (10**9, 64), b"\0" * 64))
    _refused(tmp_path / "big.npy", "above the limit of 64 MiB")
    (tmp_path / "short.npy").write_bytes(_npy("<i8", (4, 3), b"\0" * 24))
    _refused(tmp_path / "short.npy", "truncated")
    with zipfile.ZipFile(tmp_path / "member.npz", "w") as z:
        z.writestr("latent.npy", _npy("<i8", (10**12, 3), b"\0" * 64))
    _refused(tmp_path / "member.npz", "declares shape")
    assert MAX_LATENT_ARRAY_BYTES == 2**26


def test_a_zip_bomb_is_refused_by_its_directory(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("latent.npy", _npy("<i8", (2**22, 3), b"\0" * (2**22 * 24)))  # 96 MiB of zeros
    assert path.stat().st_size < 2**20
    _refused(path, "unpacks to .* bytes, above the limit of 64 MiB")


def test_pickles_and_non_integer_arrays(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    _refused(tmp_path / "obj.npy", "pickled Python objects")
    np.save(tmp_path / "float.npy", np.full((3, 3), 0.5))
    _refused(tmp_path / "float.npy", "non-integer entries")
    np.savez(tmp_path / "other.npz", other=np.zeros((3, 3), dtype=int))
    _refused(tmp_path / "other.npz", "'latent'")
    z = np.array([[0, 1, 2], [2, 1, 0]])
    np.savez_compressed(tmp_path / "ok.npz", latent=z)
    assert np.array_equal(load_latent_file(tmp_path / "ok.npz", 3, 3), z)
