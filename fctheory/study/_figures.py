"""The figures of the under-sampling study (PNG, fctheory's one figure style), with the summaries' fits drawn in."""

from __future__ import annotations

import math
from pathlib import Path

from .._io import colormap, new_figure, save_figure
from ._samples import PAPER_POINTS
from ._summary import (LARGE_N_SPL, excess_points, finished, number, samples_summary, series, setting_label,
                       symmetry_summary, variant)

__all__ = ["symmetry_figures", "samples_figures"]

_N_SPL = "n_spl (training sentences per class)"


def _log_axes(*axes, xlabel: str, y: bool = True, fontsize=None) -> None:
    for ax in axes:
        ax.set_xscale("log")
        if y:
            ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.set_xlabel(xlabel, fontsize=fontsize)


def _power_line(ax, fit, lo, hi, *style, **kwargs) -> None:
    """The fitted power law :math:`10^{a + b \\log_{10} x}` from ``lo`` to ``hi``."""
    ax.plot([lo, hi], [10 ** (fit["intercept"] + fit["slope"] * math.log10(x)) for x in (lo, hi)], *style, lw=1,
            **kwargs)


def _save(fig, out_dir, name: str) -> Path:
    save_figure(fig, Path(out_dir) / name)  # the folder is created with the file
    return Path(out_dir) / name


def symmetry_figures(rows, out_dir) -> list[Path]:
    """Write study 1's figures into ``out_dir``; return their paths: ``symmetry-risk-error.png`` (|relative
    error of the trained minimum| against H(τ)/H*(τ*) and H_Z/H*_Z, log-log against the deviation from assumption
    A (eq. 35), per setting and network/word law, with the pooled fits) and ``symmetry-norms-collapse.png`` (the
    word and U norms' errors, the U-block norm spread, the concept directions' distance from equiangular)."""
    ok = [r for r in finished(rows) if (number(r.get("K_fraction")) or 1) < 1]
    settings = sorted({setting_label(r) for r in ok})
    colours = colormap("tab10")
    markers = {"h/uniform": "o", "h*/uniform": "s", "h*/zipf": "^"}
    dev = "assumption_a_deviation"
    fits = {(f["variant"], f["error"]): f["pooled"] for f in symmetry_summary(rows)["fits"] if f["deviation"] == dev}

    def scatter(ax, err, variants=markers):
        for i, label in enumerate(settings):
            for name in variants:
                pts = [(number(r.get(dev)), abs(number(r.get(err)) or 0)) for r in ok
                       if setting_label(r) == label and variant(r) == name]
                pts = [(x, y) for x, y in pts if x and x > 0 and y > 0]
                if pts:
                    xs, ys = zip(*pts)
                    colour = colours(i % 10)
                    # h*/zipf: open markers (its minima coincide with h*/uniform's, see the docs)
                    ax.scatter(xs, ys, s=30 if name == "h*/zipf" else 16, marker=markers[name], alpha=0.75,
                               facecolors="none" if name == "h*/zipf" else colour, edgecolors=colour,
                               label=f"{label} {name}")
        _log_axes(ax, xlabel="deviation from assumption A, ‖T − T_A‖_F / ‖T_A‖_F (eq. 35)", fontsize=9)

    fig, axes = new_figure(ncols=2, figsize=(12, 4.8), layout="constrained")
    for ax, err, title in ((axes[0], "risk_rel_error_A", "trained min vs H(τ) / H*(τ*), assumption A's K/n_c^L"),
                           (axes[1], "risk_rel_error_Z", "trained min vs H_Z / H*_Z, the set's own |S_r|")):
        scatter(ax, err)
        for name, style in (("h/uniform", "-"), ("h*/uniform", "--")):
            fit = fits.get((name, err))
            if fit is not None:
                _power_line(ax, fit, *fit["x_range"], style, color="0.3", label=f"fit {name}: slope "
                            f"{fit['slope']:.2f}±{fit['slope_stderr']:.2f}, R² {fit['r2']:.2f}")
        ax.set_ylabel("|relative error of the minimum risk|")
        ax.set_title(title, fontsize=9)
    axes[1].legend(fontsize=6.5, loc="best")
    fig.suptitle("Symmetry relaxed: random latent subsets, exact true risk", fontsize=10)
    paths = [_save(fig, out_dir, "symmetry-risk-error.png")]

    fig, axes = new_figure(nrows=2, ncols=2, figsize=(12, 9), layout="constrained")
    panels = ((axes[0, 0], "word_norm_rel_error_A", ("h/uniform",), "|relative error| of the mean ‖w‖",
               "h: mean word norm vs theorem 1 (assumption A)"),
              (axes[0, 1], "u_norm_rel_error_A", markers, "|relative error| of the mean ‖u_{k,l}‖",
               "mean ‖u_{k,l}‖ vs theorems 1 / 3 (assumption A)"),
              (axes[1, 0], "u_norm_spread", markers, "(max − min) / mean of ‖u_{k,l}‖",
               "collapse of the U blocks: norm spread (0 when collapsed)"),
              (axes[1, 1], "equiangular_error", markers, "max |cos(m_a, m_b) + 1/(n_c − 1)|",
               "concept directions: distance from the equiangular Gram"))
    for ax, column, variants, ylabel, title in panels:
        scatter(ax, column, variants)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.set_title(title, fontsize=9)
    axes[0, 1].legend(fontsize=6.5, loc="best")
    return paths + [_save(fig, out_dir, "symmetry-norms-collapse.png")]


