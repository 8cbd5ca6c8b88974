"""The setting flags, declared once for every subcommand, and their reading into a Problem.

Every subcommand that takes a setting declares its flags with :func:`add_setting_flags`:
``--n-c --s-c --L --K --d --lam --mu`` (one type and one help text each; the defaults are
:meth:`fctheory.Setting.paper`'s unless the subcommand says otherwise) and, when it takes a latent
set, ``--latent-file --code`` (and ``--seed`` where ``--K`` draws a random subset).  A
:class:`SettingFlags` states the per-subcommand choices: which flags, which are required, their
defaults, and what an absent ``--K`` means.  :func:`problem_from_flags` turns the parsed flags into a
:class:`fctheory.Problem`; :func:`setting_from_flags` into a :class:`fctheory.Setting` (no latent rows).

With ``--latent-file`` or ``--code``, ``K`` is the set's size unless ``--K`` is given (then it
must equal it).  A code name is checked before anything depends on ``K``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..problem import LatentSource, Problem
from ..setting import Setting

__all__ = ["SETTING_FIELDS", "SettingFlags", "add_setting_flags", "latent_source_from_flags", "setting_from_flags",
           "problem_from_flags", "latent_from_flags", "FULL"]

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


def _paper_defaults() -> dict:
    paper = Setting.paper()
    return {"n_c": paper.n_c, "s_c": paper.s_c, "L": paper.L, "K": paper.K, "d": paper.d, "lam": str(paper.lam),
            "mu": paper.mu.spec()}


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
        return self.defaults[name] if name in self.defaults else _paper_defaults()[name]


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


def latent_source_from_flags(args, spec: SettingFlags) -> LatentSource | None:
    """The latent set named by ``--latent-file``/``--code`` (or ``--K`` with ``K_random``), else None.

    A code name is resolved here, so that a bad name is reported before any error about ``K``.
    """
    file, code = getattr(args, "latent_file", None), getattr(args, "code", None)
    if file is not None and code is not None:
        raise InvalidInput("--latent-file/--code", "at most one of the two", f"{file}, {code}")
    seed = getattr(args, "seed", None)
    K = getattr(args, "K", None)
    if spec.K_random and spec.seed_default is None and seed is not None and (K is None or K == FULL):
        raise InvalidInput("--seed", "used together with --K (a random subset)", seed)
    if code is not None:
        from ..latent import named_code

        named_code(code)  # a bad name is the first error
        return LatentSource.code(code)
    if file is not None:
        return LatentSource.file(file)
    if spec.K_random and K is not None and K != FULL:
        return LatentSource.random(K, seed=0 if seed is None else seed)
    return None


def _setting_fields(args, spec: SettingFlags) -> dict:
    return {name: getattr(args, name) for name in spec.fields if name != "K"}


def setting_from_flags(args, spec: SettingFlags, *, K=None) -> Setting:
    """The :class:`Setting` of the parsed flags (strings are parsed exactly, never evaluated).

    ``K`` overrides ``--K`` (e.g. a latent set's size); an absent ``--K`` means ``spec.K_default``.
    """
    fields = _setting_fields(args, spec)
    if K is None:
        K = getattr(args, "K", None)
        if K is None and spec.K_default == "paper":
            K = Setting.paper().K
    if K == FULL:
        K = None
    n_c, s_c, L, lam = (fields.pop(name) for name in ("n_c", "s_c", "L", "lam"))
    return Setting(n_c, s_c, L, lam, K=K, **fields)


def _check_code_shape(source: LatentSource, n_c: int, L: int) -> None:
    from ..latent import named_code

    c = named_code(source.code)
    if (c.q, c.L) != (n_c, L):
        raise InvalidInput("--code", f"a code over n_c = {n_c} symbols of length L = {L} "
                                     f"(--n-c {c.q} --L {c.L} for {source.code})", f"{source.code} (q = {c.q}, L = {c.L})")


def latent_from_flags(args, spec: SettingFlags, n_c: int, L: int):
    """``(latent array, description)`` of the latent flags for ``n_c``, ``L`` (the full set when none)."""
    from ..latent import full_latent_set, validate_sizes

    n_c, L = validate_sizes(n_c, L)
    source = latent_source_from_flags(args, spec)
    if source is None:
        return full_latent_set(n_c, L), "full set"
    if source.kind == "code":
        _check_code_shape(source, n_c, L)
    latent = source.materialise(n_c, L, None)
    _check_K(args, source, len(latent), n_c**L)
    return latent, source.describe()


def _check_K(args, source: LatentSource, size: int, full: int) -> None:
    """A given ``--K`` must be the size of a file's or code's set (``--K full``: ``n_c**L``)."""
    given = getattr(args, "K", None)
    K = full if given == FULL else given
    if source.kind in ("file", "code") and K is not None and K != size:
        raise InvalidInput("--K", f"the number of latent variables of {source.describe()}, {size}",
                           f"full = {full}" if given == FULL else K)


def problem_from_flags(args, spec: SettingFlags) -> Problem:
    """The :class:`Problem` of the parsed flags: the setting with the latent set of ``--latent-file``,
    ``--code`` or a random ``--K`` (``K_random``), or the full set; ``K`` is a file's or code's size
    unless ``--K`` is given."""
    source = latent_source_from_flags(args, spec)
    if source is None:
        return Problem(setting_from_flags(args, spec, K=FULL if spec.K_default == "full" else None))
    base = setting_from_flags(args, spec, K=FULL)  # validates the other fields first
    if source.kind == "code":
        _check_code_shape(source, base.n_c, base.L)
    if source.kind == "random":
        return Problem(base.replace(K=source.K), source)
    problem = Problem.sized_by_set(base, source)
    _check_K(args, source, problem.K, problem.setting.n_latent_full)
    return problem
