"""``train`` (the exact risk, network h or h*) and ``reproduce`` (one of the paper's experiments) as operation specs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .._validate import NETWORKS, require_bool, require_one_of, require_real, require_seed, require_str
from ..problem import Problem
from ._params import LATENT_HELP, SETTING_HELP, optional_int, resolve_setting

__all__ = ["TrainSpec", "ReproduceSpec", "TRAIN_OUTPUTS", "REPRODUCE_OUTPUTS"]

TRAIN_HELP = SETTING_HELP + LATENT_HELP + (
    ("network", "'h' (R, eq. 5) or 'h*' (R*, eq. 10)"), ("init_scale", "initial scale (default 0.1)"),
    ("hessian", "Newton-CG products: 'exact' (default), 'fd', or 'auto' (chosen by size)"))
TRAIN_OUTPUTS = ("K", "risk", "grad_norm", "grad_norm_rel", "converged", "reason", "lbfgs_iterations",
                 "newton_iterations", "evaluations", "hvp_evaluations", "hvp_method", "train_seconds", "latent_set",
                 "collapse_verdict", "w_frobenius", "u_frobenius", "within_concept_spread", "equiangular_error",
                 "word_norm_spread", "r_concept_spread", "u_norm_mean", "u_norm_spread", "u_alignment", "r_by_rank",
                 "predicted_theorem", "predicted_risk", "predicted_w_frobenius", "predicted_u_frobenius")
REPRODUCE_HELP = (
    ("experiment", "fig3, fig4a, fig4b, fig4c or k50"), ("optimizer", "lbfgs (default) or sgd"),
    ("seed", "seed of the latent set, the data and the initialisation (default 0)"),
    ("n_spl", "training sentences per class instead of the experiment's"),
    ("epochs", "SGD epochs instead of the paper's (sgd only)"),
    ("gtol", "L-BFGS gradient tolerance (lbfgs only; default 1e-8, in float32 1e-7)"),
    ("maxiter", "L-BFGS iteration limit (lbfgs only)"), ("quick", "the experiment's reduced setting, seconds (true/false)"),
    ("dtype", "float32 or float64 (default: float64 for lbfgs, float32 for sgd)"),
    ("out", "write the files under OUT/seed<S>/<experiment>/ (a path the workers can write)"),
    ("seed_folder", "false: OUT/<experiment>/ without the seed<S> level (default true)"),
    ("progress", "a progress bar on the worker's stderr (default false)"))
REPRODUCE_OUTPUTS = ("experiment", "network", "mu", "n_spl", "optimizer", "seed", "test_accuracy", "train_accuracy",
                     "risk", "word_norm_mean", "word_norm_std", "word_singular_values", "u_singular_values",
                     "predicted", "converged", "iterations", "train_seconds", "files")


@dataclass(frozen=True)
class TrainReport:
    """A trained network's diagnostics and :func:`fctheory.measure_collapse` of its weights."""

    result: object
    measurement: object
    latent_set: str
    lam_facts: dict = field(default_factory=dict)
    predicted: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        r, md = self.result, self.measurement.to_dict()
        return {"K": r.setting.K, "risk": r.risk, "grad_norm": r.grad_norm, "grad_norm_rel": r.grad_norm_rel,
                "converged": r.converged, "reason": r.reason, "lbfgs_iterations": r.lbfgs_iterations,
                "newton_iterations": r.newton_iterations, "evaluations": r.evaluations,
                "hvp_evaluations": r.hvp_evaluations, "hvp_method": r.hvp_method, "train_seconds": r.seconds,
                "latent_set": self.latent_set, **{k: md[k] for k in TRAIN_OUTPUTS if k in md}, **self.predicted,
                **self.lam_facts}

    def arrays(self) -> dict:
        return {"W": self.result.W, "U": self.result.U}


@dataclass(frozen=True)
class TrainSpec:
    """:func:`fctheory.train_network` on the exact risk (R, eq. 5, or R*, eq. 10), then the collapse measurements.

    ``seed`` seeds the initialisation and a random latent set (``K < n_c**L``).  The Newton-CG
    polish uses exact Hessian-vector products unless ``hessian`` says otherwise.
    """

    problem: Problem
    network: str = "h"
    seed: int = 0
    init_scale: float = 0.1
    hessian: str = "exact"
    lam_facts: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> "TrainSpec":
        r = resolve_setting(params, latent="random", required=("n_c", "s_c", "L", "lam", "d"))
        return cls(r.require_problem(), require_one_of("network", params.get("network", "h"), NETWORKS),
                   require_seed("seed", params.get("seed", 0)),
                   require_real("init_scale", params.get("init_scale", 0.1), lo=0, lo_open=True, hi=1e3),
                   require_one_of("hessian", params.get("hessian", "exact"), ("exact", "fd", "auto")), r.lam_facts)

    def run(self) -> TrainReport:
        from ..train import measure_collapse, train_network

        p = self.problem
        result = train_network(p, network=self.network, seed=self.seed, init_scale=self.init_scale,
                               hessian=self.hessian)
        m = measure_collapse(result.W, result.U, p.n_c, p.setting.s_c, p.setting.L,
                             latent=None if p.source.kind == "full" else p.latent, network=self.network)
        return TrainReport(result, m, p.source.describe(), self.lam_facts, predicted_values(p, self.network))

    def cost(self) -> float:
        """Estimated seconds: the validation cases' model (:data:`~fctheory.operations.RUN_SECONDS` plus
        :data:`~fctheory.operations.SECONDS_PER_LOGIT` per logit pair ``K s_c^L K``; measured 0.058 s
        and 0.118 s for (3, 2, 3) and (3, 4, 4), estimated 0.10 s and 0.27 s)."""
        from ._cost import RUN_SECONDS, SECONDS_PER_LOGIT

        s = self.problem.setting
        return RUN_SECONDS + SECONDS_PER_LOGIT * s.K * s.s_c ** s.L * s.K


