"""H(t) and H*(t) computed from definitions 1 and 2 (lemmas K and R), for symbolic n_c, L, K.

The chain starts from the risk of eq. (5) (eq. (10) for H*) with the weights of the
configuration substituted, and proves, step by step:

1. the logits of a class-k sentence, from the Gram matrix of the frame: the margin
   against class j is ``theta dist(z_j, z_k)`` whatever the words of the sentence;
2. so the expectation over sentences is trivial (the word probabilities sum to 1 over
   all ``s_c^L`` word tuples, proved by induction on L);
3. the sum over classes grouped by distance (the sphere sizes ``|S_r(k)|`` of eq. 36),
   ``|S_0(k)| = 1`` (distinct latent variables);
4. ``|S_r(k)| = sum_a N(k, r, l, a)`` (partition by the concept at one position) and
   assumption A's counts (eq. 35) give ``(K/n_c^L) C(L, r) (n_c - 1)^r`` (eq. 38-39,
   Pascal's rule), for symbolic K;
5. the binomial theorem, the class average, the regularizer, and the constants of
   theorem 1 (theorem 3) turn the risk into H(t) (H*(t)).

Branches: H on the full set and its minimizer, H*'(0), and H_Z for any latent set
whose sphere sizes are the same for every class (lemma B (i)).  The explicit
computation on ``[3]^2`` from an exact frame is kept as extra evidence.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import sympy as sp

from . import _definitions as defs
from ._derivation import Derivation, Step, built, computed, from_ref, subterm
from ._objects import Phi, TupleSum, W, f
from ._numeric import check_H, check_H_star
from ._rules import Definition, Use
from ._symbols import (D, K, L, N, S, Sk, a, b, beta, c, c_prime, d, eta, j, k, l, lam, n_c, n_w, r, r0, s_c, t, theta,
                       x, z)

__all__ = [
    "derive_H", "derive_H_star", "eta_expr", "eta_star_expr", "stated_H", "stated_H_star", "stated_H_Z",
    "sphere_size_A", "explicit_frame3",
]

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


def explicit_frame3() -> sp.Matrix:
    """Three equiangular unit vectors in R^2 (columns), exact."""
    h = sp.sqrt(3) / 2
    return sp.Matrix([[1, -sp.Rational(1, 2), -sp.Rational(1, 2)], [0, h, -h]])


def _explicit_frame_definition() -> Definition:
    F = sp.Symbol("F_3")
    return Definition("explicit-frame", "an explicit frame of n_c = 3 unit vectors in R^2 (columns)",
                      "section 3 (equiangular vectors; extra evidence at fixed size)",
                      rules=((F, explicit_frame3()),))


def _explicit_type1_risk(F):
    """the type-I risk data term on [3]^2 from the frame's vectors: w = c f_a, u = c' f_z"""
    Z = list(itertools.product(range(3), repeat=2))

    def logit(zj, zk):   # a sentence of class k has the concept z_{k,l} at position l
        return sum((c_prime * F[:, zj[i]]).dot(c * F[:, zk[i]]) for i in range(2))

    return sp.Add(*[sp.log(sp.Add(*[sp.exp(sp.expand(logit(zj, zk) - logit(zk, zk))) for zj in Z]))
                    for zk in Z]) / len(Z)


def _distance_steps(reg):
    """The steps shared by lemmas K and R after the margin: from the expectation to the class average."""
    q = K / n_c**L
    word_prob = defs.word_probability()
    risk_dist = sp.Sum(sp.log(sp.Sum(sp.exp(-theta * D[j, k]), (j, 1, K))), (k, 1, K)) / K
    by_sphere = sp.Sum(Sk[r0, k] * sp.exp(-theta * r0), (r0, 0, L))
    risk_S = sp.Sum(sp.log(1 + sp.Sum(Sk[r, k] * sp.exp(-theta * r), (r, 1, L))), (k, 1, K)) / K
    a_count = q * (sp.binomial(L - 1, r) * (n_c - 1) ** r + (n_c - 1) * sp.binomial(L - 1, r - 1) * (n_c - 1) ** (r - 1))
    P = sp.Symbol("P")
    series_x = sp.Sum(sphere_size_A() * x**r, (r, 1, L))
    series = series_x.xreplace({x: sp.exp(-theta)})
    closed = q * ((1 + (n_c - 1) * sp.exp(-theta)) ** L - 1)
    risk_A = sp.Sum(sp.log(1 + series), (k, 1, K)) / K
    risk_closed = sp.Sum(sp.log(1 + closed), (k, 1, K)) / K
    averaged = sp.log(1 + closed)
    return (
        Step("word-law-total", TupleSum(word_prob, beta, (b, 1, s_c), L), sp.Integer(1),
             "the probabilities prod_l mu_{beta_l} of the s_c^L word tuples sum to 1: unfold [s_c]^(L+1) = "
             "[s_c]^L x [s_c] and use sum_b mu_b = 1",
             "section 2 (the class distributions D_k)",
             link=built(TupleSum(P, beta, (b, 1, s_c), L), {P: "def:class-law"}),
             given=("def:word-law",), induction=L, induction_base=0),
        Step("expectation-over-sentences", sp.Symbol("R_value"), risk_dist + reg,
             "substitute the logit gap of step logit-gap: it depends on the sentence only through its class k, "
             "so E_{x ~ D_k} is the sum of the word probabilities (step word-law-total) times one number",
             "lemma K, proof (eq. 94): the quantity inside the log does not depend on x",
             link=from_ref("def:risk"), given=("step:logit-gap", "step:word-law-total")),
        Step("group-by-distance", sp.Sum(sp.exp(-theta * D[j, k]), (j, 1, K)), by_sphere,
             "group the classes j by their distance r to k: |S_r(k)| = #{j : dist(z_j, z_k) = r}, and "
             "0 <= dist <= L (definition hamming)",
             "lemma K, proof; eq. (36)",
             link=subterm("step:expectation-over-sentences"), given=("def:sphere-size",)),
        Step("risk-by-distance", risk_dist + reg, risk_S + reg,
             "group by distance (step group-by-distance); the r = 0 term is |S_0(k)| = 1",
             "lemma K, proof (eq. 94); eq. (36)",
             link=from_ref("step:expectation-over-sentences"),
             given=("step:group-by-distance", "def:distinct")),
        Step("sphere-size-by-concept", Sk[r, k], sp.Sum(N[k, r, l, a], (a, 1, n_c)),
             "partition S_r(k) by the concept z_{j,l} in 1..n_c at any one position l",
             "lemma B, proof (eq. 38)",
             link=subterm("step:risk-by-distance"), given=("def:sphere-size", "def:count")),
        Step("assumption-A-counts", sp.Sum(N[k, r, l, a], (a, 1, n_c)), a_count,
             "assumption A: one concept a = z_{k,l} with C(L-1, r)(n_c-1)^r latent variables, n_c - 1 others with "
             "C(L-1, r-1)(n_c-1)^(r-1), each times K/n_c^L",
             "assumption A, eq. (35); lemma B, proof (eq. 38)",
             given=("def:assumption-A",)),
        Step("pascal", a_count, sphere_size_A(),
             "Pascal's rule C(L-1, r) + C(L-1, r-1) = C(L, r)",
             "lemma B, proof (eq. 39)"),
        Step("binomial-theorem", series_x, q * ((1 + (n_c - 1) * x) ** L - 1),
             "sum_{r=1}^L C(L, r) y^r = (1 + y)^L - 1 with y = (n_c - 1) x",
             "lemma K, proof (binomial theorem)",
             link=built(sp.Sum(P * x**r, (r, 1, L)), {P: "step:pascal"}), analytic_in=(x,)),
        Step("sphere-sizes-in-the-risk", risk_S + reg, risk_A + reg,
             "|S_r(k)| = (K/n_c^L) C(L, r)(n_c - 1)^r for every k (steps sphere-size-by-concept to pascal)",
             "lemma K, proof; eq. (39)",
             link=from_ref("step:risk-by-distance"), given=("chain:sphere-size-by-concept..pascal",)),
        Step("binomial-in-the-risk", risk_A + reg, risk_closed + reg,
             "the binomial theorem (step binomial-theorem) at x = e^{-theta}",
             "lemma K, proof (binomial theorem)",
             given=(Use("step:binomial-theorem", at={x: sp.exp(-theta)}),)),
        Step("class-average", risk_closed + reg, averaged + reg,
             "the summand no longer depends on k: the average over the K classes is that summand",
             "lemma K, proof: the quantity does not depend on k"),
    )


def _common_definitions(config: Definition, frame: Definition, risk: Definition, rate_value, rate_ref) -> tuple:
    return (config, frame, risk, defs.latent_variables(), defs.hamming(), defs.rate(rate_value, rate_ref),
            defs.class_law(), defs.word_law(), defs.sphere_size(), defs.distinct(), defs.count(),
            defs.assumption_A())


def _with_risk_value(steps, risk: Definition):
    """Put the risk's value as the left side of step expectation-over-sentences."""
    return tuple(replace(s, lhs=risk.value) if s.label == "expectation-over-sentences" else s for s in steps)


