"""The files of a sweep's --out: locked like validate's, never written through a symlink, never mixed
between grids, standard JSON, no temporary left behind."""

from __future__ import annotations

import json
import os
import time

import pytest

from fctheory._io import DirectoryInUse
from fctheory.cli.main import main
from fctheory.errors import InvalidInput
from fctheory.registry import job_kinds
from fctheory.sweep import parse_grid as _parse_grid, run_grid


def parse_grid(data, **kw):
    return _parse_grid(data, job_kinds(), **kw)


def _grid(name="g", lams=("1/100",)):
    return parse_grid({"sweep": {"name": name, "command": "predict type1"}, "grid": {"lam": list(lams)},
                       "fixed": {"n_c": 2, "s_c": 2, "L": 3, "K": 8}})


def test_a_symlinked_lock_or_output_file_is_never_written_through(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".fctheory-lock").symlink_to(precious)
    with pytest.raises(InvalidInput, match="symbolic link"):
        run_grid(_grid(), out, progress=False)
    assert precious.read_text() == "keep"
    (out / ".fctheory-lock").unlink()
    (out / "results.csv").symlink_to(precious)  # an output file: replaced, its target untouched
    run_grid(_grid(), out, progress=False)
    assert precious.read_text() == "keep" and not (out / "results.csv").is_symlink()


def test_two_sweeps_never_write_one_folder_at_once(tmp_path, lock_held_elsewhere):
    with lock_held_elsewhere(tmp_path) as pid:
        with pytest.raises(DirectoryInUse, match=f"directory in use by pid {pid}"):
            run_grid(_grid(), tmp_path, progress=False)
    assert not (tmp_path / "results.csv").exists()


def test_another_grid_into_the_same_out_is_refused(tmp_path, capsys):
    run_grid(_grid("first"), tmp_path, progress=False)
    with pytest.raises(InvalidInput, match="holds the results of grid 'first'"):
        run_grid(_grid("second"), tmp_path, progress=False)
    assert json.loads((tmp_path / "summary.json").read_text())["name"] == "first"
    edited = run_grid(_grid("first", lams=("1/100", "1/1000")), tmp_path, progress=False)  # the same grid, grown
    assert edited.jobs == 2 and edited.cached == 1
    grid_file = tmp_path / "second.toml"
    grid_file.write_text('[sweep]\nname = "second"\ncommand = "predict type1"\n[grid]\nlam = ["1/100"]\n'
                         '[fixed]\nn_c = 2\ns_c = 2\nL = 3\nK = 8\n')
    capsys.readouterr()
    assert main(["sweep", str(grid_file), "--out", str(tmp_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: out must be") and "choose another --out" in err


def test_stale_temporaries_are_removed_when_a_sweep_starts(tmp_path):
    (tmp_path / "cache").mkdir()
    old = time.time() - 3600
    stale = [tmp_path / ".tmp-999999999-abcdefgh.txt", tmp_path / "cache" / ".tmp-abcdefgh.npz"]
    for path in stale:
        path.write_text("half")
        os.utime(path, (old, old))
    run_grid(_grid(), tmp_path, progress=False)
    assert not any(p.exists() for p in stale)
    assert not [p for p in tmp_path.rglob(".tmp-*")]
