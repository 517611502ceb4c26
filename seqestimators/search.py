"""Optuna searches over cell type, hidden size and hidden-state policy, on one machine or many.

:func:`optuna_search` runs a cross-validated Optuna study over a recurrent estimator and returns a
fitted :class:`SequenceSearchCV` (an :class:`optuna_integration.OptunaSearchCV` whose trials
prune on the per-epoch validation score). Without ``study_name`` and ``storage`` the study lives
in memory and nothing is written to disk; a named study is kept in an embedded SQLite file by
default, so calling the search again with the same ``storage`` and ``study_name`` continues it; a
journal file lets several worker processes share one study on one machine, and an Optuna RDB URL
(PostgreSQL) lets workers on many machines share it. A study records what it was run on (the
data, the search space, the estimator's parameters and the cross-validation) and refuses to be
continued on anything else (:class:`StudyMismatchError`).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import inspect
import math
import os
import re
import tempfile
import time
import warnings
from numbers import Integral, Real

import numpy as np
import optuna
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from optuna.exceptions import ExperimentalWarning
from optuna.storages import (
    BaseStorage,
    InMemoryStorage,
    JournalStorage,
    RDBStorage,
    RetryHeartbeatStaleTrialCallback,
    fail_stale_trials,
)
from optuna.storages.journal import JournalFileBackend
from optuna.study import MaxTrialsCallback, StudyDirection
from optuna.trial import TrialState
from optuna_integration import OptunaSearchCV, SkorchPruningCallback
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv, cross_validate
from sklearn.utils import get_tags
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    validate_parameter_constraints,
)
from skorch.dataset import ValidSplit

from ._validation import check_seed
from .sequences import frame_to_sequences
from .state import STATE_POLICIES

__all__ = [
    "DEFAULT_STORAGE",
    "SequenceSearchCV",
    "StudyMismatchError",
    "create_study",
    "default_param_distributions",
    "estimator_params_in",
    "make_storage",
    "optuna_search",
]

#: The storage of a *named* study without a storage (``study_name="..."``, ``storage=None``): an
#: SQLite file in the current working directory, so that the study resumes when the search runs
#: again. A search with neither ``study_name`` nor ``storage`` writes no file: its study lives in
#: an :class:`optuna.storages.InMemoryStorage` (with ``n_jobs > 1``, in a temporary journal file
#: that is deleted when ``fit`` returns).
DEFAULT_STORAGE = "sqlite:///seqestimators-studies.db"

# The study user attribute holding what the study was run on (see StudyMismatchError).
_FINGERPRINT_ATTR = "seqestimators_fingerprint"

_JOURNAL_SUFFIXES = (".log", ".journal")

# Trials that count towards ``n_trials``: finished with a result, or running / queued (they will).
# FAILED trials (diverged, or left behind by a killed worker) do not count: they are replaced.
_COUNTED_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
_AHEAD_STATES = (*_COUNTED_STATES, TrialState.WAITING)

#: The running trial, seen by the pruning callback of the estimators fitted inside it.
_ACTIVE_TRIAL = contextvars.ContextVar("seqestimators_active_trial", default=None)


# ---------------------------------------------------------------------------------- search space
def default_param_distributions(estimator=None, *, per_sequence_output=False, **overrides):
    """The ready search space over cell type, hidden size, state policy, layers and learning rate.

    ===================  ==========================================================
    ``cell``             ``"rnn"``, ``"lstm"``, ``"gru"``
    ``hidden_size``      4, 8, 16, 32, 64, 128 (powers of two: readable tables)
    ``state_policy``     ``"reset"``, ``"carry"``, ``"learned"``
    ``num_layers``       1 to 2
    ``lr``               1e-3 to 1e-1, log scale
    ``patch_size``       ``"auto"``, None, 4, 8, 16 (per-sequence outputs only)
    ``pooling``          ``"auto"``, ``"last"``, ``"mean"``, ``"max"``, ``"attention"`` (per-sequence
                         outputs only)
    ===================  ==========================================================

    Parameters
    ----------
    estimator : estimator instance, default=None
        When given, only the entries that are parameters of the estimator are kept (a
        :class:`~seqestimators.MemorylessClassifier` has no ``cell``), and for a
        :class:`~sklearn.pipeline.Pipeline` the names are prefixed with its last step's name
        (``"rnnclassifier__cell"``).
    per_sequence_output : bool, default=False
        Whether the targets are one per sequence, so that ``patch_size`` and ``pooling`` (which
        need that) are searched too. :class:`SequenceSearchCV` decides it from ``y``.
    **overrides : optuna distribution, list, tuple, scalar or None
        Entries to add or replace, by parameter name of the estimator (before any Pipeline
        prefix): an :mod:`optuna.distributions` object is used as is, a list or tuple becomes a
        :class:`~optuna.distributions.CategoricalDistribution`, any other value a fixed
        one-choice categorical, and ``None`` removes the entry.

    Returns
    -------
    param_distributions : dict of str to optuna.distributions.BaseDistribution
        A new dict; edit it freely before passing it to :func:`optuna_search`.

    Examples
    --------
    >>> from optuna.distributions import FloatDistribution
    >>> from seqestimators.search import default_param_distributions
    >>> sorted(default_param_distributions())
    ['cell', 'hidden_size', 'lr', 'num_layers', 'state_policy']
    >>> space = default_param_distributions(
    ...     cell=["lstm", "gru"], num_layers=None,
    ...     dropout=FloatDistribution(0.0, 0.5))
    >>> space["cell"]
    CategoricalDistribution(choices=('lstm', 'gru'))
    >>> sorted(space)
    ['cell', 'dropout', 'hidden_size', 'lr', 'state_policy']
    >>> sorted(default_param_distributions(per_sequence_output=True))[3:]
    ['num_layers', 'patch_size', 'pooling', 'state_policy']
    """
    space = {
        "cell": CategoricalDistribution(("rnn", "lstm", "gru")),
        "hidden_size": CategoricalDistribution((4, 8, 16, 32, 64, 128)),
        "state_policy": CategoricalDistribution(tuple(STATE_POLICIES)),
        "num_layers": IntDistribution(1, 2),
        "lr": FloatDistribution(1e-3, 1e-1, log=True),
    }
    if per_sequence_output:
        space["patch_size"] = CategoricalDistribution(("auto", None, 4, 8, 16))
        space["pooling"] = CategoricalDistribution(("auto", "last", "mean", "max", "attention"))
    prefix = ""
    if estimator is not None:
        net, prefix = _final_estimator(estimator)
        names = set(net.get_params(deep=False))
        space = {name: dist for name, dist in space.items() if name in names}
    for name, value in overrides.items():
        if value is None:
            space.pop(name, None)
        else:
            space[name] = _as_distribution(name, value)
    return {prefix + name: dist for name, dist in space.items()}


def _as_distribution(name, value):
    if isinstance(value, BaseDistribution):
        return value
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            raise ValueError(f"The choices for {name!r} must not be empty.")
        return CategoricalDistribution(tuple(value))
    if isinstance(value, (str, bool, Integral, Real)):
        return CategoricalDistribution((value,))
    raise TypeError(
        f"The value for {name!r} must be an optuna distribution, a list or tuple of choices, a "
        f"single value or None; got {type(value).__name__}."
    )


def _final_estimator(estimator):
    """The last step of (nested) Pipelines and the prefix of its parameter names."""
    prefix = ""
    while hasattr(estimator, "steps"):
        name, estimator = estimator.steps[-1]
        prefix += name + "__"
    return estimator, prefix


def _suggest(trial, name, distribution):
    """A value for ``name`` from ``distribution``, through the trial's public suggest API."""
    if isinstance(distribution, CategoricalDistribution):
        return trial.suggest_categorical(name, distribution.choices)
    if isinstance(distribution, IntDistribution):
        return trial.suggest_int(name, distribution.low, distribution.high, step=distribution.step,
                                 log=distribution.log)
    if isinstance(distribution, FloatDistribution):
        return trial.suggest_float(name, distribution.low, distribution.high,
                                   step=distribution.step, log=distribution.log)
    raise TypeError(
        f"Unsupported distribution for {name!r}: {distribution!r}. Use a "
        "CategoricalDistribution, IntDistribution or FloatDistribution."
    )


