"""The definitions the derivations start from (section 2, definitions 1-3, appendix A and B).

Each function returns a :class:`~fctheory.symbolic._rules.Definition`: the
defined objects as substitutions, with the paper's number.  Vectors are
expressions in the frame vectors ``f(a)`` and the all-ones vector; the only
facts about the frame are its Gram matrix (and, for definition 2, that it is
mean-zero).
"""

from __future__ import annotations

import sympy as sp

from ._objects import Inner, Phi, TupleSum, U, W, f, one
from ._rules import Definition
from ._symbols import (D, K, L, N, R, Sk, a, b, beta, c, c_prime, d, j, k, l, lam, m_w, mu, n_c, n_w, r, r0, rr, s_c,
                       s_w, t, theta, z, zeta)

__all__ = [
    "gram_entry", "frame", "mean_zero_frame", "type1_configuration", "type2_configuration", "type3_configuration",
    "layernorm", "risk_h", "risk_h_star", "hamming", "sphere_size", "distinct", "count", "assumption_A", "word_law",
    "class_law", "vocabulary", "latent_variables", "full_set", "sizes", "logit", "logit_star", "regularizer_h",
    "regularizer_h_star", "word_probability",
]

_b2 = sp.Symbol("b'", integer=True, positive=True)


def gram_entry(x, y):
    """<f_x, f_y> = (n_c delta_xy - 1)/(n_c - 1): equiangular unit vectors (section 3)."""
    return (n_c * sp.KroneckerDelta(x, y) - 1) / (n_c - 1)


def frame() -> Definition:
    """Equiangular vectors f_1..f_{n_c}: unit norm, pairwise inner product -1/(n_c - 1)."""
    return Definition(
        "frame", "f_1, ..., f_{n_c} are equiangular: <f_a, f_b> = 1 if a = b and -1/(n_c - 1) otherwise",
        "section 3 (equiangular vectors); appendix D, definition D",
        rules=((Inner(f(a), f(b)), gram_entry(a, b)),), for_all=(a, b))


def mean_zero_frame() -> Definition:
    """A mean-zero equiangular frame in R^d: the Gram matrix, <f_a, 1> = 0 and <1, 1> = d."""
    return Definition(
        "mean-zero-frame", "f_1, ..., f_{n_c} are mean-zero equiangular vectors in R^d: <f_a, f_b> as for "
        "equiangular vectors, <f_a, 1> = 0, and the all-ones vector has <1, 1> = d",
        "section 3 (mean-zero equiangular vectors); definition 2",
        rules=((Inner(f(a), f(b)), gram_entry(a, b)), (Inner(f(a), one), sp.Integer(0)),
               (Inner(one, one), d)),
        for_all=(a, b))


def type1_configuration() -> Definition:
    return Definition(
        "type-I", "w_(a,b) = c f_a for every word, u_{k,l} = c' f_{z_{k,l}}", "definition 1",
        rules=((W(a, b), c * f(a)), (U(k, l), c_prime * f(z[k, l]))), for_all=(a, b, k, l))


def type2_configuration() -> Definition:
    return Definition(
        "type-II", "phi(w_(a,b)) = sqrt(d) f_a with f mean-zero: the word vectors are w_(a,b) = s f_a + m 1 "
        "(s > 0; exactly the vectors LayerNorm maps to sqrt(d) f_a); u_{k,l} = c f_{z_{k,l}}", "definition 2",
        rules=((W(a, b), s_w * f(a) + m_w * one), (U(k, l), c * f(z[k, l]))), for_all=(a, b, k, l))


def type3_configuration() -> Definition:
    return Definition(
        "type-III", "w_(a,b) = r_b f_a (a magnitude per word), u_{k,l} = c f_{z_{k,l}}", "definition 3",
        rules=((W(a, b), rr[b] * f(a)), (U(k, l), c * f(z[k, l]))), for_all=(a, b, k, l))


_v = sp.Symbol("v")


def layernorm() -> Definition:
    """phi(v) = (v - mean(v) 1)/sigma(v), mean(v) = <v, 1>/d, sigma(v)^2 = |v - mean(v) 1|^2/d (appendix A)."""
    centred = _v - Inner(_v, one) / d * one
    return Definition(
        "layernorm", "LayerNorm without parameters: phi(v) = (v - mean(v) 1)/sigma(v) with mean(v) = <v, 1>/d and "
        "the population variance sigma(v)^2 = <v - mean(v) 1, v - mean(v) 1>/d", "appendix A",
        rules=((Phi(_v), centred / sp.sqrt(Inner(centred, centred) / d)),), for_all=(_v,))


