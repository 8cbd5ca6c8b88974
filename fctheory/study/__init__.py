"""Studies beyond the paper: how far the closed forms hold when its assumptions are relaxed.

API index
=========
run_undersampling       both grids of the under-sampling study (docs/undersampling.md) ->
                        results-symmetry.csv, results-samples.csv, figures, summary.json
summarize_results       redraw the figures and summary.json from the results CSVs of a run
read_results            a results CSV back to rows (numbers, bools, None)
grid_path               the packaged grid file of a study (``symmetry``, ``samples``; ``quick=True``)
STUDIES, DEFAULT_OUT    the study names; the default output folder
UndersamplingRun        the outcome of run_undersampling (StudyRun per study, the summary)
symmetry_job            one job of study 1: a random latent subset, trained on the exact risk,
                        against H(τ)/H*(τ*), H_Z/H*_Z and theorem G's certified optimum
samples_job             one job of study 2: few samples, the empirical risk (its docstring defines the columns)
SYMMETRY_COLUMNS, SAMPLES_COLUMNS   the column orders of results-symmetry.csv, results-samples.csv
symmetry_summary, samples_summary   each study's fitted relationships (summary.json)
symmetry_figures, samples_figures   each study's figures
loglog_fit, fit_power_law, crossing the fits: log-log least squares; where a curve reaches a target
"""

from ._figures import samples_figures, symmetry_figures
from ._samples import SAMPLES_COLUMNS, SAMPLES_JOB, samples_job
from ._summary import crossing, fit_power_law, loglog_fit, samples_summary, symmetry_summary
from ._symmetry import SYMMETRY_COLUMNS, SYMMETRY_JOB, symmetry_job
from ._undersampling import (DEFAULT_OUT, STUDIES, StudyRun, UndersamplingRun, grid_path, read_results,
                             run_undersampling, summarize_results)

__all__ = ["SAMPLES_JOB", "SYMMETRY_JOB", "DEFAULT_OUT", "STUDIES", "SAMPLES_COLUMNS", "SYMMETRY_COLUMNS", "StudyRun",
           "UndersamplingRun", "crossing", "fit_power_law", "grid_path", "loglog_fit", "read_results",
           "run_undersampling", "samples_figures", "samples_job", "samples_summary", "summarize_results",
           "symmetry_figures", "symmetry_job", "symmetry_summary"]