def _holds(distribution, value):
    """Whether ``value`` is one ``distribution`` can suggest."""
    if isinstance(distribution, CategoricalDistribution):
        return any(type(value) is type(choice) and value == choice
                   for choice in distribution.choices)
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    if isinstance(distribution, IntDistribution) and not isinstance(value, Integral):
        return False
    return distribution.low <= value <= distribution.high


def estimator_params_in(distributions, estimator):
    """The estimator's own values of the searched parameters, when the space holds them all.

    Parameters
    ----------
    distributions : dict of str to optuna.distributions.BaseDistribution
        The search space, with the names ``estimator.get_params()`` uses.
    estimator : estimator instance

    Returns
    -------
    params : dict or None
        ``{name: value}`` for every searched name, or None when a value lies outside its
        distribution (or the estimator has no such parameter).

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.search import default_param_distributions, estimator_params_in
    >>> estimator_params_in(default_param_distributions(), RNNClassifier())
    {'cell': 'lstm', 'hidden_size': 32, 'state_policy': 'reset', 'num_layers': 1, 'lr': 0.01}
    >>> estimator_params_in(default_param_distributions(), RNNClassifier(hidden_size=20)) is None
    True
    """
    values = estimator.get_params(deep=True)
    params = {}
    for name, distribution in distributions.items():
        if name not in values or not _holds(distribution, values[name]):
            return None
        params[name] = values[name]
    return params


