"""The setting flags, declared once for every subcommand, and their reading into operation parameters.

Every subcommand that takes a setting declares its flags with :func:`add_setting_flags`:
``--n-c --s-c --L --K --d --lam --mu`` (one type and one help text each; the defaults are
:meth:`fctheory.Setting.paper`'s unless the subcommand says otherwise) and, when it takes a latent
set, ``--latent-file --code`` (and ``--seed`` where ``--K`` draws a random subset).  A
:class:`SettingFlags` states the per-subcommand choices: which flags, which are required, their
defaults, and what an absent ``--K`` means.  :func:`params_from_flags` turns the parsed flags into
the parameters of an operation (:mod:`fctheory.operations`), whose spec builds the Problem — the
same path a grid row or a suite case takes.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..operations import paper_defaults
from ..setting import Setting

__all__ = ["SETTING_FIELDS", "SettingFlags", "add_setting_flags", "params_from_flags", "FULL"]

#: The setting fields, in the order the flags are declared.
SETTING_FIELDS = ("n_c", "s_c", "L", "K", "d", "lam", "mu")
#: ``--K full`` (or ``none``): the full set ``K = n_c**L``.
FULL = "full"


def _integer(text: str) -> int:
    """The type of the integer setting flags: a decimal integer in ASCII digits (ranges are checked by Setting)."""
    value = text.strip().lstrip("+")
    if not (value.isascii() and value.isdigit()):
        raise argparse.ArgumentTypeError(f"invalid integer value: {text!r}")
    return int(value)


def _K_value(text: str):
    """The type of ``--K``: an integer, or ``full``/``none`` for the full set."""
    if text.strip().lower() in ("full", "none"):
        return FULL
    return _integer(text)


#: flag, argparse type, help (the default is appended).
_FLAGS = {
    "n_c": ("--n-c", _integer, "concepts n_c >= 2"),
    "s_c": ("--s-c", _integer, "words per concept s_c >= 1"),
    "L": ("--L", _integer, "sentence length L >= 1"),
    "K": ("--K", _K_value, "latent variables, 2 <= K <= n_c**L, or 'full'"),
    "d": ("--d", _integer, "embedding dimension d >= 1"),
    "lam": ("--lam", str, "regularization λ > 0, a decimal or fraction (read exactly)"),
    "mu": ("--mu", str, "word law: uniform | zipf | zipf:EXP | v1,v2,..."),
}


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
    K_default : {"paper", "full"}
        What an absent ``--K`` means without a latent set: the paper's 1000 or the full set.
    K_random : bool
        ``--K`` without a latent set draws a uniformly random subset (seed ``--seed``).
    latent : bool
        The subcommand takes a latent set (``--latent-file``, ``--code``).
    latent_file_aliases : tuple of str
        Older spellings of ``--latent-file`` that stay accepted.
    exclusive : bool
        ``--K``, ``--latent-file`` and ``--code`` are mutually exclusive.
    seed_default : int or None
        The default of ``--seed`` (``None``: ``--seed`` only together with ``--K``).
    seed_help : str
    """

    fields: tuple = SETTING_FIELDS
    required: tuple = ()
    defaults: dict = field(default_factory=dict)
    default_help: dict = field(default_factory=dict)
    K_default: str = "paper"
    K_random: bool = False
    latent: bool = False
    latent_file_aliases: tuple = ()
    exclusive: bool = False
    seed_default: int | None = 0
    seed_help: str = "seed of the random latent set"

    def default(self, name: str):
        if name in self.required:
            return None
        if name == "K":
            return self.defaults.get("K")  # decided by K_default / the latent set
        return self.defaults[name] if name in self.defaults else paper_defaults()[name]


def add_setting_flags(parser: argparse.ArgumentParser, spec: SettingFlags, *, title: str | None = None) -> None:
    """Declare the setting flags of ``spec`` (and its latent-set flags) on ``parser``."""
    group = parser.add_argument_group(title or "setting")
    exclusive = group.add_mutually_exclusive_group() if spec.exclusive else group
    for name in SETTING_FIELDS:
        if name not in spec.fields:
            continue
        flag, kind, text = _FLAGS[name]
        target = exclusive if (name == "K" and spec.exclusive) else group
        default = spec.default(name)
        if name in spec.required:
            suffix = " (required)"
        elif name in spec.default_help:
            suffix = f" (default {spec.default_help[name]})"
        elif name == "K":
            suffix = " (" + ("drawn uniformly at random with --seed; " if spec.K_random else "") + (
                "default: the set's size with --latent-file/--code, else " if spec.latent else "default ") + (
                "the full set)" if spec.K_default == "full" else f"{Setting.paper().K})")
        else:
            suffix = f" (default {default})"
        target.add_argument(flag, dest=name, type=kind, default=default, required=name in spec.required,
                            help=text + suffix)
    if spec.latent:
        exclusive.add_argument("--latent-file", *spec.latent_file_aliases, dest="latent_file", default=None,
                               metavar="F", help="latent set file: .npy, .npz (array 'latent') or text rows")
        exclusive.add_argument("--code", dest="code", default=None, metavar="NAME",
                               help="a named linear code as latent set: repetition:Q:L, parity:Q:L, ternary-hamming, "
                                    "ternary-golay")
    if spec.K_random:
        group.add_argument("--seed", dest="seed", type=int, default=spec.seed_default,
                           help=spec.seed_help + ("" if spec.seed_default is None else f" (default {spec.seed_default})"))


def params_from_flags(args, spec: SettingFlags) -> dict:
    """The operation parameters of the parsed flags (:mod:`fctheory.operations`' vocabulary): the
    setting fields given, ``K = "full"`` for ``--K full``, ``latent_file``/``code`` and ``seed``.

    The operation's spec turns them into a Problem; nothing is validated twice here.
    """
    params = {name: getattr(args, name) for name in spec.fields if getattr(args, name, None) is not None}
    file, code = getattr(args, "latent_file", None), getattr(args, "code", None)
    if file is not None and code is not None:
        raise InvalidInput("--latent-file/--code", "at most one of the two", f"{file}, {code}")
    if file is not None:
        params["latent_file"] = file
    if code is not None:
        params["code"] = code
    seed = getattr(args, "seed", None)
    if spec.K_random and spec.seed_default is None and seed is not None and params.get("K") in (None, FULL):
        raise InvalidInput("--seed", "used together with --K (a random subset)", seed)
    if seed is not None:
        params["seed"] = seed
    return params
