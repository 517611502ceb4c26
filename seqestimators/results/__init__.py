"""Result tables of hyper-parameter searches and training histories.

:func:`results_frame` turns any search (scikit-learn's
:class:`~sklearn.model_selection.GridSearchCV` and
:class:`~sklearn.model_selection.RandomizedSearchCV`,
:class:`~seqestimators.search.SequenceSearchCV` (what :func:`seqestimators.search.optuna_search`
returns), Optuna's :class:`~optuna_integration.OptunaSearchCV` or a plain
:class:`optuna.study.Study`) into one tidy :class:`pandas.DataFrame` with a row per candidate and
a column per searched parameter under its plain name (``cell``, ``hidden_size``,
``state_policy``...). :func:`pivot_results` folds such a table into a grid (cell type x
hidden-state policy), :func:`history_frame` returns the per-epoch training history of fitted
estimators, and :func:`wrong_timesteps` counts the timesteps a prediction of class labels gets
wrong.
"""

from ._history import history_frame
from ._labels import wrong_timesteps
from ._search import as_study, pivot_results, results_frame

__all__ = ["as_study", "history_frame", "pivot_results", "results_frame", "wrong_timesteps"]
