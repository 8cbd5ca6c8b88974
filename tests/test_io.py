"""fctheory._io: the one module that reads and writes files (docs/security.md, docs/json.md, docs/limits.md)."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from fctheory import _io
from fctheory._io import (MAX_ARRAY_BYTES, DirectoryInUse, atomic_write_text, canonical_json, directory_lock,
                          dumps_json, json_plain, load_npy, load_npz, load_numpy, new_figure, read_json, read_text,
                          remove_stale_temporaries, save_figure, write_json)
from fctheory.errors import InvalidInput, VerificationError


# JSON -----------------------------------------------------------------------------------------

def test_json_never_writes_nan_or_infinity(tmp_path):
    data = {"a": float("nan"), "b": [float("inf"), -float("inf"), 1.5], "c": (np.float64("nan"), 2)}
    text = dumps_json(data)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": None, "b": [None, None, 1.5], "c": [None, 2]}
    write_json(tmp_path / "x.json", data)
    assert json.loads((tmp_path / "x.json").read_text()) == json.loads(text)
    assert (tmp_path / "x.json").read_text().endswith("\n")


def test_json_on_the_command_line_refuses_non_finite_numbers_naming_the_key():
    with pytest.raises(VerificationError, match=r"not finite at \$\.results\[1\]\.x"):
        dumps_json({"results": [{"x": 1.0}, {"x": float("inf")}]}, non_finite="error")
    assert dumps_json({"x": 1.0}, non_finite="error") == '{"x": 1.0}'
    with pytest.raises(InvalidInput, match="non_finite"):
        dumps_json({}, non_finite="nan")


def test_json_numbers_keep_one_format():
    # floats in Python's shortest round-trip form, integers as integers
    assert dumps_json([0.1, 1e-05, 1e30, 3, 2.5e-45]) == "[0.1, 1e-05, 1e+30, 3, 2.5e-45]"
    assert json.loads(dumps_json(np.float32(0.5), default=lambda v: v.item())) == 0.5


def test_json_plain_is_what_a_reader_gets_back():
    data = {"t": (1, 2), "n": np.float32("nan"), "i": np.int64(3)}
    assert json_plain(data, default=lambda v: v.item()) == {"t": [1, 2], "n": None, "i": 3}


def test_canonical_json_sorts_keys_and_keeps_nan_distinct_from_null():
    assert canonical_json({"b": 1, "a": [2]}) == '{"a": [2], "b": 1}'
    assert canonical_json({"x": float("nan")}) != canonical_json({"x": None})


@pytest.mark.parametrize("content,reason", [
    (b"", "not valid JSON"),
    (b"{", "not valid JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[" * 100000, "nests too deeply|not valid JSON"),
])
def test_read_json_says_what_is_wrong(tmp_path, content, reason):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=reason) as info:
        read_json(path, "summary")
    assert "\n" not in str(info.value)


def test_read_json_reads_nan_as_null(tmp_path):
    (tmp_path / "x.json").write_text('{"a": NaN, "b": [Infinity]}')
    assert read_json(tmp_path / "x.json", "x") == {"a": None, "b": [None]}


# atomic writes and stale temporaries ------------------------------------------------------------

def test_atomic_write_leaves_no_temporary_and_replaces_a_symlink_not_its_target(tmp_path):
    target = tmp_path / "precious"
    target.write_text("keep")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert target.read_text() == "keep"  # never written through the link
    assert not link.is_symlink() and link.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    old = time.time() - 3600
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = [tmp_path / f".tmp-{dead_pid}-abcd_123.txt", tmp_path / ".tmp-legacy12.npz",
             tmp_path / "cache" / f".tmp-{dead_pid}-x1234567.bin"]
    alive = tmp_path / f".tmp-{os.getppid()}-live1234.txt"  # a running process's file is kept
    fresh = tmp_path / f".tmp-{dead_pid}-new12345.txt"  # younger than this process: kept
    other = tmp_path / "results.csv"
    mine = tmp_path / ".tmp-notes"  # not a name fctheory gives: never touched
    (tmp_path / "cache").mkdir()
    for path in (*stale, alive, other, mine):
        path.write_text("x")
        os.utime(path, (old, old))
    fresh.write_text("x")
    os.utime(fresh, (time.time() + 60, time.time() + 60))
    assert remove_stale_temporaries(tmp_path) == 2
    assert remove_stale_temporaries(tmp_path, depth=1) == 1
    assert not any(p.exists() for p in stale)
    assert alive.exists() and fresh.exists() and other.exists() and mine.exists()
    assert remove_stale_temporaries(tmp_path / "missing") == 0


def _killed_writer(path):
    with _io.atomic_path(path, ".txt") as tmp:
        with open(tmp, "w") as fh:
            fh.write("half")
        os._exit(9)  # SIGKILL-like: no cleanup runs


def test_a_killed_write_leaves_a_temporary_that_the_next_run_removes(tmp_path, monkeypatch):
    proc = multiprocessing.get_context("fork").Process(target=_killed_writer, args=(str(tmp_path / "r.json"),))
    proc.start()
    proc.join(20)
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert len(left) == 1 and not (tmp_path / "r.json").exists()
    monkeypatch.setattr(_io, "_PROCESS_START", time.time() + 1)  # "the next run" started after the crash
    assert remove_stale_temporaries(tmp_path) == 1
    assert list(tmp_path.iterdir()) == []


# locks ------------------------------------------------------------------------------------------

def test_a_symlinked_lock_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("do not truncate me")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".fctheory-lock").symlink_to(target)
    with pytest.raises(InvalidInput, match="symbolic link"):
        with directory_lock(out):
            pass
    assert target.read_text() == "do not truncate me"
    (out / ".fctheory-lock").unlink()
    (out / ".fctheory-lock").symlink_to(tmp_path / "dangling")
    with pytest.raises(InvalidInput, match="symbolic link"):
        with directory_lock(out):
            pass
    assert not (tmp_path / "dangling").exists()


def test_a_hard_linked_or_special_lock_is_refused(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    os.link(target, out / ".fctheory-lock")
    with pytest.raises(InvalidInput, match="hard link"):
        with directory_lock(out):
            pass
    assert target.read_text() == "keep"
    (out / ".fctheory-lock").unlink()
    os.mkfifo(out / ".fctheory-lock")
    start = time.perf_counter()
    with pytest.raises(InvalidInput, match="not a regular file"):
        with directory_lock(out):
            pass
    assert time.perf_counter() - start < 5


def test_the_lock_names_its_holder(tmp_path, lock_held_elsewhere):
    with lock_held_elsewhere(tmp_path, "fctheory sweep") as pid:
        with pytest.raises(DirectoryInUse, match=f"in use by pid {pid} .*another fctheory sweep"):
            with directory_lock(tmp_path, command="fctheory sweep"):
                pass


# reading ----------------------------------------------------------------------------------------

def test_special_files_are_refused_before_opening(tmp_path):
    fifo = tmp_path / "w.npz"
    os.mkfifo(fifo)
    start = time.perf_counter()
    for read in (lambda p: load_numpy(p, "WEIGHTS"), lambda p: read_text(p, "f"), lambda p: read_json(p, "f")):
        with pytest.raises(InvalidInput, match="FIFO"):
            read(fifo)
        with pytest.raises(InvalidInput, match="directory"):
            read(tmp_path)
        with pytest.raises(InvalidInput, match="no such file"):
            read(tmp_path / "missing")
    with pytest.raises(InvalidInput, match="device"):
        read_text("/dev/zero", "f")
    assert time.perf_counter() - start < 5


def test_size_limits_refuse_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(2**30)  # 1 GiB, sparse: nothing is written, nothing may be read
    start = time.perf_counter()
    with pytest.raises(InvalidInput, match="1073741824 bytes, above the limit of 64 MiB"):
        read_text(big, "f")
    big_npy = tmp_path / "big.npy"
    with open(big_npy, "wb") as fh:
        fh.truncate(3 * 2**30)
    with pytest.raises(InvalidInput, match="above the limit"):
        load_numpy(big_npy, "f")
    assert time.perf_counter() - start < 1


def _npy_bytes(descr: str, shape, data: bytes = b"", fortran: bool = False, version=(1, 0)) -> bytes:
    header = f"{{'descr': {descr!r}, 'fortran_order': {fortran}, 'shape': {tuple(shape)!r}, }}".encode()
    pad = 64 - (10 + len(header) + 1) % 64
    header += b" " * pad + b"\n"
    size = len(header).to_bytes(2 if version == (1, 0) else 4, "little")
    return b"\x93NUMPY" + bytes(version) + size + header + data


def _saved(array) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize("make,reason", [
    (lambda: _npy_bytes("<f8", (10**6, 10**6)), "declares shape .* above the limit of 1 GiB"),
    (lambda: _npy_bytes("<i8", (2**40,), b"\0" * 64), "above the limit"),
    (lambda: _npy_bytes("<f8", (100,), b"\0" * 64), "truncated .*800 bytes of data, it holds 64"),
    (lambda: _npy_bytes("<f8", (2,), b"\0" * 64), "longer than its header declares"),
    (lambda: _npy_bytes("|O", (1,), b"\x80\x04N."), "pickled Python objects"),
    (lambda: _npy_bytes("<U3", (2,), b"\0" * 24), "dtype <U3"),
    (lambda: _saved(np.zeros(2, dtype=[("a", "<f8")])), "dtype"),
    (lambda: _saved(np.array(["2024-01-01"], dtype="datetime64[D]")), "dtype <M8"),
    (lambda: _npy_bytes("<f8", (-3,)), "negative dimension|damaged"),
    (lambda: b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 100, "damaged or truncated .npy header"),
    (lambda: b"\x93NUMPY\x03\x00" + b"\0" * 80, "version 3.0"),
    (lambda: b"\x93NUMPY", "damaged or truncated|not an .npy"),
    (lambda: b"", "it is empty"),
    (lambda: b"hello, world" * 10, "not a NumPy file"),
])
def test_npy_files_with_lying_or_hostile_headers(tmp_path, make, reason):
    path = tmp_path / "x.npy"
    path.write_bytes(make())
    start = time.perf_counter()
    with pytest.raises(InvalidInput, match=reason) as info:
        load_numpy(path, "latent file")
    assert time.perf_counter() - start < 1
    message = str(info.value)
    assert "\n" not in message and "allow_pickle" not in message and "hello" not in message


def test_npy_and_npz_round_trip(tmp_path):
    a = np.arange(12.0).reshape(3, 4)
    np.save(tmp_path / "c.npy", a)
    np.save(tmp_path / "f.npy", np.asfortranarray(a))
    np.savez(tmp_path / "z.npz", W=a, U=np.arange(5), b=np.array([True, False]))
    np.savez_compressed(tmp_path / "zc.npz", W=a)
    (tmp_path / "v2.npy").write_bytes(_npy_bytes("<f8", (2,), np.array([1.5, 2.5]).tobytes(), version=(2, 0)))
    assert np.array_equal(load_npy(tmp_path / "c.npy", "x"), a)
    assert np.array_equal(load_npy(tmp_path / "f.npy", "x"), a)
    got = load_npz(tmp_path / "z.npz", "x")
    assert sorted(got) == ["U", "W", "b"] and np.array_equal(got["W"], a) and got["b"].dtype == bool
    assert sorted(load_npz(tmp_path / "z.npz", "x", names=["U"])) == ["U"]
    assert np.array_equal(load_npz(tmp_path / "zc.npz", "x")["W"], a)
    assert np.array_equal(load_npy(tmp_path / "v2.npy", "x"), [1.5, 2.5])
    with pytest.raises(InvalidInput, match="single array of shape \\(3, 4\\)"):
        load_npz(tmp_path / "c.npy", "x")
    with pytest.raises(InvalidInput, match="an .npz archive, not an .npy"):
        load_npy(tmp_path / "z.npz", "x")


def _patch_sizes(path, new_size: int) -> None:
    """Make a one-member zip declare ``new_size`` uncompressed bytes (local header and directory)."""
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 22: local + 26] = new_size.to_bytes(4, "little")
    data[central + 24: central + 28] = new_size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_zip_bombs_are_refused_by_their_declared_sizes(tmp_path):
    # a real bomb: 16 MiB of zeros deflated to ~16 KiB, read with a 1 MiB budget
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("latent.npy", _npy_bytes("<f8", (2**21,), b"\0" * 2**24))
    assert bomb.stat().st_size < 2**16
    with pytest.raises(InvalidInput, match="unpacks to 16777344 bytes, above the limit of 1 MiB"):
        load_npz(bomb, "latent file", max_bytes=2**20)
    # a lying directory: 3 GB declared for a small member
    liar = tmp_path / "liar.npz"
    np.savez(liar, latent=np.zeros(4))
    _patch_sizes(liar, 3 * 10**9)
    start = time.perf_counter()
    with pytest.raises(InvalidInput, match="unpacks to 3000000000 bytes, above the limit of 1 GiB"):
        load_npz(liar, "latent file")
    assert time.perf_counter() - start < 1
    # a member whose header declares more than the archive entry holds
    lying_member = tmp_path / "member.npz"
    with zipfile.ZipFile(lying_member, "w") as z:
        z.writestr("latent.npy", _npy_bytes("<f8", (10**8,), b"\0" * 64))
    with pytest.raises(InvalidInput, match="its array 'latent' is truncated"):
        load_npz(lying_member, "latent file")


def test_damaged_archives(tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, W=np.ones((20, 20)))
    data = good.read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInput, match="truncated") as info:
        load_npz(cut, "checkpoint")
    assert info.value.damaged
    flipped = bytearray(data)
    flipped[200] ^= 0xFF  # inside W's data: the CRC no longer matches
    (tmp_path / "crc.npz").write_bytes(bytes(flipped))
    with pytest.raises(InvalidInput, match="damaged") as info:
        load_npz(tmp_path / "crc.npz", "checkpoint")
    assert info.value.damaged
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty") as info:
        load_npz(tmp_path / "empty.npz", "checkpoint")
    assert info.value.damaged
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(InvalidInput, match="not a NumPy file") as info:
        load_npz(tmp_path / "text.npz", "checkpoint")
    assert not info.value.damaged


def test_archives_with_too_many_members(tmp_path):
    path = tmp_path / "many.npz"
    np.savez(path, **{f"a{i}": np.zeros(1) for i in range(_io.MAX_NPZ_MEMBERS + 1)})
    with pytest.raises(InvalidInput, match=f"more than the {_io.MAX_NPZ_MEMBERS}"):
        load_npz(path, "x")


def test_the_array_budget_is_shared_by_the_members(tmp_path):
    path = tmp_path / "two.npz"
    np.savez(path, a=np.zeros(100), b=np.zeros(100))
    assert sorted(load_npz(path, "x", max_bytes=1600)) == ["a", "b"]
    with pytest.raises(InvalidInput, match="above the limit of 1000 bytes"):
        load_npz(path, "x", max_bytes=1000)
    assert MAX_ARRAY_BYTES == 2**30


# figures ----------------------------------------------------------------------------------------

def test_figures_have_one_dpi_and_are_written_atomically(tmp_path):
    fig, ax = new_figure(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    path = save_figure(fig, tmp_path / "a.png")
    from PIL import Image

    with Image.open(path) as image:
        dpi = image.info.get("dpi")
    assert dpi is not None and round(dpi[0]) == _io.FIGURE_DPI
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]
    fig, axes = new_figure(nrows=2, ncols=2)
    assert axes.shape == (2, 2)
    assert stat.S_ISREG(os.stat(path).st_mode)


def test_prepare_dir_creates_a_folder_and_refuses_what_cannot_be_one(tmp_path):
    from fctheory._io import prepare_dir

    assert prepare_dir(tmp_path / "a" / "b") == str(tmp_path / "a" / "b") and (tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_text("x")
    for bad, detail in ((tmp_path / "file", "existing file"), (tmp_path / "file" / "sub", ""), ("  ", ""), (3, "")):
        with pytest.raises(InvalidInput, match="^out must be") as err:
            prepare_dir(bad)
        assert detail in str(err.value)
    with pytest.raises(InvalidInput, match="^--out must be"):
        prepare_dir(tmp_path / "file", field="--out")
