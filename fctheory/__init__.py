"""fctheory — the closed forms of "Feature Collapse" (Laurent, von Brecht, Bresson).

API index
=========

Setting and errors
------------------
Setting                 validated (n_c, s_c, L, λ, K, d, μ); ``Setting.paper()``
WordLaw                 the word law μ (uniform, Zipf, explicit)
Problem                 a Setting with its validated latent set (full, random+seed, file, code, array)
LatentSource            where a problem's latent set comes from; as_problem adapts (setting, latent=)
FctheoryError           base of every deliberate error (InvalidSetting, ...)

Predictions (theorems 1-3, eq. 7-9), certified at any precision
----------------------------------------------------------------
predict_type1           theorem 1: τ = argmin H, word/U norms, min risk
predict_type2           theorem 3: τ* = argmin H*, U norm, min risk
predict_type3           theorem 2: (c, r_1..r_{s_c}) of eq. 7-8
collapse_prediction     whichever of theorems 1-3 applies to (setting, network): norms and risk as floats
lambda_thresholds       eq. 9 (type III) and H'(0) = 0 (type I)
H, H_star               the convex functions of theorems 1 and 3
type3_reduced_risk      F(c, r), the risk on the type-III ansatz
SphereSizes             the distance profile |S_r| behind H (assumption A or a latent set)
Enclosure               a certified interval [lo, hi]; decimal_string for directed decimal output

The exact true risk (eq. 5, 10; fctheory.risk)
----------------------------------------------
exact_risk, exact_risk_and_grad   R / R* and exact gradients by position-wise contraction
exact_risk_hvp          exact Hessian-vector product of R / R* (Newton-type polishing)
type1/2/3_configuration, equiangular_frame   collapse configurations built explicitly (fctheory.configurations)
Check                   one row "predicted beside measured" (fctheory.checks), used by checks, reports, certificates

Training and validation (fctheory.train, fctheory.report)
--------------------------------------------------------
train_network           L-BFGS-B + Newton-CG polish of R / R* on the exact risk -> TrainResult
measure_collapse        collapse measurements of any W, U -> CollapseMeasurement
validate                run a validation suite -> report.md, results.json, figures (ValidationRun)
load_suite              read a TOML suite (validation/suites/<name>.toml or a file)

Global optimality (theorem G, appendix G; fctheory.certify)
----------------------------------------------------------
certify_optimum         the convex program min f(D) + λ||D||_* (cvxpy), bounded both ways -> Certificate
general_lambda_threshold ||∇f(0)||_op: the λ threshold for any latent set and μ (claim H)
predict_optimum         the exact large-sample optimum of network h (uniform μ) for any latent set: theorem G
                        reduced by the within-concept symmetry, certified -> OptimumResult (norms, weights)
compare_prediction      certified optimum vs H(τ) / F(c, r) / H_Z and the predicted D -> Comparison

The paper's experiments: sampled data and the empirical risk (section 2, eq. 3; fctheory.empirical)
-----------------------------------------------------------------------------------------------
sample_dataset          n_spl training / n_test test sentences per class from the data model -> Dataset
empirical_risk, empirical_risk_and_grad   eq. 3 (+ the paper code's weight decay) of h / h*, exact gradient
empirical_accuracy      fraction of sentences classified correctly
train_empirical         full-batch L-BFGS or the paper's SGD protocol, resumable -> EmpiricalTrainResult
initial_weights         the paper code's initialisation (default PyTorch scale / 1000)

reproduce_experiment    figure 3, 4a, 4b, 4c or section 3's K = 50 (k50): train, measure, figures, paper vs the
                        latent set's optimum vs theory -> ReproductionResult
reproduce_all, EXPERIMENTS, format_table   the five experiments; their definitions; the text table

Independent jobs and grids (fctheory.sweep; in-process, local processes or Dask)
--------------------------------------------------------------------------------
run_jobs, iter_jobs     run Job(JobKind, plain params) with a content-hash cache
load_grid, run_grid     a grid file (`fctheory sweep GRID.toml`) -> SweepRun (results.csv, results.jsonl)
job_kinds               the registry: every operation a grid may name (fctheory.registry)

Operations (fctheory.operations): every job kind defined once, as a spec
------------------------------------------------------------------------
PredictSpec, CertifySpec, ClaimHSpec, TrainSpec, ReproduceSpec   params -> Problem (once) -> run() -> to_dict()
spec_for, run_params    the spec of an operation by name; build + run + serialise (what a sweep job calls)

Studies beyond the paper (fctheory.study)
-----------------------------------------
run_undersampling       the under-sampling study (`fctheory study undersampling`): random latent subsets on the
                        exact risk and few samples on the empirical risk -> CSVs, figures, summary.json

Symbolic derivations (appendices C-F; fctheory.symbolic)
-------------------------------------------------------
derive_H, derive_H_star, derive_type3, derive_thresholds, derive_margins -> Derivation (verify, to_latex)
lambdify_mp             a derivation's closed form as an mpmath callable

Latent sets and their symmetry (appendix B; fctheory.latent)
-----------------------------------------------------------
full_latent_set, random_latent_set, load_latent_file, named_code, linear_code   latent sets (full, random, files, codes)
check_latent_set        assumption A (eq. 35), lemma B (i)-(iii), assumption B (eq. 44) -> LatentCheck
check_assumption_a, check_lemma_b, check_assumption_b   the three checks, exact, with deviations / witnesses
sphere_sizes            a latent set's |S_r| -> SphereSizes for predict_type1/2 (H_Z, H*_Z)
"""

