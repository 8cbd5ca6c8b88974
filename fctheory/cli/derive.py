"""``fctheory derive {H,Hstar,type3,threshold,margins}``: replay a symbolic derivation and verify every step.

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

import sys

from tqdm import tqdm

from ..symbolic import DEFAULT_POINTS, DERIVATIONS, THEOREM_DERIVATIONS
from ._output import EXIT_FAILED, print_json
from ._setting_flags import add_command

TARGETS = THEOREM_DERIVATIONS + tuple(n for n in DERIVATIONS if n not in THEOREM_DERIVATIONS)
#: What :meth:`Verification.to_dict` gives that the JSON shows beside the derivation's own keys.
VERIFICATION_KEYS = ("verified", "steps_total", "steps_proved", "steps_linked", "evidence", "reasons", "failed",
                     "root", "definition_checks", "result_check")


def register(subparsers) -> None:
    parser = add_command(subparsers, "derive", __doc__, run)
    parser.add_argument("target", choices=TARGETS, help="H (lemma K), Hstar (lemma R), type3 (theorem 2), "
                                                        "threshold (eq. 9), margins (Gram matrix)")
    parser.add_argument("--latex", action="store_true", help="print the LaTeX chain (align*)")
    parser.add_argument("--points", type=int, default=DEFAULT_POINTS,
                        help=f"random exact points per undecided step, 1..1000 (default {DEFAULT_POINTS})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random points (default 0)")


def run(args) -> int:
    derivation = DERIVATIONS[args.target]()
    with tqdm(total=len(derivation.steps), desc=f"derive {args.target}", unit="step", file=sys.stderr,
              disable=not sys.stderr.isatty()) as bar:
        verification = derivation.verify(points=args.points, seed=args.seed, progress=lambda _c: bar.update(1))
    numeric = derivation.check_numeric(seed=args.seed)
    ok = verification.verified and (numeric is None or numeric.passed)
    if args.json:
        checked = verification.to_dict()
        out = {**derivation.to_dict(), **{k: checked[k] for k in VERIFICATION_KEYS},
               "seconds": round(verification.seconds, 3)}
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
            status = (f"proved ({check.method})" if check.proved else "evidence only (sampled)" if check.verified
                      else f"NOT VERIFIED ({check.method})")
            linked = "linked" if link.proved else "NOT LINKED"
            print(f"{i:3d}. {step.label:<{width}}  {status:<22} {linked:<10} {step.reference}")
            if not check.proved:
                print(f"       {check.detail}")
            if not link.proved:
                print(f"       link: {link.detail}")
        print(f"result: {derivation.to_dict()['expression']}")
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
    return 0 if ok else EXIT_FAILED
