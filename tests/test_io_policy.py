"""Files are read and written in one place: ``fctheory/_io.py`` (docs/security.md, docs/json.md).

The source of ``fctheory/`` is scanned (AST: calls and imports, also inside functions) for the
calls that bypass its policies:

* ``json.dump`` / ``json.dumps`` -- standard JSON only, NaN and infinities written ``null``
  (``fctheory._io.dumps_json`` / ``write_json``; ``canonical_json`` for hashed text);
* ``.savefig`` -- one figure style and dpi, written atomically (``fctheory._io.save_figure``);
* ``os.replace`` -- atomic writes with their temporaries cleaned (``fctheory._io.atomic_path``);
* ``np.load`` / ``numpy.load`` -- no pickles, shapes checked before allocation (``fctheory._io.load_numpy``).

:data:`ALLOWED` may name at most one more file per call, each with the reason; today it names none.
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fctheory"
IO_MODULE = "fctheory/_io.py"

#: The forbidden calls: (module alias names, attribute) -> what to use instead.
FORBIDDEN = {
    ("json", "dump"): "fctheory._io.write_json",
    ("json", "dumps"): "fctheory._io.dumps_json / canonical_json",
    ("os", "replace"): "fctheory._io.atomic_path / atomic_write_*",
    ("np", "load"): "fctheory._io.load_numpy / load_npz / load_npy",
    ("numpy", "load"): "fctheory._io.load_numpy / load_npz / load_npy",
    (None, "savefig"): "fctheory._io.save_figure",
}
#: At most one file besides fctheory/_io.py per forbidden call, with the reason.  None today.
ALLOWED: dict[str, tuple[str, str]] = {}


def _alias_map(tree: ast.AST) -> dict[str, str]:
    """Local names bound to the modules json, os, numpy (``import numpy as np``)."""
    names = {"json": "json", "os": "os", "np": "numpy", "numpy": "numpy"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("json", "os", "numpy"):
                    names[alias.asname or alias.name] = alias.name
    return names


def violations_of(rel: str, source: str) -> list[str]:
    """``path:line: call (use ...)`` for every forbidden call or import in one file."""
    if rel == IO_MODULE:
        return []
    tree = ast.parse(source, rel)
    aliases = _alias_map(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("json", "os", "numpy"):
            for alias in node.names:
                key = ("np" if node.module == "numpy" else node.module, alias.name)
                if key in FORBIDDEN:
                    found.append(f"{rel}:{node.lineno}: from {node.module} import {alias.name} "
                                 f"(use {FORBIDDEN[key]})")
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr = node.func.attr
        if attr == "savefig":
            found.append(f"{rel}:{node.lineno}: .savefig( (use {FORBIDDEN[(None, 'savefig')]})")
            continue
        owner = node.func.value
        if isinstance(owner, ast.Name):
            module = aliases.get(owner.id)
            key = ("np" if module == "numpy" else module, attr)
            if key in FORBIDDEN:
                found.append(f"{rel}:{node.lineno}: {owner.id}.{attr}( (use {FORBIDDEN[key]})")
    return [v for v in found if _allowed(v) is False]


def _allowed(violation: str):
    rel = violation.split(":", 1)[0]
    call = violation.split(": ", 1)[1].split(" (use", 1)[0]
    entry = ALLOWED.get(call)
    return entry is not None and entry[0] == rel


def all_violations() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        out.extend(violations_of(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return out


def test_files_are_read_and_written_only_through_fctheory_io():
    bad = all_violations()
    assert not bad, "file I/O outside fctheory/_io.py:\n" + "\n".join(bad)


def test_at_most_one_extra_file_per_call_each_with_a_reason():
    assert set(ALLOWED) <= set(FORBIDDEN) and len({rel for rel, _ in ALLOWED.values()}) <= 2  # + _io.py: 3
    for call, (rel, reason) in ALLOWED.items():
        assert (ROOT / rel).is_file() and reason.strip(), call


def test_the_scan_catches_each_call():
    cases = {
        "import json\njson.dumps({})\n": "json.dumps(",
        "import json as j\nj.dump({}, fh)\n": "j.dump(",
        "import numpy as np\nnp.load('x.npy')\n": "np.load(",
        "import numpy\nnumpy.load('x.npy')\n": "numpy.load(",
        "import os\ndef f():\n    os.replace('a', 'b')\n": "os.replace(",
        "def f(fig):\n    fig.savefig('x.png')\n": ".savefig(",
        "from json import dumps\n": "from json import dumps",
        "from numpy import load\n": "from numpy import load",
    }
    for source, needle in cases.items():
        found = violations_of("fctheory/report/_zz.py", source)
        assert any(needle in v for v in found), (source, found)
    assert violations_of(IO_MODULE, "import json\njson.dumps({})\n") == []
    assert violations_of("fctheory/report/_zz.py", "import json\njson.loads('{}')\n") == []
