"""The closed form a collapsed minimizer takes, whichever theorem applies: one call for every front-end."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from ..errors import InvalidInput, NoNontrivialSolution
from ..setting import Setting
from ._sphere_sizes import SphereSizes

__all__ = ["CollapsePrediction", "collapse_prediction", "TRIVIAL_THEOREM"]

#: How a prediction at or above the λ threshold is labelled (the minimizer is W = U = 0).
TRIVIAL_THEOREM = "at or above the λ threshold: W = U = 0"


@dataclass(frozen=True)
class CollapsePrediction:
    """The collapsed minimizer's norms and risk as float64, with the certified prediction behind them.

    Attributes
    ----------
    theorem : str
        The prediction's theorem, or :data:`TRIVIAL_THEOREM` above the λ threshold.
    trivial : bool
        λ at or above the threshold: W = U = 0 and the risk is ``R(0)`` (``log K`` on the full set).
    risk : float
        min R = H(τ) (theorem 1, lemma K), min R* = H*(τ*) (theorem 3, lemma R) or F(c, r) (theorem 2).
    word_norm : float or None
        Every word's norm ``c = sqrt(τ/n_w)`` (type I); ``None`` for type II (LayerNorm leaves it free)
        and type III (a norm per frequency: ``r``); 0 when trivial.
    u_norm : float
        Every block's norm: ``c' = sqrt(τ/(K L))`` (I), ``τ*/sqrt(K L)`` (II), ``c`` (III); 0 when trivial.
    w_frobenius, u_frobenius : float or None
        ``||W||_F`` (``sqrt(τ)`` for I, ``sqrt(n_c Σ_b r_b²)`` for III, ``None`` for II) and ``||U||_F``
        (``sqrt(τ)``, ``τ*``, ``sqrt(K L) c``).
    r : tuple of float or None
        Type III's word norms ``r_b`` (eq. 7-8).
    prediction : TypeIPrediction, TypeIIPrediction, TypeIIIPrediction or None
        The certified prediction (``None`` when trivial).
    """

    theorem: str
    trivial: bool
    risk: float
    word_norm: float | None
    u_norm: float
    w_frobenius: float | None
    u_frobenius: float
    r: tuple | None = None
    prediction: object = None

    def to_dict(self) -> dict:
        return {"theorem": self.theorem, "trivial": self.trivial, "risk": self.risk, "word_norm": self.word_norm,
                "u_norm": self.u_norm, "w_frobenius": self.w_frobenius, "u_frobenius": self.u_frobenius,
                "r": None if self.r is None else list(self.r)}


def collapse_prediction(setting: Setting, network: str = "h", *, sphere_sizes: SphereSizes | None = None,
                        dps: int = 30) -> CollapsePrediction:
    """The closed form that applies to ``setting`` and ``network``.

    Network h*: theorem 3 (any μ).  Network h, uniform μ: theorem 1.  Network h, other μ, full set
    and no ``sphere_sizes``: theorem 2's type-III critical point (conjectured to be the global
    minimizer).  ``sphere_sizes``: a latent set's own |S_r| (H_Z, H*_Z, lemma K) instead of
    assumption A's (eq. 35); whether the set justifies them (lemma B) is the caller's to know.

    Raises
    ------
    InvalidInput
        For network h with a non-uniform μ off the full set (or with ``sphere_sizes``): no theorem applies.
    """
    from . import predict_type1, predict_type2, predict_type3

    try:
        if network == "h*":
            p = predict_type2(setting, dps=dps, sphere_sizes=sphere_sizes)
            return CollapsePrediction(p.theorem, False, float(p.risk), None, float(p.u_norm), None,
                                      float(p.u_frobenius), prediction=p)
        if setting.mu.is_uniform:
            p = predict_type1(setting, dps=dps, sphere_sizes=sphere_sizes)
            root = float(p.u_frobenius)  # ||W||_F = ||U||_F = sqrt(tau) (theorem 1)
            return CollapsePrediction(p.theorem, False, float(p.risk), float(p.word_norm), float(p.u_norm), root,
                                      root, prediction=p)
        if not setting.is_full or sphere_sizes is not None:
            raise InvalidInput("mu", "uniform for network h off the full set (theorem 1); theorem 2 is proved for "
                                     "the full set K = n_c**L only", setting.mu.spec())
        p = predict_type3(setting, dps=dps)
        with mpmath.workdps(dps):  # ||W||_F^2 = n_c sum_b r_b^2, ||U||_F^2 = K L c^2 (definition 3)
            w = mpmath.sqrt(setting.n_c * mpmath.fsum(x * x for x in p.r))
            u = mpmath.sqrt(setting.K * setting.L) * p.c
        return CollapsePrediction(p.theorem, False, float(p.risk), None, float(p.c), float(w), float(u),
                                  tuple(float(x) for x in p.r), p)
    except NoNontrivialSolution as trivial:
        return CollapsePrediction(TRIVIAL_THEOREM, True, float(trivial.risk), 0.0, 0.0, 0.0, 0.0)
