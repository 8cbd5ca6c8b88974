"""Run the examples in docstrings (they are documentation, so they must stay true)."""

import doctest
import importlib

import pytest

MODULES = [
    "fctheory.setting",
    "fctheory.predict._type1",
    "fctheory.predict._thresholds",
    "fctheory.certify._optimum",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
