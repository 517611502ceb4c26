"""Optuna searches (seqestimators.search) and scikit-learn searches over the estimators."""

import numpy as np
import optuna
import pandas as pd
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback
from skorch.dataset import ValidSplit

from seqestimators import MemorylessClassifier, RNNClassifier, RNNRegressor
from seqestimators.datasets import make_delayed_echo, make_saturated_integral
from seqestimators.networks import CELLS
from seqestimators.results import results_frame
from seqestimators.search import (
    SequenceSearchCV,
    StudyMismatchError,
    create_study,
    default_param_distributions,
    estimator_params_in,
    optuna_search,
)

FINGERPRINT = "seqestimators_fingerprint"

SEARCHED = {"cell", "hidden_size", "state_policy", "num_layers", "lr"}


@pytest.fixture(scope="module")
def echo():
    return make_delayed_echo(64, 12, random_state=0, return_X_y=True)


def small_classifier(**params):
    params = {"hidden_size": 8, "max_epochs": 4, "random_state": 0, **params}
    return RNNClassifier(**params)


def small_space(**overrides):
    """The default space with small hidden sizes (fast trials)."""
    return default_param_distributions(hidden_size=[4, 8], **overrides)


def memory():
    return optuna.storages.InMemoryStorage()


def states(study):
    return [t.state for t in study.trials]


class CountFits(Callback):
    """Counts the fits started in this process (the estimator is cloned for every fit)."""

    fits = []

    def on_train_begin(self, net, **kwargs):
        CountFits.fits.append(net.get_params()["cell"])


# ------------------------------------------------------------------------------ search space
def test_default_space_covers_cell_hidden_size_state_policy_layers_lr():
    space = default_param_distributions()
    assert set(space) == SEARCHED
    assert set(space["cell"].choices) == set(CELLS) >= {"rnn", "lstm", "gru"}
    assert set(space["state_policy"].choices) == {"reset", "carry", "learned"}
    assert space["num_layers"] == IntDistribution(1, 2)
    assert space["lr"] == FloatDistribution(1e-3, 1e-1, log=True)
    assert all(isinstance(h, int) for h in space["hidden_size"].choices)
    # a new dict every call: editing one does not change the next
    space.pop("cell")
    assert "cell" in default_param_distributions()


def test_default_space_overrides_add_replace_remove():
    space = default_param_distributions(
        cell=["lstm"], num_layers=None, batch_size=(16, 32),
        dropout=FloatDistribution(0.0, 0.3), lr=0.01)
    assert space["cell"] == CategoricalDistribution(("lstm",))
    assert "num_layers" not in space
    assert space["batch_size"] == CategoricalDistribution((16, 32))
    assert space["dropout"] == FloatDistribution(0.0, 0.3)
    assert space["lr"] == CategoricalDistribution((0.01,))
    with pytest.raises(TypeError, match="'cell'"):
        default_param_distributions(cell={"lstm": 1})
    with pytest.raises(ValueError, match="must not be empty"):
        default_param_distributions(cell=[])


def test_default_space_follows_the_estimator():
    # a memoryless baseline has no cell or state policy to search
    assert set(default_param_distributions(MemorylessClassifier())) == \
        {"hidden_size", "num_layers", "lr"}
    # in a Pipeline, the names get the last step's prefix
    space = default_param_distributions(make_pipeline(RNNClassifier()), cell=["gru"])
    assert set(space) == {f"rnnclassifier__{name}" for name in SEARCHED}
    assert space["rnnclassifier__cell"].choices == ("gru",)


