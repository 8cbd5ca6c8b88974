"""Derived expressions as mpmath callables.

:func:`lambdify_mp` turns the closed form a :class:`Derivation` ends with into
a :class:`DerivedFunction` evaluated with ``sympy.lambdify(...,
modules="mpmath")``, at the caller's mpmath precision (wrap calls in
``mpmath.workdps(n)``).  Sums over words (``s_c`` terms) are expanded for the
concrete ``s_c`` of each call; indexed quantities (``mu``, ``r``) are passed as
sequences, 0-based in Python for the paper's 1-based ``b``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from ..errors import InvalidInput
from ._derivation import Derivation
from ._symbols import K, L, d, lam, mu, n_c, n_w, s_c
from ._type3 import stated_F

__all__ = ["DerivedFunction", "lambdify_mp", "PARTS"]

#: Named expressions other than ``derivation.result`` that can be lambdified.
PARTS = {("type3", "F"): stated_F}


def _arg_name(obj) -> str:
    name = str(obj.label) if isinstance(obj, sp.IndexedBase) else str(obj)
    return "lam" if name == "lambda" else name


def _to_mpf(name: str, value: Any):
    if isinstance(value, bool):
        raise InvalidInput(name, "a real number", value)
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    try:
        out = mpmath.mpf(value)
    except (TypeError, ValueError):
        raise InvalidInput(name, "a real number (int, Fraction, float, str or mpf)", value) from None
    if not mpmath.isfinite(out):
        raise InvalidInput(name, "a finite real number", value)
    return out


@dataclass(frozen=True)
class DerivedFunction:
    """A derived closed form, callable at mpmath precision.

    Attributes
    ----------
    name : str
        ``"<derivation>"`` or ``"<derivation>.<part>"``.
    expression : sympy.Expr
        The expression evaluated (a ``Tuple`` gives a tuple of values).
    arguments : tuple of str
        Keyword arguments of :meth:`__call__` (``lam`` stands for λ;
        ``mu`` and ``r`` are sequences of length ``s_c``).

    Examples
    --------
    >>> import mpmath
    >>> from fctheory.symbolic import derive_H, lambdify_mp
    >>> H = lambdify_mp(derive_H())
    >>> with mpmath.workdps(30):
    ...     print(mpmath.nstr(H(t=2, n_c=3, L=2, K=9, n_w=6, lam="0.01"), 12))
    1.85139002587
    """

    name: str
    expression: Any
    arguments: tuple[str, ...]
    _symbols: tuple = field(repr=False, default=())
    _cache: dict = field(repr=False, default_factory=dict, compare=False)

    def __call__(self, *, setting=None, **values):
        """Evaluate at the current mpmath precision.

        Parameters
        ----------
        setting : fctheory.Setting, optional
            Supplies ``n_c, L, K, n_w, d, lam, mu, s_c`` (explicit keywords win).
        **values
            The remaining arguments by name (see :attr:`arguments`).
        """
        if setting is not None:
            values = {**_setting_values(setting), **values}
        unknown = sorted(set(values) - set(self.arguments))
        if unknown and setting is None:
            raise InvalidInput("arguments", f"among {list(self.arguments)}", unknown)
        missing = [a for a in self.arguments if a not in values]
        if "s_c" in missing:
            for seq in ("mu", "r"):
                if seq in values:
                    values["s_c"] = len(values[seq])
                    missing.remove("s_c")
                    break
        if missing:
            raise InvalidInput("arguments", f"all of {list(self.arguments)}", f"missing {missing}")
        shape = ()
        if "s_c" in self.arguments:
            s = values["s_c"]
            if isinstance(s, bool) or not isinstance(s, int) or s < 1:
                raise InvalidInput("s_c", "a positive integer", s)
            for seq in ("mu", "r"):
                if seq in self.arguments and len(values[seq]) != s:
                    raise InvalidInput(seq, f"a sequence of s_c = {s} numbers", f"{len(values[seq])} values")
            shape = (s,)
        fn, order = self._compiled(shape)
        args = []
        for kind, name, index in order:
            v = values[name]
            args.append(_to_mpf(name, v[index - 1] if kind == "indexed" else v))
        return fn(*args)

    def _compiled(self, shape: tuple):
        if shape in self._cache:
            return self._cache[shape]
        expr = self.expression
        if shape:
            expr = expr.subs(s_c, shape[0]).doit()
        order, syms, repl = [], [], {}
        for obj in self._symbols:
            name = _arg_name(obj)
            if isinstance(obj, sp.IndexedBase):
                for i in range(1, shape[0] + 1):
                    dummy = sp.Dummy(f"{name}_{i}")
                    repl[obj[i]] = dummy
                    syms.append(dummy)
                    order.append(("indexed", name, i))
            elif obj == s_c:
                continue
            else:
                syms.append(obj)
                order.append(("scalar", name, 0))
        expr = expr.xreplace(repl)
        fn = sp.lambdify(syms, expr, modules="mpmath")
        self._cache[shape] = (fn, tuple(order))
        return self._cache[shape]


def _setting_values(setting) -> dict:
    out = {"n_c": setting.n_c, "L": setting.L, "K": setting.K, "n_w": setting.n_w,
           "lam": setting.lam, "s_c": setting.s_c}
    exact = setting.mu.exact()
    out["mu"] = list(exact) if exact is not None else list(setting.mu.mp())
    if setting.d is not None:
        out["d"] = setting.d
    return out


def lambdify_mp(derivation: Derivation, part: str | None = None) -> DerivedFunction:
    """The closed form of a derivation as an mpmath callable.

    Parameters
    ----------
    derivation : Derivation
        E.g. ``derive_H()``; its ``result`` is lambdified.
    part : str, optional
        A named intermediate result instead: ``"F"`` for ``derive_type3()``
        (the reduced risk F(c, r)).

    Returns
    -------
    DerivedFunction
        Keyword arguments are ``derivation.arguments`` by name (λ is ``lam``).
    """
    if part is None:
        expr = derivation.result
        symbols = tuple(derivation.arguments)
        name = derivation.name
    else:
        key = (derivation.name, part)
        if key not in PARTS:
            allowed = [p for (dn, p) in PARTS if dn == derivation.name]
            raise InvalidInput("part", f"one of {allowed} for derivation {derivation.name!r}", part)
        expr = PARTS[key]()
        symbols = tuple(derivation.arguments)
        name = f"{derivation.name}.{part}"
    if isinstance(expr, (sp.Equality, sp.Tuple)) and any(isinstance(e, sp.Equality) for e in sp.preorder_traversal(expr)):
        allowed = [p for (dn, p) in PARTS if dn == derivation.name]
        raise InvalidInput("part", f"one of {allowed}: the result of {derivation.name!r} is a system of equations", part)
    present = {s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    labels = {i.base.label for i in expr.atoms(sp.Indexed)}
    used = tuple(
        s for s in symbols
        if (isinstance(s, sp.IndexedBase) and s.label in labels) or (isinstance(s, sp.Symbol) and s in present)
    )
    covered = {s for s in used if isinstance(s, sp.Symbol)} | {s.label for s in used if isinstance(s, sp.IndexedBase)}
    leftover = present - covered - labels
    if leftover:
        raise InvalidInput("derivation", "a derivation whose closed form depends only on its arguments",
                           derivation.name, f"free symbols {sorted(map(str, leftover))} have no value")
    return DerivedFunction(name, expr, tuple(_arg_name(s) for s in used), used)
