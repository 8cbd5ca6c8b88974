"""The Dask backend on real LocalClusters.

One cluster of worker processes (``scheduler="local"``; it costs seconds to
start) and one of threads in this process, reached by its address from the CLI.
Skipped when dask.distributed is not installed (``pip install 'fctheory[distributed]'``).
"""

import json

import pytest

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed "
                                                        "(pip install 'fctheory[distributed]')")

from fctheory.cli.main import main  # noqa: E402
from fctheory.sweep import run_jobs  # noqa: E402

from _grids import comparable, small_jobs  # noqa: E402

from sweep_testjobs import job  # noqa: E402


pytestmark = pytest.mark.dask


def test_a_local_cluster_gives_the_in_process_results_despite_a_failure_and_a_dead_worker(tmp_path):
    jobs = small_jobs()
    one = run_jobs(jobs, progress=False)
    extra = [job("sweep_testjobs:fail_on", {"x": 2, "bad": 2}),
             job("sweep_testjobs:crash_once", {"x": 3, "crash": True, "marker": str(tmp_path / "died")})]
    dask = run_jobs(jobs + extra, scheduler="local", workers=2, progress=False, cache_dir=tmp_path / "cache")
    assert [r.index for r in dask] == list(range(len(jobs) + 2))  # every job recorded once
    assert comparable(dask[:len(jobs)]) == comparable(one)
    assert len({r.worker for r in dask}) >= 2
    failed, crashed = dask[len(jobs):]
    assert failed.status == "failed" and failed.error == "ValueError: x = 2 is the bad one"
    assert crashed.status == "ok" and crashed.result == {"double": 6, "attempted_before": True}
    assert (tmp_path / "died").exists()
    # the cache the cluster's results filled resumes in this process
    again = run_jobs(jobs, progress=False, cache_dir=tmp_path / "cache")
    assert all(r.cached for r in again) and comparable(again) == comparable(one)


def test_the_cli_on_a_running_scheduler(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text('[sweep]\nname = "remote"\ncommand = "predict type1"\n'
                    '[grid]\nn_c = [2, 3]\nlam = ["1/100", "1/1000"]\n[fixed]\ns_c = 2\nL = 3\n')
    # threads in this process: the backend under test is the client side (the worker processes are above)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        status = main(["sweep", str(grid), "--out", str(tmp_path / "out"), "--scheduler", cluster.scheduler_address,
                       "--json", "--no-progress"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 0 and summary["jobs"] == 4 and summary["ok"] == 4 and summary["cached"] == 0
    status = main(["sweep", str(grid), "--out", str(tmp_path / "out"), "--json", "--no-progress"])
    assert status == 0 and json.loads(capsys.readouterr().out)["cached"] == 4  # resumed without the cluster