# ------------------------------------------------------------------------------ optuna_search
def test_optuna_search_returns_a_fitted_search(echo):
    X, y = echo
    search = optuna_search(small_classifier(), X, y, param_distributions=small_space(),
                           n_trials=3, cv=2, storage=memory(), random_state=0)
    assert isinstance(search, SequenceSearchCV)
    assert isinstance(search.study_, optuna.Study)
    trials = search.study_.trials
    assert states(search.study_) == [TrialState.COMPLETE] * 3
    # the searched parameters are those of the space, and the best ones were refitted
    assert all(set(t.params) == SEARCHED for t in trials)
    assert set(search.best_params_) == SEARCHED
    assert search.best_score_ == max(t.value for t in trials)
    assert search.best_estimator_.get_params()["cell"] == search.best_params_["cell"]
    assert search.best_estimator_.predict(X).shape == y.shape
    # the refitted estimator is the user's: no pruning callback, no validation split
    assert search.best_estimator_.train_split is None
    assert search.best_estimator_.callbacks is None
    # the trial value is the mean CV score of its folds
    for t in trials:
        folds = [t.user_attrs["split0_test_score"], t.user_attrs["split1_test_score"]]
        assert t.value == pytest.approx(np.mean(folds))
    frame = search.trials_dataframe()
    assert {"params_cell", "params_hidden_size", "params_state_policy"} <= set(frame.columns)
    results = search.cv_results_
    assert results["param_cell"] == [t.params["cell"] for t in trials]
    assert sorted(results["rank_test_score"])[0] == 1


def test_the_default_space_is_searched_when_none_is_given(echo):
    X, y = echo
    search = optuna_search(small_classifier(max_epochs=2), X[:32], y[:32], n_trials=1, cv=2,
                           storage=memory(), random_state=0, pruning=False)
    assert set(search.best_params_) == SEARCHED


def test_user_extended_space_is_searched(echo):
    X, y = echo
    space = small_space(cell=["gru"], num_layers=None, batch_size=[16, 64],
                        lr=FloatDistribution(0.005, 0.05, log=True))
    search = optuna_search(small_classifier(), X, y, param_distributions=space, n_trials=3,
                           cv=2, storage=memory(), random_state=1)
    for t in search.study_.trials:
        assert set(t.params) == {"cell", "hidden_size", "state_policy", "batch_size", "lr"}
        assert t.params["cell"] == "gru"
        assert t.params["batch_size"] in (16, 64)
        assert 0.005 <= t.params["lr"] <= 0.05
    assert search.best_estimator_.batch_size == search.best_params_["batch_size"]


def test_search_over_a_pipeline_and_a_regressor():
    X, y = make_saturated_integral(48, 10, random_state=0, return_X_y=True)
    pipe = make_pipeline(RNNRegressor(hidden_size=4, max_epochs=3, random_state=0))
    space = default_param_distributions(pipe, hidden_size=[4], num_layers=None)
    search = optuna_search(pipe, X, y, param_distributions=space, n_trials=2, cv=2,
                           storage=memory(), random_state=0)
    assert set(search.best_params_) == {"rnnregressor__cell", "rnnregressor__hidden_size",
                                        "rnnregressor__state_policy", "rnnregressor__lr"}
    # pruning reported the regressor's per-epoch validation R² for every epoch
    assert all(sorted(t.intermediate_values) == [0, 1, 2] for t in search.study_.trials)
    assert search.predict(X).shape == y.shape


# ------------------------------------------------------------------------------ pruning
def test_pruning_reports_every_epoch_of_the_first_fold(echo):
    X, y = echo
    search = optuna_search(small_classifier(max_epochs=4), X, y, param_distributions=small_space(),
                           n_trials=2, cv=3, storage=memory(), random_state=0)
    for t in search.study_.trials:
        assert t.state == TrialState.COMPLETE
        # one report per epoch (steps 0-3): the per-epoch validation accuracy of fold 0
        assert sorted(t.intermediate_values) == [0, 1, 2, 3]
        assert all(0.0 <= v <= 1.0 for v in t.intermediate_values.values())


