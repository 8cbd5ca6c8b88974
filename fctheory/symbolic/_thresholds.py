"""The λ thresholds: type I from H'(0) < 0, type III (eq. 9) from proposition D.

The derivation starts from the results of the H and type3 derivations (theorem 1's
H, the sphere sizes of assumption A, eq. 7 and eq. 8's right side; verify() checks
that they are those results) and from proposition D's function g:

* Type I (theorem 1): ``H(t) - λ t`` is the log of a positive combination of
  ``e^{-η r t}`` (convex), so the minimizer is positive iff ``H'(0) < 0``, and
  ``H'(0) = λ - sqrt(K L / n_w) / (1 + K - K/n_c^L)``.
* Type III (eq. 9, proposition D): with ``ρ_b = r_b / c`` eq. 7 reads
  ``g(c, ρ_b) = L μ_b / (n_c λ)`` with ``g`` increasing in both arguments and
  ``g(0, x) = x``; the solution ``φ_b(c)`` decreases from ``φ_b(0) = L μ_b/(n_c λ)``,
  so eq. 8 has a root ``c > 0`` iff ``Φ(0) = Σ_b φ_b(0)^2 > L n_c^{L-1}``, i.e.
  ``λ^2 < (L / n_c^{L+1}) Σ_b μ_b^2``.
* With uniform μ and ``K = n_c^L`` the two thresholds coincide.
"""

from __future__ import annotations

import sympy as sp

from . import _definitions as defs
from ._derivation import Derivation, Step, built
from ._hfunctions import eta_expr, sphere_size_A, stated_H
from ._numeric import check_threshold
from ._rules import Definition, Use
from ._symbols import K, L, b, c, lam, mu, n_c, n_w, p, r, s_c, t, x
from ._type3 import eq7_lhs

__all__ = ["derive_thresholds", "type1_threshold", "type3_threshold"]

#: γ = 1/(n_c - 1) of proposition D, proof
_gamma = 1 / (n_c - 1)
_g_fn = sp.Function("g")
_phi_fn = sp.Function(r"\varphi_0")
_H = sp.Symbol("H(t)")
_r_b, _m_b = sp.symbols("r_b mu_b", positive=True)


def type1_threshold() -> sp.Expr:
    """sqrt(K L / n_w) / (1 + K - K/n_c^L): H'(0) < 0 iff λ is below it (theorem 1)."""
    return sp.sqrt(K * L / n_w) / (1 + K - K / n_c**L)


def type3_threshold() -> sp.Expr:
    """sqrt((L / n_c^{L+1}) Σ_b μ_b^2): eq. (9) (eq. 150)."""
    return sp.sqrt(L / n_c ** (L + 1) * sp.Sum(mu[b] ** 2, (b, 1, s_c)))


def _g(cc, xx) -> sp.Expr:
    """g(c, x) = x (1 + γ e^{(1+γ) c^2 x}) / (1 + γ), γ = 1/(n_c - 1) (proposition D, proof)."""
    return xx * (1 + _gamma * sp.exp((1 + _gamma) * cc**2 * xx)) / (1 + _gamma)


def _definitions() -> tuple:
    return (
        Definition("H", "H(t) of theorem 1 (the result of derivation H)", "theorem 1",
                   rules=((_H, stated_H()),), derived_in=("H", "result")),
        Definition("sphere-sizes-A", "|S_r| = (K/n_c^L) C(L, r)(n_c - 1)^r under assumption A "
                   "(derivation H, step pascal)", "eq. (39)",
                   rules=((sp.Symbol("|S_r|"), sphere_size_A()),), derived_in=("H", "pascal")),
        Definition("eq7", "the left side of eq. 7 (derivation type3, its result)", "eq. (7)",
                   rules=((sp.Symbol("E_7"), eq7_lhs(_r_b)),), derived_in=("type3", "result[0].lhs")),
        Definition("eq8-rhs", "the right side L n_c^(L-1) of eq. 8 (derivation type3, its result)", "eq. (8)",
                   rules=((sp.Symbol("E_8"), L * n_c ** (L - 1)),), derived_in=("type3", "result[1].rhs")),
        Definition("g", "g(c, x) = x (1 + gamma e^{(1 + gamma) c^2 x})/(1 + gamma) with gamma = 1/(n_c - 1)",
                   "proposition D, proof", rules=((_g_fn(c, x), _g(c, x)),), for_all=(c, x)),
        Definition("phi0", "notation: phi_b(0) = L mu_b/(n_c lambda) (step phi-at-0 shows it solves eq. 7 at c = 0)",
                   "proposition D, proof", rules=((_phi_fn(_m_b), L * _m_b / (n_c * lam)),), for_all=(_m_b,)),
        defs.sizes(),
    )


