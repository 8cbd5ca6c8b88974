"""Entry point of the ``fctheory`` console script.

Every subcommand module registers itself through ``register(subparsers)`` and
sets ``func`` (``args -> int`` exit status).  Errors that fctheory raises on
purpose (:class:`fctheory.errors.FctheoryError`) and argument errors become a
single ``error: ...`` line on stderr with a non-zero exit status, never a
traceback.

Only the subcommand named on the command line is imported (``fctheory predict
type1`` loads neither sympy nor cvxpy); ``fctheory --version`` imports none.

The subcommands take their descriptions from their module docstrings, which are
written in reST; :func:`plain_text` turns the inline markup into plain text for
``--help`` (every parser's help formatter applies it to every description, epilog and help).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from ..errors import FctheoryError

#: Subcommand modules, in the order ``fctheory --help`` lists them.
SUBCOMMANDS = ("predict", "measure", "certify", "validate", "reproduce", "sweep", "study", "derive", "latent",
               "check")

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # as fctheory.cli._output's, not imported: --version loads no other module


class _PlainHelp(argparse.RawDescriptionHelpFormatter):
    """Descriptions with their line breaks, every text with its reST markup as plain text (:func:`plain_text`)."""

    def _format_text(self, text):
        return super()._format_text(plain_text(text))

    def _expand_help(self, action):
        return plain_text(super()._expand_help(action))


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one ``error: ...`` line and whose help is plain text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{"formatter_class": _PlainHelp, **kwargs})

    def error(self, message):  # noqa: D401 - argparse API
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def _commands_needed(argv) -> tuple[str, ...]:
    """The subcommand modules to register for ``argv``: the named one, none for a bare
    ``--version``, all of them otherwise (``--help``, a typo, no command)."""
    words = [a for a in argv if not a.startswith("-")]
    if words and words[0] in SUBCOMMANDS:
        return (words[0],)
    if not words and "--version" in argv and not {"-h", "--help"} & set(argv):
        return ()
    return SUBCOMMANDS


#: Inline reST markup, one alternative per kind, scanned left to right in one pass (so the text
#: of a literal is never read again as markup): ``literal``, :role:`target` (``~a.b`` shows ``b``,
#: ``title <target>`` the title), `interpreted`(_), *emphasis* and **strong** (opening after a space or
#: punctuation, no space inside the marks).  The last group of each alternative is the text it shows.
_INLINE_MARKUP = re.compile(
    r"``(?P<literal>.+?)``"
    r"|:[A-Za-z][\w.+-]*(?::[A-Za-z][\w.+-]*)*:`(?:~(?:[^`.]*\.)*)?(?P<role>[^`]+?)(?:\s*<[^<>`]+>)?`"
    r"|`(?P<interpreted>[^`]+)`_{0,2}"
    r"|(?<![\w*\\])(?P<stars>\*{1,2})(?P<emphasis>[^\s*](?:[^*]*?[^\s*])?)(?P=stars)(?![\w*])",
    re.S,
)


def plain_text(text: str) -> str:
    """``text`` with its inline reST markup turned into plain text, for ``--help``.

    A literal shows its text, a role its target (``~a.b`` shows ``b``; ``title <target>`` shows
    ``title``), interpreted text and emphasis their text.  Everything else, line breaks included,
    is left as it is: ``n_c**L`` and ``K * s_c`` are not emphasis.

    Examples
    --------
    >>> plain_text("``K = n_c**L`` by :func:`fctheory.predict_type1`; a step is *proved*")
    'K = n_c**L by fctheory.predict_type1; a step is proved'
    >>> plain_text(":math:`\\tau^*` of :func:`~fctheory.predict.predict_type2`, K * s_c**L sentences")
    '\\tau^* of predict_type2, K * s_c**L sentences'
    """
    return _INLINE_MARKUP.sub(lambda match: match.group(match.lastgroup), text)


def all_parsers(parser: argparse.ArgumentParser):
    """``parser`` and every subcommand parser below it, depth first (no subcommand has an alias)."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from all_parsers(sub)


def build_parser(argv=None) -> argparse.ArgumentParser:
    """The parser with the subcommands that ``argv`` needs (all of them when ``argv`` is None)."""
    from .._version import __version__

    parser = _Parser(
        prog="fctheory",
        description="The closed forms of 'Feature Collapse': predictions, derivations, checks and validation.",
    )
    parser.add_argument("--version", action="version", version=f"fctheory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in SUBCOMMANDS if argv is None else _commands_needed(argv):
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


#: The operations' parameters (fctheory.operations) that a flag sets, spelled as the flag: the name with
#: dashes (``n_c`` -> ``--n-c``), as every subcommand declares it.
_FLAGS = {name: "--" + name.replace("_", "-") for name in (
    "n_c", "s_c", "L", "K", "d", "lam", "mu", "code", "latent_file", "seed", "dps", "n_spl", "gtol", "epochs",
    "maxiter", "rel_gap", "save")} | {"code/latent_file": "--latent-file/--code"}


def _as_flags(exc: FctheoryError) -> str:
    """The error's message with the operation's parameter names spelled as the flags the user typed."""
    text = str(exc)
    field = getattr(exc, "field", None)
    if isinstance(field, str) and field in _FLAGS and text.startswith(f"{field} must"):
        text = _FLAGS[field] + text[len(field):]
    return re.sub(r"\(n_c = (\d+), L = (\d+) for", r"(--n-c \1 --L \2 for", text)


def main(argv=None) -> int:
    """Run the CLI; returns the exit status (also used by the console script)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except FctheoryError as exc:
        print(f"error: {_as_flags(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (OSError, ValueError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