def logit(jj, kk=k):
    """h(x)_j = sum_l <u_{j,l}, w_{x_l}> for a sentence of class k: x_l = (z_{k,l}, beta_l) (appendix A)."""
    return sp.Sum(Inner(U(jj, l), W(z[kk, l], beta[l])), (l, 1, L))


def logit_star(jj, kk=k):
    """h*(x)_j = sum_l <u_{j,l}, phi(w_{x_l})> (appendix A)."""
    return sp.Sum(Inner(U(jj, l), Phi(W(z[kk, l], beta[l]))), (l, 1, L))


def word_probability():
    """D_k(x) = prod_l mu_{beta_l} for the sentence x_l = (z_{k,l}, beta_l) of class k (section 2)."""
    return sp.Product(mu[beta[l]], (l, 1, L))


def _data_term(logit_fn):
    ce = sp.log(sp.Sum(sp.exp(logit_fn(j) - logit_fn(k)), (j, 1, K)))
    return sp.Sum(TupleSum(word_probability() * ce, beta, (b, 1, s_c), L), (k, 1, K)) / K


def regularizer_h():
    """(lambda/2)(||W||_F^2 + ||U||_F^2) as sums of squared column and block norms (eq. 5)."""
    return lam / 2 * (sp.Sum(Inner(W(a, b), W(a, b)), (b, 1, s_c), (a, 1, n_c))
                      + sp.Sum(Inner(U(k, l), U(k, l)), (l, 1, L), (k, 1, K)))


def regularizer_h_star():
    """(lambda/2) ||U||_F^2 (eq. 10)."""
    return lam / 2 * sp.Sum(Inner(U(k, l), U(k, l)), (l, 1, L), (k, 1, K))


def risk_h() -> Definition:
    return Definition(
        "risk", "R(W, U) = (1/K) sum_k E_{x ~ D_k} CE(h(x), k) + (lambda/2)(||W||^2 + ||U||^2); a sentence of "
        "class k has x_l = (z_{k,l}, beta_l) with probability prod_l mu_{beta_l}, CE(y, k) = "
        "log sum_j e^{y_j - y_k}, h(x)_j = sum_l <u_{j,l}, w_{x_l}>", "eq. (5); section 2; appendix A",
        rules=((R, _data_term(logit) + regularizer_h()),))


def risk_h_star() -> Definition:
    return Definition(
        "risk", "R*(W, U) = (1/K) sum_k E_{x ~ D_k} CE(h*(x), k) + (lambda/2)||U||^2 with h*(x)_j = "
        "sum_l <u_{j,l}, phi(w_{x_l})> (only U is regularized)", "eq. (10); section 2; appendix A",
        rules=((R, _data_term(logit_star) + regularizer_h_star()),))


def latent_variables() -> Definition:
    return Definition(
        "latent-variables", "z_1, ..., z_K in [n_c]^L: every entry z_{k,l} is a concept in 1..n_c", "section 2",
        bounds=((z, 1, n_c), (zeta, 1, n_c)))


#: n_c = 2 + m with m >= 0
_m = sp.Symbol("m_c", integer=True, nonnegative=True)


def sizes() -> Definition:
    return Definition("sizes", "n_c >= 2 concepts (n_c = 1 has no equiangular frame): n_c = 2 + m_c with m_c >= 0",
                      "section 2", rules=((n_c, _m + 2),), bounds=((n_c, 2, sp.oo),))


def hamming() -> Definition:
    return Definition(
        "hamming", "dist(z_j, z_k) = sum_l 1{z_{j,l} != z_{k,l}} (Hamming distance), so 0 <= dist <= L",
        "appendix B (eq. 36)",
        rules=((D[j, k], sp.Sum(1 - sp.KroneckerDelta(z[j, l], z[k, l]), (l, 1, L))),), for_all=(j, k),
        bounds=((D, 0, L),))


def sphere_size() -> Definition:
    return Definition(
        "sphere-size", "|S_r(k)| = #{j : dist(z_j, z_k) = r} (the sphere of radius r around z_k)", "eq. (36)",
        rules=((Sk[r0, k], sp.Sum(sp.KroneckerDelta(D[j, k], r0), (j, 1, K))),), for_all=(r0, k))


