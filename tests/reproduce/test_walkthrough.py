"""examples/walkthrough.py (a Jupytext percent-format script) runs end to end in its quick form."""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "walkthrough.py"


def test_walkthrough_is_a_percent_format_notebook():
    text = SCRIPT.read_text()
    assert "format_name: percent" in text
    assert text.count("# %% [markdown]") >= 5 and text.count("\n# %%\n") >= 5


@pytest.mark.slow
def test_walkthrough_quick_runs_as_a_plain_script(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path / "out")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "theorem 1: word norm c = 1.422141" in out
    assert "fig3 (figure 3)" in out and "fig4b (figure 4(b))" in out and "fig4c (figure 4(c))" in out
    assert "k50 (section 3, K = 50)" in out and "within-concept spread" in out
    # the text's claims about the quick mode are what the quick mode prints
    assert "-> collapsed (below 1%)" in out
    assert "-> fails to generalize (80% or less)" in out and "-> recovers (99% or more)" in out
    assert "the exact optimum of the random latent set of seed 0" in out and "certified" in out
    for name in ("fig3", "fig4b", "fig4c", "k50"):
        assert (tmp_path / "out" / name / "pca.png").is_file()
        assert (tmp_path / "out" / name / "weights.npz").is_file()


def test_walkthrough_text_speaks_of_both_modes():
    text = SCRIPT.read_text()
    assert text.count("**Full mode**") >= 3 and text.count("**Quick mode**") >= 3
    assert "a few minutes" not in text  # the full mode states its measured time
