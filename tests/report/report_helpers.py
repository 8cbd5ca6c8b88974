"""A reduced suite (tiny settings, a few seconds) for the report and CLI tests."""

REDUCED_SUITE = """
[suite]
name = "reduced"
description = "tiny settings for the tests"
tolerance = {tolerance}
zero_tolerance = 1e-8

[[case]]
name = "t1"
kind = "type1"
n_c = 3
s_c = 2
L = 2
d = 7
lam = "1/50"

[[case]]
name = "t2"
kind = "type2"
n_c = 2
s_c = 2
L = 2
d = 3
lam = "1/20"
mu = "zipf"

[[case]]
name = "t3"
kind = "type3"
n_c = 2
s_c = 3
L = 2
d = 7
lam = "1/50"
mu = "zipf"
seeds = [0, 1]

[[case]]
name = "triv"
kind = "trivial"
n_c = 2
s_c = 2
L = 2
d = 5
lam_over_threshold = 2.0

[[case]]
name = "code"
kind = "code"
code = "parity:2:3"
n_c = 2
s_c = 2
L = 3
d = 5
lam = "1/50"
"""


def write_reduced_suite(path, tolerance="1e-8", cases=None):
    """Write the reduced suite to ``path``; ``cases``: the names of the cases to keep (default all)."""
    head, *blocks = REDUCED_SUITE.format(tolerance=tolerance).split("[[case]]\n")
    if cases is not None:
        blocks = [b for b in blocks if b.split("\n", 1)[0] in {f'name = "{name}"' for name in cases}]
        assert len(blocks) == len(cases), cases
    path.write_text(head + "".join("[[case]]\n" + b for b in blocks))
    return path
