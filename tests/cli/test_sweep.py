"""``fctheory sweep``: the summary contract, exit statuses, one-line errors, and a real Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fctheory.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GRID = """
[sweep]
name = "demo"
command = "predict type1"
[grid]
n_c = [2, 3]
lam = ["1/100", "1/1000"]
[fixed]
s_c = 2
L = 3
"""


def _grid(tmp_path, text=GRID):
    path = tmp_path / "grid.toml"
    path.write_text(text)
    return str(path)


def test_json_summary_and_the_text_table(tmp_path, capsys):
    grid, out = _grid(tmp_path), str(tmp_path / "out")
    assert main(["sweep", grid, "--out", out, "--json", "--no-progress"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert {k: summary[k] for k in ("jobs", "ok", "failed", "cached", "out")} == \
        {"jobs": 4, "ok": 4, "failed": 0, "cached": 0, "out": out}
    assert isinstance(summary["seconds"], float)
    assert main(["sweep", grid, "--out", out, "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "sweep demo: predict type1, 4 jobs: 4 ok, 0 failed, 4 from cache" in text
    assert "n_c  lam     status  tau" in text and os.path.join(out, "results.csv") in text


def test_a_failed_job_makes_the_exit_status_1(tmp_path, capsys):
    grid = _grid(tmp_path, GRID.replace("L = 3", "L = 3\nK = 9"))  # K = 9 > 2**3 for n_c = 2
    assert main(["sweep", grid, "--out", str(tmp_path / "out"), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "2 ok, 2 failed" in out and "FAILED n_c=2, lam=1/100: InvalidSetting: K must be" in out


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("lam = [", "lamda = ["), "error: grid.lamda must be a parameter of 'predict type1'"),
    (lambda t: t.replace('"predict type1"', '"predict typo"'), "error: sweep.command must be one of"),
    (lambda t: t.replace("n_c = [2, 3]", "n_c = []"), "error: grid.n_c must be a non-empty list"),
])
def test_grid_errors_are_one_line_before_anything_runs(tmp_path, capsys, edit, message):
    out = tmp_path / "out"
    assert main(["sweep", _grid(tmp_path, edit(GRID)), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not out.exists()


def test_too_many_jobs_need_force(tmp_path, capsys):
    text = GRID.replace("n_c = [2, 3]", "n_c = [2, 3]\nseed = [" + ", ".join(map(str, range(30000))) + "]")
    assert main(["sweep", _grid(tmp_path, text), "--no-progress"]) == 2
    assert "120000 jobs exceeds the limit 100000; pass --force" in capsys.readouterr().err


def test_the_scheduler_without_distributed_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["sweep", _grid(tmp_path), "--out", str(tmp_path / "o"), "--scheduler", "local", "--no-progress"]) == 2
    assert "pip install 'fctheory[distributed]'" in capsys.readouterr().err


@pytest.mark.slow  # a fresh interpreter importing fctheory, and its workers
def test_ctrl_c_keeps_finished_jobs_and_the_same_command_resumes(tmp_path, capsys, monkeypatch):
    # 24 jobs of ~0.4 s each (claim H at the type-III point of (3, 3, 3); a grid names only registered
    # operations): the sweep is still running when the first result appears, also on a loaded machine
    lams = ", ".join(f'"1/{100 + i}"' for i in range(24))
    grid = _grid(tmp_path, '[sweep]\nname = "slow"\ncommand = "claim-h"\n'
                           f'[grid]\nlam = [{lams}]\n[fixed]\nn_c = 3\ns_c = 3\nL = 3\nmu = "zipf"\n')
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "fctheory", "sweep", grid, "--out", str(out), "--jobs", "2", "--no-progress"]
    path = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    # its own process group, so that SIGINT reaches the workers too, as Ctrl-C in a terminal does; SIGINT's
    # default action restored first (a harness started in the background passes it on ignored, and Python
    # then installs no KeyboardInterrupt handler)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "cache").is_dir() and any(n.endswith(".json") for n in os.listdir(out / "cache")):
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "run the same command again to resume" in stderr
    finished = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert 1 <= len(finished) < 24 and all(r["status"] == "ok" for r in finished)
    # the same command again, here (in this process: a third interpreter would only add its start-up)
    assert main(cmd[3:] + ["--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] == 24 and summary["cached"] >= len(finished)


def test_out_and_grid_file_errors_are_one_line(tmp_path, capsys):
    # found by tests/test_fuzz_cli.py: an empty --out and a binary grid file escaped as OSError/UnicodeDecodeError
    from fctheory.cli.main import main

    grid = tmp_path / "g.toml"
    grid.write_text('[sweep]\ncommand = "predict type1"\n[grid]\nlam = ["1/100"]\n[fixed]\nn_c = 2\ns_c = 2\nL = 3\nK = 8\n')
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00[sweep]\x80")
    a_file = tmp_path / "f.txt"
    a_file.write_text("x")
    for argv, needle in ([["sweep", str(grid), "--out", ""], "out"], [["sweep", str(grid), "--out", str(a_file)], "out"],
                         [["sweep", str(binary)], "UTF-8"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and needle in err and "Traceback" not in err
