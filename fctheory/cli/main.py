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
``--help`` (``build_parser`` applies it to every description, epilog and help).
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
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one ``error: ...`` line."""

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
#: of a literal is never read again as markup): ``literal``, :role:`target`, `interpreted`(_),
#: *emphasis* and **strong** (opening after a space or punctuation, no space inside the marks).
_INLINE_MARKUP = re.compile(
    r"``(?P<literal>.+?)``"
    r"|:[A-Za-z][\w.+-]*(?::[A-Za-z][\w.+-]*)*:`(?P<role>[^`]+)`"
    r"|`(?P<interpreted>[^`]+)`_{0,2}"
    r"|(?<![\w*\\])(?P<stars>\*{1,2})(?P<emphasis>[^\s*](?:[^*]*?[^\s*])?)(?P=stars)(?![\w*])",
    re.S,
)


def _role_text(target: str) -> str:
    """What a role shows: ``title <target>`` shows the title, ``~a.b.c`` the last name ``c``."""
    titled = re.fullmatch(r"(.+?)\s*<[^<>]+>", target, re.S)
    if titled:
        return titled.group(1)
    if target.startswith("~"):
        return target[1:].rsplit(".", 1)[-1]
    return target


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

    def replace(match: re.Match) -> str:
        if match.group("literal") is not None:
            return match.group("literal")
        if match.group("role") is not None:
            return _role_text(match.group("role"))
        if match.group("interpreted") is not None:
            return match.group("interpreted")
        return match.group("emphasis")

    return _INLINE_MARKUP.sub(replace, text)


def all_parsers(parser: argparse.ArgumentParser):
    """``parser`` and every subcommand parser below it, each once (aliases share a parser)."""
    stack, seen = [parser], set()
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())


def _plain_help(parser: argparse.ArgumentParser) -> None:
    """Apply :func:`plain_text` to every description, epilog and help string of ``parser`` and of
    the subcommand parsers below it (the subcommand list's help lines included)."""
    for current in all_parsers(parser):
        for attribute in ("description", "epilog"):
            if getattr(current, attribute):
                setattr(current, attribute, plain_text(getattr(current, attribute)))
        for action in current._actions:
            choices = action._choices_actions if isinstance(action, argparse._SubParsersAction) else []
            for item in (action, *choices):
                if item.help and item.help is not argparse.SUPPRESS:
                    item.help = plain_text(item.help)


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
    _plain_help(parser)
    return parser


#: Parameter names of the operations (fctheory.operations) that a flag sets; the flag is the name with
#: dashes (``n_c`` -> ``--n-c``), as every subcommand declares it.
_FLAG_PARAMETERS = ("n_c", "s_c", "L", "K", "d", "lam", "mu", "code", "latent_file", "seed", "dps", "n_spl", "gtol",
                    "epochs", "maxiter", "rel_gap", "save")


def _flag(name: str) -> str:
    if name == "code/latent_file":
        return "--latent-file/--code"
    return "--" + name.replace("_", "-") if name in _FLAG_PARAMETERS else name


def _as_flags(exc: FctheoryError) -> str:
    """The error's message with the operation's parameter names spelled as the flags the user typed."""
    text = str(exc)
    field = getattr(exc, "field", None)
    if isinstance(field, str) and _flag(field) != field and text.startswith(f"{field} must"):
        text = _flag(field) + text[len(field):]
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
