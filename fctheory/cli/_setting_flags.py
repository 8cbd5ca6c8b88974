"""The flags several subcommands share, declared once, and their reading into operation parameters.

Every subcommand that takes a setting declares its flags with :func:`add_setting_flags`:
``--n-c --s-c --L --K --d --lam --mu`` (one type each, and the help of the operations' parameters,
:data:`fctheory.operations.SETTING_HELP`; the defaults are :meth:`fctheory.Setting.paper`'s unless the
subcommand says otherwise) and, when it takes a latent set, ``--latent-file --code`` (and ``--seed``
where ``--K`` draws a random subset).  A :class:`SettingFlags` states the per-subcommand choices:
which flags, which are required, their defaults, and whether ``--K`` draws a random subset.
:func:`params_from_flags` turns the parsed flags into the parameters of an operation
(:mod:`fctheory.operations`), whose spec builds the Problem — the same path a grid row or a suite
case takes.  :func:`add_command` creates a subcommand (its description, ``--json``, what it runs) and
:func:`add_runner_flags` the flags of fctheory's job runner (``--jobs --scheduler --no-progress``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..operations import LATENT_HELP, SETTING_HELP, paper_defaults

__all__ = ["SETTING_FIELDS", "SettingFlags", "add_setting_flags", "params_from_flags", "FULL", "integer",
           "add_command", "add_runner_flags"]

#: The setting fields, in the order the flags are declared.
SETTING_FIELDS = ("n_c", "s_c", "L", "K", "d", "lam", "mu")
#: ``--K full`` (or ``none``): the full set ``K = n_c**L``.
FULL = "full"


def integer(lo: int | None = None):
    """An argparse type: a decimal integer in ASCII digits, at least ``lo`` when given (the other
    ranges are checked by the library, naming the flag)."""

    def parse(text: str) -> int:
        value = text.strip().lstrip("+")
        if value.isascii() and value.isdigit() and (lo is None or int(value) >= lo):
            return int(value)
        raise argparse.ArgumentTypeError(f"invalid integer value: {text!r}" if lo is None
                                         else f"an integer >= {lo} expected, got {text!r}")

    return parse


#: The type of the integer setting flags (one object, so every subcommand declares the same type).
_integer = integer()


def _K_value(text: str):
    """The type of ``--K``: an integer, or ``full``/``none`` for the full set."""
    return FULL if text.strip().lower() in ("full", "none") else _integer(text)


#: The argparse type of each setting flag (the others are integers) and the help of every flag.
_TYPES = {"K": _K_value, "lam": str, "mu": str}
_HELP = dict(SETTING_HELP + LATENT_HELP)


@dataclass(frozen=True)
class SettingFlags:
    """The setting flags of one subcommand.

    Attributes
    ----------
    fields : tuple of str
        The setting fields it takes (a subset of :data:`SETTING_FIELDS`).
    required : tuple of str
        Fields without a default (the flag must be given).
    defaults : dict
        Defaults that differ from :meth:`Setting.paper`'s (``None``: absent means "not given",
        for the subcommand to decide).
    default_help : dict
        The help text of a default the subcommand computes (``"the grid"``, ...).
    K_random : bool
        ``--K`` draws a uniformly random subset (seed ``--seed``; absent: the full set), one latent
        source beside ``--latent-file`` and ``--code``: the three are mutually exclusive.
    latent : bool
        The subcommand takes a latent set (``--latent-file``, ``--code``).
    latent_file_aliases : tuple of str
        Older spellings of ``--latent-file`` that stay accepted.
    seed_default : int or None
        The default of ``--seed`` (``None``: ``--seed`` only together with ``--K``).
    seed_help : str
    """

    fields: tuple = SETTING_FIELDS
    required: tuple = ()
    defaults: dict = field(default_factory=dict)
    default_help: dict = field(default_factory=dict)
    K_random: bool = False
    latent: bool = False
    latent_file_aliases: tuple = ()
    seed_default: int | None = 0
    seed_help: str = "seed of the random latent set"

    def default(self, name: str):
        if name in self.required:
            return None
        if name == "K":
            return self.defaults.get("K")  # decided by the operation (the latent set's size, the full set, ...)
        return self.defaults[name] if name in self.defaults else paper_defaults()[name]


def add_setting_flags(parser: argparse.ArgumentParser, spec: SettingFlags, *, title: str | None = None) -> None:
    """Declare the setting flags of ``spec`` (and its latent-set flags) on ``parser``."""
    group = parser.add_argument_group(title or "setting")
    exclusive = group.add_mutually_exclusive_group() if spec.K_random else group
    for name in (n for n in SETTING_FIELDS if n in spec.fields):
        default = spec.default(name)
        if name in spec.required:
            suffix = " (required)"
        elif name in spec.default_help:
            suffix = f" (default {spec.default_help[name]})"
        elif name == "K":  # K_random: the subcommands whose K is a size say their default in default_help
            suffix = (" (drawn uniformly at random with --seed; default: the set's size with --latent-file/--code, "
                      "else the full set)")
        else:
            suffix = f" (default {default})"
        (exclusive if name == "K" else group).add_argument(
            "--" + name.replace("_", "-"), dest=name, type=_TYPES.get(name, _integer), default=default,
            required=name in spec.required, help=_HELP[name] + suffix)
    if spec.latent:
        exclusive.add_argument("--latent-file", *spec.latent_file_aliases, dest="latent_file", default=None,
                               metavar="F", help=_HELP["latent_file"])
        exclusive.add_argument("--code", dest="code", default=None, metavar="NAME", help=_HELP["code"])
    if spec.K_random:
        shown = "" if spec.seed_default is None else f" (default {spec.seed_default})"
        group.add_argument("--seed", dest="seed", type=int, default=spec.seed_default, help=spec.seed_help + shown)


def params_from_flags(args, spec: SettingFlags, *names: str) -> dict:
    """The operation parameters of the parsed flags (:mod:`fctheory.operations`' vocabulary): the
    setting fields given, ``K = "full"`` for ``--K full``, ``latent_file``/``code``, ``seed`` and the
    subcommand's other flags ``names`` (those given).

    The operation's spec validates them and turns them into a Problem; nothing is validated twice here.
    """
    names = (*spec.fields, "latent_file", "code", "seed", *names)
    params = {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}
    if spec.K_random and spec.seed_default is None and "seed" in params and params.get("K") in (None, FULL):
        raise InvalidInput("--seed", "used together with --K (a random subset)", params["seed"])
    return params


def add_command(subparsers, name: str, description: str, run=None, *, help: str | None = None,
                json: str | None = "print one JSON object", **kwargs) -> argparse.ArgumentParser:
    """The parser of subcommand ``name``: ``description`` (its module docstring, shown as written),
    ``help`` in the command list (default: the description's first line after ``": "``), a ``--json``
    flag with help ``json`` (none when ``None``) and ``run`` (``args -> exit status``) as what it does;
    ``kwargs`` go to ``add_parser`` (``epilog``, ...)."""
    if help is None:
        help = description.split("\n", 1)[0].split(": ", 1)[-1].rstrip(".")
    parser = subparsers.add_parser(name, help=help, description=description, **kwargs)
    if json is not None:
        parser.add_argument("--json", action="store_true", help=json)
    if run is not None:
        parser.set_defaults(func=run)
    return parser


def add_runner_flags(parser: argparse.ArgumentParser, *, what: str = "the jobs", exclusive: bool = False,
                     note: str = "") -> None:
    """``--jobs``, ``--scheduler`` (mutually exclusive when ``exclusive``) and ``--no-progress``: where
    fctheory's job runner (docs/sweep.md) runs ``what``."""
    where = parser.add_mutually_exclusive_group() if exclusive else parser
    where.add_argument("--jobs", type=integer(1), default=None, metavar="N",
                       help=f"run {what} on N local worker processes (default 1: this process)"
                            + ("" if exclusive else "; with --scheduler local: N Dask workers"))
    where.add_argument("--scheduler", default=None, metavar="ADDRESS|local",
                       help=f"run {what} on Dask: 'local' starts a LocalCluster here (one worker per CPU by default), "
                            f"an address such as tcp://host:8786 uses a running cluster "
                            f"(pip install 'fctheory[distributed]'){note}")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
