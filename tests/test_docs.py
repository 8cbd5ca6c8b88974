"""README.md and docs/**/*.md stay true: their ``>>>`` examples run, every relative link and image
points to a file (and a heading, for an anchor into a page), every repository path and ``fctheory.``
name they cite exists, and neither they nor any ``--help`` text speaks of issues or the team."""

import doctest
import importlib
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _pages():
    pages = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    return [p for p in pages if any(">>>" in b for b in BLOCK.findall(p.read_text()))]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_in_docs(page):
    text = "\n".join(b for b in BLOCK.findall(page.read_text()) if ">>>" in b)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} failing example(s) in {page}"


# --- Links and cited files -------------------------------------------------------------------

ALL_PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
#: A path in the repository, as the docs cite it: it starts at one of the repository's top-level
#: folders (or names a top-level file) and is not part of a longer path or a URL.
TOP_LEVEL = ("fctheory", "tests", "benchmarks", "validation", "docs", "examples", ".ci")
REPO_PATH = re.compile(
    r"(?<![\w./~:-])(?:(?:" + "|".join(re.escape(d) for d in TOP_LEVEL) + r")/[\w.*{},/-]*"
    r"|(?:README\.md|pyproject\.toml))"
)


def _ids(page):
    return str(page.relative_to(ROOT))


def _prose(text: str) -> str:
    """The page without its code (fenced blocks and inline code spans), where links live."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: markup dropped, lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[`*_]|\\(?=\S)", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: pathlib.Path) -> set[str]:
    return {_slug(h) for h in HEADING.findall(FENCE.sub("", page.read_text()))}


def _relative_links(page: pathlib.Path):
    for target in LINK.findall(_prose(page.read_text())):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL (https:, mailto:) or an anchor of the page itself
        yield target


def _expand(path: str) -> list[str]:
    """``a/{b,c}{,-d}.toml`` -> the four paths it stands for (shell brace expansion)."""
    match = re.search(r"\{([^{}]*)\}", path)
    if not match:
        return [path]
    return [p for alt in match.group(1).split(",")
            for p in _expand(path[:match.start()] + alt + path[match.end():])]


def _cited_paths(page: pathlib.Path):
    """Every repository path the page names, in code (inline or fenced) or in prose, outside links."""
    text = LINK.sub("", page.read_text())
    for match in REPO_PATH.finditer(text):
        cited = match.group(0).split("::")[0].rstrip(".,;:")  # `tests/x.py::test_y`, end of a sentence
        for path in _expand(cited):
            yield cited, path


@pytest.mark.parametrize("page", ALL_PAGES, ids=_ids)
def test_relative_links_and_images_point_to_files(page):
    broken = []
    for target in _relative_links(page):
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        if not resolved.exists():
            broken.append(f"{target} (no {resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else resolved})")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target} (no heading with anchor #{anchor} in {resolved.name})")
    assert not broken, f"{_ids(page)}: broken links: {broken}"


@pytest.mark.parametrize("page", ALL_PAGES, ids=_ids)
def test_cited_repository_files_exist(page):
    missing = sorted({cited for cited, path in _cited_paths(page)
                      if not (ROOT / path).exists() and not any(ROOT.glob(re.sub(r"\*\*(?!/)", "**/*", path)))})
    assert not missing, f"{_ids(page)} cites files that are not in the repository: {missing}"


#: A dotted name in the package (``fctheory.train.train_network``), not part of a path or a longer name.
PYTHON_NAME = re.compile(r"(?<![\w./-])fctheory(?:\.[A-Za-z_]\w*)+")


def _resolves(name: str) -> bool:
    """Whether ``fctheory.a.b.c`` is a module, or an attribute of the longest importable prefix."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attribute in parts[i:]:
                obj = getattr(obj, attribute)
        except AttributeError:
            return False
        return True
    return False


@pytest.mark.parametrize("page", ALL_PAGES, ids=_ids)
def test_cited_python_names_exist(page):
    missing = sorted({m.group(0) for m in PYTHON_NAME.finditer(page.read_text()) if not _resolves(m.group(0))})
    assert not missing, f"{_ids(page)} names what the package does not have: {missing}"


