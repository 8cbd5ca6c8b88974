"""fctheory.sweep runs jobs as plain data and knows nothing of the theory: none of its modules
imports a theory package (the operations live in fctheory.operations, the registry in fctheory.registry)."""

import ast
import pathlib

import pytest

SWEEP = pathlib.Path(__file__).resolve().parents[2] / "fctheory" / "sweep"
THEORY = ("predict", "risk", "train", "certify", "report", "latent", "symbolic", "problem", "setting", "operations",
          "registry", "cli")


def _imported(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if node.level and not node.module:
                yield from (base + alias.name for alias in node.names)
            else:
                yield base


@pytest.mark.parametrize("path", sorted(SWEEP.glob("*.py")), ids=lambda p: p.name)
def test_sweep_imports_no_theory(path):
    for name in _imported(path):
        parts = name.lstrip(".").split(".")
        absolute = name.startswith("fctheory.")
        from_parent = name.startswith("..")
        if absolute or from_parent:
            top = parts[1] if absolute else parts[0]
            assert top not in THEORY, f"{path.name} imports {name}"