def derive_thresholds() -> Derivation:
    """Derive the type-I and type-III λ thresholds and their agreement.

    Returns
    -------
    Derivation
        ``result`` is ``(λ_I, λ_III)``: the type-I threshold (any K under
        assumption A) and eq. (9) (full set, any μ), the right side of step
        ``the-thresholds``.
    """
    T1, T3 = type1_threshold(), type3_threshold()
    P, Q = sp.Symbol("P"), sp.Symbol("Q")
    q = K / n_c**L
    series_x = sp.Sum(sphere_size_A() * x**r, (r, 1, L))
    log_sum_exp = sp.log(1 + series_x.xreplace({x: sp.exp(-eta_expr() * t)}))
    phi0 = L * _m_b / (n_c * lam)
    sum_mu2 = sp.Sum(mu[b] ** 2, (b, 1, s_c))
    Phi0 = sp.Sum((L * mu[b] / (n_c * lam)) ** 2, (b, 1, s_c))
    Phi0_closed = L**2 / (n_c**2 * lam**2) * sum_mu2
    eq9_rhs = L * n_c ** (L - 1) / lam**2 * (T3**2 - lam**2)
    g_x = (1 + _gamma * sp.exp((1 + _gamma) * c**2 * x) * (1 + (1 + _gamma) * c**2 * x)) / (1 + _gamma)
    g_c = 2 * _gamma * c * x**2 * sp.exp((1 + _gamma) * c**2 * x)
    steps = (
        Step("H-slope-at-0", sp.Subs(sp.Derivative(stated_H(), t), t, 0), lam - T1,
             "differentiate H of theorem 1 and set t = 0: (1 + (n_c - 1))^L = n_c^L",
             "theorem 1",
             link=built(sp.Subs(sp.Derivative(P, t), t, 0), {P: "def:H"})),
        Step("binomial-theorem", series_x, q * ((1 + (n_c - 1) * x) ** L - 1),
             "sum_{r=1}^L C(L, r) y^r = (1 + y)^L - 1 with y = (n_c - 1) x",
             "lemma K, proof (binomial theorem)",
             link=built(sp.Sum(P * x**r, (r, 1, L)), {P: "def:sphere-sizes-A"}), analytic_in=(x,)),
        Step("H-log-sum-exp", stated_H() - lam * t, log_sum_exp,
             "H(t) - lambda t is the log of 1 plus a positive combination of e^{-eta r t} (step binomial-theorem at "
             "x = e^{-eta t}): convex in t, so tau > 0 iff H'(0) < 0",
             "theorem 1; lemma K",
             link=built(P - lam * t, {P: "def:H"}),
             given=(Use("step:binomial-theorem", at={x: sp.exp(-eta_expr() * t)}),)),
        Step("eq7-in-rho", eq7_lhs(c * p), lam * n_c / L * _g(c, p),
             "with rho_b = r_b / c, eq. 7 reads g(c, rho_b) = L mu_b / (n_c lambda)",
             "proposition D (eq. 153)",
             link=built(P, {P: Use("def:eq7", at={_r_b: c * p})})),
        Step("g-increasing-in-x", sp.Derivative(_g(c, x), x), g_x,
             "dg/dx > 0 (a sum of positive terms) and g(c, 0) = 0, g(c, x) >= x: x -> g(c, x) is a bijection of [0, inf)",
             "proposition D, proof",
             link=built(sp.Derivative(_g_fn(c, x), x), {_g_fn: "def:g"}), sign="positive", given=("def:sizes",)),
        Step("g-increasing-in-c", sp.Derivative(_g(c, x), c), g_c,
             "dg/dc > 0 for c, x > 0: a larger c needs a smaller phi_b(c), so each phi_b and Phi decrease",
             "proposition D, claim F",
             link=built(sp.Derivative(_g_fn(c, x), c), {_g_fn: "def:g"}), sign="positive", given=("def:sizes",)),
        Step("phi-decreasing", -g_c / g_x,
             -2 * _gamma * c * x**2 * sp.exp((1 + _gamma) * c**2 * x) * (1 + _gamma)
             / (1 + _gamma * sp.exp((1 + _gamma) * c**2 * x) * (1 + (1 + _gamma) * c**2 * x)),
             "dphi_b/dc = -g_c/g_x < 0 at x = phi_b(c) > 0 (implicit differentiation of g(c, phi_b(c)) = const): "
             "each phi_b, hence Phi = sum_b phi_b^2, decreases in c",
             "proposition D, claim F",
             link=built(-Q / P, {Q: "step:g-increasing-in-c", P: "step:g-increasing-in-x"}),
             sign="negative", given=("def:sizes",)),
        Step("g-at-c-0", sp.Limit(_g(c, x), c, 0), x,
             "g(0, x) = x, so the solution phi_b(c) of eq. 7 tends to L mu_b/(n_c lambda) as c -> 0",
             "proposition D, proof",
             link=built(sp.Limit(_g_fn(c, x), c, 0), {_g_fn: "def:g"})),
        Step("phi-at-0", sp.Subs(lam * n_c / L * _g(c, phi0), c, 0), _m_b,
             "rho_b = phi_b(0) = L mu_b/(n_c lambda) solves eq. 7 (step eq7-in-rho) at c = 0",
             "proposition D, proof",
             link=built(sp.Subs(sp.Subs(P, p, _phi_fn(_m_b)), c, 0), {P: "step:eq7-in-rho", _phi_fn: "def:phi0"})),
        Step("Phi-at-0", Phi0, Phi0_closed,
             "Phi(0) = sum_b phi_b(0)^2",
             "proposition D, proof",
             link=built(sp.Sum(_phi_fn(mu[b]) ** 2, (b, 1, s_c)), {_phi_fn: "def:phi0"})),
        Step("eq9", Phi0_closed - L * n_c ** (L - 1), eq9_rhs,
             "Phi decreases from Phi(0) to 0, so eq. 8 has a root c > 0 iff Phi(0) > L n_c^{L-1} iff lambda < lambda_III",
             "eq. (9); eq. (150); proposition D",
             link=built(P - Q, {P: "step:Phi-at-0", Q: "def:eq8-rhs"})),
        Step("type1-threshold", lam - (lam - T1), T1,
             "lambda_I is the lambda at which H'(0) (step H-slope-at-0) changes sign",
             "theorem 1",
             link=built(lam - P, {P: "step:H-slope-at-0"})),
        Step("type3-threshold", lam * sp.sqrt(1 + eq9_rhs / (L * n_c ** (L - 1))), T3,
             "lambda_III is the lambda at which Phi(0) = L n_c^{L-1}: Phi(0) is proportional to 1/lambda^2, so "
             "lambda_III = lambda sqrt(Phi(0)/(L n_c^{L-1})) (step eq9)",
             "eq. (9); eq. (150)",
             link=built(lam * sp.sqrt(1 + P / (L * n_c ** (L - 1))), {P: "step:eq9"})),
        Step("the-thresholds", sp.Tuple(T1, T3), sp.Tuple(type1_threshold(), type3_threshold()),
             "lambda_I (step type1-threshold) and lambda_III (step type3-threshold)",
             "theorem 1; eq. (9)",
             link=built(sp.Tuple(P, Q), {P: "step:type1-threshold", Q: "step:type3-threshold"})),
        Step("thresholds-agree", T1.subs({K: n_c**L, n_w: n_c * s_c}), T3.xreplace({mu[b]: 1 / s_c}),
             "uniform mu_b = 1/s_c, K = n_c^L, n_w = n_c s_c: the type-I and type-III thresholds coincide",
             "theorem 1 and eq. (9)",
             link=built(P, {P: Use("step:type1-threshold", at={K: n_c**L, n_w: n_c * s_c})})),
        Step("full-set-threshold", T1.subs(K, n_c**L), sp.sqrt(L / (n_w * n_c**L)),
             "on the full set the type-I threshold is sqrt(L/(n_w K))",
             "theorem 1 with K = n_c^L",
             link=built(P, {P: Use("step:type1-threshold", at={K: n_c**L})})),
    )
    return Derivation(
        name="threshold",
        title="The lambda thresholds (theorem 1, eq. 9) and their agreement",
        summary=(
            "The type-I threshold is where H'(0) changes sign (H - lambda t is a log-sum-exp, convex); eq. 9 is "
            "where Phi(0), the c -> 0 limit of the decreasing function Phi(c) = sum_b phi_b(c)^2 of proposition D, "
            "crosses L n_c^{L-1}. For uniform mu and K = n_c^L they are the same number. The derivation starts "
            "from H (derivation H) and eq. 7-8 (derivation type3)."
        ),
        steps=steps,
        result_name=r"\left(\lambda_{\mathrm{I}}, \lambda_{\mathrm{III}}\right)",
        result=sp.Tuple(T1, T3),
        arguments=(n_c, L, K, n_w, mu, s_c),
        definitions=_definitions(),
        start="H",
        result_step="the-thresholds",
        numeric=check_threshold,
    )
