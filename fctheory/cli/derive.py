"""``fctheory derive {H,Hstar,type3,threshold,margins}``: replay a derivation and check every step.

Builds the sympy derivation (lemmas K and R for H and H*, appendix F for the
type-III system, proposition D and H'(0) for the λ thresholds) and verifies
each step.  A step is *proved* (for every admissible value of its symbols) by
exact evaluation, sympy simplification, symbolic summation or induction; a
step that only holds at exact random rational points is *evidence* and makes
the derivation unverified.  verify() also checks the chain: each step's left
side is the previous right side or a stated definition, and the result equals
the last right side.  Prints the steps with what decided each one; ``--latex``
prints the LaTeX chain, ``--json`` one JSON object with ``verified``,
``steps_total``, ``steps_proved``, ``evidence`` (steps decided by sampling
alone), ``expression``, ``latex`` and the steps.  The exit status is 0 when
the derivation verified and 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys

import sympy as sp
from tqdm import tqdm

from ..symbolic import DEFAULT_POINTS, DERIVATIONS, THEOREM_DERIVATIONS
from ._output import print_json

TARGETS = THEOREM_DERIVATIONS + tuple(n for n in DERIVATIONS if n not in THEOREM_DERIVATIONS)
EXIT_NOT_VERIFIED = 1


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "derive",
        help="replay a symbolic derivation (H, H*, type III, λ thresholds) and verify every step",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", choices=TARGETS, help="H (lemma K), Hstar (lemma R), type3 (theorem 2), threshold (eq. 9), margins (Gram matrix)")
    parser.add_argument("--latex", action="store_true", help="print the LaTeX chain (align*)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--points", type=int, default=DEFAULT_POINTS,
                        help=f"random exact points per undecided step, 1..1000 (default {DEFAULT_POINTS})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random points (default 0)")
    parser.set_defaults(func=run)


def run(args) -> int:
    derivation = DERIVATIONS[args.target]()
    bar = tqdm(total=len(derivation.steps), desc=f"derive {args.target}", unit="step",
               file=sys.stderr, disable=not sys.stderr.isatty())
    try:
        verification = derivation.verify(points=args.points, seed=args.seed, progress=lambda _c: bar.update(1))
    finally:
        bar.close()
    if args.json:
        out = derivation.to_dict()
        out["verified"] = verification.verified
        out["steps_total"] = verification.steps_total
        out["steps_proved"] = verification.steps_proved
        out["evidence"] = list(verification.evidence)
        out["reasons"] = list(verification.reasons)
        out["failed"] = list(verification.failed)
        out["seconds"] = round(verification.seconds, 3)
        for step, check in zip(out["steps"], verification.checks):
            step["check"] = check.to_dict()
        if args.latex:
            out["latex_chain"] = derivation.to_latex()
        print_json(out, indent=2)
    elif args.latex:
        print(derivation.to_latex())
    else:
        print(derivation.title)
        width = max(len(s.label) for s in derivation.steps)
        for i, (step, check) in enumerate(zip(derivation.steps, verification.checks), 1):
            if check.proved:
                status = f"proved ({check.method})"
            elif check.verified:
                status = "evidence only (sampled)"
            else:
                status = f"NOT VERIFIED ({check.method})"
            print(f"{i:3d}. {step.label:<{width}}  {status:<30} {step.reference}")
            if not check.proved:
                print(f"       {check.detail}")
        print(f"result: {sp.sstr(derivation.result)}")
        for reason in verification.reasons:
            print(f"not verified: {reason}")
        print(f"verified: {'yes' if verification.verified else 'no'} ({verification.steps_proved}/"
              f"{verification.steps_total} steps proved, {len(verification.evidence)} evidence, "
              f"{verification.seconds:.1f} s)")
    return 0 if verification.verified else EXIT_NOT_VERIFIED
