"""Studies beyond the paper: how far the closed forms hold when its assumptions are relaxed.

API index
=========
run_undersampling       both grids of the under-sampling study (docs/undersampling.md) -> results-symmetry.csv,
                        results-samples.csv, figures, summary.json (UndersamplingRun: a StudyRun per study)
summarize_results       redraw the figures and summary.json from the results CSVs of a run
read_results            a results CSV back to rows (numbers, bools, None)
grid_path               the packaged grid file of a study (one of STUDIES; ``quick=True``); DEFAULT_OUT
symmetry_job            study 1: a random latent subset on the exact risk against H(τ)/H*(τ*), H_Z/H*_Z and
                        theorem G's certified optimum (SYMMETRY_COLUMNS, SYMMETRY_JOB)
samples_job             study 2: few samples, the empirical risk (SAMPLES_COLUMNS, SAMPLES_JOB)
symmetry_summary, samples_summary, symmetry_figures, samples_figures   each study's fits and figures
loglog_fit, fit_power_law, crossing    log-log least squares; where a curve reaches a target
"""

from ._figures import samples_figures, symmetry_figures
from ._samples import SAMPLES_COLUMNS, SAMPLES_JOB, samples_job
from ._summary import crossing, fit_power_law, loglog_fit, samples_summary, symmetry_summary
from ._symmetry import SYMMETRY_COLUMNS, SYMMETRY_JOB, symmetry_job
from ._undersampling import (DEFAULT_OUT, STUDIES, StudyRun, UndersamplingRun, grid_path, read_results,
                             run_undersampling, summarize_results)

__all__ = sorted(name for name in dir() if not name.startswith("_"))