def test_pruner_stops_trials_after_their_first_epoch(echo):
    X, y = echo
    # an accuracy is never above 1.01: this pruner prunes every trial at its first report
    pruner = optuna.pruners.ThresholdPruner(lower=1.01)
    search = optuna_search(small_classifier(max_epochs=5), X, y, param_distributions=small_space(),
                           n_trials=3, cv=2, storage=memory(), random_state=0, pruner=pruner,
                           refit=False)
    assert states(search.study_) == [TrialState.PRUNED] * 3
    assert all(list(t.intermediate_values) == [0] for t in search.study_.trials)


def test_no_pruning_no_reports(echo):
    X, y = echo
    pruner = optuna.pruners.ThresholdPruner(lower=1.01)
    search = optuna_search(small_classifier(max_epochs=2), X, y, param_distributions=small_space(),
                           n_trials=2, cv=2, storage=memory(), random_state=0, pruner=pruner,
                           pruning=False)
    assert states(search.study_) == [TrialState.COMPLETE] * 2
    assert all(t.intermediate_values == {} for t in search.study_.trials)


def test_pruning_needs_a_per_epoch_validation_score(echo):
    X, y = echo
    search = SequenceSearchCV(DummyClassifier(), {"strategy": CategoricalDistribution(["prior"])},
                              n_trials=1, storage=memory())
    with pytest.raises(ValueError, match="pruning=False"):
        search.fit(X[:, :, 0], y[:, 0])
    search.set_params(pruning=False).fit(X[:, :, 0], y[:, 0])
    assert search.best_params_ == {"strategy": "prior"}


# ------------------------------------------------------------------------------ failures
def test_a_diverging_trial_fails_and_the_study_goes_on(echo, caplog):
    X, y = echo
    storage = memory()
    study = create_study("diverge", storage)
    # the first trial's loss becomes inf in its first epoch (lr is out of the space's range)
    study.enqueue_trial({"lr": 1e37})
    search = optuna_search(small_classifier(max_epochs=3), X, y,
                           param_distributions=small_space(), n_trials=3, cv=2,
                           storage=storage, study_name="diverge", random_state=0)
    trials = search.study_.trials
    assert trials[0].params["lr"] == 1e37
    assert trials[0].state == TrialState.FAIL
    assert "Trial 0 failed" in caplog.text and "TrainingDivergedError" in caplog.text
    # the study went on: the other attempts ran, and the best one was refitted
    assert [t.state for t in trials[1:]] == [TrialState.COMPLETE] * 2
    assert search.best_params_["lr"] < 1
    results = search.cv_results_
    assert results["state"][0] == "FAIL" and np.isnan(results["mean_test_score"][0])
    assert results["rank_test_score"][0] == 3


def test_other_errors_are_raised(echo):
    X, y = echo
    space = {"hidden_size": CategoricalDistribution([-1])}
    with pytest.raises(ValueError, match="hidden_size"):
        optuna_search(small_classifier(), X, y, param_distributions=space, n_trials=1, cv=2,
                      storage=memory())


def test_no_completed_trial_to_refit(echo):
    X, y = echo
    with pytest.raises(ValueError, match="No trial of the study"):
        optuna_search(small_classifier(max_epochs=2), X, y,
                      param_distributions=small_space(lr=1e37), n_trials=1, cv=2,
                      storage=memory())


# ------------------------------------------------------------------------------ n_trials, resume
def test_n_trials_is_the_total_of_a_resumed_study(echo, tmp_path):
    X, y = echo
    kwargs = dict(param_distributions=small_space(), cv=2, random_state=0,
                  storage=f"sqlite:///{tmp_path / 'studies.db'}", study_name="echo")
    first = optuna_search(small_classifier(max_epochs=2), X, y, n_trials=2, **kwargs)
    first_params = [t.params for t in first.study_.trials]
    assert len(first_params) == 2
    second = optuna_search(small_classifier(max_epochs=2), X, y, n_trials=3, **kwargs)
    trials = second.study_.trials
    assert [t.number for t in trials] == [0, 1, 2]
    assert [t.params for t in trials[:2]] == first_params
    # the sampler of a resumed run is seeded differently: it does not repeat trial 0
    assert trials[2].params != trials[0].params
    # a full study runs nothing more, and still refits its best trial
    third = optuna_search(small_classifier(max_epochs=2), X, y, n_trials=3, **kwargs)
    assert len(third.study_.trials) == 3
    assert third.best_params_ == second.best_params_


