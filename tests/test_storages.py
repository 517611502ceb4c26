"""Real Optuna storages under optuna_search: SQLite resume after a killed run, a journal file
shared by worker processes, PostgreSQL across workers, and n_jobs worker processes.

The tests wait on states, never on timing: a worker that must be killed in the middle of a
trial says so through a file once the trial's parameters are stored, and concurrent workers meet
inside their first trial, so that they really run at the same time however loaded the machine.

The PostgreSQL tests need a server: set SEQESTIMATORS_TEST_POSTGRES_URL, e.g.
``postgresql+psycopg2://postgres:postgres@127.0.0.1:5432/seqestimators`` (``.ci/run`` sets one
up on 127.0.0.1); without it they are skipped.
"""

import os
import signal
import subprocess
import sys
import tempfile
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
    StudyMismatchError,
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
# name, n_trials, the worker's seed (its sampler's), and a folder for the files through which
# the workers and the test wait for each other. The set-up (data, space, estimator, CV) is the
# same in every worker and in the tests' own searches on these studies (SETUP below), or the
# study would refuse them. Inside a search, the trial's cross-validation starts after all of
# its parameters are stored; the worker wraps it:
# - HANG_AFTER=k: the (k+1)-th cross-validation of the worker writes the file "hanging" and hangs
#   (the test kills the worker then);
# - otherwise the first cross-validation of every worker writes "in-trial-<seed>" and waits for
#   the other worker's file: two workers are in a trial at the same time.
WORKER = textwrap.dedent("""
    import os, sys, time
    import seqestimators.search._trials as search_module  # where the trials call cross_validate
    from seqestimators import RNNClassifier
    from seqestimators.datasets import make_delayed_echo
    from seqestimators.search import default_param_distributions, optuna_search

    storage, name, n_trials, seed, folder = sys.argv[1:6]
    n_trials, seed = int(n_trials), int(seed)
    hang_after = int(os.environ.get("HANG_AFTER", "0"))
    evaluate, calls = search_module.cross_validate, []

    def cross_validate(*args, **kwargs):
        calls.append(None)
        if hang_after and len(calls) > hang_after:
            open(os.path.join(folder, "hanging"), "w").close()
            time.sleep(600)
        elif not hang_after and len(calls) == 1:
            open(os.path.join(folder, f"in-trial-{seed}"), "w").close()
            deadline = time.monotonic() + 120  # only a guard: the test fails on no overlap
            while (sum(f.startswith("in-trial-") for f in os.listdir(folder)) < 2
                   and time.monotonic() < deadline):
                time.sleep(0.05)
        return evaluate(*args, **kwargs)

    search_module.cross_validate = cross_validate
    X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    est = RNNClassifier(hidden_size=4, max_epochs=3, random_state=0)
    space = default_param_distributions(hidden_size=[4, 8], cell=["rnn", "lstm"])
    optuna_search(est, X, y, n_trials=n_trials, param_distributions=space, storage=storage,
                  study_name=name, cv=2, pruning=False, refit=False, random_state=seed,
                  heartbeat_interval=1, grace_period=2)
""")

# The heartbeat settings of the workers: a trial without heartbeat for GRACE seconds is stale.
GRACE = 2


def setup():
    """The data, estimator and search settings of WORKER (for the tests' own searches)."""
    X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    est = RNNClassifier(hidden_size=4, max_epochs=3, random_state=0)
    kwargs = dict(param_distributions=default_param_distributions(hidden_size=[4, 8],
                                                                  cell=["rnn", "lstm"]),
                  cv=2, pruning=False, heartbeat_interval=1, grace_period=GRACE)
    return X, y, est, kwargs


