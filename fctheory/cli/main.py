"""Entry point of the ``fctheory`` console script.

Every subcommand module registers itself through ``register(subparsers)`` and
sets ``func`` (``args -> int`` exit status).  Errors that fctheory raises on
purpose (:class:`fctheory.errors.FctheoryError`) and argument errors become a
single ``error: ...`` line on stderr with a non-zero exit status, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import FctheoryError

#: Subcommand modules, in the order ``fctheory --help`` lists them.
SUBCOMMANDS = ("predict", "measure", "certify", "validate", "derive", "latent", "check", "reproduce")

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one ``error: ...`` line."""

    def error(self, message):  # noqa: D401 - argparse API
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(
        prog="fctheory",
        description="The closed forms of 'Feature Collapse': predictions, derivations, checks and validation.",
    )
    parser.add_argument("--version", action="version", version=f"fctheory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


def main(argv=None) -> int:
    """Run the CLI; returns the exit status (also used by the console script)."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except FctheoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (OSError, ValueError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