def test_the_first_trial_is_the_estimators_own_parameters(echo, tmp_path):
    X, y = echo
    estimator = small_classifier(max_epochs=2, cell="gru", lr=0.02)
    kwargs = dict(param_distributions=small_space(), cv=2, random_state=0,
                  storage=f"sqlite:///{tmp_path / 'studies.db'}", study_name="echo")
    search = optuna_search(estimator, X, y, n_trials=2, **kwargs)
    first = search.study_.trials[0]
    assert first.params == {"cell": "gru", "hidden_size": 8, "state_policy": "reset",
                            "num_layers": 1, "lr": 0.02}
    assert first.user_attrs["start_from_estimator"] is True
    assert first.state == TrialState.COMPLETE
    assert "start_from_estimator" not in search.study_.trials[1].user_attrs
    # A resumed study does not queue it again.
    resumed = optuna_search(estimator, X, y, n_trials=3, **kwargs)
    marked = [t.number for t in resumed.study_.trials if t.user_attrs.get("start_from_estimator")]
    assert marked == [0]


def test_no_start_from_the_estimator_outside_the_space_or_when_turned_off(echo):
    X, y = echo
    outside = optuna_search(small_classifier(max_epochs=2, hidden_size=6), X, y,
                            param_distributions=small_space(), n_trials=1, cv=2,
                            random_state=0)
    assert "start_from_estimator" not in outside.study_.trials[0].user_attrs
    off = optuna_search(small_classifier(max_epochs=2), X, y, param_distributions=small_space(),
                        n_trials=1, cv=2, random_state=0, start_from_estimator=False)
    assert "start_from_estimator" not in off.study_.trials[0].user_attrs


def test_estimator_params_in_reads_pipelines_and_checks_every_distribution():
    pipe = make_pipeline(MemorylessClassifier(), RNNClassifier(lr=0.5))
    space = default_param_distributions(pipe)
    assert estimator_params_in(space, pipe) is None  # lr=0.5 is above the space's 0.1
    pipe.set_params(rnnclassifier__lr=0.05)
    params = estimator_params_in(space, pipe)
    assert params["rnnclassifier__lr"] == 0.05 and params["rnnclassifier__cell"] == "lstm"
    per_sequence = default_param_distributions(RNNClassifier(), per_sequence_output=True)
    assert estimator_params_in(per_sequence, RNNClassifier())["pooling"] == "auto"
    assert estimator_params_in({"hidden_size": IntDistribution(4, 64)},
                               RNNClassifier(hidden_size=True)) is None


def test_same_seed_same_study(echo):
    X, y = echo
    runs = [optuna_search(small_classifier(max_epochs=2), X, y,
                          param_distributions=small_space(), n_trials=2, cv=2,
                          storage=memory(), random_state=7) for _ in range(2)]
    assert [t.params for t in runs[0].study_.trials] == [t.params for t in runs[1].study_.trials]
    assert [t.value for t in runs[0].study_.trials] == [t.value for t in runs[1].study_.trials]


def test_storage_none_is_an_sqlite_file_in_the_working_directory(echo, tmp_path, monkeypatch):
    X, y = echo
    monkeypatch.chdir(tmp_path)
    search = optuna_search(small_classifier(max_epochs=1), X[:24], y[:24],
                           param_distributions=small_space(), n_trials=1, cv=2,
                           study_name="here", pruning=False)
    assert (tmp_path / "seqestimators-studies.db").is_file()
    again = optuna.load_study(study_name="here", storage="sqlite:///seqestimators-studies.db")
    assert [t.params for t in again.trials] == [t.params for t in search.study_.trials]


