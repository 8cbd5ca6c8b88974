"""H(t) and H*(t) derived from the collapse configurations (lemmas K and R).

The proof of lemma K (appendix D.3, eq. 92-94) evaluates the risk of a type-I
configuration: the margin is proportional to the Hamming distance, the
cross-entropy of every sentence of class k is
``log(1 + sum_{j != k} e^{-M_jk})``, grouping the j by distance gives the
sphere sizes ``|S_r|`` (lemma B (i)), assumption A fixes
``|S_r| = (K/n_c^L) C(L, r) (n_c - 1)^r`` (eq. 38-39), and the binomial
theorem sums the series.  Lemma R (appendix E.3, eq. 124-126) is the same
computation for type II with the LayerNorm network.
"""

from __future__ import annotations

import itertools

import sympy as sp

from ._derivation import Derivation, Step, annotate
from ._margins import _frame3, _hamming, agree_or_differ, dist_sum, margin_type1, margin_type2
from ._symbols import K, L, S, c, c_prime, d, dist, eta, lam, n_c, n_w, r, t, x

__all__ = [
    "derive_H", "derive_H_star", "eta_expr", "eta_star_expr", "stated_H", "stated_H_star", "stated_H_Z",
    "sphere_size_A",
]


#: n_c = 2 + m with m >= 0: writes the admissible range n_c >= 2 into the assumptions
_m = sp.Symbol("m", integer=True, nonnegative=True)


def eta_expr() -> sp.Expr:
    """η = (n_c/(n_c - 1)) / sqrt(n_w K L) (theorem 1)."""
    return n_c / (n_c - 1) / sp.sqrt(n_w * K * L)


def eta_star_expr() -> sp.Expr:
    """η* = (n_c/(n_c - 1)) sqrt(d/(K L)) (theorem 3)."""
    return n_c / (n_c - 1) * sp.sqrt(d / (K * L))


def stated_H() -> sp.Expr:
    """H(t) exactly as theorem 1 states it."""
    q = K / n_c**L
    return sp.log(1 - q + q * (1 + (n_c - 1) * sp.exp(-eta_expr() * t)) ** L) + lam * t


def stated_H_star() -> sp.Expr:
    """H*(t) exactly as theorem 3 states it."""
    q = K / n_c**L
    return sp.log(1 - q + q * (1 + (n_c - 1) * sp.exp(-eta_star_expr() * t)) ** L) + lam / 2 * t**2


def stated_H_Z() -> sp.Expr:
    """H_Z(t) = log(1 + sum_r |S_r| e^{-η t r}) + λ t for a latent set's sphere sizes S_r (lemma K)."""
    return sp.log(1 + sp.Sum(S[r] * sp.exp(-eta_expr() * t * r), (r, 1, L))) + lam * t


def sphere_size_A() -> sp.Expr:
    """|S_r| = (K/n_c^L) C(L, r) (n_c - 1)^r under assumption A (eq. 39)."""
    return K / n_c**L * sp.binomial(L, r) * (n_c - 1) ** r


def _risk_in_x() -> sp.Expr:
    """log(1 - K/n_c^L + (K/n_c^L)(1 + (n_c - 1) x)^L): the risk with x = e^{-rate t} (eq. 94, lemma K)."""
    q = K / n_c**L
    return sp.log(1 - q + q * (1 + (n_c - 1) * x) ** L)


def _full_set_H(rate) -> sp.Expr:
    """L log(1 + (n_c - 1) e^{-rate t}) + λ t: H of theorem 1 on the full set K = n_c^L."""
    return L * sp.log(1 + (n_c - 1) * sp.exp(-rate * t)) + lam * t


