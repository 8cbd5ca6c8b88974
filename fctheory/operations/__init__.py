"""The operation layer: every job kind the toolkit runs, defined once.

An operation is a frozen *spec* in one vocabulary (the CLI's names: ``n_c, s_c, L, K, d,
lam, mu``, the latent source ``latent_file / code / seed``, ``dps``, ...), built from a
parameter mapping by ``from_params`` — the one place parameters become a
:class:`~fctheory.Problem` — and run by a library call, returning a typed result with
``to_dict()``; ``cost()`` estimates its seconds (``--dry-run``, progress).  The CLI, sweep
grids, validation suites, studies and ``reproduce`` only translate their input into specs.

API index
=========
SPECS                 operation name -> spec factory (``params -> spec``)
spec_for(name, params)  the validated spec of one operation
run_params(name, params)  build, run and serialise one operation (what a sweep job calls)
operation_kinds()     the operations as :class:`fctheory.sweep.JobKind` (the registry adds
                      the validation case and the study jobs: :mod:`fctheory.registry`)
PredictSpec, CertifySpec, ClaimHSpec, TrainSpec, ReproduceSpec, LatentCheckSpec, MeasureSpec, OptimumSpec
resolve_setting       parameters -> setting and latent set (Resolved), exactly once
"""

from __future__ import annotations

import functools

from ..errors import InvalidInput
from ._certify import (CERTIFY_HELP, CERTIFY_OUTPUTS, CLAIM_H_OUTPUTS, CLAIM_H_SCAN_DPS,
                       SETTING_NO_D, CertifyReport, CertifySpec, ClaimHReport, ClaimHSpec)
from ._cost import RUN_REPORT_SECONDS, RUN_SECONDS, SECONDS_PER_LOGIT, format_seconds, reproduce_seconds
from ._latent import LatentCheckSpec, LatentSetSpec, MeasureSpec, resolve_latent_set
from ._optimum import OPTIMUM_HELP, OPTIMUM_OUTPUTS, OptimumReport, OptimumSpec
from ._params import DPS_HELP, LATENT_HELP, SETTING_HELP, Resolved, paper_defaults, resolve_setting
from ._predict import (DESCRIPTIONS, GENERAL_THRESHOLD_MAX_K, KEY_HELP, OUTPUTS, PREDICT_KINDS, SUMMARY,
                       PredictOutcome, PredictSpec)
from ._train import (REPRODUCE_HELP, REPRODUCE_OUTPUTS, TRAIN_HELP, TRAIN_OUTPUTS,
                     ReproduceSpec, TrainSpec, reproduction_arrays)

__all__ = ["SPECS", "spec_for", "run_params", "operation_kinds", "PredictSpec", "PredictOutcome", "CertifySpec",
           "CertifyReport", "ClaimHSpec", "ClaimHReport", "TrainSpec", "ReproduceSpec", "Resolved", "resolve_setting",
           "paper_defaults", "GENERAL_THRESHOLD_MAX_K", "PREDICT_KINDS", "CLAIM_H_SCAN_DPS", "format_seconds",
           "reproduce_seconds", "RUN_SECONDS", "SECONDS_PER_LOGIT", "RUN_REPORT_SECONDS", "SETTING_HELP", "LATENT_HELP", "DPS_HELP", "LatentCheckSpec", "LatentSetSpec",
           "MeasureSpec", "resolve_latent_set", "OptimumSpec", "OptimumReport"]

#: Operation name -> ``params -> spec``.
SPECS = {
    **{f"predict {kind}": functools.partial(PredictSpec.from_params, kind) for kind in PREDICT_KINDS},
    "certify": CertifySpec.from_params,
    "claim-h": ClaimHSpec.from_params,
    "train": TrainSpec.from_params,
    "reproduce": ReproduceSpec.from_params,
    "latent check": LatentCheckSpec.from_params,
    "measure": MeasureSpec.from_params,
    "predict optimum": OptimumSpec.from_params,
}


