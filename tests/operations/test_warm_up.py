"""Each operation's warm-up (fctheory.sweep.JobKind.warm_up): a small job after which the operation's jobs
load nothing more, so that a sweep row's ``seconds`` holds the job's own time, not a process's imports."""

import json
import subprocess
import sys

from fctheory.operations import operation_kinds

SETTING = {"n_c": 3, "s_c": 2, "L": 3, "lam": "1/1000"}
#: A job of each operation that is not its warm-up (another size, another λ).
JOBS = {"latent check": {"n_c": 3, "L": 3}, "predict type1": SETTING, "predict type2": SETTING,
        "predict type3": SETTING, "predict threshold": {**SETTING, "mu": "zipf"}, "predict optimum": SETTING,
        "claim-h": {**SETTING, "mu": "zipf"}, "train": {**SETTING, "d": 4}, "certify": SETTING}

PROBE = """
import json, sys
from fctheory.operations import operation_kinds, run_params
loaded = {}
for name, params in json.loads(sys.argv[1]).items():
    run_params(name, operation_kinds()[name].warm_up)
    before = set(sys.modules)
    run_params(name, params)
    loaded[name] = sorted(set(sys.modules) - before)
print(json.dumps(loaded))
"""


def test_every_operation_with_a_small_job_has_a_warm_up():
    kinds = operation_kinds()
    assert {name for name, kind in kinds.items() if kind.warm_up is None} == {"reproduce"}
    assert set(JOBS) == {name for name, kind in kinds.items() if kind.warm_up is not None}


def test_after_its_warm_up_an_operation_loads_no_module():
    # one fresh process, the lightest operations first (a heavier one's imports cannot hide a lighter one's)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(JOBS)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {name: [] for name in JOBS}