def _explicit_sphere_step() -> Step:
    """The type-I risk on the full set [3]^2 computed from an explicit frame (lemma K, lemma B (i)).

    Logits ``y_j(x) = sum_l <u_{j,l}, w_{x_l}>`` with ``u_{j,l} = c' f_{z_{j,l}}``,
    ``w_(a,b) = c f_a`` and three exact equiangular vectors ``f_a`` in R^2;
    ``x = e^{-(3/2) c c'}`` is written in as ``c' = -2 log(x) / (3 c)``.
    """
    F = _frame3()
    Z = list(itertools.product(range(3), repeat=2))

    def logit(zj, zk):   # a sentence of class k has x_l of concept z_{k,l}
        return sum((c_prime * F[:, zj[i]]).dot(c * F[:, zk[i]]) for i in range(2))

    per_class = [sp.log(sp.Add(*[sp.exp(sp.expand(logit(zj, zk) - logit(zk, zk))) for zj in Z])) for zk in Z]
    counts = [sum(1 for zj in Z if _hamming(zj, Z[0]) == rr_) for rr_ in (1, 2)]
    lhs = sp.Add(*per_class) / len(Z)
    rhs = sp.log(1 + sum(counts[i] * x ** (i + 1) for i in range(2)))
    return Step(
        "group-by-distance-explicit", lhs, rhs,
        "full set [3]^2 (K = 9), logits from an explicit frame, x = e^{-(3/2) c c'}: every class has "
        "|S_1| = |S_2| = 4, so the class average is one log",
        "eq. (94); lemma B (i); lemma K, proof",
        given=((c_prime, -2 * sp.log(x) / (3 * c)),),
        starts_from="the cross-entropy risk (1/K) sum_k log sum_j e^{y_j(x) - y_k(x)} of the type-I configuration "
                    "on [3]^2, logits from the explicit frame",
        display=r"\frac{1}{9} \sum_{k=1}^{9} \log \sum_{j=1}^{9} e^{y_j(x) - y_k(x)} = " + sp.latex(rhs),
    )


#: classes j, k and the distance matrix dist(z_j, z_k) of a latent set
_j = sp.Symbol("j", integer=True, positive=True)
_k = sp.Symbol("k", integer=True, positive=True)
_D = sp.IndexedBase(r"\operatorname{dist}", integer=True, nonnegative=True)
#: sphere sizes |S_r(k)| of class k (lemma B (i))
_Sk = sp.IndexedBase("S", positive=True)


def _series_steps(rate, margin_steps: str):
    """Steps shared by lemmas K and R: from the margin to the cross-entropy, sphere sizes, binomial theorem."""
    q = K / n_c**L
    a_count = q * (sp.binomial(L - 1, r) * (n_c - 1) ** r + (n_c - 1) * sp.binomial(L - 1, r - 1) * (n_c - 1) ** (r - 1))
    series = sp.Sum(sphere_size_A() * x**r, (r, 1, L))
    closed = q * ((1 + (n_c - 1) * x) ** L - 1)
    risk_margin = sp.Sum(sp.log(sp.Sum(sp.exp(-rate * t * _D[_j, _k]), (_j, 1, K))), (_k, 1, K)) / K
    risk_x = sp.Sum(sp.log(sp.Sum(x ** _D[_j, _k], (_j, 1, K))), (_k, 1, K)) / K
    risk_S = sp.Sum(sp.log(1 + sp.Sum(_Sk[r, _k] * x**r, (r, 1, L))), (_k, 1, K)) / K
    return (
        _explicit_sphere_step(),
        Step("sphere-sizes-assumption-A", a_count, sphere_size_A(),
             "|S_r| = sum over the concept a at one position of the two counts of assumption A (Pascal's rule)",
             "assumption A, eq. (35); eq. (38)-(39)",
             starts_from="assumption A's counts at distance r, split by whether one given position differs"),
        Step("binomial-theorem", series, closed,
             "sum_{r=1}^L C(L, r) y^r = (1 + y)^L - 1 with y = (n_c - 1) x",
             "lemma K, proof (binomial theorem)",
             starts_from="the series sum_r |S_r| x^r with assumption A's sphere sizes (eq. 39)",
             analytic_in=(x,)),
        Step("cross-entropy-margins", risk_margin, risk_x,
             "CE(y(x), k) = log sum_j e^{-(y_k - y_j)} and the margin y_k - y_j is the rate times t times "
             "dist(z_j, z_k) for every sentence x of class k, so the expectation over D_k drops; x = e^{-rate t}",
             "eq. (92)-(94); lemma K, proof",
             given=((x, sp.exp(-rate * t)),),
             starts_from=f"the risk (1/K) sum_k E_(x ~ D_k) CE(y(x), k) with the margin of steps {margin_steps}"),
        Step("group-by-distance", risk_S, sp.log(1 + series),
             "the classes j grouped by their distance r to k: sum_j x^dist = 1 + sum_r |S_r(k)| x^r; under "
             "assumption A every |S_r(k)| is the |S_r| of step sphere-sizes-assumption-A, so the average over k drops",
             "lemma B (i); assumption A; eq. (39)",
             given=((_Sk[r, _k], sphere_size_A()),),
             starts_from="sum_j x^{dist(z_j, z_k)} = 1 + sum_{r=1}^L |S_r(k)| x^r with |S_r(k)| = "
                         "#{j : dist(z_j, z_k) = r} (the definition of the sphere sizes; dist = 0 only for j = k)"),
        Step("risk-in-x", sp.log(1 + series), _risk_in_x(),
             "the binomial theorem inside the log: H_Z - lambda t = log(1 + sum_r |S_r| x^r) under assumption A",
             "eq. (94); lemma K; remark after lemma K",
             analytic_in=(x,)),
    )


