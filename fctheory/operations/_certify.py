"""``certify`` (theorem G against the prediction) and ``claim-h`` (appendix G, solver-free) as operation specs."""

from __future__ import annotations

from dataclasses import dataclass, field

from .._precision import decimal_string
from .._validate import MAX_DPS, MIN_DPS, require_bool
from ..errors import InvalidInput
from ..problem import Problem
from ._params import LATENT_HELP, SETTING_HELP, optional_int, require_choice, resolve_setting

__all__ = ["CertifySpec", "CertifyReport", "ClaimHSpec", "ClaimHReport", "CLAIM_H_SCAN_DPS"]

#: Default digits of a ``claim-h`` job (the conjecture sweep's solver-free scan).
CLAIM_H_SCAN_DPS = 25
SETTING_NO_D = tuple(h for h in SETTING_HELP if h[0] != "d")
CERTIFY_HELP = SETTING_NO_D + LATENT_HELP + (
    ("solver", "CLARABEL (default) or SCS"), ("nuclear_form", "blocks (default) or joint"),
    ("method", "auto (default: cvxpy when small), cvxpy or first-order"), ("dps", "digits of the prediction (default 30)"),
    ("claim_h_dps", "also claim H at this many digits at the type-III point (claim_h_mp_ratio_minus_1)"),
    ("train", "also train network h (d = min(n_w, K L) + 1) and compare its minimum (default false)"))
CERTIFY_OUTPUTS = ("optimal_value", "solver_status", "gap", "predicted_value", "difference", "lower_bound",
                   "prediction", "verdict", "gradient_ratio", "d_difference", "general_lambda_threshold", "latent_set",
                   "sphere_sizes", "certificate", "excess", "solver_gap", "exp_cones", "claim_h_mp_ratio_minus_1",
                   "trained")
CLAIM_H_OUTPUTS = ("K", "c", "r", "claim_h_mp_ratio_minus_1", "holds", "dps")


@dataclass(frozen=True)
class CertifyReport:
    """Theorem G's certified optimum beside the prediction (the JSON of ``fctheory certify``).

    Attributes
    ----------
    certificate : Certificate
    comparison : Comparison
    threshold : GeneralThreshold
        ``||∇f(0)||_op``: D = 0 is optimal iff λ is at or above it (claim H).
    latent_set : str
        The latent set's description.
    profile : SphereSizes or None
        The latent set's |S_r| (H_Z), off the full set.
    claim_h : str or None
        ``||∇f(D_III)||_op / λ - 1`` at ``claim_h_dps`` digits.
    trained : dict or None
        A trained network h against the certificate (``train = true``).
    lam_facts : dict
    """

    certificate: object
    comparison: object
    threshold: object
    latent_set: str
    profile: object = None
    claim_h: str | None = None
    trained: dict | None = None
    lam_facts: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        cert, cmp = self.certificate, self.comparison
        return {
            "optimal_value": cert.optimal_value, "solver_status": cert.status, "gap": cert.gap,
            "predicted_value": cmp.predicted_value, "difference": cmp.difference, "lower_bound": cert.lower_bound,
            "prediction": cmp.prediction, "verdict": cmp.verdict, "gradient_ratio": cmp.gradient_ratio,
            "d_difference": cmp.d_difference, "general_lambda_threshold": self.threshold.value_float,
            "latent_set": self.latent_set, "sphere_sizes": None if self.profile is None else self.profile.to_dict(),
            "certificate": cert.to_dict(include_D=False), "excess": cmp.excess, "solver_gap": cert.solver_gap,
            "exp_cones": cert.size.exp_cones, "claim_h_mp_ratio_minus_1": self.claim_h, "trained": self.trained,
            **self.lam_facts,
        }


