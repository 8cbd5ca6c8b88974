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
SYMMETRY_COLUMNS        the column order of results-symmetry.csv
symmetry_summary        study 1's fitted relationships (log-log least squares)
symmetry_figures        study 1's figures
loglog_fit              log10 y = a + b log10 x by least squares, with the slope's error and R²
"""

from ._samples import SAMPLES_JOB
from ._symmetry import SYMMETRY_COLUMNS, SYMMETRY_JOB, loglog_fit, symmetry_figures, symmetry_job, symmetry_summary
from ._undersampling import (DEFAULT_OUT, STUDIES, StudyRun, UndersamplingRun, grid_path, read_results,
                             run_undersampling, summarize_results)

__all__ = ["SAMPLES_JOB", "SYMMETRY_JOB", "DEFAULT_OUT", "STUDIES", "SYMMETRY_COLUMNS", "StudyRun", "UndersamplingRun", "grid_path", "loglog_fit",
           "read_results", "run_undersampling", "summarize_results", "symmetry_figures", "symmetry_job",
           "symmetry_summary"]
