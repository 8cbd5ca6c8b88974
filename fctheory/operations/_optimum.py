"""``predict optimum``: the exact large-sample optimum of network h for a latent set (theorem G, reduced)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .._validate import require_real, require_str
from ..problem import Problem
from ._params import LATENT_HELP, SETTING_HELP, optional_int, resolve_setting

__all__ = ["OptimumSpec", "OPTIMUM_HELP", "OPTIMUM_OUTPUTS"]

OPTIMUM_HELP = SETTING_HELP + LATENT_HELP + (
    ("rel_gap", "certified relative gap to reach (default 1e-9)"), ("max_iter", "L-BFGS iterations at most (default 2000)"),
    ("save", "write the minimizer's W, U (d dimensions), latent and mu to this .npz"))
OPTIMUM_OUTPUTS = ("min_risk", "lower_bound", "gap", "relative_gap", "certified", "status", "word_norms", "u_norm_mean",
                   "u_norm_std", "u_norm_min", "u_norm_max", "u_frobenius", "w_frobenius", "rank", "singular_values",
                   "lambda_threshold", "iterations", "seconds", "theorem", "latent", "saved")


@dataclass(frozen=True)
class OptimumReport:
    """:class:`fctheory.certify.OptimumResult` and where its weights were saved."""

    result: object
    saved: str | None = None
    lam_facts: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {**self.result.to_dict(), "saved": self.saved, **self.lam_facts}


@dataclass(frozen=True)
class OptimumSpec:
    """:func:`fctheory.predict_optimum` on a problem: the global minimum of R for network h and uniform
    words, certified by a Fenchel-dual bound, for the full set, a random subset (``K`` + ``seed``), a
    code or a latent file.  Defaults are the paper's sizes with a random ``K = 1000`` set."""

    problem: Problem
    rel_gap: float = 1e-9
    max_iter: int = 2000
    save: str | None = None
    lam_facts: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> "OptimumSpec":
        from ._params import paper_defaults

        r = resolve_setting(params, defaults=paper_defaults(), K_default="default", latent="random")
        save = params.get("save")
        return cls(r.require_problem(), require_real("rel_gap", params.get("rel_gap", 1e-9), lo=0, hi=1,
                                                     lo_open=True, hi_open=True),
                   optional_int(params, "max_iter", 2000, lo=1, hi=10**6),
                   None if save is None else require_str("save", save), r.lam_facts)

    def run(self) -> OptimumReport:
        from ..certify import predict_optimum

        result = predict_optimum(self.problem, rel_gap=self.rel_gap, max_iter=self.max_iter)
        if self.save is not None:
            result.save_weights(self.save)
        return OptimumReport(result, self.save, self.lam_facts)

    def cost(self) -> float:
        """Estimated seconds: ~2 s at K = 1000, growing like K^2 (measured at the paper's sizes, load 4-6:
        1.4-2.0 s at K = 1000, 16 s at K = 3000, 31 s at K = 4000)."""
        return 0.1 + 2.0 * (self.problem.K / 1000) ** 2
