"""Run one of the paper's experiments end to end: set up, train, measure, write the files.

Under ``out/<experiment>/`` (docs/reproduce.md, *The files*): ``weights.npz`` (:func:`write_weights`),
``result.json`` (:meth:`ReproductionResult.to_dict`), the figures and, while training, the trainer's
checkpoint (:func:`checkpoint_name`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from .._io import atomic_write_npz, prepare_dir, remove_stale_temporaries, write_json
from .._validate import require_one_of, require_optional_int, require_real, require_seed
from ..empirical import DEFAULT_DTYPES, DEFAULT_GTOLS, OPTIMIZERS, check_dtype, sample_dataset, train_empirical
from ..errors import InvalidInput
from ..problem import Problem
from ._experiments import EXPERIMENT_NAMES, Experiment, experiment, experiment_setting
from ._figures import convergence_figure, pca_figure, word_norm_figure
from ._measure import measure_weights
from ._predict import theory_predictions
from ._results import ReproductionResult

__all__ = ["reproduce_experiment", "reproduce_all", "OPTIMIZERS", "prepare_out", "write_weights", "checkpoint_name"]

#: L-BFGS stops when the largest gradient component is at most this (in float32: the trainer's
#: ``DEFAULT_GTOLS["float32"]``, 1e-7).  At the paper's size the loss is flat to 10 digits well before
#: (figure 3, seed 0: from iteration 60 on, max |grad| ~1e-10); 1e-8 keeps the measurements to 4 digits.
DEFAULT_GTOL = 1e-8
#: LayerNorm's epsilon in h* for the paper's SGD protocol (torch.nn.LayerNorm's default).
LAYER_NORM_EPS = 1e-5
#: ... and for L-BFGS: the paper's phi (eq. 18, eps = 0), scale-invariant, with the minimizer theorem 3
#: describes; with eps > 0 and W unpenalized the empirical risk of h* has none (docs/empirical.md).
LBFGS_LAYER_NORM_EPS = 0.0


def prepare_out(out) -> str | None:
    """Validate ``out`` (a folder, created if missing); ``None`` stays ``None``.

    Raises
    ------
    InvalidInput
        When ``out`` is not a folder that exists or can be created (:func:`fctheory._io.prepare_dir`).
    """
    return None if out is None else prepare_dir(out)


def checkpoint_name(optimizer: str, seed: int, quick: bool) -> str:
    """The checkpoint file of a run inside its experiment folder: an interrupted reproduction started
    again with the same arguments resumes from it; it is removed once every other file is written."""
    return f"checkpoint-{optimizer}-seed{seed}{'-quick' if quick else ''}.npz"


def write_weights(path, W, U, latent, mu) -> str:
    """Write ``weights.npz`` atomically, arrays ``W`` (d, n_w), ``U`` (K, L*d), ``latent`` (K, L), ``mu`` (s_c,)
    in the package's conventions (word ``(a, b)`` is column ``a*s_c + b``; row k of ``U`` is
    ``[u_{k,1} ... u_{k,L}]``), so that ``fctheory measure`` can re-measure them; returns the path."""
    atomic_write_npz(path, W=np.asarray(W, dtype=np.float64), U=np.asarray(U, dtype=np.float64),
                     latent=np.asarray(latent, dtype=np.int64), mu=np.asarray(mu, dtype=np.float64))
    return os.fspath(path)


@dataclass(frozen=True)
class _Plan:
    """One reproduction's validated arguments, the experiment's defaults filled in."""

    exp: Experiment
    problem: Problem
    optimizer: str
    seed: int
    quick: bool
    n_spl: int
    epochs: int | None
    gtol: float | None
    maxiter: int | None
    dtype: str
    eps: float


def _plan(name, optimizer, seed, epochs, quick, n_spl, gtol, maxiter, dtype) -> _Plan:
    """The one guard of :func:`reproduce_experiment`'s arguments (nothing is created before it passes)."""
    exp, quick = experiment(name), bool(quick)
    optimizer = require_one_of("optimizer", optimizer, OPTIMIZERS)
    seed = require_seed("seed", seed)
    for field, value, only in (("epochs", epochs, "sgd"), ("maxiter", maxiter, "lbfgs"), ("gtol", gtol, "lbfgs")):
        if value is not None and optimizer != only:
            raise InvalidInput(field, f"given only with optimizer '{only}'", value)
    epochs = require_optional_int("epochs", epochs, lo=1)
    n_spl = require_optional_int("n_spl", n_spl, lo=1)
    maxiter = require_optional_int("maxiter", maxiter, lo=1)
    dtype = DEFAULT_DTYPES[optimizer] if dtype is None else check_dtype(dtype)
    if gtol is not None:
        gtol = require_real("gtol", gtol, lo=0, hi=1, lo_open=True, hi_open=True)
    elif optimizer == "lbfgs":
        gtol = exp.quick.gtol if quick and exp.quick.gtol is not None else (
            DEFAULT_GTOL if dtype == "float64" else DEFAULT_GTOLS["float32"])
    if optimizer == "sgd" and epochs is None:
        epochs = exp.quick.epochs if quick else exp.paper_epochs
    # eps enters h* only (h passes the trainer's default, so its checkpoints do not depend on the optimizer)
    eps = LBFGS_LAYER_NORM_EPS if (optimizer == "lbfgs" and exp.network == "h*") else LAYER_NORM_EPS
    return _Plan(exp, Problem(experiment_setting(exp, quick=quick), "random", seed=seed), optimizer, seed, quick,
                 n_spl or (exp.quick.n_spl if quick else exp.n_spl), epochs, gtol, maxiter, dtype, eps)


