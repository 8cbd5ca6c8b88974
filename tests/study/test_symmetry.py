"""Study 1 of the under-sampling study: one job against the closed forms and theorem G, the fits, the grids."""

import math

import pytest

from fctheory.errors import InvalidInput
from fctheory.study import SYMMETRY_COLUMNS, grid_path, loglog_fit, symmetry_job, symmetry_summary
from fctheory.registry import load_grid

SMALL = dict(n_c=2, s_c=2, L=3, d=5, lam="1/100")


def test_on_the_full_set_the_trained_minimum_is_theorem_1_and_theorem_g():
    row = symmetry_job({**SMALL, "K": 8, "network": "h", "mu": "uniform", "seed": 0})
    assert set(row) <= set(SYMMETRY_COLUMNS)
    assert row["K_fraction"] == 1 and row["assumption_a_deviation"] == 0 and row["lemma_b_holds"]
    assert abs(row["risk_rel_error_A"]) < 1e-12 and row["risk_rel_error_Z"] == row["risk_rel_error_A"]
    assert abs(row["word_norm_rel_error_A"]) < 1e-9 and abs(row["u_norm_rel_error_A"]) < 1e-9
    assert row["collapse_verdict"] == "type I" and row["word_norm_concept_spread"] < 1e-9
    assert 0 <= row["certified_gap"] < 1e-8
    assert row["certified_lower"] - 1e-12 <= row["risk"] <= row["certified_upper"] + 1e-9


def test_on_a_random_subset_training_reaches_the_certified_minimum_below_h_tau():
    row = symmetry_job({**SMALL, "K": 4, "network": "h", "mu": "uniform", "seed": 1})
    assert row["K_fraction"] == 0.5 and row["assumption_a_deviation"] > 0
    assert row["certified_lower"] - 1e-12 <= row["risk"] <= row["certified_upper"] + 1e-9
    assert abs(row["trained_minus_certified"]) < 1e-8
    # the closed forms are not the minimum of an asymmetric set: they are measured against it
    assert row["risk_rel_error_A"] == pytest.approx((row["risk"] - row["predicted_risk_A"]) / row["predicted_risk_A"])
    assert row["H_A_minus_certified"] == pytest.approx(row["predicted_risk_A"] - row["certified_upper"])


def test_h_star_has_no_word_norm_prediction_and_no_certificate():
    row = symmetry_job({**SMALL, "K": 5, "network": "h*", "mu": "zipf", "seed": 0})
    assert row["predicted_word_norm_A"] is None and row["word_norm_rel_error_A"] is None
    assert row["certified_upper"] is None and row["certify_method"] is None
    assert row["predicted_u_norm_A"] > 0 and row["u_norm_rel_error_A"] is not None
    uniform = symmetry_job({**SMALL, "K": 5, "network": "h*", "mu": "uniform", "seed": 0})
    assert uniform["predicted_risk_A"] == row["predicted_risk_A"]  # theorem 3 does not depend on mu


@pytest.mark.parametrize("params, field", [
    ({"network": "h", "mu": "zipf"}, "network/mu"),
    ({"network": "x"}, "network/mu"),
    ({"K": 1}, "K"),
    ({"seed": -1}, "seed"),
    ({"bogus": 1}, "bogus"),
    ({"certify_time_limit": 0}, "certify_time_limit"),
    ({"certify": "yes"}, "certify"),
    ({"dps": 5}, "dps"),
    ({"d": 0}, "d"),
])
def test_bad_parameters_name_their_field(params, field):
    base = {**SMALL, "K": 4, "network": "h", "mu": "uniform", "seed": 0}
    with pytest.raises(InvalidInput, match=field):
        symmetry_job({**base, **params})


