"""Run one of the paper's experiments end to end: sample, train, measure, compare, write.

Files under ``out/<experiment>/``:

``weights.npz``
    ``W`` (d, n_w), ``U`` (K, L*d), ``latent`` (K, L), ``mu`` (s_c,), in the
    package's conventions (word ``(a, b)`` is column ``a*s_c + b``; row k of
    ``U`` is ``[u_{k,1} ... u_{k,L}]``), so that ``fctheory measure`` or any
    other tool can re-measure the result.
``result.json``
    :meth:`ReproductionResult.to_dict`.
``pca.png``, ``convergence.png`` and, for h with a non-uniform μ, ``word-norms.png``
    See :mod:`fctheory.reproduce._figures`.
``checkpoint-<optimizer>-seed<S>[-quick].npz`` (while training only)
    The trainer's checkpoint: an interrupted reproduction started again with
    the same arguments resumes from it; it is removed once every file above
    is written.
"""

from __future__ import annotations

import numbers
import os
import time

import numpy as np

from .._io import atomic_write_npz, remove_stale_temporaries, write_json
from ..errors import InvalidInput
from ..problem import Problem
from ._experiments import EXPERIMENT_NAMES, experiment, experiment_setting
from ._figures import convergence_figure, pca_figure, word_norm_figure
from ._measure import measure_weights
from ._predict import theory_predictions
from ._results import ReproductionResult

__all__ = ["reproduce_experiment", "reproduce_all", "OPTIMIZERS", "prepare_out", "write_weights", "checkpoint_name"]

OPTIMIZERS = ("lbfgs", "sgd")
#: L-BFGS stops when the largest gradient component is at most this.  At the paper's size the loss
#: is flat to 10 digits well before (figure 3, seed 0: 2.9295618928 from iteration 60 on, where
#: max |grad| was ~1e-10); 1e-8 keeps the measured norms and singular values to 4 digits.
DEFAULT_GTOL = 1e-8
#: ... in float32, whose objective is resolved only to ~5e-9 at figure 3's size (its line search stops
#: making progress near max|grad| ~ 3e-8; the trainer's float32 default, see docs/empirical.md).
DEFAULT_GTOL_FLOAT32 = 1e-7
#: LayerNorm's epsilon in h* for the paper's SGD protocol (torch.nn.LayerNorm's default).
LAYER_NORM_EPS = 1e-5
#: ... and for L-BFGS: the paper's phi (eq. 18, eps = 0).  With eps > 0 and W unpenalized the empirical risk of h*
#: has no minimizer in the scale of W (it decreases towards the eps = 0 value as W grows, see
#: docs/empirical.md), so L-BFGS would run to its iteration limit; with eps = 0 it is scale-invariant
#: and has the minimizer the theory (theorem 3) describes.
LBFGS_LAYER_NORM_EPS = 0.0


def _int_or_none(name: str, value, lo: int):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < lo:
        raise InvalidInput(name, f"an integer >= {lo}", value)
    return int(value)


def prepare_out(out) -> str | None:
    """Validate ``out`` (a folder, created if missing); ``None`` stays ``None``.

    Raises
    ------
    InvalidInput
        When ``out`` exists and is not a directory.
    """
    if out is None:
        return None
    try:
        path = os.fspath(out)
    except TypeError:
        raise InvalidInput("out", "a folder path (str or os.PathLike)", type(out).__name__) from None
    if os.path.exists(path) and not os.path.isdir(path):
        raise InvalidInput("out", "a directory (or a path to create); it is an existing file", path)
    os.makedirs(path, exist_ok=True)
    return path


def checkpoint_name(optimizer: str, seed: int, quick: bool) -> str:
    """The checkpoint file of a run inside its experiment folder."""
    return f"checkpoint-{optimizer}-seed{seed}{'-quick' if quick else ''}.npz"


def write_weights(path, W, U, latent, mu) -> str:
    """Write ``weights.npz`` (arrays ``W``, ``U``, ``latent``, ``mu``) atomically; returns the path."""
    path = os.fspath(path)
    atomic_write_npz(path, W=np.asarray(W, dtype=np.float64), U=np.asarray(U, dtype=np.float64),
                     latent=np.asarray(latent, dtype=np.int64), mu=np.asarray(mu, dtype=np.float64))
    return path


