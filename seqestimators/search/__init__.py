"""Optuna searches over cell type, hidden size and hidden-state policy, on one machine or many.

:func:`optuna_search` runs a cross-validated Optuna study over a recurrent estimator and returns a
fitted :class:`SequenceSearchCV` (a scikit-learn search whose trials
prune on the per-epoch validation score). Without ``study_name`` and ``storage`` the study lives
in memory and nothing is written to disk; a named study is kept in an embedded SQLite file by
default, so calling the search again with the same ``storage`` and ``study_name`` continues it; a
journal file lets several worker processes share one study on one machine, and an Optuna RDB URL
(PostgreSQL) lets workers on many machines share it. A study records what it was run on (the
data, the search space, the estimator's parameters and the cross-validation) and refuses to be
continued on anything else (:class:`StudyMismatchError`).

The package's rooms: ``_space`` (the default search space, built from the registries of cells
and state policies), ``_storage`` (storages and study creation), ``_fingerprint`` (what a study
was run on), ``_pruning`` (the skorch callback reporting epochs to the trial), ``_trials`` (the
objective and the optimize loop), ``_fitted`` (the fitted search's attributes and delegated
methods), ``_cv`` (:class:`SequenceSearchCV`) and ``_optuna_search``.
"""

from ._cv import SequenceSearchCV
from ._fingerprint import StudyMismatchError, estimator_fingerprint
from ._optuna_search import optuna_search
from ._space import default_param_distributions, estimator_params_in
from ._storage import DEFAULT_STORAGE, create_study, make_storage

__all__ = [
    "DEFAULT_STORAGE",
    "SequenceSearchCV",
    "StudyMismatchError",
    "create_study",
    "default_param_distributions",
    "estimator_fingerprint",
    "estimator_params_in",
    "make_storage",
    "optuna_search",
]