def derive_H() -> Derivation:
    """Derive theorem 1's H(t) from definition 1 and the risk of eq. (5) (lemma K).

    Returns
    -------
    Derivation
        ``result`` is H(t) in terms of (t, n_c, L, K, n_w, λ), the right side of
        step ``collapse-constants`` (H exactly as theorem 1 writes it).
    """
    rate_value = c * c_prime * n_c / (n_c - 1)
    risk = defs.risk_h()
    definitions = _common_definitions(defs.type1_configuration(), defs.frame(), risk, rate_value,
                                      "lemma K, proof (eq. 92)") + (
        defs.vocabulary(), defs.theorem1_constants(),
        Definition("same-spheres", "lemma B (i): |S_r(k)| = |S_r| is the same for every class k", "lemma B (i)",
                   rules=((Sk[r, k], S[r]),), for_all=(r, k)),
        defs.sizes(), _explicit_frame_definition())
    reg = defs.regularizer_h()
    q = K / n_c**L
    closed = sp.log(1 - q + q * (1 + (n_c - 1) * sp.exp(-theta)) ** L)
    P = sp.Symbol("P")
    tau = sp.log((n_c - 1) * (L * eta - lam) / lam) / eta
    full = L * sp.log(1 + (n_c - 1) * sp.exp(-eta_expr().subs(K, n_c**L) * t)) + lam * t
    reg_value = lam / 2 * (n_w * c**2 + K * L * c_prime**2)
    logits = defs.logit(j) - defs.logit(k)
    steps = (
        Step("logit-gap", logits, -theta * D[j, k],
             "h(x)_j - h(x)_k = c c' sum_l (<f_{z_{j,l}}, f_{z_{k,l}}> - <f_{z_{k,l}}, f_{z_{k,l}}>): each position "
             "where z_j and z_k differ gives -n_c/(n_c - 1), so the gap is -theta dist(z_j, z_k), the words beta "
             "play no role",
             "lemma K, proof (the margin M(x, j)); definition 1",
             link=subterm("def:risk"), given=("def:type-I", "def:frame", "def:hamming", "def:rate")),
    ) + _distance_steps(reg) + (
        Step("regularization", reg, reg_value,
             "every column of W is c f_a (norm c, n_w = n_c s_c of them) and every block of U is c' f_z "
             "(norm c', K L of them)",
             "lemma K, proof; eq. (5)",
             link=subterm("step:class-average"), given=("def:type-I", "def:frame", "def:vocabulary")),
        Step("collapse-constants", closed + reg, stated_H(),
             "c = sqrt(t/n_w), c' = sqrt(t/(K L)): theta = eta t and the regularizer is lambda t",
             "theorem 1; lemma K (eq. 92)",
             link=from_ref("step:class-average"), given=("step:regularization", "def:rate", "def:constants")),
        Step("H-full-set", stated_H().subs(K, n_c**L), full,
             "K = n_c^L: the constant 1 - K/n_c^L vanishes and the L-th power leaves the log",
             "theorem 1 with K = n_c^L",
             link=built(P, {P: Use("step:collapse-constants", at={K: n_c**L})}), given=("def:sizes",)),
        Step("H-full-set-minimizer",
             sp.Subs(sp.Derivative(full - lam * t, t), t, tau).subs(eta, eta_expr().subs(K, n_c**L)),
             -lam,
             "at tau = (1/eta) log((n_c - 1)(L eta - lambda)/lambda) the loss term's slope is -lambda, so "
             "H'(tau) = 0: tau is the minimizer of the full-set H",
             "theorem 1 with K = n_c^L",
             link=built(sp.Subs(sp.Derivative(P - lam * t, t), t, tau.subs(eta, eta_expr().subs(K, n_c**L))),
                        {P: "step:H-full-set"})),
        Step("H_Z", sp.Symbol("H_Z_lhs"), stated_H_Z(),
             "a latent set whose sphere sizes are the same for every class: the risk of step risk-by-distance "
             "with |S_r(k)| = |S_r|, averaged over k, with the regularizer and the constants",
             "lemma K; lemma B (i); remark after lemma K",
             link=from_ref("step:risk-by-distance"),
             given=("def:same-spheres", "step:regularization", "def:rate", "def:constants")),
        Step("group-by-distance-explicit", _explicit_type1_risk(explicit_frame3()),
             sp.log(1 + 4 * sp.exp(-sp.Rational(3, 2) * c * c_prime) + 4 * sp.exp(-3 * c * c_prime)),
             "extra evidence at fixed size: the full set [3]^2 (K = 9), logits from an explicit frame; every class "
             "has |S_1| = |S_2| = 4 and theta = (3/2) c c'",
             "eq. (94); lemma B (i); lemma K, proof",
             link=computed(_explicit_type1_risk, "def:explicit-frame"), fixed_size=True,
             display=r"\frac{1}{9} \sum_{k=1}^{9} \log \sum_{j=1}^{9} e^{h(x)_j - h(x)_k} = "
                     r"\log\left(1 + 4 e^{-\frac{3}{2} c c'} + 4 e^{-3 c c'}\right)"),
    )
    steps = _with_risk_value(steps, risk)
    by_distance = next(s.rhs for s in steps if s.label == "risk-by-distance")
    steps = tuple(replace(s, lhs=by_distance) if s.label == "H_Z" else s for s in steps)
    return Derivation(
        name="H",
        title="H(t): the risk of a type-I configuration (theorem 1, lemma K)",
        summary=(
            "The regularized risk of eq. (5) at a type-I configuration (definition 1), for symbolic n_c, L and K: "
            "the logits from the Gram matrix give a margin theta dist(z_j, z_k), so the expectation over "
            "sentences is trivial; grouping the classes by distance gives the sphere sizes |S_r(k)| "
            "(eq. 36), assumption A's counts (eq. 35) give |S_r(k)| = (K/n_c^L) C(L, r)(n_c - 1)^r, the "
            "binomial theorem sums the series, and with t = n_w c^2 the risk is H(t) of theorem 1."
        ),
        steps=steps,
        result_name="H(t)",
        result=stated_H(),
        arguments=(t, n_c, L, K, n_w, lam),
        definitions=definitions,
        start="risk",
        result_step="collapse-constants",
        numeric=check_H,
    )


