"""Real Optuna storages under optuna_search: SQLite resume after a killed run, a journal file
shared by worker processes, PostgreSQL across workers, and n_jobs worker processes.

The PostgreSQL tests need a server: set SEQESTIMATORS_TEST_POSTGRES_URL, e.g.
``postgresql+psycopg2://postgres:postgres@127.0.0.1:5432/seqestimators`` (``.ci/run`` sets one
up on 127.0.0.1); without it they are skipped.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import optuna
import pytest
from optuna.storages import JournalStorage, RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.trial import TrialState

from seqestimators import RNNClassifier
from seqestimators.datasets import make_delayed_echo
from seqestimators.search import (
    DEFAULT_STORAGE,
    create_study,
    default_param_distributions,
    make_storage,
    optuna_search,
)

POSTGRES_URL = os.environ.get("SEQESTIMATORS_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="no PostgreSQL server: set SEQESTIMATORS_TEST_POSTGRES_URL "
           "(e.g. postgresql+psycopg2://postgres:postgres@127.0.0.1:5432/seqestimators; "
           ".ci/run sets one up)",
)

# What every worker process runs: a small search on a shared study. Arguments: storage, study
# name, n_trials, the worker's seed, and a folder where workers wait for each other, so that
# they really run at the same time. HANG=1 makes every fit of the second search hang.
WORKER = textwrap.dedent("""
    import os, sys, time
    from skorch.callbacks import Callback
    from seqestimators import RNNClassifier
    from seqestimators.datasets import make_delayed_echo
    from seqestimators.search import default_param_distributions, optuna_search

    class Hang(Callback):
        def on_train_begin(self, net, **kwargs):
            time.sleep(600)

    storage, name, n_trials, seed, barrier = sys.argv[1:6]
    n_trials, seed = int(n_trials), int(seed)
    X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    est = RNNClassifier(hidden_size=4, max_epochs=3, random_state=0)
    space = default_param_distributions(hidden_size=[4, 8], cell=["rnn", "lstm"])
    kwargs = dict(param_distributions=space, storage=storage, study_name=name, cv=2,
                  pruning=False, refit=False, random_state=seed, heartbeat_interval=1,
                  grace_period=2)
    if os.environ.get("HANG"):
        optuna_search(est, X, y, n_trials=2, **kwargs)
        optuna_search(est.set_params(callbacks=[("hang", Hang())]), X, y, n_trials=n_trials,
                      **kwargs)
    else:
        open(os.path.join(barrier, f"ready-{seed}"), "w").close()
        while len(os.listdir(barrier)) < 2:
            time.sleep(0.05)
        optuna_search(est, X, y, n_trials=n_trials, **kwargs)
