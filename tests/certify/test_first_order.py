"""certify_optimum(method="first-order"): FISTA through the engine against cvxpy's certificate."""

import itertools

import numpy as np
import pytest

from fctheory import InvalidInput, Setting, predict_type3
from fctheory.certify import certify_optimum, general_lambda_threshold
from fctheory.certify._first_order import solve_first_order
from fctheory.problem import as_problem

# the settings tests/certify/test_program.py and test_compare.py certify with cvxpy
SETTINGS = [Setting(2, 1, 2, "1/10"), Setting(3, 1, 2, "1/20"), Setting(2, 2, 2, "1/20"), Setting(2, 2, 3, "1/50"),
            Setting(2, 2, 2, "1/20", mu="2/3,1/3"), Setting(2, 2, 3, "1/20", mu="zipf")]


@pytest.mark.parametrize("s", SETTINGS, ids=repr)
def test_first_order_agrees_with_cvxpy_within_the_two_gaps(s):
    a = certify_optimum(s, method="cvxpy")
    b = certify_optimum(s, method="first-order")
    assert (a.method, b.method, b.solver, b.status) == ("cvxpy", "first-order", "FISTA", "optimal")
    assert b.lower_bound <= b.optimal_value + b.rounding
    assert b.gap <= 1e-9 * max(1.0, abs(b.optimal_value))
    # both brackets contain the minimum, so they overlap
    assert b.lower_bound - b.rounding <= a.optimal_value + a.rounding
    assert a.lower_bound - a.rounding <= b.optimal_value + b.rounding
    assert b.to_dict(include_D=False)["gap_history"][0]["phase"] == "start"


def test_from_zero_and_on_a_random_latent_set():
    rows = np.array(list(itertools.product(range(3), repeat=2)))
    Z = np.random.default_rng(5).permutation(rows)[:5]
    s = Setting(3, 2, 2, "1/10", K=5, mu="zipf")
    thr = general_lambda_threshold(s, Z).value_float
    s = s.replace(lam=0.5 * thr)
    a = certify_optimum(s, Z, method="cvxpy")
    b = certify_optimum(s, Z, method="first-order")
    assert b.status == "optimal" and b.iterations > 0  # no predicted start off the full set
    assert abs(a.optimal_value - b.optimal_value) <= a.gap + b.gap + a.rounding + b.rounding


def test_warm_start_at_type_III_is_certified_at_once():
    s = Setting(2, 3, 3, "1/20", mu="zipf")
    res = solve_first_order(as_problem(s))
    assert res.start == "type III (theorem 2)" and res.converged
    assert res.upper == pytest.approx(float(predict_type3(s).risk), abs=1e-12)
    assert [h.phase for h in res.history][0] == "start"
    assert res.lower <= res.upper


def test_gap_not_reached_is_reported():
    s = Setting(2, 2, 3, "1/50")
    res = solve_first_order(as_problem(s), start=np.zeros((4, 24)), max_iter=2, max_polishes=0)
    assert not res.converged and res.iterations == 2 and res.lower <= res.upper
    cert = certify_optimum(s, method="first-order", max_iter=1)
    assert cert.status in ("optimal", "gap not reached")


def test_auto_picks_cvxpy_when_small_and_first_order_beyond():
    assert certify_optimum(Setting(2, 1, 2, "1/10")).method == "cvxpy"
    big = Setting(2, 3, 5, "1/20", mu="zipf")  # 248,832 exponential cones
    cert = certify_optimum(big, method="auto")
    assert cert.method == "first-order" and cert.status == "optimal"


def test_bad_method_is_named():
    s = Setting(2, 1, 2, "1/10")
    with pytest.raises(InvalidInput, match="method"):
        certify_optimum(s, method="newton")
    with pytest.raises(InvalidInput, match="rel_gap"):
        certify_optimum(s, method="first-order", rel_gap=0)


def test_too_large_for_both_methods_is_refused():
    from fctheory import ProblemTooLarge

    s = Setting(3, 5, 6, "1/100", mu="zipf")  # n_w**L * K = 15**6 * 729 = 8.3e9
    with pytest.raises(ProblemTooLarge, match="first-order"):
        certify_optimum(s)
    with pytest.raises(ProblemTooLarge, match="first-order"):
        certify_optimum(s, method="first-order")


def test_cli_method_flag(capsys):
    import json

    from fctheory.cli.main import main

    args = ["certify", "--n-c", "2", "--s-c", "2", "--L", "2", "--lam", "0.05", "--mu", "zipf", "--json"]
    assert main(args + ["--method", "first-order"]) == 0
    fo = json.loads(capsys.readouterr().out)
    assert main(args + ["--method", "cvxpy"]) == 0
    cv = json.loads(capsys.readouterr().out)
    assert set(cv) == set(fo)  # same keys whichever the method
    assert (fo["certificate"]["method"], cv["certificate"]["method"]) == ("first-order", "cvxpy")
    assert abs(fo["optimal_value"] - cv["optimal_value"]) <= fo["gap"] + cv["gap"] + 1e-12


@pytest.mark.parametrize("bad", [dict(time_limit=-1), dict(time_limit=float("inf")), dict(rel_gap=float("nan")),
                                 dict(rel_gap=2.0), dict(max_iter=0), dict(max_iter=1.5), dict(polish_steps=-1),
                                 dict(fallback="yes"), dict(max_exp_cones=0), dict(solver_options=[1])])
@pytest.mark.parametrize("method", ["cvxpy", "first-order", "auto"])
def test_every_option_is_checked_whichever_method_runs(bad, method):
    """time_limit=-1, rel_gap=nan, max_iter=0 (and the others) are refused before anything is built,
    also when they belong to the method that does not run."""
    (field, _), = bad.items()
    with pytest.raises(InvalidInput, match=field):
        certify_optimum(Setting(2, 1, 2, "1/10"), method=method, **bad)


@pytest.mark.parametrize("bad", [dict(rel_gap=0), dict(max_iter=0), dict(time_limit=0), dict(polish_below=1.0),
                                 dict(max_polishes=-1), dict(polish_iter=-2)])
def test_solve_first_order_checks_its_budget(bad):
    (field, _), = bad.items()
    with pytest.raises(InvalidInput, match=field):
        solve_first_order(as_problem(Setting(2, 1, 2, "1/10")), **bad)


def test_a_complex_or_misshapen_start_is_refused():
    p = as_problem(Setting(2, 1, 2, "1/10"))
    with pytest.raises(InvalidInput, match="D"):
        solve_first_order(p, start=np.zeros((2, 4), dtype=complex))
    with pytest.raises(InvalidInput, match="shape"):
        solve_first_order(p, start=np.zeros((3, 3)))
