"""The pieces of a reproduction that need no training: experiments as data, measurements,
the theory's values, the figures, the table and the JSON, weights.npz, bad inputs."""

import json
import math

import numpy as np
import pytest

from fctheory import InvalidInput, Problem, Setting, predict_optimum, predict_type1, predict_type2
from fctheory.reproduce import (
    EXPERIMENTS,
    JSON_KEYS,
    OPTIMUM_THEOREM,
    ReproductionResult,
    comparison_rows,
    convergence_figure,
    experiment,
    experiment_setting,
    format_table,
    gap_lines,
    measure_weights,
    pca,
    pca_figure,
    prepare_out,
    theory_predictions,
    word_features,
    word_norm_figure,
    write_weights,
)
from fctheory.risk import type1_configuration, type2_configuration

PNG = b"\x89PNG\r\n\x1a\n"


def test_experiments_are_the_papers():
    e = {name: (x.network, x.mu, x.K, x.n_spl, x.paper_epochs, x.paper.test_accuracy)
         for name, x in EXPERIMENTS.items()}
    assert e == {"fig3": ("h", "uniform", 1000, 5, 1200, 1.0), "fig4a": ("h", "zipf", 1000, 500, 10, 1.0),
                 "fig4b": ("h", "zipf", 1000, 5, 3000, 0.45), "fig4c": ("h*", "zipf", 1000, 5, 500, 1.0),
                 "k50": ("h", "uniform", 50, 100, 1200, None)}
    assert list(EXPERIMENTS) == ["fig3", "fig4a", "fig4b", "fig4c", "k50"]  # the paper's order (k50: section 3)
    fig3 = EXPERIMENTS["fig3"].paper
    assert (fig3.word_norm_mean, fig3.word_norm_std) == (1.41, 0.13)
    assert fig3.word_singular_values == (34.9, 34.7, 0.001) and fig3.u_singular_values == (34.9, 34.6, 0.0003)
    assert "figure 3" in fig3.source
    k50 = EXPERIMENTS["k50"].paper
    assert (k50.word_norm_mean, k50.word_norm_std) == (0.61, 0.06) and "0.61602" in k50.note
    assert all("reproduce_" in x.notebook.source for name, x in EXPERIMENTS.items() if name != "k50")
    assert "no notebook" in EXPERIMENTS["k50"].notebook.source
    data = [x.to_dict() for x in EXPERIMENTS.values()]
    json.dumps(data)
    assert data[4]["K"] == 50 and data[4]["quick"]["n_spl"] == 40


def test_experiment_settings():
    s = experiment_setting(experiment("fig4c"))
    assert s == Setting.paper(mu="zipf") and (s.n_w, s.L, s.K, s.d) == (1200, 15, 1000, 100)
    assert experiment_setting(experiment("k50")) == Setting.paper(K=50)
    for name, exp in EXPERIMENTS.items():
        q = experiment_setting(exp, quick=True)
        assert (q.n_c, q.s_c, q.L, q.K, q.d) == (exp.quick.n_c, exp.quick.s_c, exp.quick.L, exp.quick.K, exp.quick.d)
        assert q.lam == s.lam and q.mu.spec() == experiment_setting(exp).mu.spec() and exp.quick.why
    assert experiment_setting(experiment("fig3"), quick=True).is_full  # assumption A holds exactly


def test_theorem1_gives_the_papers_k50_value():
    # section 3: "when K = 50 and n_spl = 100 ... the theorem predicts ... norm 0.61602"
    p = predict_type1(experiment_setting(experiment("k50")), dps=15)
    assert round(float(p.word_norm), 5) == 0.61602


@pytest.mark.parametrize("bad", ["fig5", "FIG3", "", None, 3])
def test_unknown_experiment(bad):
    with pytest.raises(InvalidInput, match="experiment must be one of fig3, fig4a, fig4b, fig4c, k50"):
        experiment(bad)


