"""The predictions' cost estimate: monotone in the sizes, refusals above the limit before any work."""

import pytest

from fctheory import Setting, lambda_thresholds, predict_type1, predict_type2, predict_type3
from fctheory.errors import InvalidInput, ProblemTooLarge
from fctheory.predict import (MAX_PREDICT_SECONDS, PREDICTION_KINDS, PROGRESS_SECONDS, estimate_cost,
                              estimate_seconds)


@pytest.mark.parametrize("kind", PREDICTION_KINDS)
def test_the_paper_is_cheap(kind):
    setting = Setting.paper(K=None) if kind == "type3" else Setting.paper()
    cost = estimate_cost(kind, setting)
    assert 0 <= cost.seconds < PROGRESS_SECONDS and cost.affordable and not cost.show_progress
    assert cost.to_dict()["seconds"] == cost.seconds


@pytest.mark.parametrize("mu", ["uniform", "zipf", "zipf:1.5"])
def test_the_estimate_grows_with_words_and_digits(mu):
    small = estimate_seconds("type3", Setting(3, 100, 3, "1e-6", mu=mu))
    more_words = estimate_seconds("type3", Setting(3, 1000, 3, "1e-6", mu=mu))
    more_digits = estimate_seconds("type3", Setting(3, 100, 3, "1e-6", mu=mu), 300)
    assert small < more_words and small < more_digits


def test_a_rational_zipf_law_costs_its_exact_sums():
    """eq. 9 sums the exact squares of a Zipf law with an integer exponent: about s_c**3 (module docstring)."""
    parts = estimate_cost("threshold", Setting(3, 6000, 3, "1/1000", mu="zipf")).parts
    assert parts["eq. 9"] > parts["word law"] > 0
    assert estimate_cost("threshold", Setting(3, 6000, 3, "1/1000", mu="zipf", K=2)).parts == {}  # not the full set


@pytest.mark.parametrize("run, setting, dps", [
    (predict_type3, Setting(3, 100000, 15, "1e-9", mu="zipf"), 30),   # the exact law alone takes hours
    (predict_type3, Setting(3, 4000, 15, "1e-9", mu="zipf"), 1000),   # 4000 word groups at 1000 digits
    (lambda_thresholds, Setting(3, 10**6, 15, "1/1000", mu="zipf"), 30),
    (predict_type3, Setting(3, 4 * 10**6, 2, "1e-9"), 30),   # uniform words: the solver handles every word
])
def test_work_estimated_above_the_limit_is_refused_with_the_estimate(run, setting, dps):
    with pytest.raises(ProblemTooLarge, match=r"an estimated .* s on a 2-core machine .* exceeds the limit 600 s"):
        run(setting, dps=dps)


def test_the_limit_is_read_when_called(monkeypatch):
    from fctheory.predict import _cost

    monkeypatch.setattr(_cost, "MAX_PREDICT_SECONDS", 1e-9)
    for run in (predict_type1, predict_type2):
        with pytest.raises(ProblemTooLarge, match="prediction"):
            run(Setting.paper())
    assert MAX_PREDICT_SECONDS == 600.0


def test_bad_arguments_are_named():
    with pytest.raises(InvalidInput, match="kind"):
        estimate_cost("type4", Setting.paper())
    with pytest.raises(InvalidInput, match="setting"):
        estimate_cost("type1", "paper")
    with pytest.raises(InvalidInput, match="dps"):
        estimate_cost("type1", Setting.paper(), 2000)
