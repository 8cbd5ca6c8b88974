"""``fctheory derive {H,Hstar,type3,threshold}``: replay a derivation and check every step.

Builds the sympy derivation (lemmas K and R for H and H*, appendix F for the
type-III system, proposition D and H'(0) for the λ thresholds) and verifies
each step: symbolic simplification, or exact arithmetic at random rational
points when simplification cannot decide.  Prints the steps with the method
that decided each one; ``--latex`` prints the LaTeX chain, ``--json`` one JSON
object with ``verified``, ``expression``, ``latex`` and the steps.  The exit
status is 0 when every step verified and 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys

import sympy as sp
from tqdm import tqdm

from ..symbolic import DEFAULT_POINTS, DERIVATIONS, THEOREM_DERIVATIONS
from ._output import print_json

TARGETS = THEOREM_DERIVATIONS
EXIT_NOT_VERIFIED = 1


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "derive",
        help="replay a symbolic derivation (H, H*, type III, λ thresholds) and verify every step",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", choices=TARGETS, help="H (lemma K), Hstar (lemma R), type3 (theorem 2), threshold (eq. 9)")
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
            status = f"verified ({check.method})" if check.verified else f"NOT VERIFIED ({check.method})"
            print(f"{i:3d}. {step.label:<{width}}  {status:<30} {step.reference}")
            if not check.verified:
                print(f"       {check.detail}")
        print(f"result: {sp.sstr(derivation.result)}")
        n_ok = sum(c.verified for c in verification.checks)
        print(f"verified: {'yes' if verification.verified else 'no'} ({n_ok}/{len(verification.checks)} steps, "
              f"{verification.seconds:.1f} s)")
    return 0 if verification.verified else EXIT_NOT_VERIFIED
