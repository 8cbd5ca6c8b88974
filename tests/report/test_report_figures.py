"""The report's figures: the convergence figure names every case."""

import numpy as np

import fctheory.report._figures as figures


def test_convergence_figure_names_every_case_in_its_legend(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(figures, "save_figure", lambda fig, path: seen.append(fig) or str(path))
    records = []
    for i in range(18):  # the default suite's number of cases: more than one colour cycle
        hist = [("lbfgs" if j < 20 else "newton", 0, 0, 1.0, 10.0 ** (-j / 2 - i / 10)) for j in range(24)]
        records.append({"name": f"case{i}/seed0", "training": {"history": hist}})
    figures._convergence_figure(records, tmp_path / "convergence.png")
    (fig,) = seen
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"case{i}/seed0" for i in range(18)] + ["target 1e-12"]
    lines = [line for line in ax.get_lines() if line.get_label().startswith("case")]
    styles = {(line.get_color() if isinstance(line.get_color(), str) else tuple(np.round(line.get_color(), 6)),
               line.get_linestyle()) for line in lines}
    assert len(styles) == 18  # every case drawn differently
