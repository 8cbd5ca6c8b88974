"""Jobs as plain data: validation, identity, cache keys; kinds come from the registry, never from a file."""

import os
import pickle

import pytest

from fctheory.errors import InvalidInput
from fctheory.registry import job_kinds, load_grid
from fctheory.sweep import Job, JobKind, lookup_kind, parse_grid

from sweep_testjobs import KINDS, double, job


def test_a_job_is_plain_data_with_a_content_key():
    a = job("sweep_testjobs:double", {"x": 1, "nested": {"y": [1, 2.5, "z"]}})
    b = job("sweep_testjobs:double", {"nested": {"y": [1, 2.5, "z"]}, "x": 1})
    assert a == b and hash(a) == hash(b) and a.cache_key() == b.cache_key()
    assert a.cache_key() != job("sweep_testjobs:double", {"x": 2, "nested": {"y": [1, 2.5, "z"]}}).cache_key()
    assert a.cache_key("salt") != a.cache_key("other salt")
    assert pickle.loads(pickle.dumps(a)) == a


@pytest.mark.parametrize("params, field", [({"x": object()}, "params.x"), ({"x": float("nan")}, "params.x"),
                                           ({1: 2}, "params"), ({"x": [1, {2: 3}]}, "params.x[1]")])
def test_parameters_must_be_json_data(params, field):
    with pytest.raises(InvalidInput) as info:
        job("sweep_testjobs:double", params)
    assert info.value.field == field


def test_the_registry_names_every_operation():
    names = set(job_kinds())
    assert {"predict type1", "predict type2", "predict type3", "predict threshold", "train", "certify", "claim-h",
            "reproduce", "latent check", "validation case", "study symmetry", "study samples"} <= names
    j = Job(job_kinds()["train"], {"n_c": 2})
    assert j.kind == "train" and pickle.loads(pickle.dumps(j)).kind == "train"
    with pytest.raises(InvalidInput) as info:
        lookup_kind(job_kinds(), "predict type9")
    assert info.value.field == "command" and "predict type1" in str(info.value)


def test_a_job_needs_a_kind_object_not_a_name():
    with pytest.raises(InvalidInput):
        Job("train", {})
    with pytest.raises(InvalidInput):
        Job("subprocess:run", {})
    with pytest.raises(InvalidInput):
        JobKind("x", "os:getcwd")  # a string is not a function


@pytest.mark.parametrize("command", ["subprocess:run", "os:getcwd", "os:system", "builtins:dict",
                                     "fctheory.operations:run_params", "sweep_testjobs:double"])
def test_a_grid_cannot_name_a_callable(command, tmp_path):
    marker = tmp_path / "x"
    data = {"sweep": {"command": command}, "fixed": {"touch": 1, str(marker): 1}}
    with pytest.raises(InvalidInput) as info:
        parse_grid(data, job_kinds())
    assert info.value.field == "sweep.command"
    grid = tmp_path / "g.toml"
    grid.write_text(f'[sweep]\ncommand = "{command}"\n[fixed]\n"touch" = 1\n"{marker}" = 1\n')
    with pytest.raises(InvalidInput):
        load_grid(grid)
    assert not marker.exists() and os.listdir(tmp_path) == ["g.toml"]


def test_kinds_pickle_by_reference():
    kind = KINDS["sweep_testjobs:double"]
    assert kind.function is double and pickle.loads(pickle.dumps(kind)).function is double
