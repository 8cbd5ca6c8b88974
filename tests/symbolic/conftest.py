"""Build and verify every derivation once per test session (about 15 s in all)."""

import pytest

from fctheory.symbolic import DERIVATIONS


@pytest.fixture(scope="session")
def verified():
    """``{name: (Derivation, Verification)}`` with the default ``verify()`` arguments."""
    out = {}
    for name, build in DERIVATIONS.items():
        derivation = build()
        out[name] = (derivation, derivation.verify())
    return out
