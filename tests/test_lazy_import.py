"""The top-level package loads its re-exports lazily (PEP 562): cheap imports, same names."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

import fctheory

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _loaded_after(code: str) -> list[str]:
    """The heavy modules in sys.modules after running ``code`` in a fresh interpreter."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(m for m in ('sympy', 'cvxpy', 'scipy', 'matplotlib', " \
                   "'fctheory.symbolic', 'fctheory.certify', 'fctheory.predict') if m in sys.modules)))"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_predict_type1_loads_neither_sympy_nor_cvxpy():
    loaded = _loaded_after("import fctheory\nfctheory.predict_type1")
    assert "fctheory.predict" in loaded
    assert not {"sympy", "cvxpy", "fctheory.symbolic", "fctheory.certify"} & set(loaded)


def test_bare_import_loads_no_subpackage():
    assert _loaded_after("import fctheory\nfctheory.__version__") == []


def test_cli_predict_type1_loads_no_heavy_module():
    # theorem 1 needs mpmath and numpy only: scipy (the type-III presolve), sympy, cvxpy and
    # matplotlib are imported where they are used, never on this path
    code = ("import contextlib, io\nfrom fctheory.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['predict', 'type1']) == 0")
    loaded = _loaded_after(code)
    assert "fctheory.predict" in loaded
    assert not {"sympy", "cvxpy", "scipy", "matplotlib", "fctheory.symbolic", "fctheory.certify"} & set(loaded)


def test_every_name_of_all_resolves_and_dir_lists_it():
    for name in fctheory.__all__:
        assert getattr(fctheory, name) is not None
    assert set(fctheory.__all__) <= set(dir(fctheory))
    assert fctheory.Setting is fctheory.setting.Setting and fctheory.exact_risk is fctheory.risk.exact_risk


def test_star_import_and_unknown_name():
    namespace = {}
    exec("from fctheory import *", namespace)
    assert {n for n in namespace if not n.startswith("__")} == set(fctheory.__all__) - {"__version__"}
    with pytest.raises(AttributeError, match="no_such_name"):
        fctheory.no_such_name  # noqa: B018


def test_version_imports_no_subcommand():
    code = ("import contextlib, io\nfrom fctheory.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try:\n        main(['--version'])\n    except SystemExit as exc:\n        assert exc.code == 0\n"
            "assert out.getvalue().startswith('fctheory ')\n"
            "assert not [m for m in sys.modules if m.startswith('fctheory.cli.') and m != 'fctheory.cli.main']")
    assert _loaded_after("import sys\n" + code) == []


def test_help_lists_every_subcommand(capsys):
    from fctheory.cli.main import SUBCOMMANDS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in SUBCOMMANDS)


def test_public_modules_are_attributes():
    code = "import fctheory\nassert fctheory.setting.Setting is fctheory.Setting and fctheory.latent.named_code"
    assert _loaded_after(code) == []
