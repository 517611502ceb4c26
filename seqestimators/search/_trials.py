"""Running trials: the objective every trial evaluates, the optimize loop and the workers."""

from __future__ import annotations

import contextlib
import warnings
from numbers import Integral, Real

import numpy as np
import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.storages import fail_stale_trials
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState
from sklearn.base import clone
from sklearn.model_selection import cross_validate
from skorch.dataset import ValidSplit

from ..data import check_seed
from ..estimators import without_baseline_check
from ..state import CarryContinuationWarning
from ._fingerprint import check_fingerprint
from ._pruning import ACTIVE_TRIAL, TrialContext
from ._space import final_estimator, suggest
from ._storage import make_storage

# Trials that count towards ``n_trials``: finished with a result, or running / queued (they will).
# FAILED trials (diverged, or left behind by a killed worker) do not count: they are replaced.
COUNTED_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
_AHEAD_STATES = (*COUNTED_STATES, TrialState.WAITING)


class SurplusTrialError(RuntimeError):
    """Raised in a trial that would exceed ``n_trials`` (another worker started it first)."""


class Problem:
    """What every trial evaluates: the estimator, the space, the data and the splits."""

    def __init__(self, estimator, distributions, X, y, groups, splits, scorer, fit_params,
                 fingerprint, validation_share, return_train_score=False):
        self.estimator = estimator
        self.distributions = distributions
        self.X = X
        self.y = y
        self.groups = groups
        self.splits = splits
        self.scorer = scorer
        self.fit_params = fit_params
        self.fingerprint = fingerprint
        self.validation_share = validation_share
        self.return_train_score = return_train_score


def missing_trials(study, n_trials):
    """How many trials a fit should still run to reach ``n_trials`` (None: no limit)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        # Fail (and queue again) trials left running by killed workers before counting.
        fail_stale_trials(study)
    if n_trials is None:
        return None
    counted = study.get_trials(deepcopy=False, states=COUNTED_STATES)
    return max(n_trials - len(counted), 0)


def optimize(search, study, problem, budget, worker):
    """Run up to ``budget`` trials of ``problem`` in this process, with ``search``'s settings."""
    if budget == 0:
        return
    n_existing = len(study.get_trials(deepcopy=False))
    study.sampler = search.sampler if search.sampler is not None else \
        optuna.samplers.TPESampler(seed=_derived_seed(search.random_state, n_existing, worker))
    if not search.pruning:
        study.pruner = optuna.pruners.NopPruner()
    elif search.pruner is not None:
        study.pruner = search.pruner
    else:
        study.pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5)
    callbacks = list(search.callbacks or [])
    if search.n_trials is not None:
        callbacks.insert(0, MaxTrialsCallback(search.n_trials, states=COUNTED_STATES))
    study.optimize(
        lambda trial: objective(trial, problem, search.n_trials),
        n_trials=budget, timeout=search.timeout,
        catch=(*tuple(search.catch or ()), SurplusTrialError),
        callbacks=callbacks, gc_after_trial=False,
    )


def run_queued_trials(search, study, problem, budget):
    """Run the study's queued trials in this process; returns the budget left for the workers.

    A database storage can hand one queued trial to two workers at once (SQLite has no row
    locks: the second one then fails to tell it), so queued trials run before workers start.
    """
    queued = len(study.get_trials(deepcopy=False, states=(TrialState.WAITING,)))
    if not queued or budget == 0:
        return budget
    optimize(search, study, problem, queued if budget is None else min(queued, budget), worker=0)
    return missing_trials(study, search.n_trials)


