"""The paper's experiments (section 2, figures 3 and 4; section 3, K = 50) reproduced beside the theory.

``reproduce_experiment("fig3")`` samples the data of section 2, trains the network with
:mod:`fctheory.empirical` (full-batch L-BFGS or the paper's SGD), measures the weights as the
paper does and puts them beside the paper's numbers, the certified optimum of the run's own latent
set and the theorems' closed forms; with ``out=`` it writes the figures, the JSON and ``weights.npz``.

Experiments        EXPERIMENTS (fig3, fig4a, fig4b, fig4c, k50), Experiment, QuickSetting (the
                   reduced run of each), ReferenceValues, experiment
Running            reproduce_experiment, reproduce_all -> ReproductionResult (to_dict: the JSON contract)
Pieces             measure_weights, theory_predictions, optimum_predictions (the run's own latent
                   set's certified optimum), format_table, comparison_rows, gap_lines,
                   pca_figure, word_norm_figure, convergence_figure, write_weights
"""

from ._experiments import (EXPERIMENT_NAMES, EXPERIMENTS, Experiment, QuickSetting, ReferenceValues, experiment,
                           experiment_setting)
from ._figures import convergence_figure, pca_figure, word_norm_figure
from ._measure import WeightMeasurements, measure_weights, pca, word_features
from ._predict import OPTIMUM_THEOREM, optimum_predictions, theory_predictions
from ._results import JSON_KEYS, ReproductionResult
from ._run import OPTIMIZERS, checkpoint_name, prepare_out, reproduce_all, reproduce_experiment, write_weights
from ._table import COLUMNS, comparison_rows, format_table, gap_lines

#: Every public name imported above.
__all__ = sorted(name for name in dir() if not name.startswith("_"))
