"""The problem object: a Setting with its validated latent set."""

import pickle

import numpy as np
import pytest

from fctheory import InvalidInput, InvalidLatentSet, InvalidSetting, LatentSource, Problem, Setting, as_problem
from fctheory.latent import full_latent_set, random_latent_set


def test_full_set_default():
    p = Problem(Setting(3, 2, 3, "1/100"))
    assert p.K == 27 and p.source.kind == "full"
    assert np.array_equal(p.latent, full_latent_set(3, 3))
    assert not p.latent.flags.writeable


def test_full_requires_full_K():
    with pytest.raises(InvalidLatentSet, match="full set"):
        Problem(Setting(3, 2, 3, "1/100", K=5))


def test_random_matches_random_latent_set():
    s = Setting(3, 2, 4, "1/100", K=12)
    p = Problem(s, "random", seed=3)
    assert np.array_equal(p.latent, random_latent_set(3, 4, 12, seed=3))
    assert p == Problem(s, random_latent_set(3, 4, 12, seed=3))  # identity is the rows, not the source
    assert p != Problem(s, "random", seed=4)
    assert hash(p) == hash(Problem(s, LatentSource.random(seed=3)))


def test_sized_by_set_takes_K_from_file(tmp_path):
    path = tmp_path / "parity.txt"
    path.write_text("0 0 0\n0 1 1\n1 0 1\n1 1 0\n")
    p = Problem.sized_by_set(Setting(2, 2, 3, "1/100"), LatentSource.file(path))
    assert p.K == 4 and p.source.kind == "file" and p.to_dict()["latent"]["path"] == str(path)
    with pytest.raises(InvalidLatentSet, match="K = setting.K = 8"):
        Problem(Setting(2, 2, 3, "1/100"), LatentSource.file(path))


def test_code_source():
    p = Problem.sized_by_set(Setting(3, 2, 4, "1/100"), LatentSource.code("ternary-hamming"))
    assert p.K == 9 and p.source.describe() == "code ternary-hamming"
    with pytest.raises(InvalidLatentSet, match="code over n_c = 2"):
        Problem.sized_by_set(Setting(2, 2, 4, "1/100"), LatentSource.code("ternary-hamming"))


def test_bad_inputs_are_typed():
    s = Setting(2, 2, 3, "1/100")
    with pytest.raises(InvalidInput, match="seed"):
        Problem(s, None, seed=1)
    with pytest.raises(InvalidInput, match="latent"):
        Problem(s, "nosuch")
    with pytest.raises(InvalidInput, match="setting"):
        Problem("not a setting")
    with pytest.raises(InvalidLatentSet):
        Problem(s, [[0, 0, 2]] * 8)
    with pytest.raises(InvalidInput, match="seed"):
        LatentSource.random(seed=-1)


def test_replace_and_pickle():
    s = Setting(3, 2, 4, "1/100", K=12)
    p = Problem(s, "random", seed=1)
    q = p.replace(lam="1/10")
    assert np.array_equal(q.latent, p.latent) and q.lam == s.replace(lam="1/10").lam and q.source == p.source
    r = p.replace(K=20)
    assert r.K == 20 and r.source.seed == 1
    assert pickle.loads(pickle.dumps(p)) == p and pickle.loads(pickle.dumps(s)) == s
    with pytest.raises(InvalidInput, match="fixed rows"):
        Problem(s, random_latent_set(3, 4, 12, seed=1)).replace(K=20)


def test_as_problem_adapts_old_call_forms():
    s = Setting(2, 2, 3, "1/100")
    p = Problem(s)
    assert as_problem(p) is p
    assert as_problem(s) == p
    with pytest.raises(InvalidInput, match="latent"):
        as_problem(p, full_latent_set(2, 3))
    with pytest.raises(InvalidInput):
        as_problem(3)


def test_to_dict_is_json():
    import json

    p = Problem(Setting(3, 2, 3, "1/100", K=5), "random", seed=0)
    data = json.loads(json.dumps(p.to_dict()))
    assert data["latent"] == {"kind": "random", "K": 5, "seed": 0, "digest": p.digest}
    assert data["setting"]["K"] == 5