# ---------------------------------------------------------------------------------- storages
def make_storage(storage=None, *, heartbeat_interval=60, grace_period=None, max_retry=3):
    """The Optuna storage that a ``storage`` argument of this module stands for.

    ==================================  ====================================================
    ``None``                            :data:`DEFAULT_STORAGE`: ``seqestimators-studies.db``,
                                        an SQLite file in the current working directory
                                        (created by this call)
    a path ending in ``.log`` or        a journal file
    ``.journal``                        (``JournalStorage(JournalFileBackend(path))``):
                                        several worker processes on one machine
    any other string                    an Optuna RDB URL (``sqlite:///file.db``,
                                        ``postgresql+psycopg2://user:pw@host/db``, ...),
                                        with heartbeats
    an ``optuna.storages`` object       used as it is
    ==================================  ====================================================

    RDB storages (SQLite and PostgreSQL) get heartbeats: every running trial records one every
    ``heartbeat_interval`` seconds, a trial without one for ``grace_period`` seconds (its worker
    was killed) is marked FAILED when any worker starts its next trial, and
    :class:`~optuna.storages.RetryHeartbeatStaleTrialCallback` queues it again with the same
    parameters, so that no trial is lost. The journal storage has no heartbeat.

    The searches call this function only when a study must outlive the process: with
    ``storage=None`` they use :data:`DEFAULT_STORAGE` for a *named* study only, and keep a study
    without ``study_name`` in memory (no file is written).

    Parameters
    ----------
    storage : str, path-like, optuna.storages.BaseStorage or None, default=None
        What to store the studies in (see above).
    heartbeat_interval : int or None, default=60
        Seconds between heartbeats of a running trial (RDB storages only); None disables
        heartbeats and the recovery of trials left running by killed workers.
    grace_period : int or None, default=None
        Seconds without heartbeat after which a running trial is stale; None means twice
        ``heartbeat_interval``.
    max_retry : int or None, default=3
        How many times a stale trial is queued again (None: without limit).

    Returns
    -------
    storage : optuna.storages.BaseStorage
        The storage.

    Examples
    --------
    >>> import os, tempfile
    >>> from seqestimators.search import make_storage
    >>> folder = tempfile.mkdtemp()
    >>> type(make_storage(os.path.join(folder, "studies.log"))).__name__
    'JournalStorage'
    >>> type(make_storage(f"sqlite:///{folder}/studies.db")).__name__
    'RDBStorage'
    """
    if isinstance(storage, BaseStorage):
        return storage
    if storage is None:
        storage = DEFAULT_STORAGE
    if isinstance(storage, os.PathLike):
        storage = os.fspath(storage)
    if not isinstance(storage, str):
        raise TypeError(
            "storage must be None, a journal file path (.log or .journal), an Optuna RDB URL or "
            f"an optuna.storages object; got {type(storage).__name__}."
        )
    if storage.endswith(_JOURNAL_SUFFIXES):
        return JournalStorage(JournalFileBackend(storage))
    if "://" not in storage:
        raise ValueError(
            f"storage={storage!r} is neither a journal file (a path ending in .log or .journal) "
            "nor a database URL such as 'sqlite:///studies.db' or "
            "'postgresql+psycopg2://user:password@host/database'."
        )
    with warnings.catch_warnings():
        # Heartbeats and their retry callback are "experimental" in Optuna since 2.8.
        warnings.simplefilter("ignore", ExperimentalWarning)
        if heartbeat_interval is None:
            return RDBStorage(storage)
        return RDBStorage(
            storage, heartbeat_interval=int(heartbeat_interval),
            grace_period=None if grace_period is None else int(grace_period),
            heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=max_retry),
        )


