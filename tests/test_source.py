"""Every source file compiles without warnings (e.g. invalid escape sequences in docstrings
full of LaTeX, which would silently change the text)."""

import pathlib
import warnings

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.joinpath("fctheory").rglob("*.py"), *ROOT.joinpath("benchmarks").glob("*.py")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiles_without_warnings(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(path.read_text(), str(path), "exec")
