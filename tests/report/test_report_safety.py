"""Issue 12's findings on validation suites and output directories: preconditions checked when a
suite is loaded (1), the cost estimate and its limit (8), unreadable cache entries (11), one writer
per directory (14), file modes (15), --list (18), binary TOML (12), snake_case keys (16)."""

import json
import os
import stat

import numpy as np
import pytest

from fctheory.cli.main import main
from fctheory.errors import InvalidInput, ProblemTooLarge
from fctheory.report import (MAX_CASE_LOGITS, DirectoryInUse, case_cost, check_costs, directory_lock, load_suite,
                             shipped_suites)
from fctheory.report._cases import quantity_key, quantity_keys
from fctheory._io import atomic_write_npz, atomic_write_text, write_json
from fctheory.report import run_suite

CASE = '[suite]\nname = "x"\n[[case]]\nname = "a"\nkind = "{kind}"\nn_c = {n_c}\ns_c = {s_c}\nL = {L}\nd = {d}\n' \
       'lam = "{lam}"\nmu = "{mu}"\n'


def _suite(tmp_path, **fields):
    values = dict(kind="type1", n_c=3, s_c=2, L=3, d=7, lam="1/100", mu="uniform")
    values.update(fields)
    path = tmp_path / "s.toml"
    path.write_text(CASE.format(**values))
    return str(path)


@pytest.mark.parametrize("fields,field,needle", [
    ({"mu": "zipf"}, "mu", "theorem 1 assumes uniform"),  # was 'Theorem 1 FAIL 0/8' after training
    ({"lam": "1"}, "lam", "below the type-I threshold"),
    ({"kind": "type3", "mu": "zipf", "lam": "1"}, "lam", r"below the type-III threshold \(eq. 9\)"),
    ({"kind": "type2", "d": 2}, "d", "an integer >= n_c = 3"),
    ({"kind": "trivial", "lam": "1/1000"}, "lam", "at or above"),
])
def test_preconditions_are_checked_when_the_suite_is_loaded(tmp_path, fields, field, needle):  # finding 1
    with pytest.raises(InvalidInput, match=needle) as info:
        load_suite(_suite(tmp_path, **fields))
    assert info.value.field == f"case 'a'.{field}"


def test_a_binary_suite_file_is_a_clear_error(tmp_path):  # finding 12
    path = tmp_path / "b.toml"
    path.write_bytes(b"\xff\xfe[suite]\x80")
    with pytest.raises(InvalidInput, match="UTF-8"):
        load_suite(str(path))


