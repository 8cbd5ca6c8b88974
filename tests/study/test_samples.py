"""Study 2 of the under-sampling study (samples relaxed): the job, its summary's fits, its figures, its grids."""

import math
import pathlib

import numpy as np
import pytest

from fctheory import Problem, Setting
from fctheory.configurations import type1_configuration, type2_configuration
from fctheory.errors import InvalidInput
from fctheory.study import (SAMPLES_COLUMNS, crossing, fit_power_law, samples_figures, samples_job,
                            samples_summary)
from fctheory.study._measure import collapse_measures
from fctheory.study._samples import NETWORKS, OPTIMUM_COLUMNS
from fctheory.study._summary import OPTIMUM_RATE_FITS, excess_fit, optimum_rate_fit

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

GRIDS = pathlib.Path(__file__).resolve().parents[2] / "fctheory" / "study" / "grids"
TINY = {"n_c": 3, "s_c": 5, "L": 3, "K": 8, "d": 6, "lam": "1/1000", "n_spl": 2, "seed": 1}


@pytest.fixture(scope="module")
def tiny_rows():
    return {(net, mu): samples_job(network=net, mu=mu, **TINY) for net, mu in NETWORKS}


def test_job_keys_and_types(tiny_rows):
    for (net, mu), row in tiny_rows.items():
        assert list(row) == list(SAMPLES_COLUMNS)
        assert (row["network"], row["mu"], row["n_spl"], row["seed"]) == (net, mu, 2, 1)
        for key in ("test_accuracy", "train_accuracy", "u_alignment", "word_alignment"):
            assert isinstance(row[key], float) and -1.0 <= row[key] <= 1.0, key
        for key in ("risk", "word_norm_mean", "word_norm_std", "u_norm_mean", "u_norm_spread", "train_seconds"):
            assert isinstance(row[key], float) and row[key] >= 0, key
        assert isinstance(row["converged"], bool) and isinstance(row["iterations"], int) and row["iterations"] > 0
        assert isinstance(row["unseen_words"], int) and 0 <= row["unseen_words"] <= 15
        if (net, mu) == ("h", "zipf"):
            assert row["word_norm_predicted"] is None and row["word_norm_rel_error"] is None
            assert row["u_norm_predicted"] is None and row["theorem"] is None
            assert "theorem 2" in row["not_predicted"] and "full latent set" in row["not_predicted"]
        else:
            assert row["word_norm_predicted"] > 0 and row["u_norm_predicted"] > 0 and row["risk_predicted"] > 0
            assert row["word_norm_rel_error"] == pytest.approx(
                abs(row["word_norm_mean"] - row["word_norm_predicted"]) / row["word_norm_predicted"])
            assert row["u_norm_rel_error"] == pytest.approx(
                abs(row["u_norm_mean"] - row["u_norm_predicted"]) / row["u_norm_predicted"])
    star = tiny_rows[("h*", "zipf")]
    assert star["eps"] == 0.0 and star["theorem"].startswith("theorem 3")
    assert star["word_norm_predicted"] == pytest.approx(math.sqrt(6))
    assert star["word_norm_rel_error"] < 1e-12  # ||phi(w)|| = sqrt(d) exactly at eps = 0
    assert tiny_rows[("h", "uniform")]["theorem"].startswith("theorem 1")


def test_job_measures_the_gap_to_the_latent_sets_exact_optimum(tiny_rows):
    from fctheory import predict_optimum

    row = tiny_rows[("h", "uniform")]
    setting = Setting(3, 5, 3, "1/1000", K=8, d=6)
    opt = predict_optimum(Problem(setting, "random", seed=1))  # the job's latent set (seed 1)
    assert row["risk_optimum_certified"] is True
    assert row["risk_optimum"] == pytest.approx(opt.min_risk, rel=1e-12)
    assert row["risk_optimum_lower_bound"] <= row["risk_optimum"]
    assert row["word_norm_optimum"] == pytest.approx(float(np.mean(opt.word_norms)), rel=1e-12)
    assert row["u_norm_optimum"] == pytest.approx(opt.u_norm_mean, rel=1e-12)
    assert row["u_frobenius_optimum"] == pytest.approx(opt.u_frobenius, rel=1e-12)
    for measured, key in (("word_norm_mean", "word_norm"), ("u_norm_mean", "u_norm"), ("u_frobenius", "u_frobenius")):
        assert row[f"{key}_rel_error_optimum"] == pytest.approx(
            abs(row[measured] - row[f"{key}_optimum"]) / row[f"{key}_optimum"])
    # mean |x|^2 >= (mean |x|)^2 >= |mean x|^2: word by word is at least the mean's error
    assert row["word_norm_rms_rel_error_optimum"] >= row["word_norm_rel_error_optimum"] - 1e-15
    # the optimum is the set's own, not theorem 1's idealised one (assumption A)
    assert row["word_norm_optimum"] != pytest.approx(row["word_norm_predicted"], rel=1e-6)
    for other in (("h", "zipf"), ("h*", "zipf")):  # no certified optimum: the columns are None
        assert all(tiny_rows[other][key] is None for key in OPTIMUM_COLUMNS)
    assert set(OPTIMUM_COLUMNS) <= set(SAMPLES_COLUMNS) and "word_norm_rel_error" in SAMPLES_COLUMNS


