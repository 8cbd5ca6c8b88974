"""examples/walkthrough.py (a Jupytext percent-format script) runs end to end in its quick form."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "walkthrough.py"


def test_walkthrough_is_a_percent_format_notebook():
    text = SCRIPT.read_text()
    assert "format_name: percent" in text
    assert text.count("# %% [markdown]") >= 5 and text.count("\n# %%\n") >= 5


def test_walkthrough_quick_runs_as_a_plain_script(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path / "out")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "theorem 1: word norm c = 1.422141" in out
    assert "fig3 (figure 3)" in out and "fig4b (figure 4(b))" in out and "fig4c (figure 4(c))" in out
    assert "within-concept spread" in out
    for name in ("fig3", "fig4b", "fig4c"):
        assert (tmp_path / "out" / name / "pca.png").is_file()
        assert (tmp_path / "out" / name / "weights.npz").is_file()
