"""Figures of a validation run (matplotlib, Agg backend, written atomically).

* ``pca-<case>.png`` — the word embeddings (LayerNorm'd for h*) and the blocks
  :math:`u_{k,l}` in their top two principal directions, coloured by concept
  (the paper's figures 3-4): collapse shows as one point per concept at the
  vertices of a simplex.
* ``type3-rb.png`` — measured and predicted :math:`r_b` against
  :math:`\\mu_b` (log-log): frequent words get larger embeddings (eq. 7).
* ``convergence.png`` — relative gradient norm along training, L-BFGS-B then
  the Newton-CG polish.
"""

from __future__ import annotations

import os

import numpy as np

from ..latent import full_latent_set
from .._io import colormap, new_figure, save_figure

__all__ = ["write_figures"]


def _pca_figure(record, W, U, path):
    """:func:`fctheory.reproduce.pca_figure` of a trained case (exact LayerNorm, eq. 18, for h*)."""
    from ..reproduce import pca_figure

    s = record["setting"]
    latent = record.get("latent")
    z = np.array(latent["rows"]) if latent else full_latent_set(s["n_c"], s["L"])
    pca_figure(path, W, U, z, n_c=s["n_c"], s_c=s["s_c"], network=record["network"], eps=0.0,
               title=f"{record['name']}: {record['kind']} ({record['network']}), verdict "
                     f"{record['measurement']['collapse_verdict']}")


def _rb_figure(items, path):
    fig, ax = new_figure(figsize=(5.6, 4.2))
    colours = colormap("tab10")
    for i, (record, W) in enumerate(items):
        s = record["setting"]
        mu = np.array(record["mu_values"])
        r_pred = np.array(record["prediction_values"]["r"])
        norms = np.linalg.norm(W, axis=0).reshape(s["n_c"], s["s_c"])
        order = np.argsort(mu)
        ax.plot(mu[order], r_pred[order], "-", color=colours(i % 10), lw=1.2, label=f"{record['case']} predicted")
        for a in range(s["n_c"]):
            ax.plot(mu, norms[a], "o", ms=5, mfc="none", color=colours(i % 10),
                    label=f"{record['case']} measured" if a == 0 else None)
    from matplotlib.ticker import LogLocator, NullLocator, StrMethodFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):  # the data span about a decade: label 1, 2, 3, 5 of each
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
        axis.set_major_formatter(StrMethodFormatter("{x:.3g}"))
        axis.set_minor_locator(NullLocator())
    ax.set_xlabel("word frequency mu_b")
    ax.set_ylabel("embedding norm r_b")
    ax.set_title("type III: r_b against mu_b (theorem 2, eq. 7-8)", fontsize=10)
    ax.legend(fontsize=7)
    save_figure(fig, path)


#: Line styles that, with the ten colours of ``tab10``, tell up to 40 cases apart in the legend.
_LINE_STYLES = ("-", "--", ":", "-.")


def _convergence_figure(records, path):
    """One line per case (colour and line style from its index), every case named in a legend beside the axes."""
    fig, ax = new_figure(figsize=(8.6, 4.4))
    colours = colormap("tab10")
    for i, record in enumerate(records):
        hist = record["training"]["history"]
        if not hist:
            continue
        style = dict(color=colours(i % 10), ls=_LINE_STYLES[(i // 10) % len(_LINE_STYLES)])
        g = np.array([row[4] / max(1.0, abs(row[3])) for row in hist])
        ax.semilogy(np.arange(len(g)), np.maximum(g, 1e-18), lw=1.0, label=record["name"], **style)
        newton = [j for j, row in enumerate(hist) if row[0] == "newton"]
        if newton:
            ax.semilogy(newton, np.maximum(g[newton], 1e-18), "o", ms=3, color=style["color"])
    ax.axhline(1e-12, color="k", ls="--", lw=0.8, label="target 1e-12")
    ax.set_xlabel("iteration (L-BFGS-B, then Newton-CG steps marked o)")
    ax.set_ylabel("||grad|| / max(1, R)")
    ax.set_title("training convergence", fontsize=10)
    n = len(ax.get_legend_handles_labels()[1])
    ax.legend(fontsize=6, ncol=1 if n <= 20 else 2, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    save_figure(fig, path)


def write_figures(run_dir: str, records, load_weights) -> dict:
    """Write the figures of a run into ``run_dir/figures``.

    Parameters
    ----------
    run_dir : str
    records : sequence of dict
    load_weights : callable
        ``record -> (W, U)``.

    Returns
    -------
    dict
        ``{"pca": {case: relative path}, "type3_rb": path or None,
        "convergence": path}``.
    """
    fig_dir = os.path.join(run_dir, "figures")
    os.makedirs(fig_dir, exist_ok=True)
    out = {"pca": {}, "type3_rb": None, "convergence": None}
    first = {}
    for record in records:
        first.setdefault(record["case"], record)
    rb_items = []
    for case, record in first.items():
        if record["kind"] == "trivial":
            continue
        W, U = load_weights(record)
        rel = f"figures/pca-{case}.png"
        _pca_figure(record, W, U, os.path.join(run_dir, rel))
        out["pca"][case] = rel
        if record["kind"] == "type3":
            rb_items.append((record, W))
    if rb_items:
        out["type3_rb"] = "figures/type3-rb.png"
        _rb_figure(rb_items, os.path.join(run_dir, out["type3_rb"]))
    out["convergence"] = "figures/convergence.png"
    _convergence_figure(list(records), os.path.join(run_dir, out["convergence"]))
    return out