def predicted_values(problem: Problem, network: str) -> dict:
    """The closed form a trained minimum of ``problem`` is compared with
    (:func:`fctheory.predict.collapse_prediction`), as the row's ``predicted_*`` keys.

    On the full set (assumption A) and on a code (lemma B: H_Z, H*_Z); theorem 2 on the full set
    only.  A random or file latent set has no closed form (assumption A and lemma B need not hold):
    ``predicted_theorem`` says so and the values are ``None`` (a grid row with
    ``command = "predict optimum"`` certifies its exact optimum instead).
    """
    from ..latent import sphere_sizes
    from ..predict import collapse_prediction

    s, kind = problem.setting, problem.source.kind
    if kind not in ("full", "code") or (network == "h" and kind == "code" and not s.mu.is_uniform):
        return {"predicted_theorem": f"none for a {kind} latent set (neither assumption A nor lemma B known)",
                "predicted_risk": None, "predicted_w_frobenius": None, "predicted_u_frobenius": None}
    profile = None if kind == "full" else sphere_sizes(problem.latent, s.n_c, source=problem.source.code)
    c = collapse_prediction(s, network, sphere_sizes=profile)
    return {"predicted_theorem": c.theorem, "predicted_risk": c.risk, "predicted_w_frobenius": c.w_frobenius,
            "predicted_u_frobenius": c.u_frobenius}


@dataclass(frozen=True)
class ReproduceSpec:
    """One of the paper's experiments (:func:`fctheory.reproduce_experiment`), the weights as arrays.

    With ``out`` the experiment's files go under ``out/seed<S>/<experiment>/`` (``out/<experiment>/``
    with ``seed_folder = false``; on a cluster ``out`` must be a path the workers can write).
    """

    experiment: str
    optimizer: str = "lbfgs"
    seed: int = 0
    n_spl: int | None = None
    epochs: int | None = None
    gtol: float | None = None
    maxiter: int | None = None
    quick: bool = False
    out: str | None = None
    progress: bool = False
    dtype: str | None = None

    @classmethod
    def from_params(cls, params) -> "ReproduceSpec":
        from ..empirical import check_dtype
        from ..reproduce import EXPERIMENT_NAMES, OPTIMIZERS

        seed = require_seed("seed", params.get("seed", 0))
        out = params.get("out")
        seed_folder = require_bool("seed_folder", params.get("seed_folder", True))
        if out is not None:
            out = require_str("out", out)
            if seed_folder:
                out = os.path.join(out, f"seed{seed}")
        gtol = params.get("gtol")
        return cls(require_one_of("experiment", params.get("experiment", "fig3"), EXPERIMENT_NAMES),
                   require_one_of("optimizer", params.get("optimizer", "lbfgs"), OPTIMIZERS), seed,
                   optional_int(params, "n_spl", lo=1), optional_int(params, "epochs", lo=1),
                   None if gtol is None else require_real("gtol", gtol, lo=0, hi=1, lo_open=True, hi_open=True),
                   optional_int(params, "maxiter", lo=1), require_bool("quick", params.get("quick", False)), out,
                   require_bool("progress", params.get("progress", False)),
                   None if params.get("dtype") is None else check_dtype(params["dtype"]))

    def run(self):
        from ..reproduce import reproduce_experiment

        return reproduce_experiment(self.experiment, optimizer=self.optimizer, seed=self.seed, out=self.out,
                                    epochs=self.epochs, quick=self.quick, progress=self.progress, n_spl=self.n_spl,
                                    gtol=self.gtol, maxiter=self.maxiter, dtype=self.dtype)

    def cost(self) -> float:
        from ._cost import reproduce_seconds

        return reproduce_seconds(self.experiment, self.optimizer, quick=self.quick)


def reproduction_arrays(result) -> dict:
    return {"W": result.W, "U": result.U, "latent": result.latent, "mu_values": result.mu_values}