def objective(trial, problem, n_trials):
    """The mean CV score of the trial's parameters; the per-fold scores as user attributes."""
    if n_trials is not None:
        ahead = sum(1 for t in trial.study.get_trials(deepcopy=False, states=_AHEAD_STATES)
                    if t.number < trial.number)
        if ahead >= n_trials:
            trial.study.stop()
            raise SurplusTrialError(
                f"The study already holds {n_trials} trials (started by other "
                "workers at the same time); this one was not run."
            )
    # Another worker may have claimed a new study for another set-up at the same instant.
    check_fingerprint(trial.study, problem.fingerprint)
    params = {name: suggest(trial, name, dist)
              for name, dist in problem.distributions.items()}
    trial.set_user_attr("validation_fraction", problem.validation_share)
    twin = _finished_twin(trial, params)
    if twin is not None:
        return _repeat(trial, twin)
    # The folds' scores already compare held-out data (the refit keeps the fit's own check).
    estimator = without_baseline_check(clone(problem.estimator).set_params(**params))
    token = ACTIVE_TRIAL.set(TrialContext(trial))
    try:
        with warnings.catch_warnings():
            # A search over state_policy tries "carry" on purpose; its misuse warnings
            # (meant for a single fit) would repeat for every fold of every such trial.
            warnings.filterwarnings("ignore", category=CarryContinuationWarning)
            scores = cross_validate(
                estimator, problem.X, problem.y, groups=problem.groups, cv=problem.splits,
                scoring=problem.scorer, params=problem.fit_params, n_jobs=1,
                error_score="raise", return_train_score=problem.return_train_score,
            )
    finally:
        ACTIVE_TRIAL.reset(token)
    for name in ("test_score", "train_score", "fit_time", "score_time"):
        if name not in scores:
            continue
        values = np.asarray(scores[name], dtype=float)
        if name.endswith("_score"):
            for k, value in enumerate(values):
                trial.set_user_attr(f"split{k}_{name}", float(value))
        trial.set_user_attr(f"mean_{name}", float(np.mean(values)))
        trial.set_user_attr(f"std_{name}", float(np.std(values)))
    # NaN (a fold predicted NaN) makes Optuna record the trial as FAILED.
    return float(np.mean(scores["test_score"]))


def _finished_twin(trial, params):
    """The first finished (COMPLETE or PRUNED) trial of the study with exactly ``params``."""
    for other in trial.study.get_trials(deepcopy=False,
                                        states=(TrialState.COMPLETE, TrialState.PRUNED)):
        if other.number != trial.number and other.params == params:
            return other
    return None


def _repeat(trial, twin):
    """Give ``trial`` the result of ``twin`` (same parameters, same study) without fitting.

    Optuna's pattern for duplicated parameters: the value of a COMPLETE twin is returned, a
    PRUNED twin's trial is pruned again at the same step; the scores recorded as user attributes
    are copied, and ``duplicate_of`` names the twin.
    """
    for key, value in twin.user_attrs.items():
        if key != "duplicate_of":
            trial.set_user_attr(key, value)
    trial.set_user_attr("duplicate_of", twin.number)
    if twin.state == TrialState.PRUNED:
        for step, value in sorted(twin.intermediate_values.items()):
            trial.report(value, step)
        raise optuna.TrialPruned(
            f"Trial {trial.number} repeats the parameters of trial {twin.number}, which was "
            "pruned."
        )
    return twin.value



def run_worker(search, storage, study_name, problem, budget, worker):
    """One worker process: load the shared study and run trials until the study is full."""
    import torch

    torch.set_num_threads(1)
    with optuna_quiet(search.verbose):
        study = optuna.load_study(study_name=study_name, storage=make_storage(
            storage, heartbeat_interval=search.heartbeat_interval,
            grace_period=search.grace_period, max_retry=search.max_retry))
        optimize(search, study, problem, budget, worker)


def validation_share(estimator):
    """The share of each training fold that the trials' fits hold out for validation.

    0.0 when they train on all of it (no ``train_split``), the fraction of a
    :class:`~skorch.dataset.ValidSplit`, and None when the split is something else.
    """
    net, _ = final_estimator(estimator)
    split = net.get_params(deep=False).get("train_split") if hasattr(net, "get_params") else None
    if split is None:
        return 0.0
    if isinstance(split, ValidSplit):
        if isinstance(split.cv, Real) and not isinstance(split.cv, Integral):
            return float(split.cv)
        if isinstance(split.cv, Integral) and split.cv > 1:
            return 1.0 / int(split.cv)
    return None


def _derived_seed(random_state, n_existing, worker):
    """A sampler seed that differs per resumed run and per worker but repeats for a given one."""
    base = check_seed(random_state)
    if base is None:
        return None
    return int(np.random.SeedSequence([base, n_existing, worker]).generate_state(1)[0])


@contextlib.contextmanager
def optuna_quiet(verbose):
    old = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.INFO if verbose else optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            yield
    finally:
        optuna.logging.set_verbosity(old)


