"""Symbolic derivations of the paper's closed forms (sympy only, exact).

Each ``derive_*`` function returns a :class:`Derivation`: ordered steps
(sympy identity, one-line justification, the paper's equation/lemma number)
that :meth:`Derivation.verify` decides one by one: *proved* for every
admissible value (exact evaluation, simplify, symbolic summation, induction)
or only *evidence* (exact values at random rational points, which leaves the
derivation unverified); it also checks that the steps form a chain and that
the result is the last step's right side.

API index
=========
derive_margins      margins of type I/II/III configurations from the equiangular Gram matrix
derive_H            H(t) of theorem 1 (lemma K): sphere sizes, binomial theorem, t = n_w c^2
derive_H_star       H*(t) of theorem 3 (lemma R)
derive_type3        theorem 2: F(c, r) by factorisation over positions, stationarity, eq. 7-8
derive_thresholds   type-I threshold from H'(0) < 0, eq. 9 from proposition D, their agreement
DERIVATIONS         name -> derive function (``margins``, ``H``, ``Hstar``, ``type3``, ``threshold``)
THEOREM_DERIVATIONS the names whose result is a closed form stated by a theorem (``fctheory derive`` targets)
Derivation, Step    the derivation objects; ``verify()``, ``to_latex()``, ``to_dict()``
Verification        the typed result of ``verify()`` (one StepCheck per step)
METHODS, DEFAULT_POINTS  verification methods in the order tried; random points per step by default
PROOF_METHODS       the methods that prove a step (exact, simplify, summation, induction)
lambdify_mp         a derivation's closed form as an mpmath callable (DerivedFunction)
"""

from ._derivation import DEFAULT_POINTS, METHODS, PROOF_METHODS, Derivation, Step, StepCheck, Verification
from ._hfunctions import derive_H, derive_H_star
from ._lambdify import DerivedFunction, lambdify_mp
from ._margins import derive_margins
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
    "Derivation",
    "DerivedFunction",
    "Step",
    "StepCheck",
    "Verification",
    "derive_H",
    "derive_H_star",
    "derive_margins",
    "derive_thresholds",
    "derive_type3",
    "lambdify_mp",
]
