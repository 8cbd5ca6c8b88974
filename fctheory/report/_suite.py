"""Validation suites: TOML files listing the cases ``fctheory validate`` runs.

A suite has one ``[suite]`` table (name, description, tolerance, zero_tolerance, dps, certify) and
one ``[[case]]`` table per case (docs/validation.md, "Suites", gives the format).  Kinds:
``type1`` (theorem 1), ``type2`` (theorem 3), ``type3`` (theorem 2), ``trivial`` (above the λ
threshold: W = U = 0), ``code`` (lemma B: H_Z or H*_Z of a named code) and ``reproduce`` (one of
the paper's experiments).  Numbers are read exactly (strings as fractions/decimals, never
evaluated); every case is checked when the suite is loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .._io import read_toml
from .._validate import (NETWORKS, require_bool, require_one_of, require_optional_int, require_real, require_seed,
                         require_str)
from ..errors import InvalidInput
from ..operations import Resolved, resolve_setting
from ..setting import Setting

__all__ = ["CaseSpec", "Suite", "load_suite", "find_suite", "suite_dirs", "shipped_suites", "KINDS"]

KINDS = {
    "type1": ("theorem 1", "h"),
    "type2": ("theorem 3", "h*"),
    "type3": ("theorem 2", "h"),
    "trivial": ("lambda threshold", "h"),
    "code": ("lemma B (codes)", "h"),
    "reproduce": ("paper experiments", None),
}
_CASE_KEYS = {"name", "kind", "n_c", "s_c", "L", "d", "lam", "lam_over_threshold", "mu", "seeds", "init_scale",
              "code", "network", "note", "experiment", "optimizer", "quick", "n_spl"}
#: Keys of a ``kind = "reproduce"`` case (one of the paper's experiments, :mod:`fctheory.reproduce`).
_REPRODUCE_KEYS = {"name", "kind", "experiment", "optimizer", "quick", "n_spl", "seeds", "note"}
_SUITE_KEYS = {"name", "description", "tolerance", "zero_tolerance", "dps", "certify"}


@dataclass(frozen=True)
class CaseSpec:
    """One case of a suite (before expansion over seeds).

    ``lam`` is ``None`` when the case gives ``lam_over_threshold`` instead
    (resolved against the predicted threshold when the case runs).
    """

    name: str
    kind: str
    theorem: str
    network: str
    n_c: int
    s_c: int
    L: int
    d: int
    lam: str | None
    lam_over_threshold: float | None
    mu: object
    seeds: tuple
    init_scale: float
    code: str | None
    note: str
    experiment: str | None = None
    optimizer: str | None = None
    quick: bool = False
    n_spl: int | None = None

    def params(self) -> dict:
        """The case's setting in the operations' vocabulary (:mod:`fctheory.operations`)."""
        params = {"n_c": self.n_c, "s_c": self.s_c, "L": self.L, "d": self.d, "mu": self.mu, "code": self.code}
        if self.lam_over_threshold is None:
            return dict(params, lam=self.lam)
        return dict(params, lam_over_threshold=self.lam_over_threshold)

    def resolve(self) -> Resolved:
        """The case's setting (and a code's latent set; the full set is built only when the case
        runs), read once by :func:`fctheory.operations.resolve_setting`; ``lam_over_threshold`` is
        resolved against the governing λ threshold (type I for uniform μ, eq. 9 otherwise)."""
        return resolve_setting(self.params(), latent="size")

    def to_dict(self) -> dict:
        return {name: (list(v) if isinstance(v, tuple) else v) for name, v in self.__dict__.items()}


@dataclass(frozen=True)
class Suite:
    """A parsed suite: metadata, tolerances and cases."""

    name: str
    description: str
    path: str
    tolerance: float
    zero_tolerance: float
    dps: int
    cases: tuple = field(default_factory=tuple)
    certify: bool = False

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "path": self.path,
                "tolerance": self.tolerance, "zero_tolerance": self.zero_tolerance, "dps": self.dps,
                "certify": self.certify, "cases": [c.to_dict() for c in self.cases]}


def suite_dirs() -> list[Path]:
    """Where suite names are looked up, in order: ``./validation/suites`` (a
    project's own suites) and the suites installed with the package
    (``fctheory/suites``; in the source tree ``validation/suites`` links there)."""
    here = Path(__file__).resolve().parent.parent  # fctheory/
    return [Path.cwd() / "validation" / "suites", here / "suites"]


def find_suite(name_or_path: str) -> Path:
    """Resolve ``--suite NAME|FILE`` to a file."""
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise InvalidInput("--suite", "a suite name or a .toml path", name_or_path)
    text = os.fspath(name_or_path)
    candidate = Path(text)
    if text.endswith(".toml") or os.sep in text or "/" in text:
        if candidate.is_file():
            return candidate
        raise InvalidInput("--suite", "an existing .toml file or a suite name", text)
    if not text.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput("--suite", "a suite name (letters, digits, - and _) or a .toml file", text)
    for directory in suite_dirs():
        path = directory / f"{text}.toml"
        if path.is_file():
            return path
    names = sorted({p.stem for d in suite_dirs() if d.is_dir() for p in d.glob("*.toml")})
    raise InvalidInput("--suite", "one of " + (", ".join(names) if names else "(no suites found)") + " or a .toml file", text)


def shipped_suites() -> list[tuple[str, str, int]]:
    """``(name, description, number of cases)`` of every suite :func:`find_suite` finds by name
    (a project's ``validation/suites`` first, then the installed ones)."""
    seen: dict = {}
    for directory in suite_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            if path.stem in seen:
                continue
            try:
                suite = load_suite(str(path))
                seen[path.stem] = (path.stem, suite.description, len(suite.cases))
            except InvalidInput as exc:
                seen[path.stem] = (path.stem, f"(unreadable: {exc})", 0)
    return list(seen.values())


def _need(table: dict, key: str, where: str, types, allowed: str):
    if key not in table:
        raise InvalidInput(f"{where}.{key}", allowed, None, detail="missing")
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, types):
        raise InvalidInput(f"{where}.{key}", allowed, value)
    return value


#: Largest tolerance a suite may set: a check "passes" within it, so a large one would pass everything.
MAX_TOLERANCE = 1e-2
#: Longest case name (it names the case's figure files and the report's sections).
MAX_CASE_NAME = 80


def _positive_float(table: dict, key: str, where: str, default: float, hi: float = 1e6) -> float:
    value = table.get(key, default)
    if isinstance(value, str):
        raise InvalidInput(f"{where}.{key}", f"a number in (0, {hi:g}]", value)
    return require_real(f"{where}.{key}", value, lo=0, lo_open=True, hi=hi)


def _exact_text(value):
    """A TOML number as the exact text :class:`~fctheory.Setting` reads (a float by its repr)."""
    return repr(value) if isinstance(value, float) else str(value)


def _seeds(raw: dict, where: str) -> tuple:
    seeds = raw.get("seeds", [0])
    if not isinstance(seeds, list) or not seeds:
        raise InvalidInput(f"{where}.seeds", "a non-empty list of integers >= 0", seeds)
    return tuple(dict.fromkeys(require_seed(f"{where}.seeds", s) for s in seeds))


def _parse_case(raw: dict, index: int) -> CaseSpec:
    where = f"case[{index}]"
    if not isinstance(raw, dict):
        raise InvalidInput(where, "a table", raw)
    unknown = set(raw) - _CASE_KEYS
    if unknown:
        raise InvalidInput(f"{where}", f"keys among {sorted(_CASE_KEYS)}", sorted(unknown))
    name = _need(raw, "name", where, str, "a non-empty name")
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum() or not name.isascii() \
            or len(name) > MAX_CASE_NAME:
        raise InvalidInput(f"{where}.name", f"at most {MAX_CASE_NAME} ASCII letters, digits, '-', '_' and '.'", name)
    where = f"case {name!r}"
    kind = require_one_of(f"{where}.kind", _need(raw, "kind", where, str, f"one of {sorted(KINDS)}"), sorted(KINDS))
    if kind == "reproduce":
        return _parse_reproduce_case(raw, name, where)
    theorem, network = KINDS[kind]
    if kind == "code" and raw.get("network") in NETWORKS:
        network = raw["network"]
    if raw.get("network", network) != network:
        raise InvalidInput(f"{where}.network", f"{network!r} for kind {kind!r}", raw.get("network"))
    ints = {k: _need(raw, k, where, int, "an integer") for k in ("n_c", "s_c", "L", "d")}
    lam, over = raw.get("lam"), raw.get("lam_over_threshold")
    if (lam is None) == (over is None):
        raise InvalidInput(f"{where}.lam", "given exactly once: lam, or lam_over_threshold (trivial cases)", lam)
    if over is not None:
        if kind != "trivial":
            raise InvalidInput(f"{where}.lam_over_threshold", "used only with kind = 'trivial'", over)
        over = require_real(f"{where}.lam_over_threshold", _need(raw, "lam_over_threshold", where, (int, float),
                                                                  "a number > 1"), lo=1, lo_open=True, hi=1e6)
    elif isinstance(lam, bool) or not isinstance(lam, (int, float, str)):
        raise InvalidInput(f"{where}.lam", "a number or a decimal/fraction string", lam)
    mu = raw.get("mu", "uniform")
    if not isinstance(mu, (str, list)):
        raise InvalidInput(f"{where}.mu", "'uniform', 'zipf', 'zipf:EXP' or a list of numbers", mu)
    code = raw.get("code")
    if kind == "code":
        code = require_str(f"{where}.code", code)
    spec = CaseSpec(name=name, kind=kind, theorem=theorem, network=network,
                    lam=None if lam is None else _exact_text(lam), lam_over_threshold=over,
                    mu=mu if isinstance(mu, str) else tuple(_exact_text(v) for v in mu), seeds=_seeds(raw, where),
                    init_scale=_positive_float(raw, "init_scale", where, 0.1), code=code if kind == "code" else None,
                    note=str(raw.get("note", "")), **ints)
    _check_preconditions(spec, spec.resolve().setting, where)  # a bad suite fails before any training
    return spec


def _parse_reproduce_case(raw: dict, name: str, where: str) -> CaseSpec:
    """A case that runs one of the paper's experiments (:func:`fctheory.reproduce.reproduce_experiment`):
    ``experiment`` (fig3, fig4a, fig4b, fig4c, k50), optional ``optimizer`` (lbfgs | sgd), ``quick``
    (the reduced sizes), ``n_spl``, ``seeds``.  Its setting is the experiment's."""
    from ..reproduce import EXPERIMENT_NAMES, OPTIMIZERS, experiment, experiment_setting

    unknown = set(raw) - _REPRODUCE_KEYS
    if unknown:
        raise InvalidInput(where, f"keys among {sorted(_REPRODUCE_KEYS)} for kind 'reproduce'", sorted(unknown))
    name_ = require_one_of(f"{where}.experiment", _need(raw, "experiment", where, str, "one of "
                                                        + ", ".join(EXPERIMENT_NAMES)), EXPERIMENT_NAMES)
    optimizer = require_one_of(f"{where}.optimizer", raw.get("optimizer", "lbfgs"), OPTIMIZERS)
    quick = require_bool(f"{where}.quick", raw.get("quick", False))
    n_spl = require_optional_int(f"{where}.n_spl", raw.get("n_spl"), lo=1, hi=10**6)
    exp = experiment(name_)
    setting = experiment_setting(exp, quick=quick)
    return CaseSpec(name=name, kind="reproduce", theorem=KINDS["reproduce"][0], network=exp.network,
                    n_c=setting.n_c, s_c=setting.s_c, L=setting.L, d=setting.d, lam=str(setting.lam),
                    lam_over_threshold=None, mu=exp.mu, seeds=_seeds(raw, where), init_scale=0.1,
                    code=None, note=str(raw.get("note", "")), experiment=name_, optimizer=optimizer, quick=quick,
                    n_spl=n_spl)


def _check_preconditions(spec: CaseSpec, setting: Setting, where: str) -> None:
    """The hypotheses of the theorem a case tests, checked when the suite is loaded (a misconfigured
    case must not be reported as a failure of the theorem): theorem 1 needs uniform μ; type II
    (theorem 3) a mean-zero frame, d >= n_c; types I and III need λ below the governing threshold
    (:attr:`fctheory.predict.LambdaThresholds.governing`: theorem 1's λ_I for uniform μ, eq. 9
    otherwise) and ``trivial`` cases λ at or above it."""
    from .._precision import decimal_string
    from ..predict import lambda_thresholds

    if spec.kind == "code":
        return
    if spec.kind == "type1" and not setting.mu.is_uniform:
        raise InvalidInput(f"{where}.mu", "'uniform' for kind 'type1' (theorem 1 assumes uniform word frequencies; "
                                          "a Zipf law is kind 'type3', theorem 2)", spec.mu if isinstance(spec.mu, str) else "a list")
    if spec.kind == "type2" and spec.d < spec.n_c:
        raise InvalidInput(f"{where}.d", f"an integer >= n_c = {spec.n_c} for kind 'type2' (theorem 3 needs a "
                                         "mean-zero equiangular frame)", spec.d)
    if spec.lam is None or spec.kind == "type2":
        return
    which = lambda_thresholds(setting, dps=15).governing
    name = "the type-I threshold λ_I (theorem 1)" if which.equation.startswith("theorem 1") else "the type-III threshold (eq. 9)"
    value = decimal_string(which.value, 6)
    if spec.kind in ("type1", "type3") and not which.lam_below:
        raise InvalidInput(f"{where}.lam", f"below {name} = {value} for kind {spec.kind!r} "
                                           "(above it the minimizer is W = U = 0: kind 'trivial')", spec.lam)
    if spec.kind == "trivial" and which.lam_below:
        raise InvalidInput(f"{where}.lam", f"at or above {name} = {value} for kind 'trivial'", spec.lam)


def load_suite(name_or_path: str = "default") -> Suite:
    """Read and validate a suite by name (see :func:`suite_dirs`) or path.

    Raises
    ------
    InvalidInput
        Naming the offending key when the file is malformed.
    """
    path = find_suite(name_or_path)
    data = read_toml(path, "--suite", allowed="a valid TOML file")
    meta = data.get("suite", {})
    if not isinstance(meta, dict):
        raise InvalidInput("suite", "a [suite] table", meta)
    unknown = set(meta) - _SUITE_KEYS
    if unknown:
        raise InvalidInput("suite", f"keys among {sorted(_SUITE_KEYS)}", sorted(unknown))
    extra = set(data) - {"suite", "case"}
    if extra:
        raise InvalidInput(str(path), "only [suite] and [[case]] tables", sorted(extra))
    raw_cases = data.get("case", [])
    if not isinstance(raw_cases, list) or not raw_cases:
        raise InvalidInput("case", "at least one [[case]] table", raw_cases)
    cases = tuple(_parse_case(raw, i) for i, raw in enumerate(raw_cases))
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise InvalidInput("case.name", "unique case names", sorted({n for n in names if names.count(n) > 1}))
    dps = meta.get("dps", 30)
    if isinstance(dps, bool) or not isinstance(dps, int) or not 15 <= dps <= 1000:
        raise InvalidInput("suite.dps", "an integer in [15, 1000]", dps)
    certify = meta.get("certify", False)
    if not isinstance(certify, bool):
        raise InvalidInput("suite.certify", "true or false", certify)
    return Suite(
        certify=certify,
        name=str(meta.get("name", path.stem)), description=str(meta.get("description", "")), path=str(path),
        tolerance=_positive_float(meta, "tolerance", "suite", 1e-8, MAX_TOLERANCE),
        zero_tolerance=_positive_float(meta, "zero_tolerance", "suite", 1e-8, MAX_TOLERANCE), dps=dps, cases=cases,
    )
