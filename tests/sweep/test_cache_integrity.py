"""The sweep cache verifies each entry: a digest mismatch or a malformed entry counts as absent, says so, and
the job runs again (docs/sweep.md, docs/security.md)."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from fctheory.registry import job_kinds
from fctheory.sweep import parse_grid as _parse_grid, run_grid


def parse_grid(data, **kw):
    return _parse_grid(data, job_kinds(), **kw)
from fctheory.sweep._cache import read_entry, write_entry


class _Job:
    """What write_entry needs of a job (its plain description)."""

    def to_dict(self):
        return {"kind": "test", "params": {"x": 1}}


def _write(cache, key="k" * 32, result=None, arrays=None):
    write_entry(str(cache), key, _Job(), {"result": {"v": 1.5, "n": 3} if result is None else result,
                                          "arrays": arrays or {}, "seconds": 0.25, "worker": "here:1"})
    return cache / f"{key}.json", cache / f"{key}.npz"


def test_an_entry_reads_back_verified(tmp_path):
    W = np.arange(6.0).reshape(2, 3)
    _write(tmp_path, result={"v": float("nan"), "t": (1, 2)}, arrays={"W": W, "F": np.asfortranarray(W)})
    entry = read_entry(str(tmp_path), "k" * 32)
    assert entry["result"] == {"v": None, "t": [1, 2]}  # standard JSON: NaN is null
    assert entry["seconds"] == 0.25 and entry["worker"] == "here:1"
    assert np.array_equal(entry["arrays"]["W"], W) and np.array_equal(entry["arrays"]["F"], W)
    text = (tmp_path / f"{'k' * 32}.json").read_text()
    assert "NaN" not in text and len(json.loads(text)["digest"]) == 64


def test_a_hand_edited_number_is_not_trusted(tmp_path, caplog):
    path, _ = _write(tmp_path)
    entry = json.loads(path.read_text())
    entry["result"]["v"] = 2.5  # still valid JSON, still well-formed
    path.write_text(json.dumps(entry))
    with caplog.at_level(logging.WARNING, logger="fctheory"):
        assert read_entry(str(tmp_path), "k" * 32) is None
    assert "does not match its SHA-256 digest" in caplog.text and "runs again" in caplog.text


def test_edited_arrays_are_not_trusted(tmp_path, caplog):
    W = np.ones((2, 3))
    _, npz = _write(tmp_path, arrays={"W": W})
    np.savez(npz, W=W * 2)  # a valid archive with other numbers
    with caplog.at_level(logging.WARNING, logger="fctheory"):
        assert read_entry(str(tmp_path), "k" * 32) is None
    assert "digest" in caplog.text
    np.savez(npz, V=W)  # the array is gone
    assert read_entry(str(tmp_path), "k" * 32) is None
    npz.write_bytes(npz.read_bytes()[:40])  # truncated
    assert read_entry(str(tmp_path), "k" * 32) is None


@pytest.mark.parametrize("edit", [
    lambda e: e.pop("result"),
    lambda e: e.update(result=[1, 2]),
    lambda e: e.update(seconds=None),
    lambda e: e.update(seconds="0.25"),
    lambda e: e.update(seconds=-1.0),
    lambda e: e.update(seconds=True),
    lambda e: e.update(arrays="W"),
    lambda e: e.update(arrays=[1]),
    lambda e: e.update(worker=7),
    lambda e: e.pop("digest"),
    lambda e: e.update(digest=None),
    lambda e: e.update(format="other"),
    lambda e: e.update(key="x"),
])
def test_malformed_entries_count_as_absent(tmp_path, edit, caplog):
    path, _ = _write(tmp_path)
    entry = json.loads(path.read_text())
    edit(entry)
    path.write_text(json.dumps(entry))
    with caplog.at_level(logging.WARNING, logger="fctheory"):
        assert read_entry(str(tmp_path), "k" * 32) is None
    assert "counts as absent" in caplog.text


@pytest.mark.parametrize("text", ["", "[1, 2]", '{"format": ', "\ufeff{}", "null", "[" * 50000, '"x"'])
def test_unparsable_entries_count_as_absent(tmp_path, text):
    path, _ = _write(tmp_path)
    path.write_text(text)
    assert read_entry(str(tmp_path), "k" * 32) is None


def test_a_sweep_recomputes_a_tampered_entry_and_says_so(tmp_path, caplog):
    grid = parse_grid({"sweep": {"name": "t", "command": "predict type1"}, "grid": {"lam": ["1/100", "1/1000"]},
                       "fixed": {"n_c": 2, "s_c": 2, "L": 3, "K": 8}})
    first = run_grid(grid, tmp_path, progress=False)
    assert first.ok == 2
    key = first.results[0].key
    path = tmp_path / "cache" / f"{key}.json"
    entry = json.loads(path.read_text())
    setting = ("n_c", "s_c", "L", "K", "lam", "mu", "d")
    numbers = [k for k, v in entry["result"].items() if isinstance(v, (str, float)) and k not in setting]
    assert numbers
    entry["result"][numbers[0]] = "12345.0"  # a hand-edited number
    path.write_text(json.dumps(entry))
    with caplog.at_level(logging.WARNING, logger="fctheory"):
        again = run_grid(grid, tmp_path, progress=False)
    assert again.cached == 1 and not again.results[0].cached
    assert again.rows[0][numbers[0]] == first.rows[0][numbers[0]]  # the computed value, not the edited one
    assert f"note: cache entry {key} does not match its SHA-256 digest" in caplog.text
    assert json.loads(path.read_text())["result"][numbers[0]] == first.rows[0][numbers[0]]  # rewritten


def test_the_note_reaches_the_terminal(tmp_path):
    # without a logging configuration (the command line), the note is a bare line on stderr
    import subprocess
    import sys

    path, _ = _write(tmp_path)
    path.write_text(path.read_text().replace('"v": 1.5', '"v": 2.5'))
    code = ("import sys; from fctheory.sweep._cache import read_entry; "
            f"sys.exit(read_entry({str(tmp_path)!r}, {'k' * 32!r}) is not None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr.startswith("note: cache entry ") and done.stderr.count("\n") == 1
