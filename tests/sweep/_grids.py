"""The small grid every backend runs in the tests (shared by test_runner and test_dask)."""


from sweep_testjobs import KINDS, job  # noqa: E402
from fctheory.sweep import load_grid as _load_grid, parse_grid as _parse_grid  # noqa: E402


def parse_grid_k(data, **kw):
    return _parse_grid(data, KINDS, **kw)


def load_grid_k(path, **kw):
    return _load_grid(path, KINDS, **kw)


#: Keys whose values are timings (they differ between runs by nature).
TIMING_KEYS = {"train_seconds"}


def small_jobs():
    """Twelve jobs: test functions (one drawing from the global RNG), theorem 1, and tiny trainings."""
    jobs = [job("sweep_testjobs:double", {"x": x}) for x in range(4)]
    jobs += [job("predict type1", {"n_c": n_c, "s_c": 2, "L": 2, "lam": "1/100"}) for n_c in (2, 3)]
    jobs += [job("predict threshold", {"n_c": 2, "s_c": 2, "L": 2, "lam": "1/100", "mu": "zipf"})]
    jobs += [job("train", {"n_c": 2, "s_c": 2, "L": 2, "d": 3, "lam": lam, "seed": seed})
             for lam in ("1/100", "1/10") for seed in (0, 1)]
    jobs += [job("train", {"n_c": 2, "s_c": 2, "L": 3, "K": 5, "d": 4, "lam": "1/100", "seed": 3})]
    return jobs


def comparable(results):
    """What must be equal on every backend: status and result without timings, per job."""
    out = []
    for r in results:
        result = None if r.result is None else {k: v for k, v in r.result.items() if k not in TIMING_KEYS}
        out.append((r.index, r.job, r.status, result, r.error))
    return out
