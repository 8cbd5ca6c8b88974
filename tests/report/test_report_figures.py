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


def test_rb_figure_labels_several_ticks_on_each_log_axis(tmp_path, monkeypatch):
    """r_b spans less than a decade: a log axis with only decade ticks would show one label."""
    seen = []
    monkeypatch.setattr(figures, "save_figure", lambda fig, path: seen.append(fig) or str(path))
    mu = [0.5454, 0.2727, 0.1818]  # zipf, s_c = 3
    r = [2.9, 2.4, 2.1]
    W = np.vstack([np.repeat([r], 3, axis=0).ravel(), np.zeros(9)])  # every concept's words at r_b
    record = {"case": "zipf", "setting": {"n_c": 3, "s_c": 3}, "mu_values": mu, "prediction_values": {"r": r}}
    figures._rb_figure([(record, W)], tmp_path / "type3-rb.png")
    (fig,) = seen
    (ax,) = fig.axes
    fig.canvas.draw()
    for axis, (lo, hi) in ((ax.xaxis, (min(mu), max(mu))), (ax.yaxis, (min(r), max(r)))):
        ticks = [t for t in axis.get_majorticklocs() if lo * 0.8 <= t <= hi * 1.2]
        labels = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
        assert len(ticks) >= 2 and len(labels) >= 2, labels
