"""Validation of the arguments of the exact-risk functions.

Conventions (paper, appendix A):

* ``W`` has shape ``(d, n_w)``; word ``(a, b)`` (0-based) is column
  ``a * s_c + b`` and has frequency ``mu[b]`` inside concept ``a``;
* ``U`` has shape ``(K, L * d)``; row ``k`` is ``[u_{k,1} ... u_{k,L}]``;
* the latent set comes from a :class:`fctheory.Problem` (or, in the old call
  form, a Setting with ``latent``: an integer ``(K, L)`` array, ``None`` = the
  full set, class ``k`` = the k-th tuple of
  ``itertools.product(range(n_c), repeat=L)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import NETWORKS, require_network, require_real_array
from ..errors import InvalidInput, ProblemTooLarge
from ..problem import Problem, as_problem, setting_of
from ..setting import Setting

__all__ = ["NETWORKS", "RiskInputs", "prepare", "require_exact_size"]

#: Largest number of (sentence, class) logit pairs, K * s_c**L * K, that the
#: exact enumeration accepts (about 10 minutes of the engine at 2e9 per second).
MAX_LOGITS = 2**40
#: Largest score table L * n_w * K (float64 entries) and largest prefix or
#: suffix table of the full-set split (n_w**ceil(L/2) * K).
MAX_TABLE = 2**28

# NETWORKS (fctheory._validate): the two networks of appendix A, "h" (eq. 17) and "h*" (eq. 18, LayerNorm
# without parameters).


@dataclass(frozen=True)
class RiskInputs:
    """Validated inputs of one exact-risk evaluation of a :class:`fctheory.Problem`
    (``W``, ``U`` are float64 copies; ``latent`` is the problem's read-only rows)."""

    problem: Problem
    setting: Setting
    W: np.ndarray  # (d, n_w)
    U: np.ndarray  # (K, L*d)
    latent: np.ndarray  # (K, L) int64
    mu: np.ndarray  # (s_c,)
    network: str
    d: int
    lam: float


def _as_matrix(name: str, value, shape_text: str) -> np.ndarray:
    """A float64 copy of a real 2-D array (complex weights are refused, not truncated to their real part)."""
    return require_real_array(name, value, ndim=2, shape_text=shape_text)


def require_exact_size(setting) -> None:
    """Refuse settings (or problems) whose exact enumeration cannot be done in memory or time."""
    setting = setting_of(setting)
    n_w, K, L, s_c = setting.n_w, setting.K, setting.L, setting.s_c
    logits = K * s_c**L * K
    if logits > MAX_LOGITS:
        raise ProblemTooLarge("the exact risk's enumeration, K * s_c**L sentences times K classes", logits, MAX_LOGITS,
                              "the true risk is an expectation over all sentences; use a smaller s_c, L or K")
    table = max(L * n_w * K, (n_w ** ((L + 1) // 2)) * K if setting.is_full else 0)
    if table > MAX_TABLE:
        raise ProblemTooLarge("the exact risk's score tables (float64 entries)", table, MAX_TABLE)


def prepare(setting, W, U, network: str, latent=None) -> RiskInputs:
    """Validate and normalise the arguments of :func:`fctheory.exact_risk` (a Problem, or a Setting
    with ``latent``); the sizes are checked before any latent rows are built."""
    network = require_network(network)
    require_exact_size(setting)
    problem = as_problem(setting, latent)
    setting, lat = problem.setting, problem.latent
    n_w, K, L = setting.n_w, setting.K, setting.L
    W = _as_matrix("W", W, "(d, n_w)")
    d = W.shape[0]
    if W.shape[1] != n_w or d < 1:
        raise InvalidInput("W", f"an array of shape (d, n_w = {n_w})", f"shape {W.shape}")
    if setting.d is not None and d != setting.d:
        raise InvalidInput("W", f"an array with d = setting.d = {setting.d} rows", f"shape {W.shape}")
    U = _as_matrix("U", U, "(K, L*d)")
    if U.shape != (K, L * d):
        raise InvalidInput("U", f"an array of shape (K, L*d) = ({K}, {L * d})", f"shape {U.shape}")
    mu = setting.mu.as_array()
    return RiskInputs(problem, setting, W, U, lat, mu, network, d, float(setting.lam))