def test_word_features_layer_norm_with_eps():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((7, 5)) * np.array([1.0, 0.1, 0.01, 3.0, 1e-3])
    assert word_features(W, "h") is not None and np.array_equal(word_features(W, "h"), W)
    for eps in (0.0, 1e-5):
        Y = word_features(W, "h*", eps=eps)
        sigma = W.std(axis=0)
        np.testing.assert_allclose(Y.mean(axis=0), 0, atol=1e-14)
        np.testing.assert_allclose(np.linalg.norm(Y, axis=0), math.sqrt(7) * sigma / np.sqrt(sigma**2 + eps),
                                   rtol=1e-12)
    with pytest.raises(InvalidInput, match="network"):
        word_features(W, "relu")


def test_pca_matches_centred_svd():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 4)) @ np.diag([5.0, 2.0, 0.5, 0.0]) + 3.0
    coords, sv = pca(X)
    expected = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)[:3]
    np.testing.assert_allclose(sv, expected, rtol=1e-12)
    assert coords.shape == (50, 2)
    np.testing.assert_allclose(np.linalg.norm(coords, axis=0), expected[:2], rtol=1e-12)
    _, few = pca(np.eye(2))  # fewer than three directions: zeros beyond the rank
    assert few.shape == (3,) and few[2] == 0


def _type1(setting, latent, c=1.5, cp=0.25):
    cfg = type1_configuration(setting, c, cp, latent=latent, rotation=3)
    return cfg.W, cfg.U


def test_measure_type1_configuration():
    setting = Setting(3, 4, 5, "1/1000", K=30, d=10)
    problem = Problem(setting, "random", seed=2)
    W, U = _type1(setting, problem.latent)
    m = measure_weights(W, U, n_c=3, s_c=4, L=5, network="h")
    assert m.word_norm_mean == pytest.approx(1.5, rel=1e-14) and m.word_norm_std < 1e-13
    assert m.u_norm_mean == pytest.approx(0.25, rel=1e-14) and m.u_norm_std < 1e-13
    # type I, balanced concepts: sqrt(n_w c^2 / (n_c - 1)) twice, then 0 (rank n_c - 1)
    np.testing.assert_allclose(m.word_singular_values[:2], [math.sqrt(12 * 1.5**2 / 2)] * 2, rtol=1e-12)
    assert m.word_singular_values[2] < 1e-12 and m.u_singular_values[2] < 1e-12
    np.testing.assert_allclose(m.r_by_rank, 1.5, rtol=1e-14)
    with pytest.raises(InvalidInput, match="W/U"):
        measure_weights(W[:, :-1], U, n_c=3, s_c=4, L=5, network="h")


def test_theory_for_figure3_is_theorem1():
    problem = Problem(Setting.paper(), "random", seed=0)
    predicted, skipped = theory_predictions(problem, "h")
    p = predict_type1(Setting.paper(), dps=15)
    assert predicted["word_norm"]["value"] == pytest.approx(1.42214, abs=5e-6)
    assert predicted["word_norm"]["value"] == pytest.approx(float(p.word_norm), rel=1e-15)
    assert predicted["u_norm"]["value"] == pytest.approx(float(p.u_norm), rel=1e-15)
    assert "theorem 1" in predicted["word_norm"]["theorem"] and "assumption A" in predicted["word_norm"]["note"]
    # words: sqrt(tau/(n_c-1)) exactly (n_c s_c words, s_c per concept)
    np.testing.assert_allclose(predicted["word_singular_values"]["value"], [math.sqrt(float(p.tau) / 2)] * 2 + [0],
                               rtol=1e-12)
    assert predicted["u_singular_values"]["value"][2] == 0
    assert predicted["u_frobenius"]["value"] == pytest.approx(math.sqrt(float(p.tau)), rel=1e-15)
    assert {s["theorem"][:9] for s in skipped} == {"theorem 2", "theorem 3"}
    # ... and the latent set's own optimum beside it (the paper's scale: the norms within 1% of theorem 1)
    opt = predicted["optimum_word_norm"]
    assert opt["theorem"] == OPTIMUM_THEOREM == "theorem G, reduced by the within-concept symmetry"
    assert len(opt["per_concept"]) == 3 and opt["value"] == pytest.approx(1.42214, rel=1e-2)
    assert predicted["optimum_risk"]["certified"] and predicted["optimum_risk"]["relative_gap"] <= 1e-9


