"""The λ thresholds: type I from H'(0) < 0, type III (eq. 9) from proposition D.

* Type I (theorem 1): H is strictly convex, so its minimizer is positive iff
  ``H'(0) < 0``, and ``H'(0) = λ - sqrt(K L / n_w) / (1 + K - K/n_c^L)``.
* Type III (eq. 9, proposition D): with ``ρ_b = r_b / c`` eq. 7 reads
  ``g(c, ρ_b) = L μ_b / (n_c λ)`` with ``g`` increasing in both arguments and
  ``g(0, x) = x``; the unique solution ``φ_b(c)`` decreases from
  ``φ_b(0) = L μ_b/(n_c λ)`` to 0, so eq. 8, ``Σ_b φ_b(c)^2 = L n_c^{L-1}``,
  has a solution ``c > 0`` iff ``Φ(0) = Σ_b φ_b(0)^2 > L n_c^{L-1}``, i.e.
  ``λ^2 < (L / n_c^{L+1}) Σ_b μ_b^2``.
* With uniform μ and ``K = n_c^L`` the two thresholds coincide.
"""

from __future__ import annotations

import sympy as sp

from ._derivation import Derivation, Step, annotate
from ._hfunctions import _risk_in_x, eta_expr, sphere_size_A, stated_H
from ._symbols import K, L, b, c, lam, mu, n_c, n_w, p, r, s_c, t, x
from ._type3 import eq7_lhs

__all__ = ["derive_thresholds", "type1_threshold", "type3_threshold"]

#: γ = 1/(n_c - 1) of proposition D, proof
_gamma = 1 / (n_c - 1)
#: n_c = 2 + m with m >= 0
_m = sp.Symbol("m", integer=True, nonnegative=True)


def type1_threshold() -> sp.Expr:
    """sqrt(K L / n_w) / (1 + K - K/n_c^L): H'(0) < 0 iff λ is below it (theorem 1)."""
    return sp.sqrt(K * L / n_w) / (1 + K - K / n_c**L)


def type3_threshold() -> sp.Expr:
    """sqrt((L / n_c^{L+1}) Σ_b μ_b^2): eq. (9) (eq. 150)."""
    return sp.sqrt(L / n_c ** (L + 1) * sp.Sum(mu[b] ** 2, (b, 1, s_c)))


def _g(cc, xx) -> sp.Expr:
    """g(c, x) = x (1 + γ e^{(1+γ) c^2 x}) / (1 + γ), γ = 1/(n_c - 1) (proposition D, proof)."""
    return xx * (1 + _gamma * sp.exp((1 + _gamma) * cc**2 * xx)) / (1 + _gamma)


