"""Shared test configuration.

Every test must leave mpmath's global precision as it found it: library code
works inside ``mpmath.workdps``/private interval contexts only.
"""

import os

import mpmath
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _global_precision_untouched():
    before = (mpmath.mp.prec, mpmath.iv.prec)
    yield
    after = (mpmath.mp.prec, mpmath.iv.prec)
    assert after == before, f"global mpmath precision changed: {before} -> {after}"
