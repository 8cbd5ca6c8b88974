"""The setting flags are declared once (fctheory/cli/_setting_flags.py) and read into a Problem."""

import argparse
import json

import numpy as np
import pytest

from fctheory import Problem, Setting
from fctheory.cli import _setting_flags as flags
from fctheory.cli.main import build_parser, main
from fctheory.latent import named_code

SETTING_OPTIONS = {"--n-c", "--s-c", "--L", "--K", "--d", "--lam", "--mu", "--latent-file", "--code"}


def _subcommand_parsers():
    def children(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action.choices
        return {}

    out = {}
    for name, sub in children(build_parser()).items():
        nested = children(sub)
        if nested:
            out.update({f"{name} {n}": p for n, p in nested.items()})
        else:
            out[name] = sub
    return out


def _setting_actions(parser):
    return {opt: a for a in parser._actions for opt in a.option_strings if opt in SETTING_OPTIONS}


def test_every_subcommand_declares_the_same_flags_the_same_way():
    parsers = _subcommand_parsers()
    users = {name: _setting_actions(p) for name, p in parsers.items()}
    assert {n for n, a in users.items() if a} >= {"predict", "certify", "check", "latent check", "measure"}
    seen = {}
    for name, actions in users.items():
        for opt, action in actions.items():
            # one dest, one type and one description per flag (the default part of the help may differ)
            key = (action.dest, action.type, action.help.split(" (")[0])
            seen.setdefault(opt, {})[name] = key
    for opt, by_command in seen.items():
        assert len(set(by_command.values())) == 1, (opt, by_command)
    assert {"predict", "certify", "latent check", "measure"} <= set(seen["--code"])
    assert {"predict", "certify", "latent check", "measure"} <= set(seen["--latent-file"])


def test_predict_defaults_are_the_paper_setting():
    from fctheory.operations import PredictSpec

    args = _subcommand_parsers()["predict"].parse_args(["type1"])
    assert PredictSpec.from_params("type1", flags.params_from_flags(args, flags.SettingFlags())).setting == Setting.paper()
    assert not hasattr(__import__("fctheory.cli.predict", fromlist=["x"]), "PAPER")


def test_paper_defaults_follow_setting_paper(monkeypatch):
    original = Setting.paper.__func__

    def paper(cls, **changes):
        return original(cls, **{"s_c": 7, **changes})

    monkeypatch.setattr(Setting, "paper", classmethod(paper))
    args = _subcommand_parsers()["predict"].parse_args(["type1"])
    assert args.s_c == 7


def _write_parity(tmp_path, q=3, L=4):
    path = tmp_path / "parity.txt"
    np.savetxt(path, named_code(f"parity:{q}:{L}").codewords(), fmt="%d")
    return path


def test_K_is_the_latent_files_size(tmp_path, capsys):
    path = _write_parity(tmp_path)
    assert main(["predict", "type1", "--latent-file", str(path), "--n-c", "3", "--L", "4", "--s-c", "2", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["setting"]["K"] == 27 and data["sphere_sizes"]["exact"] is True
    assert "lemma B holds" in captured.err
    # --K equal to the set's size is accepted; another K is an error naming --K
    assert main(["predict", "type1", "--latent-file", str(path), "--n-c", "3", "--L", "4", "--K", "27"]) == 0
    capsys.readouterr()
    assert main(["predict", "type1", "--latent-file", str(path), "--n-c", "3", "--L", "4", "--K", "30"]) == 2
    assert "--K must be the number of latent variables of file" in capsys.readouterr().err


def test_flags_become_the_operations_problem(tmp_path):
    from fctheory.operations import resolve_setting

    path = _write_parity(tmp_path, 2, 3)
    spec = flags.SettingFlags(latent=True, K_random=True)
    parser = argparse.ArgumentParser()
    flags.add_setting_flags(parser, spec)
    base = ["--n-c", "2", "--s-c", "2", "--L", "3", "--lam", "1/10"]
    p = resolve_setting(flags.params_from_flags(parser.parse_args(base + ["--latent-file", str(path)]), spec)).problem
    assert isinstance(p, Problem) and p.K == 4 and p.source.kind == "file" and p.lam == Setting.paper(lam="1/10").lam
    p = resolve_setting(flags.params_from_flags(parser.parse_args(base + ["--K", "5", "--seed", "2"]), spec)).problem
    assert p.K == 5 and p.source.describe() == "random K=5 seed=2"
    p = resolve_setting(flags.params_from_flags(parser.parse_args(base), spec)).problem
    assert p.is_full and p.source.kind == "full"
    p = resolve_setting(flags.params_from_flags(parser.parse_args(base + ["--code", "repetition:2:3"]), spec)).problem
    assert p.K == 2 and p.source.describe() == "code repetition:2:3"


@pytest.mark.parametrize("argv", [
    ["predict", "type1", "--n-c", "3", "--L", "4"],                      # default K: the full set 3**4
    ["predict", "type1", "--n-c", "3", "--L", "4", "--K", "500"],
    ["certify", "--n-c", "3", "--s-c", "1", "--L", "4", "--lam", "0.05"],
    ["latent", "check", "--n-c", "3", "--L", "4"],
    ["measure", "missing.npz", "--n-c", "3", "--s-c", "2", "--L", "4"],
])
def test_a_bad_code_name_is_reported_first(argv, capsys):
    assert main(argv + ["--code", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --code") and "nonsense" in err and "K must" not in err and err.count("\n") == 1


def test_code_of_another_shape_names_the_flags(capsys):
    assert main(["predict", "type1", "--n-c", "2", "--L", "4", "--code", "ternary-hamming"]) == 2
    err = capsys.readouterr().err
    assert "--code must be a code over n_c = 2 symbols of length L = 4 (--n-c 3 --L 4 for ternary-hamming)" in err


def test_integer_flags_have_one_type(capsys):
    assert main(["predict", "type1", "--n-c", "2.5"]) == 2
    assert "--n-c: invalid integer value" in capsys.readouterr().err
    assert main(["latent", "check", "--n-c", "x", "--L", "3"]) == 2
    assert "--n-c: invalid integer value" in capsys.readouterr().err


def test_K_full_with_a_latent_set(tmp_path, capsys):
    from fctheory.latent import full_latent_set

    path = tmp_path / "full.txt"
    np.savetxt(path, full_latent_set(2, 3), fmt="%d")
    assert main(["predict", "type1", "--latent-file", str(path), "--n-c", "2", "--L", "3", "--s-c", "2", "--K", "full",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["setting"]["K"] == 8
    assert main(["predict", "type1", "--code", "parity:2:3", "--n-c", "2", "--L", "3", "--K", "full"]) == 2
    assert "got 'full = 8'" in capsys.readouterr().err