def test_optimum_entries_are_predict_optimum_of_the_runs_latent_set():
    problem = Problem(Setting(3, 4, 5, "1/1000", K=30, d=10), "random", seed=3)
    predicted, _ = theory_predictions(problem, "h")
    opt = predict_optimum(problem)
    norms = np.repeat(opt.word_norms, 4)
    assert predicted["optimum_word_norm"]["per_concept"] == list(opt.word_norms)
    assert predicted["optimum_word_norm"]["value"] == pytest.approx(norms.mean(), rel=1e-12)
    assert predicted["optimum_word_norm"]["std"] == pytest.approx(norms.std(), rel=1e-9)
    u = predicted["optimum_u_norm"]
    assert (u["value"], u["std"], u["min"], u["max"]) == pytest.approx(
        (opt.u_norm_mean, opt.u_norm_std, opt.u_norm_min, opt.u_norm_max), rel=1e-9)
    r = predicted["optimum_risk"]
    assert r["value"] == pytest.approx(opt.min_risk, rel=1e-12) and r["lower_bound"] <= r["value"]
    assert r["certified"] and r["rank"] == opt.rank
    assert predicted["optimum_u_frobenius"]["value"] == pytest.approx(opt.u_frobenius, rel=1e-12)
    # the optimum's PCA: collapsed (rank n_c - 1 after centring), measured as the trained weights are
    sv = predicted["optimum_word_singular_values"]["value"]
    assert sv[2] == 0 and sv[1] > 0
    # a random K = 30 subset of [3]^5 is far from assumption A: its optimum is not theorem 1's
    assert abs(predicted["optimum_word_norm"]["value"] / predicted["word_norm"]["value"] - 1) > 0.02
    json.dumps(predicted, allow_nan=False)


def test_on_the_full_set_the_optimum_is_theorem1():
    problem = Problem(Setting(3, 4, 4, "1/1000", K=81, d=10), "random", seed=0)  # all of [3]^4
    predicted, _ = theory_predictions(problem, "h")
    assert predicted["optimum_risk"]["value"] == pytest.approx(predicted["risk"]["value"], rel=1e-9)
    np.testing.assert_allclose(predicted["optimum_word_norm"]["per_concept"], predicted["word_norm"]["value"],
                               rtol=1e-6)
    assert predicted["optimum_u_norm"]["value"] == pytest.approx(predicted["u_norm"]["value"], rel=1e-6)


def test_theory_for_zipf_h_is_absent_and_says_why():
    problem = Problem(Setting.paper(mu="zipf"), "random", seed=0)
    predicted, skipped = theory_predictions(problem, "h")
    assert predicted == {}  # neither a closed form nor the optimum (its reduction needs uniform words)
    reasons = {s["theorem"]: s["reason"] for s in skipped}
    assert "full latent set" in reasons["theorem 2 (type III, network h)"]
    assert "K = 1000" in reasons["theorem 2 (type III, network h)"]
    assert "uniform" in reasons["theorem 1 (type I, network h)"]


def test_theory_for_h_star_is_theorem3():
    setting = Setting.paper(mu="zipf")
    problem = Problem(setting, "random", seed=0)
    predicted, _ = theory_predictions(problem, "h*")
    q = predict_type2(setting, dps=15)
    assert predicted["u_norm"]["value"] == pytest.approx(float(q.u_norm), rel=1e-15)
    assert predicted["u_frobenius"]["value"] == pytest.approx(float(q.tau), rel=1e-15)
    assert predicted["word_norm"]["value"] == 10.0
    np.testing.assert_allclose(predicted["word_singular_values"]["value"][:2], [math.sqrt(1200 * 100 / 2)] * 2,
                               rtol=1e-12)
    assert all("theorem 3" in v["theorem"] for v in predicted.values())  # no optimum for h*


