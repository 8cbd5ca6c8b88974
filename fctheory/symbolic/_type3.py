"""The type-III system of theorem 2 (appendix F), derived from the ansatz.

On the full set ``K = n_c^L`` the partition function of the softmax factorises
over positions (lemma U, eq. 138), so the cross-entropy of a sentence is a sum
over its words and the risk on the type-III ansatz is

.. math:: F(c, r) = L \\sum_b \\mu_b \\log\\bigl(1 + (n_c - 1) e^{-n_c c r_b/(n_c - 1)}\\bigr)
          + \\tfrac{\\lambda}{2}\\bigl(n_c \\sum_b r_b^2 + K L c^2\\bigr).

Its stationarity conditions in ``r_b`` and ``c`` (eq. 148-149) are equivalent
to eq. 7-8 (eq. 151-152).
"""

from __future__ import annotations

import itertools

import sympy as sp

from ._derivation import Derivation, Step, annotate
from ._hfunctions import _full_set_H, eta_expr
from ._margins import gram
from ._symbols import K, L, b, c, l, lam, mu, n_c, n_w, r_beta, rr, s_c, t

__all__ = ["derive_type3", "FullSetPartitionSum", "stated_F", "eq7_lhs", "position_factor", "word_loss"]

_a = sp.Symbol("a", integer=True, positive=True)
#: n_c = 2 + m with m >= 0: the admissible range n_c >= 2 as an assumption
_m = sp.Symbol("m", integer=True, nonnegative=True)
#: a word beta of 1..s_c, with s_c = beta + s_rest (s_rest >= 0)
_beta = sp.Symbol("beta", integer=True, positive=True)
_s_rest = sp.Symbol("s_rest", integer=True, nonnegative=True)


class FullSetPartitionSum(sp.Function):
    r"""``sum_j exp(h(x)_j - h(x)_k)`` on the full set ``[n_c]^L`` for a type-III configuration.

    Arguments ``(n_c, L, c)``; the word of position l has magnitude
    ``r_beta[l]``.  Stays unevaluated for symbolic sizes; ``doit()`` with
    integer sizes enumerates all ``n_c^L`` latent variables ``z_j`` (with
    ``z_{k,l} = l mod n_c``) and scores them with the Gram entries
    ``<f_a, f_a'> = 1`` or ``-1/(n_c - 1)`` (lemma U, proof).
    """

    nargs = 3

    def _peel(self, m, m_next):
        r"""The recursive definition on ``[n_c]^{L+1} = [n_c]^L \times [n_c]`` (lemma U, proof).

        ``Z(n_c, m + 1) = Z(n_c, m) \sum_{a} e^{c r_{\beta_{m+1}} (\Gamma(a, z_{k,m+1}) - 1)}``:
        the exponent is a sum over positions, so the sum over the last
        position's concept a factors out; of the n_c concepts one is
        z_{k,m+1} (Gram entry 1) and n_c - 1 are not (Gram entry -1/(n_c - 1)).
        Returns ``self`` unchanged unless its length is ``m_next``.
        """
        n, length, cc = self.args
        if sp.simplify(length - m_next) != 0:
            return self
        rb = r_beta[m_next]
        return self.func(n, m, cc) * (sp.exp(cc * rb * (1 - 1)) + (n - 1) * sp.exp(cc * rb * (-1 / (n - 1) - 1)))

    def doit(self, **hints):
        n, length, cc = (a.doit(**hints) for a in self.args)
        if length.is_Integer and length == 0:
            return sp.Integer(1)
        if length.is_Integer and length >= 1 and not n.is_Integer:
            return (self.func(n, length - 1, cc)._peel_top(length)).doit(**hints)
        if not (n.is_Integer and length.is_Integer and n >= 2 and length >= 1):
            return self.func(n, length, cc)
        n, length = int(n), int(length)
        G = gram(n)
        zk = [ell % n for ell in range(length)]
        total = sp.Integer(0)
        for zj in itertools.product(range(n), repeat=length):
            expo = sum(cc * r_beta[ell + 1] * (G[zj[ell], zk[ell]] - 1) for ell in range(length))
            total += sp.exp(expo)
        return total

    def _peel_top(self, length):
        """``Z(n, length)`` from ``self = Z(n, length - 1)`` by the recursive definition of :meth:`_peel`."""
        n, _, cc = self.args
        return self.func(n, length, cc)._peel(length - 1, length)

    def _latex(self, printer):
        return r"\sum_{j=1}^{n_c^{L}} e^{h(x)_j - h(x)_k}"


