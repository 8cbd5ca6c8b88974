"""The table *paper vs fctheory vs theory* of a reproduction (plain text)."""

from __future__ import annotations

from ._results import ReproductionResult

__all__ = ["comparison_rows", "format_table"]

DASH = "-"


def _pct(v) -> str:
    return DASH if v is None else f"{100 * v:.1f}%"


def _pm(mean, std, digits: int = 4) -> str:
    if mean is None:
        return DASH
    return f"{mean:.{digits}g} ± {std:.2g}" if std is not None else f"{mean:.{digits}g}"


def _svs(values) -> str:
    return DASH if values is None else ", ".join(f"{v:.4g}" for v in values)


def _theory(result: ReproductionResult, key: str, fmt) -> str:
    entry = result.predicted.get(key)
    return DASH if entry is None else fmt(entry["value"])


def comparison_rows(result: ReproductionResult) -> list[tuple[str, str, str, str, str]]:
    """Rows ``(quantity, paper, paper's notebook, fctheory, theory)`` as strings."""
    p, nb = result.paper, result.notebook
    rows = [
        ("test accuracy", _pct(p.get("test_accuracy")), _pct(nb.get("test_accuracy")), _pct(result.test_accuracy),
         DASH),
        ("train accuracy", _pct(p.get("train_accuracy")), _pct(nb.get("train_accuracy")),
         _pct(result.train_accuracy), DASH),
        ("word norm mean ± std", _pm(p.get("word_norm_mean"), p.get("word_norm_std"), 3),
         _pm(nb.get("word_norm_mean"), nb.get("word_norm_std"), 3),
         _pm(result.word_norm_mean, result.word_norm_std), _theory(result, "word_norm", lambda v: f"{v:.6g}")),
        ("u_(k,l) norm mean ± std", DASH, DASH, _pm(result.u_norm_mean, result.u_norm_std),
         _theory(result, "u_norm", lambda v: f"{v:.6g}")),
        ("words: PCA singular values", _svs(p.get("word_singular_values")), _svs(nb.get("word_singular_values")),
         _svs(result.word_singular_values), _theory(result, "word_singular_values", _svs)),
        ("u_(k,l): PCA singular values", _svs(p.get("u_singular_values")), _svs(nb.get("u_singular_values")),
         _svs(result.u_singular_values), _theory(result, "u_singular_values", _svs)),
    ]
    if "u_frobenius" in result.predicted:
        rows.append(("||U||_F", DASH, DASH, f"{result.u_frobenius:.5g}",
                     _theory(result, "u_frobenius", lambda v: f"{v:.6g}")))
    rows.append(("risk (fctheory: empirical eq. 3; theory: true)", DASH, DASH, f"{result.risk:.5g}",
                 _theory(result, "risk", lambda v: f"{v:.6g}")))
    return rows


def format_table(result: ReproductionResult) -> str:
    """The comparison table of one reproduction, with its header and the theorems that do not apply."""
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
    header = ("quantity", "paper", "paper's notebook", "fctheory", "theory")
    rows = [header, *comparison_rows(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = head + [""]
    for i, r in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    theorems = sorted({entry["theorem"] for entry in result.predicted.values()})
    if theorems:
        lines.append("  theory: " + "; ".join(theorems) + " (what each value assumes: 'predicted' in --json)")
    for item in result.not_predicted:
        lines.append(f"  not predicted: {item['theorem']} {item['reason']}")
    if result.files:
        lines.append("  files: " + ", ".join(sorted(result.files.values())))
    return "\n".join(lines)
