"""``fctheory latent check``: assumption A, lemma B and assumption B for a latent set.

The latent set is the full set ``[n_c]^L`` (default), a seeded uniformly random
subset (``--K K --seed S``), a file (``--file F``: ``.npy``, ``.npz`` with
array ``latent``, or text with one latent variable per row) or a named linear
code (``--code NAME``: ``repetition:Q:L``, ``parity:Q:L``, ``ternary-hamming``,
``ternary-golay``; ``--n-c`` must equal ``Q`` and ``--L`` the code length).

``--json`` prints one object with the keys ``assumption_a`` {``holds``,
``deviation``, ...}, ``lemma_b`` {``holds``, ``i``, ``ii``, ``iii``, ...} and
``assumption_b`` {``holds``, ``nullspace_dim``, ``witness``, ...}.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InvalidInput

HELP = "symmetry of a latent set: assumption A (eq. 35), lemma B, assumption B (eq. 44)"


def register(subparsers) -> None:
    parser = subparsers.add_parser("latent", help=HELP, description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="latent_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    check = sub.add_parser("check", help="decide assumption A, lemma B and assumption B", description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("--n-c", dest="n_c", type=int, required=True, help="number of concepts n_c >= 2")
    check.add_argument("--L", dest="L", type=int, required=True, help="sentence length L >= 1")
    source = check.add_mutually_exclusive_group()
    source.add_argument("--K", dest="K", type=int, default=None, help="a uniformly random subset of K latent variables")
    source.add_argument("--file", dest="file", default=None, help="latent set file (.npy, .npz with 'latent', or text)")
    source.add_argument("--code", dest="code", default=None, help="a named linear code (see above)")
    check.add_argument("--seed", dest="seed", type=int, default=None, help="seed of the random subset (with --K; default 0)")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(func=run)


def load_code(name: str, n_c=None, L=None):
    """The named code's codewords, checking ``n_c``/``L`` against it when given."""
    from ..latent import named_code

    code = named_code(name)
    if n_c is not None and int(n_c) != code.q:
        raise InvalidInput("--n-c", f"the field size q = {code.q} of {code.name}", n_c)
    if L is not None and int(L) != code.L:
        raise InvalidInput("--L", f"the length {code.L} of {code.name}", L)
    return code.codewords(), code.name


def latent_from_args(args):
    """``(latent array, source description)`` from ``--K/--seed``, ``--file``, ``--code`` or the full set."""
    from ..latent import full_latent_set, load_latent_file, random_latent_set

    if args.seed is not None and args.K is None:
        raise InvalidInput("--seed", "used together with --K (a random subset)", args.seed)
    if args.code is not None:
        return load_code(args.code, args.n_c, args.L)
    if args.file is not None:
        return load_latent_file(args.file, args.n_c, args.L), f"file {args.file}"
    if args.K is not None:
        seed = 0 if args.seed is None else args.seed
        z = random_latent_set(args.n_c, args.L, args.K, seed=seed)
        return z, f"uniformly random subset (K={args.K}, seed={seed})"
    from ..latent import validate_sizes

    validate_sizes(args.n_c, args.L)
    return full_latent_set(args.n_c, args.L), "full set"


def run(args) -> int:
    from ..latent import check_latent_set

    latent, source = latent_from_args(args)
    result = check_latent_set(latent, args.n_c, source=source, progress=sys.stderr.isatty())
    if args.json:
        json.dump(result.to_dict(), sys.stdout)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write(_table(result))
    return 0


def _yes(flag: bool) -> str:
    return "holds" if flag else "FAILS"


def _table(res) -> str:
    a, b, c = res.assumption_a, res.lemma_b, res.assumption_b
    lines = [f"fctheory latent check    n_c={res.n_c} L={res.L} K={res.K}    {res.source}"]
    if a.holds:
        lines.append(f"  assumption A (eq. 35)   {_yes(True)}")
    else:
        ratio = "n/a" if a.deviation_ratio is None else f"{a.deviation_ratio:.3g}"
        lines.append(f"  assumption A (eq. 35)   {_yes(False)}   deviation {a.deviation:.4g} "
                     f"(random-subset noise level {a.noise_level:.4g}; ratio {ratio})")
        if not a.integral:
            lines.append("                          (K/n_c^L is not an integer: only the full set satisfies eq. 35)")
    props = "  ".join(f"({n}) {'yes' if v else 'no'}" for n, v in (("i", b.i), ("ii", b.ii), ("iii", b.iii)))
    lines.append(f"  lemma B                 {_yes(b.holds)}   {props}")
    if b.sphere_sizes is not None:
        lines.append(f"                          |S_r|, r=1..L: {' '.join(str(v) for v in b.sphere_sizes)}")
    if b.iii and any(t is not None for t in b.theta):
        thetas = " ".join("-" if t is None else str(t) for t in b.theta)
        lines.append(f"                          theta_r: {thetas}")
    if not b.holds:
        lines.append(f"                          {b.reason}")
        lines.append(f"                          deviations (i) {b.deviation_i:.4g} (random-subset level {b.noise_i:.4g})  "
                     f"(ii) {b.deviation_ii:.4g} (level {b.noise_ii:.4g})  (iii) {b.deviation_iii:.4g}")
    lines.append(f"  assumption B (eq. 44)   {_yes(c.holds)}   solution space dimension {c.nullspace_dim} "
                 f"(holds iff 2); rank {c.rank}; {c.n_keys} distinct keys; {c.pairs_examined} pairs scanned"
                 f"{' (stopped at full rank)' if c.early_stop else ''}")
    if c.witness is not None:
        lines.append("                          witness direction B (solves eq. 44, orthogonal to I and 1 1^T):")
        for row in c.witness:
            lines.append("                            " + " ".join(f"{v:>4}" for v in row))
        lines.append(f"                          I/n_c + {c.epsilon} B is PSD and outside {{aI + b 11^T}}")
    return "\n".join(lines) + "\n"


def sphere_sizes_from_args(args, setting):
    """The ``|S_r|`` profile for ``fctheory predict ... --latent-file F`` / ``--code NAME`` (None otherwise).

    The latent set must belong to the setting: ``--n-c``, ``--L`` and ``--K``
    must equal its concept count, length and size.  A note on stderr says
    whether the prediction is exact (lemma B holds) or an approximation.
    """
    from ..latent import load_latent_file, sphere_sizes

    file, code = getattr(args, "latent_file", None), getattr(args, "code", None)
    if file is None and code is None:
        return None
    if file is not None and code is not None:
        raise InvalidInput("--latent-file/--code", "at most one of the two", f"{file}, {code}")
    if code is not None:
        latent, source = load_code(code, setting.n_c, setting.L)
    else:
        latent, source = load_latent_file(file, setting.n_c, setting.L), f"file {file}"
    if latent.shape[0] != setting.K:
        raise InvalidInput("--K", f"the number of latent variables of {source}, {latent.shape[0]}", setting.K)
    profile = sphere_sizes(latent, setting.n_c, source=source, progress=sys.stderr.isatty())
    status = "exact: lemma B holds" if profile.exact else "APPROXIMATION: lemma B fails, mean sphere sizes used"
    print(f"note: H_Z from the sphere sizes of {source} ({status})", file=sys.stderr)
    return profile
