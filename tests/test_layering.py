"""The import rules of the package, checked on the source (AST), not by review.

Every ``import`` statement of ``fctheory/**.py`` (module level and inside functions) is resolved to
an absolute module and checked against these rules (docs/architecture.md, "Import rules"):

1. ``predict``, ``symbolic`` and ``latent`` import none of the higher layers (risk, train, certify,
   report, empirical, reproduce, sweep, study, cli); ``configurations`` imports none of risk, train,
   certify, report (nor the layers above them).
2. No module imports a private name of another subpackage: neither a private module
   (``from ..risk._sentences import x``, ``import fctheory.risk._checks``) nor a private symbol
   (``from ..latent import _x``).  Inside one subpackage private modules are the point.  The shared
   base modules ``fctheory._precision``, ``fctheory._version``, ``fctheory._io``, ``fctheory._validate``, ``fctheory.errors``,
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
BASE_MODULES = frozenset({"_precision", "_version", "_io", "_validate", "errors", "setting", "problem"})

HIGH_LAYERS = ("risk", "train", "certify", "report", "empirical", "reproduce", "sweep", "study", "cli")
#: The floors that run the theory: operations (the specs) sit below the front-ends and the registry.
FRONT_ENDS = ("report", "study", "registry", "cli")
FORBIDDEN = {
    "predict": HIGH_LAYERS + ("operations", "registry"),
    "symbolic": HIGH_LAYERS + ("operations", "registry"),
    "latent": HIGH_LAYERS + ("operations", "registry"),
    "configurations": HIGH_LAYERS + ("operations", "registry"),
    "operations": FRONT_ENDS,
    "reproduce": FRONT_ENDS + ("operations",),
    "report": ("registry", "cli", "study"),
    "study": ("registry", "cli", "report"),
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


def _imports_by_floor() -> dict:
    """``floor -> {floors it imports}`` over every import of ``fctheory/**.py`` (inside functions too);
    a floor is a subpackage or a top-level module (``fctheory.registry``, ``fctheory._validate``)."""
    graph: dict[str, set] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        parts = _module_name(rel)
        if len(parts) < 2:
            continue  # fctheory/__init__.py: the lazy re-exports
        own = parts[1]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(rel, node)
                names = [a.name for a in node.names]
                subs = [target[1]] if len(target) > 1 else [n for n in names if _is_subpackage_or_base(n)]
            elif isinstance(node, ast.Import):
                subs = [a.name.split(".")[1] for a in node.names if a.name.startswith("fctheory.")]
            else:
                continue
            graph.setdefault(own, set()).update(s for s in subs if s != own and s not in ("__main__",))
    return graph


def test_no_import_cycle_between_floors():
    graph = _imports_by_floor()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_no_string_names_a_private_module_or_a_function_to_import():
    """Code is never named in strings (``"fctheory.study._samples:samples_job"``, ``importlib`` of the package):
    what runs is imported where it is used, and grids name registered operations."""
    import re

    pattern = re.compile(r"fctheory(\.\w+)*\._[a-z]\w*")
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.search(node.value) \
                    and "\n" not in node.value and not node.value.startswith("fctheory._version"):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
                arg = node.args[0] if node.args else None
                if not (isinstance(arg, ast.Constant) and not str(arg.value).startswith(("fctheory", "."))) \
                        and path.name != "__init__.py" and path.relative_to(ROOT).as_posix() != "fctheory/cli/main.py":
                    # cli/main.py loads the one subcommand module named on the command line (start-up time)
                    found.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}: importlib.import_module")
    assert not found, "\n".join(found)
