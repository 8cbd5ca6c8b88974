"""The sampler follows the data model of section 2 (frequencies within sampling error)."""

import numpy as np
import pytest
from scipy.stats import chi2

from fctheory import Problem, Setting
from fctheory.empirical import Dataset, sample_dataset
from fctheory.errors import InvalidInput


def _problem(mu="uniform"):
    return Problem(Setting(3, 4, 5, "1/100", K=12, mu=mu), "random", seed=3)


def test_shapes_labels_and_concepts():
    p = _problem()
    data = sample_dataset(p, 7, n_test=3, seed=1)
    assert isinstance(data, Dataset)
    assert data.x_train.shape == (p.K * 7, p.L) and data.x_train.dtype == np.int64
    assert data.y_train.shape == (p.K * 7,) and data.y_train.dtype == np.int64
    assert data.x_test.shape == (p.K * 3, p.L) and data.y_test.shape == (p.K * 3,)
    for x, y in ((data.x_train, data.y_train), (data.x_test, data.y_test)):
        # the concept of word a*s_c + b at position l is the latent variable's z_{k,l}
        assert np.array_equal(x // p.s_c, np.asarray(p.latent)[y])
        assert np.array_equal(np.bincount(y, minlength=p.K), np.full(p.K, len(y) // p.K))
    d = data.to_dict()
    assert d["n_spl"] == 7 and d["n_test"] == 3 and d["seed"] == 1 and d["n_train_sentences"] == p.K * 7
    assert d["problem"] == p.to_dict()


def test_reproducible_and_independent_streams():
    p = _problem()
    a, b = sample_dataset(p, 5, seed=4), sample_dataset(p, 5, seed=4)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.x_test, b.x_test) and a.digest == b.digest
    c = sample_dataset(p, 5, seed=5)
    assert not np.array_equal(a.x_train, c.x_train)
    # the test stream does not depend on n_spl (separate stream of the same seed)
    assert np.array_equal(sample_dataset(p, 9, seed=4).x_test, a.x_test)
    assert not np.array_equal(a.x_train[: len(a.x_test)] % p.s_c, a.x_test % p.s_c)


@pytest.mark.parametrize("mu", ["uniform", "zipf"])
def test_within_concept_frequencies_follow_mu(mu):
    """Pearson chi-square of the b counts against N L mu; reject only beyond the 1e-4 quantile."""
    p = _problem(mu)
    data = sample_dataset(p, 400, seed=2)
    b = (data.x_train % p.s_c).ravel()
    counts = np.bincount(b, minlength=p.s_c)
    expected = b.size * p.mu.as_array()
    stat = float(np.sum((counts - expected) ** 2 / expected))
    assert stat < chi2.ppf(1 - 1e-4, p.s_c - 1), (stat, counts, expected)
    # and position by position (positions are i.i.d.): a binomial 5-sigma bound on each frequency
    for l in range(p.L):
        freq = np.bincount(data.x_train[:, l] % p.s_c, minlength=p.s_c) / len(data.y_train)
        sd = np.sqrt(p.mu.as_array() * (1 - p.mu.as_array()) / len(data.y_train))
        assert np.all(np.abs(freq - p.mu.as_array()) <= 5 * sd)


@pytest.mark.parametrize("kwargs, field", [({"n_spl": 0}, "n_spl"), ({"n_spl": 2.5}, "n_spl"),
                                           ({"n_spl": 3, "n_test": 0}, "n_test"), ({"n_spl": 3, "seed": -1}, "seed")])
def test_typed_errors(kwargs, field):
    with pytest.raises(InvalidInput) as err:
        sample_dataset(_problem(), **kwargs)
    assert err.value.field == field


def test_problem_required():
    with pytest.raises(InvalidInput) as err:
        sample_dataset(Setting(3, 4, 5, "1/100", K=12), 3)
    assert err.value.field == "problem"


def test_sample_dataset_refuses_a_data_set_beyond_memory():
    from fctheory import Problem, ProblemTooLarge, Setting
    from fctheory.empirical import sample_dataset

    p = Problem(Setting.paper(), "random", seed=0)
    with pytest.raises(ProblemTooLarge, match="n_spl"):
        sample_dataset(p, 10**6)  # (10**6 + 5) * 1000 * 15 word indices: 120 GB
