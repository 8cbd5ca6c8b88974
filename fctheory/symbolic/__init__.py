"""Symbolic derivations of the paper's closed forms (sympy only, exact).

Each ``derive_*`` function returns a :class:`Derivation`: the definitions it starts
from (definitions 1-3, the risks of eq. 5 and 10, assumption A, ...) and ordered steps
(sympy identity, one-line justification, the paper's equation/lemma number, the
substitutions it uses, and its *link*: how its left side is the previous right side
or is built from earlier results and the definitions).  :meth:`Derivation.verify`
decides every step — *proved* for every admissible value of the symbols (exact
evaluation, simplify, symbolic summation with its analyticity proved, induction from
its base) or only *evidence* (exact values at random rational points, which leaves
the derivation unverified) — and every link, the definitions' claims and the result.
:meth:`Derivation.check_numeric` evaluates the derived closed form against
:mod:`fctheory.predict`'s certified values.

API index
=========
derive_margins      margins of type I/II/III configurations from definitions 1-3 and the Gram matrix
derive_H            H(t) of theorem 1 (lemma K) from definition 1 and eq. 5, symbolic n_c, L, K
derive_H_star       H*(t) of theorem 3 (lemma R) from definition 2 and eq. 10
derive_type3        theorem 2: F(c, r) from definition 3 (factorisation over positions by induction), eq. 7-8
derive_thresholds   type-I threshold from H'(0) < 0, eq. 9 from proposition D, their agreement
DERIVATIONS         name -> derive function (``margins``, ``H``, ``Hstar``, ``type3``, ``threshold``)
THEOREM_DERIVATIONS the names whose result is a closed form stated by a theorem (``fctheory derive`` targets)
Derivation, Step    the derivation objects; ``verify()``, ``check_numeric()``, ``to_latex()``, ``to_dict()``
Definition, Link, Use  what a derivation starts from; how a step's left side is linked; a reference to a rule
Verification        the typed result of ``verify()`` (one StepCheck per step and per link)
NumericCheck        the typed result of ``check_numeric()`` (derived value beside the certified one, per setting)
METHODS, DEFAULT_POINTS  verification methods in the order tried; random points per step by default
PROOF_METHODS       the methods that prove a step (exact, simplify, summation, induction)
lambdify_mp         a derivation's closed form as an mpmath callable (DerivedFunction)
"""

from ._derivation import (DEFAULT_POINTS, METHODS, PROOF_METHODS, Derivation, Link, Step, StepCheck, Verification)
from ._hfunctions import derive_H, derive_H_star
from ._lambdify import DerivedFunction, lambdify_mp
from ._margins import derive_margins
from ._numeric import NumericCheck, NumericPoint
from ._rules import Definition, Use
from ._thresholds import derive_thresholds
from ._type3 import derive_type3

#: The derivations by name, in the order the docs list them.
DERIVATIONS = {
    "margins": derive_margins,
    "H": derive_H,
    "Hstar": derive_H_star,
    "type3": derive_type3,
    "threshold": derive_thresholds,
}

#: Derivations ending in a closed form the paper states (theorems 1-3, eq. 7-9).
THEOREM_DERIVATIONS = ("H", "Hstar", "type3", "threshold")

__all__ = [
    "DEFAULT_POINTS",
    "DERIVATIONS",
    "THEOREM_DERIVATIONS",
    "METHODS",
    "PROOF_METHODS",
    "Definition",
    "Derivation",
    "DerivedFunction",
    "Link",
    "NumericCheck",
    "NumericPoint",
    "Step",
    "StepCheck",
    "Use",
    "Verification",
    "derive_H",
    "derive_H_star",
    "derive_margins",
    "derive_thresholds",
    "derive_type3",
    "lambdify_mp",
]
