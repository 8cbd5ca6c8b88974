"""Checkpoint files: an empty or truncated one is ignored with a note (the run starts afresh); anything else
that is not a checkpoint is refused in one line and never overwritten; nothing is unpickled."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from fctheory import Problem, Setting
from fctheory.empirical import DamagedCheckpoint, sample_dataset, train_empirical
from fctheory.empirical._checkpoint import load_checkpoint, save_checkpoint
from fctheory.errors import InvalidInput


@pytest.fixture(scope="module")
def small():
    p = Problem(Setting(3, 2, 3, "1/1000", K=8, d=4), "random", seed=0)
    return p, sample_dataset(p, 4, n_test=2, seed=1)


def test_save_and_load(tmp_path):
    path = tmp_path / "c.npz"
    save_checkpoint(path, {"W": np.ones((2, 3))}, {"step": 3, "loss": float("nan")})
    arrays, meta = load_checkpoint(path)
    assert np.array_equal(arrays["W"], np.ones((2, 3))) and meta["step"] == 3 and meta["loss"] is None
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]  # no temporary left


@pytest.mark.parametrize("damage", ["empty", "truncated", "cut-in-header"])
def test_a_damaged_checkpoint_is_ignored_and_the_run_says_so(small, tmp_path, damage, caplog):
    p, data = small
    path = tmp_path / "c.npz"
    train_empirical(p, data, network="h", maxiter=3, checkpoint=path)
    whole = path.read_bytes()
    path.write_bytes({"empty": b"", "truncated": whole[: len(whole) // 2], "cut-in-header": whole[:30]}[damage])
    with pytest.raises(DamagedCheckpoint):
        load_checkpoint(path)
    with caplog.at_level(logging.WARNING, logger="fctheory"):
        again = train_empirical(p, data, network="h", maxiter=3, checkpoint=path)
    assert not again.resumed
    assert f"note: checkpoint {str(path)!r} is unusable" in caplog.text and "starts afresh" in caplog.text
    assert load_checkpoint(path)[1]["format"]  # rewritten whole


def _npy_of(array) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize("make,reason", [
    (lambda p: p.write_text("my notes, not a checkpoint"), "not a NumPy file"),
    (lambda p: p.write_bytes(_npy_of(np.zeros(3))), "single array"),
    (lambda p: np.savez(p, W=np.array([{"a": 1}], dtype=object)), "pickled Python objects"),
    (lambda p: np.savez(p, W=np.zeros(2)), "no readable 'meta'"),
    (lambda p: np.savez(p, W=np.zeros(2), meta=np.array("[1, 2]")), "no readable 'meta'"),
    (lambda p: np.savez(p, meta=np.array('{"format": "other"}')), "format"),
])
def test_a_file_that_is_not_a_checkpoint_is_refused_and_kept(small, tmp_path, make, reason):
    p, data = small
    path = tmp_path / "c.npz"
    make(path)
    before = path.read_bytes()
    with pytest.raises(InvalidInput, match=reason) as info:
        train_empirical(p, data, network="h", maxiter=3, checkpoint=path)
    message = str(info.value)
    assert not isinstance(info.value, DamagedCheckpoint)
    assert "\n" not in message and "allow_pickle" not in message and "my notes" not in message
    assert path.read_bytes() == before
