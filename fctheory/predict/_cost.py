"""What a certified prediction costs, estimated before it runs, and the limit above which it is refused.

The predictions are exact rational decisions followed by mpmath root solves and interval proofs;
their cost is set by the word law and the precision, not by ``K`` or ``L`` (the closed forms sum
over them).  The model, in seconds on a 2-core machine (idle, CPython 3.11, mpmath with Python
integers), is the sum of

* the exact word law (:meth:`fctheory.WordLaw.exact`): a Zipf law with an integer exponent ``k``
  is ``s_c`` fractions over a common denominator of about ``B = 1.4427 k s_c`` bits (the
  ``k``-th power of lcm(1..s_c)); summing them costs ``c_law s_c B**2`` (gcd of ``B``-bit
  integers per term), paid each time the law is read;
* eq. 9 (:func:`type3_threshold`): for a rational law the exact sum of the squares
  ``sum_b mu_b**2`` costs ``c_sq s_c (2B)**2``; for an irrational law the same sum in
  interval arithmetic costs ``c_iv s_c f(dps)``;
* theorem 2's solver and proof (:func:`predict_type3`): ``f(dps) (c_word s_c + c_group G)``
  with ``G`` the number of distinct word frequencies (1 for uniform words, ``s_c`` for Zipf);
* theorems 1 and 3 (:func:`predict_type1`, :func:`predict_type2`): a few mpmath solves,
  ``c_1 f(dps)`` (plus ``L`` terms per evaluation for a latent set's own sphere sizes);

with the precision factor ``f(dps) = 0.538 + 0.407 (dps/30) + 0.0548 (dps/30)**2`` (1 at 30 digits,
2.5 at 100, 10 at 300, 75 at 1000: mpmath's elementary functions cost about ``dps**2`` at high
precision).  ``benchmarks/bench_predict_cost.py`` prints estimate beside measurement; on a 2-core
machine, idle, measured / estimated was 0.7-1.8 for ``predict_type3`` (uniform, ``zipf:1``,
``zipf:1.5``; ``s_c`` 30 to 3000; dps 30 to 1000: e.g. ``zipf:1.5``, ``s_c = 3000``: 5.97 s for
6.51 s estimated), 0.69-0.96 for the thresholds (``zipf:1``, ``s_c = 6000``: 4.62 s for 6.7 s) and
0.2-1.4 for theorems 1 and 3 (well under a second).  Under load from other processes the
measurements double.  The estimate decides whether to show progress (:data:`PROGRESS_SECONDS`) and
whether to refuse (:data:`MAX_PREDICT_SECONDS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .._validate import require_dps, require_one_of
from ..setting import require_setting
from ..errors import ProblemTooLarge
from ..setting import Setting

__all__ = ["PREDICTION_KINDS", "PROGRESS_SECONDS", "MAX_PREDICT_SECONDS", "CostEstimate", "estimate_cost",
           "estimate_seconds", "require_affordable"]

#: The predictions whose cost is estimated.
PREDICTION_KINDS = ("type1", "type2", "type3", "threshold")
#: A front-end shows progress on stderr for a prediction estimated to take longer than this (seconds).
PROGRESS_SECONDS = 5.0
#: A prediction estimated to take longer than this (seconds, on a 2-core machine) is refused before it
#: starts, with the estimate in the message (docs/limits.md).
MAX_PREDICT_SECONDS = 600.0

# Calibration (seconds; module docstring).
_C_LAW = 0.9e-12  # per word per squared bit of the exact law, all reads of one prediction together
_C_SQ = 3.5e-12  # per word per squared bit of the exact sum of squares (eq. 9)
_C_IV = 0.7e-4  # per word, eq. 9 in interval arithmetic (irrational law), at 30 digits
_C_WORD = 0.5e-3  # per word, theorem 2's solver and proof, at 30 digits
_C_GROUP = 1.6e-3  # per distinct word frequency, theorem 2's solver and proof, at 30 digits
_C_UNIFORM_LAW = 2e-6  # per word, the s_c fractions 1/s_c of a uniform law (a few reads)
_C_TYPE1, _C_TYPE2 = 0.01, 0.03  # theorems 1 and 3 at 30 digits
_C_PROFILE_TERM = 1e-4  # per sphere size |S_r| of a latent set's own profile, at 30 digits


def precision_factor(dps: int) -> float:
    """``f(dps)``: the cost of mpmath arithmetic at ``dps`` digits relative to 30 digits (module docstring)."""
    x = dps / 30.0
    return 0.538 + 0.407 * x + 0.0548 * x * x


@dataclass(frozen=True)
class CostEstimate:
    """The estimated cost of one prediction.

    Attributes
    ----------
    kind : str
        One of :data:`PREDICTION_KINDS`.
    seconds : float
        Estimated wall time on a 2-core machine (right within a factor of about 2).
    parts : dict of str to float
        The terms of the model (``"word law"``, ``"eq. 9"``, ``"solver"``), in seconds.
    show_progress : bool
        ``seconds > PROGRESS_SECONDS``.
    affordable : bool
        ``seconds <= MAX_PREDICT_SECONDS``.
    """

    kind: str
    seconds: float
    parts: dict
    show_progress: bool
    affordable: bool

    def to_dict(self) -> dict:
        return {"kind": self.kind, "seconds": self.seconds, "parts": dict(self.parts),
                "show_progress": self.show_progress, "affordable": self.affordable}


def _law_terms(setting: Setting, dps: int) -> tuple[float, float, int]:
    """``(exact-law seconds, eq. 9 seconds, distinct frequencies G)`` of the setting's word law."""
    mu, s_c = setting.mu, setting.s_c
    if mu.is_uniform:
        return _C_UNIFORM_LAW * s_c, 0.0, 1
    if mu.kind == "zipf":
        exponent = mu.exponent
        if exponent.denominator != 1:  # irrational: mpmath powers, eq. 9 in interval arithmetic
            return 0.0, _C_IV * s_c * precision_factor(dps), s_c
        bits = 1.4427 * float(exponent) * s_c  # log2 of lcm(1..s_c)**k
        return _C_LAW * s_c * bits * bits, _C_SQ * s_c * (2 * bits) ** 2, s_c
    values = mu.values  # explicit: already exact (the reads are free); the sum of squares is not
    bits = max(v.denominator.bit_length() for v in values)
    return 0.0, _C_SQ * s_c * (2 * bits) ** 2, len(set(values))


