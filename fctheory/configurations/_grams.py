"""The Gram matrices every collapse configuration must have (definitions 1-3), and D = W^T U.

In each configuration the word features :math:`x_{(a,b)}` (the columns of W
for network h, :math:`\\varphi(w_{(a,b)})` for h*) and the blocks
:math:`u_{k,l}` of U are multiples of one equiangular frame:
:math:`x_{(a,b)} = \\alpha_{(a,b)} f_a`, :math:`u_{k,l} = \\beta f_{z_{k,l}}`:

=========  ==========================  ===============================
type       :math:`\\alpha_{(a,b)}`     :math:`\\beta`
=========  ==========================  ===============================
I          c (definition 1)            c' (definition 1)
II         :math:`\\sqrt d` (def. 2)   c (definition 2)
III        :math:`r_b` (definition 3)  c (definition 3)
=========  ==========================  ===============================

With :math:`E[a, e] = \\langle f_a, f_e\\rangle` (:func:`equiangular_gram`)
the three Gram matrices are therefore

* words: :math:`\\langle x_i, x_j\\rangle = \\alpha_i \\alpha_j E[a_i, a_j]`
  (type II: :math:`d\\,E`, since :math:`\\|\\varphi(w)\\|^2 = d`);
* blocks: :math:`\\langle u_p, u_q\\rangle = \\beta^2 E[z_p, z_q]`;
* cross: :math:`\\langle x_i, u_p\\rangle = \\alpha_i \\beta E[a_i, z_p]` --
  for network h this is the matrix :math:`D = W^T [U_1 \\dots U_K]` of
  appendix G, :math:`D[(a, b), k L + l] = \\langle w_{(a,b)}, u_{k,l}\\rangle`.

None of them depends on the frame chosen (any ``d >= n_c - 1``) or on a
rotation, so trained weights can be compared with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import require_int, require_real
from ..errors import InvalidInput
from ..problem import as_problem
from ._frames import MAX_FRAME_D, equiangular_gram

__all__ = ["CollapseGrams", "collapse_grams", "type1_grams", "type2_grams", "type3_grams", "type1_D", "type3_D"]


def _real(field: str, value, *, positive: bool = False) -> float:
    return require_real(field, value, lo=0 if positive else None, lo_open=positive)


def _r_values(r, s_c: int) -> np.ndarray:
    """The ``s_c`` type-III word norms :math:`r_1..r_{s_c}` as floats."""
    try:
        r_arr = np.array([_real(f"r[{i}]", v) for i, v in enumerate(r)], dtype=float)
    except TypeError:
        raise InvalidInput("r", f"a sequence of s_c = {s_c} numbers", r) from None
    if r_arr.shape != (s_c,):
        raise InvalidInput("r", f"a sequence of s_c = {s_c} numbers", f"{r_arr.size} values")
    return r_arr


@dataclass(frozen=True)
class CollapseGrams:
    """The Gram matrices of a collapse configuration (see the module docstring).

    Attributes
    ----------
    kind : str
        ``"type1"``, ``"type2"`` or ``"type3"``.
    n_c : int
    word_concepts : ndarray ``(n_w,)``
        The concept ``a`` of word column ``a*s_c + b``.
    block_concepts : ndarray ``(K L,)``
        :math:`z_{k,l}` of block ``k*L + l``.
    word_scales : ndarray ``(n_w,)``
        :math:`\\alpha_{(a,b)} = \\|x_{(a,b)}\\|`.
    block_scale : float
        :math:`\\beta = \\|u_{k,l}\\|`.
    word_square : float or None
        For type II the exact :math:`\\|\\varphi(w)\\|^2 = d` (so that the word
        Gram matrix is :math:`d E`, not :math:`(\\sqrt d)^2 E`); else ``None``.

    Each method takes a slice of rows, so a large Gram matrix can be
    compared in chunks (:func:`fctheory.checks.matrix_check`).
    """

    kind: str
    n_c: int
    word_concepts: np.ndarray
    block_concepts: np.ndarray
    word_scales: np.ndarray
    block_scale: float
    word_square: float | None = None

    def _frame(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return equiangular_gram(self.n_c)[rows][:, cols]

    def words(self, rows=slice(None)) -> np.ndarray:
        """:math:`\\langle x_i, x_j\\rangle` for the rows ``i`` in ``rows``, all ``j``."""
        if self.word_square is not None:
            scale = self.word_square
        else:
            scale = np.outer(self.word_scales[rows], self.word_scales)
        return scale * self._frame(self.word_concepts[rows], self.word_concepts)

    def blocks(self, rows=slice(None)) -> np.ndarray:
        """:math:`\\langle u_p, u_q\\rangle` for the blocks ``p`` in ``rows``, all ``q``."""
        b = self.block_scale
        return b * b * self._frame(self.block_concepts[rows], self.block_concepts)

    def cross(self, rows=slice(None)) -> np.ndarray:
        """:math:`\\langle x_i, u_p\\rangle` for the words ``i`` in ``rows``, all blocks ``p``
        (the matrix D of appendix G for network h)."""
        scale = self.word_scales[rows][:, None] * self.block_scale
        return scale * self._frame(self.word_concepts[rows], self.block_concepts)


def collapse_grams(kind: str, n_c: int, s_c: int, latent, word_scales, block_scale: float,
                   word_square: float | None = None) -> CollapseGrams:
    """The :class:`CollapseGrams` of words ``a*s_c + b`` of concept ``a`` and blocks ``z_{k,l}`` of ``latent``."""
    word_concepts = np.repeat(np.arange(n_c), s_c)  # column a*s_c + b -> a
    return CollapseGrams(kind, n_c, word_concepts, np.asarray(latent).ravel(), np.asarray(word_scales, dtype=float),
                         float(block_scale), word_square)


def type1_grams(problem, c, c_prime, *, latent=None) -> CollapseGrams:
    """Type I (definition 1): :math:`w_{(a,b)} = c f_a`, :math:`u_{k,l} = c' f_{z_{k,l}}`.

    ``problem`` is a :class:`fctheory.Problem`, or a Setting with ``latent``.
    """
    problem = as_problem(problem, latent)
    c, cp = _real("c", c), _real("c_prime", c_prime)
    return collapse_grams("type1", problem.n_c, problem.s_c, problem.latent, np.full(problem.n_w, c), cp)


def type2_grams(problem, c, *, d=None, latent=None) -> CollapseGrams:
    """Type II (definition 2): :math:`\\varphi(w_{(a,b)}) = \\sqrt d f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`.

    ``d`` defaults to the setting's (it must be ``>= n_c``).
    """
    problem = as_problem(problem, latent)
    dd = _dimension(problem.setting, d, mean_zero=True)
    c = _real("c", c)
    return collapse_grams("type2", problem.n_c, problem.s_c, problem.latent, np.full(problem.n_w, math.sqrt(dd)), c,
                          float(dd))


def type3_grams(problem, c, r, *, latent=None) -> CollapseGrams:
    """Type III (definition 3): :math:`w_{(a,b)} = r_b f_a`, :math:`u_{k,l} = c f_{z_{k,l}}`."""
    problem = as_problem(problem, latent)
    c = _real("c", c)
    r_arr = _r_values(r, problem.s_c)
    return collapse_grams("type3", problem.n_c, problem.s_c, problem.latent, np.tile(r_arr, problem.n_c), c)


def _dimension(setting, d, mean_zero: bool) -> int:
    """``d`` (given, or the setting's), checked to allow the frame."""
    if d is None:
        return setting.require_d(mean_zero=mean_zero)
    lo = setting.n_c if mean_zero else setting.n_c - 1
    d = require_int("d", d, lo=lo, hi=max(lo, MAX_FRAME_D))
    if setting.d is not None and d != setting.d:
        raise InvalidInput("d", f"equal to setting.d = {setting.d}", d)
    return d


def type3_D(setting, latent, c, r) -> np.ndarray:
    """:math:`D = W^T[U_1 \\dots U_K]` of the type-III configuration ``(c, r_1..r_{s_c})``
    (definition 3; appendix G): :math:`D[(a, b), kL + l] = r_b c \\langle f_a, f_{z_{k,l}}\\rangle`.

    ``setting`` is a Setting with its ``latent`` array (``None``: the full
    set), or a :class:`fctheory.Problem` with ``latent=None``.
    """
    return type3_grams(setting, c, r, latent=latent).cross()


def type1_D(setting, latent, word_norm, u_norm) -> np.ndarray:
    """D of the type-I configuration with :math:`\\|w\\| = ` ``word_norm``,
    :math:`\\|u_{k,l}\\| = ` ``u_norm`` (definition 1): ``word_norm * u_norm * E[a, z_{k,l}]``."""
    return type1_grams(setting, word_norm, u_norm, latent=latent).cross()