def _train(plan: _Plan, checkpoint: str | None, progress: bool):
    """Sample the experiment's data and train on it (:func:`fctheory.empirical.train_empirical`)."""
    dataset = sample_dataset(plan.problem, plan.n_spl, n_test=5, seed=plan.seed)
    return train_empirical(plan.problem, dataset, network=plan.exp.network, optimizer=plan.optimizer,
                           epochs=plan.epochs, init_seed=plan.seed, eps=plan.eps, gtol=plan.gtol, maxiter=plan.maxiter,
                           checkpoint=checkpoint, progress=progress, dtype=plan.dtype)


def _measure(plan: _Plan, trained, start: float) -> ReproductionResult:
    """The trained weights measured as the paper does, beside the theory's and the paper's values."""
    exp, setting = plan.exp, plan.problem.setting
    W, U = np.asarray(trained.W, dtype=np.float64), np.asarray(trained.U, dtype=np.float64)
    m = measure_weights(W, U, n_c=setting.n_c, s_c=setting.s_c, L=setting.L, network=exp.network, eps=plan.eps)
    predicted, skipped = theory_predictions(plan.problem, exp.network, eps=plan.eps)
    return ReproductionResult(
        experiment=exp.name, figure=exp.figure, network=exp.network, mu=setting.mu.spec(), n_spl=plan.n_spl,
        optimizer=plan.optimizer, dtype=plan.dtype, seed=plan.seed, quick=plan.quick, setting=setting.to_dict(),
        gtol=plan.gtol, eps=plan.eps if exp.network == "h*" else None,
        test_accuracy=float(trained.test_accuracy), train_accuracy=float(trained.train_accuracy),
        risk=float(trained.risk), word_norm_mean=m.word_norm_mean, word_norm_std=m.word_norm_std,
        word_singular_values=m.word_singular_values, u_singular_values=m.u_singular_values,
        u_norm_mean=m.u_norm_mean, u_norm_std=m.u_norm_std, u_frobenius=float(np.linalg.norm(U)),
        predicted=predicted, not_predicted=tuple(skipped), paper=exp.paper.to_dict(),
        notebook=exp.notebook.to_dict(), epochs=trained.epochs if plan.optimizer == "sgd" else None,
        iterations=int(trained.iterations), converged=bool(trained.converged),
        gradient_norm=float(trained.gradient_norm), message=str(trained.message), resumed=bool(trained.resumed),
        train_seconds=float(trained.seconds), seconds=time.perf_counter() - start,
        W=W, U=U, latent=np.asarray(plan.problem.latent), mu_values=setting.mu.as_array(),
        history=tuple(r.to_dict() for r in trained.history))