def test_loglog_fit_recovers_a_power_law_and_states_its_quality():
    xs = [0.01, 0.03, 0.1, 0.3, 1.0]
    exact = loglog_fit(xs, [3 * x**2 for x in xs])
    assert exact["slope"] == pytest.approx(2) and exact["intercept"] == pytest.approx(math.log10(3))
    assert exact["slope_stderr"] < 1e-12 and exact["r2"] == pytest.approx(1) and exact["n"] == 5
    noisy = loglog_fit(xs, [3 * x**2 * f for x, f in zip(xs, (1.3, 0.8, 1.1, 0.7, 1.2))])
    assert 0 < noisy["slope_stderr"] < 0.5 and 0.9 < noisy["r2"] < 1
    assert loglog_fit([1, 2], [1, 4]) is None                  # fewer than 3 points
    assert loglog_fit([0, -1, 1, 2], [1, 1, 0, 4]) is None      # non-positive points are dropped
    assert loglog_fit([1, 2, 4], [-1, -4, -16])["slope"] == pytest.approx(2)  # |y|: signed errors


def test_summary_fits_the_random_subsets_only():
    rows = []
    for dev in (0.1, 0.2, 0.4, 0.8):
        rows.append({"status": "ok", "n_c": 3, "s_c": 2, "L": 5, "K": 120, "network": "h", "mu": "uniform",
                     "K_fraction": 0.5, "risk": 0.9, "predicted_risk_A": 1.2, "predicted_risk_Z": 1.1 + dev,
                     "certified_lower": 0.9 - 1e-10, "certify_method": "first-order",
                     "assumption_a_deviation": dev, "lemma_b_i_deviation": dev / 2, "risk_rel_error_A": -dev**1.5,
                     "risk_rel_error_Z": -dev, "u_norm_rel_error_A": dev, "word_norm_rel_error_A": dev,
                     "collapse_verdict": "not collapsed", "converged": True, "certified_upper": 1.0,
                     "trained_minus_certified": 1e-15, "certified_gap": 1e-10, "H_Z_minus_certified": 0.1})
    rows.append({**rows[0], "K": 243, "K_fraction": 1, "assumption_a_deviation": 0.0, "risk_rel_error_A": 1e-15,
                 "collapse_verdict": "type I"})
    s = symmetry_summary(rows)
    fit = next(f for f in s["fits"] if f["error"] == "risk_rel_error_A" and f["deviation"] == "assumption_a_deviation")
    assert fit["pooled"]["slope"] == pytest.approx(1.5) and fit["pooled"]["n"] == 4
    assert fit["per_setting"]["(3,2,5)"]["n"] == 4
    assert s["full_set_max_abs_risk_rel_error_A"] == 1e-15 and s["certified_jobs"] == 5
    assert s["collapse_verdicts"] == {"h/uniform K<N": {"not collapsed": 4}, "h/uniform K=N": {"type I": 1}}
    full, sub = s["h_certified_table"]                          # K = 243 first, then K = 120
    assert (full["K"], full["n"], sub["K"], sub["n"]) == (243, 1, 120, 4)
    assert sub["H_Z"] == pytest.approx(1.1 + 0.375) and sub["min_H_Z_minus_certified"] == 0.1
    by_k = [e for e in s["by_K"] if e["K"] == 120][0]
    assert by_k["risk_rel_error_A"] == pytest.approx(-sum(d**1.5 for d in (0.1, 0.2, 0.4, 0.8)) / 4)
    assert by_k["collapsed"] == 0 and by_k["risk_rel_error_A_std"] > 0


def test_the_grids_parse_and_reach_down_to_where_assumption_b_holds():
    from fctheory.latent import check_assumption_b, random_latent_set

    full = load_grid(str(grid_path("symmetry")))
    quick = load_grid(str(grid_path("symmetry", quick=True)))
    assert full.command == quick.command == "study symmetry"
    assert full.size == 360 and quick.size == 18
    smallest = {}
    for p in full.params():
        key = (p["n_c"], p["L"])
        smallest[key] = min(smallest.get(key, p["K"]), p["K"])
    for (n_c, L), K in smallest.items():
        assert all(check_assumption_b(random_latent_set(n_c, L, K, seed=s), n_c).holds for s in range(5))