def derive_H_star() -> Derivation:
    """Derive theorem 3's H*(t) from definition 2 and the risk of eq. (10) (lemma R).

    Returns
    -------
    Derivation
        ``result`` is H*(t) in terms of (t, n_c, L, K, d, λ), the right side of
        step ``collapse-constants``.
    """
    rate_value = c * sp.sqrt(d) * n_c / (n_c - 1)
    risk = defs.risk_h_star()
    definitions = _common_definitions(defs.type2_configuration(), defs.mean_zero_frame(), risk, rate_value,
                                      "lemma R, proof (eq. 124)") + (defs.layernorm(), defs.theorem3_constants())
    reg = defs.regularizer_h_star()
    q = K / n_c**L
    closed = sp.log(1 - q + q * (1 + (n_c - 1) * sp.exp(-theta)) ** L)
    P = sp.Symbol("P")
    word = Phi(W(z[k, l], beta[l]))
    slope0 = -sp.sqrt(d * K * L) / (1 + K - K / n_c**L)
    steps = (
        Step("layernorm-of-a-word", word, sp.sqrt(d) * f(z[k, l]),
             "w = s f_a + m 1 with f_a mean-zero and of unit norm: mean(w) = m, w - mean(w) 1 = s f_a, sigma(w) = "
             "s/sqrt(d), so phi(w) = sqrt(d) f_a",
             "definition 2; appendix A (LayerNorm); lemma R, proof",
             link=subterm("def:risk"), given=("def:type-II", "def:layernorm", "def:mean-zero-frame")),
        Step("logit-gap", defs.logit_star(j) - defs.logit_star(k), -theta * D[j, k],
             "h*(x)_j - h*(x)_k = c sqrt(d) sum_l (<f_{z_{j,l}}, f_{z_{k,l}}> - 1): the gap is -theta dist(z_j, z_k) "
             "whatever the words",
             "lemma R, proof (eq. 124); definition 2",
             link=subterm("def:risk"),
             given=("step:layernorm-of-a-word", "def:type-II", "def:mean-zero-frame", "def:hamming", "def:rate")),
    ) + _distance_steps(reg) + (
        Step("regularization", reg, lam / 2 * K * L * c**2,
             "only U is regularized in eq. (10); it has K L blocks c f_z of norm c",
             "lemma R, proof; eq. (10)",
             link=subterm("step:class-average"), given=("def:type-II", "def:mean-zero-frame")),
        Step("collapse-constants", closed + reg, stated_H_star(),
             "c = t/sqrt(K L) (t = ||U||_F): theta = eta* t and the regularizer is lambda t^2/2",
             "theorem 3; lemma R (eq. 124)",
             link=from_ref("step:class-average"), given=("step:regularization", "def:rate", "def:constants")),
        Step("Hstar-slope-at-0", sp.Subs(sp.Derivative(stated_H_star(), t), t, 0), slope0,
             "H*'(0) < 0 for every lambda, so tau* > 0 always: H* has no threshold",
             "theorem 3",
             link=built(sp.Subs(sp.Derivative(P, t), t, 0), {P: "step:collapse-constants"})),
    )
    steps = _with_risk_value(steps, risk)
    return Derivation(
        name="Hstar",
        title="H*(t): the risk of a type-II configuration (theorem 3, lemma R)",
        summary=(
            "The regularized risk of eq. (10) at a type-II configuration (definition 2), for symbolic n_c, L and K: "
            "LayerNorm maps every word vector s f_a + m 1 to sqrt(d) f_a (mean-zero frame), the logits give a margin "
            "theta dist(z_j, z_k), and the same expectation, sphere-size, assumption-A and binomial steps as "
            "lemma K give H*(t) of theorem 3 with t = ||U||_F; only U is regularized."
        ),
        steps=steps,
        result_name="H^*(t)",
        result=stated_H_star(),
        arguments=(t, n_c, L, K, d, lam),
        definitions=definitions,
        start="risk",
        result_step="collapse-constants",
        numeric=check_H_star,
    )
