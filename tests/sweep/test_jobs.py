"""Jobs as plain data: validation, identity, cache keys, the registry."""

import pickle

import pytest

from fctheory.errors import InvalidInput
from fctheory.sweep import Job, JobKind, job_kind, job_kinds, kind_for, register_job_kind, resolve_target


def test_a_job_is_plain_data_with_a_content_key():
    a = Job("sweep_testjobs:double", {"x": 1, "nested": {"y": [1, 2.5, "z"]}})
    b = Job("sweep_testjobs:double", {"nested": {"y": [1, 2.5, "z"]}, "x": 1})
    assert a == b and hash(a) == hash(b) and a.cache_key() == b.cache_key()
    assert a.cache_key() != Job("sweep_testjobs:double", {"x": 2, "nested": {"y": [1, 2.5, "z"]}}).cache_key()
    assert a.cache_key("salt") != a.cache_key("other salt")
    assert pickle.loads(pickle.dumps(a)) == a


@pytest.mark.parametrize("params, field", [({"x": object()}, "params.x"), ({"x": float("nan")}, "params.x"),
                                           ({1: 2}, "params"), ({"x": [1, {2: 3}]}, "params.x[1]")])
def test_parameters_must_be_json_data(params, field):
    with pytest.raises(InvalidInput) as info:
        Job("sweep_testjobs:double", params)
    assert info.value.field == field


def test_registered_kinds_and_their_names():
    assert {"predict type1", "predict type2", "predict type3", "predict threshold", "train", "certify"} <= set(job_kinds())
    job = Job("train", {"n_c": 2})
    assert job.kind == "train" and job.target == "fctheory.sweep_commands:train"
    assert pickle.loads(pickle.dumps(job)).kind == "train"
    with pytest.raises(InvalidInput) as info:
        job_kind("predict type9")
    assert info.value.field == "command" and "predict type1" in str(info.value)
    ad_hoc = kind_for("sweep_testjobs:double")
    assert ad_hoc.keys is None and ad_hoc.target == "sweep_testjobs:double"


def test_a_name_is_registered_once_per_target():
    kind = register_job_kind(JobKind("test double", "sweep_testjobs:double"))
    assert register_job_kind(JobKind("test double", "sweep_testjobs:double")) == kind
    with pytest.raises(InvalidInput):
        register_job_kind(JobKind("test double", "sweep_testjobs:fail_on"))


@pytest.mark.parametrize("target", ["no_colon", "sweep_testjobs:", "a b:c", 3])
def test_targets_are_module_colon_function(target):
    with pytest.raises(InvalidInput):
        resolve_target(target)
    with pytest.raises(InvalidInput):
        JobKind("x", target)


def test_a_target_that_is_not_a_function():
    with pytest.raises(InvalidInput):
        resolve_target("sweep_testjobs:HERE_IS_NOTHING")
