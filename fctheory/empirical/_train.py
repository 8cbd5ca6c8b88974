r"""Training on the empirical risk (eq. 3): full-batch L-BFGS, or the paper's SGD protocol.

``optimizer="lbfgs"``
    scipy's L-BFGS-B (no bounds) on the full training set with the exact
    gradient of :mod:`._engine`, memory :data:`LBFGS_MEMORY`, until the
    largest absolute gradient entry is at most ``gtol`` (scipy's ``pgtol``
    test, :math:`\max_i |\partial_i \hat R| \le` gtol), or ``maxiter``
    iterations, or round-off stops the line search (``ftol`` =
    :data:`LBFGS_FTOL`).  This finds the empirical minimizer the theory
    describes.
``optimizer="sgd"``
    the paper's notebooks: plain SGD (no momentum), ``lr = 0.1``, minibatches
    of 100 from a permutation drawn afresh every epoch, minibatch-mean
    cross-entropy, PyTorch weight decay λ on ``W`` and ``U`` (h) or on ``U``
    only (h*, ``weight_decay_W = 0``), for a given number of epochs (the
    notebooks: fig. 3: 1200, fig. 4a: 10 with n_spl = 500, fig. 4b: 3000,
    fig. 4c: 500).

Initialisation (both): as the paper's code, ``nn.Embedding`` N(0, 1) and
``nn.Linear`` U(±1/sqrt(L d)) (PyTorch's default bound 1/sqrt(fan_in),
fan_in = L d), each divided by 1000; seeded by ``init_seed``
(:func:`initial_weights`).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from ..errors import InvalidInput
from ..problem import Problem
from .._io import note
from .._validate import require_int, require_network, require_optional_int, require_real, require_seed
from ._checkpoint import DamagedCheckpoint, fingerprint, load_checkpoint, require_same_run, save_checkpoint
from ._data import Dataset
from ._engine import Sentences, check_dtype, evaluate, sgd_step, tables_logits
from ._interrupt import deferred_interrupt
from ..configurations import require_eps

__all__ = ["OPTIMIZERS", "DEFAULT_DTYPES", "DEFAULT_GTOLS", "HistoryRecord", "EmpiricalTrainResult", "initial_weights",
           "train_empirical"]

#: The two optimizers.
OPTIMIZERS = ("lbfgs", "sgd")
#: The floating type of each optimizer when ``dtype`` is not given.  L-BFGS: float64, so that its
#: gradient test reaches the small tolerances the minimizer's measurements need (float32 rounds the
#: gradient at ~1e-7 of its terms, see docs/empirical.md).  SGD: float32, the type of the paper's
#: PyTorch code; an SGD step's minibatch noise (lr 0.1 times a 100-sentence gradient) is many orders
#: above float32 rounding, and the step takes about half the time.
DEFAULT_DTYPES = {"lbfgs": "float64", "sgd": "float32"}
#: L-BFGS's default ``gtol`` (max-abs gradient entry) by type.  float32 resolves the objective only to
#: its logits' rounding (at figure 3's size: ~5e-9 between neighbouring points, while the gradient
#: stays within 2e-10 of float64's), so the line search stops making progress near max|g| ~ 3e-8
#: there; 1e-7 stops on the gradient test, with a margin, at the same minimizer to ~1e-5 in the
#: word norms (docs/empirical.md).
DEFAULT_GTOLS = {"float64": 1e-10, "float32": 1e-7}
#: L-BFGS correction pairs.  scipy's L-BFGS-B spends O(m n) per call on its
#: own bookkeeping, which at the paper's size (n = 1.62e6 variables) is a
#: sixth of a figure-3 run at m = 20: measured on figure 3 (seed 0, gtol 1e-8,
#: one run each, same load), m = 20: 60 iterations / 75 evaluations / 77.8 s
#: CPU; m = 10: 61 / 77 / 69.2 s; m = 5: 67 / 85 / 67.4 s; the same minimum
#: (risk equal to 1e-10, word norms to 1e-5).  m = 10 keeps the iteration
#: count of m = 20.
LBFGS_MEMORY = 10
#: scipy ``ftol``: relative decrease below which L-BFGS-B stops; tiny, so that
#: the gradient test (or round-off in the line search) ends the run.
LBFGS_FTOL = 1e-15
#: Default iteration limit of L-BFGS.
LBFGS_MAXITER = 10000
#: Default seconds between two periodic checkpoints.
CHECKPOINT_EVERY = 60.0
#: float32 L-BFGS: this many evaluations without an accepted iterate mean that float32 no longer
#: resolves the objective (the trial steps fall below the float32 spacing of the weights, or their
#: decrease below the loss's rounding); the run then goes on in float64 from its last iterate.  On
#: figure 3 (quick setting) an iteration took at most 7 evaluations (the second, at the tiny
#: initialisation) in either type, and 18-43 where float32 stalled.
FLOAT32_STALL_EVALUATIONS = 10


@dataclass(frozen=True)
class HistoryRecord:
    """One point of a training curve.

    Attributes
    ----------
    step : int
        SGD minibatch steps, or L-BFGS iterations, done so far.
    epoch : int or None
        Epochs done (SGD); ``None`` for L-BFGS (every iteration is a full pass).
    loss : float
        The full empirical objective (eq. 3 with the regularization) at that point.
    train_accuracy, test_accuracy : float
    batch_loss : float or None
        SGD: mean minibatch cross-entropy over the epoch just finished (the
        "train loss" the paper's notebooks print); ``None`` for L-BFGS and at step 0.
    seconds : float
        Training wall time so far (summed over resumed sessions).
    """

    step: int
    epoch: int | None
    loss: float
    train_accuracy: float
    test_accuracy: float
    batch_loss: float | None
    seconds: float

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class EmpiricalTrainResult:
    """A trained network and how it got there.

    Attributes
    ----------
    problem : Problem
    network : str
    optimizer : str
    W : ndarray ``(d, n_w)``
    U : ndarray ``(K, L d)``
    risk : float
        Final empirical objective (eq. 3 with the regularization) on the training set.
    train_accuracy, test_accuracy : float
    history : tuple of HistoryRecord
    epochs : int or None
        SGD epochs done (``None`` for L-BFGS).
    iterations : int
        L-BFGS iterations, or SGD minibatch steps, done.
    evaluations : int
        Full-batch value+gradient evaluations (L-BFGS; SGD: the final one).
    gradient_norm : float
        Euclidean norm of the full-batch gradient at the final weights.
    gradient_max : float
        Largest absolute entry of that gradient (the quantity ``gtol`` bounds).
    converged : bool
        L-BFGS: ``gradient_max <= gtol``.  SGD: the requested epochs all ran
        (SGD has no gradient criterion; see ``gradient_norm``).
    message : str
    seconds : float
        Training wall time, summed over resumed sessions.
    resumed : bool
        True when the run started from a checkpoint.
    d : int
    hyperparameters : dict
        Everything the run was called with (JSON-ready).
    dtype : str
        ``"float32"`` or ``"float64"``: the type the run computed in.  SGD
        returns ``W``, ``U`` of that type; L-BFGS returns float64 arrays
        (scipy's iterate; rounded to float32 values when the run ended in float32).
    float64_from : int or None
        L-BFGS in float32: the iteration from which the run went on in float64
        because float32 no longer resolved the objective (see
        :func:`train_empirical`); ``None`` otherwise.
    """

    problem: Problem
    network: str
    optimizer: str
    W: np.ndarray
    U: np.ndarray
    risk: float
    train_accuracy: float
    test_accuracy: float
    history: tuple
    epochs: int | None
    iterations: int
    evaluations: int
    gradient_norm: float
    gradient_max: float
    converged: bool
    message: str
    seconds: float
    resumed: bool
    d: int
    hyperparameters: dict = field(default_factory=dict)
    dtype: str = "float64"
    float64_from: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready, without the weight arrays."""
        return {
            "problem": self.problem.to_dict(),
            "network": self.network,
            "optimizer": self.optimizer,
            "dtype": self.dtype,
            "float64_from": self.float64_from,
            "d": self.d,
            "risk": self.risk,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "epochs": self.epochs,
            "iterations": self.iterations,
            "evaluations": self.evaluations,
            "gradient_norm": self.gradient_norm,
            "gradient_max": self.gradient_max,
            "converged": self.converged,
            "message": self.message,
            "seconds": self.seconds,
            "resumed": self.resumed,
            "hyperparameters": dict(self.hyperparameters),
            "history": [r.to_dict() for r in self.history],
        }


# ----------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------
def _positive(name, value) -> float:
    return require_real(name, value, lo=0, lo_open=True)


def _resolve_d(problem: Problem, d) -> int:
    if d is None:
        if problem.d is None:
            raise InvalidInput("d", "an integer >= 1 (pass d=..., or give the Setting a d)", None,
                               "the problem's setting has no d")
        return int(problem.d)
    d = require_int("d", d, lo=1)
    if problem.d is not None and d != problem.d:
        raise InvalidInput("d", f"equal to the problem's d = {problem.d} (or None)", d)
    return d


def initial_weights(problem: Problem, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""The paper code's initialisation, seeded: ``(W (d, n_w), U (K, L d))``.

    ``W``: ``nn.Embedding(n_w, d)`` draws N(0, 1) entries (drawn here word by
    word, i.e. as the ``(n_w, d)`` embedding table, then transposed); ``U``:
    ``nn.Linear(L d, K)`` draws U(-b, b) with :math:`b = 1/\sqrt{L d}`; the
    notebooks divide both by 1000.  ``SeedSequence(seed)`` gives the
    initialisation stream (the SGD shuffles use a second, independent one).
    """
    d = require_int("d", d, lo=1)
    seed = require_seed("init_seed", seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0])
    W = np.ascontiguousarray(rng.standard_normal((problem.n_w, d)).T) / 1000.0
    bound = 1.0 / np.sqrt(problem.L * d)
    U = rng.uniform(-bound, bound, size=(problem.K, problem.L * d)) / 1000.0
    return W, U


def _shuffle_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])


# ----------------------------------------------------------------------------
# shared helpers
# ----------------------------------------------------------------------------
class _Run:
    """The state shared by both optimizers (private)."""

    def __init__(self, problem, dataset, network, eps, d, dtype, progress, checkpoint, checkpoint_every):
        self.problem, self.network, self.eps, self.d = problem, network, eps, d
        self.dtype = np.dtype(dtype)
        self.eval_dtype = self.dtype  # L-BFGS in float32 may finish in float64
        self.lam = float(problem.lam)
        self.train = Sentences(dataset.x_train, dataset.y_train, problem.n_w, problem.K)
        self.test = Sentences(dataset.x_test, dataset.y_test, problem.n_w, problem.K)
        self.progress = progress
        self.checkpoint = None if checkpoint is None else os.fspath(checkpoint)
        self.checkpoint_every = checkpoint_every
        self.history: list[HistoryRecord] = []
        self.elapsed_before = 0.0
        self.session_start = time.perf_counter()
        self.last_save = time.perf_counter()
        self.evaluations = 0

    def seconds(self) -> float:
        return self.elapsed_before + (time.perf_counter() - self.session_start)

    def evaluate(self, W, U, sents, grad, keep_tables=False):
        """Evaluate in the run's type (float64 iterates of L-BFGS are rounded to it here)."""
        W, U = W.astype(self.eval_dtype, copy=False), U.astype(self.eval_dtype, copy=False)
        return evaluate(W, U, sents, network=self.network, lam=self.lam, eps=self.eps, grad=grad,
                        keep_tables=keep_tables)

    def test_accuracy(self, W, U, tables=None) -> float:
        if tables is not None:  # the score tables of the weights just evaluated: only a gather is left
            correct = 0
            for i, (s0, s1) in enumerate(self.test.bounds):
                Z = tables_logits(tables, self.test, i)
                correct += int(np.count_nonzero(np.argmax(Z, axis=1) == self.test.y[s0:s1]))
            return correct / self.test.N
        return self.evaluate(W, U, self.test, grad=False).correct / self.test.N

    def record(self, step, epoch, W, U, batch_loss=None, ev=None):
        if ev is None:
            ev = self.evaluate(W, U, self.train, grad=False, keep_tables=True)
        rec = HistoryRecord(step=int(step), epoch=epoch, loss=float(ev.value), train_accuracy=ev.correct / self.train.N,
                            test_accuracy=self.test_accuracy(W, U, ev.tables), batch_loss=batch_loss,
                            seconds=self.seconds())
        self.history.append(rec)
        return rec

    def due(self) -> bool:
        return self.checkpoint is not None and time.perf_counter() - self.last_save >= self.checkpoint_every

    def save(self, arrays: dict, meta: dict, identity: dict) -> None:
        if self.checkpoint is None:
            return
        meta = {**meta, "identity": identity, "fingerprint": fingerprint(identity), "seconds": self.seconds(),
                "history": [r.to_dict() for r in self.history]}
        save_checkpoint(self.checkpoint, arrays, meta)
        self.last_save = time.perf_counter()

    def restore(self, identity: dict):
        """``(arrays, meta)`` of an existing matching checkpoint, else ``None``."""
        if self.checkpoint is None or not os.path.exists(self.checkpoint):
            return None
        try:
            arrays, meta = load_checkpoint(self.checkpoint)
        except DamagedCheckpoint as exc:
            note(f"checkpoint {self.checkpoint!r} is unusable ({exc.detail}); it is ignored and training starts "
                 "afresh")
            return None
        stored = dict(meta.get("identity", {}))
        stored.setdefault("dtype", "float64")  # checkpoints from before the dtype option computed in float64
        require_same_run(self.checkpoint, stored, identity)
        self.history = [HistoryRecord(**r) for r in meta.get("history", [])]
        self.elapsed_before = float(meta.get("seconds", 0.0))
        return arrays, meta

    def bar(self, total, initial, desc):
        from tqdm import tqdm

        return tqdm(total=total, initial=initial, desc=desc, file=sys.stderr, disable=not self.progress,
                    leave=False, dynamic_ncols=True)

    def final(self, W, U):
        ev = self.evaluate(W, U, self.train, grad=True, keep_tables=True)
        self.evaluations += 1
        g = np.concatenate([ev.gW.ravel(), ev.gU.ravel()], dtype=np.float64)
        return ev, float(np.linalg.norm(g)), float(np.max(np.abs(g))), self.test_accuracy(W, U, ev.tables)


# ----------------------------------------------------------------------------
# the optimizers
# ----------------------------------------------------------------------------
def _run_sgd(run: _Run, W, U, identity, *, epochs, lr, batch_size, init_seed, record_every):
    N = run.train.N
    n_batches = -(-N // batch_size)
    lam_W = run.lam if run.network == "h" else 0.0  # h*: weight_decay_W = 0 (the paper's fig. 4c)
    rng = _shuffle_rng(init_seed)
    epoch, batch_pos, step, perm = 0, 0, 0, None
    loss_sum, loss_batches = 0.0, 0
    restored = run.restore(identity)
    if restored is not None:
        arrays, meta = restored
        W, U = np.array(arrays["W"], dtype=run.dtype), np.array(arrays["U"], dtype=run.dtype)
        st = meta["sgd"]
        epoch, batch_pos, step = int(st["epoch"]), int(st["batch_pos"]), int(st["step"])
        loss_sum, loss_batches = float(st["loss_sum"]), int(st["loss_batches"])
        rng.bit_generator.state = st["rng_state"]
        perm = np.array(arrays["perm"], dtype=np.int64) if batch_pos > 0 else None
        if epoch > epochs:
            raise InvalidInput("epochs", f"at least the checkpoint's {epoch} epochs", epochs)
    else:
        W, U = np.ascontiguousarray(W, dtype=run.dtype), np.ascontiguousarray(U, dtype=run.dtype)
        run.record(0, 0, W, U)

    def state():
        arrays = {"W": W, "U": U, "perm": perm if perm is not None else np.zeros(0, np.int64)}
        meta = {"optimizer": "sgd", "dtype": run.dtype.name,
                "sgd": {"epoch": epoch, "batch_pos": batch_pos, "step": step, "loss_sum": loss_sum,
                        "loss_batches": loss_batches, "rng_state": rng.bit_generator.state}}
        return arrays, meta

    x, y = run.train.x, run.train.y
    with deferred_interrupt() as interrupt, run.bar(epochs, epoch, f"sgd {run.network}") as bar:
        while epoch < epochs:
            if batch_pos == 0:
                perm = rng.permutation(N)
                loss_sum, loss_batches = 0.0, 0
            while batch_pos < n_batches:
                idx = perm[batch_pos * batch_size:(batch_pos + 1) * batch_size]
                loss, _ = sgd_step(W, U, x[idx], y[idx], network=run.network, lr=lr, lam_W=lam_W, lam_U=run.lam,
                                   eps=run.eps)
                loss_sum += loss / len(idx)
                loss_batches += 1
                batch_pos += 1
                step += 1
                if interrupt.requested:
                    run.save(*state(), identity)
                    raise KeyboardInterrupt
                if run.due():
                    run.save(*state(), identity)
            epoch += 1
            batch_pos = 0
            if epoch % record_every == 0 or epoch == epochs:
                rec = run.record(step, epoch, W, U, batch_loss=loss_sum / max(loss_batches, 1))
                bar.set_postfix(loss=f"{rec.loss:.4g}", test=f"{rec.test_accuracy:.3f}", refresh=False)
            bar.update(1)
            if run.due():
                run.save(*state(), identity)
        run.save(*state(), identity)
    ev, gnorm, gmax, test_acc = run.final(W, U)
    return dict(W=W, U=U, ev=ev, gradient_norm=gnorm, gradient_max=gmax, test_accuracy=test_acc,
                epochs=epoch, iterations=step, converged=epoch >= epochs,
                message=f"SGD: {epoch} epochs of {n_batches} minibatches done", resumed=restored is not None)


class _Float32Stalled(Exception):
    """float32 L-BFGS spent :data:`FLOAT32_STALL_EVALUATIONS` evaluations without an accepted iterate (private)."""


def _run_lbfgs(run: _Run, W, U, identity, *, gtol, maxiter, record_every):
    d, n_w = W.shape
    nW = W.size
    K, Ld = U.shape
    iterations = 0
    float64_from = None  # the iteration from which a float32 run went on in float64
    restored = run.restore(identity)
    if restored is not None:
        arrays, meta = restored
        W, U = np.array(arrays["W"], dtype=np.float64), np.array(arrays["U"], dtype=np.float64)
        iterations = int(meta["lbfgs"]["iterations"])
        float64_from = meta["lbfgs"].get("float64_from")
        if float64_from is not None:
            run.eval_dtype = np.dtype(np.float64)
    cache: dict = {}
    pending = {"evaluations": 0}  # evaluations since the last accepted iterate

    def split(v):
        return v[:nW].reshape(d, n_w), v[nW:].reshape(K, Ld)

    def fun_and_grad(v):
        # scipy's iterate v is float64; the evaluation rounds it to the run's type (GEMMs, gathers and
        # softmax in that type) and hands back the value (summed in float64) and the gradient as float64
        if run.eval_dtype == np.float32 and pending["evaluations"] >= FLOAT32_STALL_EVALUATIONS:
            raise _Float32Stalled
        pending["evaluations"] += 1
        Wv, Uv = split(v)
        ev = run.evaluate(Wv, Uv, run.train, grad=True, keep_tables=True)
        run.evaluations += 1
        cache["v"], cache["ev"] = v.copy(), ev
        return ev.value, np.concatenate([ev.gW.ravel(), ev.gU.ravel()], dtype=np.float64)

    def cached(v):
        """The last evaluation if it was at ``v`` (L-BFGS's accepted point usually is), else None."""
        return cache["ev"] if "v" in cache and np.array_equal(cache["v"], v) else None

    def grad_max(ev) -> float:
        return float(max(np.max(np.abs(ev.gW)), np.max(np.abs(ev.gU))))

    def gradient_max_at(v) -> float:
        ev = cached(v)
        if ev is None:
            ev = run.evaluate(*split(v), run.train, grad=True)
            run.evaluations += 1
        return grad_max(ev)

    v0 = np.concatenate([W.ravel(), U.ravel()])
    current = {"v": v0}

    def state():
        Wv, Uv = split(current["v"])
        return {"W": Wv, "U": Uv}, {"optimizer": "lbfgs", "dtype": run.dtype.name,
                                    "lbfgs": {"iterations": iterations, "float64_from": float64_from}}

    if restored is None:
        ev0 = run.evaluate(W, U, run.train, grad=False, keep_tables=True)
        run.record(0, None, W, U, ev=ev0)
    message = "no iteration needed"
    # No total: L-BFGS stops on the gradient, long before maxiter; the bar counts iterations and shows
    # max|grad| against gtol (a percentage of maxiter would be a false estimate).
    with deferred_interrupt() as interrupt, run.bar(None, iterations,
                                                    f"lbfgs {run.network} (to max|grad| <= {gtol:.0e})") as bar:

        def callback(xk):  # the classic signature (scipy >= 1.10)
            nonlocal iterations
            iterations += 1
            pending["evaluations"] = 0
            current["v"] = np.array(xk)
            ev = cached(current["v"])  # one comparison of the weight vector per iteration
            if iterations % record_every == 0:
                Wv, Uv = split(current["v"])
                rec = run.record(iterations, None, Wv, Uv, ev=ev)
                bar.set_postfix(loss=f"{rec.loss:.6g}", test=f"{rec.test_accuracy:.3f}", refresh=False)
            if ev is not None:
                bar.set_postfix_str(f"max|grad| {grad_max(ev):.1e}", refresh=False)
            bar.update(1)
            if interrupt.requested:
                run.save(*state(), identity)
                raise KeyboardInterrupt
            if run.due():
                run.save(*state(), identity)

        def lbfgs() -> str:
            """scipy's L-BFGS-B from the current iterate for the iterations left; its stopping message."""
            remaining = maxiter - iterations
            pending["evaluations"] = 0
            try:
                res = minimize(fun_and_grad, current["v"], jac=True, method="L-BFGS-B", callback=callback,
                               options={"maxiter": remaining, "gtol": gtol, "ftol": LBFGS_FTOL,
                                        "maxcor": LBFGS_MEMORY, "maxfun": 20 * remaining + 100})
            except _Float32Stalled:  # current["v"] is the last accepted iterate
                return f"{FLOAT32_STALL_EVALUATIONS} evaluations without progress (float32 rounding)"
            current["v"] = np.array(res.x)
            return str(res.message)

        if iterations < maxiter:
            text = lbfgs()
            message = f"L-BFGS-B: {text}"
            if run.eval_dtype == np.float32 and iterations < maxiter and gradient_max_at(current["v"]) > gtol:
                # float32 no longer resolves the objective here: finish in float64 from this iterate
                float64_from = iterations
                run.eval_dtype = np.dtype(np.float64)
                cache.clear()
                message = f"L-BFGS-B in float32 to iteration {iterations} ({text}), then in float64: {lbfgs()}"
        else:
            message = f"iteration limit ({maxiter}) already reached by the checkpoint"
        run.save(*state(), identity)
    W, U = split(current["v"])
    # float64 arrays of the point the final numbers describe (rounded to float32 when the run ended in float32)
    W = np.ascontiguousarray(W.astype(run.eval_dtype).astype(np.float64))
    U = np.ascontiguousarray(U.astype(run.eval_dtype).astype(np.float64))
    ev, gnorm, gmax, test_acc = run.final(W, U)
    if not run.history or run.history[-1].step != iterations:
        run.record(iterations, None, W, U, ev=ev)
    return dict(W=W, U=U, ev=ev, gradient_norm=gnorm, gradient_max=gmax, test_accuracy=test_acc, epochs=None,
                iterations=iterations, converged=gmax <= gtol, message=message, resumed=restored is not None,
                float64_from=float64_from)


def train_empirical(problem: Problem, dataset: Dataset, *, network: str = "h", optimizer: str = "lbfgs",
                    d: int | None = None, epochs: int | None = None, lr: float = 0.1, batch_size: int = 100,
                    init_seed: int = 0, eps: float = 1e-5, gtol: float | None = None, maxiter: int | None = None,
                    checkpoint=None, progress: bool = False, record_every: int | None = None,
                    checkpoint_every: float = CHECKPOINT_EVERY, dtype: str | None = None) -> EmpiricalTrainResult:
    r"""Train h (eq. 17) or h* (eq. 18) on a sampled dataset by minimizing eq. (3).

    Parameters
    ----------
    problem : Problem
        The setting (λ = ``problem.lam``) and its latent set.
    dataset : Dataset
        From :func:`sample_dataset` on the same problem.
    network : {"h", "h*"}
    optimizer : {"lbfgs", "sgd"}
        See the module docstring.
    d : int, optional
        Embedding dimension; default ``problem.d`` (one of the two must give it).
    epochs : int
        SGD epochs (required for ``"sgd"``; must be None for ``"lbfgs"``).
    lr, batch_size : float, int
        SGD step size and minibatch size (the paper: 0.1 and 100).
    init_seed : int
        Seed of the initialisation (and of the SGD shuffles, an independent stream).
    eps : float
        LayerNorm's ε (h*), 1e-5 as ``torch.nn.LayerNorm``.
    gtol : float, optional
        L-BFGS stops when :math:`\max_i |\partial_i \hat R| \le` gtol (default
        :data:`DEFAULT_GTOLS`: 1e-10 in float64, 1e-7 in float32).
    maxiter : int, optional
        L-BFGS iteration limit (default :data:`LBFGS_MAXITER`); None for SGD.
    checkpoint : path, optional
        ``.npz`` file: resumed from when it exists (a checkpoint of another
        run raises :class:`CheckpointMismatch`), written every
        ``checkpoint_every`` seconds, at the end, and on Ctrl-C (after the
        current step; then :class:`KeyboardInterrupt` propagates).
    progress : bool
        A tqdm bar on stderr.
    record_every : int, optional
        History every this many epochs (SGD, default ``max(1, epochs // 100)``)
        or iterations (L-BFGS, default 10); the first and last points are always recorded.
    checkpoint_every : float
        Seconds between periodic checkpoints.
    dtype : {"float32", "float64"}, optional
        The floating type of the computation and of the returned ``W``, ``U``
        (default :data:`DEFAULT_DTYPES`: float64 for L-BFGS, float32 for SGD,
        the paper code's).  The objective's sums are accumulated in float64
        either way.  L-BFGS in float32: scipy keeps its iterate in float64;
        every evaluation rounds it to float32, runs the GEMMs, gathers and
        softmax in float32 and hands scipy the value and gradient as float64;
        ``gtol`` bounds that float32 gradient.  The gradient is accurate
        (figure 3: within 2e-10 of float64's, max-abs), but float32 resolves
        the objective only so far (figure 3: ~5e-9; steps below the float32
        spacing of the weights change nothing), so its line search stalls
        near max|g| ~ 3e-8 there (~1e-6 on the small quick setting).  When
        float32 stops short of ``gtol`` (a stall of
        :data:`FLOAT32_STALL_EVALUATIONS` evaluations, or scipy's own stop),
        the run goes on in float64 from its last iterate (``float64_from``,
        the message says so), so ``converged`` means the same in both types;
        see docs/empirical.md.  The checkpoint records the type: resuming with
        another raises :class:`CheckpointMismatch`.

    Returns
    -------
    EmpiricalTrainResult

    Notes
    -----
    Resuming SGD reproduces the uninterrupted run bitwise (same weights,
    permutation, generator state and position in the epoch).  Resuming
    L-BFGS restarts scipy from the saved iterate with an empty curvature
    memory, so it reaches the same minimum but not the same bits.
    """
    if not isinstance(problem, Problem):
        raise InvalidInput("problem", "a fctheory.Problem", type(problem).__name__)
    if not isinstance(dataset, Dataset):
        raise InvalidInput("dataset", "a fctheory.empirical.Dataset (sample_dataset)", type(dataset).__name__)
    if dataset.problem != problem:
        raise InvalidInput("dataset", "a dataset sampled from this problem", repr(dataset.problem))
    network = require_network(network)
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise InvalidInput("optimizer", "one of 'lbfgs', 'sgd'", optimizer)
    d = _resolve_d(problem, d)
    eps = require_eps(eps)
    init_seed = require_seed("init_seed", init_seed)
    record_every = require_optional_int("record_every", record_every, lo=1)
    checkpoint_every = _positive("checkpoint_every", checkpoint_every)
    if checkpoint is not None:
        try:
            checkpoint = os.fspath(checkpoint)
        except TypeError:
            raise InvalidInput("checkpoint", "a path (str or os.PathLike) or None", type(checkpoint).__name__) from None
        if os.path.isdir(checkpoint):
            raise InvalidInput("checkpoint", "a file path (this is a folder)", checkpoint)
    dtype = DEFAULT_DTYPES[optimizer] if dtype is None else check_dtype(dtype)
    identity = {"problem": problem.to_dict(), "dataset": dataset.digest, "network": network, "optimizer": optimizer,
                "d": d, "init_seed": init_seed, "eps": eps, "dtype": dtype}
    if optimizer == "sgd":
        if epochs is None:
            raise InvalidInput("epochs", "an integer >= 1 for optimizer 'sgd' (the paper: 1200, 10, 3000, 500)", None)
        epochs = require_int("epochs", epochs, lo=1)
        if maxiter is not None:
            raise InvalidInput("maxiter", "None for optimizer 'sgd' (use epochs)", maxiter)
        lr = _positive("lr", lr)
        batch_size = require_int("batch_size", batch_size, lo=1)
        identity.update(lr=lr, batch_size=batch_size)
        record_every = record_every or max(1, epochs // 100)
    else:
        if epochs is not None:
            raise InvalidInput("epochs", "None for optimizer 'lbfgs' (use maxiter)", epochs)
        gtol = DEFAULT_GTOLS[dtype] if gtol is None else _positive("gtol", gtol)
        maxiter = LBFGS_MAXITER if maxiter is None else require_int("maxiter", maxiter, lo=1)
        record_every = record_every or 10
    hyper = {"network": network, "optimizer": optimizer, "d": d, "epochs": epochs, "lr": lr, "batch_size": batch_size,
             "init_seed": init_seed, "eps": eps, "gtol": gtol, "maxiter": maxiter, "record_every": record_every,
             "dtype": dtype, "dataset": dataset.to_dict()}
    run = _Run(problem, dataset, network, eps, d, dtype, progress, checkpoint, checkpoint_every)
    W, U = initial_weights(problem, d, init_seed)
    if optimizer == "sgd":
        out = _run_sgd(run, W, U, identity, epochs=epochs, lr=lr, batch_size=batch_size, init_seed=init_seed,
                       record_every=record_every)
    else:
        out = _run_lbfgs(run, W, U, identity, gtol=gtol, maxiter=maxiter, record_every=record_every)
    ev = out["ev"]
    return EmpiricalTrainResult(
        problem=problem, network=network, optimizer=optimizer, W=out["W"], U=out["U"], risk=float(ev.value),
        train_accuracy=ev.correct / run.train.N, test_accuracy=out["test_accuracy"], history=tuple(run.history),
        epochs=out["epochs"], iterations=out["iterations"], evaluations=run.evaluations,
        gradient_norm=out["gradient_norm"], gradient_max=out["gradient_max"], converged=bool(out["converged"]),
        message=out["message"], seconds=run.seconds(), resumed=out["resumed"], d=d, hyperparameters=hyper, dtype=dtype,
        float64_from=out.get("float64_from"))
