"""``--help`` is plain text: the reST markup of the subcommands' docstrings is turned into text."""

import re

import pytest

from fctheory.cli.main import all_parsers, build_parser, main, plain_text

#: What reST inline markup looks like in a help text: a double backtick, a role, interpreted text.
MARKUP = re.compile(r"``|:[a-z]+:`|`[^`\s][^`]*`")


@pytest.mark.parametrize("text, plain", [
    ("``K = n_c**L`` by default", "K = n_c**L by default"),
    ("see :func:`fctheory.train.measure_collapse`.", "see fctheory.train.measure_collapse."),
    (":math:`\\tau^*` and :meth:`fctheory.Setting.paper`", "\\tau^* and fctheory.Setting.paper"),
    (":func:`~fctheory.predict.predict_type1`", "predict_type1"),
    (":ref:`the limits <limits>`", "the limits"),
    (":py:func:`fctheory.H`", "fctheory.H"),
    ("`interpreted` and `a link`_", "interpreted and a link"),
    ("a step is *proved*; **strong** text", "a step is proved; strong text"),
    ("``--code\nNAME`` across lines", "--code\nNAME across lines"),
    ("``a :func:`b` inside a literal``", "a :func:`b` inside a literal"),
])
def test_plain_text_turns_inline_markup_into_text(text, plain):
    assert plain_text(text) == plain


@pytest.mark.parametrize("text", [
    "K * s_c**L sentences, each scored against K classes",
    "word (a, b) is column a*s_c + b; n_c**L latent variables",
    "a plain line\n\n  indented: --flag VALUE (default 3)",
    "100% of the words, %(default)s",
])
def test_plain_text_leaves_plain_text_alone(text):
    assert plain_text(text) == text


def test_no_help_text_shows_rest_markup():
    helps = {parser.prog: parser.format_help() for parser in all_parsers(build_parser())}
    assert {"fctheory", "fctheory predict", "fctheory study undersampling", "fctheory latent check"} <= set(helps)
    marked = {prog: MARKUP.findall(text) for prog, text in helps.items() if MARKUP.search(text)}
    assert not marked, marked


def test_the_help_a_user_sees_is_plain(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["certify", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "fctheory certify: the global minimum of R (theorem G)" in out
    assert "``" not in out and "min_D f(D) + λ ||D||_*" in out
