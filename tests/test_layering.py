"""The import rules of the package, checked on the source (AST), not by review.

Every ``import`` statement of ``fctheory/**.py`` (module level and inside functions) is resolved to
an absolute module and checked against these rules (docs/architecture.md, "Import rules"):

1. ``predict``, ``symbolic`` and ``latent`` import none of the higher layers (risk, train, certify,
   report, empirical, reproduce, sweep, study, cli); ``configurations`` imports none of risk, train,
   certify, report (nor the layers above them).
2. No module imports a private name of another subpackage: neither a private module
   (``from ..risk._sentences import x``, ``import fctheory.risk._checks``) nor a private symbol
   (``from ..latent import _x``).  Inside one subpackage private modules are the point.  The shared
   base modules ``fctheory._precision``, ``fctheory._version``, ``fctheory._files``, ``fctheory._validate``, ``fctheory.errors``,
   ``fctheory.setting`` and ``fctheory.problem`` may be imported from anywhere, but only their
   public names; they import only each other and ``latent`` (a problem materialises its latent set).
3. Nothing imports ``fctheory.cli`` except ``fctheory/__main__.py`` (and the CLI itself).
4. Library code does not import the top-level package (``import fctheory``, ``from fctheory import
   x``, ``from .. import __version__``): it imports the subpackage or base module it needs
   (``from .. import predict`` is a subpackage import and fine).  Only ``fctheory/__init__.py``
   (the lazy re-exports) is exempt.

A violation is reported as ``path:line: rule: the import``.
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fctheory"

#: Modules importable from anywhere (public names only).
BASE_MODULES = frozenset({"_precision", "_version", "_files", "_validate", "errors", "setting", "problem"})

HIGH_LAYERS = ("risk", "train", "certify", "report", "empirical", "reproduce", "sweep", "study", "cli")
FORBIDDEN = {
    "predict": HIGH_LAYERS,
    "symbolic": HIGH_LAYERS,
    "latent": HIGH_LAYERS,
    "configurations": HIGH_LAYERS,
}

#: Violations that remain in files owned elsewhere, one entry per file:line, to be emptied when
#: those files are changed (each entry is checked to still be a violation, so the list cannot go
#: stale silently).
ALLOWED: set[str] = set()  # file:line of tolerated violations (none today)


def _module_name(rel: str) -> list[str]:
    parts = list(pathlib.PurePosixPath(rel).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return parts


def _resolve(rel: str, node: ast.ImportFrom) -> list[str]:
    """Absolute dotted parts of the module of a ``from ... import`` statement."""
    if node.level == 0:
        return (node.module or "").split(".")
    package = _module_name(rel)
    if not rel.endswith("/__init__.py"):
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return base + (node.module.split(".") if node.module else [])


def _imports(rel: str, source: str):
    """``(line, target parts, imported names or None, text)`` for each fctheory import of a file."""
    tree = ast.parse(source, rel)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "fctheory":
                    yield node.lineno, parts, None, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            parts = _resolve(rel, node)
            if parts and parts[0] == "fctheory":
                names = [a.name for a in node.names]
                yield node.lineno, parts, names, f"from {'.' * node.level}{node.module or ''} import {', '.join(names)}"


def _is_subpackage_or_base(name: str) -> bool:
    return (PACKAGE / name / "__init__.py").exists() or name in BASE_MODULES or (PACKAGE / f"{name}.py").exists()


def violations_of(rel: str, source: str) -> list[str]:
    """The rule violations of the file ``rel`` (path from the repository root) with text ``source``."""
    here = _module_name(rel)
    own = here[1] if len(here) > 1 else None  # the subpackage (or base module) of this file
    if rel == "fctheory/__init__.py":
        return []
    found = []
    for line, parts, names, text in _imports(rel, source):
        where = f"{rel}:{line}"
        targets = [parts + [n] for n in names] if names else [parts]
        if len(parts) == 1:  # from fctheory import x / from .. import x / import fctheory
            if names is None:
                found.append(f"{where}: top-level package imported: {text}")
                continue
            bad = [n for n in names if not _is_subpackage_or_base(n)]
            if bad:
                found.append(f"{where}: top-level package imported for {', '.join(bad)}: {text}")
            targets = [parts + [n] for n in names if _is_subpackage_or_base(n)]
        for target in targets:
            sub = target[1] if len(target) > 1 else None
            if sub is None or sub == own:
                continue
            if sub == "cli" and rel != "fctheory/__main__.py":
                found.append(f"{where}: fctheory.cli imported outside fctheory/__main__.py: {text}")
            if own in BASE_MODULES and sub not in BASE_MODULES | {"latent"}:
                found.append(f"{where}: base module {own} imports only base modules and latent: {text}")
            if own in FORBIDDEN and sub in FORBIDDEN[own]:
                found.append(f"{where}: {own} must not import {sub}: {text}")
            private = [p for p in target[2:] if p.startswith("_") and not p.startswith("__")]
            if sub not in BASE_MODULES and (private or (sub.startswith("_") and sub not in BASE_MODULES)):
                found.append(f"{where}: private name of fctheory.{sub} imported: {text}")
            elif sub in BASE_MODULES and private:
                found.append(f"{where}: private name of base module fctheory.{sub} imported: {text}")
    return sorted(set(found))


def all_violations() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        out.extend(violations_of(path.relative_to(ROOT).as_posix(), path.read_text()))
    return out


def _location(violation: str) -> str:
    return violation.split(": ", 1)[0]


def test_import_rules():
    bad = [v for v in all_violations() if _location(v) not in ALLOWED]
    assert not bad, "imports against the rules of tests/test_layering.py:\n" + "\n".join(bad)


def test_allow_list_is_current():
    locations = {_location(v) for v in all_violations()}
    stale = sorted(ALLOWED - locations)
    assert not stale, "allow-listed imports that are no longer violations (remove them):\n" + "\n".join(stale)


def test_rules_catch_each_kind():
    # the checker itself: one made-up file per rule
    cases = {
        "fctheory/predict/_zz_layer.py": ("from ..risk import exact_risk\n", "predict must not import risk"),
        "fctheory/latent/_zz_layer.py": ("def f():\n    from ..cli import main\n", "fctheory.cli imported"),
        "fctheory/certify/_zz_layer.py": ("from ..risk._sentences import sentences_of\n", "private name of fctheory.risk"),
        "fctheory/train/_zz_layer.py": ("from ..latent import _arrays\n", "private name of fctheory.latent"),
        "fctheory/risk/_zz_layer.py": ("from .. import __version__\n", "top-level package imported"),
        "fctheory/symbolic/_zz_layer.py": ("import fctheory.report\n", "symbolic must not import report"),
        "fctheory/report/_zz_layer.py": ("from .._precision import _format_decimal\n", "private name of base module"),
        "fctheory/setting.py": ("from .predict import SphereSizes\n", "base module setting imports only"),
    }
    for rel, (source, message) in cases.items():
        found = violations_of(rel, source)
        assert any(message in v and v.startswith(rel + ":") for v in found), (rel, found)
    ok = violations_of("fctheory/risk/_zz_layer.py",
                       "from .. import predict\nfrom .._precision import check_dps\nfrom ._api import exact_risk\n")
    assert ok == []