def test_figures_are_written(tmp_path):
    setting = Setting(3, 4, 5, "1/1000", K=30, d=10, mu="zipf")
    problem = Problem(setting, "random", seed=0)
    W, U = _type1(setting, problem.latent)
    W = W * np.tile(np.linspace(2, 0.5, 4), 3)  # norms decreasing with the rank, as in figure 4(a)
    paths = [
        pca_figure(tmp_path / "a" / "pca.png", W, U, problem.latent, n_c=3, s_c=4, network="h", title="t"),
        pca_figure(tmp_path / "pca-star.png", W, U, problem.latent, n_c=3, s_c=4, network="h*"),
        word_norm_figure(tmp_path / "norms.png", W, setting.mu.as_array(), n_c=3, s_c=4),
        convergence_figure(tmp_path / "conv.png", [{"step": i, "epoch": None, "loss": 1 / (i + 1),
                                                    "test_accuracy": None if i == 1 else i / 5} for i in range(5)]),
    ]
    for path in paths:
        with open(path, "rb") as fh:
            assert fh.read(8) == PNG
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["conv.png", "norms.png", "pca-star.png",
                                                                          "pca.png"]


def test_weights_npz_conventions(tmp_path):
    setting = Setting(3, 4, 5, "1/1000", K=30, d=10, mu="zipf")
    problem = Problem(setting, "random", seed=0)
    W, U = _type1(setting, problem.latent)
    path = write_weights(tmp_path / "weights.npz", W, U, problem.latent, setting.mu.as_array())
    with np.load(path) as data:
        assert sorted(data.files) == ["U", "W", "latent", "mu"]
        assert data["W"].shape == (10, 12) and data["U"].shape == (30, 50)
        assert data["latent"].dtype == np.int64 and np.array_equal(data["latent"], problem.latent)
        np.testing.assert_allclose(data["mu"], [12 / 25, 6 / 25, 4 / 25, 3 / 25], rtol=1e-15)
        # word (a, b) is column a*s_c + b; u_{k,l} is U[k, l*d:(l+1)*d] and points along f_{z_{k,l}}
        k, l = 7, 3
        a = problem.latent[k, l]
        block = data["U"][k, l * 10:(l + 1) * 10]
        np.testing.assert_allclose(block / 0.25, data["W"][:, a * 4 + 2] / 1.5, atol=1e-14)


def test_out_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(InvalidInput, match="out must be a directory"):
        prepare_out(f)
    assert prepare_out(None) is None
    assert prepare_out(tmp_path / "new" / "dir") == str(tmp_path / "new" / "dir")


def _synthetic_result(network="h", mu="uniform", name="fig3"):
    setting = Setting(3, 4, 5, "1/1000", K=30, d=10, mu=mu)
    problem = Problem(setting, "random", seed=0)
    if network == "h":
        W, U = _type1(setting, problem.latent)
    else:
        cfg = type2_configuration(setting, 0.3, latent=problem.latent, rotation=1, word_scale=2.0)
        W, U = cfg.W, cfg.U
    m = measure_weights(W, U, n_c=3, s_c=4, L=5, network=network)
    predicted, skipped = theory_predictions(problem, network)
    exp = experiment(name)
    return ReproductionResult(
        experiment=name, figure=exp.figure, network=network, mu=setting.mu.spec(), n_spl=5, optimizer="lbfgs",
        seed=0, quick=True, setting=setting.to_dict(), gtol=1e-8,
        eps=None if network == "h" else 0.0, test_accuracy=1.0, train_accuracy=1.0, risk=0.5,
        word_norm_mean=m.word_norm_mean, word_norm_std=m.word_norm_std, word_singular_values=m.word_singular_values,
        u_singular_values=m.u_singular_values, u_norm_mean=m.u_norm_mean, u_norm_std=m.u_norm_std,
        u_frobenius=float(np.linalg.norm(U)), predicted=predicted, not_predicted=tuple(skipped),
        paper=exp.paper.to_dict(), notebook=exp.notebook.to_dict(), epochs=None, iterations=3, converged=True,
        gradient_norm=1e-9, message="ok", resumed=False, train_seconds=0.1, seconds=0.2, W=W, U=U,
        latent=problem.latent, mu_values=setting.mu.as_array())


