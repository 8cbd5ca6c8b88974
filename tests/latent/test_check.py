"""check_latent_set, sphere_sizes and resolve_latent take a Problem as well as an array."""

import numpy as np
import pytest

from fctheory import InvalidInput, LatentSource, Problem, Setting
from fctheory.latent import check_latent_set, named_code, resolve_latent, sphere_sizes


def test_problem_and_array_give_the_same_checks():
    p = Problem.sized_by_set(Setting(3, 2, 4, "1/100"), LatentSource.code("ternary-hamming"))
    z = named_code("ternary-hamming").codewords()
    from_problem, from_array = check_latent_set(p), check_latent_set(z, 3, source="code ternary-hamming")
    assert from_problem.to_dict() == from_array.to_dict()
    assert from_problem.source == "code ternary-hamming"
    assert sphere_sizes(p).to_dict() == sphere_sizes(z, 3, source="code ternary-hamming").to_dict()
    assert resolve_latent(p) is p.latent
    with pytest.raises(InvalidInput, match="n_c"):
        check_latent_set(p, 2)
    with pytest.raises(InvalidInput, match="n_c"):
        sphere_sizes(z)
    with pytest.raises(InvalidInput, match="latent"):
        resolve_latent(p, np.asarray(p.latent))
