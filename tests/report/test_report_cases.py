"""The table of case kinds: one code -> type mapping, triviality from the governing threshold."""

from __future__ import annotations

from fractions import Fraction

import pytest

from fctheory import InvalidInput, NoNontrivialSolution, Setting, lambda_thresholds, predict_type1, predict_type3
from fctheory.report._cases import CASE_KINDS, _predict_trivial, case_kind
from fctheory.report._suite import KINDS, CaseSpec


def _spec(kind, network="h", **overrides):
    fields = dict(name="c", kind=kind, theorem="", network=network, n_c=3, s_c=3, L=3, d=10, lam="1/100",
                  lam_over_threshold=None, mu="zipf", seeds=(0,), init_scale=0.1, code=None, note="")
    fields.update(overrides)
    return CaseSpec(**fields)


def test_every_suite_kind_has_one_entry():
    for kind, (_, network) in KINDS.items():
        networks = ("h", "h*") if kind == "code" else (network,)
        for net in networks:
            assert case_kind(_spec(kind, net)) in CASE_KINDS.values()
    with pytest.raises(InvalidInput, match="kind"):
        case_kind(_spec("type4"))


def test_code_cases_are_type_I_or_II_by_network():
    h, h_star = case_kind(_spec("code", "h")), case_kind(_spec("code", "h*"))
    assert (h.verdict, h.theorem, h.risk) == ("type I", "lemma B, H_Z", "min R = H_Z(tau)")
    assert (h_star.verdict, h_star.theorem, h_star.risk) == ("type II", "lemma B, H*_Z", "min R* = H*_Z(tau*)")
    assert h.predict is CASE_KINDS["type1"].predict and h.checks is CASE_KINDS["type1"].checks
    assert h_star.predict is CASE_KINDS["type2"].predict and h_star.checks is CASE_KINDS["type2"].checks


@pytest.mark.parametrize("mu", ["uniform", "zipf"])
def test_trivial_is_decided_by_the_governing_threshold(mu):
    """Uniform mu: theorem 1's threshold; otherwise eq. 9's.  For zipf the two differ, and the
    decision between them agrees with predict_type3 (no non-trivial solution above eq. 9)."""
    probe = Setting(3, 3, 3, "1/100", d=10, mu=mu)
    thr = lambda_thresholds(probe)
    governing = thr.type1 if mu == "uniform" else thr.type3
    for factor in ("0.9", "1.1"):
        lam = Fraction(str(float(governing.value))) * Fraction(factor)
        setting = probe.replace(lam=lam)
        spec = _spec("trivial", mu=mu)
        if factor == "0.9":
            with pytest.raises(InvalidInput, match="threshold"):
                _predict_trivial(spec, setting, 30)
            if mu == "uniform":
                assert not predict_type1(setting).trivial
            else:
                predict_type3(setting)  # a non-trivial type-III point exists below eq. 9
        else:
            values, record = _predict_trivial(spec, setting, 30)
            assert values["risk"] == pytest.approx(float(record["log_K"]))
            with pytest.raises(NoNontrivialSolution):  # theorem 1 above lambda_I as theorem 2 above eq. 9
                (predict_type1 if mu == "uniform" else predict_type3)(setting)
    if mu == "zipf":
        assert float(thr.type1.value) != pytest.approx(float(thr.type3.value), rel=1e-3)
