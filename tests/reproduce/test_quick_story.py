"""The quick reproductions tell the paper's story: what each reduced run must show, and k50."""

import json

import numpy as np
import pytest

from fctheory.reproduce import EXPERIMENT_NAMES, format_table, reproduce_all, reproduce_experiment


def _sv_ratio(result) -> float:
    sv = result.word_singular_values
    return sv[2] / sv[1]


def _norms_by_rank(result) -> np.ndarray:
    """Mean over concepts of the word norm of rank b (b = 0 the most frequent word)."""
    s = result.setting
    return np.linalg.norm(result.W, axis=0).reshape(s["n_c"], s["s_c"]).mean(axis=0)


def test_quick_k50_sits_on_its_latent_sets_optimum_below_theorem1():
    r = reproduce_experiment("k50", quick=True)
    assert r.quick and r.setting["K"] == 50 and r.n_spl == 40 and r.test_accuracy == 1.0
    assert _sv_ratio(r) < 1e-3  # collapsed
    opt, thm = r.predicted["optimum_word_norm"]["value"], r.predicted["word_norm"]["value"]
    assert abs(r.word_norm_mean / opt - 1) < 5e-3  # the finite-sample part: small with many sentences per class
    assert thm * 0.95 < opt < thm * 0.99  # the assumption-A part: 50 random latent variables satisfy it roughly
    assert r.predicted["optimum_risk"]["certified"]
    text = format_table(r)
    assert "k50 (section 3, K = 50)" in text and "0.61 ± 0.06" in text and "paper (full size)" in text


@pytest.mark.slow
def test_quick_all_tells_the_papers_story():
    results = {r.experiment: r for r in reproduce_all(quick=True)}
    assert tuple(results) == EXPERIMENT_NAMES
    fig3, fig4a, fig4b, fig4c = (results[n] for n in ("fig3", "fig4a", "fig4b", "fig4c"))
    # figure 3: collapsed, word norms at theorem 1's value computed at the quick size
    assert fig3.test_accuracy == 1.0 and _sv_ratio(fig3) < 0.01
    assert fig3.word_norm_mean == pytest.approx(fig3.predicted["word_norm"]["value"], rel=0.01)
    # figure 4(a): enough sentences, h generalizes; norms grow with the frequency
    assert fig4a.test_accuracy >= 0.99 and _norms_by_rank(fig4a)[0] > 2 * _norms_by_rank(fig4a)[-1]
    # figure 4(b): h fails to generalize; the frequent words sit far from the origin, the rare ones near it
    assert fig4b.test_accuracy <= 0.8 and fig4b.train_accuracy == 1.0
    by_rank = _norms_by_rank(fig4b)
    assert by_rank[0] > 10 * by_rank[-1] and by_rank[0] > 3 * fig4b.word_norm_mean
    # figure 4(c): the same data through h* (LayerNorm) recovers
    assert fig4c.test_accuracy >= 0.99
    # every table labels the paper's full-size numbers and shows the theory at the quick size
    for r in results.values():
        text = format_table(r)
        assert "[quick]" in text and "paper (full size)" in text
        json.dumps(r.to_dict(), allow_nan=False)
    assert f"{fig3.predicted['word_norm']['value']:.6g}" in format_table(fig3)