def create_study(study_name=None, storage=None, *, sampler=None, pruner=None,
                 load_if_exists=True, heartbeat_interval=60, grace_period=None, max_retry=3):
    """Create (or load) a study for :func:`optuna_search`, once, before workers start.

    Several workers that share a storage should not race to create the same study: create it
    here first, then start the workers with the same ``storage`` and ``study_name``.

    The study records nothing about the data yet: the first search that fits on it records
    what it runs on (data, search space, estimator parameters, cross-validation), and every
    later search on the study must run on the same (see :class:`StudyMismatchError`).

    Parameters
    ----------
    study_name : str, default=None
        The study's name; None lets Optuna choose a unique one.
    storage : str, path-like, optuna.storages.BaseStorage or None, default=None
        See :func:`make_storage`. None is :data:`DEFAULT_STORAGE` for a named study, and an
        :class:`~optuna.storages.InMemoryStorage` when ``study_name`` is None too (no file is
        written).
    sampler : optuna.samplers.BaseSampler, default=None
        The sampler of the returned study object (the searches choose their own).
    pruner : optuna.pruners.BasePruner, default=None
        The pruner of the returned study object (the searches choose their own).
    load_if_exists : bool, default=True
        Load the study when it exists instead of raising
        :class:`optuna.exceptions.DuplicatedStudyError`.
    heartbeat_interval, grace_period, max_retry
        See :func:`make_storage`.

    Returns
    -------
    study : optuna.Study
        The study, with direction "maximize" (scikit-learn scores: higher is better).

    Examples
    --------
    >>> import os, tempfile
    >>> from seqestimators.search import create_study
    >>> path = os.path.join(tempfile.mkdtemp(), "studies.log")
    >>> study = create_study("echo", path)
    >>> study.study_name, study.direction.name
    ('echo', 'MAXIMIZE')
    """
    if storage is None and study_name is None:
        storage = InMemoryStorage()
    storage = make_storage(storage, heartbeat_interval=heartbeat_interval,
                           grace_period=grace_period, max_retry=max_retry)
    study = optuna.create_study(storage=storage, study_name=study_name, sampler=sampler,
                                pruner=pruner, direction="maximize",
                                load_if_exists=load_if_exists)
    _check_direction(study)
    return study


def _check_direction(study):
    if study.direction != StudyDirection.MAXIMIZE:
        raise ValueError(
            f"The study {study.study_name!r} minimizes, but searches maximize scikit-learn "
            "scores (higher is better). Use another study_name."
        )


# ---------------------------------------------------------------------------------- fingerprints
class StudyMismatchError(ValueError):
    """A stored study was run on other data, another search space, estimator or CV.

    A study's trials are only comparable, and its ``best_params`` only meaningful, for the data,
    search space, estimator parameters and cross-validation they were evaluated on. The first
    search that fits on a study records these (a fingerprint, in the study's user attribute
    ``"seqestimators_fingerprint"``); a later fit on the same ``storage`` and ``study_name``
    with anything else raises this error instead of reusing trials that never saw this data
    (or, inside an outer ``cross_validate``, trials that saw its test folds).

    Start a new study for the new set-up: another ``study_name``, or ``study_name=None`` (a new
    study with a unique name, in memory unless a ``storage`` is given).

    Attributes
    ----------
    study_name : str
        The study.
    differences : list of str
        What differs: ``"data"``, ``"search space"``, ``"estimator parameters"``, ``"cv"``.
    """

    def __init__(self, message, study_name=None, differences=()):
        super().__init__(message)
        self.study_name = study_name
        self.differences = list(differences)


_ADDRESS = re.compile(r" (object )?at 0x[0-9a-fA-F]+")

# Estimator parameters that decide where and how verbosely a model trains, not what it learns:
# left out of a study's fingerprint, so that workers on CPUs and GPUs can share one study.
_EXECUTION_PARAMS = frozenset({"device", "num_threads", "verbose"})


def _dotted(obj):
    """``module.QualName`` of a class, function or other named object."""
    module = getattr(obj, "__module__", None) or type(obj).__module__
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or \
        type(obj).__qualname__
    return f"{module}.{name}"


