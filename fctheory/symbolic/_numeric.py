"""The derived closed forms against fctheory.predict's certified values.

:meth:`Derivation.check_numeric` draws a few settings from a seeded generator, evaluates
the derivation's *result* (lambdified from the sympy expression the chain ends at) with
mpmath, and compares it with what the certified solvers of :mod:`fctheory.predict`
return for the same setting:

``H`` / ``Hstar``
    the derived H (H*) at the certified minimizer lies in the certified enclosure of
    ``min R`` (``min R*``); the derivative of the derived expression changes sign
    across the certified enclosure of ``tau`` (so the derived function's minimizer is
    inside it); the derived H (H*) equals ``fctheory.H`` (``H_star``) at ``t = 1``.
``type3``
    the derived eq. 7 and eq. 8, evaluated at the certified critical point ``(c, r)``,
    hold to the working precision; the derived F (step ``reduced-risk``) at that point
    lies in the certified enclosure of the risk.
``threshold``
    the derived lambda_I and lambda_III lie in the certified enclosures of
    :func:`fctheory.predict.lambda_thresholds`.

A value "lies in" an enclosure ``[lo, hi]`` when ``lo - tol <= v <= hi + tol`` with
``tol = 10^-(dps - 2) |v|``: the derived value is evaluated at ``dps + 20`` digits, so
``tol`` only absorbs the evaluation point's rounding (a certified ``tau`` or ``c`` is
known to ``dps`` digits, and the compared quantity is stationary or Lipschitz there).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from .._precision import decimal_string, fraction_to_mpf
from ..setting import Setting

__all__ = ["NumericCheck", "NumericPoint", "check_H", "check_H_star", "check_type3", "check_threshold"]

#: digits added to the requested ``dps`` when the derived expression is evaluated
EXTRA_DIGITS = 20


@dataclass(frozen=True)
class NumericPoint:
    """One comparison of a derived value with a certified one.

    Attributes
    ----------
    setting : str
        The drawn setting (``Setting.__str__``).
    quantity : str
        What is compared (``"H(tau) in the enclosure of min R"``).
    derived : str
        The derived value (decimal string, ``dps`` digits).
    certified : str
        The certified value or enclosure (decimal strings).
    passed : bool
    """

    setting: str
    quantity: str
    derived: str
    certified: str
    passed: bool

    def to_dict(self) -> dict:
        return {"setting": self.setting, "quantity": self.quantity, "derived": self.derived,
                "certified": self.certified, "passed": self.passed}


@dataclass(frozen=True)
class NumericCheck:
    """The outcome of :meth:`Derivation.check_numeric`.

    Attributes
    ----------
    derivation : str
    passed : bool
        True when every comparison passed.
    points : tuple of NumericPoint
    dps : int
        Digits requested from the solvers.
    seed : int
        Seed of the drawn settings.
    seconds : float
    """

    derivation: str
    passed: bool
    points: tuple
    dps: int
    seed: int
    seconds: float

    def to_dict(self) -> dict:
        return {"derivation": self.derivation, "passed": self.passed, "dps": self.dps, "seed": self.seed,
                "comparisons": len(self.points), "seconds": round(self.seconds, 3),
                "points": [p.to_dict() for p in self.points]}


def _tol(value, dps):
    return mpmath.mpf(10) ** (-(dps - 2)) * max(abs(value), mpmath.mpf(10) ** (-dps))


def _inside(value, enclosure, dps) -> bool:
    tol = _tol(value, dps)
    return bool(enclosure.lo - tol <= value <= enclosure.hi + tol)


def _enclosure_text(enclosure, dps) -> str:
    return "[" + ", ".join(enclosure.to_list(dps)) + "]"


def _setting_value(setting: Setting, symbol) -> mpmath.mpf:
    name = {"lambda": "lam"}.get(str(symbol), str(symbol))
    return fraction_to_mpf(Fraction(getattr(setting, name)))


def _draw_type12_setting(rng: random.Random, with_d: bool) -> Setting:
    n_c, L, s_c = rng.choice((2, 3, 4)), rng.randint(1, 4), rng.randint(1, 4)
    K = rng.randint(2, n_c**L) if n_c**L > 2 else 2
    d = rng.randint(n_c, 12) if with_d else None
    return Setting(n_c, s_c, L, Fraction(1, rng.choice((50, 100, 1000))), K=K, d=d)


def _check_H_like(derivation, *, dps: int, seed: int, star: bool):
    from .. import predict
    from ._lambdify import lambdify_mp

    t0 = time.perf_counter()
    rng = random.Random(seed)
    fn = lambdify_mp(derivation)
    from ._symbols import t

    slope = derivation.result.diff(t)
    others = [a for a in derivation.arguments if a != t]
    slope_fn = sp.lambdify([t] + others, slope, modules="mpmath")
    points = []
    for _ in range(3):
        setting = _draw_type12_setting(rng, star)
        name = str(setting)
        pred = predict.predict_type2(setting, dps=dps) if star else predict.predict_type1(setting, dps=dps)
        solver_H = predict.H_star if star else predict.H
        label = "H*" if star else "H"
        with mpmath.workdps(dps + EXTRA_DIGITS):
            args = [_setting_value(setting, a) for a in others]
            tau = pred.tau
            v = fn(setting=setting, t=tau)
            points.append(NumericPoint(name, f"derived {label}(tau) in the certified enclosure of min R",
                                       decimal_string(v, dps), _enclosure_text(pred.enclosures["risk"], dps),
                                       _inside(v, pred.enclosures["risk"], dps)))
            enc = pred.enclosures["tau"]
            lo, hi = slope_fn(enc.lo, *args), slope_fn(enc.hi, *args)
            ok = bool(lo <= 0 <= hi) if enc.lo < enc.hi else bool(abs(lo) <= _tol(tau, dps))
            points.append(NumericPoint(name, f"derived {label}' changes sign across the certified enclosure of tau",
                                       f"[{decimal_string(lo, 5)}, {decimal_string(hi, 5)}]",
                                       _enclosure_text(enc, dps), ok))
            v1 = fn(setting=setting, t=1)
        ref = solver_H(setting, 1, dps=dps)
        with mpmath.workdps(dps + EXTRA_DIGITS):
            ok = bool(abs(v1 - ref) <= _tol(ref, dps))
        points.append(NumericPoint(name, f"derived {label}(1) = fctheory.{solver_H.__name__}(setting, 1)",
                                   decimal_string(v1, dps), decimal_string(ref, dps), ok))
    return _result(derivation, points, dps, seed, t0)


def _result(derivation, points, dps, seed, t0):
    return NumericCheck(derivation.name, all(p.passed for p in points), tuple(points), dps, seed,
                        time.perf_counter() - t0)


def check_H(derivation, *, dps: int = 30, seed: int = 0):
    """The derived H(t) against predict_type1 and fctheory.H at drawn settings."""
    return _check_H_like(derivation, dps=dps, seed=seed, star=False)


def check_H_star(derivation, *, dps: int = 30, seed: int = 0):
    """The derived H*(t) against predict_type2 and fctheory.H_star at drawn settings."""
    return _check_H_like(derivation, dps=dps, seed=seed, star=True)


def _full_set_setting(rng: random.Random) -> Setting:
    from .. import predict

    n_c, L, s_c = rng.choice((2, 3)), rng.randint(1, 3), rng.randint(1, 3)
    weights = [rng.randint(1, 6) for _ in range(s_c)]
    total = sum(weights)
    mu = [Fraction(w, total) for w in weights]
    lam = Fraction(1, 10)
    setting = Setting(n_c, s_c, L, lam, mu=",".join(f"{m.numerator}/{m.denominator}" for m in mu))
    while not predict.type3_threshold(setting, dps=15).lam_below:
        lam /= 10
        setting = Setting(n_c, s_c, L, lam, mu=",".join(f"{m.numerator}/{m.denominator}" for m in mu))
    return setting


def check_type3(derivation, *, dps: int = 30, seed: int = 0):
    """The derived eq. 7-8 and F at predict_type3's certified critical point, at drawn full-set settings."""
    from .. import predict
    from ._lambdify import lambdify_mp
    from ._symbols import rr

    t0 = time.perf_counter()
    rng = random.Random(seed)
    F = lambdify_mp(derivation, "F")
    eq7, eq8 = derivation.result
    r_b, m_b = sp.symbols("r_b mu_b", positive=True)
    from ._symbols import L, c, lam, n_c, s_c

    eq7_fn = sp.lambdify([r_b, c, lam, L, n_c], eq7.lhs, modules="mpmath")
    points = []
    for _ in range(2):
        setting = _full_set_setting(rng)
        name = str(setting)
        pred = predict.predict_type3(setting, dps=dps)
        eq8_lhs = eq8.lhs.subs(s_c, setting.s_c).doit()
        eq8_fn = sp.lambdify([c] + [rr[i] for i in range(1, setting.s_c + 1)], eq8_lhs, modules="mpmath")
        eq8_rhs = int(eq8.rhs.subs({L: setting.L, n_c: setting.n_c}))
        with mpmath.workdps(dps + EXTRA_DIGITS):
            lam_mp = fraction_to_mpf(setting.lam)
            worst = mpmath.mpf(0)
            for rv, mv in zip(pred.r, setting.mu.mp()):
                worst = max(worst, abs(eq7_fn(rv, pred.c, lam_mp, setting.L, setting.n_c) / mv - 1))
            tol = mpmath.mpf(10) ** (-(dps - 5))
            points.append(NumericPoint(name, "derived eq. 7 at the certified (c, r): max_b |lhs/mu_b - 1|",
                                       decimal_string(worst, 5), f"<= {decimal_string(tol, 3)}", bool(worst <= tol)))
            e8 = abs(eq8_fn(pred.c, *pred.r) / eq8_rhs - 1)
            points.append(NumericPoint(name, "derived eq. 8 at the certified (c, r): |lhs/rhs - 1|",
                                       decimal_string(e8, 5), f"<= {decimal_string(tol, 3)}", bool(e8 <= tol)))
            v = F(setting=setting, c=pred.c, r=list(pred.r))
            points.append(NumericPoint(name, "derived F(c, r) in the certified enclosure of the risk",
                                       decimal_string(v, dps), _enclosure_text(pred.enclosures["risk"], dps),
                                       _inside(v, pred.enclosures["risk"], dps)))
    return _result(derivation, points, dps, seed, t0)