def test_the_link_and_path_finders_find_what_they_should(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A heading — with (τ) `code`\n\nSee [x](other.md#a-heading) and ![img](fig/a.png).\n"
                    "Run `fctheory sweep validation/grids/conjecture.toml --jobs 2`, read docs/limits.md,\n"
                    "`tests/test_io.py::test_x` and `fctheory/study/grids/{symmetry,samples}.toml`;\n"
                    "not /tmp/docs/x.md nor https://example.org/docs/y.md nor `[z](nolink.md)`.\n"
                    "```bash\nfctheory reproduce --out docs/undersampling\n```\n")
    assert list(_relative_links(page)) == ["other.md#a-heading", "fig/a.png"]
    assert [path for _, path in _cited_paths(page)] == [
        "validation/grids/conjecture.toml", "docs/limits.md", "tests/test_io.py",
        "fctheory/study/grids/symmetry.toml", "fctheory/study/grids/samples.toml", "docs/undersampling"]
    assert _anchors(page) == {"a-heading--with-τ-code"}
    assert _resolves("fctheory.train.train_network") and _resolves("fctheory.risk")
    assert not _resolves("fctheory.train.no_such_name") and not _resolves("fctheory.no_such_module")


# --- No project history in what users read ------------------------------------------------------

#: What user-facing text never says: issue or finding numbers, the project's own notes file (users
#: have the paper, not it), the team that wrote the software, and when something was run.
FORBIDDEN = {
    "an issue number": re.compile(r"\bissues?\s*#?\s*\d+|\bissue\s*#|\bthe issue's\b", re.I),
    "a finding number": re.compile(r"\bfindings?\s*#?\s*\d+", re.I),
    "THEORY.md (cite the paper)": re.compile(r"\bTHEORY(?:\.md|'s)"),
    "the team": re.compile(r"\bengineers?\b|\bsessions?\b", re.I),
    "a dated run (state the machine and its load, not when)": re.compile(r"\b20\d\d-\d\d-\d\d\b|\bUTC\b"),
}


def _help_texts():
    from fctheory.cli.main import all_parsers, build_parser

    return {parser.prog: parser.format_help() for parser in all_parsers(build_parser())}


def _violations(text: str) -> list[str]:
    found = []
    for what, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            line = text[:match.start()].count("\n") + 1
            found.append(f"line {line}: {what}: {match.group(0)!r}")
    return found


@pytest.mark.parametrize("page", ALL_PAGES, ids=_ids)
def test_docs_describe_the_software_not_its_history(page):
    found = _violations(page.read_text())
    assert not found, f"{_ids(page)}: {found}"


def test_help_describes_the_software_not_its_history():
    helps = _help_texts()
    assert {"fctheory", "fctheory study undersampling", "fctheory latent check"} <= set(helps)
    found = {prog: v for prog, text in helps.items() if (v := _violations(text))}
    assert not found, found


def test_the_history_patterns_catch_what_they_should():
    for text in ("the grid of issue 3", "see issue #12", "the issue's 60-second target", "finding 13",
                 "THEORY.md says", "THEORY's φ", "other engineers' jobs", "in this session",
                 "run on 2026-12-01", "from 11:24 UTC"):
        assert _violations(text), text
    for text in ("fctheory's theory", "the paper's section 3", "a Dask worker", "issued by the solver"):
        assert not _violations(text), text


def test_the_source_speaks_of_the_software_not_its_history():
    """Docstrings, comments and shipped grids are read too (help(), the API pages): no issue or finding
    numbers, no THEORY.md."""
    patterns = {k: FORBIDDEN[k] for k in ("an issue number", "a finding number", "THEORY.md (cite the paper)")}
    root = pathlib.Path(__file__).resolve().parents[1]
    files = [p for folder in ("fctheory", "benchmarks", "validation", "examples") for p in (root / folder).rglob("*")
             if p.suffix in (".py", ".toml") and p.is_file()]
    assert len(files) > 100
    found = [f"{p.relative_to(root)}:{text[:m.start()].count(chr(10)) + 1}: {what}: {m.group(0)!r}"
             for p in files for text in [p.read_text()] for what, pattern in patterns.items()
             for m in pattern.finditer(text)]
    assert not found, found
