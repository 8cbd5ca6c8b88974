"""check_latent_set and sphere_sizes take a Problem as well as an array; resolve_latent takes a Setting only."""

import numpy as np
import pytest

from fctheory import InvalidInput, InvalidLatentSet, LatentSource, Problem, Setting
from fctheory.latent import check_latent_set, named_code, resolve_latent, sphere_sizes


def test_problem_and_array_give_the_same_checks():
    p = Problem.sized_by_set(Setting(3, 2, 4, "1/100"), LatentSource.code("ternary-hamming"))
    z = named_code("ternary-hamming").codewords()
    from_problem, from_array = check_latent_set(p), check_latent_set(z, 3, source="code ternary-hamming")
    assert from_problem.to_dict() == from_array.to_dict()
    assert from_problem.source == "code ternary-hamming"
    assert sphere_sizes(p).to_dict() == sphere_sizes(z, 3, source="code ternary-hamming").to_dict()
    with pytest.raises(InvalidInput, match="n_c"):
        check_latent_set(p, 2)
    with pytest.raises(InvalidInput, match="n_c"):
        sphere_sizes(z)


def test_resolve_latent_takes_a_setting_not_a_problem():
    """A Problem's rows are problem.latent; resolve_latent is how a Problem validates them (no cycle)."""
    p = Problem(Setting(3, 2, 3, "1/100"))
    assert np.array_equal(resolve_latent(p.setting), p.latent)
    with pytest.raises(InvalidLatentSet, match="problem.latent"):
        resolve_latent(p)
    with pytest.raises(InvalidLatentSet, match="setting"):
        resolve_latent("paper")
