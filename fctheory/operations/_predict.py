"""``predict type1|type2|type3|threshold``: theorems 1-3 and the λ thresholds as one operation spec."""

from __future__ import annotations

from dataclasses import dataclass, field

from .._validate import MAX_DPS, MIN_DPS
from ..errors import InvalidInput, NoNontrivialSolution
from ..problem import Problem
from ..setting import Setting
from ._params import DPS_HELP, LATENT_HELP, SETTING_HELP, optional_int, paper_defaults, resolve_setting

__all__ = ["PredictSpec", "PredictOutcome", "PREDICT_KINDS", "GENERAL_THRESHOLD_MAX_K"]

PREDICT_KINDS = ("type1", "type2", "type3", "threshold")
#: Largest full set for which ``predict threshold`` also computes theorem G's ``||∇f(0)||_op``.
GENERAL_THRESHOLD_MAX_K = 2**16
#: Seconds per latent row and position of a set's sphere sizes |S_r| (lemma B (i)): measured 0.062 s for
#: K = 1000 and 0.119 s for K = 3000 at L = 15 (random sets, one BLAS thread, load 0.2).
SPHERE_SIZES_SECONDS = 4e-6
#: What each kind states (help texts).
DESCRIPTIONS = {"type1": "theorem 1", "type2": "theorem 3", "type3": "theorem 2 (eq. 7-8)",
                "threshold": "the λ thresholds (eq. 9, H'(0) = 0, theorem G)"}
KEY_HELP = SETTING_HELP + (DPS_HELP,) + LATENT_HELP + (
    ("latent", "'model' (assumption A's sizes, default) or 'random' (H_Z of the seed's random set)"),)
SUMMARY = {"type1": ("tau", "risk"), "type2": ("tau", "risk"), "type3": ("c", "risk"), "threshold": ("type1", "type3")}
OUTPUTS = {
    "type1": ("theorem", "trivial", "tau", "word_norm", "u_norm", "risk", "lambda_threshold", "residual", "enclosures",
              "dps", "setting", "sphere_sizes"),
    "type2": ("theorem", "tau", "u_norm", "risk", "residual", "enclosures", "dps", "setting", "sphere_sizes"),
    "type3": ("theorem", "c", "r", "risk", "lambda_threshold", "residual", "enclosures", "dps", "setting"),
    "threshold": ("type1", "type3", "agree", "dps", "setting", "general"),
}


@dataclass(frozen=True)
class PredictOutcome:
    """A prediction with what the operation adds: theorem G's threshold (``threshold`` only), the λ facts.

    Attributes
    ----------
    kind : str
        ``type1``, ``type2``, ``type3`` or ``threshold``.
    prediction : TypeIPrediction, TypeIIPrediction, TypeIIIPrediction or LambdaThresholds
    general : dict or None
        ``{"value", "equation"}`` of ``||∇f(0)||_op`` on a full set up to :data:`GENERAL_THRESHOLD_MAX_K`.
    lam_facts : dict
    profile_exact : bool or None
        Whether H_Z's sphere sizes are exact for the latent set (lemma B) — ``None`` under assumption A.
    """

    kind: str
    prediction: object
    general: dict | None = None
    lam_facts: dict = field(default_factory=dict)
    profile_exact: bool | None = None

    def to_dict(self) -> dict:
        out = self.prediction.to_dict()
        if self.kind == "threshold":
            out["general"] = self.general
        return {**out, **self.lam_facts}


@dataclass(frozen=True)
class PredictSpec:
    """One certified prediction.

    Defaults are the paper's (section 5: ``n_c = 3, s_c = 400, L = 15, K = 1000, λ = 0.001,
    d = 100``, uniform words) except for ``type3``, which is stated on the full set.  A latent
    set (``code``, ``latent_file``, or ``latent = "random"`` with ``seed``) replaces assumption
    A's sphere sizes by the set's own |S_r| (H_Z, lemma K).
    """

    kind: str
    setting: Setting
    problem: Problem | None
    dps: int = 30
    lam_facts: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, kind: str, params) -> "PredictSpec":
        if kind not in PREDICT_KINDS:
            raise InvalidInput("kind", "one of " + ", ".join(PREDICT_KINDS), kind)
        latent = params.get("latent", "model")
        if latent not in ("model", "random"):
            raise InvalidInput("latent", "'model' (assumption A's closed form) or 'random' (H_Z of a random set)",
                               latent)
        has_set = latent == "random" or params.get("code") is not None or params.get("latent_file") is not None
        if kind == "type3" and has_set:
            raise InvalidInput("latent", "absent for type3 (theorem 2 is stated on the full set)",
                               params.get("code") or params.get("latent_file") or latent)
        r = resolve_setting(params, defaults=paper_defaults(), K_default="full" if kind == "type3" else "default",
                            latent="random" if latent == "random" else "size")
        dps = optional_int(params, "dps", 30, lo=MIN_DPS, hi=MAX_DPS)
        return cls(kind, r.setting, r.problem if has_set else None, dps, r.lam_facts)

    def run(self, *, progress: bool = False) -> PredictOutcome:
        from .. import predict as _p

        profile = None
        if self.problem is not None:
            from ..latent import sphere_sizes

            profile = sphere_sizes(self.problem.latent, self.setting.n_c, source=self.problem.source.describe(),
                                   progress=progress)
        exact = None if profile is None else profile.exact
        if self.kind == "type1":
            try:  # above lambda_I theorem 1's minimizer is W = U = 0: raised, as type III above eq. 9
                result = _p.predict_type1(self.setting, dps=self.dps, sphere_sizes=profile)
            except NoNontrivialSolution as exc:
                raise NoNontrivialSolution(f"{exc}; `fctheory predict threshold` gives both thresholds",
                                           threshold=exc.threshold, risk=exc.risk) from None
            return PredictOutcome(self.kind, result, lam_facts=self.lam_facts, profile_exact=exact)
        if self.kind == "type2":
            return PredictOutcome(self.kind, _p.predict_type2(self.setting, dps=self.dps, sphere_sizes=profile),
                                  lam_facts=self.lam_facts, profile_exact=exact)
        if self.kind == "type3":
            return PredictOutcome(self.kind, _p.predict_type3(self.setting, dps=self.dps), lam_facts=self.lam_facts)
        thresholds = _p.lambda_thresholds(self.setting, dps=self.dps, sphere_sizes=profile)
        return PredictOutcome(self.kind, thresholds, self._general(profile), self.lam_facts, exact)

    def _general(self, profile) -> dict | None:
        """Theorem G's threshold ``||∇f(0)||_op`` (claim H) on the full set, which must equal eq. 9
        (and λ_I for uniform μ); ``None`` off the full set or above :data:`GENERAL_THRESHOLD_MAX_K`."""
        s = self.setting
        if profile is not None or not s.is_full or s.K > GENERAL_THRESHOLD_MAX_K:
            return None
        from .._precision import decimal_string
        from ..certify import general_lambda_threshold

        value = general_lambda_threshold(s, dps=self.dps).value
        return {"value": decimal_string(value, self.dps), "equation": "theorem G, claim H: ||grad f(0)||_op"}

    def cost(self) -> float:
        """Estimated seconds on a 2-core machine, idle: :func:`fctheory.predict.estimate_seconds` (the
        prediction's cost model) plus, for a latent set, its sphere sizes (:data:`SPHERE_SIZES_SECONDS`
        per row and position)."""
        from ..predict import estimate_seconds

        seconds = estimate_seconds(self.kind, self.setting, self.dps)
        if self.problem is not None:
            seconds += SPHERE_SIZES_SECONDS * self.problem.K * self.setting.L
        return seconds