def test_no_file_without_a_study_name_or_storage(echo, tmp_path, monkeypatch):
    X, y = echo
    monkeypatch.chdir(tmp_path)
    search = optuna_search(small_classifier(max_epochs=1), X[:24], y[:24],
                           param_distributions=small_space(), n_trials=2, cv=2, pruning=False,
                           random_state=0)
    assert list(tmp_path.iterdir()) == []
    assert states(search.study_) == [TrialState.COMPLETE] * 2
    # two fits, two new studies: nothing is shared between them
    again = optuna_search(small_classifier(max_epochs=1), X[:24], y[:24],
                          param_distributions=small_space(), n_trials=1, cv=2, pruning=False,
                          random_state=0)
    assert len(again.study_.trials) == 1
    assert list(tmp_path.iterdir()) == []
    # create_study without a name or a storage: in memory as well
    assert create_study().study_name
    assert list(tmp_path.iterdir()) == []


def test_a_minimizing_study_is_refused(echo, tmp_path):
    X, y = echo
    storage = memory()
    optuna.create_study(storage=storage, study_name="down", direction="minimize")
    with pytest.raises(ValueError, match="minimizes"):
        optuna_search(small_classifier(), X, y, n_trials=1, storage=storage,
                      study_name="down")


@pytest.mark.parametrize("params, match", [
    ({"n_trials": 0}, "n_trials"),
    ({"n_jobs": 0}, "n_jobs"),
    ({"validation_fraction": 1.5}, "validation_fraction"),
    ({"validation_fraction": 0.0}, "validation_fraction"),
    ({"validation_fraction": "0.2"}, "validation_fraction"),
])
def test_invalid_parameters(echo, params, match):
    X, y = echo
    search = SequenceSearchCV(small_classifier(), **params)
    with pytest.raises((InvalidParameterError, ValueError), match=match):
        search.fit(X, y)


def test_n_jobs_needs_a_shared_storage(echo):
    X, y = echo
    with pytest.raises(ValueError, match="InMemoryStorage"):
        optuna_search(small_classifier(), X, y, n_trials=2, n_jobs=2, storage=memory())


# ------------------------------------------------------------------------------ GridSearchCV
def test_grid_search_in_two_processes_scores_like_one(echo):
    X, y = echo
    grid = {"cell": ["rnn", "gru"], "state_policy": ["reset", "learned"]}
    scores = {}
    for n_jobs in (1, 2):
        search = GridSearchCV(small_classifier(max_epochs=8, lr=0.05), grid, cv=2,
                              n_jobs=n_jobs)
        search.fit(X, y)
        scores[n_jobs] = search.cv_results_["mean_test_score"]
    assert len(set(np.round(scores[1], 6))) > 1  # the candidates really differ
    np.testing.assert_allclose(scores[2], scores[1], rtol=0, atol=1e-12)


# ------------------------------------------------------------------------------ study fingerprints
def named_search(storage, **params):
    params = {"param_distributions": small_space(), "n_trials": 1, "cv": 2, "pruning": False,
              "refit": False, "random_state": 0, "storage": storage, "study_name": "echo",
              **params}
    return SequenceSearchCV(small_classifier(max_epochs=1), **params)


def test_a_study_records_what_it_was_run_on(echo, tmp_path):
    X, y = echo
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    search = named_search(storage).fit(X, y)
    stored = search.study_.user_attrs[FINGERPRINT]
    assert set(stored) == {"data", "search space", "estimator parameters", "cv"}
    assert stored["data"]["X"] == "shape (64, 12, 1)"
    assert stored["estimator parameters"]["max_epochs"] == "1"
    assert stored["estimator parameters"]["class"].endswith(".RNNClassifier")
    assert set(stored["search space"]) == SEARCHED
    # the same set-up continues the study (a killed run completes it) ...
    again = named_search(storage, n_trials=2).fit(X, y)
    assert len(again.study_.trials) == 2
    # ... also with another sampler seed, and with X, y as lists of the same sequences
    third = named_search(storage, n_trials=3, random_state=5).fit(list(X), list(y))
    assert len(third.study_.trials) == 3
    # where and how verbosely the models train is not part of the set-up
    fourth = named_search(storage, n_trials=4)
    fourth.estimator.set_params(num_threads=2, verbose=0)
    assert len(fourth.fit(X, y).study_.trials) == 4
    assert "num_threads" not in fourth.study_.user_attrs[FINGERPRINT]["estimator parameters"]