#: Colour and marker of each network of the samples study.
_STYLE = {"h/uniform": ("tab:blue", "o"), "h/zipf": ("tab:red", "s"), "h*/zipf": ("tab:green", "^")}


def samples_figures(rows: list[dict], out_dir) -> list[Path]:
    """Write ``samples-accuracy-collapse.png`` (test accuracy and the collapse measures against n_spl, seed mean
    ± std per network, the paper's accuracies marked) and ``samples-rate.png`` (the relative errors against
    theorems 1 / 3 and the exact optimum with :func:`fctheory.study.samples_summary`'s power laws; the excess
    over each seed's value at the largest n_spl with its fit) into ``out_dir``; return their paths."""
    summary = samples_summary(rows)

    fig, axes = new_figure(nrows=2, ncols=2, figsize=(12, 8.5))
    axes = axes.ravel()
    panels = (("test_accuracy", "test accuracy"), ("u_alignment", "u alignment (mean cos to concept mean)"),
              ("u_norm_spread", "u norm spread (mean CV per concept)"),
              ("u_sv3_ratio", "PCA of the u_{k,l}: sigma_3 / sigma_2"))
    for ax, (key, label) in zip(axes, panels):
        for name, points in summary["curves"].items():
            pts = [pt for pt in points if pt[key]["mean"] is not None]
            if pts:
                color, marker = _STYLE[name]
                ax.errorbar([pt["n_spl"] for pt in pts], [pt[key]["mean"] for pt in pts],
                            yerr=[pt[key]["std"] for pt in pts], color=color, marker=marker, capsize=3, label=name)
        if key == "test_accuracy":
            for shift, ((network, mu), (n, acc)) in zip((0.93, 1.0, 1.07), PAPER_POINTS.items()):
                ax.scatter([n * shift], [acc], s=160, facecolors="none", edgecolors=_STYLE[f"{network}/{mu}"][0],
                           linewidths=2, marker="*", zorder=5, label=f"paper {network}/{mu} ({acc:.0%}, its setting)")
        _log_axes(ax, xlabel=_N_SPL, y=key == "u_sv3_ratio")
        ax.set_ylabel(label)
    axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"samples study: seed mean ± std ({'; '.join(summary['jobs']['settings'])})", fontsize=10)
    fig.tight_layout()
    paths = [_save(fig, out_dir, "samples-accuracy-collapse.png")]

    fig, (ax, ax2) = new_figure(ncols=2, figsize=(13, 5))

    def draw(axis, points, fit, label, color, marker):
        xs, ys = zip(*points)
        if fit["slope"] is not None:
            se = f" ± {fit['slope_se']:.2f}" if fit["slope_se"] is not None else ""
            label += f": slope {fit['slope']:.2f}{se}, R² {fit['r2']:.2f}"
            _power_line(axis, fit, min(xs), max(xs), color=color)
        axis.scatter(xs, ys, color=color, marker=marker, s=18, label=label)

    for name, label, color, marker in (("h_uniform_word_norm", "h/uniform word norm (thm 1)", "tab:blue", "o"),
                                       ("h_uniform_u_norm", "h/uniform block norm (thm 1)", "tab:cyan", "D"),
                                       ("h_star_zipf_u_norm", "h*/zipf block norm (thm 3)", "tab:green", "^")):
        fit, error = summary["rates"][name], summary["rates"][name]["error"]
        rs = [r for r in series(rows, fit["network"], fit["mu"]) if r.get(error) is not None]
        if not any(r[error] > 0 for r in rs):
            continue
        draw(ax, [(r["n_spl"], r[error]) for r in rs if r[error] > 0], fit, label, color, marker)
        ax.axhline(fit["excess_over_largest_n_spl"]["floor"]["mean"], color=color, lw=0.8, ls=":")
        excess = [(n, e) for n, e in zip(*excess_points(rs, error)[:2]) if e > 0]
        if excess:
            draw(ax2, excess, fit["excess_over_largest_n_spl"], label, color, marker)
    for name, label, color, marker in (("h_uniform_word_norm_optimum", "word", "tab:purple", "v"),
                                       ("h_uniform_u_norm_optimum", "block", "tab:pink", "P")):
        fit = summary["rates"][name]
        pos = [(r["n_spl"], r[fit["error"]]) for r in series(rows, "h", "uniform") if (r.get(fit["error"]) or 0) > 0]
        if pos:
            draw(ax, pos, fit["large_n_spl"], f"h/uniform {label} norm (exact optimum), no floor, fit n_spl >= "
                 f"{LARGE_N_SPL}", color, marker)
    _log_axes(ax, ax2, xlabel=_N_SPL)
    ax.legend(fontsize=7)
    ax2.legend(fontsize=7)
    ax.set_ylabel("|measured mean norm - closed form| / closed form")
    ax.set_title("trained weights vs theorems 1, 3 (assumption A) and the set's exact optimum; "
                 "dotted: value at the largest n_spl", fontsize=9)
    ax2.set_ylabel("relative error minus the seed's value at the largest n_spl")
    ax2.set_title("approach to the large-sample limit (excess over the floor)", fontsize=9)
    fig.tight_layout()
    return paths + [_save(fig, out_dir, "samples-rate.png")]
