"""The committed docs/derivations pages are exactly what the generator produces."""

import pathlib

from fctheory.symbolic.docs import generate, main

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "derivations"


def test_committed_pages_match_the_code(verified):
    pages = generate(verified)
    on_disk = {p.name for p in DOCS.glob("*.md")}
    assert on_disk == set(pages), "regenerate with: python -m fctheory.symbolic.docs"
    for name, text in pages.items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, f"{name} is stale; run python -m fctheory.symbolic.docs"


def test_page_shows_the_chain_from_the_definitions(verified):
    pages = generate(verified)
    derivation, verification = verified["H"]
    page = pages["H.md"]
    assert "## Definitions" in page and page.index("## Definitions") < page.index("## Steps")
    for d in derivation.definitions:
        assert f"`def:{d.name}`" in page
    for step, check in zip(derivation.steps, verification.checks):
        assert f"`{step.label}`" in page
    assert page.count("Left side:") == len(derivation.steps)
    assert "Left side: the value of `def:risk`" in page
    assert "fixed size, extra evidence" in page
    assert "proved, symbolic summation" in page and "proved, induction" in page
    assert "**not proved**" not in page and "evidence only" not in page
    assert f"{verification.steps_total} of {verification.steps_total} linked" in page
    index = pages["index.md"]
    assert "**proved**" in index and "**evidence**" in index and "**linked**" in index
    assert "check_numeric()" in index


def test_write_then_check(verified, tmp_path, capsys, monkeypatch):
    import fctheory.symbolic.docs as docs

    monkeypatch.setattr(docs, "generate", lambda: generate(verified))
    out = tmp_path / "derivations"
    out.mkdir()
    (out / "H.md").write_text("old\n")
    assert main([str(out), "--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert main([str(out)]) == 0
    assert main([str(out), "--check"]) == 0
    assert (out / "H.md").read_text() == generate(verified)["H.md"]
