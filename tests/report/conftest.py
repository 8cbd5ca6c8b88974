"""Make the helper modules next to these tests importable (pytest runs with
``--import-mode=importlib``, which does not put test directories on sys.path)."""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


import pytest  # noqa: E402


@pytest.fixture
def fixed_code_fingerprint(monkeypatch):
    """Pin the source-code part of the cache key: other files of the package
    may change while a test runs, which would (correctly) invalidate the cache."""
    import fctheory.report._runner as runner

    monkeypatch.setattr(runner, "code_fingerprint", lambda: "pinned-for-tests")
