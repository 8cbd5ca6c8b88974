"""The runner on this process and on local worker processes: equal results, failures
recorded, dead workers replaced, the cache filled atomically and reused."""

import json
import os

import numpy as np
import pytest

from fctheory.errors import InvalidInput
from fctheory.sweep import DistributedNotInstalled, Job, JobKind, iter_jobs, run_jobs

from _grids import comparable, small_jobs

from sweep_testjobs import KINDS, job  # noqa: E402


def test_two_workers_give_the_in_process_results_despite_a_failure_and_a_dead_worker(tmp_path):
    # one pool for the three properties: spawning workers (importing fctheory) is what costs here
    jobs = small_jobs()
    one = run_jobs(jobs, progress=False)
    assert all(r.status == "ok" for r in one), [r.error for r in one if r.error]
    extra = [job("sweep_testjobs:fail_on", {"x": 2, "bad": 2}),
             job("sweep_testjobs:crash_once", {"x": 3, "crash": True, "marker": str(tmp_path / "died")})]
    warmed = [job("sweep_testjobs:first_call_slow", {"x": x}) for x in range(3)]
    two = run_jobs(jobs + warmed + extra, workers=2, progress=False, cache_dir=tmp_path / "cache")
    warmed = two[len(jobs):len(jobs) + 3]
    two = two[:len(jobs)] + two[len(jobs) + 3:]
    # every worker process ran the kind's warm-up before its first job of that kind (untimed, not a row)
    assert all(r.status == "ok" and r.result["calls_before"] >= 1 for r in warmed), [r.result for r in warmed]
    assert [r.index for r in two] == list(range(len(jobs))) + [len(jobs) + 3, len(jobs) + 4]  # each job once
    assert comparable(one) == comparable(two[:len(jobs)])
    assert {r.worker.split(":")[1] for r in two}.isdisjoint({str(os.getpid())})
    assert len({r.worker for r in two}) >= 2
    failed, crashed = two[len(jobs):]
    assert failed.status == "failed" and failed.error == "ValueError: x = 2 is the bad one"
    assert crashed.status == "ok" and crashed.result == {"double": 6, "attempted_before": True}
    assert (tmp_path / "died").exists()
    names = os.listdir(tmp_path / "cache")
    assert not any(n.startswith(".tmp") for n in names)
    assert len([n for n in names if n.endswith(".json")]) == len(jobs) + 4  # the failure is not cached
    draws = [r.result["draw"] for r in one[:4]]
    assert len(set(draws)) == 4  # a different seed per job, the same on every backend


def test_seconds_time_the_job_alone_not_the_first_call_set_up_of_its_process(monkeypatch, tmp_path):
    # a fake clock: the first call of the function in a process costs 100 (imports), every call 1
    import time

    clock, calls = [0.0], []

    def function(params):
        clock[0] += 1.0 + (100.0 if not calls else 0.0)
        calls.append(params)
        return {"x": params.get("x")}

    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    kind = JobKind("first call set-up", function, warm_up={"warm": str(tmp_path)})  # unique: warmed once here
    results = run_jobs([Job(kind, {"x": x}) for x in range(3)], progress=False)
    assert [r.seconds for r in results] == [1.0, 1.0, 1.0]
    assert calls[0] == {"warm": str(tmp_path)} and len(calls) == 4
    rows = run_jobs([Job(kind, {"x": 3})], progress=False)  # this process is warm already: no second warm-up
    assert rows[0].seconds == 1.0 and len(calls) == 5
    with pytest.raises(InvalidInput) as info:
        JobKind("bad warm-up", function, warm_up=[1])
    assert info.value.field == "warm_up"


def test_a_failing_job_is_recorded_and_the_others_go_on(tmp_path):
    jobs = [job("sweep_testjobs:fail_on", {"x": x, "bad": 2}) for x in range(5)]
    results = run_jobs(jobs, progress=False, cache_dir=tmp_path)
    assert [r.status for r in results] == ["ok", "ok", "failed", "ok", "ok"]
    assert results[2].error == "ValueError: x = 2 is the bad one" and results[2].result is None
    assert "sweep_testjobs.py" in results[2].traceback and results[3].traceback is None
    assert results[3].result == {"double": 6}
    # failures are not cached: a second run tries the failed job again, reuses the others
    again = run_jobs(jobs, progress=False, cache_dir=tmp_path)
    assert [r.cached for r in again] == [True, True, False, True, True]


def test_a_job_that_always_kills_its_worker_fails_and_its_pool_mate_does_not():
    jobs = [job("sweep_testjobs:always_crash", {}), job("sweep_testjobs:crash_once", {"x": 1, "sleep": 0.5})]
    results = run_jobs(jobs, workers=2, retries=0, progress=False)
    assert results[0].status == "failed" and results[0].error.startswith("WorkerDied: the worker process died 1 times")
    assert results[1].status == "ok" and results[1].result["double"] == 2


def test_the_cache_is_reused_and_a_partial_entry_is_ignored(tmp_path):
    jobs = [job("sweep_testjobs:double", {"x": x}) for x in range(3)]
    first = run_jobs(jobs, progress=False, cache_dir=tmp_path)
    assert not any(r.cached for r in first)
    # a torn write of job 1 (what a crash without the atomic rename would leave) is not a result
    (tmp_path / f"{first[1].key}.json").write_text('{"format": 1, "key": "')
    second = run_jobs(jobs, progress=False, cache_dir=tmp_path)
    assert [r.cached for r in second] == [True, False, True]
    assert comparable(second) == comparable(first)
    entry = json.loads((tmp_path / f"{first[1].key}.json").read_text())
    assert entry["job"]["params"] == {"x": 1} and entry["result"] == first[1].result
    # another salt (another code version) runs everything again
    assert not any(r.cached for r in run_jobs(jobs, progress=False, cache_dir=tmp_path, salt="other"))