def estimate_cost(kind: str, setting, dps: int = 30, *, sphere_sizes=None) -> CostEstimate:
    """The estimated cost of ``predict_<kind>`` (``"threshold"``: :func:`lambda_thresholds`) on ``setting``.

    Cheap (no exact sum is formed); see the module docstring for the model.

    Parameters
    ----------
    kind : {"type1", "type2", "type3", "threshold"}
    setting : Setting
    dps : int
    sphere_sizes : SphereSizes, optional
        A latent set's own profile (theorems 1 and 3 then sum its ``L`` terms).
    """
    kind = require_one_of("kind", kind, PREDICTION_KINDS)
    setting = require_setting(setting)
    dps = require_dps(dps)
    f = precision_factor(dps)
    parts: dict[str, float] = {}
    if kind in ("type1", "type2"):
        terms = 0 if sphere_sizes is None or sphere_sizes.counts is None else len(sphere_sizes.counts)
        parts["solver"] = ((_C_TYPE1 if kind == "type1" else _C_TYPE2) + _C_PROFILE_TERM * terms) * f
    else:
        law, eq9, groups = _law_terms(setting, dps)
        if setting.is_full:  # eq. 9 and theorem 2 are stated for the full set only
            parts["word law"] = law
            parts["eq. 9"] = eq9
        if kind == "type3":
            parts["solver"] = f * (_C_WORD * setting.s_c + _C_GROUP * groups)
    seconds = float(sum(parts.values()))
    return CostEstimate(kind, seconds, parts, seconds > PROGRESS_SECONDS, seconds <= MAX_PREDICT_SECONDS)


def estimate_seconds(kind: str, setting, dps: int = 30, *, sphere_sizes=None) -> float:
    """:func:`estimate_cost`'s ``seconds``: the estimated wall time of one prediction."""
    return estimate_cost(kind, setting, dps, sphere_sizes=sphere_sizes).seconds


_WHAT = {"type1": "the type-I prediction (theorem 1)", "type2": "the type-II prediction (theorem 3)",
         "type3": "the type-III prediction (theorem 2)", "threshold": "the computation of the λ thresholds (theorem 1, eq. 9)"}


def require_affordable(kind: str, setting, dps: int = 30, *, sphere_sizes=None) -> CostEstimate:
    """The cost estimate, if within :data:`MAX_PREDICT_SECONDS`; otherwise ProblemTooLarge with the estimate."""
    cost = estimate_cost(kind, setting, dps, sphere_sizes=sphere_sizes)
    if not cost.affordable:
        terms = ", ".join(f"{name} {seconds:.3g} s" for name, seconds in cost.parts.items() if seconds > 0)
        raise ProblemTooLarge(_WHAT[kind], f"an estimated {cost.seconds:.3g} s on a 2-core machine ({terms})",
                              f"{MAX_PREDICT_SECONDS:g} s (docs/limits.md)",
                              f"s_c = {setting.s_c} words, {setting.mu.spec()} law, dps = {dps}; "
                              "use a smaller s_c or dps")
    return cost