def _write_files(result: ReproductionResult, folder: str) -> dict:
    """Write ``weights.npz`` and the figures of ``result`` into ``folder``; ``name -> path``, ``result.json``'s
    path included (written last, by the caller, once ``files`` is part of the result)."""
    s, network, eps = result.setting, result.network, result.eps or 0.0
    path = partial(os.path.join, folder)
    head = (f"{result.experiment} ({result.figure}): {network}, {result.mu} words, n_spl = {result.n_spl}, "
            f"{result.optimizer}, seed {result.seed}; test accuracy {100 * result.test_accuracy:.1f}%")
    files = {"weights": write_weights(path("weights.npz"), result.W, result.U, result.latent, result.mu_values),
             "pca": pca_figure(path("pca.png"), result.W, result.U, result.latent, n_c=s["n_c"], s_c=s["s_c"],
                               network=network, title=head, eps=eps)}
    if network == "h" and result.mu != "uniform":
        files["word_norms"] = word_norm_figure(path("word-norms.png"), result.W, result.mu_values, n_c=s["n_c"],
                                               s_c=s["s_c"], title=head)
    if result.history:
        files["convergence"] = convergence_figure(path("convergence.png"), result.history, title=head)
    files["json"] = path("result.json")
    return files


def reproduce_experiment(name: str, *, optimizer: str = "lbfgs", seed: int = 0, out=None, epochs: int | None = None,
                         quick: bool = False, progress: bool = False, n_spl: int | None = None,
                         gtol: float | None = None, maxiter: int | None = None,
                         dtype: str | None = None) -> ReproductionResult:
    """Reproduce one of the paper's experiments (figures 3, 4(a)-(c); section 3's K = 50).

    Parameters
    ----------
    name : {"fig3", "fig4a", "fig4b", "fig4c", "k50"}
        The experiment (:data:`fctheory.reproduce.EXPERIMENTS`).
    optimizer : {"lbfgs", "sgd"}
        ``lbfgs``: full-batch L-BFGS to the empirical minimizer the theory
        describes; ``sgd``: the paper's protocol (lr 0.1, batch 100, the
        notebook's epochs).
    seed : int >= 0
        Seeds the latent set, the sampled data and the initialisation (see
        :class:`ReproductionResult`).
    out : path, optional
        Folder for the files (``out/<name>/``); ``None`` writes nothing.
    epochs : int, optional
        SGD epochs instead of the paper's (``sgd`` only).
    quick : bool
        The experiment's reduced setting (:class:`fctheory.reproduce.QuickSetting`).
    progress : bool
        A tqdm bar on stderr while training.
    n_spl : int, optional
        Training sentences per class instead of the experiment's.
    gtol : float, optional
        L-BFGS stops at :math:`\\max_i |\\partial_i \\hat R| \\le` gtol (default
        :data:`DEFAULT_GTOL`, or the quick setting's; ``lbfgs`` only).
    maxiter : int, optional
        L-BFGS iteration limit (default: the trainer's); a run it stops says so (``converged``, ``message``).
    dtype : {"float32", "float64"}, optional
        The type the trainer computes in (default: :data:`fctheory.empirical.DEFAULT_DTYPES`,
        float64 for ``lbfgs``, float32 for ``sgd``); in float32 ``gtol`` defaults to 1e-7.

    Returns
    -------
    ReproductionResult

    Raises
    ------
    InvalidInput
        For an unknown experiment, a bad option or one of the other optimizer
        (nothing is created then), or an ``out`` that is an existing file.
    """
    start = time.perf_counter()
    plan = _plan(name, optimizer, seed, epochs, quick, n_spl, gtol, maxiter, dtype)
    root = prepare_out(out)
    if root is None:
        return _measure(plan, _train(plan, None, progress), start)
    folder = prepare_out(os.path.join(root, plan.exp.name))
    remove_stale_temporaries(folder)  # a killed run's half-written files
    checkpoint = os.path.join(folder, checkpoint_name(plan.optimizer, plan.seed, plan.quick))
    result = _measure(plan, _train(plan, checkpoint, progress), start)
    result = replace(result, files=_write_files(result, folder), seconds=time.perf_counter() - start)
    write_json(result.files["json"], result.to_dict())
    if os.path.exists(checkpoint):
        os.unlink(checkpoint)
    return result


def reproduce_all(*, names=EXPERIMENT_NAMES, **options) -> tuple[ReproductionResult, ...]:
    """Reproduce several experiments (default: all five, in the paper's order) with the same options."""
    return tuple(reproduce_experiment(name, **options) for name in names)
