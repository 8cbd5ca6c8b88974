"""hessian='auto' chooses its Hessian-vector products by size, deterministically (issue 12,
finding 13: a timing made training depend on the machine's load)."""

import numpy as np

from fctheory import Setting
from fctheory.train import train_network
from fctheory.train._trainer import HVP_EXACT
from fctheory.train._minimize import EXACT_HVP_MAX_BYTES, choose_hvp_method


def test_the_choice_depends_on_the_size_only():
    assert choose_hvp_method(Setting(3, 2, 3, "1/100", d=4)) == ("exact", "")
    method, note = choose_hvp_method(Setting(4, 40, 5, "1/100", d=4))  # n_w**3 K = 4.1e6 * 1024 entries
    assert method == "fd" and f"{EXACT_HVP_MAX_BYTES // 2**20} MiB" in note


def test_training_twice_is_bit_identical():
    s = Setting(2, 2, 2, "1/50", d=3)
    a, b = train_network(s, seed=3), train_network(s, seed=3)
    assert a.hvp_method == b.hvp_method == HVP_EXACT
    assert np.array_equal(a.W, b.W) and np.array_equal(a.U, b.U) and a.risk == b.risk
