"""The CLI's one JSON printer: standard JSON only (finding 16 of issue 12)."""

import io
import json
import math

import pytest

from fctheory.cli._output import non_finite_path, print_json
from fctheory.errors import VerificationError


def test_print_json_writes_one_standard_document():
    out = io.StringIO()
    print_json({"a": 1.5, "b": ["x", 2]}, stream=out)
    assert out.getvalue().endswith("\n") and json.loads(out.getvalue()) == {"a": 1.5, "b": ["x", 2]}


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_value_is_an_error_naming_its_path(bad):
    out = io.StringIO()
    with pytest.raises(VerificationError, match=r"\$\.results\[1\]\.x"):
        print_json({"results": [{"x": 1.0}, {"x": bad}]}, stream=out)
    assert out.getvalue() == ""
    assert non_finite_path({"a": [1.0, {"b": 2.0}]}) is None
