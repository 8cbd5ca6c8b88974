"""The parts of a derivation: a step, its link to what comes before it, and how it was decided.

A :class:`Step` states an identity ``lhs = rhs`` with the substitutions it uses
(``given``: definitions and earlier steps by name) and a :class:`Link` saying how its
left side follows from what is already established; :class:`StepCheck` records how a
step, a link, a definition's claim or the result was decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

from ._rules import Use, as_use

__all__ = ["Link", "Step", "StepCheck", "previous", "built", "from_ref", "subterm", "computed"]


@dataclass(frozen=True)
class Link:
    """How a step's left side follows from what is already established.

    Attributes
    ----------
    kind : {"previous", "built", "subterm", "computed"}
        ``previous``: the left side is the right side of the step before.
        ``built``: the left side is ``template`` with each placeholder replaced by
        its source (a definition's value — a ``Lambda`` for a function
        placeholder — or an earlier step's right side).
        ``subterm``: the left side is a sub-expression of the source.
        ``computed``: the left side is ``compute(*values of the sources)`` (an
        explicit computation from a definition, e.g. logits from a frame).
    template : sympy expression, optional
    sources : tuple
        ``((placeholder, ref), ...)`` for ``built``; ``(ref, ...)`` otherwise.
    compute : callable, optional
    """

    kind: str = "previous"
    template: Any = None
    sources: tuple = ()
    compute: Callable | None = field(default=None, compare=False)

    @property
    def raw_refs(self) -> tuple:
        """The sources as given (strings or Use)."""
        if self.kind == "built":
            return tuple(ref for _, ref in self.sources)
        return tuple(self.sources)

    @property
    def refs(self) -> tuple[str, ...]:
        if self.kind == "built":
            return tuple(str(ref) for _, ref in self.sources)
        return tuple(str(ref) for ref in self.sources)

    def describe(self, previous_label: str | None) -> str:
        if self.kind == "previous":
            return f"the right side of step {previous_label!r}" if previous_label else "(no previous step)"
        names = ", ".join(self.refs)
        if self.kind == "built":
            return f"built from {names}"
        if self.kind == "subterm":
            return f"a term of {names}"
        return f"computed from {names}" + (f" ({self.compute.__doc__.strip().splitlines()[0]})"
                                           if self.compute is not None and self.compute.__doc__ else "")

    @property
    def is_value(self) -> bool:
        """True when the left side is a source's value itself (no template around it)."""
        return self.kind == "built" and len(self.sources) == 1 and self.template == self.sources[0][0]

    def to_dict(self) -> dict:
        template = None if self.template is None or self.is_value else sp.sstr(self.template)
        return {"kind": self.kind, "from": list(self.refs), "template": template}


def previous() -> Link:
    """The left side is the right side of the step before."""
    return Link("previous")


def built(template, sources: dict) -> Link:
    """The left side is ``template`` with placeholders replaced by their sources (refs)."""
    return Link("built", template, tuple(sources.items()))


def from_ref(ref: str) -> Link:
    """The left side is the value of a definition or the right side of an earlier step."""
    p = sp.Symbol("_source")
    return Link("built", p, ((p, ref),))


def subterm(ref: str) -> Link:
    """The left side is a sub-expression of a definition's value or an earlier step's right side."""
    return Link("subterm", None, (ref,))


def computed(fn: Callable, *refs: str) -> Link:
    """The left side is ``fn(*values of refs)``."""
    return Link("computed", None, tuple(refs), fn)


@dataclass(frozen=True)
class Step:
    """One identity of a derivation.

    Attributes
    ----------
    label : str
        Short unique name, used in reports and references (``"step:LABEL"``).
    lhs, rhs : sympy.Expr, Tuple or Matrix
        The step claims ``lhs = rhs`` for every admissible value of the free symbols.
    justification : str
        One line saying why the identity holds.
    reference : str
        The paper's equation, lemma or theorem number.
    link : Link
        How ``lhs`` follows from earlier steps and the definitions (default: it is
        the right side of the previous step).
    given : tuple of str or Use
        The substitutions the identity uses: ``"def:NAME"``, ``"step:LABEL"`` (an
        earlier step), ``"chain:A..B"``; :class:`Use` instantiates one.
    analytic_in : tuple of sympy.Symbol
        Variables for the summation proof (identity theorem); their analyticity
        is proved, not assumed.
    induction : sympy.Symbol, optional
        Prove the identity by induction on this integer symbol from ``induction_base``.
    induction_base : int
    sign : {"", "positive", "negative"}
        A further claim on ``rhs``, proved term by term.
    fixed_size : bool
        The step is extra evidence at fixed sizes (an explicit frame, ``n_c = 3``),
        not part of the general proof.
    display : str
        LaTeX shown instead of ``lhs = rhs`` (large explicit matrices).
    """

    label: str
    lhs: Any
    rhs: Any
    justification: str
    reference: str
    link: Link = field(default_factory=Link)
    given: tuple = ()
    analytic_in: tuple = ()
    induction: Any = None
    induction_base: int = 1
    sign: str = ""
    fixed_size: bool = False
    display: str = ""

    def uses(self) -> tuple[Use, ...]:
        return tuple(as_use(g) for g in self.given)

    def latex(self) -> str:
        """``lhs = rhs`` in LaTeX (or :attr:`display` when set)."""
        if self.display:
            return self.display
        return f"{sp.latex(self.lhs)} = {sp.latex(self.rhs)}"

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "lhs": sp.sstr(self.lhs),
            "rhs": sp.sstr(self.rhs),
            "latex": self.latex(),
            "justification": self.justification,
            "reference": self.reference,
            "link": self.link.to_dict(),
            "given": [str(u) for u in self.uses()],
            "fixed_size": self.fixed_size,
        }


@dataclass(frozen=True)
class StepCheck:
    """How one step, link, definition claim or the result was decided.

    Attributes
    ----------
    label : str
        The step's label; ``"link:LABEL"`` for its link; ``"result"``;
        ``"def:NAME"`` for a definition's claim.
    verified : bool
        True when the identity held: proved, or not contradicted at sampled points.
    method : str
        ``"exact"``, ``"simplify"``, ``"summation"``, ``"induction"`` (proofs);
        ``"random-rational"`` (evidence only); ``"counterexample"``,
        ``"undecided"`` or ``"invalid"`` (a reference that is not allowed) otherwise.
    points : int
        Random points checked (0 unless random points were used).
    detail : str
        A sentence: by what it was proved, or why not.
    seconds : float
    proved : bool
        True when decided for every admissible value of the symbols.
    """

    label: str
    verified: bool
    method: str
    points: int
    detail: str
    seconds: float
    proved: bool = False

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "verified": self.verified,
            "proved": self.proved,
            "method": self.method,
            "by": self.detail,
            "points": self.points,
            "detail": self.detail,
            "seconds": round(self.seconds, 4),
        }
