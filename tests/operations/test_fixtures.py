"""The numbers every command printed before the operation layer, unchanged (1e-12 relative), and the
same ``to_dict()`` from the CLI, a one-row grid and the Python API.

The fixtures were recorded with the CLI before the layer existed (``fctheory predict ... --json`` etc.);
keys may be added, renames are listed in docs/json.md's change list (``RENAMED``).
"""

from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from fctheory.cli.main import main
from fctheory.operations import run_params
from fctheory.registry import job_kinds
from fctheory.sweep import parse_grid, run_grid

FIXTURES = Path(__file__).parent / "fixtures"
#: Renamed keys (docs/json.md, "Changes"): old -> new.
RENAMED = {"status": "solver_status"}
#: Wall-clock measurements, not results.
TIMINGS = {"wall_time", "solve_time", "seconds", "train_seconds"}

CASES = {
    "predict_type1_paper": ("predict type1", {}, ["predict", "type1"]),
    "predict_type1_code": ("predict type1", {"n_c": 3, "s_c": 2, "L": 4, "lam": "1/100", "code": "ternary-hamming"},
                           ["predict", "type1", "--n-c", "3", "--s-c", "2", "--L", "4", "--lam", "1/100", "--code",
                            "ternary-hamming"]),
    "predict_type2_full": ("predict type2", {"n_c": 3, "s_c": 2, "L": 3, "lam": "1/100", "K": "full"},
                           ["predict", "type2", "--n-c", "3", "--s-c", "2", "--L", "3", "--lam", "1/100", "--K", "full"]),
    "predict_type3_zipf": ("predict type3", {"n_c": 3, "s_c": 4, "L": 4, "lam": "0.001", "mu": "zipf"},
                           ["predict", "type3", "--n-c", "3", "--s-c", "4", "--L", "4", "--lam", "0.001", "--mu", "zipf"]),
    "predict_threshold_full": ("predict threshold", {"n_c": 3, "s_c": 2, "L": 3, "K": "full"},
                               ["predict", "threshold", "--n-c", "3", "--s-c", "2", "--L", "3", "--K", "full"]),
    "predict_threshold_zipf": ("predict threshold", {"n_c": 2, "s_c": 3, "L": 3, "K": "full", "mu": "zipf"},
                               ["predict", "threshold", "--n-c", "2", "--s-c", "3", "--L", "3", "--K", "full", "--mu",
                                "zipf"]),
    "certify_zipf": ("certify", {"n_c": 2, "s_c": 2, "L": 3, "lam": "0.05", "mu": "zipf"},
                     ["certify", "--n-c", "2", "--s-c", "2", "--L", "3", "--lam", "0.05", "--mu", "zipf"]),
    "certify_random": ("certify", {"n_c": 3, "s_c": 2, "L": 3, "K": 12, "seed": 1, "lam": "0.01"},
                       ["certify", "--n-c", "3", "--s-c", "2", "--L", "3", "--K", "12", "--seed", "1", "--lam", "0.01"]),
    "latent_check_code": (None, None, ["latent", "check", "--n-c", "3", "--L", "4", "--code", "ternary-hamming"]),
    "latent_check_random": (None, None, ["latent", "check", "--n-c", "3", "--L", "4", "--K", "20", "--seed", "3"]),
    "check_332": (None, None, ["check", "--n-c", "3", "--s-c", "2", "--L", "3"]),
}


def _number(x):
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    if isinstance(x, str):
        try:
            return float(x)
        except ValueError:
            return None
    return None


def assert_agree(before, after, path="$", rel=1e-12):
    """``after`` holds every key of ``before`` (renames applied) with values equal to ``rel``."""
    if isinstance(before, dict):
        assert isinstance(after, dict), path
        for key, value in before.items():
            if key in TIMINGS:
                continue
            new = RENAMED.get(key, key) if key not in after else key
            assert new in after, f"{path}.{key} missing"
            assert_agree(value, after[new], f"{path}.{key}", rel)
        return
    if isinstance(before, list):
        assert isinstance(after, list) and len(after) == len(before), path
        for i, (u, v) in enumerate(zip(before, after)):
            assert_agree(u, v, f"{path}[{i}]", rel)
        return
    a, b = _number(before), _number(after)
    if a is not None and b is not None and not (isinstance(before, str) and isinstance(after, str) and before == after):
        assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-300), f"{path}: {before!r} != {after!r}"
        return
    assert before == after, f"{path}: {before!r} != {after!r}"


def _cli(argv) -> dict:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(argv + ["--json"]) in (0, 1)
    return json.loads(buffer.getvalue())


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_numbers_unchanged(name):
    before = json.loads((FIXTURES / f"{name}.json").read_text())
    _, _, argv = CASES[name]
    assert_agree(before, _cli(argv))


@pytest.mark.parametrize("name", [n for n, (op, _, _) in sorted(CASES.items()) if op is not None])
def test_cli_grid_and_api_give_the_same_dict(name, tmp_path):
    operation, params, argv = CASES[name]
    api = json.loads(json.dumps(run_params(operation, params)))
    cli = _cli(argv)
    grid = parse_grid({"sweep": {"command": operation}, "fixed": params or {"dps": 30}}, job_kinds())
    row = run_grid(grid, tmp_path / "sweep", progress=False).results[0]
    assert row.ok, row.error
    for other in (cli, row.result):
        assert_agree(api, other, rel=1e-12 if operation.startswith("predict") else 1e-6)


def test_a_mutated_number_is_caught():
    before = json.loads((FIXTURES / "predict_type1_paper.json").read_text())
    after = json.loads(json.dumps(before))
    after["risk"] = str(float(after["risk"]) * (1 + 1e-10))
    with pytest.raises(AssertionError):
        assert_agree(before, after)
