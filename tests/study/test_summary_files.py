"""``study undersampling --summary-only`` on files it did not write: empty or all-NaN CSVs, binary files,
FIFOs, a summary.json that is a list.  One error line (exit 2) or a clear result; no figures from nothing."""

from __future__ import annotations

import json
import os

import pytest

import fctheory.study._figures as figures_module
import fctheory.study._summary as summary_module
from fctheory.cli.main import main
from fctheory.study import summarize_results


def _run(capsys, out, *extra):
    status = main(["study", "undersampling", "--quick", "--no-progress", "--summary-only", "--study", "samples",
                   "--out", str(out), *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


HEADER = "network,mu,n_spl,seed,risk,test_accuracy,status,error,seconds,cached\n"


@pytest.mark.parametrize("content,words", [
    (b"", "has 0 rows"),
    (HEADER.encode(), "has 0 rows"),
    ((HEADER + "h,uniform,2,0,nan,nan,ok,,1.0,false\nh,zipf,2,0,,nan,ok,,1.0,false\n").encode(), "has 2 rows and none"),
    ((HEADER + "h,uniform,2,0,0.1,0.5,failed,boom,1.0,false\n").encode(), "none with a finite trained risk"),
    (b"\xff\xfe\x00\x01" * 50, "not UTF-8"),
])
def test_csvs_without_results_get_one_error_line_and_no_figures(tmp_path, capsys, content, words):
    (tmp_path / "results-samples.csv").write_bytes(content)
    status, _, err = _run(capsys, tmp_path)
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err
    assert not list(tmp_path.glob("*.png")) and not (tmp_path / "summary.json").exists()


def test_a_fifo_in_place_of_the_csv_is_refused_at_once(tmp_path, capsys):
    os.mkfifo(tmp_path / "results-samples.csv")
    status, _, err = _run(capsys, tmp_path)
    assert status == 2 and "results-samples.csv" in err and err.count("\n") == 1


def test_summaries_that_are_lists_are_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(figures_module, "samples_figures", lambda rows, out: [])
    monkeypatch.setattr(summary_module, "samples_summary", lambda rows: {"rows": len(rows)})
    (tmp_path / "results-samples.csv").write_text(HEADER + "h,uniform,2,0,0.1,0.5,ok,,1.5,false\n")
    (tmp_path / "summary.json").write_text("[1, 2]")
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "summary.json").write_text('["not", "an", "object"]')
    summary = summarize_results(tmp_path, quick=True, studies=("samples",))
    study = summary["studies"]["samples"]
    assert study["seconds"] is None and study["jobs"] == 1 and study["summary"] == {"rows": 1}
    assert json.loads((tmp_path / "summary.json").read_text()) == summary
    (tmp_path / "samples" / "summary.json").write_text('{"seconds": NaN}')
    assert summarize_results(tmp_path, quick=True, studies=("samples",))["studies"]["samples"]["seconds"] is None
    (tmp_path / "samples" / "summary.json").write_text('{"seconds": 12.5}')
    assert summarize_results(tmp_path, quick=True, studies=("samples",))["studies"]["samples"]["seconds"] == 12.5