@pytest.mark.parametrize("change, differs, names", [
    (dict(rows=slice(0, 48)), ["data", "cv"], ["X: shape (64, 12, 1) -> shape (48, 12, 1)",
                                                "different splits"]),
    (dict(rows=slice(None, None, -1)), ["data"], ["same shapes, different values"]),
    (dict(param_distributions=small_space(cell=["gru"])), ["search space"], ["cell"]),
    (dict(estimator=dict(max_epochs=2, lr=0.05)), ["estimator parameters"],
     ["max_epochs: 1 -> 2", "lr: 0.01 -> 0.05"]),
    (dict(cv=3), ["cv"], ["n_splits: 2 -> 3"]),
    (dict(scoring="accuracy"), ["cv"], ["scoring: None -> 'accuracy'"]),
    (dict(pruning=True), ["cv"], ["validation_fraction: 0.0 -> 0.2"]),
])
def test_a_study_refuses_another_setup(echo, tmp_path, change, differs, names):
    X, y = echo
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    named_search(storage).fit(X, y)
    change = dict(change)
    rows = change.pop("rows", slice(None))
    estimator_params = change.pop("estimator", {})
    X, y = X[rows], y[rows]
    search = named_search(storage, n_trials=2, **change)
    search.estimator.set_params(**estimator_params)
    with pytest.raises(StudyMismatchError) as error:
        search.fit(X, y)
    assert isinstance(error.value, ValueError)
    assert error.value.study_name == "echo"
    assert error.value.differences == differs
    message = str(error.value)
    assert "'echo'" in message and f"different {' and '.join(differs)}" in message
    for name in names:
        assert name in message
    assert "another study_name" in message and "study_name=None" in message
    # nothing was run on the study
    study = optuna.load_study(study_name="echo", storage=storage)
    assert len(study.trials) == 1


def test_cross_validate_cannot_reuse_a_named_study(echo, tmp_path):
    """The outer folds of a cross_validate must not pick parameters from each other's trials."""
    X, y = echo
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    with pytest.raises(StudyMismatchError, match="different data"):
        cross_validate(named_search(storage, refit=True), X, y, cv=KFold(2),
                       error_score="raise")
    # study_name=None: every outer fold gets a new study of its own
    scores = cross_validate(named_search(None, refit=True, study_name=None), X, y, cv=KFold(2),
                            error_score="raise")
    assert np.isfinite(scores["test_score"]).all()


def test_a_study_created_beforehand_gets_the_fingerprint_of_its_first_fit(echo, tmp_path):
    X, y = echo
    storage = tmp_path / "studies.log"
    study = create_study("echo", storage)
    assert FINGERPRINT not in study.user_attrs
    named_search(storage).fit(X, y)
    assert FINGERPRINT in study.user_attrs
    with pytest.raises(StudyMismatchError, match="different data"):
        named_search(storage, n_trials=2).fit(X[:32], y[:32])


def test_a_study_without_fingerprint_but_with_trials_warns_and_continues(echo, tmp_path):
    X, y = echo
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    named_search(storage).fit(X, y)
    study = optuna.load_study(study_name="echo", storage=storage)
    study.set_user_attr(FINGERPRINT, None)  # as left by an older version
    with pytest.warns(UserWarning, match="no record of the data"):
        search = named_search(storage, n_trials=2).fit(X, y)
    assert len(search.study_.trials) == 2
    assert search.study_.user_attrs[FINGERPRINT] is not None