def distinct() -> Definition:
    return Definition(
        "distinct", "the latent variables are distinct: dist(z_j, z_k) = 0 only for j = k, so |S_0(k)| = 1",
        "theorem 1 (hypothesis); appendix B",
        rules=((Sk[0, k], sp.Integer(1)),), for_all=(k,))


def count() -> Definition:
    return Definition(
        "count", "N(k, r, l, a) = #{j : dist(z_j, z_k) = r and z_{j,l} = a}", "eq. (35)",
        rules=((N[k, r, l, a], sp.Sum(sp.KroneckerDelta(D[j, k], r) * sp.KroneckerDelta(z[j, l], a), (j, 1, K))),),
        for_all=(k, r, l, a))


def assumption_A() -> Definition:
    q = K / n_c**L
    same = q * sp.binomial(L - 1, r) * (n_c - 1) ** r
    other = q * sp.binomial(L - 1, r - 1) * (n_c - 1) ** (r - 1)
    delta = sp.KroneckerDelta(z[k, l], a)
    return Definition(
        "assumption-A", "N(k, r, l, a) = (K/n_c^L) C(L-1, r)(n_c-1)^r if z_{k,l} = a, and "
        "(K/n_c^L) C(L-1, r-1)(n_c-1)^(r-1) otherwise (r = 1..L)", "assumption A, eq. (35)",
        rules=((N[k, r, l, a], delta * same + (1 - delta) * other),), for_all=(k, r, l, a))


def word_law() -> Definition:
    return Definition("word-law", "mu_1, ..., mu_{s_c} > 0 sum to 1 (the word law of every concept)", "section 2",
                      rules=((sp.Sum(mu[b], (b, 1, s_c)), sp.Integer(1)),))


_Dk = sp.Symbol("D_k")


def class_law() -> Definition:
    return Definition(
        "class-law", "D_k(x) = prod_l mu_{beta_l}: the probability of the class-k sentence with words beta",
        "section 2", rules=((_Dk, word_probability()),))


def vocabulary() -> Definition:
    return Definition("vocabulary", "n_w = n_c s_c words", "section 2", rules=((n_w, n_c * s_c),))


def full_set() -> Definition:
    """The full set {z_1..z_K} = [n_c]^L: a sum over the classes j is a sum over all tuples zeta (theorem 2)."""
    def rewrite(expr):
        def is_class_sum(obj):
            if not (isinstance(obj, sp.Sum) and len(obj.limits) == 1):
                return False
            var, lo, hi = obj.limits[0]
            return var == j and lo == 1 and hi == K

        def rule(obj):
            g = obj.function
            entries = [e for e in g.atoms(sp.Indexed) if e.base == z and e.indices[0] == j]
            g2 = g.xreplace({e: zeta[e.indices[1]] for e in entries})
            if g2.has(j):
                return obj
            return TupleSum(g2, zeta, (a, 1, n_c), L)

        return expr.replace(is_class_sum, rule)

    return Definition(
        "full-set", "{z_1, ..., z_K} = [n_c]^L (K = n_c^L): j -> z_j is a bijection onto [n_c]^L, so a sum over the "
        "classes j of a function of z_j is the sum over all tuples zeta in [n_c]^L", "theorem 2 (hypothesis)",
        rewrite=rewrite,
        display=r"\sum_{j=1}^{K} g(z_j) = \sum_{\zeta \in [n_c]^L} g(\zeta)")


def theorem1_constants() -> Definition:
    return Definition("constants", "the type-I constants as functions of t: c = sqrt(t/n_w), c' = sqrt(t/(K L))",
                      "theorem 1", rules=((c, sp.sqrt(t / n_w)), (c_prime, sp.sqrt(t / (K * L)))))


def theorem3_constants() -> Definition:
    return Definition("constants", "the type-II constant as a function of t: c = t/sqrt(K L) (t = ||U||_F)",
                      "theorem 3", rules=((c, t / sp.sqrt(K * L)),))


def rate(value, reference: str) -> Definition:
    return Definition("rate", f"notation: theta = {sp.sstr(value)}, the margin per unit distance", reference,
                      rules=((theta, value),))


__all__ += ["theorem1_constants", "theorem3_constants", "rate"]