from __future__ import annotations

import importlib

from ._version import __version__

# The re-exports are loaded on first use (PEP 562): ``import fctheory`` costs only the version, and
# ``fctheory.predict_type1`` loads fctheory.predict (mpmath) but neither sympy (symbolic) nor cvxpy
# (certify).  Each public name maps to the module that defines it.
_EXPORTS = {
    "._precision": ("decimal_string",),
    ".errors": ("FctheoryError", "InvalidInput", "InvalidLatentSet", "InvalidSetting", "NoNontrivialSolution",
                "ProblemTooLarge", "VerificationError"),
    ".setting": ("Setting", "WordLaw"),
    ".problem": ("LatentSource", "Problem", "as_problem"),
    ".predict": ("CollapsePrediction", "Enclosure", "H", "H_star", "LambdaThresholds", "SphereSizes", "ThresholdValue",
                 "TypeIIIPrediction", "TypeIIPrediction", "TypeIPrediction", "collapse_prediction", "lambda_thresholds",
                 "predict_type1", "predict_type2", "predict_type3", "type3_reduced_risk"),
    ".certify": ("Certificate", "Comparison", "GeneralThreshold", "OptimumResult", "certify_optimum",
                 "compare_prediction", "general_lambda_threshold", "predict_optimum"),
    ".risk": ("Configuration", "equiangular_frame", "exact_risk", "exact_risk_and_grad", "exact_risk_hvp",
              "type1_configuration", "type2_configuration", "type3_configuration"),
    ".train": ("CollapseMeasurement", "TrainResult", "measure_collapse", "train_network"),
    ".report": ("ValidationRun", "load_suite", "validate"),
    ".latent": ("LatentCheck", "check_assumption_a", "check_assumption_b", "check_latent_set", "check_lemma_b",
                "full_latent_set", "linear_code", "load_latent_file", "named_code", "random_latent_set",
                "sphere_sizes"),
    ".checks": ("Check",),
    ".empirical": ("CheckpointMismatch", "Dataset", "EmpiricalTrainResult", "HistoryRecord", "empirical_accuracy",
                   "empirical_risk", "empirical_risk_and_grad", "initial_weights", "sample_dataset", "train_empirical"),
    ".reproduce": ("EXPERIMENTS", "ReproductionResult", "format_table", "reproduce_all", "reproduce_experiment"),
    ".sweep": ("Job", "JobKind", "JobOutput", "SweepRun", "iter_jobs", "run_grid", "run_jobs"),
    ".registry": ("job_kinds", "load_grid"),
    ".operations": ("PredictSpec", "CertifySpec", "ClaimHSpec", "TrainSpec", "ReproduceSpec", "spec_for", "run_params"),
    ".study": ("run_undersampling",),
    ".symbolic": ("Derivation", "derive_H", "derive_H_star", "derive_margins", "derive_thresholds", "derive_type3",
                  "lambdify_mp"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
#: Public modules reachable as attributes (``fctheory.latent.named_code``) without an explicit import.
_MODULES = ("errors", "setting", "problem", "checks", "configurations", "predict", "symbolic", "latent", "risk", "train",
            "certify", "report", "empirical", "reproduce", "sweep", "study", "operations", "registry")

__all__ = ["__version__", *(name for names in _EXPORTS.values() for name in names)]


def __getattr__(name: str):
    """Load a re-exported name from its module on first access (PEP 562)."""
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)  # the import binds it in globals()
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later accesses bypass __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
