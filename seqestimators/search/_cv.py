"""SequenceSearchCV: the cross-validated Optuna search, with pruning, storages and workers."""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import time
import warnings
from numbers import Integral, Real

import numpy as np
import optuna
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from optuna.distributions import BaseDistribution
from optuna.storages import InMemoryStorage
from optuna.trial import TrialState
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import get_tags

# The estimators declare their parameters with the same (private) scikit-learn validation
# helpers; scikit-learn has no public equivalent for declared constraints.
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    validate_parameter_constraints,
)
from skorch.dataset import ValidSplit

from ..data import check_seed
from ..sequences import frame_to_sequences
from ._fingerprint import check_fingerprint, n_samples, study_fingerprint
from ._fitted import FittedStudySearch
from ._pruning import TrialPruningCallback
from ._space import (
    default_param_distributions,
    estimator_params_in,
    final_estimator,
    per_sequence_targets,
    space_size,
)
from ._storage import check_direction, make_storage
from ._trials import (
    Problem,
    missing_trials,
    optimize,
    optuna_quiet,
    run_queued_trials,
    run_worker,
    validation_share,
)

__all__ = ["SequenceSearchCV"]


class SequenceSearchCV(MetaEstimatorMixin, FittedStudySearch, BaseEstimator):
    """Cross-validated Optuna search over a sequence estimator, with pruning and storage.

    A scikit-learn meta-estimator with the fitted attributes of
    :class:`optuna_integration.OptunaSearchCV` (``study_``, ``best_params_``, ``best_score_``,
    ``best_estimator_``, ``trials_dataframe()``, ...) and of scikit-learn's searches
    (``cv_results_``, ``best_index_``, prediction methods of ``best_estimator_``), whose trials:

    * report the validation score of every epoch of their first CV fold to the pruner and stop
      early when it says so (``pruning=True``; the estimator gets a
      :class:`skorch.dataset.ValidSplit` holding out ``validation_fraction`` of every training
      fold unless it has a ``train_split``);
    * live in a persistent storage when the study is named (an SQLite file by default), so that
      fitting again with the same ``storage`` and ``study_name`` continues the study, on the
      same data, space, estimator and CV only (:class:`StudyMismatchError` otherwise);
    * run in ``n_jobs`` worker processes sharing that storage;
    * are not refitted when their parameters repeat those of a finished trial of the study
      (they take its result; user attribute ``duplicate_of``);
    * fail without stopping the study when training diverges.

    Use :func:`optuna_search` to build and fit it in one call.

    It is a :class:`~sklearn.base.BaseEstimator` and
    :class:`~sklearn.base.MetaEstimatorMixin`, not an ``OptunaSearchCV`` nor a
    :class:`~sklearn.model_selection.BaseSearchCV`: ``OptunaSearchCV.fit`` runs one in-process
    study without storage, resumption, fingerprints or per-epoch pruning of skorch nets, so
    every line of it was replaced, and its ``__init__`` (which validates and warns) could not
    be called with these parameters; what remained were delegating properties guarded by a
    private method. ``BaseSearchCV`` evaluates candidates that its ``_run_search`` hook (a
    private name) proposes in batches and builds ``cv_results_`` from the candidates it ran,
    while here trials are asked and told one by one, may be pruned, failed or run by other
    processes, and ``cv_results_`` comes from the stored study. The conventions of both are
    kept: the same attribute names and meanings, prediction methods available only where
    ``best_estimator_`` has them (:func:`~sklearn.utils.metaestimators.available_if`).

    Parameters
    ----------
    estimator : estimator instance
        A sequence estimator (e.g. :class:`~seqestimators.RNNClassifier`), or a
        :class:`~sklearn.pipeline.Pipeline` ending in one.
    param_distributions : dict of str to optuna distribution, default=None
        The search space; None means :func:`default_param_distributions` for ``estimator``.
    n_trials : int or None, default=20
        The total number of finished (COMPLETE or PRUNED) trials the study should hold, not the
        number to add. A new study runs ``n_trials`` trials; a resumed one (same ``storage``,
        ``study_name``, data, space, estimator and CV: e.g. after the process was killed) runs
        only the missing ones, and trials running in other workers count as finishing. FAILED
        trials do not count: each process makes at most as many attempts as trials were missing
        when it started, so calling again replaces failed trials. Trials that repeat the
        parameters of an earlier one count (they cost no fit; see ``duplicate_of`` below).
        None runs until ``timeout``.
    cv : int, cross-validation generator or iterable, default=3
        As in :func:`sklearn.model_selection.cross_validate`; the splits are drawn once per
        fit and shared by all its trials.
    scoring : str or callable, default=None
        One scikit-learn scorer (higher is better); None uses the estimator's ``score``.
    storage : str, path-like, optuna.storages.BaseStorage or None, default=None
        Where the study lives (see :func:`make_storage`). None with a ``study_name`` is
        :data:`DEFAULT_STORAGE`, the SQLite file ``seqestimators-studies.db`` in the current
        working directory (so that the study resumes); None without a ``study_name`` writes no
        file: the study lives in an :class:`~optuna.storages.InMemoryStorage`, and with
        ``n_jobs > 1`` in a temporary journal file shared by the workers, deleted (the study
        copied into memory) before ``fit`` returns.
    study_name : str, default=None
        The study to create or continue; None creates a new study with a unique name. A study
        records what it was first fitted on (a fingerprint of ``X``, ``y``, ``groups`` and fit
        parameters; the search space; ``estimator.get_params(deep=False)`` but ``device``,
        ``num_threads`` and ``verbose``; the CV splits, ``scoring`` and the validation share
        below) in its user attribute
        ``"seqestimators_fingerprint"``; continuing it on anything else raises
        :class:`StudyMismatchError`. ``random_state``, ``sampler``, ``pruner``, ``n_trials``,
        ``timeout`` and ``n_jobs`` may change between runs.
    pruning : bool, default=True
        Prune trials on their per-epoch validation score.
    n_jobs : int, default=1
        Worker processes (not threads), each running trials with one torch thread on the shared
        storage; -1 means one per CPU core. ``n_jobs > 1`` needs a storage that processes can
        share (not an :class:`~optuna.storages.InMemoryStorage`).
    timeout : float, default=None
        Stop starting trials after this many seconds (per worker process).
    random_state : int, RandomState instance or None, default=None
        Seeds the sampler (from the seed and the number of trials already in the study, so a
        resumed study does not repeat its first trials) and the validation split of pruning.
    sampler : optuna.samplers.BaseSampler, default=None
        None means :class:`~optuna.samplers.TPESampler` seeded from ``random_state``.
    pruner : optuna.pruners.BasePruner, default=None
        None means ``MedianPruner(n_startup_trials=5, n_warmup_steps=5)``: from the sixth
        trial on, a trial whose validation score after epoch 6 or later is below the median of
        earlier trials at the same epoch is stopped.
    monitor : str, default=None
        The history key reported for pruning; it must be higher-is-better, like the study.
        None means the estimator's per-epoch validation score (``valid_acc`` for classifiers,
        ``valid_r2`` for regressors).
    validation_fraction : float in (0, 1), default=0.2
        The share of every training fold that pruned searches hold out for the per-epoch
        validation score the pruner reads (``pruning=True`` and an estimator without
        ``train_split`` only; otherwise unused). The trials' models are then trained on
        ``1 - validation_fraction`` of each training fold (80 % by default), so their CV
        scores, ``best_score_`` included, are those of models trained on less data than
        ``best_estimator_``, which is refitted on all of ``X, y``. Every trial records the share
        its fits held out in its user attribute ``validation_fraction`` (0.0 without a
        validation split; a column of :func:`~seqestimators.results.results_frame`). The same
        name as in :class:`~sklearn.neural_network.MLPClassifier`, where it is likewise only
        used with early stopping.
    heartbeat_interval, grace_period, max_retry
        Heartbeats of RDB storages given as URLs or None (see :func:`make_storage`).
    refit : bool, default=True
        Refit ``estimator`` (as given, without the pruning callback and validation split) with
        the best parameters on all of ``X, y``.
    return_train_score : bool, default=False
        Also record the training scores of every fold.
    catch : tuple of exception types, default=(FloatingPointError,)
        Exceptions that fail a trial without stopping the study;
        :class:`~seqestimators.callbacks.TrainingDivergedError` is a ``FloatingPointError``.
    callbacks : list of callable, default=None
        Optuna study callbacks ``callback(study, frozen_trial)``.
    verbose : int, default=0
        0 logs only Optuna's warnings (failed trials), 1 every finished trial.
    start_from_estimator : bool, default=True
        Make the first trial of a new study the estimator's own values of the searched
        parameters (:func:`estimator_params_in`; with the default space and estimator: the
        defaults), when the space holds every one of them; otherwise the sampler draws all
        trials. The search then knows how well the defaults do, and its best CV score is never
        below theirs. Such a trial has the user attribute ``start_from_estimator``.

    Attributes
    ----------
    study_ : optuna.Study
        The study, holding the trials of every run that used the same storage and name.
    best_estimator_ : estimator
        ``estimator`` refitted with ``best_params_`` (when ``refit``).
    best_params_ : dict
        The parameters of the best trial of the whole study.
    best_score_ : float
        Its mean cross-validated score.
    cv_results_ : dict of str to list
        One entry per trial of the study, in the format of scikit-learn's searches:
        ``params``, ``param_<name>``, ``split<k>_test_score``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score``, fit and score times, and the trial's
        ``number``, ``state`` (NaN scores for trials that did not complete),
        ``validation_fraction`` and ``duplicate_of`` (the number of the earlier trial whose
        result a trial with the same parameters took, NaN for the others).
    n_features_in_ : int
        The number of features ``best_estimator_`` saw in ``fit`` (only with ``refit=True``).
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting the best estimator.
    scorer_ : callable
        The scorer.
    sample_indices_ : ndarray
        Indices of the samples searched on (all of them).

    Raises
    ------
    StudyMismatchError
        From ``fit``, when the named study holds trials of another data set, search space,
        estimator or CV.

    See Also
    --------
    optuna_search : Build and fit this search in one call.
    sklearn.model_selection.GridSearchCV : Exhaustive search, in processes with ``n_jobs``.

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.datasets import make_delayed_echo
    >>> from seqestimators.search import SequenceSearchCV, default_param_distributions
    >>> X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    >>> search = SequenceSearchCV(
    ...     RNNClassifier(hidden_size=8, max_epochs=5, random_state=0),
    ...     default_param_distributions(hidden_size=[4, 8], num_layers=None),
    ...     n_trials=3, random_state=0)  # no study_name, no storage: in memory, no file
    >>> search.fit(X, y).study_.trials_dataframe()["state"].tolist()
    ['COMPLETE', 'COMPLETE', 'COMPLETE']
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "param_distributions": [dict, None],
        "n_trials": [Interval(Integral, 1, None, closed="left"), None],
        "scoring": [str, callable, None],
        "study_name": [str, None],
        "pruning": ["boolean"],
        "timeout": [Interval(Real, 0, None, closed="neither"), None],
        "random_state": ["random_state"],
        "sampler": [HasMethods(["sample_independent"]), None],
        "pruner": [HasMethods(["prune"]), None],
        "monitor": [str, None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "heartbeat_interval": [Interval(Integral, 1, None, closed="left"), None],
        "grace_period": [Interval(Integral, 1, None, closed="left"), None],
        "max_retry": [Interval(Integral, 0, None, closed="left"), None],
        "refit": ["boolean"],
        "return_train_score": ["boolean"],
        "verbose": ["verbose"],
        "start_from_estimator": ["boolean"],
    }

    def __init__(self, estimator, param_distributions=None, *, n_trials=20, cv=3, scoring=None,
                 storage=None, study_name=None, pruning=True, n_jobs=1, timeout=None,
                 random_state=None, sampler=None, pruner=None, monitor=None,
                 validation_fraction=0.2, heartbeat_interval=60, grace_period=None, max_retry=3,
                 refit=True, return_train_score=False, catch=(FloatingPointError,),
                 callbacks=None, verbose=0, start_from_estimator=True):
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.n_trials = n_trials
        self.cv = cv
        self.scoring = scoring
        self.storage = storage
        self.study_name = study_name
        self.pruning = pruning
        self.n_jobs = n_jobs
        self.timeout = timeout
        self.random_state = random_state
        self.sampler = sampler
        self.pruner = pruner
        self.monitor = monitor
        self.validation_fraction = validation_fraction
        self.heartbeat_interval = heartbeat_interval
        self.grace_period = grace_period
        self.max_retry = max_retry
        self.refit = refit
        self.return_train_score = return_train_score
        self.catch = catch
        self.callbacks = callbacks
        self.verbose = verbose
        self.start_from_estimator = start_from_estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.input_tags = inner.input_tags
        tags.non_deterministic = True
        return tags

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None, groups=None, **fit_params):
        """Run the study's missing trials, then refit the best parameters on all of ``X, y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list of arrays
            Training sequences in any layout the estimator accepts (a long-format DataFrame is
            turned into a ragged list first, so that folds split samples, not rows).
        y : array-like or list of arrays
            Targets.
        groups : array-like of shape (n_samples,), default=None
            Group labels for group-aware ``cv`` splitters.
        **fit_params : dict
            Passed on to the estimator's ``fit``.

        Returns
        -------
        self : object
            The fitted search.
        """
        self._check_search_params()
        if isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex):
            X = frame_to_sequences(X)
        if isinstance(y, (pd.DataFrame, pd.Series)) and isinstance(y.index, pd.MultiIndex):
            y = frame_to_sequences(y)
        distributions = self._distributions(y)
        trial_estimator = self._trial_estimator()
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, groups))
        self._check_validation_split(splits)
        scorer = check_scoring(self.estimator, scoring=self.scoring)
        n_jobs = effective_n_jobs(self.n_jobs)
        share = validation_share(trial_estimator)
        fingerprint = study_fingerprint(self.estimator, distributions, X, y, groups, fit_params,
                                        splits, self.scoring, share)
        problem = Problem(trial_estimator, distributions, X, y, groups, splits, scorer,
                          fit_params, fingerprint, share, self.return_train_score)
        self._warn_small_space(distributions)

        with contextlib.ExitStack() as cleanup, optuna_quiet(self.verbose):
            where = self.storage
            temporary = False
            if self.storage is None and self.study_name is None:
                # Nothing to resume: no file. Worker processes share a temporary journal.
                if n_jobs > 1 and (self.n_trials is None or self.n_trials > 1):
                    folder = cleanup.enter_context(tempfile.TemporaryDirectory(
                        prefix="seqestimators-study-", ignore_cleanup_errors=True))
                    where, temporary = os.path.join(folder, "study.log"), True
                else:
                    where = InMemoryStorage()
            storage = self._make_storage(where)
            if n_jobs > 1 and isinstance(storage, InMemoryStorage):
                raise ValueError(
                    f"n_jobs={self.n_jobs} runs trials in worker processes that share the "
                    "study through its storage, which an InMemoryStorage cannot do. Use a "
                    "journal file (storage='studies.log'), a database URL, or leave storage "
                    "and study_name at None (a temporary journal file, deleted after fit)."
                )
            study = optuna.create_study(storage=storage, study_name=self.study_name,
                                        direction="maximize", load_if_exists=True)
            check_direction(study)
            check_fingerprint(study, fingerprint)
            self._enqueue_estimator_params(study, distributions)
            budget = missing_trials(study, self.n_trials)
            if n_jobs > 1:
                budget = run_queued_trials(self, study, problem, budget)
            if budget is not None:
                n_jobs = min(n_jobs, budget)  # no worker without a trial to run
            if n_jobs <= 1:
                optimize(self, study, problem, budget, worker=0)
            else:
                Parallel(n_jobs=n_jobs, backend="loky")(
                    delayed(run_worker)(self, where, study.study_name, problem, budget,
                                         worker)
                    for worker in range(n_jobs)
                )
                # A fresh storage object sees every worker's trials (no process-local cache).
                storage = self._make_storage(where)
                study = optuna.load_study(study_name=study.study_name, storage=storage)
            if temporary:
                # Keep the study in memory; the journal file goes with its folder.
                memory = InMemoryStorage()
                optuna.copy_study(from_study_name=study.study_name,
                                  from_storage=storage, to_storage=memory)
                study = optuna.load_study(study_name=study.study_name, storage=memory)
        self.study_ = study
        self.n_splits_ = len(splits)
        self.sample_indices_ = np.arange(n_samples(X))
        self.scorer_ = scorer
        if self.refit:
            self._refit_best(X, y, **fit_params)
        return self

    def _check_search_params(self):
        validate_parameter_constraints(self._parameter_constraints,
                                       self.get_params(deep=False),
                                       caller_name=type(self).__name__)
        if isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, Integral) or \
                not (self.n_jobs >= 1 or self.n_jobs == -1):
            raise ValueError(
                f"The 'n_jobs' parameter of {type(self).__name__} must be an int >= 1 or -1. "
                f"Got {self.n_jobs!r} instead."
            )

    def _distributions(self, y=None):
        if self.param_distributions is None:
            return default_param_distributions(self.estimator,
                                               per_sequence_output=per_sequence_targets(y))
        for name, dist in self.param_distributions.items():
            if not isinstance(dist, BaseDistribution):
                raise ValueError(
                    f"The value of {name!r} in param_distributions must be an optuna "
                    f"distribution, got {dist!r}. default_param_distributions() turns lists "
                    "and values into distributions."
                )
        return dict(self.param_distributions)

    def _trial_estimator(self):
        """``estimator`` with the pruning callback and a validation split, for the trials."""
        estimator = clone(self.estimator)
        if not self.pruning:
            return estimator
        net, prefix = final_estimator(estimator)
        net_params = net.get_params(deep=False)
        # The estimators name their per-epoch validation score only in a private class
        # attribute (no public name yet); other nets need monitor=.
        monitor = self.monitor or getattr(net, "_valid_score_name", None)
        if monitor is None or "callbacks" not in net_params or "train_split" not in net_params:
            raise ValueError(
                f"pruning=True needs an estimator that records a validation score per epoch "
                f"(a seqestimators estimator, or a skorch net with monitor=...); "
                f"{type(net).__name__} does not. Pass pruning=False."
            )
        params = {}
        if net_params["train_split"] is None:
            params[prefix + "train_split"] = ValidSplit(
                self.validation_fraction, stratified=False,
                random_state=check_seed(self.random_state))
        callbacks = list(net_params["callbacks"] or [])
        callbacks.append(("optuna_pruning", TrialPruningCallback(monitor)))
        params[prefix + "callbacks"] = callbacks
        return estimator.set_params(**params)

    def _make_storage(self, storage):
        return make_storage(storage, heartbeat_interval=self.heartbeat_interval,
                            grace_period=self.grace_period, max_retry=self.max_retry)

    def _check_validation_split(self, splits):
        """The validation split of pruned trials must leave samples on both of its sides."""
        if not self.pruning:
            return
        net, _ = final_estimator(self.estimator)
        if net.get_params(deep=False).get("train_split") is not None:
            return  # the estimator's own train_split, used as it is
        smallest = min(len(train) for train, _ in splits)
        n_valid = math.ceil(self.validation_fraction * smallest)
        if n_valid < 1 or n_valid >= smallest:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} holds out {n_valid} of the "
                f"{smallest} samples of the smallest training fold for the per-epoch validation "
                "score of pruning, which leaves no sample to train or to validate on. Choose a "
                "validation_fraction between 1/n and 1 - 1/n of the training fold size, or "
                "pass pruning=False."
            )

    def _warn_small_space(self, distributions):
        size = space_size(distributions)
        if self.n_trials is not None and size < self.n_trials:
            warnings.warn(
                f"The search space holds only {size} distinct parameter set(s), fewer than "
                f"n_trials={self.n_trials}: the trials beyond them repeat earlier parameters. "
                "They are not refitted but take the result of the earlier trial (user "
                "attribute 'duplicate_of'); lower n_trials, or use GridSearchCV or "
                "optuna.samplers.BruteForceSampler to evaluate each parameter set once.",
                UserWarning, stacklevel=3)

    def _enqueue_estimator_params(self, study, distributions):
        """A new study's first trial: the estimator's own values, when the space holds them."""
        if not self.start_from_estimator or study.get_trials(deepcopy=False):
            return
        params = estimator_params_in(distributions, self.estimator)
        if params is not None:
            study.enqueue_trial(params, user_attrs={"start_from_estimator": True})

    def _refit_best(self, X, y, **fit_params):
        study = self.study_
        complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if not complete:
            states = pd.Series([t.state.name for t in study.get_trials(deepcopy=False)])
            counts = ", ".join(f"{n} {s}" for s, n in states.value_counts().items()) or "none"
            raise ValueError(
                f"No trial of the study {study.study_name!r} completed (trials: {counts}), so "
                "there are no best parameters to refit. See the warnings of the failed "
                "trials and the pruner's settings, or pass refit=False."
            )
        self.best_estimator_ = clone(self.estimator).set_params(**study.best_params)
        start = time.perf_counter()
        self.best_estimator_.fit(X, y, **fit_params)
        self.refit_time_ = time.perf_counter() - start
