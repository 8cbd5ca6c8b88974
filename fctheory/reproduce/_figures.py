"""The figures of a reproduction (docs/reproduce.md, *The files*): matplotlib, one style, written atomically."""

from __future__ import annotations

import numpy as np

from .._io import new_figure, save_figure
from ._measure import pca, word_features

__all__ = ["pca_figure", "word_norm_figure", "convergence_figure"]

#: Concept colours of the paper's notebooks (darkblue, darkred, darkgreen), then more.
CONCEPT_COLOURS = ("darkblue", "darkred", "darkgreen", "darkorange", "purple", "teal", "olive", "brown")


def _colour(a: int) -> str:
    return CONCEPT_COLOURS[a % len(CONCEPT_COLOURS)]


def _sv_text(values) -> str:
    return ", ".join(f"{v:.3g}" for v in values)


def pca_figure(path, W, U, latent, *, n_c: int, s_c: int, network: str, title: str = "", eps: float = 1e-5) -> str:
    """Write the PCA figure of ``(W, U)`` to ``path`` (``pca.png``, like the paper's figures 3 and 4); returns the path.

    Left, the word features (:func:`fctheory.reproduce.word_features`) in their top two principal
    directions, coloured by concept; right, the blocks :math:`u_{k,l}` coloured by the concept
    :math:`z_{k,l}` they see; the top three singular values of each PCA in the panel titles.
    """
    feats = word_features(W, network, eps=eps)
    wc, ws = pca(feats.T)
    uc, us = pca(np.asarray(U, dtype=np.float64).reshape(-1, feats.shape[0]))  # the blocks u_(k,l), one per row
    concept = np.repeat(np.arange(n_c), s_c)
    z = np.asarray(latent).ravel()
    fig, axes = new_figure(ncols=2, figsize=(9.0, 4.3))
    size_w = 4 if feats.shape[1] > 200 else 24
    size_u = 1 if z.size > 2000 else 10
    for a in range(n_c):
        axes[0].scatter(wc[concept == a, 0], wc[concept == a, 1], s=size_w, color=_colour(a), label=f"concept {a}")
        axes[1].scatter(uc[z == a, 0], uc[z == a, 1], s=size_u, color=_colour(a))
    what = "LayerNorm'd words phi(w)" if network == "h*" else "words w_(a,b)"
    axes[0].set_title(f"{what}\nsingular values {_sv_text(ws)}", fontsize=9)
    axes[1].set_title(f"blocks u_(k,l) by concept z_(k,l)\nsingular values {_sv_text(us)}", fontsize=9)
    for ax in axes:
        ax.set_aspect("equal", adjustable="datalim")
        ax.axhline(0, color="0.85", lw=0.6, zorder=0)
        ax.axvline(0, color="0.85", lw=0.6, zorder=0)
    axes[0].legend(fontsize=7, loc="best", markerscale=2)
    if title:
        fig.suptitle(title, fontsize=10, y=1.04)
    return save_figure(fig, path)


def word_norm_figure(path, W, mu, *, n_c: int, s_c: int, network: str = "h", title: str = "",
                     eps: float = 1e-5) -> str:
    """Write every word's measured norm against its frequency :math:`\\mu_b` (log-log, figure 4(a)) to ``path``."""
    feats = word_features(W, network, eps=eps)
    norms = np.linalg.norm(feats, axis=0).reshape(n_c, s_c)
    mu = np.asarray(mu, dtype=np.float64)
    fig, ax = new_figure(figsize=(5.6, 4.2))
    for a in range(n_c):
        ax.scatter(mu, norms[a], s=6, color=_colour(a), alpha=0.6, label=f"concept {a}")
    ax.plot(mu, norms.mean(axis=0), color="black", lw=1.0, label="mean over concepts (r_b)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("word frequency mu_b")
    ax.set_ylabel("||phi(w_(a,b))||" if network == "h*" else "||w_(a,b)||")
    ax.legend(fontsize=7, loc="best")
    ax.set_title(title or "measured word norm against frequency", fontsize=9)
    return save_figure(fig, path)


def convergence_figure(path, history, *, title: str = "") -> str:
    """Write the loss and the test accuracy along ``history`` (records with step, epoch, loss, test_accuracy;
    two axes, one legend) to ``path``."""
    def column(key):  # a missing value (None) becomes nan
        return np.array([r.get(key) for r in history], dtype=float)

    use_epochs = bool(history) and all(r.get("epoch") is not None for r in history)
    x, loss, acc = column("epoch" if use_epochs else "step"), column("loss"), column("test_accuracy")
    fig, ax = new_figure(figsize=(6.0, 3.8))
    ax.plot(x, loss, color="darkblue", lw=1.2, label="training loss")
    if np.all(np.isfinite(loss)) and loss.size and np.min(loss) > 0:
        ax.set_yscale("log")
    ax.set_xlabel("epoch" if use_epochs else "iteration")
    ax.set_ylabel("loss (empirical risk)", color="darkblue")
    right = ax.twinx()
    right.plot(x, 100 * acc, color="darkred", lw=1.2, marker="." if x.size < 60 else None, label="test accuracy")
    right.set_ylabel("test accuracy (%)", color="darkred")
    right.set_ylim(-2, 102)
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], fontsize=7, loc="center right")
    ax.set_title(title or "convergence", fontsize=9)
    return save_figure(fig, path)