def test_optimum_columns_word_by_word():
    from fctheory.study._samples import _optimum_columns

    predicted = {"optimum_word_norm": {"value": 1.5, "per_concept": [1.0, 2.0]}, "optimum_u_norm": {"value": 0.5},
                 "optimum_u_frobenius": {"value": 4.0},
                 "optimum_risk": {"value": 0.3, "lower_bound": 0.29, "certified": True}}
    out = _optimum_columns(predicted, np.array([1.1, 0.9, 2.0, 2.0]), 0.6, 3.0)
    assert out["word_norm_rel_error_optimum"] == pytest.approx(0.0)  # the mean agrees ...
    assert out["word_norm_rms_rel_error_optimum"] == pytest.approx(math.sqrt(0.02 / 4) / 1.5)  # ... word by word not
    assert out["u_norm_rel_error_optimum"] == pytest.approx(0.2) and out["u_frobenius_rel_error_optimum"] == 0.25
    assert (out["risk_optimum"], out["risk_optimum_lower_bound"], out["risk_optimum_certified"]) == (0.3, 0.29, True)
    assert list(out) == list(OPTIMUM_COLUMNS)
    assert all(v is None for v in _optimum_columns({}, np.ones(4), 1.0, 1.0).values())


def test_job_is_deterministic_and_takes_a_dict(tiny_rows):
    again = samples_job({"network": "h", "mu": "zipf", **TINY})  # the sweep's calling convention
    first = tiny_rows[("h", "zipf")]
    assert {k: v for k, v in again.items() if k != "train_seconds"} == \
           {k: v for k, v in first.items() if k != "train_seconds"}
    other = samples_job(network="h", mu="zipf", **{**TINY, "seed": 2})
    assert other["risk"] != first["risk"]


@pytest.mark.parametrize("bad, field", [
    ({"n_spl": 0}, "n_spl"),
    ({"n_spl": 2.5}, "n_spl"),
    ({"seed": -1}, "seed"),
    ({"network": "g"}, "network/mu"),
    ({"mu": "uniform", "network": "h*"}, "network/mu"),
    ({"gtol": 0}, "gtol"),
    ({"maxiter": 0}, "maxiter"),
    ({"epochs": 3}, "epochs"),
])
def test_bad_params_raise_a_typed_error(bad, field):
    params = {"network": "h", "mu": "uniform", **TINY, **bad}
    with pytest.raises(InvalidInput) as info:
        samples_job(**params)
    assert info.value.field == field


def test_collapse_measures_of_the_collapse_configurations():
    problem = Problem(Setting(3, 4, 5, "1/1000", K=20, d=6), "random", seed=0)
    latent = np.asarray(problem.latent)
    for cfg in (type1_configuration(problem, 1.3, 0.4, rotation=3), type2_configuration(problem, 0.2, rotation=4)):
        m = collapse_measures(cfg.W, cfg.U, latent, 3, 4)
        assert m["u_alignment"] == pytest.approx(1.0, abs=1e-12)
        assert m["u_alignment_min"] == pytest.approx(1.0, abs=1e-12)
        assert m["u_norm_spread"] == pytest.approx(0.0, abs=1e-12)
        assert m["word_alignment"] == pytest.approx(1.0, abs=1e-12)
        assert m["word_sv3_ratio"] == pytest.approx(0.0, abs=1e-10)
    rng = np.random.default_rng(0)
    noisy = collapse_measures(rng.normal(size=(6, 12)), rng.normal(size=(20, 30)), latent, 3, 4)
    assert noisy["u_alignment"] < 0.8 and noisy["u_norm_spread"] > 0.1 and noisy["u_sv3_ratio"] > 0.3


