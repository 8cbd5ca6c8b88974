"""claim_h_ratio: ||∇f(D)||_op / lam of collapse configurations in mpmath."""

import mpmath
import numpy as np
import pytest

from fctheory import ProblemTooLarge, Setting, predict_type1, predict_type3
from fctheory.certify import claim_h_ratio, gradient_f, sentence_table, type3_D


@pytest.mark.parametrize("n_c,s_c,L,lam,mu", [(2, 2, 2, "1/20", "zipf"), (3, 2, 2, "1/100", "2/3,1/3")])
def test_type3_ratio_is_one_to_the_working_precision(n_c, s_c, L, lam, mu):
    s = Setting(n_c, s_c, L, lam, mu=mu)
    p = predict_type3(s, dps=50)
    for dps in (20, 30):
        res = claim_h_ratio(s, p.c, p.r, dps=dps)
        with mpmath.workdps(dps):
            assert abs(res.ratio_minus_one) < mpmath.mpf(10) ** -(dps + 5)


def test_agrees_with_the_float64_gradient():
    # independent path: numpy gradient over the enumerated sentences and LAPACK's spectral norm
    s = Setting(3, 2, 2, "1/100", mu="zipf")
    # type I on a Zipf law: a critical point of the type-I family only (H does not depend on mu, so tau is
    # that of uniform words; predict_type1 itself refuses a Zipf law: theorem 1 needs uniform words)
    p = predict_type1(s.replace(mu="uniform"), dps=30)
    c, w = float(p.u_norm), float(p.word_norm)
    res = claim_h_ratio(s, c, [w, w], dps=30, configuration="type I")
    G = gradient_f(sentence_table(s), type3_D(s, np.array([[a, b] for a in range(3) for b in range(3)]), c, [w, w]))
    assert float(res.ratio) == pytest.approx(np.linalg.norm(G, 2) / 0.01, rel=1e-12)
    assert res.ratio_minus_one > 0.01  # theorem 1 needs uniform words: not optimal here


def test_size_limit():
    with pytest.raises(ProblemTooLarge, match="claim-H"):
        claim_h_ratio(Setting(3, 4, 5, "1/100"), 1, [1] * 4)
