"""Margins of the collapse configurations, computed from definitions 1-3 and the Gram matrix.

The margin of a sentence ``x`` of class k against class j is
``M(x, j) = h(x)_k - h(x)_j`` (appendix D, definition A).  In every collapse
configuration the scores are inner products of equiangular vectors, whose Gram matrix
is ``<f_a, f_b> = (n_c delta_ab - 1)/(n_c - 1)``, so a position where ``z_j`` and
``z_k`` differ contributes ``n_c/(n_c - 1)`` times the product of the magnitudes and
an agreeing position 0.  Explicit frames for ``n_c = 3`` are kept as extra evidence.
"""

from __future__ import annotations

import itertools

import sympy as sp

from . import _definitions as defs
from ._derivation import Derivation, Step, built, computed, from_ref, subterm
from ._hfunctions import explicit_frame3
from ._objects import Inner, Phi, W, f
from ._rules import Definition, Use
from ._symbols import D, L, a, b, beta, c, c_prime, d, j, k, l, n_c, rr, z

__all__ = ["derive_margins", "gram", "margin_type1", "margin_type2", "margin_type3"]


def gram(n: int) -> sp.Matrix:
    """Gram matrix of ``n`` equiangular unit vectors (appendix D, definition D)."""
    return sp.Rational(n, n - 1) * sp.eye(n) - sp.ones(n, n) / (n - 1)


def margin_type1() -> sp.Expr:
    """Type-I margin ``c c' n_c/(n_c - 1) dist`` (lemma K, proof)."""
    return c * c_prime * n_c / (n_c - 1) * D[j, k]


def margin_type2() -> sp.Expr:
    """Type-II margin ``c sqrt(d) n_c/(n_c - 1) dist`` (lemma R, proof)."""
    return c * sp.sqrt(d) * n_c / (n_c - 1) * D[j, k]


def margin_type3() -> sp.Expr:
    """Type-III margin ``c n_c/(n_c - 1) sum_l 1{z_{j,l} != z_{k,l}} r_{beta_l}`` (lemma U, proof)."""
    return c * n_c / (n_c - 1) * sp.Sum((1 - sp.KroneckerDelta(z[j, l], z[k, l])) * rr[beta[l]], (l, 1, L))


def _frame3_mean_zero() -> sp.Matrix:
    """Three mean-zero equiangular unit vectors in R^3: sqrt(3/2) (e_a - 1/3)."""
    return sp.sqrt(sp.Rational(3, 2)) * (sp.eye(3) - sp.ones(3, 3) / 3)


def _layernorm(v: sp.Matrix) -> sp.Matrix:
    """phi(v) = (v - mean v)/sigma(v), population variance (appendix A)."""
    n = v.rows
    m = sum(v) / n
    centred = v - m * sp.ones(n, 1)
    sigma = sp.sqrt(sum(e**2 for e in centred) / n)
    return (centred / sigma).applyfunc(sp.radsimp)


def _hamming(u, v) -> int:
    return sum(1 for p, q in zip(u, v) if p != q)


_Z9 = list(itertools.product(range(3), repeat=2))
_r1, _r2 = sp.symbols("r_1 r_2", positive=True)


def _gram_of(F):
    """the Gram matrix F^T F of the frame's columns"""
    return F.T * F


def _type1_margins(F):
    """the type-I margins h(x)_k - h(x)_j on [3]^2 from the frame: w = c f_a, u = c' f_z"""
    def score(zj, zk):
        return sum((c_prime * F[:, zj[i]]).dot(c * F[:, zk[i]]) for i in range(2))

    return sp.Matrix(9, 9, lambda p, q: sp.expand(score(_Z9[q], _Z9[q]) - score(_Z9[p], _Z9[q])))


def _layernorm_of_words(F):
    """LayerNorm of the word vectors w = 5 f_a + 2 * 1 built from the mean-zero frame"""
    Wm = 5 * F + 2 * sp.ones(3, 3)
    return sp.Matrix.hstack(*[_layernorm(Wm[:, col]) for col in range(3)])


def _type3_margins(F):
    """the type-III margins on [3]^2 from the frame, words beta = (1, 2): w = r_b f_a, u = c f_z"""
    rbeta = (_r1, _r2)

    def score(zj, zk):
        return sum((c * F[:, zj[i]]).dot(rbeta[i] * F[:, zk[i]]) for i in range(2))

    return sp.Matrix(9, 9, lambda p, q: sp.expand(score(_Z9[q], _Z9[q]) - score(_Z9[p], _Z9[q])))