def test_cost_estimate_and_its_limit(tmp_path, capsys):  # finding 8
    suite = load_suite(_suite(tmp_path, kind="type3", n_c=2, s_c=9, L=7, d=20, lam="1/1000", mu="zipf"))
    cost = case_cost(suite.cases[0])
    assert cost.K == 128 and cost.sentences == 128 * 9**7 and cost.logits == 128 * 9**7 * 128 > MAX_CASE_LOGITS
    with pytest.raises(ProblemTooLarge, match="--force"):
        check_costs(suite)
    assert check_costs(suite, force=True)[0] == cost
    out = tmp_path / "never"
    assert main(["validate", "--suite", suite.path, "--out", str(out), "--no-progress"]) == 2
    assert "exceeds the limit" in capsys.readouterr().err and not out.exists()
    assert main(["validate", "--suite", suite.path, "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "REFUSED without --force" in text and "7.84e+10" in text and " h on a 2-core machine" in text  # 7.84e10 logits: ~2 h of training


def test_validate_list_has_one_line_per_suite(capsys):  # finding 18
    assert main(["validate", "--list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    names = [name for name, _, _ in shipped_suites()]
    assert {"default", "extended"} <= set(names) and len(lines) == len(names)
    assert all(line.split()[0] in names and "cases" in line for line in lines)


def test_an_unreadable_cache_entry_is_a_miss(tmp_path, fixed_code_fingerprint):  # finding 11
    suite = load_suite(_suite(tmp_path))
    out = tmp_path / "rep"
    first = run_suite(suite, out, progress=False)
    key = first.records[0]["cache_key"]
    npz, entry = out / "cache" / f"{key}.npz", out / "cache" / f"{key}.json"
    assert run_suite(suite, out, progress=False).cached == 1
    data, text = npz.read_bytes(), entry.read_text()
    for broken in (b"", data[: len(data) // 2], b"garbage"):
        npz.write_bytes(broken)
        again = run_suite(suite, out, progress=False)
        assert again.cached == 0 and again.records[0]["measured"] == first.records[0]["measured"]
        assert np.load(npz)["W"].shape == (7, 6)  # recomputed and overwritten
    entry.write_text('{"name": ')
    assert run_suite(suite, out, progress=False).cached == 0
    assert json.loads(entry.read_text())["key"] == key


def test_one_writer_per_directory(tmp_path, lock_held_elsewhere):
    with lock_held_elsewhere(tmp_path) as pid:
        with pytest.raises(DirectoryInUse, match=f"directory in use by pid {pid}"):
            with directory_lock(str(tmp_path)):
                pass
    with directory_lock(str(tmp_path)):  # released when the holder exited
        with directory_lock(str(tmp_path)):  # and re-entrant in one process
            pass


def test_output_files_honour_the_umask(tmp_path):  # finding 15
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
        os.umask(0o077)
        atomic_write_npz(tmp_path / "b.npz", W=np.ones(1))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "a.txt").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "b.npz").st_mode) == 0o600


def test_results_json_is_standard_json(tmp_path):  # finding 16
    write_json(tmp_path / "r.json", {"a": float("nan"), "b": [float("inf"), 1.5]})
    text = (tmp_path / "r.json").read_text()
    assert "NaN" not in text and "Infinity" not in text and json.loads(text) == {"a": None, "b": [None, 1.5]}


def test_quantity_keys_are_snake_case_and_unique():  # finding 16
    names = ["word norm c = sqrt(tau/n_w)", "block norm c' = sqrt(tau/(K L))", "||W||_F^2 = ||U||_F^2 = tau",
             "r_1 (mu_1 = 0.5)", "collapse verdict (tol 1e-06)", "min R* = H*(tau*)", "block norm c", "block norm c"]
    keys = quantity_keys(names)
    assert keys == ["word_norm_c", "block_norm_c_prime", "w_frobenius_squared", "r_1", "collapse_verdict",
                    "min_r_star", "block_norm_c", "block_norm_c_2"]
    assert all(k == quantity_key(k) for k in keys[:-1])


def test_a_tiny_threshold_is_printed_not_rounded_to_zero(tmp_path):  # finding 12: "threshold 0"
    with pytest.raises(InvalidInput) as info:
        load_suite(_suite(tmp_path, n_c=2, s_c=1, L=2100, d=7, lam="1/1000"))
    assert "λ_I (theorem 1) = 2.68596e-315" in str(info.value)  # float() gave 0.0


def test_a_huge_d_is_refused_before_anything_is_allocated(tmp_path, capsys):  # finding 10, suites
    from fctheory.report import MAX_CASE_BYTES

    suite = load_suite(_suite(tmp_path, d=5_000_000))
    cost = case_cost(suite.cases[0])
    assert cost.memory_bytes >= 3 * 8 * 5_000_000**2 > MAX_CASE_BYTES and cost.too_large
    with pytest.raises(ProblemTooLarge, match="smaller d"):
        check_costs(suite)
    out = tmp_path / "never"
    assert main(["validate", "--suite", suite.path, "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("error: ") and "frame rotation" in err and not out.exists()
    assert main(["validate", "--suite", suite.path, "--dry-run"]) == 0
    assert "REFUSED without --force" in capsys.readouterr().out
