"""The table *paper vs fctheory vs the latent set's optimum vs theory* of a reproduction (plain text).

The paper's columns are its full-size numbers; the trained weights, the optimum of the run's own
latent set and the closed form are at the run's own size (docs/reproduce.md).
"""

from __future__ import annotations

from ._results import ReproductionResult

__all__ = ["comparison_rows", "format_table", "gap_lines", "COLUMNS"]

DASH = "-"
#: The table's columns (``comparison_rows`` gives one string per column).
COLUMNS = ("quantity", "paper", "paper's notebook", "fctheory (trained)", "optimum (this latent set)",
           "theory (closed form)")


def _pct(v) -> str:
    return DASH if v is None else f"{100 * v:.1f}%"


def _pm(mean, std, digits: int = 4) -> str:
    if mean is None:
        return DASH
    return f"{mean:.{digits}g} ± {std:.2g}" if std is not None else f"{mean:.{digits}g}"


def _svs(values) -> str:
    return DASH if values is None else ", ".join(f"{v:.4g}" for v in values)


def _g6(v) -> str:
    return f"{v:.6g}"


def _theory(result: ReproductionResult, key: str, fmt=_g6) -> str:
    """The cell of ``predicted[key]`` (the optimum or the closed form)."""
    entry = result.predicted.get(key)
    return DASH if entry is None else fmt(entry["value"])


def _optimum_pm(result: ReproductionResult, key: str) -> str:
    entry = result.predicted.get(key)
    return DASH if entry is None else _pm(entry["value"], entry.get("std"))


def comparison_rows(result: ReproductionResult) -> list[tuple[str, str, str, str, str, str]]:
    """Rows ``(quantity, paper, paper's notebook, fctheory, optimum, theory)`` as strings (:data:`COLUMNS`)."""
    p, nb = result.paper, result.notebook
    rows = [
        ("test accuracy", _pct(p.get("test_accuracy")), _pct(nb.get("test_accuracy")), _pct(result.test_accuracy),
         DASH, DASH),
        ("train accuracy", _pct(p.get("train_accuracy")), _pct(nb.get("train_accuracy")),
         _pct(result.train_accuracy), DASH, DASH),
        ("word norm mean ± std", _pm(p.get("word_norm_mean"), p.get("word_norm_std"), 3),
         _pm(nb.get("word_norm_mean"), nb.get("word_norm_std"), 3), _pm(result.word_norm_mean, result.word_norm_std),
         _optimum_pm(result, "optimum_word_norm"), _theory(result, "word_norm")),
        ("u_(k,l) norm mean ± std", DASH, DASH, _pm(result.u_norm_mean, result.u_norm_std),
         _optimum_pm(result, "optimum_u_norm"), _theory(result, "u_norm")),
        ("words: PCA singular values", _svs(p.get("word_singular_values")), _svs(nb.get("word_singular_values")),
         _svs(result.word_singular_values), _theory(result, "optimum_word_singular_values", _svs),
         _theory(result, "word_singular_values", _svs)),
        ("u_(k,l): PCA singular values", _svs(p.get("u_singular_values")), _svs(nb.get("u_singular_values")),
         _svs(result.u_singular_values), _theory(result, "optimum_u_singular_values", _svs),
         _theory(result, "u_singular_values", _svs)),
    ]
    if "u_frobenius" in result.predicted or "optimum_u_frobenius" in result.predicted:
        rows.append(("||U||_F", DASH, DASH, f"{result.u_frobenius:.5g}", _theory(result, "optimum_u_frobenius"),
                     _theory(result, "u_frobenius")))
    rows.append(("risk (trained: eq. 3; others: true, eq. 5)", DASH, DASH, f"{result.risk:.5g}",
                 _theory(result, "optimum_risk"), _theory(result, "risk")))
    return rows


def _rel(a: float, b: float) -> str:
    return f"{100 * (a - b) / b:+.2f}%" if b else DASH


