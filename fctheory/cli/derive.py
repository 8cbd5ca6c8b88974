"""``fctheory derive {H,Hstar,type3,threshold,margins}``: replay a derivation and check every step.

Builds the sympy derivation (lemmas K and R for H and H*, appendix F for the
type-III system, proposition D and H'(0) for the λ thresholds) from the paper's
definitions and verifies each step and each link.  A step is *proved* (for every
admissible value of its symbols) by exact evaluation, sympy simplification,
symbolic summation (its analyticity proved) or induction (from its base); a step
that only holds at exact random rational points is *evidence* and makes the
derivation unverified.  Every step is *linked*: its left side is the previous
right side, or built from earlier results and the definitions, and verify()
proves that link; the result is the right side of the result step.  The derived
closed form is then evaluated against fctheory.predict's certified values at a
few drawn settings (the numeric check).  Prints the steps with what decided
each one and its link; ``--latex`` prints the LaTeX chain, ``--json`` one JSON
object with ``verified``, ``steps_total``, ``steps_proved``, ``steps_linked``,
``evidence`` (steps decided by sampling alone), ``numeric``, ``expression``,
``latex``, the definitions and the steps (each with its ``link`` and ``check``).
The exit status is 0 when the derivation verified and its numeric check passed,
and 1 otherwise.
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
    numeric = derivation.check_numeric(seed=args.seed)
    ok = verification.verified and (numeric is None or numeric.passed)
    if args.json:
        out = derivation.to_dict()
        out["verified"] = verification.verified
        out["steps_total"] = verification.steps_total
        out["steps_proved"] = verification.steps_proved
        out["steps_linked"] = verification.steps_linked
        out["evidence"] = list(verification.evidence)
        out["reasons"] = list(verification.reasons)
        out["failed"] = list(verification.failed)
        out["root"] = list(verification.root)
        out["seconds"] = round(verification.seconds, 3)
        out["definition_checks"] = [c.to_dict() for c in verification.definition_checks]
        out["result_check"] = None if verification.result_check is None else verification.result_check.to_dict()
        for step, check, link in zip(out["steps"], verification.checks, verification.links):
            step["check"] = check.to_dict()
            step["link"].update(proved=link.proved, method=link.method, detail=link.detail)
        out["numeric"] = None if numeric is None else numeric.to_dict()
        if args.latex:
            out["latex_chain"] = derivation.to_latex()
        print_json(out, indent=2)
    elif args.latex:
        print(derivation.to_latex())
    else:
        print(derivation.title)
        width = max(len(s.label) for s in derivation.steps)
        for i, (step, check, link) in enumerate(zip(derivation.steps, verification.checks, verification.links), 1):
            if check.proved:
                status = f"proved ({check.method})"
            elif check.verified:
                status = "evidence only (sampled)"
            else:
                status = f"NOT VERIFIED ({check.method})"
            linked = "linked" if link.proved else "NOT LINKED"
            print(f"{i:3d}. {step.label:<{width}}  {status:<22} {linked:<10} {step.reference}")
            if not check.proved:
                print(f"       {check.detail}")
            if not link.proved:
                print(f"       link: {link.detail}")
        print(f"result: {sp.sstr(derivation.result)}")
        for reason in verification.reasons:
            print(f"not verified: {reason}")
        print(f"verified: {'yes' if verification.verified else 'no'} ({verification.steps_proved}/"
              f"{verification.steps_total} steps proved, {verification.steps_linked}/{verification.steps_total} "
              f"linked, {len(verification.evidence)} evidence, {verification.seconds:.1f} s)")
        if numeric is None:
            print("numeric check: none (no certified solver computes this result)")
        else:
            print(f"numeric check against fctheory.predict: {'passed' if numeric.passed else 'FAILED'} "
                  f"({sum(p.passed for p in numeric.points)}/{len(numeric.points)} comparisons, {numeric.dps} digits)")
            for point in numeric.points:
                if not point.passed:
                    print(f"       failed: {point.quantity} at {point.setting}: {point.derived} vs {point.certified}")
    return 0 if ok else EXIT_NOT_VERIFIED