def derive_H() -> Derivation:
    """Derive theorem 1's H(t) from a type-I configuration (lemma K).

    Returns
    -------
    Derivation
        ``result`` is H(t) in terms of (t, n_c, L, K, n_w, λ); the last step
        states that it equals H as written in theorem 1.
    """
    c_val, cp_val = sp.sqrt(t / n_w), sp.sqrt(t / (K * L))
    rate = eta_expr()
    derived = _risk_in_x().subs(x, sp.exp(-rate * t)) + lam * t
    full = _full_set_H(rate.subs(K, n_c**L))
    tau = sp.log((n_c - 1) * (L * eta - lam) / lam) / eta
    full_eta = _full_set_H(eta)
    steps = (
        Step("margin-type-I", agree_or_differ(c * c_prime), margin_type1().subs(dist, dist_sum),
             "M(x, j) = sum_l <u_{k,l} - u_{j,l}, w_{x_l}> from the Gram matrix; delta_l = 1{z_{j,l} != z_{k,l}}",
             "lemma K, proof; definition 1; appendix D, definition A"),
        Step("margin-in-t",
             (margin_type1() / dist).subs({c: sp.UnevaluatedExpr(c_val), c_prime: sp.UnevaluatedExpr(cp_val)}),
             rate * t,
             "with c = sqrt(t/n_w), c' = sqrt(t/(K L)) the margin per unit distance is eta t",
             "theorem 1; lemma K (eq. 92)"),
    ) + _series_steps(rate, "margin-type-I and margin-in-t") + (
        Step("regularization",
             lam / 2 * (n_w * c**2 + K * L * c_prime**2).subs(
                 {c: sp.UnevaluatedExpr(c_val), c_prime: sp.UnevaluatedExpr(cp_val)}),
             lam * t,
             "W has n_w columns of norm c and U has K L blocks of norm c', so ||W||^2 = ||U||^2 = t",
             "eq. (5); lemma K, proof"),
        Step("H-full-set", derived.subs(K, n_c**L), full,
             "K = n_c^L: the constant 1 - K/n_c^L vanishes and the L-th power leaves the log",
             "theorem 1 with K = n_c^L"),
        Step("H-full-set-minimizer", sp.diff(full_eta, t).subs(t, tau), sp.Integer(0),
             "tau = (1/eta) log((n_c - 1)(L eta - lambda)/lambda) is the stationary point of the full-set H",
             "theorem 1 with K = n_c^L"),
        Step("H-closed-form", derived, stated_H(),
             "x = e^{-eta t} in the risk plus the regularization: the derived function is H of theorem 1",
             "theorem 1; lemma K (eq. 92)"),
    )
    steps = annotate(steps, {
        "margin-type-I": "the logits of a type-I configuration (definition 1) and the equiangular Gram matrix",
        "margin-in-t": "the type-I margin per unit distance, c c' n_c/(n_c - 1), at c = sqrt(t/n_w), c' = sqrt(t/(K L))",
        "regularization": "the regularizer (lambda/2)(||W||^2 + ||U||^2) of eq. (5) on the configuration",
        "H-full-set": dict(starts_from="H of theorem 1 at K = n_c^L (n_c = 2 + m, m >= 0)",
                           given=((n_c, _m + 2),)),
        "H-full-set-minimizer": "the derivative of the full-set H at the stated tau",
        "H-closed-form": "the risk of step risk-in-x at x = e^{-eta t} (step cross-entropy-margins) plus the regularization",
    })
    return Derivation(
        name="H",
        title="H(t): the risk of a type-I configuration (theorem 1, lemma K)",
        summary=(
            "The regularized risk of a type-I collapse configuration, as a function of "
            "t = n_w c^2 = ||W||_F^2 = ||U||_F^2: the margin is eta t times the Hamming distance, "
            "grouping the classes by distance gives the sphere sizes |S_r| (lemma B (i)), "
            "assumption A gives |S_r| = (K/n_c^L) C(L, r) (n_c - 1)^r, and the binomial theorem sums "
            "the series."
        ),
        steps=steps,
        result_name="H(t)",
        result=derived,
        arguments=(t, n_c, L, K, n_w, lam),
    )


