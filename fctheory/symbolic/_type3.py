"""The type-III system of theorem 2 computed from definition 3 (appendix F, lemmas U and V).

On the full set ``K = n_c^L`` the chain starts from the risk of eq. (5) at a type-III
configuration and proves, for symbolic n_c, L and s_c:

1. the logit gap from the Gram matrix: ``c sum_l r_{beta_l} n_c (delta_l - 1)/(n_c - 1)``;
2. the sum over the classes j is the sum over all tuples ``zeta in [n_c]^L`` (full set);
3. the per-position factor ``psi(c r) = 1 + (n_c - 1) e^{-n_c c r/(n_c - 1)}`` from the
   Gram matrix, and the factorisation of the partition function over positions, by
   induction on L on the actual sum (``[n_c]^{L+1} = [n_c]^L x [n_c]``) (eq. 138);
4. the cross-entropy is a sum of word losses, and the expectation over the words,
   by induction on L, is ``L sum_b mu_b log psi(c r_b)`` (eq. 147);
5. with the regularizer this is the reduced risk F(c, r) (eq. 146-147); its
   stationarity conditions are eq. 7-8 (eq. 148-152).

The explicit computation for ``n_c = 3, L = 2, s_c = 2`` from an exact frame is kept
as extra evidence.
"""

from __future__ import annotations

import itertools

import sympy as sp

from . import _definitions as defs
from ._derivation import Derivation, Step, built, computed, from_ref, subterm
from ._hfunctions import _explicit_frame_definition, eta_expr, explicit_frame3
from ._objects import TupleSum
from ._numeric import check_type3
from ._rules import Definition, Use
from ._symbols import K, L, a, b, beta, c, j, k, l, lam, mu, n_c, n_w, rr, s_c, t, z, zeta

__all__ = ["derive_type3", "stated_F", "eq7_lhs", "position_factor", "word_loss", "full_set_H"]

#: a word beta0 of 1..s_c, with s_c = beta0 + s_rest (s_rest >= 0)
_beta0 = sp.Symbol("beta", integer=True, positive=True)
_s_rest = sp.Symbol("s_rest", integer=True, nonnegative=True)


def position_factor(r_b, n=n_c, cc=c) -> sp.Expr:
    """psi = 1 + (n_c - 1) exp(-n_c c r_b/(n_c - 1)): one position's factor of the partition sum (eq. 138)."""
    return 1 + (n - 1) * sp.exp(-n * cc * r_b / (n - 1))


def word_loss(r_b, n=n_c, cc=c) -> sp.Expr:
    """log(1 + (n_c - 1) exp(-n_c c r_b/(n_c - 1))): the loss carried by one word (lemma V)."""
    return sp.log(position_factor(r_b, n, cc))


def stated_F() -> sp.Expr:
    """F(c, r) as appendix F states it (eq. 146-147), symbolic s_c."""
    return (L * sp.Sum(mu[b] * word_loss(rr[b]), (b, 1, s_c))
            + lam / 2 * (n_c * sp.Sum(rr[b] ** 2, (b, 1, s_c)) + K * L * c**2))


def eq7_lhs(r_b) -> sp.Expr:
    """(λ/L)(r_b/c)(n_c - 1 + exp(n_c c r_b/(n_c - 1))), the left side of eq. (7)."""
    return lam / L * (r_b / c) * (n_c - 1 + sp.exp(n_c * c * r_b / (n_c - 1)))


def full_set_H(rate) -> sp.Expr:
    """L log(1 + (n_c - 1) e^{-rate t}) + λ t: H of theorem 1 on the full set K = n_c^L."""
    return L * sp.log(1 + (n_c - 1) * sp.exp(-rate * t)) + lam * t


_r1, _r2, _m1, _m2 = sp.symbols("r_1 r_2 mu_1 mu_2", positive=True)
_Z9 = list(itertools.product(range(3), repeat=2))
_PATTERNS = list(itertools.product(range(2), repeat=2))