def derive_thresholds() -> Derivation:
    """Derive the type-I and type-III λ thresholds and their agreement.

    Returns
    -------
    Derivation
        ``result`` is ``(λ_I, λ_III)``: the type-I threshold (any K under
        assumption A) and eq. (9) (full set, any μ).
    """
    T1, T3 = type1_threshold(), type3_threshold()
    m_b = sp.Symbol("mu_b", positive=True)
    phi0 = L * m_b / (n_c * lam)
    sum_mu2 = sp.Sum(mu[b] ** 2, (b, 1, s_c))
    Phi0 = sp.Sum((L * mu[b] / (n_c * lam)) ** 2, (b, 1, s_c))
    steps = (
        Step("H-slope-at-0", sp.Subs(sp.Derivative(stated_H(), t), t, 0), lam - T1,
             "differentiate H of theorem 1 and set t = 0: (1 + (n_c - 1))^L = n_c^L",
             "theorem 1"),
        Step("H-minus-lambda-t", stated_H() - lam * t, _risk_in_x().subs(x, sp.exp(-eta_expr() * t)),
             "H(t) - lambda t is the risk of lemma K at x = e^{-eta t}",
             "theorem 1; lemma K"),
        Step("H-log-sum-exp", _risk_in_x(),
             sp.log(1 + sp.Sum(sphere_size_A() * x**r, (r, 1, L))),
             "with x = e^{-eta t}, H(t) - lambda t is the log of a positive combination of e^{-eta r t}: "
             "convex in t, so tau > 0 iff H'(0) < 0",
             "theorem 1; lemma K"),
        Step("eq7-in-rho", eq7_lhs(c * p), lam * n_c / L * _g(c, p),
             "with rho_b = r_b / c, eq. 7 reads g(c, rho_b) = L mu_b / (n_c lambda)",
             "proposition D (eq. 153)"),
        Step("g-increasing-in-x", sp.Derivative(_g(c, x), x),
             (1 + _gamma * sp.exp((1 + _gamma) * c**2 * x) * (1 + (1 + _gamma) * c**2 * x)) / (1 + _gamma),
             "dg/dx > 0 (a sum of positive terms) and g(c, 0) = 0, g(c, x) >= x: x -> g(c, x) is a bijection of [0, inf)",
             "proposition D, proof"),
        Step("g-increasing-in-c", sp.Derivative(_g(c, x), c),
             2 * _gamma * c * x**2 * sp.exp((1 + _gamma) * c**2 * x),
             "dg/dc > 0 for c, x > 0: a larger c needs a smaller phi_b(c), so each phi_b and Phi decrease",
             "proposition D, claim F"),
        Step("phi-decreasing",
             -sp.diff(_g(c, x), c) / sp.diff(_g(c, x), x),
             -2 * _gamma * c * x**2 * sp.exp((1 + _gamma) * c**2 * x) * (1 + _gamma)
             / (1 + _gamma * sp.exp((1 + _gamma) * c**2 * x) * (1 + (1 + _gamma) * c**2 * x)),
             "dphi_b/dc = -g_c/g_x < 0 at x = phi_b(c) > 0: each phi_b, hence Phi = sum_b phi_b^2, decreases in c",
             "proposition D, claim F"),
        Step("g-at-c-0", sp.Limit(_g(c, x), c, 0), x,
             "g(0, x) = x, so the solution phi_b(c) of eq. 7 tends to L mu_b/(n_c lambda) as c -> 0",
             "proposition D, proof"),
        Step("phi-at-0", sp.Subs(lam * n_c / L * _g(c, phi0), c, 0), m_b,
             "phi_b(0) = L mu_b / (n_c lambda) solves eq. 7 at c = 0",
             "proposition D, proof"),
        Step("Phi-at-0", Phi0, L**2 / (n_c**2 * lam**2) * sum_mu2,
             "Phi(0) = sum_b phi_b(0)^2",
             "proposition D, proof"),
        Step("eq9", Phi0 - L * n_c ** (L - 1), L * n_c ** (L - 1) / lam**2 * (T3**2 - lam**2),
             "Phi decreases from Phi(0) to 0, so eq. 8 has a root c > 0 iff Phi(0) > L n_c^{L-1} iff lambda < lambda_III",
             "eq. (9); eq. (150); proposition D"),
        Step("thresholds-agree",
             T1.subs({K: n_c**L, n_w: n_c * s_c}),
             T3.xreplace({mu[b]: 1 / s_c}),
             "uniform mu_b = 1/s_c, K = n_c^L, n_w = n_c s_c: the type-I and type-III thresholds coincide",
             "theorem 1 and eq. (9)"),
        Step("full-set-threshold", T1.subs(K, n_c**L), sp.sqrt(L / (n_w * n_c**L)),
             "on the full set the type-I threshold is sqrt(L/(n_w K))",
             "theorem 1 with K = n_c^L"),
        Step("the-thresholds",
             sp.Tuple(lam - sp.Subs(sp.Derivative(stated_H(), t), t, 0),
                      sp.sqrt(L / n_c ** (L + 1) * sum_mu2)),
             sp.Tuple(T1, T3),
             "lambda_I = lambda - H'(0) (step H-slope-at-0); lambda_III^2 = (L/n_c^{L+1}) sum_b mu_b^2 (step eq9)",
             "theorem 1; eq. (9)"),
    )
    n2 = ((n_c, _m + 2),)   # n_c >= 2 written into the assumptions
    steps = annotate(steps, {
        "g-increasing-in-x": dict(starts_from="the function g of proposition D", sign="positive", given=n2),
        "g-increasing-in-c": dict(starts_from="the function g of proposition D", sign="positive", given=n2),
        "phi-decreasing": dict(starts_from="implicit differentiation of g(c, phi_b(c)) = L mu_b/(n_c lambda)",
                               sign="negative", given=n2),
        "H-slope-at-0": "the derivative of H of theorem 1 at t = 0",
        "H-minus-lambda-t": "H of theorem 1 without its regularization term",
        "H-log-sum-exp": dict(starts_from="the lemma-K risk in x = e^{-eta t}", analytic_in=(x,)),
        "eq7-in-rho": "eq. 7 with r_b = c rho_b",
        "g-at-c-0": "the function g of proposition D",
        "phi-at-0": "eq. 7 in the form g(c, rho_b) at c = 0 and rho_b = L mu_b/(n_c lambda)",
        "Phi-at-0": "Phi(0) = sum_b phi_b(0)^2 (proposition D)",
        "eq9": "eq. 8 at c = 0: Phi(0) - L n_c^{L-1}",
        "thresholds-agree": "the type-I threshold at K = n_c^L, n_w = n_c s_c",
        "full-set-threshold": "the type-I threshold at K = n_c^L",
        "the-thresholds": "the thresholds of steps H-slope-at-0 and eq9",
    })
    return Derivation(
        name="threshold",
        title="The lambda thresholds (theorem 1, eq. 9) and their agreement",
        summary=(
            "The type-I threshold is where H'(0) changes sign; eq. 9 is where Phi(0), the c -> 0 limit "
            "of the decreasing function Phi(c) = sum_b phi_b(c)^2 of proposition D, crosses "
            "L n_c^{L-1}. For uniform mu and K = n_c^L they are the same number."
        ),
        steps=steps,
        result_name=r"\left(\lambda_{\mathrm{I}}, \lambda_{\mathrm{III}}\right)",
        result=sp.Tuple(T1, T3),
        arguments=(n_c, L, K, n_w, mu, s_c),
    )