def _write_json(path: str, data) -> str:
    write_json(path, data)
    return path


def _record(r) -> dict:
    """A history record as a dict (the trainer's records or dicts)."""
    if isinstance(r, dict):
        return r
    if hasattr(r, "to_dict"):
        return r.to_dict()
    return {name: getattr(r, name, None) for name in ("step", "epoch", "loss", "test_accuracy")}


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
        The experiment's reduced setting (:class:`fctheory.reproduce.QuickSetting`:
        sizes, n_spl, epochs and gtol chosen to show the same effect in seconds).
    progress : bool
        A tqdm bar on stderr while training.
    n_spl : int, optional
        Training sentences per class instead of the experiment's.
    gtol : float, optional
        L-BFGS stops at :math:`\\max_i |\\partial_i \\hat R| \\le` gtol (default
        :data:`DEFAULT_GTOL`, or the quick setting's; ``lbfgs`` only).
    maxiter : int, optional
        L-BFGS iteration limit (default: the trainer's); a run stopped by it
        says so (``converged`` False, the message).
    dtype : {"float32", "float64"}, optional
        The type the trainer computes in (default: float64 for ``lbfgs``,
        float32 for ``sgd``, :data:`fctheory.empirical.DEFAULT_DTYPES`); in
        float32 ``gtol`` defaults to :data:`DEFAULT_GTOL_FLOAT32`.

    Returns
    -------
    ReproductionResult

    Raises
    ------
    InvalidInput
        For an unknown experiment or optimizer, a bad seed/epochs/n_spl, or an
        ``out`` that is an existing file.
    """
    from ..empirical import DEFAULT_DTYPES, check_dtype, sample_dataset, train_empirical

    start = time.perf_counter()
    exp = experiment(name)
    if optimizer not in OPTIMIZERS:
        raise InvalidInput("optimizer", "'lbfgs' or 'sgd'", optimizer)
    seed = _int_or_none("seed", seed, 0)
    if seed is None:
        raise InvalidInput("seed", "an integer >= 0", None)
    epochs = _int_or_none("epochs", epochs, 1)
    if epochs is not None and optimizer != "sgd":
        raise InvalidInput("epochs", "given only with optimizer 'sgd' (L-BFGS runs to its gradient tolerance)",
                           epochs)
    n_spl = _int_or_none("n_spl", n_spl, 1)
    maxiter = _int_or_none("maxiter", maxiter, 1)
    if maxiter is not None and optimizer != "lbfgs":
        raise InvalidInput("maxiter", "given only with optimizer 'lbfgs' (SGD takes epochs)", maxiter)
    if gtol is not None and optimizer != "lbfgs":
        raise InvalidInput("gtol", "given only with optimizer 'lbfgs'", gtol)
    dtype = DEFAULT_DTYPES[optimizer] if dtype is None else check_dtype(dtype)
    if optimizer == "lbfgs":
        if gtol is None:
            gtol = exp.quick.gtol if quick and exp.quick.gtol is not None else (
                DEFAULT_GTOL if dtype == "float64" else DEFAULT_GTOL_FLOAT32)
        if isinstance(gtol, bool) or not isinstance(gtol, numbers.Real) or not 0 < float(gtol) < 1:
            raise InvalidInput("gtol", "a number in (0, 1)", gtol)
        gtol = float(gtol)
    root = prepare_out(out)
    folder = None
    if root is not None:
        folder = os.path.join(root, exp.name)
        os.makedirs(folder, exist_ok=True)
        remove_stale_temporaries(folder)  # a killed run's half-written files

    setting = experiment_setting(exp, quick=bool(quick))
    problem = Problem(setting, "random", seed=seed)
    if n_spl is None:
        n_spl = exp.quick.n_spl if quick else exp.n_spl
    dataset = sample_dataset(problem, n_spl, n_test=5, seed=seed)
    if optimizer == "sgd" and epochs is None:
        epochs = exp.quick.epochs if quick else exp.paper_epochs
    checkpoint = None if folder is None else os.path.join(folder, checkpoint_name(optimizer, seed, bool(quick)))
    options = {"gtol": gtol, "maxiter": maxiter} if optimizer == "lbfgs" else {}
    # eps enters h* only (h passes the trainer's default, so its checkpoints do not depend on the optimizer)
    eps = LBFGS_LAYER_NORM_EPS if (optimizer == "lbfgs" and exp.network == "h*") else LAYER_NORM_EPS
    trained = train_empirical(problem, dataset, network=exp.network, optimizer=optimizer, epochs=epochs,
                              init_seed=seed, eps=eps, checkpoint=checkpoint, progress=progress, dtype=dtype,
                              **options)

    W, U = np.asarray(trained.W, dtype=np.float64), np.asarray(trained.U, dtype=np.float64)
    m = measure_weights(W, U, n_c=setting.n_c, s_c=setting.s_c, L=setting.L, network=exp.network, eps=eps)
    predicted, skipped = theory_predictions(problem, exp.network, eps=eps)
    mu_values = setting.mu.as_array()
    history = tuple(_record(r) for r in trained.history)

    files: dict = {}
    if folder is not None:
        files["weights"] = write_weights(os.path.join(folder, "weights.npz"), W, U, problem.latent, mu_values)
        head = (f"{exp.name} ({exp.figure}): {exp.network}, {setting.mu.spec()} words, n_spl = {n_spl}, "
                f"{optimizer}, seed {seed}; test accuracy {100 * trained.test_accuracy:.1f}%")
        files["pca"] = pca_figure(os.path.join(folder, "pca.png"), W, U, problem.latent, n_c=setting.n_c,
                                  s_c=setting.s_c, network=exp.network, title=head, eps=eps)
        if exp.network == "h" and not setting.mu.is_uniform:
            files["word_norms"] = word_norm_figure(os.path.join(folder, "word-norms.png"), W, mu_values,
                                                   n_c=setting.n_c, s_c=setting.s_c, title=head)
        if history:
            files["convergence"] = convergence_figure(os.path.join(folder, "convergence.png"), history, title=head)
        files["json"] = os.path.join(folder, "result.json")

    result = ReproductionResult(
        experiment=exp.name, figure=exp.figure, network=exp.network, mu=setting.mu.spec(), n_spl=int(n_spl),
        optimizer=optimizer, dtype=dtype, seed=seed, quick=bool(quick), setting=setting.to_dict(), gtol=gtol,
        eps=eps if exp.network == "h*" else None,
        test_accuracy=float(trained.test_accuracy), train_accuracy=float(trained.train_accuracy),
        risk=float(trained.risk), word_norm_mean=m.word_norm_mean, word_norm_std=m.word_norm_std,
        word_singular_values=m.word_singular_values, u_singular_values=m.u_singular_values,
        u_norm_mean=m.u_norm_mean, u_norm_std=m.u_norm_std, u_frobenius=float(np.linalg.norm(U)),
        predicted=predicted, not_predicted=tuple(skipped), paper=exp.paper.to_dict(),
        notebook=exp.notebook.to_dict(), epochs=trained.epochs if optimizer == "sgd" else None,
        iterations=int(trained.iterations), converged=bool(trained.converged),
        gradient_norm=float(trained.gradient_norm), message=str(trained.message), resumed=bool(trained.resumed),
        train_seconds=float(trained.seconds), seconds=time.perf_counter() - start, files=files,
        W=W, U=U, latent=np.asarray(problem.latent), mu_values=mu_values, history=history)
    if folder is not None:
        _write_json(files["json"], result.to_dict())
        if checkpoint is not None and os.path.exists(checkpoint):
            os.unlink(checkpoint)
    return result


def reproduce_all(*, names=EXPERIMENT_NAMES, **options) -> tuple[ReproductionResult, ...]:
    """Reproduce several experiments (default: all five, in the paper's order) with the same options."""
    return tuple(reproduce_experiment(name, **options) for name in names)
