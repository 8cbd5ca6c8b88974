"""The one vocabulary of every operation's parameters, and the one place they become a Problem.

Names are the CLI's, with underscores: ``n_c, s_c, L, K, d, lam, mu`` (the setting),
``lam_over_threshold`` (instead of ``lam``), the latent source ``latent_file / code / seed``,
``dps``.  A CLI subcommand, a grid row, a suite case and a study job all hand such a
mapping to an operation's ``from_params``; :func:`resolve_setting` reads it exactly once.
Numbers given as text are read exactly (``"1/100"``, ``"1e-3"``), never evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .._validate import require_int, require_one_of, require_seed, require_str
from ..errors import InvalidInput
from ..problem import LatentSource, Problem
from ..setting import Setting

__all__ = ["SETTING_HELP", "LATENT_HELP", "DPS_HELP", "paper_defaults", "Resolved", "resolve_setting", "resolve_lam",
           "optional_int", "FULL_WORDS"]

#: Significant digits of a λ resolved from ``lam_over_threshold``.
LAM_DIGITS = 6
#: ``K = "full"`` (or ``"none"``): the full set ``n_c**L``.
FULL_WORDS = ("full", "none")

SETTING_HELP = (
    ("n_c", "concepts n_c >= 2"), ("s_c", "words per concept s_c >= 1"), ("L", "sentence length L >= 1"),
    ("K", "latent variables 2 <= K <= n_c**L, or \"full\""),
    ("lam", "regularization λ > 0: \"1/100\", \"1e-3\" or a number, read exactly"),
    ("lam_over_threshold", "instead of lam: this fraction of the λ threshold (type I for uniform μ, eq. 9 otherwise)"),
    ("mu", "word law: uniform | zipf | zipf:EXP | \"v1,v2,...\""), ("d", "embedding dimension d >= 1"),
)
LATENT_HELP = (("seed", "seed of a random latent set (and of training's initialisation)"),
               ("code", "a named linear code as latent set: repetition:Q:L, parity:Q:L, ternary-hamming, ternary-golay"),
               ("latent_file", "a latent-set file: .npy, .npz (array 'latent') or text rows"))
DPS_HELP = ("dps", "significant digits, 15..1000 (default 30)")


def paper_defaults() -> dict:
    """The paper's experimental setting (section 5), from :meth:`Setting.paper`: the defaults of ``predict``."""
    paper = Setting.paper()
    return {"n_c": paper.n_c, "s_c": paper.s_c, "L": paper.L, "K": paper.K, "d": paper.d, "lam": str(paper.lam),
            "mu": paper.mu.spec()}


def optional_int(params: Mapping, key: str, default=None, *, lo: int | None = None, hi: int | None = None):
    """``params[key]`` (or ``default``) as an int in ``[lo, hi]``; ``None`` stays ``None``."""
    value = params.get(key, default)
    return None if value is None else require_int(key, value, lo=lo, hi=hi)


@dataclass(frozen=True)
class Resolved:
    """A parameter mapping read once.

    Attributes
    ----------
    setting : Setting
    problem : Problem or None
        The latent set, when the parameters name one (full, random, file, code);
        ``None`` where ``K`` is only a size (assumption A's closed forms).
    lam_facts : dict
        ``lam``, ``threshold``, ``threshold_equation`` when ``lam_over_threshold``
        was given (the results row shows them), else empty.
    """

    setting: Setting
    problem: Problem | None
    lam_facts: dict = field(default_factory=dict)

    def require_problem(self) -> Problem:
        if self.problem is None:
            raise InvalidInput("K", "a latent set (full, or random with seed, code or latent_file)", self.setting.K)
        return self.problem


def _K(value):
    if isinstance(value, str) and value.strip().lower() in FULL_WORDS:
        return None
    return value


def resolve_lam(params: Mapping, get) -> tuple[object, dict]:
    """``(lam, facts)``: ``lam`` as given, or ``lam_over_threshold`` times the governing λ threshold.

    The governing threshold is :attr:`fctheory.predict.LambdaThresholds.governing`
    (type I's ``H'(0) = 0``, theorem 1, for uniform μ; eq. 9, type III, otherwise);
    the product is rounded to 6 significant digits (a λ one can type) and the row records
    ``lam``, ``threshold`` and ``threshold_equation``.
    """
    if "lam_over_threshold" not in params:
        return get("lam"), {}
    if params.get("lam") is not None:
        raise InvalidInput("lam/lam_over_threshold", "one of the two", f"{params['lam']}, {params['lam_over_threshold']}")
    from .._precision import decimal_string, fraction_to_mpf
    from ..setting import to_fraction
    from ..predict import lambda_thresholds

    frac = to_fraction("lam_over_threshold", params["lam_over_threshold"], InvalidInput)  # exact, never evaluated
    if frac <= 0:
        raise InvalidInput("lam_over_threshold", "a number > 0", params["lam_over_threshold"])
    probe = Setting(get("n_c"), get("s_c"), get("L"), 1, K=_K(get("K")), mu=get("mu") or "uniform")
    which = lambda_thresholds(probe, dps=30).governing
    import mpmath

    with mpmath.workdps(30):
        lam = decimal_string(which.value * fraction_to_mpf(frac), LAM_DIGITS)
        value = float(which.value)
    return lam, {"lam": lam, "threshold": value, "threshold_equation": which.equation}


