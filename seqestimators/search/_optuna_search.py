"""optuna_search: build and fit a SequenceSearchCV in one call."""

from __future__ import annotations

from ._cv import SequenceSearchCV

__all__ = ["optuna_search"]


def optuna_search(estimator, X, y, *, param_distributions=None, n_trials=20, cv=3, scoring=None,
                  storage=None, study_name=None, pruning=True, n_jobs=1, timeout=None,
                  random_state=None, **search_kwargs):
    """Search cell type, hidden size and state policy (and more) with Optuna; return the fit.

    Builds a :class:`SequenceSearchCV` and fits it on ``X, y``. With the same ``storage`` and
    ``study_name`` (and the same data, search space, estimator and CV), a second call continues
    the same study: it runs only the trials still missing to reach ``n_trials`` finished ones
    (none are lost when a run was killed) and refits the best of all of them. A named study
    refuses other data, space, estimator parameters or CV (:class:`StudyMismatchError`).
    Without ``study_name`` and ``storage``, nothing is written to disk.

    Parameters
    ----------
    estimator : estimator instance
        A sequence estimator (e.g. :class:`~seqestimators.RNNClassifier`) or a Pipeline ending
        in one; the parameters that are not searched keep its values.
    X : array-like of shape (n_samples, n_timesteps, n_features) or list of arrays
        Training sequences.
    y : array-like or list of arrays
        Targets.
    param_distributions : dict of str to optuna distribution, default=None
        The search space; None means :func:`default_param_distributions` (cell, hidden size,
        state policy, layers, learning rate).
    n_trials : int or None, default=20
        Total number of finished trials the study should hold (see :class:`SequenceSearchCV`).
    cv : int, cross-validation generator or iterable, default=3
        Cross-validation splitting.
    scoring : str or callable, default=None
        A scikit-learn scorer; None uses the estimator's ``score``.
    storage : str, path-like, optuna.storages.BaseStorage or None, default=None
        None keeps a study without ``study_name`` in memory (no file; a temporary journal
        file, deleted afterwards, when ``n_jobs > 1``) and a named study in the SQLite file
        ``seqestimators-studies.db`` in the current directory (:data:`DEFAULT_STORAGE`); a
        path ending in ``.log`` / ``.journal`` is a journal file for several processes; another
        string is a database URL (e.g. PostgreSQL for several machines). See
        :func:`make_storage`.
    study_name : str, default=None
        Name of the study to create or continue; None creates a new, uniquely named one. A
        named study is tied to the data, space, estimator parameters and CV of its first fit.
    pruning : bool, default=True
        Stop unpromising trials early on their per-epoch validation score.
    n_jobs : int, default=1
        Worker processes sharing the study (-1: one per core).
    timeout : float, default=None
        Seconds after which no new trial starts.
    random_state : int, RandomState instance or None, default=None
        Seeds the sampler and the validation split used for pruning.
    **search_kwargs : dict
        Further parameters of :class:`SequenceSearchCV` (``sampler``, ``pruner``, ``refit``,
        ``heartbeat_interval``, ...).

    Returns
    -------
    search : SequenceSearchCV
        The fitted search: ``best_estimator_``, ``best_params_``, ``best_score_``, ``study_``,
        ``cv_results_`` and ``trials_dataframe()``.

    Raises
    ------
    StudyMismatchError
        When the named study in ``storage`` was run on other data, another search space,
        other estimator parameters or another CV; pass another ``study_name`` (or None).

    Examples
    --------
    >>> import os, tempfile
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.datasets import make_delayed_echo
    >>> from seqestimators.search import optuna_search
    >>> X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    >>> est = RNNClassifier(hidden_size=8, max_epochs=5, random_state=0)
    >>> db = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "studies.db")
    >>> search = optuna_search(est, X, y, n_trials=2, storage=db, study_name="echo",
    ...                        random_state=0)
    >>> sorted(search.best_params_)
    ['cell', 'hidden_size', 'lr', 'num_layers', 'state_policy']
    >>> search = optuna_search(est, X, y, n_trials=3, storage=db, study_name="echo",
    ...                        random_state=0)  # continues: one more trial
    >>> len(search.study_.trials)
    3
    """
    search = SequenceSearchCV(
        estimator, param_distributions, n_trials=n_trials, cv=cv, scoring=scoring,
        storage=storage, study_name=study_name, pruning=pruning, n_jobs=n_jobs,
        timeout=timeout, random_state=random_state, **search_kwargs)
    return search.fit(X, y)