def position_factor(r_b, n=n_c, cc=c) -> sp.Expr:
    """1 + (n_c - 1) exp(-n_c c r_b/(n_c - 1)): one position's factor of the partition sum (lemma U, eq. 138)."""
    return 1 + (n - 1) * sp.exp(-n * cc * r_b / (n - 1))


def word_loss(r_b, n=n_c, cc=c) -> sp.Expr:
    """log(1 + (n_c - 1) exp(-n_c c r_b/(n_c - 1))): the loss carried by one word (lemma V)."""
    return sp.log(position_factor(r_b, n, cc))


def stated_F() -> sp.Expr:
    """F(c, r) as stated (the reduced risk on the type-III ansatz, theorem 2; appendix F, eq. 146-147), symbolic s_c."""
    return (L * sp.Sum(mu[b] * word_loss(rr[b]), (b, 1, s_c))
            + lam / 2 * (n_c * sp.Sum(rr[b] ** 2, (b, 1, s_c)) + K * L * c**2))


def eq7_lhs(r_b) -> sp.Expr:
    """(λ/L)(r_b/c)(n_c - 1 + exp(n_c c r_b/(n_c - 1))), the left side of eq. (7)."""
    return lam / L * (r_b / c) * (n_c - 1 + sp.exp(n_c * c * r_b / (n_c - 1)))


def _explicit_steps():
    """n_c = 3, L = 2, s_c = 2 with symbolic word law mu_1, mu_2 = 1 - mu_1."""
    n, length = 3, 2
    r1, r2, m1, m2 = sp.symbols("r_1 r_2 mu_1 mu_2", positive=True)
    rs, ms = (r1, r2), (m1, m2)
    Z = list(itertools.product(range(n), repeat=length))
    betas = list(itertools.product(range(2), repeat=length))
    G = gram(n)

    def score(j, zk, beta):
        # h(x)_j = sum_l <u_{j,l}, w_{x_l}> = c sum_l r_{beta_l} <f_{z_{j,l}}, f_{z_{k,l}}>
        return c * sum(rs[beta[i]] * G[Z[j][i], zk[i]] for i in range(length))

    def partition(k, beta):
        return sp.Add(*[sp.exp(score(j, Z[k], beta) - score(k, Z[k], beta)) for j in range(len(Z))])

    lhs = sp.Matrix(len(Z), len(betas), lambda k, q: partition(k, betas[q]))
    factors = [position_factor(rs[bb], n) for bb in range(2)]
    rhs = sp.Matrix(len(Z), len(betas), lambda k, q: factors[betas[q][0]] * factors[betas[q][1]])
    fact = Step(
        "partition-factorisation-explicit", lhs, rhs,
        "n_c = 3, L = 2: for all 9 classes k and 4 word patterns beta, sum_j e^{h_j - h_k} is a product over positions",
        "lemma U (eq. 138)",
        display=r"\left[\sum_{j=1}^{9} e^{h(x)_j - h(x)_k}\right]_{k \in [9],\ \beta \in [2]^2} = "
                r"\left[\prod_{l=1}^{2} \left(1 + 2 e^{-\frac{3 c r_{\beta_l}}{2}}\right)\right]",
    )
    # risk: average over k of E_beta CE, with CE = log of the (verified) product
    risk = sp.Add(*[
        ms[beta[0]] * ms[beta[1]] * sp.log(factors[beta[0]] * factors[beta[1]])
        for _k in range(len(Z)) for beta in betas
    ]) / len(Z)
    reduced = length * (m1 * word_loss(r1, n) + m2 * word_loss(r2, n))
    expect = Step(
        "risk-explicit", risk, reduced,
        "n_c = 3, L = 2, symbolic mu: (1/K) sum_k E_beta log prod_l (...) = L sum_b mu_b log(1 + 2 e^{-3 c r_b/2})",
        "theorem 2; appendix F (eq. 147)",
        given=((m2, 1 - m1),),
        display=r"\frac{1}{9} \sum_{k=1}^{9} \sum_{\beta \in [2]^2} \mu_{\beta_1} \mu_{\beta_2} "
                r"\log \prod_{l=1}^{2} \left(1 + 2 e^{-\frac{3 c r_{\beta_l}}{2}}\right) = " + sp.latex(reduced),
    )
    return fact, expect