def _explicit_partition(F):
    """sum_j e^{h(x)_j - h(x)_k} on [3]^2 from the frame's vectors, for each class k and word pattern beta"""
    rs = (_r1, _r2)

    def logit(zj, zk, pattern):   # w_(a,b) = r_b f_a, u = c f_z: h(x)_j = sum_l <c f_{z_{j,l}}, r_{beta_l} f_{z_{k,l}}>
        return sum((c * F[:, zj[i]]).dot(rs[pattern[i]] * F[:, zk[i]]) for i in range(2))

    return sp.Matrix(len(_Z9), len(_PATTERNS), lambda q, p: sp.Add(*[
        sp.exp(sp.expand(logit(zj, _Z9[q], _PATTERNS[p]) - logit(_Z9[q], _Z9[q], _PATTERNS[p]))) for zj in _Z9]))


def _explicit_risk(F):
    """(1/9) sum_k sum_beta mu_beta1 mu_beta2 log sum_j e^{h(x)_j - h(x)_k} on [3]^2 from the frame"""
    Z = _explicit_partition(F)
    ms = (_m1, _m2)
    return sp.Add(*[ms[_PATTERNS[p][0]] * ms[_PATTERNS[p][1]] * sp.log(Z[q, p])
                    for q in range(len(_Z9)) for p in range(len(_PATTERNS))]) / len(_Z9)


