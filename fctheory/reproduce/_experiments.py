"""The paper's four experiments (section 2, figures 3 and 4) as data.

Every experiment shares the setting of section 2 (``Setting.paper()``):
:math:`n_c = 3`, :math:`s_c = 400` (:math:`n_w = 1200`), :math:`L = 15`,
:math:`K = 1000` latent variables drawn uniformly at random from
:math:`[n_c]^L`, :math:`d = 100`, :math:`\\lambda = 0.001`, SGD with learning
rate 0.1 and batch 100, a test set of 5 sentences per class.  They differ in
the network, the word law μ, the number of training sentences per class and
the number of SGD epochs of the paper's notebooks
(github.com/xbresson/feature_collapse, ``reproduce_fig{3,4a,4b,4c}.ipynb``):

======  =======  =======  =====  ======  ===========================================
name    network  μ        n_spl  epochs  the paper reports
======  =======  =======  =====  ======  ===========================================
fig3    h        uniform  5      1200    test 100%; word norms 1.41 ± 0.13 (theorem 1
                                         predicts 1.42214); PCA σ of W 34.9, 34.7,
                                         0.001 and of U 34.9, 34.6, 0.0003 (figure 3)
fig4a   h        Zipf     500    10      test 100% (figure 4a); word norms grow with μ_b
fig4b   h        Zipf     5      3000    test 45% (figure 4b): U fails to collapse
fig4c   h*       Zipf     5      500     test 100% (figure 4c)
======  =======  =======  =====  ======  ===========================================

The notebooks' own printed outputs (one SGD run each on a GPU) are kept
beside the paper's numbers as a second reference: they are what the public
code gave, and for figure 4 the paper's text quotes no singular values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

from ..errors import InvalidInput
from ..setting import Setting

__all__ = ["EXPERIMENTS", "EXPERIMENT_NAMES", "Experiment", "ReferenceValues", "experiment", "experiment_setting",
           "QUICK_SIZES"]

#: The notebooks' repository (the paper's public code).
NOTEBOOK_REPOSITORY = "github.com/xbresson/feature_collapse"

#: The reduced setting of ``quick=True`` (tests, the walk-through's quick
#: mode): same λ and word laws, sizes small enough to run in a second.
QUICK_SIZES = {"n_c": 3, "s_c": 4, "L": 5, "K": 30, "d": 10}


@dataclass(frozen=True)
class ReferenceValues:
    """Numbers a source reports for one experiment (``None``: not reported).

    Attributes
    ----------
    source : str
        Where the numbers come from (paper section/figure or notebook file).
    test_accuracy : float or None
        Test accuracy as a fraction in [0, 1].
    train_accuracy : float or None
    word_norm_mean, word_norm_std : float or None
        Mean and standard deviation of the word-feature norms.
    word_singular_values, u_singular_values : tuple of float or None
        Top three singular values of the PCA of the word features and of the
        blocks :math:`u_{k,l}`.
    note : str
    """

    source: str
    test_accuracy: float | None = None
    train_accuracy: float | None = None
    word_norm_mean: float | None = None
    word_norm_std: float | None = None
    word_singular_values: tuple | None = None
    u_singular_values: tuple | None = None
    note: str = ""

    def to_dict(self) -> dict:
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name in ("word_singular_values", "u_singular_values"):
            if out[name] is not None:
                out[name] = list(out[name])
        return out


@dataclass(frozen=True)
class Experiment:
    """One of the paper's experiments.

    Attributes
    ----------
    name : str
        ``"fig3"``, ``"fig4a"``, ``"fig4b"`` or ``"fig4c"``.
    figure : str
        The paper's figure (``"figure 3"``, ``"figure 4(a)"``, ...).
    network : str
        ``"h"`` (no LayerNorm) or ``"h*"`` (LayerNorm; W is not decayed).
    mu : str
        The word law, ``"uniform"`` or ``"zipf"`` (:math:`\\mu_b \\propto 1/b`).
    n_spl : int
        Training sentences per class.
    paper_epochs : int
        SGD epochs of the paper's notebook.
    quick_n_spl, quick_epochs : int
        The same in the reduced (``quick``) reproduction.
    paper : ReferenceValues
        What the paper's text and figure captions report.
    notebook : ReferenceValues
        What the paper's notebook printed.
    description : str
    """

    name: str
    figure: str
    network: str
    mu: str
    n_spl: int
    paper_epochs: int
    quick_n_spl: int
    quick_epochs: int
    paper: ReferenceValues = field(repr=False)
    notebook: ReferenceValues = field(repr=False)
    description: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "figure": self.figure, "network": self.network, "mu": self.mu,
                "n_spl": self.n_spl, "paper_epochs": self.paper_epochs, "description": self.description,
                "paper": self.paper.to_dict(), "notebook": self.notebook.to_dict()}


def _notebook(name: str, **values) -> ReferenceValues:
    return ReferenceValues(source=f"{NOTEBOOK_REPOSITORY}, reproduce_{name}.ipynb (printed output of one SGD run)",
                           **values)


EXPERIMENTS: Mapping[str, Experiment] = {
    "fig3": Experiment(
        "fig3", "figure 3", "h", "uniform", 5, 1200, 5, 60,
        paper=ReferenceValues(
            "paper, section 2.1 and figure 3; word norms: section 3 after theorem 1",
            test_accuracy=1.0, word_norm_mean=1.41, word_norm_std=0.13,
            word_singular_values=(34.9, 34.7, 0.001), u_singular_values=(34.9, 34.6, 0.0003),
            note="theorem 1 predicts the word norm 1.42214"),
        notebook=_notebook("fig3", test_accuracy=1.0, train_accuracy=1.0,
                           word_singular_values=(35.05, 34.46, 0.1841), u_singular_values=(35.07, 34.48, 0.1842)),
        description="network h, uniform words, n_spl = 5: type-I collapse (theorem 1)"),
    "fig4a": Experiment(
        "fig4a", "figure 4(a)", "h", "zipf", 500, 10, 50, 10,
        paper=ReferenceValues("paper, section 2.2 and figure 4(a)", test_accuracy=1.0,
                              note="word embeddings aligned by concept, magnitudes growing with the frequency"),
        notebook=_notebook("fig4a", test_accuracy=0.999, train_accuracy=1.0,
                           word_singular_values=(24.24, 24.20, 3.366e-4), u_singular_values=(24.34, 24.30, 2.350e-4)),
        description="network h, Zipf words, n_spl = 500: directional collapse, norms grow with mu_b"),
    "fig4b": Experiment(
        "fig4b", "figure 4(b)", "h", "zipf", 5, 3000, 5, 60,
        paper=ReferenceValues("paper, section 2.2 and figure 4(b)", test_accuracy=0.45,
                              note="the blocks u_{k,l} stay dispersed and fail to collapse"),
        notebook=_notebook("fig4b", test_accuracy=0.437, train_accuracy=1.0,
                           word_singular_values=(19.14, 18.85, 7.842), u_singular_values=(19.19, 18.89, 7.875),
                           note="test accuracy climbs to 65.5% (epoch 400), then decays to 43.7% at epoch 3000"),
        description="network h, Zipf words, n_spl = 5: U fails to collapse, poor generalization"),
    "fig4c": Experiment(
        "fig4c", "figure 4(c)", "h*", "zipf", 5, 500, 5, 60,
        paper=ReferenceValues("paper, section 2.2 and figure 4(c)", test_accuracy=1.0,
                              note="LayerNorm removes the frequency dependence (theorem 3)"),
        notebook=_notebook("fig4c", test_accuracy=1.0, train_accuracy=1.0,
                           word_singular_values=(238.7, 237.5, 5.228), u_singular_values=(8.387, 8.377, 0.1145)),
        description="network h* (LayerNorm), Zipf words, n_spl = 5: type-II collapse (theorem 3)"),
}

#: The experiment names, in the paper's order.
EXPERIMENT_NAMES = tuple(EXPERIMENTS)


def experiment(name) -> Experiment:
    """The experiment called ``name`` (``fig3``, ``fig4a``, ``fig4b``, ``fig4c``).

    Raises
    ------
    InvalidInput
        For any other name.
    """
    if not isinstance(name, str) or name not in EXPERIMENTS:
        raise InvalidInput("experiment", "one of " + ", ".join(EXPERIMENT_NAMES), name)
    return EXPERIMENTS[name]


def experiment_setting(exp: Experiment, *, quick: bool = False) -> Setting:
    """The :class:`~fctheory.Setting` of an experiment.

    ``Setting.paper(mu=...)`` (section 2: n_c 3, s_c 400, L 15, K 1000,
    d 100, λ 0.001), or with ``quick`` the reduced sizes :data:`QUICK_SIZES`
    with the same λ and word law.
    """
    if quick:
        sizes = dict(QUICK_SIZES)
        return Setting(sizes.pop("n_c"), sizes.pop("s_c"), sizes.pop("L"), Fraction(1, 1000), mu=exp.mu, **sizes)
    return Setting.paper(mu=exp.mu)
