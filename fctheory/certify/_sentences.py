"""The sentence table: every sentence of every class with its probability.

Class ``k`` generates the sentence ``x = (x_1, ..., x_L)`` with probability
``D_k(x) = prod_l 1{a_l = z_{k,l}} mu_{b_l}`` (paper, section 2), where the
word ``x_l = (a_l, b_l)`` has 0-based one-hot index ``a_l * s_c + b_l``.  The
true risk of network h is the average over classes of the expectation over
``D_k`` (eq. 5), so the convex program of theorem G (appendix G, eq. 159-160)
needs the ``K * s_c**L`` pairs (sentence, class) with weights
``p(x, k) = D_k(x) / K``.  Distinct latent variables generate disjoint sets of
sentences (the concepts of ``x`` determine ``z``).

The enumeration is the risk engine's (:func:`fctheory.risk._sentences.sentences_of`:
class-major, then the word ranks ``b`` in lexicographic order), so both
modules list the same sentences in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ProblemTooLarge
from ..problem import as_problem, setting_of
from ..risk import sentences_of

__all__ = ["SentenceTable", "sentence_table", "n_sentences", "MAX_SENTENCES"]

#: Largest number of (sentence, class) pairs ``K * s_c**L`` materialised.
MAX_SENTENCES = 2_000_000


@dataclass(frozen=True)
class SentenceTable:
    """All (sentence, class) pairs of a setting and latent set.

    Attributes
    ----------
    words : ndarray of int64, shape (N, L)
        ``words[i, l]`` is the one-hot index ``a * s_c + b`` of word ``l`` of
        sentence ``i``.
    label : ndarray of int64, shape (N,)
        The class ``k`` that generates sentence ``i``.
    weight : ndarray of float64, shape (N,)
        ``D_k(x) / K``; sums to 1.
    n_w, K, L : int
        Vocabulary size, number of classes, sentence length.
    """

    words: np.ndarray
    label: np.ndarray
    weight: np.ndarray
    n_w: int
    K: int
    L: int

    @property
    def n_sentences(self) -> int:
        return int(self.words.shape[0])


def n_sentences(setting) -> int:
    """``K * s_c**L``, the number of (sentence, class) pairs, without building them."""
    setting = setting_of(setting)
    return setting.K * setting.s_c**setting.L


def sentence_table(setting, latent=None) -> SentenceTable:
    """Enumerate every (sentence, class) pair with weight ``D_k(x)/K``.

    ``setting`` is a :class:`~fctheory.Problem`, or a Setting with ``latent``
    (``None`` = the full set).

    Raises
    ------
    ProblemTooLarge
        When ``K * s_c**L`` exceeds :data:`MAX_SENTENCES` (checked before
        anything is allocated).
    """
    size = n_sentences(setting)
    if size > MAX_SENTENCES:
        raise ProblemTooLarge("the sentence table K * s_c**L", size, MAX_SENTENCES)
    problem = as_problem(setting, latent)
    setting, Z = problem.setting, problem.latent
    K = Z.shape[0]
    label, words, pb = sentences_of(Z, setting.s_c, setting.mu.as_array(), 0, size)  # pb = prod_l mu_{b_l}
    return SentenceTable(words=words, label=label, weight=pb / K, n_w=setting.n_w, K=K, L=setting.L)