def start_worker(storage, name, n_trials, seed, folder, **env):
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(storage), name, str(n_trials), str(seed),
         str(folder)],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition, worker, what, timeout=300):
    """Poll ``condition()`` until it holds; fail if the worker dies or the guard expires."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert worker.poll() is None, f"the worker ended before {what}:\n" + \
            worker.communicate()[0]
        assert time.monotonic() < deadline, f"the worker never reached {what}"
        time.sleep(0.1)


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
    # The worker completes trials 0 and 1 (one cross-validation each), then hangs in trial 2,
    # after its parameters are stored, and says so: the file "hanging".
    worker = start_worker(storage, name, 4, 0, tmp_path, HANG_AFTER="2")
    try:
        wait_for((tmp_path / "hanging").exists, worker, "its third trial")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()
    study = optuna.load_study(study_name=name, storage=make_storage(storage,
                                                                    heartbeat_interval=None))
    trials = study.trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 2 + [TrialState.RUNNING]
    searched = {"cell", "hidden_size", "state_policy", "num_layers", "lr"}
    assert set(trials[2].params) == searched  # killed with all of its parameters stored
    # The killed worker's heartbeats stopped with it, at the latest when worker.wait returned:
    # GRACE seconds later trial 2 is stale by definition (this waits for that state to hold;
    # it cannot be too short, however slow the machine).
    time.sleep(GRACE + 1)

    X, y, est, kwargs = setup()
    search = optuna_search(est, X, y, n_trials=4, storage=storage, study_name=name,
                           random_state=0, **kwargs)
    trials = search.study_.trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 2 + [TrialState.FAIL] + \
        [TrialState.COMPLETE] * 2
    # the killed trial was retried with the same parameters: no trial was lost
    hung = trials[2]
    assert set(hung.params) == searched
    retried = [t for t in trials
               if RetryHeartbeatStaleTrialCallback.retried_trial_number(t) == hung.number]
    assert len(retried) == 1 and retried[0].state == TrialState.COMPLETE
    assert retried[0].params == hung.params
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 4
    assert search.best_estimator_.predict(X).shape == y.shape
    # the resumed study is the same set-up; another one is refused
    with pytest.raises(StudyMismatchError, match="'killed' was run on different data"):
        optuna_search(est, X[:32], y[:32], n_trials=5, storage=storage, study_name=name,
                      random_state=0, **kwargs)


# ------------------------------------------------------------------------------ shared studies
def test_two_worker_processes_share_a_journal_file(tmp_path):
    storage = tmp_path / "studies.log"
    create_study("journal", storage)  # once, before the workers start
    folder = tmp_path / "meeting"
    folder.mkdir()
    workers = [start_worker(storage, "journal", 6, seed, folder) for seed in (1, 2)]
    wait_all(workers)
    study = optuna.load_study(study_name="journal", storage=make_storage(storage))
    check_shared_study(study, 6)
    # the first worker recorded the set-up, the second found the same one
    assert study.user_attrs["seqestimators_fingerprint"]["cv"]["n_splits"] == "2"


@needs_postgres
def test_two_worker_processes_share_a_postgresql_study(tmp_path):
    name = f"test-{uuid.uuid4().hex}"
    create_study(name, POSTGRES_URL)
    try:
        folder = tmp_path / "meeting"
        folder.mkdir()
        workers = [start_worker(POSTGRES_URL, name, 6, seed, folder) for seed in (1, 2)]
        wait_all(workers)
        study = optuna.load_study(study_name=name, storage=make_storage(POSTGRES_URL))
        check_shared_study(study, 6)
        # a further run of the same set-up continues the same study on the server
        X, y, est, kwargs = setup()
        search = optuna_search(est, X, y, n_trials=7, storage=POSTGRES_URL, study_name=name,
                               random_state=3, **kwargs)
        assert sum(t.state == TrialState.COMPLETE for t in search.study_.trials) == 7
        # another estimator is refused
        with pytest.raises(StudyMismatchError, match="max_epochs: 3 -> 2"):
            optuna_search(est.set_params(max_epochs=2), X, y, n_trials=8,
                          storage=POSTGRES_URL, study_name=name, random_state=3, **kwargs)
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


def test_n_jobs_without_study_name_or_storage_leaves_no_file(tmp_path, monkeypatch):
    """Worker processes share a temporary journal file, deleted when fit returns."""
    work, scratch = tmp_path / "work", tmp_path / "scratch"
    work.mkdir()
    scratch.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    made = []
    temporary_directory = tempfile.TemporaryDirectory

    def recording(*args, **kwargs):
        folder = temporary_directory(*args, **kwargs)
        made.append(folder.name)
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recording)
    X, y = make_delayed_echo(64, 12, random_state=0, return_X_y=True)
    search = optuna_search(
        RNNClassifier(hidden_size=4, max_epochs=2, random_state=0), X, y,
        param_distributions=default_param_distributions(hidden_size=[4, 8], cell=["rnn", "lstm"]),
        n_trials=4, cv=2, n_jobs=2, random_state=0)
    assert len(made) == 1 and os.path.dirname(made[0]) == str(scratch)
    assert list(work.iterdir()) == [] and list(scratch.iterdir()) == []
    # the study was copied into memory before its journal was deleted
    trials = search.study_.trials
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 4
    assert search.study_.user_attrs["seqestimators_fingerprint"]["data"]["X"] == \
        "shape (64, 12, 1)"
    assert search.best_estimator_.predict(X).shape == y.shape