def resolve_setting(params: Mapping, *, defaults: Mapping | None = None, K_default: str = "full",
                    latent: str = "random", required=("n_c", "s_c", "L", "lam")) -> Resolved:
    """Read the setting and latent-set parameters of ``params`` into a :class:`Resolved`.

    Parameters
    ----------
    params : mapping
        The operation's parameters (the vocabulary above).
    defaults : mapping, optional
        Defaults of absent setting keys (:func:`paper_defaults` for ``predict``).
    K_default : {"full", "default"}
        An absent ``K`` without a latent set: the full set, or ``defaults["K"]`` where ``n_c`` and ``L``
        are the defaults' too (the paper's ``K = 1000`` belongs to its ``[3]^15``; other sizes get the
        full set).
    latent : {"random", "size", "none"}
        What a ``K < n_c**L`` without ``code``/``latent_file`` means: a random
        subset drawn with ``seed`` (``"random"``), a size only (``"size"``:
        assumption A's closed forms), or nothing (``"none"``: the full set only).
    required : tuple
        Keys that must be given (or defaulted).
    """
    defaults = dict(defaults or {})
    get = lambda key: params.get(key, defaults.get(key))  # noqa: E731
    for key in required:
        if get(key) is None and not (key == "lam" and "lam_over_threshold" in params):
            raise InvalidInput(key, "given (a flag, or a key in [grid], [fixed] or [[cases]])")
    code, path = params.get("code"), params.get("latent_file")
    if code is not None and path is not None:
        raise InvalidInput("code/latent_file", "at most one of the two", f"{code}, {path}")
    paper_sizes = all(get(k) == defaults.get(k) for k in ("n_c", "L"))
    K = _K(params.get("K", defaults.get("K") if K_default == "default" and paper_sizes else None))
    lam, facts = resolve_lam(params, lambda key: K if key == "K" else get(key))
    fields = dict(K=K, d=get("d"), mu=get("mu") or "uniform")
    if code is not None or path is not None:
        base = Setting(get("n_c"), get("s_c"), get("L"), lam, **dict(fields, K=None))  # the other fields first
        if code is not None:
            source = LatentSource.code(require_str("code", code))
            require_code_shape(source.code, base.n_c, base.L)
        else:
            source = LatentSource.file(require_str("latent_file", path))
        problem = Problem.sized_by_set(base, source)
        given = params.get("K")
        full = _K(given) is None and given is not None
        if given is not None and (full or given != problem.K) and not (full and problem.K == base.n_latent_full):
            raise InvalidInput("K", f"the number of latent variables of {source.describe()}, {problem.K}",
                               f"full = {base.n_latent_full}" if full else given)
        return Resolved(problem.setting, problem, facts)
    setting = Setting(get("n_c"), get("s_c"), get("L"), lam, **fields)
    if latent == "size":
        return Resolved(setting, None, facts)  # assumption A's closed forms: K is a size, no set is built
    if setting.is_full:
        return Resolved(setting, Problem(setting), facts)
    if latent == "random":
        return Resolved(setting, Problem(setting, LatentSource.random(setting.K, seed=require_seed(
            "seed", params.get("seed", 0)))), facts)
    raise InvalidInput("K", "the full set n_c**L", setting.K)


def require_code_shape(name: str, n_c: int, L: int) -> None:
    from ..latent import named_code

    c = named_code(name)
    if (c.q, c.L) != (n_c, L):
        raise InvalidInput("code", f"a code over n_c = {n_c} symbols of length L = {L} "
                                   f"(n_c = {c.q}, L = {c.L} for {name})", f"{name} (q = {c.q}, L = {c.L})")


def require_choice(params: Mapping, key: str, choices, default):
    """``params[key]`` (default ``default``) if it is one of ``choices``."""
    return require_one_of(key, params.get(key, default), choices)