def _stable_str(value, depth=0):
    """A string of ``value`` that is the same in every process and run (no memory addresses).

    Classes and functions are their dotted names, estimators and callbacks their class and
    ``get_params(deep=False)``, other objects their class and public attributes, arrays a
    hash of their values.
    """
    if depth > 8:
        return _dotted(type(value))
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (Integral, Real)):
        return repr(value)
    if isinstance(value, type) or inspect.isroutine(value):
        return _dotted(value)
    if isinstance(value, (list, tuple)):
        items = ", ".join(_stable_str(item, depth + 1) for item in value)
        return f"[{items}]" if isinstance(value, list) else f"({items})"
    if isinstance(value, dict):
        items = sorted((_stable_str(k, depth + 1), _stable_str(v, depth + 1))
                       for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256()
        _hash_values(digest, value)
        return f"array(shape={value.shape}, sha256={digest.hexdigest()[:16]})"
    params = None
    if callable(getattr(value, "get_params", None)):
        with contextlib.suppress(Exception):
            params = {k: v for k, v in value.get_params(deep=False).items()
                      if k not in _EXECUTION_PARAMS}
    if params is None and hasattr(value, "__dict__"):
        params = {k: v for k, v in vars(value).items() if not k.startswith("_")}
    if params is not None:
        inner = ", ".join(f"{k}={_stable_str(v, depth + 1)}" for k, v in sorted(params.items()))
        return f"{_dotted(type(value))}({inner})"
    return _ADDRESS.sub("", repr(value))


def _hash_values(digest, value):
    """Feed the shape and values of an array, a ragged list or a frame into ``digest``."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, (pd.DataFrame, pd.Series)):
        digest.update(repr(list(getattr(value, "columns", [value.name]))).encode())
        value = value.to_numpy()
    value = _regular(value)
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                            and value.dtype == object and value.ndim == 1):
        digest.update(f"seq[{len(value)}]".encode())
        for item in value:
            _hash_values(digest, item)
        return
    array = np.asarray(value)
    digest.update(f"{array.shape}{array.dtype.kind}".encode())
    if array.dtype.kind in "biuf":
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    elif array.dtype.kind == "c":
        digest.update(np.ascontiguousarray(array, dtype=np.complex128).tobytes())
    else:
        digest.update("\x1f".join(map(repr, array.ravel().tolist())).encode())


def _regular(value):
    """A list of equal-length sequences as its array (the same data); anything else as is."""
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)
        except ValueError:  # ragged
            return value
        if array.dtype != object:
            return array
    return value


def _describe(value):
    """A short description of an array or a ragged list: its shape or its lengths."""
    if value is None:
        return "None"
    value = _regular(value)
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                            and value.dtype == object and value.ndim == 1):
        lengths = [_n_samples(item) if hasattr(item, "__len__") else 1 for item in value]
        if not lengths:
            return "0 sequences"
        return (f"{len(lengths)} sequences of {min(lengths)}"
                + ("" if min(lengths) == max(lengths) else f" to {max(lengths)}")
                + " timesteps")
    shape = getattr(value, "shape", None)
    return f"shape {tuple(shape)}" if shape is not None else type(value).__name__


def _data_fingerprint(X, y, groups, fit_params):
    digest = hashlib.sha256()
    for part in (X, y, groups):
        digest.update(b"|")
        if part is not None:
            _hash_values(digest, part)
    for name in sorted(fit_params):
        digest.update(f"|{name}=".encode())
        value = fit_params[name]
        if isinstance(value, (np.ndarray, list, tuple, pd.DataFrame, pd.Series)) or \
                hasattr(value, "detach"):
            _hash_values(digest, value)
        else:
            digest.update(_stable_str(value).encode())
    return {"X": _describe(X), "y": _describe(y), "sha256": digest.hexdigest()}


def estimator_fingerprint(estimator):
    """The estimator's class and parameters as strings, as a study's fingerprint records them.

    ``device``, ``num_threads`` and ``verbose`` are left out: they do not change results.
    """
    return {
        "class": _dotted(type(estimator)),
        **{name: _stable_str(value)
           for name, value in sorted(estimator.get_params(deep=False).items())
           if name not in _EXECUTION_PARAMS},
    }


def _fingerprint(estimator, distributions, X, y, groups, fit_params, splits, scoring,
                 validation_share):
    """What a study is run on, as a JSON-able dict of dicts of strings (see FINGERPRINT)."""
    split_digest = hashlib.sha256()
    for train, test in splits:
        split_digest.update(b"train")
        split_digest.update(np.asarray(train, dtype=np.int64).tobytes())
        split_digest.update(b"test")
        split_digest.update(np.asarray(test, dtype=np.int64).tobytes())
    return {
        "data": _data_fingerprint(X, y, groups, fit_params),
        "search space": {name: distribution_to_json(dist)
                         for name, dist in sorted(distributions.items())},
        "estimator parameters": estimator_fingerprint(estimator),
        "cv": {
            "n_splits": str(len(splits)),
            "splits sha256": split_digest.hexdigest(),
            "scoring": _stable_str(scoring),
            "validation_fraction": _stable_str(validation_share),
        },
    }


def _differences(stored, current):
    """``{part: [lines]}`` for the parts of two fingerprints that differ."""
    found = {}
    for part in ("data", "search space", "estimator parameters", "cv"):
        old, new = stored.get(part) or {}, current.get(part) or {}
        if old == new:
            continue
        lines = []
        for key in list(dict.fromkeys([*old, *new])):
            if old.get(key) != new.get(key) and not key.endswith("sha256"):
                lines.append(f"{key}: {_short(old.get(key, '(not set)'))} -> "
                             f"{_short(new.get(key, '(not set)'))}")
        if not lines:
            lines.append("same shapes, different values" if part == "data" else
                         "different splits" if part == "cv" else "different values")
        found[part] = lines
    return found


def _short(text, width=80):
    text = str(text)
    return text if len(text) <= width else text[:width - 3] + "..."


def _check_fingerprint(study, fingerprint):
    """Record ``fingerprint`` on a study that has none; raise if it holds another one."""
    stored = study.user_attrs.get(_FINGERPRINT_ATTR)
    if stored is None:
        finished = study.get_trials(deepcopy=False, states=(
            TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL))
        if finished:
            warnings.warn(
                f"The study {study.study_name!r} holds {len(finished)} finished trial(s) but no "
                "record of the data, search space and estimator they were run on (it was "
                "created by another program or an older version). This fit records its own "
                "and continues the study, assuming the trials were run on the same set-up.",
                UserWarning, stacklevel=3)
        study.set_user_attr(_FINGERPRINT_ATTR, fingerprint)
        # Another worker may have recorded its own at the same time: the last write wins, and
        # the check below (repeated before every trial) finds out which one it was.
        stored = study.user_attrs.get(_FINGERPRINT_ATTR)
    differences = _differences(stored, fingerprint)
    if not differences:
        return
    details = "; ".join(f"{part}: {', '.join(lines)}" for part, lines in differences.items())
    what = " and ".join(differences)
    raise StudyMismatchError(
        f"The study {study.study_name!r} was run on different {what} ({details}). Its trials "
        "are not continued here: their scores do not apply to this fit (inside "
        "cross_validate or another outer loop, they would even have seen its test folds). "
        "Start a new study: pass another study_name, or study_name=None for a new study with "
        "a unique name (kept in memory unless a storage is given), or delete this one with "
        f"optuna.delete_study(study_name={study.study_name!r}, storage=...).",
        study_name=study.study_name, differences=list(differences))


# ---------------------------------------------------------------------------------- pruning
class _TrialContext:
    """The trial being evaluated and how many fits it has started (one per CV fold)."""

    def __init__(self, trial):
        self.trial = trial
        self.n_fits = 0


class _TrialPruningCallback(SkorchPruningCallback):
    """:class:`optuna_integration.SkorchPruningCallback` that finds its trial itself.

    The trial cannot be a parameter: the estimator is cloned for every CV fold, and cloning
    would deep-copy the trial and its storage. The callback takes the running trial from
    ``_ACTIVE_TRIAL`` when training begins and reports the validation score of every epoch of
    the trial's first fit (its first CV fold), so that steps are epochs and comparable across
    trials; later folds and fits outside a search report nothing.
    """

    trial_ = None

    def __init__(self, monitor):
        # SkorchPruningCallback.__init__ would store the trial as a parameter.
        self.monitor = monitor

    @property
    def _trial(self):
        return self.trial_

    @property
    def _monitor(self):
        return self.monitor

    def on_train_begin(self, net, **kwargs):
        context = _ACTIVE_TRIAL.get()
        self.trial_ = None
        if context is not None:
            context.n_fits += 1
            if context.n_fits == 1:
                self.trial_ = context.trial

    def on_epoch_end(self, net, **kwargs):
        if self.trial_ is not None:
            super().on_epoch_end(net, **kwargs)

    def on_train_end(self, net, **kwargs):
        self.trial_ = None


class _SurplusTrialError(RuntimeError):
    """Raised in a trial that would exceed ``n_trials`` (another worker started it first)."""


# ---------------------------------------------------------------------------------- the search
class SequenceSearchCV(OptunaSearchCV):
    """Cross-validated Optuna search over a sequence estimator, with pruning and storage.

    An :class:`optuna_integration.OptunaSearchCV` (the same fitted attributes: ``study_``,
    ``best_params_``, ``best_score_``, ``best_estimator_``, ``trials_dataframe()``, ...) whose
    trials:

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

    _required_parameters = ["estimator"]

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
        # Only stores the parameters (OptunaSearchCV.__init__ validates and warns).
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
        validation_share = _validation_share(trial_estimator)
        fingerprint = _fingerprint(self.estimator, distributions, X, y, groups, fit_params,
                                   splits, self.scoring, validation_share)
        problem = _Problem(trial_estimator, distributions, X, y, groups, splits, scorer,
                           fit_params, fingerprint, validation_share)
        self._warn_small_space(distributions)

        with contextlib.ExitStack() as cleanup, _optuna_quiet(self.verbose):
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
            _check_direction(study)
            _check_fingerprint(study, fingerprint)
            self._enqueue_estimator_params(study, distributions)
            budget = self._missing_trials(study)
            if budget is not None:
                n_jobs = min(n_jobs, budget)  # no worker without a trial to run
            if n_jobs <= 1:
                self._optimize(study, problem, budget, worker=0)
            else:
                Parallel(n_jobs=n_jobs, backend="loky")(
                    delayed(_run_worker)(self, where, study.study_name, problem, budget,
                                         worker)
                    for worker in range(n_jobs)
                )
                # A fresh storage object sees every worker's trials (no process-local cache).
                study = optuna.load_study(study_name=study.study_name,
                                          storage=self._make_storage(where))
            if temporary:
                # Keep the study in memory; the journal file goes with its folder.
                memory = InMemoryStorage()
                optuna.copy_study(from_study_name=study.study_name,
                                  from_storage=study._storage, to_storage=memory)
                study = optuna.load_study(study_name=study.study_name, storage=memory)
        self.study_ = study
        self.n_splits_ = len(splits)
        self.sample_indices_ = np.arange(_n_samples(X))
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
                                               per_sequence_output=_per_sequence_targets(y))
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
        net, prefix = _final_estimator(estimator)
        net_params = net.get_params(deep=False)
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
        callbacks.append(("optuna_pruning", _TrialPruningCallback(monitor)))
        params[prefix + "callbacks"] = callbacks
        return estimator.set_params(**params)

    def _make_storage(self, storage):
        return make_storage(storage, heartbeat_interval=self.heartbeat_interval,
                            grace_period=self.grace_period, max_retry=self.max_retry)

    def _check_validation_split(self, splits):
        """The validation split of pruned trials must leave samples on both of its sides."""
        if not self.pruning:
            return
        net, _ = _final_estimator(self.estimator)
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
        size = _space_size(distributions)
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

    def _missing_trials(self, study):
        """How many trials this fit should still run (None: no limit)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            # Fail (and queue again) trials left running by killed workers before counting.
            fail_stale_trials(study)
        if self.n_trials is None:
            return None
        counted = study.get_trials(deepcopy=False, states=_COUNTED_STATES)
        return max(self.n_trials - len(counted), 0)

    def _optimize(self, study, problem, budget, worker):
        """Run up to ``budget`` trials of ``problem`` in this process."""
        if budget == 0:
            return
        n_existing = len(study.get_trials(deepcopy=False))
        study.sampler = self.sampler if self.sampler is not None else optuna.samplers.TPESampler(
            seed=_derived_seed(self.random_state, n_existing, worker))
        if not self.pruning:
            study.pruner = optuna.pruners.NopPruner()
        elif self.pruner is not None:
            study.pruner = self.pruner
        else:
            study.pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5)
        callbacks = list(self.callbacks or [])
        if self.n_trials is not None:
            callbacks.insert(0, MaxTrialsCallback(self.n_trials, states=_COUNTED_STATES))
        study.optimize(
            lambda trial: self._objective(trial, problem),
            n_trials=budget, timeout=self.timeout,
            catch=(*tuple(self.catch or ()), _SurplusTrialError),
            callbacks=callbacks, gc_after_trial=False,
        )

    def _objective(self, trial, problem):
        if self.n_trials is not None:
            ahead = sum(1 for t in trial.study.get_trials(deepcopy=False, states=_AHEAD_STATES)
                        if t.number < trial.number)
            if ahead >= self.n_trials:
                trial.study.stop()
                raise _SurplusTrialError(
                    f"The study already holds {self.n_trials} trials (started by other "
                    "workers at the same time); this one was not run."
                )
        # Another worker may have claimed a new study for another set-up at the same instant.
        _check_fingerprint(trial.study, problem.fingerprint)
        params = {name: _suggest(trial, name, dist)
                  for name, dist in problem.distributions.items()}
        trial.set_user_attr("validation_fraction", problem.validation_share)
        twin = _finished_twin(trial, params)
        if twin is not None:
            return _repeat(trial, twin)
        estimator = clone(problem.estimator).set_params(**params)
        token = _ACTIVE_TRIAL.set(_TrialContext(trial))
        try:
            with warnings.catch_warnings():
                # A search over state_policy tries "carry" on purpose; its misuse warnings
                # (meant for a single fit) would repeat for every fold of every such trial.
                warnings.filterwarnings("ignore", message="state_policy='carry' ",
                                        category=UserWarning)
                scores = cross_validate(
                    estimator, problem.X, problem.y, groups=problem.groups, cv=problem.splits,
                    scoring=problem.scorer, params=problem.fit_params, n_jobs=1,
                    error_score="raise", return_train_score=self.return_train_score,
                )
        finally:
            _ACTIVE_TRIAL.reset(token)
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

    # ------------------------------------------------------------------ results
    @property
    def cv_results_(self):
        """dict of str to list: one entry per trial of the study (see the class docstring)."""
        self._check_is_fitted()
        trials = self.study_.get_trials(deepcopy=False)
        results = {"number": [t.number for t in trials],
                   "state": [t.state.name for t in trials],
                   "params": [dict(t.params) for t in trials]}
        names = list(dict.fromkeys(name for t in trials for name in t.params))
        for name in names:
            results[f"param_{name}"] = [t.params.get(name) for t in trials]
        keys = list(dict.fromkeys(key for t in trials for key in t.user_attrs))
        for key in keys:
            results[key] = [t.user_attrs.get(key, np.nan) for t in trials]
        if "mean_test_score" in results:
            scores = pd.Series(results["mean_test_score"], dtype=float)
            ranks = scores.rank(method="min", ascending=False, na_option="bottom")
            results["rank_test_score"] = ranks.astype(int).tolist()
        return results


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


class _Problem:
    """What every trial evaluates: the estimator, the space, the data and the splits."""

    def __init__(self, estimator, distributions, X, y, groups, splits, scorer, fit_params,
                 fingerprint, validation_share):
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


def _run_worker(search, storage, study_name, problem, budget, worker):
    """One worker process: load the shared study and run trials until the study is full."""
    import torch

    torch.set_num_threads(1)
    with _optuna_quiet(search.verbose):
        study = optuna.load_study(study_name=study_name, storage=search._make_storage(storage))
        search._optimize(study, problem, budget, worker)


def _validation_share(estimator):
    """The share of each training fold that the trials' fits hold out for validation.

    0.0 when they train on all of it (no ``train_split``), the fraction of a
    :class:`~skorch.dataset.ValidSplit`, and None when the split is something else.
    """
    net, _ = _final_estimator(estimator)
    split = net.get_params(deep=False).get("train_split") if hasattr(net, "get_params") else None
    if split is None:
        return 0.0
    if isinstance(split, ValidSplit):
        if isinstance(split.cv, Real) and not isinstance(split.cv, Integral):
            return float(split.cv)
        if isinstance(split.cv, Integral) and split.cv > 1:
            return 1.0 / int(split.cv)
    return None


def _space_size(distributions):
    """How many distinct parameter sets the space holds (inf for a continuous one)."""
    size = 1
    for dist in distributions.values():
        if isinstance(dist, CategoricalDistribution):
            size *= len(dist.choices)
        elif isinstance(dist, IntDistribution) and not dist.log:
            size *= (dist.high - dist.low) // dist.step + 1
        elif isinstance(dist, IntDistribution):
            size *= dist.high - dist.low + 1
        elif isinstance(dist, FloatDistribution) and dist.step is not None:
            size *= int(round((dist.high - dist.low) / dist.step)) + 1
        else:
            return math.inf
    return size


def _per_sequence_targets(y):
    """Whether ``y`` holds one target (or one row of targets) per sequence."""
    if y is None or isinstance(y, (list, tuple)) and len(y) and np.ndim(y[0]) >= 1:
        return False
    return np.ndim(y) == 1


def _n_samples(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _derived_seed(random_state, n_existing, worker):
    """A sampler seed that differs per resumed run and per worker but repeats for a given one."""
    base = check_seed(random_state)
    if base is None:
        return None
    return int(np.random.SeedSequence([base, n_existing, worker]).generate_state(1)[0])


@contextlib.contextmanager
def _optuna_quiet(verbose):
    old = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.INFO if verbose else optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            yield
    finally:
        optuna.logging.set_verbosity(old)


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
