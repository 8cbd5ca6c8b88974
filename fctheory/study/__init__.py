"""Studies beyond the paper: how far the closed forms hold when its assumptions are relaxed.

API index
=========
run_undersampling       both grids of the under-sampling study (issue 14) -> results-symmetry.csv,
                        results-samples.csv, figures, summary.json (UndersamplingRun)
grid_path               the packaged grid file of a study (``symmetry``, ``samples``; ``quick``)
symmetry_job            one job of study 1: a random latent subset, trained on the exact risk,
                        against H(τ)/H*(τ*), H_Z/H*_Z and theorem G's certified optimum
SYMMETRY_COLUMNS        the column order of results-symmetry.csv
symmetry_summary        study 1's fitted relationships (log-log least squares)
symmetry_figures        study 1's figures
loglog_fit              log10 y = a + b log10 x by least squares, with slope error and R²
"""

from ._symmetry import SYMMETRY_COLUMNS, loglog_fit, symmetry_figures, symmetry_job, symmetry_summary

__all__ = ["SYMMETRY_COLUMNS", "loglog_fit", "symmetry_figures", "symmetry_job", "symmetry_summary"]