def test_fit_power_law_recovers_a_known_slope():
    x = np.array([1, 2, 5, 10, 50, 100, 500], dtype=float)
    exact = fit_power_law(x, 0.3 * x ** -0.5)
    assert exact["slope"] == pytest.approx(-0.5, abs=1e-12) and exact["r2"] == pytest.approx(1.0)
    assert exact["slope_se"] < 1e-10 and exact["n_points"] == 7 and exact["x_range"] == pytest.approx([1, 500])
    noise = np.exp(np.random.default_rng(1).normal(scale=0.1, size=x.size))
    noisy = fit_power_law(list(x) + [3, 7], list(0.3 * x ** -0.5 * noise) + [None, 0.0])
    assert noisy["n_points"] == 7 and noisy["n_excluded"] == 2
    assert abs(noisy["slope"] + 0.5) < 3 * noisy["slope_se"] and 0 < noisy["slope_se"] < 0.1
    assert fit_power_law([5, 5], [1, 2])["slope"] is None


def test_excess_fit_separates_the_floor():
    ns = [1, 2, 5, 10, 100, 10**6]
    rows = [{"seed": s, "n_spl": n, "e": 0.01 * (1 + s) + 0.4 / n} for s in (0, 1) for n in ns]
    fit = excess_fit(rows, "e")
    assert fit["slope"] == pytest.approx(-1.0, abs=1e-4) and fit["n_points"] == 10
    assert fit["floor"]["mean"] == pytest.approx(0.015, abs=1e-6) and fit["floor"]["std"] == pytest.approx(0.005, abs=1e-6)


def test_optimum_rate_fit_has_no_floor():
    ns = [1, 2, 5, 10, 100, 10**6]
    rows = [{"seed": s, "n_spl": n, "e": (1 + s) * 0.3 * n ** -0.5} for s in (0, 1) for n in ns]
    fit = optimum_rate_fit(rows, "e")
    assert "floor" not in fit and "excess_over_largest_n_spl" not in fit
    assert fit["n_points"] == 12 and fit["tends_to_zero"] is True  # every point, the largest n_spl too
    assert fit["slope"] == pytest.approx(-0.5, abs=1e-12)
    assert fit["large_n_spl"]["slope"] == pytest.approx(-0.5, abs=1e-12) and fit["large_n_spl"]["n_points"] == 4
    assert [pt["n_spl"] for pt in fit["points"]] == ns and fit["points"][0]["mean"] == pytest.approx(0.45)
    # a gap that levels off is not hidden by a floor: the fitted slope is flatter than the early decay
    floored = optimum_rate_fit([{"seed": 0, "n_spl": n, "e": 0.01 + 0.4 / n} for n in ns], "e")
    assert -1.0 < floored["slope"] < -0.2
    assert optimum_rate_fit([], "e")["tends_to_zero"] is None


def test_crossing():
    assert crossing([1, 10, 100], [0.2, 0.5, 0.8], 0.65)["n_spl"] == pytest.approx(10 ** 1.5)
    assert crossing([1, 10], [0.9, 1.0], 0.5) == {"n_spl": 1.0, "status": "at_first_point"}
    assert crossing([1, 10], [0.1, 0.2], 0.5) == {"n_spl": None, "status": "not_reached"}
    down = crossing([1, 10, 100], [0.9, 0.5, 0.1], 0.3, increasing=False)
    assert down["status"] == "interpolated" and down["n_spl"] == pytest.approx(10 ** 1.5)


def _synthetic_rows():
    """Rows whose fits are known: rel errors 0.4 n^-0.5 (h/uniform word), 0.2 n^-1 (h* block)."""
    rows = []
    acc_hz = {1: 0.1, 5: 0.5, 10: 0.9, 20: 1.0, 100: 1.0}
    for seed in (0, 1, 2):
        for n in acc_hz:
            base = {"status": "ok", "n_spl": n, "seed": seed, "n_c": 3, "s_c": 10, "L": 4, "K": 20, "d": 8,
                    "lam": "1/1000", "converged": True, "iterations": 10, "train_seconds": 1.0,
                    "u_norm_spread": 0.1, "u_alignment": 0.9}
            rows.append({**base, "network": "h", "mu": "uniform", "test_accuracy": 1.0,
                         "word_norm_rel_error": 0.4 * n ** -0.5, "u_norm_rel_error": 0.1 * n ** -0.25,
                         "word_norm_rel_error_optimum": 0.2 * n ** -1.0, "u_norm_rel_error_optimum": 0.1 / n,
                         "u_frobenius_rel_error_optimum": 0.3 * n ** -0.75})
            rows.append({**base, "network": "h", "mu": "zipf", "test_accuracy": acc_hz[n],
                         "u_alignment": 0.5 + 0.4 * acc_hz[n], "word_norm_rel_error": None})
            rows.append({**base, "network": "h*", "mu": "zipf", "test_accuracy": 0.98, "u_alignment": 0.86,
                         "word_norm_rel_error": 1e-16, "u_norm_rel_error": 0.2 / n})
    rows.append({"status": "failed", "network": "h", "mu": "zipf", "n_spl": 7, "seed": 0})
    return rows