def test_json_contract_and_table():
    r = _synthetic_result()
    d = r.to_dict()
    assert tuple(d)[:len(JSON_KEYS)] == JSON_KEYS
    assert "W" not in d and "history" not in d
    json.dumps(d, allow_nan=False)
    assert len(d["word_singular_values"]) == 3 and len(d["u_singular_values"]) == 3
    assert d["predicted"]["word_norm"]["theorem"].startswith("theorem 1")
    rows = {row[0]: row for row in comparison_rows(r)}
    assert rows["test accuracy"][1:] == ("100.0%", "100.0%", "100.0%", "-", "-")
    assert rows["word norm mean ± std"][1] == "1.41 ± 0.13"
    assert rows["word norm mean ± std"][3].startswith("1.5 ± ")
    opt = r.predicted["optimum_word_norm"]
    assert rows["word norm mean ± std"][4] == f"{opt['value']:.4g} ± {opt['std']:.2g}"
    assert rows["word norm mean ± std"][5] == f"{r.predicted['word_norm']['value']:.6g}"
    assert rows["words: PCA singular values"][1] == "34.9, 34.7, 0.001"
    text = format_table(r)
    assert "paper vs" not in text and "fctheory" in text and "theory" in text and "fig3 (figure 3)" in text
    assert "optimum (this latent set)" in text and "theorem G, reduced by the within-concept symmetry" in text
    assert "not predicted: theorem 2" in text
    # quick: the paper's columns say they are the full-size numbers
    assert "paper (full size)" in text and "paper's notebook (full size)" in text


def test_gap_lines_split_trained_minus_theory():
    r = _synthetic_result()
    lines = gap_lines(r)
    assert [line.split(":")[0].strip() for line in lines] == ["word norm mean", "u_(k,l) norm mean", "risk"]
    opt, thm = r.predicted["optimum_word_norm"]["value"], r.predicted["word_norm"]["value"]
    assert f"trained vs optimum {100 * (r.word_norm_mean - opt) / opt:+.2f}%" in lines[0]
    assert f"optimum vs theory {100 * (opt - thm) / thm:+.2f}%" in lines[0]
    assert "finite sample" in lines[0] and "assumption A" in lines[0]
    assert gap_lines(_synthetic_result(network="h*", mu="zipf", name="fig4c")) == []


def test_table_for_zipf_says_no_theory():
    text = format_table(_synthetic_result(mu="zipf", name="fig4b"))
    assert "45.0%" in text and "full latent set" in text
    star = _synthetic_result(network="h*", mu="zipf", name="fig4c")
    rows = {row[0]: row for row in comparison_rows(star)}
    assert "||U||_F" in rows and rows["word norm mean ± std"][5] == f"{math.sqrt(10):.6g}"
    assert all(row[4] == "-" for row in rows.values())
    assert "optimum" not in format_table(star).splitlines()[3]  # a column without values is left out


def test_convergence_figure_has_one_legend_for_both_axes(tmp_path, monkeypatch):
    import fctheory.reproduce._figures as figures

    seen = []
    monkeypatch.setattr(figures, "save_figure", lambda fig, path: seen.append(fig) or str(path))
    history = [{"step": i, "epoch": None, "loss": 1 / (i + 1), "test_accuracy": i / 5} for i in range(6)]
    convergence_figure(tmp_path / "c.png", history, title="t")
    (fig,) = seen
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert len(legends) == 1
    assert [t.get_text() for t in legends[0].get_texts()] == ["training loss", "test accuracy"]