def check_threshold(derivation, *, dps: int = 30, seed: int = 0):
    """The derived lambda_I and lambda_III in predict.lambda_thresholds' certified enclosures, at drawn settings."""
    from .. import predict
    from ._lambdify import lambdify_mp

    t0 = time.perf_counter()
    rng = random.Random(seed)
    T = lambdify_mp(derivation)
    points = []
    for full in (False, True):
        setting = _full_set_setting(rng) if full else _draw_type12_setting(rng, False)
        name = str(setting)
        th = predict.lambda_thresholds(setting, dps=dps)
        with mpmath.workdps(dps + EXTRA_DIGITS):
            lam_I, lam_III = T(setting=setting)
            points.append(NumericPoint(name, "derived lambda_I in the certified enclosure (theorem 1)",
                                       decimal_string(lam_I, dps), _enclosure_text(th.type1.enclosure, dps),
                                       _inside(lam_I, th.type1.enclosure, dps)))
            if th.type3 is not None:
                points.append(NumericPoint(name, "derived lambda_III in the certified enclosure (eq. 9)",
                                           decimal_string(lam_III, dps), _enclosure_text(th.type3.enclosure, dps),
                                           _inside(lam_III, th.type3.enclosure, dps)))
    return _result(derivation, points, dps, seed, t0)
