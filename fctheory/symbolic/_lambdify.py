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
from functools import cached_property
from typing import Any

import mpmath
import sympy as sp

from .._precision import fraction_to_mpf
from ..errors import InvalidInput
from ._derivation import Derivation
from ._symbols import S, L, mu, rr, s_c

__all__ = ["DerivedFunction", "lambdify_mp", "PARTS"]

#: Named intermediate results other than ``derivation.result`` that can be lambdified:
#: (derivation, part) -> the label of the step whose right side it is.
PARTS = {("type3", "F"): "reduced-risk", ("H", "H_Z"): "H_Z"}
#: The size that is the length of each indexed argument.
_LENGTH = {mu: s_c, rr: s_c, S: L}


def _arg_name(obj) -> str:
    name = str(obj.label) if isinstance(obj, sp.IndexedBase) else str(obj)
    return "lam" if name == "lambda" else name


def _to_mpf(name: str, value: Any):
    if isinstance(value, bool):
        raise InvalidInput(name, "a real number", value)
    if isinstance(value, Fraction):
        return fraction_to_mpf(value)
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
        ``mu`` and ``r`` are sequences of length ``s_c``, ``S`` (sphere sizes
        ``|S_1|..|S_L|``) of length ``L``).

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
        # a size fixed by a sequence's length need not be given (s_c from mu or r, L from S)
        for obj in self._symbols:
            if isinstance(obj, sp.IndexedBase) and _arg_name(obj) in values:
                size = _arg_name(_LENGTH[obj])
                if size in self.arguments and size not in values:
                    values[size] = len(values[_arg_name(obj)])
        missing = [a for a in self.arguments if a not in values]
        if missing:
            raise InvalidInput("arguments", f"all of {list(self.arguments)}", f"missing {missing}")
        shape = []
        for sym in self._shape:
            n = values[_arg_name(sym)]
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise InvalidInput(_arg_name(sym), "a positive integer", n)
            shape.append(n)
        shape = tuple(shape)
        sizes = dict(zip(self._shape, shape))
        for obj in self._symbols:
            if isinstance(obj, sp.IndexedBase):
                name, n = _arg_name(obj), sizes[_LENGTH[obj]]
                if len(values[name]) != n:
                    raise InvalidInput(name, f"a sequence of {_arg_name(_LENGTH[obj])} = {n} numbers",
                                       f"{len(values[name])} values")
        fn, order = self._compiled(shape)
        args = []
        for kind, name, index in order:
            v = values[name]
            args.append(_to_mpf(name, v[index - 1] if kind == "indexed" else v))
        return fn(*args)

    @cached_property
    def _shape(self) -> tuple:
        """Sizes that bound a sum in the expression (expanded per call), in argument order.

        Computed once per function: it walks the whole expression tree.
        """
        bounds = set()
        for obj in sp.preorder_traversal(self.expression):
            if isinstance(obj, (sp.Sum, sp.Product)):
                for lim in obj.limits:
                    bounds |= lim[1].free_symbols | lim[2].free_symbols
        return tuple(s for s in self._symbols if isinstance(s, sp.Symbol) and s in bounds)

    def _compiled(self, shape: tuple):
        if shape in self._cache:
            return self._cache[shape]
        sizes = dict(zip(self._shape, shape))
        expr = self.expression
        if sizes:
            expr = expr.subs(sizes).doit()
        order, syms, repl = [], [], {}
        for obj in self._symbols:
            name = _arg_name(obj)
            if isinstance(obj, sp.IndexedBase):
                for i in range(1, sizes[_LENGTH[obj]] + 1):
                    dummy = sp.Dummy(f"{name}_{i}")
                    repl[obj[i]] = dummy
                    syms.append(dummy)
                    order.append(("indexed", name, i))
            elif obj in sizes:
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
        (the reduced risk F(c, r), the right side of step ``reduced-risk``);
        ``"H_Z"`` for ``derive_H()`` (lemma K with a latent set's own sphere
        sizes ``S``, the right side of step ``H_Z``).

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
        expr = derivation.step(PARTS[key]).rhs
        symbols = tuple(derivation.arguments) + ((S,) if part == "H_Z" else ())
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
