"""Where studies live: the storages a ``storage`` argument stands for, and study creation."""

from __future__ import annotations

import os
import warnings

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.storages import (
    BaseStorage,
    InMemoryStorage,
    JournalStorage,
    RDBStorage,
    RetryHeartbeatStaleTrialCallback,
)
from optuna.storages.journal import JournalFileBackend
from optuna.study import StudyDirection

__all__ = ["DEFAULT_STORAGE", "create_study", "make_storage"]

#: The storage of a *named* study without a storage (``study_name="..."``, ``storage=None``): an
#: SQLite file in the current working directory, so that the study resumes when the search runs
#: again. A search with neither ``study_name`` nor ``storage`` writes no file: its study lives in
#: an :class:`optuna.storages.InMemoryStorage` (with ``n_jobs > 1``, in a temporary journal file
#: that is deleted when ``fit`` returns).
DEFAULT_STORAGE = "sqlite:///seqestimators-studies.db"

_JOURNAL_SUFFIXES = (".log", ".journal")


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
    check_direction(study)
    return study


def check_direction(study):
    if study.direction != StudyDirection.MAXIMIZE:
        raise ValueError(
            f"The study {study.study_name!r} minimizes, but searches maximize scikit-learn "
            "scores (higher is better). Use another study_name."
        )

