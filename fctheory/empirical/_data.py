r"""The paper's data model as a sampler (section 2, appendix A).

Class ``k`` is the latent variable :math:`z_k \in [n_c]^L` (row ``k`` of
``problem.latent``).  A sentence of class ``k`` has, at every position ``l``,
the word :math:`(z_{k,l}, b_l)` with the within-concept index
:math:`b_l \sim \mu` drawn independently, so that

.. math:: D_k(x) = \prod_{l=1}^L 1\{a_l = z_{k,l}\}\, \mu_{b_l}

(the law of section 2).  Words are stored as the package's one-hot index
``a * s_c + b`` (0-based).  The paper's code draws ``n_spl`` training
sentences and 5 test sentences per class from the same latent variables;
:func:`sample_dataset` does the same with a seeded numpy Generator.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .._validate import require_int, require_seed
from ..errors import InvalidInput, ProblemTooLarge
from ..problem import Problem

__all__ = ["Dataset", "sample_dataset", "sample_sentences"]

#: Largest data set :func:`sample_dataset` draws, in word indices ``(n_spl + n_test) K L`` (int64:
#: 8 GiB); the paper's figure 4a (n_spl = 500, K = 1000, L = 15) has 7.6e6.
MAX_DATASET_WORDS = 2**30


def sample_sentences(problem: Problem, n_per_class: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    r"""``n_per_class`` sentences of every class, drawn from :math:`D_k` with ``rng``.

    Returns ``x`` (``(K * n_per_class, L)`` int64 word indices, class-major:
    the sentences of class 0 first) and ``y`` (``(K * n_per_class,)`` int64
    labels).  Within-concept indices are drawn by inversion of μ's
    cumulative distribution (``Generator.choice`` with ``p=μ``).
    """
    K, L, s_c = problem.K, problem.L, problem.s_c
    mu = problem.mu.as_array()
    mu = mu / mu.sum()  # float rounding of the exact law; the draw needs sum(p) == 1
    y = np.repeat(np.arange(K, dtype=np.int64), n_per_class)
    concepts = np.repeat(np.asarray(problem.latent, dtype=np.int64), n_per_class, axis=0)
    within = rng.choice(s_c, size=(K * n_per_class, L), p=mu).astype(np.int64)
    return concepts * s_c + within, y


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.asarray(a.shape, dtype=np.int64).tobytes())
        h.update(np.ascontiguousarray(a, dtype=np.int64).tobytes())
    return h.hexdigest()


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and test sentences of a :class:`~fctheory.Problem`.

    Attributes
    ----------
    problem : Problem
        The setting and its latent set (class ``k`` is latent row ``k``).
    n_spl, n_test : int
        Training and test sentences per class.
    seed : int
        The seed both streams come from (``SeedSequence(seed).spawn(2)``:
        training stream first, test stream second, so they are independent).
    x_train : ndarray, int64, shape ``(K * n_spl, L)``
        Word indices ``a * s_c + b``; class-major order.
    y_train : ndarray, int64, shape ``(K * n_spl,)``
    x_test : ndarray, int64, shape ``(K * n_test, L)``
    y_test : ndarray, int64, shape ``(K * n_test,)``
    digest : str
        SHA-256 of the four arrays (the dataset's identity in checkpoints).
    """

    problem: Problem
    n_spl: int
    n_test: int
    seed: int
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    digest: str

    @property
    def n_train_sentences(self) -> int:
        return int(self.y_train.shape[0])

    @property
    def n_test_sentences(self) -> int:
        return int(self.y_test.shape[0])

    def to_dict(self) -> dict:
        """JSON-ready summary (sizes, seed, digest, the problem); no arrays."""
        return {
            "n_spl": self.n_spl,
            "n_test": self.n_test,
            "seed": self.seed,
            "n_train_sentences": self.n_train_sentences,
            "n_test_sentences": self.n_test_sentences,
            "digest": self.digest,
            "problem": self.problem.to_dict(),
        }


def sample_dataset(problem: Problem, n_spl: int, *, n_test: int = 5, seed: int = 0) -> Dataset:
    r"""Draw ``n_spl`` training and ``n_test`` test sentences per class (section 2).

    Parameters
    ----------
    problem : Problem
        For the paper: ``Problem(Setting.paper(), "random", seed=...)``.
    n_spl : int
        Training sentences per class, ``>= 1`` (paper: 5, 100 or 500).
    n_test : int, optional
        Test sentences per class, ``>= 1`` (paper's code: 5).
    seed : int, optional
        Seed (``>= 0``) of the two independent streams (training, test).

    Returns
    -------
    Dataset
        Same seed, same problem: the same sentences (numpy ``PCG64``).

    Raises
    ------
    InvalidInput
        For ``n_spl < 1``, ``n_test < 1``, a negative seed, or a
        ``problem`` that is not a :class:`~fctheory.Problem`.

    Examples
    --------
    >>> from fctheory import Problem, Setting
    >>> from fctheory.empirical import sample_dataset
    >>> data = sample_dataset(Problem(Setting(3, 2, 3, "1/100")), 4, seed=1)
    >>> data.x_train.shape, data.y_train.shape, data.x_test.shape
    ((108, 3), (108,), (135, 3))
    """
    if not isinstance(problem, Problem):
        raise InvalidInput("problem", "a fctheory.Problem", type(problem).__name__)
    n_spl = require_int("n_spl", n_spl, lo=1)
    n_test = require_int("n_test", n_test, lo=1)
    words = (n_spl + n_test) * problem.K * problem.L
    if words > MAX_DATASET_WORDS:
        raise ProblemTooLarge("the sampled data set, (n_spl + n_test) * K * L word indices (int64)", words,
                              MAX_DATASET_WORDS, "use a smaller n_spl (the paper's largest, figure 4a, is 500)")
    seed = require_seed("seed", seed)
    train_seq, test_seq = np.random.SeedSequence(seed).spawn(2)
    x_train, y_train = sample_sentences(problem, n_spl, np.random.default_rng(train_seq))
    x_test, y_test = sample_sentences(problem, n_test, np.random.default_rng(test_seq))
    for a in (x_train, y_train, x_test, y_test):
        a.setflags(write=False)
    return Dataset(problem=problem, n_spl=n_spl, n_test=n_test, seed=seed, x_train=x_train, y_train=y_train,
                   x_test=x_test, y_test=y_test, digest=_digest(x_train, y_train, x_test, y_test))