# ------------------------------------------------------------------------------ validation share
@pytest.mark.parametrize("params, estimator_params, expected", [
    ({}, {}, 0.2),
    ({"validation_fraction": 0.25}, {}, 0.25),
    ({"pruning": False}, {}, 0.0),
    ({}, {"train_split": ValidSplit(4, stratified=False)}, 0.25),  # the estimator's own
])
def test_every_trial_records_its_validation_share(echo, params, estimator_params, expected):
    X, y = echo
    search = optuna_search(small_classifier(max_epochs=2, **estimator_params), X, y,
                           param_distributions=small_space(), n_trials=2, cv=2,
                           random_state=0, **params)
    assert [t.user_attrs["validation_fraction"] for t in search.study_.trials] == \
        [expected] * 2
    frame = results_frame(search)
    assert frame["validation_fraction"].tolist() == [expected] * 2
    # right after the score columns
    columns = list(frame.columns)
    assert columns.index("validation_fraction") == columns.index("mean_fit_time") + 1
    # the refitted estimator is the user's own: trained on all of X, y
    split = search.best_estimator_.train_split
    assert split is None if not estimator_params else split.cv == 4


def test_a_validation_fraction_that_empties_a_side_of_the_split_is_refused(echo):
    X, y = echo
    # training folds of 4 sequences: 0.9 of them leaves none to train on
    search = SequenceSearchCV(small_classifier(), small_space(), n_trials=1, cv=2,
                              validation_fraction=0.9)
    with pytest.raises(ValueError, match="validation_fraction=0.9 holds out 4 of the 4"):
        search.fit(X[:8], y[:8])


# ------------------------------------------------------------------------------ duplicates
def test_repeated_parameters_take_the_earlier_result_without_a_fit(echo):
    X, y = echo
    storage = memory()
    study = create_study("dup", storage)
    for cell in ("rnn", "gru", "rnn", "gru", "lstm"):
        study.enqueue_trial({"cell": cell})
    CountFits.fits.clear()
    with pytest.warns(UserWarning, match="only 3 distinct parameter set"):
        search = optuna_search(
            small_classifier(max_epochs=2, callbacks=[("count", CountFits())]), X, y,
            param_distributions=default_param_distributions(
                cell=["rnn", "gru", "lstm"], hidden_size=[8], num_layers=None, lr=None,
                state_policy=["reset"]),
            n_trials=5, cv=2, pruning=False, storage=storage, study_name="dup",
            random_state=0, refit=False)
    trials = search.study_.trials
    assert [t.params["cell"] for t in trials] == ["rnn", "gru", "rnn", "gru", "lstm"]
    assert states(search.study_) == [TrialState.COMPLETE] * 5
    # 3 distinct parameter sets x 2 folds: the repeats were not fitted
    assert CountFits.fits == ["rnn", "rnn", "gru", "gru", "lstm", "lstm"]
    assert [t.user_attrs.get("duplicate_of") for t in trials] == [None, None, 0, 1, None]
    for repeat, original in ((2, 0), (3, 1)):
        assert trials[repeat].value == trials[original].value
        assert trials[repeat].user_attrs["split1_test_score"] == \
            trials[original].user_attrs["split1_test_score"]
    frame = results_frame(search).set_index("number")
    assert frame["duplicate_of"].dtype == "Int64"
    assert frame.loc[2, "duplicate_of"] == 0 and pd.isna(frame.loc[4, "duplicate_of"])