def _margin_definition(name: str, network: str, logit_fn) -> Definition:
    return Definition(name, f"the margin M(x, j) = {network}(x)_k - {network}(x)_j of a sentence x of class k "
                      f"(x_l = (z_{{k,l}}, beta_l)) against class j", "appendix D, definition A; appendix A",
                      rules=((sp.Symbol(f"M_{network}"), logit_fn(k) - logit_fn(j)),))


def derive_margins() -> Derivation:
    """Derive the margins of type-I, II and III configurations from definitions 1-3.

    Returns
    -------
    Derivation
        ``result`` is the tuple (type I, type II, type III) of margins, the right
        side of step ``margins``.
    """
    F, Fm = sp.Symbol("F_3"), sp.Symbol("F_3^0")
    definitions = (
        defs.frame(), defs.mean_zero_frame(), defs.type1_configuration(), defs.type2_configuration(),
        defs.type3_configuration(), defs.layernorm(), defs.hamming(), defs.latent_variables(),
        Definition("concepts", "a concept index a is one of 1..n_c", "section 2", bounds=((a, 1, n_c),)),
        _margin_definition("margin-h", "h", defs.logit), _margin_definition("margin-h-star", "h*", defs.logit_star),
        Definition("explicit-frame", "an explicit frame of n_c = 3 unit vectors in R^2 (columns)",
                   "section 3 (extra evidence at fixed size)", rules=((F, explicit_frame3()),)),
        Definition("explicit-mean-zero-frame", "three mean-zero equiangular unit vectors in R^3: "
                   "sqrt(3/2)(e_a - 1/3)", "section 3 (extra evidence at fixed size)",
                   rules=((Fm, _frame3_mean_zero()),)),
    )
    P, Q, R3 = sp.Symbol("P"), sp.Symbol("Q"), sp.Symbol("R_3")
    word = Phi(W(z[k, l], beta[l]))
    types = sp.Tuple(margin_type1(), margin_type2(), margin_type3())
    steps = (
        Step("gram-diagonal", Inner(f(a), f(a)), sp.Integer(1),
             "the diagonal of n_c/(n_c-1) I - 1/(n_c-1) 11^T: equiangular vectors have unit norm",
             "appendix D, definition D",
             link=built(P, {P: Use("def:frame.key", at={b: a})}), given=("def:frame",)),
        Step("gram-off-diagonal-sum", sp.Sum(Inner(f(a), f(b)), (b, 1, n_c)) - Inner(f(a), f(a)), sp.Integer(-1),
             "each row of the Gram matrix sums to 0 (sum_a f_a = 0), so the off-diagonal entries of a row sum to -1",
             "appendix D, definition D",
             link=built(sp.Sum(P, (b, 1, n_c)) - Q, {P: "def:frame.key", Q: Use("def:frame.key", at={b: a})}),
             given=("def:frame",)),
        Step("margin-type-I", defs.logit(k) - defs.logit(j), margin_type1(),
             "M(x, j) = sum_l <u_{k,l} - u_{j,l}, w_{x_l}> = c c' sum_l (1 - <f_{z_{j,l}}, f_{z_{k,l}}>): each differing "
             "position gives n_c/(n_c - 1)",
             "definition 1; appendix D, definition A; lemma K, proof",
             link=from_ref("def:margin-h"), given=("def:type-I", "def:frame", "def:hamming")),
        Step("layernorm-of-a-word", word, sp.sqrt(d) * f(z[k, l]),
             "w = s f_a + m 1 with f_a mean-zero and of unit norm: phi(w) = sqrt(d) f_a",
             "definition 2; appendix A (LayerNorm); appendix E, definition E",
             link=subterm("def:margin-h-star"), given=("def:type-II", "def:layernorm", "def:mean-zero-frame")),
        Step("layernorm-norm", Inner(sp.sqrt(d) * f(z[k, l]), sp.sqrt(d) * f(z[k, l])), d,
             "||phi(w)||^2 = d ||f_a||^2 = d",
             "definition 2; lemma R, proof",
             link=built(Inner(P, P), {P: "step:layernorm-of-a-word"}), given=("def:mean-zero-frame",)),
        Step("margin-type-II", defs.logit_star(k) - defs.logit_star(j), margin_type2(),
             "as for type I with phi(w_(a,b)) = sqrt(d) f_a (step layernorm-of-a-word) and u_{k,l} = c f_{z_{k,l}}",
             "definition 2; lemma R, proof",
             link=from_ref("def:margin-h-star"),
             given=("step:layernorm-of-a-word", "def:type-II", "def:mean-zero-frame", "def:hamming")),
        Step("margin-type-III", defs.logit(k) - defs.logit(j), margin_type3(),
             "w_(a,b) = r_b f_a: the word at position l weighs its gap by r_{beta_l}",
             "definition 3; lemma U, proof",
             link=from_ref("def:margin-h"), given=("def:type-III", "def:frame")),
        Step("margins", types, types,
             "the margins of steps margin-type-I, margin-type-II and margin-type-III",
             "lemma K, lemma R and lemma U, proofs",
             link=built(sp.Tuple(P, Q, R3), {P: "step:margin-type-I", Q: "step:margin-type-II",
                                             R3: "step:margin-type-III"})),
        Step("explicit-frame", _gram_of(explicit_frame3()), gram(3),
             "extra evidence at fixed size: an exact frame of three unit vectors in R^2 has the equiangular Gram "
             "matrix (n_c = 3)",
             "definition of equiangular vectors, section 3",
             link=computed(_gram_of, "def:explicit-frame"), fixed_size=True),
        Step("margin-type-I-explicit", _type1_margins(explicit_frame3()),
             sp.Matrix(9, 9, lambda p, q: c * c_prime * sp.Rational(3, 2) * _hamming(_Z9[p], _Z9[q])),
             "extra evidence at fixed size: all 81 pairs (z_j, z_k) of [3]^2, margins from the explicit frame equal "
             "c c' (3/2) dist",
             "lemma K, proof",
             link=computed(_type1_margins, "def:explicit-frame"), fixed_size=True,
             display=r"\left[h(x)_k - h(x)_j\right]_{z_j, z_k \in [3]^2} = "
                     r"\left[\tfrac{3}{2}\, c c' \operatorname{dist}(z_j, z_k)\right]_{z_j, z_k \in [3]^2}"),
        Step("layernorm-type-II-explicit", _layernorm_of_words(_frame3_mean_zero()), sp.sqrt(3) * _frame3_mean_zero(),
             "extra evidence at fixed size: LayerNorm maps w = 5 f_a + 2 * 1 (f_a mean-zero) to sqrt(d) f_a (d = 3)",
             "definition 2; appendix E, definition E",
             link=computed(_layernorm_of_words, "def:explicit-mean-zero-frame"), fixed_size=True),
        Step("margin-type-III-explicit", _type3_margins(explicit_frame3()),
             sp.Matrix(9, 9, lambda p, q: c * sp.Rational(3, 2) * sum((_r1, _r2)[i] for i in range(2)
                                                                      if _Z9[p][i] != _Z9[q][i])),
             "extra evidence at fixed size: all 81 pairs of [3]^2 with words beta = (1, 2): margins equal "
             "c (3/2) (sum of r over differing positions)",
             "lemma U, proof",
             link=computed(_type3_margins, "def:explicit-frame"), fixed_size=True,
             display=r"\left[h(x)_k - h(x)_j\right]_{z_j, z_k \in [3]^2,\ \beta = (1, 2)} = "
                     r"\left[\tfrac{3}{2}\, c \textstyle\sum_{l : z_{j,l} \ne z_{k,l}} r_{\beta_l}\right]"),
    )
    return Derivation(
        name="margins",
        title="Margins of the collapse configurations",
        summary=(
            "From definitions 1-3 and the Gram matrix of equiangular vectors, the margin M(x, j) = h(x)_k - h(x)_j "
            "of a sentence of class k against class j is c c' n_c/(n_c - 1) dist(z_j, z_k) for type I, "
            "c sqrt(d) n_c/(n_c - 1) dist(z_j, z_k) for type II (LayerNorm maps every word to sqrt(d) f_a), and "
            "c n_c/(n_c - 1) times the sum of the word magnitudes r_{beta_l} over the differing positions for type III."
        ),
        steps=steps,
        result_name=r"\left(M_{\mathrm{I}}, M_{\mathrm{II}}, M_{\mathrm{III}}\right)",
        result=types,
        arguments=(c, c_prime, d, n_c),
        definitions=definitions,
        start="margin-h",
        result_step="margins",
    )
