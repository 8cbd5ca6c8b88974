"""The typed result of one reproduction and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Mapping

import numpy as np

from ._experiments import _plain

__all__ = ["ReproductionResult", "JSON_KEYS"]

#: The JSON keys every experiment has (the contract of ``fctheory reproduce --json``).
JSON_KEYS = ("experiment", "network", "mu", "n_spl", "optimizer", "seed", "test_accuracy", "train_accuracy", "risk",
             "word_norm_mean", "word_norm_std", "word_singular_values", "u_singular_values", "predicted", "seconds")


@dataclass(frozen=True, eq=False)
class ReproductionResult:
    """One reproduced experiment: what was trained, what it measured, what the theory and the paper say.

    Attributes
    ----------
    experiment, figure, network, mu : str
        The experiment (:class:`fctheory.reproduce.Experiment`: ``fig3``, ...; where the paper shows
        it; ``"h"`` or ``"h*"``; the word law's spec, ``"uniform"`` or ``"zipf:1"``).
    n_spl : int
        Training sentences per class.
    optimizer : str
        ``"lbfgs"`` (full-batch, to the empirical minimizer) or ``"sgd"`` (the paper's protocol).
    seed : int
        Seeds three separate generators: the latent set (``Problem(setting, "random", seed=seed)``),
        the sampled sentences (``sample_dataset``) and the initialisation (``train_empirical``'s ``init_seed``).
    quick : bool
        True for the experiment's reduced setting (:class:`fctheory.reproduce.QuickSetting`).
    setting : dict
        The setting's ``to_dict()``.
    gtol : float or None
        L-BFGS's gradient tolerance (max-abs component; None for SGD).
    eps : float or None
        LayerNorm's ε of h* (0, the paper's φ of eq. 18, for L-BFGS; 1e-5, the paper code's, for SGD); None for h.
    test_accuracy, train_accuracy, risk, epochs, iterations, converged, gradient_norm, message, resumed, train_seconds
        As the trainer reports them (:class:`fctheory.empirical.EmpiricalTrainResult`: ``risk`` is the
        regularized empirical risk, eq. 3; ``epochs`` is None for L-BFGS; ``train_seconds`` is its ``seconds``).
    word_norm_mean, word_norm_std, word_singular_values, u_singular_values, u_norm_mean, u_norm_std, u_frobenius
        The paper's measurements of the trained weights (:class:`fctheory.reproduce.WeightMeasurements`)
        and :math:`\\|U\\|_F`.
    predicted, not_predicted : dict, tuple of dict
        The theory's values that apply (each ``{"value", "theorem", "note"}``) and the theorems that do
        not, with the reason (:func:`fctheory.reproduce.theory_predictions`).
    paper, notebook : dict
        The paper's and its notebook's reported values.
    seconds : float
        Wall time of the whole reproduction (sampling, training, measuring, files).
    files : dict
        ``name -> path`` of the files written (empty without ``out``).
    dtype : str
        ``"float64"`` or ``"float32"``: the type the trainer computed in.
    W, U, latent, mu_values, history
        The trained weights, the latent set, μ as floats, the training history
        (not part of the JSON; the arrays go to ``weights.npz``).
    """

    experiment: str
    figure: str
    network: str
    mu: str
    n_spl: int
    optimizer: str
    seed: int
    quick: bool
    setting: Mapping
    gtol: float | None
    eps: float | None
    test_accuracy: float
    train_accuracy: float
    risk: float
    word_norm_mean: float
    word_norm_std: float
    word_singular_values: tuple
    u_singular_values: tuple
    u_norm_mean: float
    u_norm_std: float
    u_frobenius: float
    predicted: Mapping
    not_predicted: tuple
    paper: Mapping
    notebook: Mapping
    epochs: int | None
    iterations: int
    converged: bool
    gradient_norm: float
    message: str
    resumed: bool
    train_seconds: float
    seconds: float
    files: Mapping = field(default_factory=dict)
    dtype: str = "float64"
    W: np.ndarray = field(default=None, repr=False)
    U: np.ndarray = field(default=None, repr=False)
    latent: np.ndarray = field(default=None, repr=False)
    mu_values: np.ndarray = field(default=None, repr=False)
    history: tuple = field(default=(), repr=False)

    _ARRAYS = ("W", "U", "latent", "mu_values", "history")

    @classmethod
    def _json_fields(cls) -> dict:
        """The fields of the JSON (all but the arrays and the history), by name."""
        return {f.name: f for f in fields(cls) if f.name not in cls._ARRAYS}

    @classmethod
    def from_dict(cls, data: Mapping, arrays: Mapping | None = None) -> "ReproductionResult":
        """The inverse of :meth:`to_dict` (what a job on another process sends back).

        ``arrays`` may give ``W``, ``U``, ``latent`` and ``mu_values``; the
        history is not part of the JSON and comes back empty.
        """
        values = {}
        for name, f in cls._json_fields().items():
            value = data[name]  # a missing key raises KeyError naming it
            values[name] = tuple(value) if f.type in (tuple, "tuple") and value is not None else value
        arrays = arrays or {}
        return cls(**values, **{name: arrays[name] for name in ("W", "U", "latent", "mu_values") if name in arrays})

    def to_dict(self) -> dict:
        """JSON-ready: the contract keys (:data:`JSON_KEYS`) first, then the rest; no arrays."""
        return {name: _plain(getattr(self, name)) for name in (*JSON_KEYS, *self._json_fields())}