def derive_H_star() -> Derivation:
    """Derive theorem 3's H*(t) from a type-II configuration (lemma R).

    Returns
    -------
    Derivation
        ``result`` is H*(t) in terms of (t, n_c, L, K, d, λ); the last step
        states that it equals H* as written in theorem 3.
    """
    c_val = t / sp.sqrt(K * L)
    rate = eta_star_expr()
    derived = _risk_in_x().subs(x, sp.exp(-rate * t)) + lam / 2 * t**2
    slope0 = -sp.sqrt(d * K * L) / (1 + K - K / n_c**L)
    steps = (
        Step("margin-type-II", agree_or_differ(c * sp.sqrt(d)), margin_type2().subs(dist, dist_sum),
             "phi(w_(a,b)) = sqrt(d) f_a, u_{k,l} = c f_{z_{k,l}}: the Gram matrix gives the gap at differing positions",
             "lemma R, proof; definition 3"),
        Step("margin-in-t", (margin_type2() / dist).subs(c, sp.UnevaluatedExpr(c_val)), rate * t,
             "with c = t/sqrt(K L) (so t = ||U||_F) the margin per unit distance is eta* t",
             "theorem 3; lemma R (eq. 124)"),
    ) + _series_steps(rate, "margin-type-II and margin-in-t") + (
        Step("regularization", lam / 2 * (K * L * c**2).subs(c, sp.UnevaluatedExpr(c_val)), lam / 2 * t**2,
             "only U is regularized in eq. (10); it has K L blocks of norm c",
             "eq. (10); lemma R, proof"),
        Step("Hstar-slope-at-0", sp.diff(derived, t).subs(t, 0), slope0,
             "H*'(0) < 0 for every lambda, so tau* > 0 always: H* has no threshold",
             "theorem 3"),
        Step("Hstar-closed-form", derived, stated_H_star(),
             "x = e^{-eta* t} in the risk plus the regularization: the derived function is H* of theorem 3",
             "theorem 3; lemma R (eq. 124)"),
    )
    steps = annotate(steps, {
        "margin-type-II": "the logits of a type-II configuration (definition 3) and the equiangular Gram matrix",
        "margin-in-t": "the type-II margin per unit distance, c sqrt(d) n_c/(n_c - 1), at c = t/sqrt(K L)",
        "regularization": "the regularizer (lambda/2)||U||^2 of eq. (10) on the configuration",
        "Hstar-slope-at-0": "the derivative at t = 0 of the derived H*",
        "Hstar-closed-form": "the risk of step risk-in-x at x = e^{-eta* t} (step cross-entropy-margins) plus the regularization",
    })
    return Derivation(
        name="Hstar",
        title="H*(t): the risk of a type-II configuration (theorem 3, lemma R)",
        summary=(
            "The regularized risk of a type-II collapse configuration of the LayerNorm network, as a "
            "function of t = ||U||_F = sqrt(K L) c: LayerNorm fixes ||phi(w)|| = sqrt(d), the margin is "
            "eta* t times the Hamming distance, and the same sphere-size and binomial steps as lemma K "
            "sum the series; only U is regularized."
        ),
        steps=steps,
        result_name="H^*(t)",
        result=derived,
        arguments=(t, n_c, L, K, d, lam),
    )