@dataclass(frozen=True)
class CertifySpec:
    """Theorem G: :func:`fctheory.certify_optimum` and :func:`fctheory.compare_prediction` on a problem.

    The latent set is the full set unless ``K`` draws a random subset (``seed``), or
    ``code`` / ``latent_file`` names one.
    """

    problem: Problem
    solver: str = "CLARABEL"
    nuclear_form: str = "blocks"
    method: str = "auto"
    dps: int = 30
    claim_h_dps: int | None = None
    train: bool = False
    lam_facts: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> "CertifySpec":
        r = resolve_setting(params, latent="random")
        return cls(r.require_problem(), require_choice(params, "solver", ("CLARABEL", "SCS"), "CLARABEL"),
                   require_choice(params, "nuclear_form", ("blocks", "joint"), "blocks"),
                   require_choice(params, "method", ("auto", "cvxpy", "first-order"), "auto"),
                   optional_int(params, "dps", 30, lo=MIN_DPS, hi=MAX_DPS),
                   optional_int(params, "claim_h_dps", None, lo=MIN_DPS, hi=MAX_DPS),
                   require_bool("train", params.get("train", False)), r.lam_facts)

    def run(self) -> CertifyReport:
        from ..certify import certify_optimum, compare_prediction, general_lambda_threshold
        from ..latent import sphere_sizes

        problem, setting = self.problem, self.problem.setting
        source = problem.source.describe()
        cert = certify_optimum(problem, solver=self.solver, nuclear_form=self.nuclear_form, method=self.method)
        profile = None if problem.source.kind == "full" else sphere_sizes(problem.latent, setting.n_c, source=source)
        cmp = compare_prediction(cert, dps=self.dps, sphere_sizes=profile)
        claim = None
        if self.claim_h_dps is not None:
            if not cmp.prediction.startswith("type III"):
                raise InvalidInput("claim_h_dps", "given only where the prediction is type III (full set, non-uniform μ)",
                                   cmp.prediction)
            claim = ClaimHSpec(setting, self.claim_h_dps).ratio_minus_one_text()
        trained = None
        if self.train:
            from ..certify import compare_trained
            from ..train import train_network

            d = min(setting.n_w, setting.K * setting.L) + 1  # theorem G: d > min(n_w, K L)
            seed = problem.source.seed if problem.source.seed is not None else 0
            result = train_network(problem.replace(d=d), seed=seed)
            cmp_t = compare_trained(cert, result.W, result.U)
            trained = dict(cmp_t.to_dict(), d=d, converged=result.converged, reason=result.reason)
        return CertifyReport(cert, cmp, general_lambda_threshold(problem), source, profile, claim, trained,
                             self.lam_facts)

    def cost(self) -> float:
        """Estimated seconds: ~2e-4 s per exponential cone of the conic program (measured: 1152 cones,
        K = 12 of [3]^3, solved by Clarabel in 0.22 s; 2-core machine shared with other jobs)."""
        from ..certify import problem_size

        return 0.5 + 2e-4 * problem_size(self.problem, self.nuclear_form).exp_cones


@dataclass(frozen=True)
class ClaimHReport:
    """Claim H at theorem 2's type-III point: ``||∇f(D_III)||_op / λ - 1`` to ``dps`` digits.

    ``holds`` when the ratio minus one is ``<= 10**-(dps - 5)`` (rounding at ``dps`` digits).
    """

    K: int
    c: str
    r: list
    ratio_minus_one: str
    holds: bool
    dps: int
    lam_facts: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"K": self.K, "c": self.c, "r": self.r, "claim_h_mp_ratio_minus_1": self.ratio_minus_one,
                "holds": self.holds, "dps": self.dps, **self.lam_facts}


@dataclass(frozen=True)
class ClaimHSpec:
    """Claim H of appendix G alone, without a solver (full set, theorem 2's type-III point)."""

    setting: object
    dps: int = CLAIM_H_SCAN_DPS
    lam_facts: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> "ClaimHSpec":
        r = resolve_setting(params, latent="none", required=("n_c", "s_c", "L", "lam", "mu"))
        return cls(r.setting, optional_int(params, "dps", CLAIM_H_SCAN_DPS, lo=MIN_DPS, hi=MAX_DPS), r.lam_facts)

    def _ratio(self):
        from ..certify import claim_h_ratio
        from ..predict import predict_type3

        p3 = predict_type3(self.setting, dps=self.dps + 20)
        return p3, claim_h_ratio(self.setting, p3.c, p3.r, dps=self.dps).ratio_minus_one

    def ratio_minus_one_text(self) -> str:
        return decimal_string(self._ratio()[1], 3)

    def run(self) -> ClaimHReport:
        import mpmath

        p3, ratio = self._ratio()
        with mpmath.workdps(self.dps):
            holds = bool(ratio <= mpmath.mpf(10) ** -(self.dps - 5))
            c, r = decimal_string(p3.c, 15), [decimal_string(x, 15) for x in p3.r]
            text = decimal_string(ratio, 3)
        return ClaimHReport(self.setting.K, c, r, text, holds, self.dps, self.lam_facts)

    def cost(self) -> float:
        """Estimated seconds: theorem 2's point at dps + 20 and the claim-H norm, ~0.04 s per word and
        position at 25 digits (measured 0.44 s for (n_c, s_c, L) = (2, 2, 2) and 0.64 s for (3, 3, 3),
        Zipf, idle; estimated 0.46 s and 0.66 s)."""
        return 0.3 + 0.04 * self.setting.s_c * self.setting.L * (self.dps / 25) ** 2