def gap_lines(result: ReproductionResult) -> list[str]:
    """The relative gaps trained vs optimum (finite sample) and optimum vs theorem (assumption A).

    One line per quantity that all three columns have (word norm mean, block norm mean, risk); empty
    without the latent set's optimum.
    """
    pred = result.predicted
    lines = []
    for label, trained, opt_key, theory_key in (
            ("word norm mean", result.word_norm_mean, "optimum_word_norm", "word_norm"),
            ("u_(k,l) norm mean", result.u_norm_mean, "optimum_u_norm", "u_norm"),
            ("risk", result.risk, "optimum_risk", "risk")):
        if opt_key not in pred or theory_key not in pred:
            continue
        opt, theory = pred[opt_key]["value"], pred[theory_key]["value"]
        lines.append(f"  {label}: trained vs optimum {_rel(trained, opt)} (finite sample, n_spl = {result.n_spl}"
                     + ("; empirical against true risk" if label == "risk" else "")
                     + f"); optimum vs theory {_rel(opt, theory)} (assumption A: this latent set)")
    return lines


def _optimum_line(result: ReproductionResult) -> list[str]:
    pred = result.predicted
    if "optimum_risk" not in pred:
        return []
    r, w = pred["optimum_risk"], pred["optimum_word_norm"]
    per = ", ".join(f"{v:.5g}" for v in w.get("per_concept", ()))
    cert = (f"certified: relative gap to the dual bound {r['relative_gap']:.1e}" if r.get("certified")
            else str(r.get("status", "not certified")))
    return [f"  optimum: word norm per concept {per}; min R = {r['value']:.10g} ({cert}); rank {r['rank']}"]


def format_table(result: ReproductionResult) -> str:
    """The comparison table of one reproduction, with its header, the gaps and the theorems that do not apply.

    A column without any value (the optimum for h* or for h with a Zipf μ, a notebook that does not
    exist) is left out.
    """
    s = result.setting
    run = (f"{result.optimizer} ({result.dtype}), {result.epochs} epochs" if result.epochs is not None
           else f"{result.optimizer} ({result.dtype}) to max|grad| <= {result.gtol:g}, {result.iterations} iterations")
    head = [
        f"{result.experiment} ({result.figure}): network {result.network}, mu {result.mu}, n_spl = {result.n_spl}"
        + (" [quick]" if result.quick else ""),
        f"  n_c = {s['n_c']}, s_c = {s['s_c']} (n_w = {s['n_w']}), L = {s['L']}, K = {s['K']}, d = {s['d']}, "
        f"lam = {s['lam']}; seed {result.seed} (latent set, data, init); {run}, "
        + (f"LayerNorm eps = {result.eps:g}, " if result.eps is not None else "") +
        f"{'converged' if result.converged else 'not converged'}; {result.seconds:.1f} s",
    ]
    header = list(COLUMNS)
    if result.quick:
        head.append("  quick: the paper's columns are its full-size numbers; optimum and theory are at this size")
        header[1], header[2] = "paper (full size)", "paper's notebook (full size)"
    rows = [tuple(header), *comparison_rows(result)]
    keep = [i for i in range(len(header)) if i in (0, 3) or any(r[i] != DASH for r in rows[1:])]
    rows = [tuple(r[i] for i in keep) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(keep))]
    lines = head + [""]
    for i, r in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    gaps = gap_lines(result)
    if gaps:
        lines.append("  relative gaps (trained vs theory ≈ finite-sample part + assumption-A part):")
        lines.extend(gaps)
    lines.extend(_optimum_line(result))
    theorems = sorted({entry["theorem"] for entry in result.predicted.values()})
    if theorems:
        lines.append("  theory: " + "; ".join(theorems) + " (what each value assumes: 'predicted' in --json)")
    for item in result.not_predicted:
        lines.append(f"  not predicted: {item['theorem']} {item['reason']}")
    if result.files:
        lines.append("  files: " + ", ".join(sorted(result.files.values())))
    return "\n".join(lines)