def test_a_repeated_pruned_trial_is_pruned_again_without_a_fit(echo):
    X, y = echo
    CountFits.fits.clear()
    space = default_param_distributions(cell=["gru"], hidden_size=[8], num_layers=None,
                                        lr=None, state_policy=["reset"])
    with pytest.warns(UserWarning, match="only 1 distinct parameter set"):
        search = optuna_search(
            small_classifier(max_epochs=3, callbacks=[("count", CountFits())]), X, y,
            param_distributions=space, n_trials=3, cv=2, random_state=0, refit=False,
            pruner=optuna.pruners.ThresholdPruner(lower=1.01))  # prunes at the first report
    trials = search.study_.trials
    assert states(search.study_) == [TrialState.PRUNED] * 3
    assert CountFits.fits == ["gru"]  # one fit, stopped at its first epoch
    assert [t.user_attrs.get("duplicate_of") for t in trials] == [None, 0, 0]
    assert all(t.intermediate_values == trials[0].intermediate_values for t in trials)


def test_a_space_smaller_than_n_trials_is_reported(echo):
    X, y = echo
    space = default_param_distributions(cell=["rnn", "gru"], hidden_size=[8],
                                        num_layers=None, lr=None, state_policy=["reset"])
    with pytest.warns(UserWarning, match=r"only 2 distinct parameter set\(s\), fewer than "
                                         "n_trials=4"):
        search = optuna_search(small_classifier(max_epochs=1), X, y, param_distributions=space,
                               n_trials=4, cv=2, pruning=False, random_state=0, refit=False)
    trials = search.study_.trials
    assert len(trials) == 4
    distinct = {t.params["cell"] for t in trials if "duplicate_of" not in t.user_attrs}
    assert len(distinct) == sum("duplicate_of" not in t.user_attrs for t in trials) <= 2


# ------------------------------------------------------------------------------ fingerprints
def test_fingerprints_tell_random_states_apart():
    from seqestimators.search import estimator_fingerprint

    def of(random_state):
        return estimator_fingerprint(small_classifier(random_state=random_state))

    # a RandomState or Generator is fingerprinted by its state, not by its class name
    assert of(np.random.RandomState(0)) != of(np.random.RandomState(1))
    assert of(np.random.RandomState(0)) == of(np.random.RandomState(0))
    assert of(np.random.default_rng(0)) != of(np.random.default_rng(1))
    assert of(np.random.default_rng(0)) == of(np.random.default_rng(0))


def test_fingerprints_hold_integers_exactly(tmp_path):
    from seqestimators.search import estimator_fingerprint

    # 2**53 + 1 has no float64 of its own: a hash of the values as floats would not see it
    big = np.array([2**53])
    assert estimator_fingerprint(DummyClassifier(constant=big)) != \
        estimator_fingerprint(DummyClassifier(constant=big + 1))
    X = np.zeros((12, 3, 1), dtype=np.int64)
    X[0, 0, 0] = 2**53
    y = np.array([0, 1] * 6)

    def search():
        return SequenceSearchCV(DummyClassifier(), {"strategy": CategoricalDistribution(
            ["most_frequent"])}, n_trials=1, cv=2, pruning=False, refit=False,
            storage=str(tmp_path / "studies.log"), study_name="ints")

    search().fit(X, y)
    changed = X.copy()
    changed[0, 0, 0] += 1
    with pytest.raises(StudyMismatchError, match="data") as error:
        search().fit(changed, y)
    assert error.value.differences == ["data"]


# ------------------------------------------------------------------------------ conventions
def test_a_fitted_search_has_n_features_in(echo):
    X, y = echo
    space = default_param_distributions(cell=["gru"], hidden_size=[4], state_policy=["reset"],
                                        num_layers=None, lr=None)
    search = SequenceSearchCV(small_classifier(max_epochs=1), space, n_trials=1, cv=2,
                              pruning=False)
    assert not hasattr(search, "n_features_in_")  # scikit-learn: only once fitted
    search.fit(X, y)
    assert search.n_features_in_ == search.best_estimator_.n_features_in_ == X.shape[2]
    search.set_params(refit=False).fit(X, y)
    assert not hasattr(search, "n_features_in_")  # nothing refitted to ask