def derive_type3() -> Derivation:
    """Derive the type-III system (theorem 2, eq. 7-8) from the ansatz.

    Returns
    -------
    Derivation
        ``result`` is the tuple of the two equations (eq. 7 for a generic
        word b, eq. 8).  The reduced risk F(c, r) is the right side of the
        step ``reduced-risk`` (:func:`stated_F`); evaluate it with
        ``lambdify_mp(derive_type3(), "F")``.
    """
    fact_explicit, risk_explicit = _explicit_steps()
    m_b, r_b = sp.symbols("mu_b r_b", positive=True)
    x_b = n_c * c * r_b / (n_c - 1)
    G = word_loss(r_b)
    F_general = (L * sp.Sum(mu[b] * word_loss(rr[b]), (b, 1, s_c))
                 + lam / 2 * (sp.Sum(sp.Sum(rr[b] ** 2, (b, 1, s_c)), (_a, 1, n_c)) + K * L * c**2))
    dF_dr = lam * n_c * r_b - L * m_b * c * n_c / (sp.exp(x_b) + n_c - 1)
    dF_dc = (sp.Sum(-L * mu[b] * rr[b] * n_c / (sp.exp(n_c * c * rr[b] / (n_c - 1)) + n_c - 1), (b, 1, s_c))
             + lam * K * L * c)
    sum_sq = sp.Sum(rr[b] ** 2, (b, 1, s_c))
    sum_ratio = sp.Sum((rr[b] / c) ** 2, (b, 1, s_c))
    eq7 = sp.Eq(eq7_lhs(r_b), m_b)
    eq8 = sp.Eq(sum_ratio, L * n_c ** (L - 1))
    # uniform mu, r_b = r: F equals the full-set H of theorem 1 at t = n_w r^2 = K L c^2
    F_uniform = (L * sp.Sum(word_loss(sp.sqrt(t / n_w), cc=sp.sqrt(t / (K * L))) / s_c, (b, 1, s_c))
                 + lam / 2 * (n_c * sp.Sum(t / n_w, (b, 1, s_c)) + t))
    steps = (
        Step("position-factor",
             sp.exp(c * r_beta[l] * (1 - 1)) + (n_c - 1) * sp.exp(c * r_beta[l] * (-1 / (n_c - 1) - 1)),
             position_factor(r_beta[l]),
             "sum over the concept a' at position l of e^{c r_{beta_l} (<f_a', f_a> - 1)}: one term a' = a, n_c - 1 others",
             "lemma U (eq. 138)"),
        Step("partition-factorisation",
             FullSetPartitionSum(n_c, L, c),
             sp.Product(position_factor(r_beta[l]), (l, 1, L)),
             "{z_j} = [n_c]^L, so the sum over j of a product over positions is the product of the per-position sums",
             "lemma U, proof (product argument)"),
        fact_explicit,
        Step("cross-entropy-per-word",
             sp.log(sp.Product(position_factor(r_beta[l]), (l, 1, L))),
             sp.Sum(word_loss(r_beta[l]), (l, 1, L)),
             "CE(h(x), k) = log sum_j e^{h_j - h_k}: the log of the product is the sum of the word losses",
             "lemma V; eq. (147)"),
        Step("expectation-over-words",
             sp.Sum(sp.Sum(mu[b] * word_loss(rr[b]), (b, 1, s_c)), (l, 1, L)),
             L * sp.Sum(mu[b] * word_loss(rr[b]), (b, 1, s_c)),
             "each position's word is drawn from mu, so E_beta of the sum over positions is L sum_b mu_b (...)",
             "appendix F (eq. 147); definition of D_k"),
        risk_explicit,
        Step("reduced-risk", F_general, stated_F(),
             "||W||^2 = sum_a sum_b r_b^2 ||f_a||^2 = n_c sum_b r_b^2 and ||U||^2 = K L c^2",
             "eq. (5); theorem 2; appendix F (eq. 146-147)"),
        Step("stationarity-r_b",
             sp.Derivative(stated_F(), rr[_beta]), dF_dr.subs({m_b: mu[_beta], r_b: rr[_beta]}),
             "differentiate the computed F in the magnitude r_beta of one word beta in 1..s_c: only the beta-th "
             "summands depend on it",
             "eq. (149)",
             given=((s_c, _beta + _s_rest),)),
        Step("stationarity-r_b-is-eq7", dF_dr,
             -(L * c * n_c / (sp.exp(x_b) + n_c - 1)) * (m_b - eq7_lhs(r_b)),
             "the prefactor is negative, so dF/dr_b = 0 iff (lambda/L)(r_b/c)(n_c - 1 + e^{n_c c r_b/(n_c-1)}) = mu_b",
             "eq. (7); eq. (151)"),
        Step("stationarity-c", sp.Derivative(stated_F(), c), dF_dc,
             "differentiate F in c under the (finite) sum over words",
             "eq. (148)"),
        Step("substitute-eq7",
             L * m_b * r_b * n_c / (sp.exp(x_b) + n_c - 1), lam * n_c * r_b**2 / c,
             "on solutions of eq. 7 each summand of dF/dc becomes lambda n_c r_b^2 / c",
             "appendix F, proof of theorem 2",
             given=((m_b, eq7_lhs(r_b)),)),
        Step("stationarity-c-is-eq8",
             lam * K * L * c - lam * n_c / c * sum_sq,
             lam * n_c * c * (K * L / n_c - sum_ratio),
             "so dF/dc = 0 iff sum_b (r_b/c)^2 = K L / n_c",
             "eq. (8); eq. (152)"),
        Step("full-set-count", (K * L / n_c).subs(K, n_c**L), L * n_c ** (L - 1),
             "K = n_c^L on the full set",
             "theorem 2; eq. (8)"),
        Step("uniform-reduces-to-type-I",
             F_uniform.subs({K: n_c**L, n_w: n_c * s_c}),
             _full_set_H(eta_expr()).subs({K: n_c**L, n_w: n_c * s_c}),
             "mu_b = 1/s_c, r_b = sqrt(t/n_w), c = sqrt(t/(K L)): F is the full-set H of theorem 1",
             "theorem 2 and theorem 1 (uniform mu)"),
        Step("eq7-8",
             sp.Tuple(sp.Eq(eq7_lhs(r_b), m_b), sp.Eq(sum_ratio, (K * L / n_c).subs(K, n_c**L))),
             sp.Tuple(eq7, eq8),
             "the two stationarity conditions on the full set are eq. 7 (each word b) and eq. 8",
             "theorem 2, eq. (7)-(8)"),
    )
    n2 = ((n_c, _m + 2),)   # n_c >= 2 written into the assumptions
    steps = annotate(steps, {
        "position-factor": "the per-position sum over concepts of e^{c r_{beta_l}(Gamma(a', a) - 1)} (lemma U)",
        "partition-factorisation": dict(
            starts_from="the partition function sum_j e^{h(x)_j - h(x)_k} of a type-III configuration on [n_c]^L",
            induction=L, given=n2),
        "partition-factorisation-explicit": "the partition function on [3]^2 computed from the explicit frame",
        "cross-entropy-per-word": dict(
            starts_from="CE(h(x), k) = log sum_j e^{h_j - h_k}, the partition function factorised",
            induction=L, given=n2),
        "expectation-over-words": dict(
            starts_from="E_beta of the sum over positions of the word losses (each beta_l drawn from mu)",
            induction=L),
        "risk-explicit": "the risk (1/K) sum_k E_beta CE on [3]^2 with the explicit partition function",
        "reduced-risk": dict(starts_from="the risk L sum_b mu_b (...) plus the regularizer of eq. (5)",
                             induction=n_c, induction_base=2),
        "stationarity-r_b": "F(c, r) of step reduced-risk",
        "stationarity-r_b-is-eq7": "dF/dr_b of step stationarity-r_b, written with mu_b = mu_beta, r_b = r_beta",
        "stationarity-c": "F(c, r) of step reduced-risk",
        "substitute-eq7": "one summand of dF/dc on a solution of eq. 7",
        "stationarity-c-is-eq8": "dF/dc with the summands of step substitute-eq7",
        "full-set-count": "the right side K L / n_c of step stationarity-c-is-eq8",
        "uniform-reduces-to-type-I": "F at uniform mu, r_b = sqrt(t/n_w), c = sqrt(t/(K L)) on the full set",
        "eq7-8": "the conditions of steps stationarity-r_b-is-eq7 and stationarity-c-is-eq8 with full-set-count",
    })
    return Derivation(
        name="type3",
        title="The type-III system (theorem 2, eq. 7-8)",
        summary=(
            "On the full set K = n_c^L, the softmax partition function of a type-III configuration "
            "factorises over positions (the product argument of lemma U), so the risk on the ansatz "
            "is F(c, r) = L sum_b mu_b log(1 + (n_c - 1) e^{-n_c c r_b/(n_c-1)}) + (lambda/2)(n_c sum_b r_b^2 "
            "+ K L c^2). Setting dF/dr_b = 0 and dF/dc = 0 and eliminating gives eq. 7-8."
        ),
        steps=steps,
        result_name=r"\text{eq. (7)-(8)}",
        result=sp.Tuple(eq7, eq8),
        arguments=(c, rr, mu, n_c, L, K, s_c, lam),
    )