def test_summary_fits_and_recovery_on_synthetic_rows():
    summary = samples_summary(_synthetic_rows())
    assert summary["jobs"]["ok"] == 45 and summary["jobs"]["failed"] == 1
    rates = summary["rates"]
    assert rates["h_uniform_word_norm"]["slope"] == pytest.approx(-0.5)
    assert rates["h_uniform_word_norm"]["r2"] == pytest.approx(1.0) and rates["h_uniform_word_norm"]["n_points"] == 15
    assert rates["h_uniform_u_norm"]["slope"] == pytest.approx(-0.25)
    assert rates["h_star_zipf_u_norm"]["slope"] == pytest.approx(-1.0)
    assert [name for name, _, _ in OPTIMUM_RATE_FITS] == [
        "h_uniform_word_norm_optimum", "h_uniform_word_norm_rms_optimum", "h_uniform_u_norm_optimum",
        "h_uniform_u_frobenius_optimum"]
    for name, slope in (("h_uniform_word_norm_optimum", -1.0), ("h_uniform_u_norm_optimum", -1.0),
                        ("h_uniform_u_frobenius_optimum", -0.75)):
        assert rates[name]["slope"] == pytest.approx(slope) and rates[name]["n_points"] == 15
        assert rates[name]["tends_to_zero"] is True and "excess_over_largest_n_spl" not in rates[name]
    rec = summary["recovery"]["test_accuracy"]
    assert rec["target"]["mean"] == pytest.approx(0.98)
    assert rec["status"] == "interpolated" and rec["n_spl"] == pytest.approx(10 * 2 ** 0.8)
    assert rec["per_seed_range"] == pytest.approx([10 * 2 ** 0.8] * 2)
    assert rec["h_zipf_at_n_spl_5"]["mean"] == pytest.approx(0.5)
    align = summary["recovery"]["u_alignment"]  # 0.5 + 0.4 acc reaches 0.86 at acc = 0.9: n = 10
    assert align["n_spl"] == pytest.approx(10.0)
    assert summary["recovery"]["u_norm_spread"]["status"] == "at_first_point"
    curve = summary["curves"]["h/zipf"]
    assert [pt["n_spl"] for pt in curve] == [1, 5, 10, 20, 100] and curve[0]["seeds"] == 3


def test_summary_without_the_target_says_so():
    rows = [r for r in _synthetic_rows() if not (r.get("network") == "h*" and r.get("n_spl") == 5)]
    assert "reason" in samples_summary(rows)["recovery"]


def test_figures_are_written(tmp_path):
    paths = samples_figures(_synthetic_rows(), tmp_path / "figs")
    assert [p.name for p in paths] == ["samples-accuracy-collapse.png", "samples-rate.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 10_000


@pytest.mark.parametrize("name, size", [("samples", 90), ("samples-quick", 9)])
def test_grids_name_the_job_and_cover_the_study(name, size):
    from fctheory.registry import job_kinds
    from fctheory.sweep import parse_grid
    from fctheory.study._samples import _parse

    grid = parse_grid(tomllib.loads((GRIDS / f"{name}.toml").read_text()), job_kinds())
    assert grid.command == "study samples" and grid.size == size
    params = grid.params()
    for p in params:
        _parse(p)  # every job's parameters are valid
    assert {(p["network"], p["mu"]) for p in params} == set(NETWORKS)
    assert 5 in {p["n_spl"] for p in params}
    if name == "samples":
        n_values = sorted({p["n_spl"] for p in params})
        assert len(n_values) >= 8 and n_values[0] == 1 and n_values[-1] == 500
        assert len({p["seed"] for p in params}) >= 3


def test_paper_grid_is_h_uniform_at_the_papers_setting_in_n_spl_order():
    from fctheory.registry import job_kinds
    from fctheory.sweep import parse_grid
    from fctheory.study._samples import _parse

    grid = parse_grid(tomllib.loads((GRIDS / "samples-paper.toml").read_text()), job_kinds())
    assert grid.command == "study samples" and grid.size == 15
    params = [_parse(p) for p in grid.params()]
    assert [(p["n_spl"], p["seed"]) for p in params] == [(n, s) for n in (5, 10, 20, 50, 100) for s in (0, 1, 2)]
    assert {(p["network"], p["mu"], p["lam"], p["setting"]) for p in params} == {
        ("h", "uniform", "1/1000", Setting(3, 400, 15, "1/1000", K=1000, d=100))}
