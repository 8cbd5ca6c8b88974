"""Shared test configuration.

Every test must leave mpmath's global precision as it found it: library code
works inside ``mpmath.workdps``/private interval contexts only.
"""

import os

import mpmath
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _global_precision_untouched():
    before = (mpmath.mp.prec, mpmath.iv.prec)
    yield
    after = (mpmath.mp.prec, mpmath.iv.prec)
    assert after == before, f"global mpmath precision changed: {before} -> {after}"


def _hold_lock(directory, command, ready, release):
    from fctheory._io import directory_lock

    with directory_lock(directory, command=command):
        ready.set()
        release.wait(20)


@pytest.fixture
def lock_held_elsewhere():
    """``with lock_held_elsewhere(directory[, command]) as pid:`` — another process holds the directory's lock."""
    import contextlib
    import multiprocessing

    @contextlib.contextmanager
    def hold(directory, command="fctheory"):
        ctx = multiprocessing.get_context("fork")
        ready, release = ctx.Event(), ctx.Event()
        holder = ctx.Process(target=_hold_lock, args=(str(directory), command, ready, release))
        holder.start()
        try:
            assert ready.wait(20)
            yield holder.pid
        finally:
            release.set()
            holder.join(20)

    return hold


#: Tests that take more than about 1.5 s each (end-to-end reproductions and studies, worker pools and Dask
#: clusters, CLI runs of whole derivations and suites, mutation sweeps over derivations): the fast tier
#: ``python -m pytest -m "not slow"`` leaves them out; the default run (and CI) keeps them.  A prefix of a
#: node id marks every parametrization of that test.  Measured with ``--durations`` on a 2-core machine.
SLOW_TESTS = (
    "tests/cli/test_derive.py::test_json_every_step_proved_and_linked",
    "tests/cli/test_derive.py::test_json_threshold",
    "tests/cli/test_derive.py::test_json_with_latex_chain",
    "tests/cli/test_derive.py::test_latex_and_text",
    "tests/cli/test_reproduce.py::test_dtype_reaches_the_trainer_here_and_in_jobs",
    "tests/cli/test_reproduce.py::test_quick_all_is_a_list_in_the_papers_order",
    "tests/cli/test_reproduce.py::test_quick_fig3_json_files_and_measure",
    "tests/cli/test_reproduce.py::test_quick_sgd_with_epochs",
    "tests/cli/test_reproduce.py::test_quick_table_and_zipf_figure",
    "tests/cli/test_reproduce.py::test_several_seeds_are_jobs_in_seed_folders_and_a_rerun_reuses_them",
    "tests/cli/test_reproduce.py::test_worker_processes_give_the_numbers_of_this_process",
    "tests/cli/test_validate.py::test_validate_fails_with_nonzero_status",
    "tests/cli/test_validate.py::test_validate_jobs_two_processes",
    "tests/cli/test_validate.py::test_validate_on_a_local_dask_cluster",
    "tests/cli/test_validate.py::test_validate_reduced_suite_passes_and_resumes",
    "tests/latent/test_assumption_b.py::test_failing_sets_have_a_witness",
    "tests/latent/test_assumption_b.py::test_sdp_confirms_the_psd_clause_adds_nothing",
    "tests/operations/test_fixtures.py::test_cli_grid_and_api_give_the_same_dict",
    "tests/operations/test_operations.py::test_reproduce_job_is_the_reproduction_json_with_its_weights",
    "tests/report/test_report_reproduce.py::test_quick_reproductions_are_checked_and_linked",
    "tests/report/test_report_runner.py::test_a_failing_case_is_recorded_and_the_others_go_on",
    "tests/report/test_report_runner.py::test_certificate_section",
    "tests/report/test_report_runner.py::test_local_processes_and_a_dask_cluster_give_the_in_process_numbers",
    "tests/reproduce/test_reproduce_pieces.py::test_figures_are_written",
    "tests/reproduce/test_walkthrough.py::test_walkthrough_quick_runs_as_a_plain_script",
    "tests/study/test_samples.py::test_figures_are_written",
    "tests/study/test_undersampling.py::test_the_quick_study_end_to_end_then_resumed_from_the_cache",
    "tests/sweep/test_dask.py::test_a_local_cluster_gives_the_in_process_results_despite_a_failure_and_a_dead_worker",
    "tests/sweep/test_runner.py::test_a_job_that_always_kills_its_worker_fails_and_its_pool_mate_does_not",
    "tests/sweep/test_runner.py::test_two_workers_give_the_in_process_results_despite_a_failure_and_a_dead_worker",
    "tests/symbolic/test_derivations.py::test_every_step_verifies_and_is_linked",
    "tests/symbolic/test_derivations.py::test_latex_chain_and_dict",
    "tests/symbolic/test_docs_pages.py::test_write_then_check",
    "tests/symbolic/test_lambdify.py::test_bad_arguments",
    "tests/symbolic/test_mutations.py::test_F_plus_L_log_2",
    "tests/symbolic/test_mutations.py::test_H_with_K_over_nL_squared_result",
    "tests/symbolic/test_mutations.py::test_a_replaced_result_is_rejected",
    "tests/symbolic/test_mutations.py::test_a_step_changed_on_one_side_is_named",
    "tests/symbolic/test_mutations.py::test_a_wrong_sign_claim_is_rejected",
    "tests/symbolic/test_mutations.py::test_chain_cut_to_its_result_step",
    "tests/symbolic/test_mutations.py::test_random_middle_step_scaled_on_both_sides_is_caught_by_its_link",
    "tests/symbolic/test_mutations.py::test_small_size_terms_pass_the_sampled_points_but_are_not_proved",
    "tests/symbolic/test_numeric_agreement.py::test_lambda_thresholds",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