""")


def start_worker(storage, name, n_trials, seed, barrier, **env):
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(storage), name, str(n_trials), str(seed),
         str(barrier)],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_all(workers, timeout=240):
    deadline = time.monotonic() + timeout
    for worker in workers:
        out, _ = worker.communicate(timeout=max(deadline - time.monotonic(), 1))
        assert worker.returncode == 0, out


def overlapping(trials):
    """Whether two trials ran at the same time."""
    spans = sorted((t.datetime_start, t.datetime_complete) for t in trials)
    return any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:]))


def check_shared_study(study, n_trials):
    """Exactly n_trials COMPLETE trials, none duplicated, none lost."""
    trials = study.get_trials(deepcopy=False)
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert len(complete) == n_trials
    numbers = [t.number for t in trials]
    assert len(set(numbers)) == len(numbers)
    # nothing left running or waiting; a FAIL can only be a surplus trial of a start race
    assert all(t.state in (TrialState.COMPLETE, TrialState.FAIL) for t in trials)
    assert len(trials) <= n_trials + 1
    assert overlapping(complete), "the two workers never ran trials at the same time"
    return complete


# ------------------------------------------------------------------------------ make_storage
def test_make_storage_kinds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    default = make_storage()
    assert isinstance(default, RDBStorage)
    assert default.url == DEFAULT_STORAGE
    assert (tmp_path / "seqestimators-studies.db").is_file()
    # RDB URLs get heartbeats that fail and retry the trials of killed workers
    assert default.heartbeat_interval == 60
    assert isinstance(default.get_heartbeat_stale_trial_callback(),
                      RetryHeartbeatStaleTrialCallback)
    tuned = make_storage(f"sqlite:///{tmp_path / 'b.db'}", heartbeat_interval=5, grace_period=7)
    assert (tuned.heartbeat_interval, tuned.grace_period) == (5, 7)
    assert make_storage(f"sqlite:///{tmp_path / 'c.db'}", heartbeat_interval=None) \
        .get_heartbeat_interval() is None
    for name in ("studies.log", "studies.journal"):
        assert isinstance(make_storage(str(tmp_path / name)), JournalStorage)
    assert isinstance(make_storage(tmp_path / "path.log"), JournalStorage)
    memory = optuna.storages.InMemoryStorage()
    assert make_storage(memory) is memory
    with pytest.raises(ValueError, match="journal file"):
        make_storage("studies.db")
    with pytest.raises(TypeError, match="storage must be"):
        make_storage(3)


def test_create_study_once_then_load(tmp_path):
    path = tmp_path / "studies.log"
    study = create_study("shared", path)
    again = create_study("shared", path)
    assert again._study_id == study._study_id
    with pytest.raises(optuna.exceptions.DuplicatedStudyError):
        create_study("shared", path, load_if_exists=False)


# ------------------------------------------------------------------------------ SQLite resume
@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_sqlite_study_resumes_after_the_process_is_killed(tmp_path):
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    name = "killed"
    # The worker completes 2 trials, then hangs in trial 2 until it is killed.
    worker = start_worker(storage, name, 4, 0, tmp_path, HANG="1")
    watch = make_storage(storage, heartbeat_interval=1, grace_period=2)
    deadline = time.monotonic() + 180
    try:
        while True:
            assert worker.poll() is None, worker.communicate()[0]
            assert time.monotonic() < deadline, "the worker never reached its third trial"
            try:
                trials = optuna.load_study(study_name=name, storage=watch).trials
            except KeyError:  # the study does not exist yet
                trials = []
            if [t.state for t in trials] == [TrialState.COMPLETE] * 2 + [TrialState.RUNNING]:
                break
            time.sleep(0.2)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()
    time.sleep(3.5)  # longer than grace_period without heartbeat: trial 2 is stale

    X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    search = optuna_search(
        RNNClassifier(hidden_size=4, max_epochs=3, random_state=0), X, y,
        param_distributions=default_param_distributions(hidden_size=[4, 8],
                                                        cell=["rnn", "lstm"]),
        n_trials=4, storage=storage, study_name=name, cv=2, pruning=False, random_state=0,
        heartbeat_interval=1, grace_period=2)
    trials = search.study_.trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 2 + [TrialState.FAIL] + \
        [TrialState.COMPLETE] * 2
    # the killed trial was retried with the same parameters: no trial was lost
    hung = trials[2]
    assert set(hung.params) == {"cell", "hidden_size", "state_policy", "num_layers", "lr"}
    retried = [t for t in trials
               if RetryHeartbeatStaleTrialCallback.retried_trial_number(t) == hung.number]
    assert len(retried) == 1 and retried[0].state == TrialState.COMPLETE
    assert retried[0].params == hung.params
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 4
    assert search.best_estimator_.predict(X).shape == y.shape


# ------------------------------------------------------------------------------ shared studies
def test_two_worker_processes_share_a_journal_file(tmp_path):
    storage = tmp_path / "studies.log"
    create_study("journal", storage)  # once, before the workers start
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    workers = [start_worker(storage, "journal", 6, seed, barrier) for seed in (1, 2)]
    wait_all(workers)
    check_shared_study(optuna.load_study(study_name="journal", storage=make_storage(storage)), 6)


@needs_postgres
def test_two_worker_processes_share_a_postgresql_study(tmp_path):
    name = f"test-{uuid.uuid4().hex}"
    create_study(name, POSTGRES_URL)
    try:
        barrier = tmp_path / "barrier"
        barrier.mkdir()
        workers = [start_worker(POSTGRES_URL, name, 6, seed, barrier) for seed in (1, 2)]
        wait_all(workers)
        study = optuna.load_study(study_name=name, storage=make_storage(POSTGRES_URL))
        check_shared_study(study, 6)
        # a further run continues the same study on the server
        X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
        search = optuna_search(
            RNNClassifier(hidden_size=4, max_epochs=2, random_state=0), X, y,
            param_distributions=default_param_distributions(hidden_size=[4, 8],
                                                            cell=["rnn", "lstm"]),
            n_trials=7, storage=POSTGRES_URL, study_name=name, cv=2, random_state=3)
        assert sum(t.state == TrialState.COMPLETE for t in search.study_.trials) == 7
    finally:
        optuna.delete_study(study_name=name, storage=POSTGRES_URL)


def test_n_jobs_runs_worker_processes_on_the_default_sqlite_storage(tmp_path):
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    search = optuna_search(
        RNNClassifier(hidden_size=4, max_epochs=3, random_state=0), X, y,
        param_distributions=default_param_distributions(hidden_size=[4, 8], cell=["rnn", "lstm"]),
        n_trials=6, cv=2, storage=storage, study_name="jobs", n_jobs=2, random_state=0)
    trials = search.study_.trials
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 6
    assert len({t.number for t in trials}) == len(trials) <= 7
    assert search.best_estimator_.predict(X).shape == y.shape
