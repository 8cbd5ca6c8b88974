"""A reproduction's files: a damaged checkpoint left by a crash is ignored with a note; a file in its place
that is not a checkpoint is refused in one line and kept; stale temporaries are removed."""

from __future__ import annotations

import logging
import os
import time

from fctheory.cli.main import main
from fctheory.reproduce import checkpoint_name

ARGV = ["reproduce", "fig3", "--quick", "--maxiter", "20", "--no-progress"]


def test_an_empty_or_truncated_checkpoint_is_ignored_and_the_run_says_so(tmp_path, capsys, caplog):
    folder = tmp_path / "fig3"
    folder.mkdir()
    checkpoint = folder / checkpoint_name("lbfgs", 0, True)
    checkpoint.write_bytes(b"PK\x03\x04" + b"\0" * 40)  # a zip cut short
    stale = folder / ".tmp-999999999-x1y2z3w4.npz"
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    with caplog.at_level(logging.WARNING, logger="fctheory"):
        assert main([*ARGV, "--out", str(tmp_path), "--json"]) == 0
    assert "is unusable (it is truncated" in caplog.text and "starts afresh" in caplog.text
    assert (folder / "result.json").is_file() and not checkpoint.exists() and not stale.exists()
    capsys.readouterr()


def test_a_file_that_is_not_a_checkpoint_is_refused_and_kept(tmp_path, capsys):
    folder = tmp_path / "fig3"
    folder.mkdir()
    checkpoint = folder / checkpoint_name("lbfgs", 0, True)
    checkpoint.write_text("my own notes")
    assert main([*ARGV, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: checkpoint") and "not a NumPy file" in err
    assert "my own notes" not in err and checkpoint.read_text() == "my own notes"