def derive_type3() -> Derivation:
    """Derive the reduced risk F(c, r) and the type-III system (theorem 2, eq. 7-8) from definition 3.

    Returns
    -------
    Derivation
        ``result`` is the tuple of the two equations (eq. 7 for a generic word b,
        eq. 8), the right side of step ``eq7-8``.  The reduced risk F(c, r) is the
        right side of step ``reduced-risk``; evaluate it with
        ``lambdify_mp(derive_type3(), "F")``.
    """
    risk = defs.risk_h()
    definitions = (
        defs.type3_configuration(), defs.frame(), risk, defs.latent_variables(), defs.full_set(),
        defs.class_law(), defs.word_law(), defs.sizes(),
        Definition("word-index", "a word beta of 1..s_c: s_c = beta + s_rest with s_rest >= 0", "section 2",
                   rules=((s_c, _beta0 + _s_rest),)),
        Definition("eq7-solution", "(c, r) solves eq. 7 for every word b: mu_b = (lambda/L)(r_b/c)(n_c - 1 + "
                   "e^{n_c c r_b/(n_c - 1)})", "eq. (7) (hypothesis of the equivalence with eq. 8)",
                   rules=((mu[b], eq7_lhs(rr[b])),), for_all=(b,)),
        _explicit_frame_definition(),
        Definition("explicit-word-law", "two words with mu_2 = 1 - mu_1", "section 2 (extra evidence at fixed size)",
                   rules=((_m2, 1 - _m1),)),
    )
    m_b, r_b = sp.symbols("mu_b r_b", positive=True)
    x_b = n_c * c * r_b / (n_c - 1)
    gap = c * sp.Sum(rr[beta[l]] * n_c * (sp.KroneckerDelta(z[j, l], z[k, l]) - 1) / (n_c - 1), (l, 1, L))
    gap_full = gap.xreplace({z[j, l]: zeta[l]})
    partition = TupleSum(sp.exp(gap_full), zeta, (a, 1, n_c), L)
    product = sp.Product(position_factor(rr[beta[l]]), (l, 1, L))
    word_prob = defs.word_probability()
    reg = defs.regularizer_h()

    def per_class(inner):
        return sp.Sum(TupleSum(word_prob * inner, beta, (b, 1, s_c), L), (k, 1, K)) / K

    losses = sp.Sum(word_loss(rr[beta[l]]), (l, 1, L))
    averaged = L * sp.Sum(mu[b] * word_loss(rr[b]), (b, 1, s_c))
    G = sp.Function("Gamma")
    Q, P = sp.Symbol("Q"), sp.Symbol("P")
    dF_dr = lam * n_c * r_b - L * m_b * c * n_c / (sp.exp(x_b) + n_c - 1)
    dF_dc = (sp.Sum(-L * mu[b] * rr[b] * n_c / (sp.exp(n_c * c * rr[b] / (n_c - 1)) + n_c - 1), (b, 1, s_c))
             + lam * K * L * c)
    sum_sq = sp.Sum(rr[b] ** 2, (b, 1, s_c))
    sum_ratio = sp.Sum((rr[b] / c) ** 2, (b, 1, s_c))
    prefactor = -(L * c * n_c / (sp.exp(x_b) + n_c - 1))
    eq7 = sp.Eq(eq7_lhs(r_b), m_b)
    eq8 = sp.Eq(sum_ratio, L * n_c ** (L - 1))
    uniform = {mu[b]: 1 / s_c, rr[b]: sp.sqrt(t / n_w), c: sp.sqrt(t / (K * L))}
    F_uniform = stated_F().xreplace(uniform)
    steps = (
        Step("logit-gap", defs.logit(j) - defs.logit(k), gap,
             "h(x)_j - h(x)_k = c sum_l r_{beta_l} (<f_{z_{j,l}}, f_{z_{k,l}}> - 1) from the Gram matrix",
             "lemma U, proof; definition 3",
             link=subterm("def:risk"), given=("def:type-III", "def:frame")),
        Step("full-set-reindexing", risk.value, per_class(sp.log(partition)) + reg,
             "substitute the logit gap; on the full set the classes j run over all tuples zeta in [n_c]^L",
             "lemma U, proof; theorem 2 (K = n_c^L)",
             link=from_ref("def:risk"), given=("step:logit-gap", "def:full-set")),
        Step("position-factor",
             sp.Sum(sp.exp(c * rr[beta[l]] * (defs.gram_entry(a, z[k, l]) - defs.gram_entry(z[k, l], z[k, l]))),
                    (a, 1, n_c)),
             position_factor(rr[beta[l]]),
             "sum over the concept a at position l: one term a = z_{k,l} (Gram entry 1), n_c - 1 others "
             "(Gram entry -1/(n_c - 1))",
             "lemma U (eq. 138)",
             link=built(sp.Sum(sp.exp(c * rr[beta[l]] * (G(a, z[k, l]) - G(z[k, l], z[k, l]))), (a, 1, n_c)),
                        {G: "def:frame"})),
        Step("partition-factorisation", partition, product,
             "the exponent is a sum over positions, so the sum over [n_c]^(L+1) = [n_c]^L x [n_c] is the sum over "
             "[n_c]^L times the last position's sum over its concept, the factor computed in step position-factor",
             "lemma U, proof (eq. 138)",
             link=subterm("step:full-set-reindexing"), induction=L, induction_base=0),
        Step("cross-entropy-factorised", per_class(sp.log(partition)) + reg, per_class(sp.log(product)) + reg,
             "the partition function is the product over positions (step partition-factorisation)",
             "lemma U; lemma V",
             link=from_ref("step:full-set-reindexing"), given=("step:partition-factorisation",)),
        Step("cross-entropy-per-word", per_class(sp.log(product)) + reg, per_class(losses) + reg,
             "the log of a product of positive factors is the sum of the word losses",
             "lemma V; eq. (147)",
             given=("def:sizes",)),
        Step("word-law-total", TupleSum(word_prob, beta, (b, 1, s_c), L), sp.Integer(1),
             "the probabilities prod_l mu_{beta_l} of the s_c^L word tuples sum to 1",
             "section 2 (the class distributions D_k)",
             link=built(TupleSum(P, beta, (b, 1, s_c), L), {P: "def:class-law"}),
             given=("def:word-law",), induction=L, induction_base=0),
        Step("expectation-over-words", TupleSum(word_prob * losses, beta, (b, 1, s_c), L), averaged,
             "unfold [s_c]^(L+1) = [s_c]^L x [s_c]: the last word adds sum_b mu_b log psi(c r_b), the others keep "
             "their total probability 1 (step word-law-total)",
             "appendix F (eq. 147); definition of D_k",
             link=subterm("step:cross-entropy-per-word"), given=("step:word-law-total", "def:word-law"),
             induction=L, induction_base=0),
        Step("average-over-words", per_class(losses) + reg, sp.Sum(averaged, (k, 1, K)) / K + reg,
             "the expectation over the words of a class-k sentence (step expectation-over-words)",
             "appendix F (eq. 147)",
             link=from_ref("step:cross-entropy-per-word"), given=("step:expectation-over-words",)),
        Step("class-average", sp.Sum(averaged, (k, 1, K)) / K + reg, averaged + reg,
             "the summand does not depend on the class k",
             "appendix F (eq. 147)"),
        Step("regularization", reg, lam / 2 * (n_c * sum_sq + K * L * c**2),
             "||W||^2 = sum_a sum_b r_b^2 ||f_a||^2 = n_c sum_b r_b^2 and ||U||^2 = K L c^2",
             "eq. (5); appendix F (eq. 146)",
             link=subterm("step:class-average"), given=("def:type-III", "def:frame")),
        Step("reduced-risk", averaged + reg, stated_F(),
             "the data term of step class-average plus the regularizer of step regularization: F(c, r)",
             "theorem 2; appendix F (eq. 146-147)",
             link=from_ref("step:class-average"), given=("step:regularization",)),
        Step("stationarity-r_b", sp.Derivative(stated_F(), rr[_beta0]),
             lam * n_c * rr[_beta0] - L * mu[_beta0] * c * n_c / (sp.exp(n_c * c * rr[_beta0] / (n_c - 1)) + n_c - 1),
             "differentiate F in the magnitude r_beta of one word beta in 1..s_c: only the beta-th summands depend on it",
             "eq. (149)",
             link=built(sp.Derivative(Q, rr[_beta0]), {Q: "step:reduced-risk"}), given=("def:word-index",)),
        Step("stationarity-r_b-is-eq7", dF_dr, prefactor * (m_b - eq7_lhs(r_b)),
             "the prefactor -L c n_c/(e^{n_c c r_b/(n_c - 1)} + n_c - 1) is negative, so dF/dr_b = 0 iff eq. 7 holds",
             "eq. (7); eq. (151)",
             link=from_ref(Use("step:stationarity-r_b", at={rr[_beta0]: r_b, mu[_beta0]: m_b}))),
        Step("stationarity-c", sp.Derivative(stated_F(), c), dF_dc,
             "differentiate F in c under the (finite) sum over words",
             "eq. (148)",
             link=built(sp.Derivative(Q, c), {Q: "step:reduced-risk"})),
        Step("stationarity-c-on-eq7", dF_dc, lam * K * L * c - lam * n_c / c * sum_sq,
             "on a solution of eq. 7 each summand of dF/dc is -lambda n_c r_b^2 / c",
             "appendix F, proof of theorem 2",
             given=("def:eq7-solution",)),
        Step("stationarity-c-is-eq8", lam * K * L * c - lam * n_c / c * sum_sq,
             lam * n_c * c * (K * L / n_c - sum_ratio),
             "so dF/dc = 0 iff sum_b (r_b/c)^2 = K L / n_c",
             "eq. (8); eq. (152)"),
        Step("eq7-8",
             sp.Tuple(sp.Eq(m_b - prefactor * (m_b - eq7_lhs(r_b)) / prefactor, m_b),
                      sp.Eq(-(lam * n_c * c * (K * L / n_c - sum_ratio)).subs(K, n_c**L) / (lam * n_c * c)
                            + L * n_c ** (L - 1), L * n_c ** (L - 1))),
             sp.Tuple(eq7, eq8),
             "dF/dr_b = 0 divided by its negative prefactor is eq. 7; dF/dc = 0 divided by lambda n_c c on the full "
             "set K = n_c^L (K L/n_c = L n_c^(L-1)) is eq. 8",
             "theorem 2, eq. (7)-(8)",
             link=built(sp.Tuple(sp.Eq(m_b - P / prefactor, m_b),
                                 sp.Eq(-Q / (lam * n_c * c) + L * n_c ** (L - 1), L * n_c ** (L - 1))),
                        {P: "step:stationarity-r_b-is-eq7", Q: Use("step:stationarity-c-is-eq8", at={K: n_c**L})})),
        Step("uniform-reduces-to-type-I", F_uniform,
             full_set_H(eta_expr()),
             "mu_b = 1/s_c, r_b = sqrt(t/n_w), c = sqrt(t/(K L)): F is L log(1 + (n_c - 1) e^{-eta t}) + lambda t, "
             "the H of theorem 1 at K = n_c^L",
             "theorem 2 and theorem 1 (uniform mu)",
             link=built(P, {P: Use("step:reduced-risk", at=uniform)}),
             given=("def:vocabulary",)),
        Step("partition-factorisation-explicit", _explicit_partition(explicit_frame3()),
             sp.Matrix(len(_Z9), len(_PATTERNS), lambda q, p: position_factor((_r1, _r2)[_PATTERNS[p][0]], 3)
                       * position_factor((_r1, _r2)[_PATTERNS[p][1]], 3)),
             "extra evidence at fixed size: n_c = 3, L = 2, s_c = 2 from an explicit frame, for all 9 classes k and "
             "4 word patterns beta, sum_j e^{h_j - h_k} is the product over positions",
             "lemma U (eq. 138)",
             link=computed(_explicit_partition, "def:explicit-frame"), fixed_size=True,
             display=r"\left[\sum_{j=1}^{9} e^{h(x)_j - h(x)_k}\right]_{k \in [9],\ \beta \in [2]^2} = "
                     r"\left[\prod_{l=1}^{2} \left(1 + 2 e^{-\frac{3 c r_{\beta_l}}{2}}\right)\right]"),
        Step("risk-explicit", _explicit_risk(explicit_frame3()),
             2 * (_m1 * word_loss(_r1, 3) + _m2 * word_loss(_r2, 3)),
             "extra evidence at fixed size: the data term (1/9) sum_k E_beta log sum_j e^{h(x)_j - h(x)_k}, "
             "logits from the explicit frame, with mu_2 = 1 - mu_1, is L sum_b mu_b log(1 + 2 e^{-3 c r_b/2})",
             "theorem 2; appendix F (eq. 147)",
             link=computed(_explicit_risk, "def:explicit-frame"), fixed_size=True,
             given=("step:partition-factorisation-explicit", "def:explicit-word-law"),
             display=r"\frac{1}{9} \sum_{k=1}^{9} \sum_{\beta \in [2]^2} \mu_{\beta_1} \mu_{\beta_2} "
                     r"\log \sum_{j=1}^{9} e^{h(x)_j - h(x)_k} = "
                     + sp.latex(2 * (_m1 * word_loss(_r1, 3) + _m2 * word_loss(_r2, 3)))),
    )
    return Derivation(
        name="type3",
        title="The type-III system (theorem 2, eq. 7-8)",
        summary=(
            "The risk of eq. (5) at a type-III configuration (definition 3) on the full set K = n_c^L, for symbolic "
            "n_c, L and s_c: the logits come from the Gram matrix, the partition function factorises over positions "
            "(induction on L on the sum over [n_c]^L, eq. 138), the cross-entropy is a sum of word losses and its "
            "expectation over the words is L sum_b mu_b log(1 + (n_c - 1) e^{-n_c c r_b/(n_c-1)}); with the "
            "regularizer this is F(c, r) (eq. 146-147), whose stationarity conditions are eq. 7-8."
        ),
        steps=steps,
        result_name=r"\text{eq. (7)-(8)}",
        result=sp.Tuple(eq7, eq8),
        arguments=(c, rr, mu, n_c, L, K, s_c, lam),
        definitions=definitions + (defs.vocabulary(),),
        start="risk",
        result_step="eq7-8",
        numeric=check_type3,
    )