def test_identical_jobs_run_once():
    jobs = [job("sweep_testjobs:double", {"x": 1})] * 3
    results = list(iter_jobs(jobs, progress=False))
    assert sorted(r.index for r in results) == [0, 1, 2]
    assert len({r.worker for r in results}) == 1 and len({r.seconds for r in results}) == 1


def test_arrays_are_stored_beside_the_cache_entry(tmp_path):
    j = job("sweep_testjobs:with_arrays", {"n": 4})
    fresh, = run_jobs([j], progress=False, cache_dir=tmp_path)
    cached, = run_jobs([j], progress=False, cache_dir=tmp_path)
    assert cached.cached and cached.result == {"n": 4}
    np.testing.assert_array_equal(cached.arrays["A"], np.arange(4.0))
    np.testing.assert_array_equal(fresh.arrays["A"], cached.arrays["A"])


def test_trained_weights_travel_back_as_arrays():
    r, = run_jobs([job("train", {"n_c": 2, "s_c": 2, "L": 2, "d": 3, "lam": "1/100"})], progress=False)
    assert r.arrays["W"].shape == (3, 4) and r.arrays["U"].shape == (4, 6)
    assert r.result["converged"] and r.result["collapse_verdict"] == "type I"


@pytest.mark.parametrize("kwargs, field", [({"workers": 0}, "--jobs"), ({"workers": True}, "--jobs"),
                                           ({"scheduler": "nowhere"}, "--scheduler"),
                                           ({"scheduler": "tcp://h:1", "workers": 2}, "--jobs"),
                                           ({"retries": -1}, "retries")])
def test_bad_options(kwargs, field):
    with pytest.raises(InvalidInput) as info:
        run_jobs([job("sweep_testjobs:double", {"x": 1})], progress=False, **kwargs)
    assert info.value.field == field


def test_the_bar_advances_by_estimated_seconds_when_costs_are_given(capsys, tmp_path):
    """With costs the bar's total is their sum, a cached job counts its cost at the start, and the job
    count is shown beside it (one 60 s job and three 1 s jobs: the long one is 95% of the bar)."""
    jobs = [job("sweep_testjobs:double", {"x": x}) for x in range(4)]
    run_jobs(jobs[:1], progress=False, cache_dir=tmp_path)
    run_jobs(jobs, progress=True, cache_dir=tmp_path, costs=[60, 1, 1, 1], desc="costed")
    err = capsys.readouterr().err.replace("\r", "\n").splitlines()
    bars = [line for line in err if line.startswith("costed")]
    assert "95%" in bars[0] and "60/63 estimated s" in bars[0]
    assert "63/63 estimated s" in bars[-1] and "4/4 jobs" in bars[-1]
    for bad, field in (([1, 2], "costs"), ([1, 1, 1, -1], "costs[3]"), ([1, 1, 1, "x"], "costs[3]")):
        with pytest.raises(InvalidInput) as info:
            run_jobs(jobs, progress=False, costs=bad)
        assert info.value.field == field


def test_iter_jobs_checks_its_arguments_when_called():
    with pytest.raises(InvalidInput):
        iter_jobs([job("sweep_testjobs:double", {"x": 1})], workers=-1)


def test_without_distributed_the_scheduler_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(DistributedNotInstalled) as info:
        run_jobs([job("sweep_testjobs:double", {"x": 1})], scheduler="local", progress=False)
    assert "pip install 'fctheory[distributed]'" in str(info.value)


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_an_unreadable_array_file_is_a_miss(tmp_path, damage):
    # a crash elsewhere can leave an empty or truncated .npz beside a complete .json:
    # numpy raises EOFError / BadZipFile, and the entry must read as absent (then recomputed)
    from fctheory.sweep._cache import read_entry, write_entry

    j = job("sweep_testjobs:double", {"a": 1})
    write_entry(str(tmp_path), "k", j, {"result": {"v": 1}, "arrays": {"W": np.arange(50.0)}, "seconds": 0.1})
    assert read_entry(str(tmp_path), "k") is not None
    npz = tmp_path / "k.npz"
    data = npz.read_bytes()
    npz.write_bytes(b"" if damage == "empty" else data[: len(data) // 2])
    assert read_entry(str(tmp_path), "k") is None


def test_jobs_in_threads_of_one_process_do_not_interleave():
    # mpmath's precision is process-wide: two jobs entering and leaving workdps in two threads would
    # leave it changed; execute_job runs one job at a time per process
    import threading

    import mpmath

    from fctheory.sweep._backends import execute_job

    before = mpmath.mp.prec
    function = KINDS["predict type1"].function
    jobs = [(function, {"n_c": n_c, "s_c": 2, "L": 3, "lam": "1/100", "dps": 40 + 10 * n_c}) for n_c in (2, 3)] * 3
    outcomes = []
    threads = [threading.Thread(target=lambda t=t, p=p, i=i: outcomes.append(execute_job(t, p, f"{i:064x}")))
               for i, (t, p) in enumerate(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [o["status"] for o in outcomes] == ["ok"] * len(jobs), [o["error"] for o in outcomes]
    assert mpmath.mp.prec == before
