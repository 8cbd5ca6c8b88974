"""A fuzzer of the command line and the public API (issue 12): bad input never gets a traceback, a
hang or an unclear message.

Every subcommand's parser is driven in-process (``fctheory.cli.main.main(argv)``) with generated
values for its flags: numbers of every size and sign, malformed fractions, huge exponents, empty,
binary and wrongly shaped files.  Each run must

* exit 0, 2 (or 1 where a subcommand documents it: failed checks),
* print no traceback, and on exit 2 exactly one ``error: ...`` line naming a flag or a field,
* end within :data:`RUN_SECONDS` (small sizes keep valid runs fast; a run that would be slow must
  be refused by a size limit, docs/limits.md).

The public API entry points get the same treatment: only :class:`fctheory.errors.FctheoryError`
subclasses escape.  The table :data:`SUBCOMMANDS` drives everything: a new subcommand is one entry
(its argv prefix, its flags and their value strategies, its allowed exit statuses).  Bounded for
CI: a few examples per subcommand, a deadline per run.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fctheory.cli.main import main
from fctheory.errors import FctheoryError

#: Wall-clock bound of one run (generous: the CI machine is shared).
RUN_SECONDS = 10.0
EXAMPLES = int(os.environ.get("FCTHEORY_FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=RUN_SECONDS), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

# Values ---------------------------------------------------------------------------------------

NASTY_NUMBERS = ["", " ", "abc", "1/0", "0/0", "3/", "/3", "1//2", "1e", "1e-9999999", "1e+9999999",
                 "1e-99999999999999999999", "-1e-1001", "1e1001", "nan", "inf", "-inf", "NaN", "0x10", "1_000",
                 "\u0661\u0662", "+-1", "--1", "9" * 3000, "1" + "0" * 5000, "0.5/2", "1e-5000", "-0", "0",
                 "-1", "1.5", "2/3", "1e-300", "1e300", "\x00", "1 2", "١"]


def numbers(small: list) -> st.SearchStrategy:
    """Decimal strings of every size and sign, fractions and garbage; ``small`` are valid values
    (drawn about half of the time, so that runs also get past the first flag)."""
    valid = st.sampled_from(small)
    return st.one_of(
        valid, valid, valid, valid, valid,
        st.sampled_from(NASTY_NUMBERS),
        st.integers(-10**6, 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.tuples(st.integers(-10**4, 10**4), st.integers(-10**4, 10**4)).map(lambda t: f"{t[0]}/{t[1]}"),
        st.tuples(st.integers(-9, 9), st.integers(-10**7, 10**7)).map(lambda t: f"{t[0]}e{t[1]}"),
    )


SIZES = {"n_c": ["2", "3"], "s_c": ["1", "2"], "L": ["1", "2", "3"], "K": ["2", "4", "full"], "d": ["2", "3", "5"],
         "lam": ["1/100", "0.05", "1e-40", "2"], "mu": ["uniform", "zipf", "zipf:2"], "dps": ["15", "20", "30"]}
MU_NASTY = ["zipf:1e-5000", "zipf:0", "zipf:-1", "zipf:1e9", "1,2", "0.5,0.5", "0.5,0.6", "1/2,1/2", ",", "uniform,",
            "zipf:", "zipf:nan", "0,1", "-1,2"]


def setting_flags(names) -> dict:
    strategies = {}
    for name in names:
        flag = {"n_c": "--n-c", "s_c": "--s-c"}.get(name, f"--{name}")
        values = numbers(SIZES[name]) if name != "mu" else st.one_of(st.sampled_from(SIZES["mu"] + MU_NASTY), numbers(["2"]))
        strategies[flag] = values
    return strategies


# Files ----------------------------------------------------------------------------------------

_FILES = tempfile.mkdtemp(prefix="fctheory-fuzz-")


def _file(kind: str, suffix: str) -> str:
    path = os.path.join(_FILES, f"{kind}{suffix}")
    if os.path.exists(path):
        return path
    rng = np.random.default_rng(0)
    if kind == "missing":
        return os.path.join(_FILES, "no-such-file" + suffix)
    if kind == "directory":
        os.mkdir(path)
    elif kind == "empty":
        open(path, "wb").close()
    elif kind == "binary":
        with open(path, "wb") as fh:
            fh.write(bytes(rng.integers(0, 256, 300, dtype=np.uint8)))
    elif kind == "text":
        with open(path, "w") as fh:
            fh.write("0 1 2\n1 x 2\n")
    elif kind == "rows":
        with open(path, "w") as fh:
            fh.write("0 1 1\n1 0 2\n2 2 0\n")
    elif kind == "truncated":
        np.savez(path + ".full.npz", W=np.ones((3, 6)), U=np.ones((27, 9)), latent=np.zeros((3, 3), dtype=int))
        with open(path + ".full.npz", "rb") as fh:
            data = fh.read()
        with open(path, "wb") as fh:
            fh.write(data[: len(data) // 2])
    elif kind == "weights":  # valid type-I-like weights for n_c=3, s_c=2, L=3, d=3, full set
        np.savez(path, W=rng.normal(size=(3, 6)), U=rng.normal(size=(27, 9)))
    elif kind == "wrongshape":
        np.savez(path, W=np.ones((2, 5, 1)), U=np.ones(3), latent=np.ones((2, 2, 2)))
    elif kind == "huge":
        np.savez(path, W=np.full((3, 6), 1e300), U=np.full((27, 9), 1e300))
    elif kind == "nonfinite":
        np.savez(path, W=np.full((3, 6), np.nan), U=np.full((27, 9), np.inf))
    elif kind == "complex":
        np.savez(path, W=np.ones((3, 6)) + 1j, U=np.ones((27, 9)))
    elif kind == "npy":
        np.save(path, np.zeros((3, 3), dtype=np.int64))
    elif kind == "pickled":
        np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    elif kind == "toml-binary":
        with open(path, "wb") as fh:
            fh.write(b"\xff\xfe\x00[suite]\x80\x81")
    elif kind == "toml-bad":
        with open(path, "w") as fh:
            fh.write('[suite]\nname = "x"\n[[case]]\nname = "a"\nkind = "type1"\nn_c = 3\ns_c = 2\nL = 3\nd = 7\n'
                     'lam = "1e-9999999"\n')
    elif kind == "toml-zipf-type1":
        with open(path, "w") as fh:
            fh.write('[suite]\nname = "x"\n[[case]]\nname = "a"\nkind = "type1"\nn_c = 3\ns_c = 2\nL = 3\nd = 7\n'
                     'lam = "1/100"\nmu = "zipf"\n')
    elif kind == "grid-ok":
        with open(path, "w") as fh:
            fh.write('[sweep]\nname = "f"\ncommand = "predict type1"\n[grid]\nlam = ["1/100", "1/1000"]\n'
                     '[fixed]\nn_c = 2\ns_c = 2\nL = 3\nK = 8\n')
    elif kind == "grid-bad":
        with open(path, "w") as fh:
            fh.write('[sweep]\ncommand = "predict type1"\n[grid]\nlam = []\nbogus = [1]\n')
    elif kind == "grid-huge":
        with open(path, "w") as fh:
            fh.write('[sweep]\ncommand = "predict type1"\n[grid]\n'
                     + "".join(f"{k} = [{', '.join(str(i) for i in range(2, 40))}]\n" for k in ("n_c", "s_c", "L", "d"))
                     + 'lam = ["1/100"]\n')
    elif kind == "grid-badcommand":
        with open(path, "w") as fh:
            fh.write('[sweep]\ncommand = "os:system"\n[grid]\nlam = ["1/100"]\n')
    elif kind == "toml-huge":
        with open(path, "w") as fh:
            fh.write('[suite]\nname = "x"\n[[case]]\nname = "a"\nkind = "type3"\nn_c = 2\ns_c = 9\nL = 7\nd = 20\n'
                     'lam = "1/1000"\nmu = "zipf"\n')
    return path


def files(kinds, suffix: str) -> st.SearchStrategy:
    return st.sampled_from(kinds).map(lambda k: _file(k, suffix))


WEIGHT_FILES = files(["missing", "directory", "empty", "binary", "text", "truncated", "weights", "wrongshape",
                      "huge", "nonfinite", "complex", "npy", "pickled"], ".npz")
LATENT_FILES = st.one_of(files(["missing", "directory", "empty", "binary", "truncated", "wrongshape", "npy",
                                "pickled"], ".npy"),
                         files(["text", "rows", "binary", "empty"], ".txt"),
                         files(["truncated", "wrongshape", "binary"], ".npz"))
SUITE_FILES = st.one_of(st.sampled_from(["default", "extended", "nosuch", "../x", ""]),
                        files(["toml-binary", "toml-bad", "toml-zipf-type1", "toml-huge", "empty", "missing",
                               "directory"], ".toml"))
GRID_FILES = files(["grid-ok", "grid-bad", "grid-huge", "grid-badcommand", "toml-binary", "empty", "missing",
                    "directory"], ".toml")
#: Counts of reproduce/sweep flags: small valid values and malformed ones (a large valid count is a
#: long run the user asked for, interruptible and resumable, not a hang).
SMALL_COUNTS = st.sampled_from(["1", "2", "3", "0", "-1", "1.5", "abc", "", "1e3", "9" * 40, "nan"])
CODES = st.sampled_from(["nosuch", "ternary-hamming", "parity:3:3", "repetition:3:3", "parity:4:3",
                         "repetition:2:99999999", "parity:1:2", "", "parity:3:3:3", "parity:x:y"])

# The table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subcommand:
    """One subcommand of the fuzzer: ``argv`` prefix, ``flags`` (flag -> value strategy; each
    generated run takes a random subset), ``switches`` (flags without a value) and the exit
    statuses it may return besides 0 and 2."""

    name: str
    argv: tuple
    flags: dict
    switches: tuple = ()
    fixed: tuple = ()
    statuses: frozenset = field(default_factory=lambda: frozenset({0, 2}))
    examples: int = EXAMPLES
    seconds: float = RUN_SECONDS


SETTING = ("n_c", "s_c", "L", "K", "d", "lam", "mu")
SUBCOMMANDS = [
    *[Subcommand(f"predict {kind}", ("predict", kind),
                 {**setting_flags(SETTING), "--dps": numbers(SIZES["dps"]), "--code": CODES, "--latent-file": LATENT_FILES},
                 switches=("--json",), fixed=("--n-c", "3", "--s-c", "2", "--L", "3", "--K", "full"))
      for kind in ("type1", "type2", "type3", "threshold")],
    Subcommand("measure", ("measure",),
               {"WEIGHTS": WEIGHT_FILES, **setting_flags(("n_c", "s_c", "L")), "--tol": numbers(["1e-6", "0.1"]),
                "--network": st.sampled_from(["h", "h*", "x"]), "--code": CODES, "--latent-file": LATENT_FILES},
               switches=("--json",), fixed=("--n-c", "3", "--s-c", "2", "--L", "3")),
    Subcommand("check", ("check",), {**setting_flags(("n_c", "s_c", "L", "K", "d", "lam", "mu")),
                                     "--seed": numbers(["0", "1"])},
               switches=("--json",), fixed=("--n-c", "2", "--s-c", "1", "--L", "2", "--d", "2", "--mu", "uniform"),
               statuses=frozenset({0, 1, 2})),
    Subcommand("latent check", ("latent", "check"),
               {**setting_flags(("n_c", "L", "K")), "--seed": numbers(["0", "3"]), "--code": CODES,
                "--latent-file": LATENT_FILES},
               switches=("--json",), fixed=("--n-c", "3", "--L", "3")),
    Subcommand("certify", ("certify",), {**setting_flags(("n_c", "s_c", "L", "K", "lam", "mu")),
                                         "--dps": numbers(SIZES["dps"]), "--solver": st.sampled_from(["CLARABEL", "X"]),
                                         "--code": CODES, "--latent-file": LATENT_FILES},
               switches=("--json",), fixed=("--n-c", "2", "--s-c", "1", "--L", "2", "--lam", "1/100"),
               statuses=frozenset({0, 1, 2}), examples=max(3, EXAMPLES // 3)),
    Subcommand("validate", ("validate", "--dry-run"),
               {"--suite": SUITE_FILES, "--jobs": numbers(["1", "2"]), "--out": st.sampled_from([_FILES, ""])},
               switches=("--list", "--force", "--no-progress")),
    Subcommand("reproduce", ("reproduce", "fig3", "--quick", "--no-progress"),
               {"--optimizer": st.sampled_from(["lbfgs", "sgd", "adam", ""]), "--seed": SMALL_COUNTS,
                "--epochs": SMALL_COUNTS, "--n-spl": SMALL_COUNTS, "--maxiter": SMALL_COUNTS,
                "--gtol": numbers(["1e-6", "1e-3"]), "--out": st.sampled_from([os.path.join(_FILES, "repro"), ""]),
                "--jobs": st.sampled_from(["1", "0", "-2", "x", ""]),
                "--scheduler": st.sampled_from(["", "nonsense"])},
               switches=("--json",), fixed=("--out", os.path.join(_FILES, "repro"), "--maxiter", "20"),
               examples=max(3, EXAMPLES // 2)),
    Subcommand("sweep", ("sweep",), {"GRID": GRID_FILES, "--jobs": st.sampled_from(["1", "0", "-2", "x", ""]),
                                     "--out": st.sampled_from([os.path.join(_FILES, "sweep"), ""])},
               switches=("--json", "--force"), fixed=("--out", os.path.join(_FILES, "sweep")),
               statuses=frozenset({0, 1, 2}), examples=max(3, EXAMPLES // 2)),
    # --summary-only: the flags are parsed and checked as for a run, but no job runs (a valid run of
    # the quick study takes about a minute, beyond RUN_SECONDS); the folder holds no results CSVs.
    Subcommand("study undersampling", ("study", "undersampling", "--quick", "--no-progress", "--summary-only"),
               {"--out": st.one_of(st.sampled_from([os.path.join(_FILES, "study"), ""]),
                                   files(["empty", "binary", "directory"], ".csv")),
                "--jobs": SMALL_COUNTS, "--scheduler": st.sampled_from(["local", "nonsense", "tcp://", ""]),
                "--study": st.sampled_from(["symmetry", "samples", "nosuch", ""])},
               switches=("--json",), fixed=("--out", os.path.join(_FILES, "study"))),
    Subcommand("derive", ("derive",), {"TARGET": st.sampled_from(["H", "Hstar", "threshold", "nonsense"]),
                                       "--points": numbers(["1", "2"]), "--seed": numbers(["0"])},
               switches=("--json", "--latex"), examples=max(3, EXAMPLES // 3),
               seconds=30.0),  # sympy: a derivation takes ~6 s on the shared machine
]

#: Words one of which every error line contains: a flag, a field or a file the user gave.
FIELD_WORDS = re.compile(r"--[a-z]|\b(n_c|s_c|L|K|d|lam|mu|dps|code|latent|WEIGHTS|W|U|W/U|tol|network|suite|seed|"
                         r"jobs|points|target|case|digits|argument|arguments|invalid choice|Zipf|mu\[\d+\]|"
                         r"gtol|epochs|n_spl|maxiter|out|optimizer|grid|sweep|command|GRID)\b")


def _argv(sub: Subcommand, data) -> list[str]:
    argv = list(sub.argv)
    chosen = data.draw(st.lists(st.sampled_from(sorted(sub.flags)), unique=True, max_size=min(3, len(sub.flags))),
                       label="flags")
    positional = [f for f in chosen if not f.startswith("--")]
    given = {}
    for flag in chosen:
        given[flag] = data.draw(sub.flags[flag], label=flag)
    for flag in positional:
        argv.append(given[flag])
    for i in range(0, len(sub.fixed), 2):  # defaults that keep valid runs small, unless the flag is drawn
        if sub.fixed[i] not in given:
            argv += [sub.fixed[i], sub.fixed[i + 1]]
    for flag in chosen:
        if flag.startswith("--"):
            argv += [flag, given[flag]] if not given[flag].startswith("-") else [f"{flag}={given[flag]}"]
    for switch in sub.switches:
        if data.draw(st.booleans(), label=switch):
            argv.append(switch)
    if "WEIGHTS" in sub.flags and "WEIGHTS" not in given:
        argv.insert(len(sub.argv), _file("weights", ".npz"))
    if "GRID" in sub.flags and "GRID" not in given:
        argv.insert(len(sub.argv), _file("grid-ok", ".toml"))
    if "TARGET" in sub.flags and "TARGET" not in given:
        argv.insert(len(sub.argv), "threshold")
    return argv


def _check_run(sub: Subcommand, argv, status, out: str, err: str, seconds: float) -> None:
    where = f"{argv!r}: status {status}\nstdout: {out[-500:]}\nstderr: {err[-1500:]}"
    assert "Traceback" not in err and "Traceback" not in out, where
    assert status in sub.statuses, where
    assert seconds < sub.seconds, f"{where}\ntook {seconds:.1f} s"
    if status == 2:
        lines = [line for line in err.splitlines() if line.strip() and not line.startswith("note:") and "\r" not in line]
        errors = [line for line in lines if line.startswith("error: ")]
        assert len(errors) == 1 and lines[-1] == errors[0], where
        assert FIELD_WORDS.search(errors[0]), where


@pytest.mark.parametrize("sub", SUBCOMMANDS, ids=[s.name for s in SUBCOMMANDS])
def test_fuzz_subcommand(sub, capsys, monkeypatch):
    monkeypatch.chdir(_FILES)

    @settings(FUZZ, max_examples=sub.examples, deadline=timedelta(seconds=sub.seconds))
    @given(data=st.data())
    def run(data):
        argv = _argv(sub, data)
        start = time.perf_counter()
        status = main(argv)
        seconds = time.perf_counter() - start
        out, err = capsys.readouterr()
        _check_run(sub, argv, status, out, err, seconds)

    run()


# The public API ---------------------------------------------------------------------------------

ANY_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True),
                      st.sampled_from(NASTY_NUMBERS + MU_NASTY), st.lists(st.integers(-3, 3), max_size=4),
                      st.sampled_from([2, 3, "1/100", 0.01, "zipf", "uniform", [0.5, 0.5]]))


def _api_calls():
    import fctheory

    def setting(a):
        return fctheory.Setting(a[0], a[1], a[2], a[3], K=a[4], d=a[5], mu=a[6])

    def small():
        return fctheory.Setting(3, 2, 3, "1/100", d=3)

    return {
        "Setting": setting,
        "predict_type1": lambda a: fctheory.predict_type1(setting(a), dps=a[7]),
        "predict_type2": lambda a: fctheory.predict_type2(setting(a), dps=a[7]),
        "predict_type3": lambda a: fctheory.predict_type3(setting(a), dps=a[7]),
        "lambda_thresholds": lambda a: fctheory.lambda_thresholds(setting(a), dps=a[7]),
        "decimal_string": lambda a: fctheory.decimal_string(a[0], a[1]),
        "measure_collapse": lambda a: fctheory.train.measure_collapse(
            np.full((3, 6), 1.0) if a[0] is None else a[0], np.ones((27, 9)) if a[1] is None else a[1], a[2], a[3], a[4]),
        "exact_risk": lambda a: fctheory.risk.exact_risk(small(), a[0] if a[0] is not None else np.ones((3, 6)),
                                                         a[1] if a[1] is not None else np.ones((27, 9)), network=a[2]),
        "check_latent_set": lambda a: fctheory.latent.check_latent_set(a[0], a[1]),
        "Problem": lambda a: fctheory.Problem(small(), a[0]),
    }


API_NAMES = sorted(["Setting", "predict_type1", "predict_type2", "predict_type3", "lambda_thresholds", "decimal_string",
                    "measure_collapse", "exact_risk", "check_latent_set", "Problem"])


@pytest.mark.parametrize("name", API_NAMES)
def test_fuzz_api(name):
    call = _api_calls()[name]

    @FUZZ
    @given(args=st.lists(ANY_VALUE, min_size=8, max_size=8))
    def run(args):
        start = time.perf_counter()
        try:
            call(args)
        except FctheoryError:
            pass
        assert time.perf_counter() - start < RUN_SECONDS

    run()


# Hostile files ----------------------------------------------------------------------------------
#
# Files a careless or hostile user may hand over, generated (not only literal cases): .npy/.npz files
# whose headers lie (any shape, dtype and data length, truncated, zip directories declaring other sizes),
# FIFOs in place of every input, tampered and malformed cache entries, symlinked lock and output files.
# Each gives one error line (exit 2) or the right answer, without a traceback or a hang; nothing is
# written through a symlink (docs/security.md).

HOSTILE = Subcommand("hostile files", (), {}, statuses=frozenset({0, 1, 2}))
NPY_DTYPES = ["<f8", "<i8", "|b1", "<c16", "|u1", "<f2", "|O", "<U5", "<M8[D]", "|V4", ">i4"]
_COUNTER = iter(range(10**9))


def _fresh(suffix: str) -> str:
    folder = os.path.join(_FILES, "hostile")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"f{next(_COUNTER)}{suffix}")


def _npy_bytes(descr: str, shape, data: bytes, fortran: bool = False) -> bytes:
    header = f"{{'descr': {descr!r}, 'fortran_order': {fortran}, 'shape': {tuple(shape)!r}, }}".encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data


@st.composite
def numpy_files(draw) -> str:
    """A file whose .npy header (alone or in an .npz) may lie about shape, dtype and data length."""
    ndim = draw(st.integers(0, 3), label="ndim")
    shape = draw(st.lists(st.one_of(st.integers(0, 40), st.integers(0, 10**13)), min_size=ndim, max_size=ndim),
                 label="shape")
    descr = draw(st.sampled_from(NPY_DTYPES), label="dtype")
    count = 1
    for n in shape:
        count *= n
    exact = count * np.dtype(descr).itemsize if descr not in ("|O",) else 0
    length = draw(st.one_of(st.integers(0, 400), st.just(exact if exact <= 2**16 else 64)), label="data bytes")
    data = bytes(draw(st.binary(min_size=min(length, 64), max_size=min(length, 64)))) * (length // 64 + 1)
    blob = _npy_bytes(descr, shape, data[:length], fortran=draw(st.booleans(), label="fortran"))
    if draw(st.booleans(), label="garbled header"):
        at = draw(st.integers(0, len(blob) - 1))
        blob = blob[:at] + bytes([draw(st.integers(0, 255))]) + blob[at + 1:]
    container = draw(st.sampled_from(["npy", "npz", "npz-deflated"]), label="container")
    if container == "npy":
        path = _fresh(".npy")
        out = blob
    else:
        import io
        import zipfile

        names = draw(st.sampled_from([("latent",), ("W", "U"), ("W",), ("latent", "W", "U")]), label="members")
        buffer = io.BytesIO()
        method = zipfile.ZIP_DEFLATED if container == "npz-deflated" else zipfile.ZIP_STORED
        with zipfile.ZipFile(buffer, "w", compression=method) as z:
            for name in names:
                z.writestr(f"{name}.npy", blob)
        out = bytearray(buffer.getvalue())
        declared = draw(st.one_of(st.none(), st.integers(0, 2**32 - 1)), label="declared size")
        if declared is not None:  # a zip directory that lies about the uncompressed size
            central = out.find(b"PK\x01\x02")
            out[central + 24: central + 28] = declared.to_bytes(4, "little")
        out = bytes(out)
        path = _fresh(".npz")
    cut = draw(st.one_of(st.none(), st.integers(0, max(len(out) - 1, 0))), label="truncated at")
    with open(path, "wb") as fh:
        fh.write(out if cut is None else out[:cut])
    return path


def _hostile_run(argv) -> None:
    from fctheory.cli.main import main as cli

    start = time.perf_counter()
    status = cli(argv)
    return status, time.perf_counter() - start


NUMPY_COMMANDS = [
    lambda p: ["measure", p, "--n-c", "3", "--s-c", "2", "--L", "3"],
    lambda p: ["latent", "check", "--n-c", "3", "--L", "3", "--latent-file", p],
    lambda p: ["predict", "type1", "--n-c", "3", "--s-c", "2", "--L", "3", "--latent-file", p, "--json"],
]


def test_fuzz_numpy_files_with_lying_headers(capsys, monkeypatch):
    monkeypatch.chdir(_FILES)

    @FUZZ
    @given(path=numpy_files(), command=st.sampled_from(NUMPY_COMMANDS))
    def run(path, command):
        argv = command(path)
        status, seconds = _hostile_run(argv)
        out, err = capsys.readouterr()
        _check_run(HOSTILE, argv, status, out, err, seconds)
        assert seconds < 2, f"{argv}: {seconds:.1f} s (a refusal must come before any allocation)"
        assert "allow_pickle" not in err

    run()


# ------------------------------------------------------------------------------------------------
# The theory floors' guards: non-ASCII digits, huge decimal exponents, sizes beyond the limits.
# Generated variants (not only the literal reproducers): every run must be refused with one error
# line naming the field, within REFUSE_SECONDS (docs/limits.md: refusals come before any work).
# ------------------------------------------------------------------------------------------------

#: A refusal is decided before anything is built or computed (in-process; the shared CI machine may
#: be slow, the measured refusals take milliseconds).
REFUSE_SECONDS = 2.0
#: Decimal digits of other scripts: full-width, Arabic-Indic, extended Arabic-Indic, Devanagari, Thai,
#: mathematical bold; and the superscripts (``"²".isdigit()`` is True).
DIGIT_SCRIPTS = (0xFF10, 0x0660, 0x06F0, 0x0966, 0x0E50, 0x1D7CE)
SUPERSCRIPTS = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _in_script(text: str, script, positions) -> str:
    digits = [i for i, ch in enumerate(text) if ch in "0123456789"]
    out = list(text)
    for i in {digits[k % len(digits)] for k in positions}:  # at least one digit changes script
        out[i] = SUPERSCRIPTS[out[i]] if script == "super" else chr(script + int(out[i]))
    return "".join(out)


#: ASCII number text (a template and its digits), then some of its digits written in another script.
NON_ASCII_NUMBERS = st.builds(
    _in_script,
    st.one_of(st.integers(1, 10**9).map(str), st.integers(1, 10**9).map(lambda n: f"1e-{n}"),
              st.integers(1, 999).map(lambda n: f"1/{n}"), st.integers(1, 99).map(lambda n: f"0.{n}"),
              st.integers(1, 10**9).map(lambda n: f"2e{n}")),
    st.sampled_from(DIGIT_SCRIPTS + ("super",)),
    st.lists(st.integers(0, 20), min_size=1, max_size=4),
)
#: Literals whose decimal exponent is beyond [-1000, 1000]: 4 to 30 exponent digits, any sign and mantissa.
HUGE_EXPONENTS = st.builds(lambda m, sign, n: f"{m}e{sign}{n}", st.sampled_from(["1", "2.5", "9", "0.1", "3/"[:1]]),
                           st.sampled_from(["", "+", "-"]), st.integers(1001, 10**30))


def _mu_variants(number: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(number, number.map(lambda v: f"zipf:{v}"), number.map(lambda v: f"{v},0.5"))


#: (argv prefix, flag, hostile value strategy) of each CLI-reachable class.
GUARD_CASES = {
    "predict lam non-ASCII": (("predict", "type2"), "--lam", NON_ASCII_NUMBERS),
    "predict lam exponent": (("predict", "threshold"), "--lam", HUGE_EXPONENTS),
    "predict mu non-ASCII": (("predict", "type3", "--K", "full", "--n-c", "2", "--s-c", "1", "--L", "2"), "--mu",
                             _mu_variants(NON_ASCII_NUMBERS)),
    "predict mu exponent": (("predict", "type3", "--K", "full", "--n-c", "2", "--s-c", "1", "--L", "2"), "--mu",
                            _mu_variants(HUGE_EXPONENTS)),
    "predict sizes non-ASCII": (("predict", "type2"), "--n-c", NON_ASCII_NUMBERS.filter(lambda v: "/" not in v)),
    "predict L beyond 10**4": (("predict", "type2", "--K", "full"), "--L", st.integers(10**4 + 1, 10**12).map(str)),
    "predict type3 cost": (("predict", "type3", "--K", "full", "--L", "3", "--mu", "zipf"), "--s-c",
                           st.integers(10**5, 10**7).map(str)),
    "predict threshold cost": (("predict", "threshold", "--K", "full", "--L", "2", "--mu", "zipf"), "--s-c",
                               st.integers(10**5, 10**7).map(str)),
    "latent check full set": (("latent", "check", "--n-c", "3"), "--L", st.integers(12, 64).map(str)),
    "latent check random K": (("latent", "check", "--n-c", "64", "--L", "64"), "--K",
                              st.integers(2**17 + 1, 10**12).map(str)),
    "measure L": (("measure", "--n-c", "3", "--s-c", "2"), "--L", st.integers(10**4 + 1, 10**12).map(str)),
    "check seed": (("check", "--n-c", "2", "--s-c", "1", "--L", "2", "--d", "2"), "--seed",
                   st.integers(-10**20, -1).map(str)),
}


def _refused_in_time(sub: Subcommand, argv: list, capsys) -> None:
    start = time.perf_counter()
    status = main(argv)
    _check_run(sub, argv, status, *capsys.readouterr(), time.perf_counter() - start)


@pytest.mark.parametrize("case", sorted(GUARD_CASES))
def test_fuzz_theory_guards_refuse_at_once(case, capsys, monkeypatch):
    monkeypatch.chdir(_FILES)
    prefix, flag, values = GUARD_CASES[case]
    sub = Subcommand(case, prefix, {}, seconds=REFUSE_SECONDS, statuses=frozenset({2}))

    @settings(FUZZ, deadline=timedelta(seconds=REFUSE_SECONDS))
    @given(value=values)
    def run(value):
        argv = list(prefix)
        if prefix[0] == "measure":
            argv.insert(1, _file("weights", ".npz"))
        _refused_in_time(sub, argv + [f"{flag}={value}"], capsys)

    run()


FIFO_COMMANDS = [
    lambda d, s: ["measure", _fifo(d, "w" + s), "--n-c", "3", "--s-c", "2", "--L", "3"],
    lambda d, s: ["latent", "check", "--n-c", "3", "--L", "3", "--latent-file", _fifo(d, "z" + s)],
    lambda d, s: ["predict", "type2", "--n-c", "3", "--s-c", "2", "--L", "3", "--latent-file", _fifo(d, "z" + s)],
    lambda d, s: ["sweep", _fifo(d, "grid" + s), "--out", os.path.join(d, "out")],
    lambda d, s: ["validate", "--dry-run", "--suite", _fifo(d, "suite" + s)],
    lambda d, s: ["study", "undersampling", "--summary-only", "--study", "samples", "--out",
                  os.path.dirname(_fifo(d, "results-samples.csv"))],
]


def _fifo(folder: str, name: str) -> str:
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        os.mkfifo(path)
    return path


def test_fuzz_fifos_in_place_of_input_files(capsys):
    import signal

    def hang(*_):
        raise AssertionError("a FIFO was opened for reading (the run blocked)")

    previous = signal.signal(signal.SIGALRM, hang)

    @FUZZ
    @given(command=st.sampled_from(FIFO_COMMANDS), suffix=st.sampled_from([".npz", ".npy", ".txt", ".toml", ".csv", ""]))
    def run(command, suffix):
        folder = _fresh("")
        os.makedirs(folder)
        argv = command(folder, suffix)
        signal.alarm(20)
        try:
            status, seconds = _hostile_run(argv)
        finally:
            signal.alarm(0)
        out, err = capsys.readouterr()
        _check_run(HOSTILE, argv, status, out, err, seconds)
        assert status == 2, argv

    try:
        run()
    finally:
        signal.signal(signal.SIGALRM, previous)


_GRID_TEXT = ('[sweep]\nname = "hostile"\ncommand = "predict type1"\n[grid]\nlam = ["1/100", "1/1000"]\n'
              '[fixed]\nn_c = 2\ns_c = 2\nL = 3\nK = 8\n')


def _pristine_sweep() -> tuple[str, str, list]:
    """A finished sweep of a two-job grid: (grid file, out folder, its rows without timings)."""
    folder = os.path.join(_FILES, "pristine-sweep")
    grid = os.path.join(folder, "grid.toml")
    out = os.path.join(folder, "out")
    if not os.path.isdir(out):
        os.makedirs(folder, exist_ok=True)
        with open(grid, "w") as fh:
            fh.write(_GRID_TEXT)
        assert main(["sweep", grid, "--out", out, "--no-progress", "--json"]) == 0
    return grid, out, _rows(out)


def _rows(out: str) -> list:
    import json

    with open(os.path.join(out, "results.jsonl")) as fh:
        rows = [json.loads(line) for line in fh]
    return [{k: v for k, v in r.items() if k not in ("seconds", "cached")} for r in rows]


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8)),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                           max_leaves=6)
ENTRY_KEYS = ["format", "key", "job", "result", "seconds", "worker", "arrays", "digest"]


@st.composite
def cache_damage(draw):
    """One edit of a cache entry's file: a field set, removed or a digit changed; the text cut; bytes;
    NaN; a folder, a FIFO or a symlink in its place."""
    return draw(st.one_of(
        st.tuples(st.just("set"), st.sampled_from(ENTRY_KEYS), JSON_VALUES),
        st.tuples(st.just("drop"), st.sampled_from(ENTRY_KEYS), st.none()),
        st.tuples(st.just("digit"), st.integers(0, 10**6), st.integers(0, 9)),
        st.tuples(st.just("cut"), st.integers(0, 10**6), st.none()),
        st.tuples(st.just("bytes"), st.binary(max_size=64), st.none()),
        st.tuples(st.just("nan"), st.sampled_from(["result", "seconds"]), st.none()),
        st.tuples(st.sampled_from(["folder", "fifo", "symlink", "dangling"]), st.none(), st.none()),
    ))


def _damage(path: str, damage, precious: str) -> None:
    import json

    kind, a, b = damage
    text = open(path, encoding="utf-8").read()
    if kind in ("set", "drop", "nan"):
        entry = json.loads(text)
        if kind == "set":
            entry[a] = b
        elif kind == "drop":
            entry.pop(a, None)
        else:
            entry[a] = float("nan") if a == "seconds" else {"x": float("nan")}
        text = json.dumps(entry)
    elif kind == "digit":
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        i = digits[a % len(digits)]
        text = text[:i] + str(b if str(b) != text[i] else (b + 1) % 10) + text[i + 1:]
    elif kind == "cut":
        text = text[: a % len(text)]
    os.unlink(path)
    if kind == "bytes":
        with open(path, "wb") as fh:
            fh.write(a)
    elif kind == "folder":
        os.mkdir(path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        os.symlink(precious, path)
    elif kind == "dangling":
        os.symlink(path + ".nowhere", path)
    else:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)


def test_fuzz_tampered_and_malformed_cache_entries_are_recomputed(capsys):
    import shutil

    grid, pristine, expected = _pristine_sweep()

    @FUZZ
    @given(damage=cache_damage(), which=st.integers(0, 1))
    def run(damage, which):
        out = _fresh("")
        shutil.copytree(pristine, out, symlinks=True)
        precious = _fresh(".txt")
        with open(precious, "w") as fh:
            fh.write("precious")
        cache = os.path.join(out, "cache")
        entry = sorted(f for f in os.listdir(cache) if f.endswith(".json"))[which]
        _damage(os.path.join(cache, entry), damage, precious)
        argv = ["sweep", grid, "--out", out, "--no-progress", "--json"]
        status, seconds = _hostile_run(argv)
        captured = capsys.readouterr()
        _check_run(HOSTILE, argv, status, captured.out, captured.err, seconds)
        assert status == 0, (damage, captured.err)
        assert _rows(out) == expected, damage  # the right answer, recomputed where the entry was damaged
        assert open(precious).read() == "precious"

    run()


OUTPUT_FILES = [".fctheory-lock", "results.csv", "results.jsonl", "summary.json"]


def test_fuzz_symlinked_lock_and_output_files(capsys):
    grid, _, expected = _pristine_sweep()
    suite = os.path.join(_FILES, "tiny-suite.toml")
    with open(suite, "w") as fh:
        fh.write('[suite]\nname = "tiny"\n[[case]]\nname = "a"\nkind = "type1"\nn_c = 2\ns_c = 2\nL = 2\nd = 3\n'
                 'lam = "1/100"\n')

    @FUZZ
    @given(name=st.sampled_from(OUTPUT_FILES), target=st.sampled_from(["precious", "dangling", "folder"]),
           command=st.sampled_from(["sweep", "validate"]))
    def run(name, target, command):
        out = _fresh("")
        os.makedirs(out)
        precious = _fresh(".txt")
        if target == "folder":
            os.makedirs(precious)
        elif target == "precious":
            with open(precious, "w") as fh:
                fh.write("precious")
        if command == "validate":
            name = ".fctheory-lock"
        os.symlink(precious, os.path.join(out, name))
        argv = (["sweep", grid, "--out", out, "--no-progress", "--json"] if command == "sweep"
                else ["validate", "--suite", suite, "--out", out, "--no-progress"])
        status, seconds = _hostile_run(argv)
        captured = capsys.readouterr()
        _check_run(HOSTILE, argv, status, captured.out, captured.err, seconds)
        if name == ".fctheory-lock":
            assert status == 2 and "symbolic link" in captured.err
        else:
            assert status == 0 and _rows(out) == expected
            assert not os.path.islink(os.path.join(out, name))
        if target == "precious":
            assert open(precious).read() == "precious"
        else:
            assert (target == "folder") == os.path.isdir(precious)
            assert os.listdir(precious) == [] if target == "folder" else not os.path.exists(precious)

    run()


def _guard_api_calls():
    import fctheory
    from fctheory._precision import decimal_string
    from fctheory.configurations import equiangular_frame
    from fctheory.latent import full_latent_set, random_latent_set

    return {
        "Setting lam": (NON_ASCII_NUMBERS | HUGE_EXPONENTS, lambda v: fctheory.Setting(3, 2, 3, v)),
        "Setting size": (NON_ASCII_NUMBERS, lambda v: fctheory.Setting(v, 2, 3, "1/100")),
        "Setting mu": (_mu_variants(NON_ASCII_NUMBERS | HUGE_EXPONENTS), lambda v: fctheory.Setting(3, 1, 3, "1/100", mu=v)),
        "decimal_string": (NON_ASCII_NUMBERS | HUGE_EXPONENTS, lambda v: decimal_string(v, 12)),
        "full_latent_set": (st.tuples(st.integers(2, 10**6), st.integers(18, 10**12)), lambda v: full_latent_set(*v)),
        "random_latent_set": (st.integers(2**17 + 1, 10**15), lambda v: random_latent_set(64, 64, v, seed=0)),
        "equiangular_frame": (st.integers(4097, 10**12), lambda v: equiangular_frame(3, v)),
        "measure_collapse L": (st.integers(10**4 + 1, 10**15),
                               lambda v: fctheory.measure_collapse(np.ones((3, 6)), np.ones((27, 9)), 3, 2, v)),
        "predict_type3 s_c": (st.integers(10**5, 10**7),
                              lambda v: fctheory.predict_type3(fctheory.Setting(3, v, 3, "1e-9", mu="zipf"))),
    }


@pytest.mark.parametrize("name", sorted(["Setting lam", "Setting size", "Setting mu", "decimal_string", "full_latent_set",
                                         "random_latent_set", "equiangular_frame", "measure_collapse L",
                                         "predict_type3 s_c"]))
def test_fuzz_theory_guards_api(name):
    values, call = _guard_api_calls()[name]

    @settings(FUZZ, deadline=timedelta(seconds=REFUSE_SECONDS))
    @given(value=values)
    def run(value):
        start = time.perf_counter()
        with pytest.raises(FctheoryError):
            call(value)
        assert time.perf_counter() - start < REFUSE_SECONDS

    run()
