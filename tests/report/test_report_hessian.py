"""The second-order test behind the conjecture evidence: it must see a saddle.

At W = U = 0 the Hessian of R is [[lam I, -G], [-G^T, lam I]]: indefinite when lam
is below the threshold (W = U = 0 is then a saddle), positive definite above it
(theorem G in convex form, appendix G; eq. 9 on the full set)."""

from types import SimpleNamespace

import numpy as np

from fctheory import Problem, Setting, lambda_thresholds
from fctheory.report._cases import _second_order


def _zeros(s):
    return SimpleNamespace(W=np.zeros((s.d, s.n_w)), U=np.zeros((s.K, s.L * s.d)))


def test_saddle_below_threshold_is_not_psd():
    s = Setting(2, 3, 2, "1/100", d=7, mu="zipf")
    out = _second_order(Problem(s), _zeros(s))
    assert out["computed"] and not out["psd"]
    assert out["min_eigenvalue"] < -1e-3


def test_zero_above_threshold_is_psd():
    s = Setting(2, 3, 2, "1/100", d=7, mu="zipf")
    lam = 2 * float(lambda_thresholds(s).type3.value)
    s = s.replace(lam=f"{lam:.12g}")
    out = _second_order(Problem(s), _zeros(s))
    assert out["computed"] and out["psd"]
    # at 0 the Hessian is lam I + [[0, -G], [-G^T, 0]]: its spectrum is lam +- sigma_i(G) (and lam)
    assert out["max_eigenvalue"] > lam and out["min_eigenvalue"] > 0