def spec_for(name: str, params):
    """The validated spec of operation ``name`` with ``params``."""
    if name not in SPECS:
        raise InvalidInput("operation", "one of " + ", ".join(repr(k) for k in SPECS), name)
    if not hasattr(params, "get"):
        raise InvalidInput("params", "a mapping of parameter names to values", type(params).__name__)
    return SPECS[name](params)


def run_params(name: str, params):
    """Build, run and serialise one operation: its ``to_dict()`` (with the weights as arrays
    for ``train`` and ``reproduce``: a :class:`fctheory.sweep.JobOutput`)."""
    from ..sweep import JobOutput

    spec = spec_for(name, params)
    result = spec.run()
    if isinstance(spec, TrainSpec):
        return JobOutput(result.to_dict(), result.arrays())
    if isinstance(spec, ReproduceSpec):
        return JobOutput(result.to_dict(), reproduction_arrays(result))
    return result.to_dict()


_TINY = {"n_c": 2, "s_c": 2, "L": 2, "lam": "1/100"}
#: A small job of each operation, run once per worker process before its first timed job, so that the
#: imports and first-call set-up it triggers are in no row's ``seconds`` (:class:`fctheory.sweep.JobKind`).
#: ``reproduce`` has none (an experiment takes seconds at its smallest).
WARM_UP = {**{f"predict {kind}": _TINY for kind in PREDICT_KINDS}, "train": {**_TINY, "d": 3}, "certify": _TINY,
           "claim-h": {**_TINY, "mu": "zipf"}, "predict optimum": _TINY, "latent check": {"n_c": 2, "L": 2}}


def operation_kinds() -> dict:
    """The operations of this package as :class:`fctheory.sweep.JobKind`, by name."""
    from ..sweep import JobKind

    def kind(name, key_help, outputs, summary, description, required=()):
        keys = tuple(key for key, _ in key_help)  # every key a row may give is documented
        return JobKind(name=name, function=functools.partial(run_params, name), keys=keys, required=required,
                       outputs=outputs, summary=summary, description=description, key_help=key_help,
                       warm_up=WARM_UP.get(name))

    lam = ("lam", "lam_over_threshold")
    lam_facts = ("lam", "threshold", "threshold_equation")
    kinds = [kind(f"predict {k}", KEY_HELP, OUTPUTS[k] + lam_facts, SUMMARY[k], DESCRIPTIONS[k])
             for k in PREDICT_KINDS]
    kinds += [
        kind("train", TRAIN_HELP, TRAIN_OUTPUTS + lam_facts, ("risk", "converged", "collapse_verdict"),
             "train_network on the exact risk + measure_collapse", ("n_c", "s_c", "L", lam, "d")),
        kind("certify", CERTIFY_HELP, CERTIFY_OUTPUTS + lam_facts,
             ("optimal_value", "predicted_value", "verdict"), "theorem G: certify_optimum + compare_prediction",
             ("n_c", "s_c", "L", lam)),
        kind("claim-h", SETTING_NO_D + (("dps", f"digits of the ratio (default {CLAIM_H_SCAN_DPS}; "
                                                             "the type-III point at dps + 20)"),),
             CLAIM_H_OUTPUTS + lam_facts, ("claim_h_mp_ratio_minus_1", "holds"),
             "claim H (appendix G) at the type-III point, solver-free", ("n_c", "s_c", "L", lam, "mu")),
        kind("predict optimum", OPTIMUM_HELP, OPTIMUM_OUTPUTS, ("min_risk", "word_norms", "certified"),
             "the exact large-sample optimum of network h for the latent set (theorem G, reduced), certified"),
        kind("latent check", tuple(h for h in SETTING_HELP[:4] if h[0] != "s_c") + LATENT_HELP,
             ("assumption_a", "lemma_b", "assumption_b", "source"), ("assumption_a", "lemma_b"),
             "assumption A (eq. 35), lemma B and assumption B (eq. 44) of a latent set, exactly", ("n_c", "L")),
        kind("reproduce", REPRODUCE_HELP, REPRODUCE_OUTPUTS,
             ("test_accuracy", "word_norm_mean", "converged"),
             "the paper's figures 3-4: reproduce_experiment (fctheory reproduce --json)", ("experiment",)),
    ]
    return {k.name: k for k in kinds}
