"""``seqestimators.results``: tidy tables of searches and training histories."""

import numpy as np
import optuna
import pandas as pd
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution
from scipy.stats import randint
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier
from skorch.dataset import ValidSplit

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import make_burst, make_delayed_echo, make_saturated_integral
from seqestimators.preprocessing import SequenceScaler
from seqestimators.results import history_frame, pivot_results, results_frame
from seqestimators.results._search import _short_names

optuna.logging.set_verbosity(optuna.logging.WARNING)


@pytest.fixture(scope="module")
def echo():
    return make_delayed_echo(40, 10, random_state=0, return_X_y=True)


@pytest.fixture(scope="module")
def grid_search(echo):
    """A real GridSearchCV over a Pipeline(SequenceScaler, RNNClassifier): prefixed names."""
    X, y = echo
    pipe = make_pipeline(SequenceScaler(),
                         RNNClassifier(hidden_size=4, max_epochs=3, random_state=0))
    grid = {"rnnclassifier__cell": ["rnn", "lstm"],
            "rnnclassifier__state_policy": ["reset", "carry"]}
    with pytest.warns(UserWarning, match="state_policy='carry'"):
        return GridSearchCV(pipe, grid, cv=2).fit(X, y)


@pytest.fixture(scope="module")
def fitted_nets():
    X, y = make_burst(24, 30, max_onset=15, random_state=0, return_X_y=True)
    nets = {
        cell: RNNClassifier(cell=cell, hidden_size=4, max_epochs=3, random_state=0,
                            train_split=ValidSplit(4)).fit(X, y)
        for cell in ("rnn", "gru")
    }
    return nets


def _study_with_every_state(direction="maximize"):
    """A real study: 4 complete trials, 2 pruned (at steps 1 and 2), 1 failed."""
    study = optuna.create_study(direction=direction, sampler=optuna.samplers.RandomSampler(0),
                                pruner=optuna.pruners.NopPruner())
    plan = {0: ("ok", 0.2), 1: ("ok", 0.9), 2: ("prune", 0.5), 3: ("fail", None),
            4: ("ok", 0.6), 5: ("prune", 0.7), 6: ("ok", 0.4)}

    def objective(trial):
        trial.suggest_categorical("estimator__cell", ["rnn", "lstm", "gru"])
        trial.suggest_float("estimator__lr", 1e-3, 1e-1, log=True)
        kind, value = plan[trial.number]
        trial.set_user_attr("mean_test_score", value)
        trial.set_user_attr("note", kind)
        trial.set_user_attr("split_scores", [value, value])  # not a scalar: left out
        if kind == "fail":
            raise RuntimeError("diverged")
        steps = 1 if trial.number == 2 else 3
        for step in range(steps):
            trial.report(value - 0.1 * (steps - 1 - step), step)
        if kind == "prune":
            raise optuna.TrialPruned()
        return value

    study.optimize(objective, n_trials=len(plan), catch=(RuntimeError,))
    return study


# ------------------------------------------------------------------ scikit-learn searches
def test_grid_search_frame(grid_search):
    frame = results_frame(grid_search)
    assert len(frame) == 4
    assert list(frame.columns[:6]) == ["cell", "state_policy", "mean_test_score",
                                       "std_test_score", "rank_test_score", "mean_fit_time"]
    assert {"split0_test_score", "std_fit_time"} <= set(frame.columns)
    assert not any(c.startswith(("param_", "rnnclassifier__")) for c in frame.columns)
    assert "params" not in frame.columns
    # best first, and the same numbers as cv_results_
    assert frame["rank_test_score"].is_monotonic_increasing
    results = grid_search.cv_results_
    for _, row in frame.iterrows():
        i = results["params"].index({"rnnclassifier__cell": row["cell"],
                                     "rnnclassifier__state_policy": row["state_policy"]})
        assert row["mean_test_score"] == pytest.approx(results["mean_test_score"][i])
    assert frame.loc[0, "mean_test_score"] == pytest.approx(grid_search.best_score_)
    # plain Python values, not masked or numpy objects
    assert all(type(v) is str for v in frame["cell"])
    assert sorted(set(frame["state_policy"])) == ["carry", "reset"]


def test_randomized_search_frame_with_missing_parameters():
    X = np.arange(40).reshape(-1, 1) % 7
    y = np.arange(40) % 2
    space = [{"max_depth": randint(1, 4)}, {"min_samples_leaf": [1, 2], "max_depth": [2]}]
    search = RandomizedSearchCV(DecisionTreeClassifier(random_state=0), space, n_iter=6,
                                cv=2, random_state=0).fit(X, y)
    frame = results_frame(search)
    assert len(frame) == 6
    assert frame["rank_test_score"].is_monotonic_increasing
    assert all(isinstance(v, int) for v in frame["max_depth"])
    leaf = frame["min_samples_leaf"]
    assert leaf.isna().any() and leaf.notna().any()  # set by one sub-space only
    assert all(isinstance(v, int) for v in leaf.dropna())


def test_multimetric_search_is_sorted_by_the_refit_metric():
    X = np.arange(60).reshape(-1, 1) % 9
    y = (np.arange(60) // 3) % 2
    search = GridSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [1, 2, 3, 4]},
                          scoring=["accuracy", "f1"], refit="f1", cv=3).fit(X, y)
    frame = results_frame(search)
    assert "mean_test_score" not in frame.columns
    assert frame["rank_test_f1"].is_monotonic_increasing
    assert frame.loc[0, "max_depth"] == search.best_params_["max_depth"]


def test_params_selection_and_renaming(grid_search):
    frame = results_frame(grid_search, params=["state_policy"])
    assert "cell" not in frame.columns and frame.columns[0] == "state_policy"
    frame = results_frame(grid_search, params={"rnnclassifier__cell": "cell type"})
    assert frame.columns[0] == "cell type" and "state_policy" not in frame.columns
    with pytest.raises(ValueError, match=r"Unknown parameter\(s\) \['hidden_size'\]"):
        results_frame(grid_search, params=["hidden_size"])


def test_short_names_stay_distinct():
    names = ["rnnclassifier__cell", "a__alpha", "b__alpha", "module__x__alpha", "lr"]
    assert _short_names(names) == {
        "rnnclassifier__cell": "cell", "a__alpha": "a__alpha", "b__alpha": "b__alpha",
        "module__x__alpha": "x__alpha", "lr": "lr",
    }


# ------------------------------------------------------------------ Optuna
def test_study_frame_states_order_and_columns():
    study = _study_with_every_state()
    frame = results_frame(study)
    assert len(frame) == len(study.trials) == 7
    assert list(frame.columns[:5]) == ["number", "state", "value", "cell", "lr"]
    assert list(frame["number"]) == [1, 4, 6, 0, 5, 2, 3]
    assert list(frame["state"]) == ["COMPLETE"] * 4 + ["PRUNED"] * 2 + ["FAIL"]
    assert all(type(s) is str for s in frame["state"])
    # complete trials ranked by value; the others have no rank
    assert frame["rank_test_score"].tolist()[:4] == [1, 2, 3, 4]
    assert frame["rank_test_score"].iloc[4:].isna().all()
    assert frame["value"].iloc[:4].tolist() == [0.9, 0.6, 0.4, 0.2]
    assert np.isnan(frame["value"].iloc[-1])
    # user attributes (scalars only), durations in seconds, pruning steps
    assert frame["mean_test_score"].iloc[:4].tolist() == [0.9, 0.6, 0.4, 0.2]
    assert frame["note"].tolist()[-1] == "fail" and "split_scores" not in frame.columns
    assert (frame["duration"] >= 0).all() and frame["duration"].dtype == float
    pruned = frame[frame["state"] == "PRUNED"].set_index("number")
    assert pruned.loc[2, "n_steps"] == 1 and pruned.loc[5, "n_steps"] == 3
    assert pruned.loc[5, "intermediate_value"] == pytest.approx(0.7)
    assert all(type(v) is str for v in frame["cell"])
    assert frame["lr"].dtype == float and (frame["lr"] > 0).all()


def test_study_frame_minimize():
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.RandomSampler(1))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    frame = results_frame(study)
    assert frame["value"].is_monotonic_increasing
    assert frame.loc[0, "number"] == study.best_trial.number
    assert frame["rank_test_score"].tolist() == [1, 2, 3, 4, 5]
    assert "n_steps" not in frame.columns  # no intermediate values reported


def test_optuna_search_frame(echo, tmp_path):
    from seqestimators.search import default_param_distributions, optuna_search

    X, y = echo
    est = RNNClassifier(hidden_size=4, max_epochs=2, random_state=0)
    space = default_param_distributions(est, cell=["rnn", "gru"], hidden_size=[4, 8],
                                        state_policy=["reset"], num_layers=None, lr=None)
    search = optuna_search(est, X, y, param_distributions=space, n_trials=3, cv=2,
                           storage=optuna.storages.InMemoryStorage(), random_state=0)
    frame = results_frame(search)
    assert len(frame) == len(search.study_.trials) == 3
    assert {"number", "state", "value", "cell", "hidden_size", "state_policy",
            "mean_test_score", "std_test_score", "rank_test_score", "mean_fit_time",
            "duration"} <= set(frame.columns)
    done = frame[frame["state"] == "COMPLETE"]
    np.testing.assert_allclose(done["mean_test_score"], done["value"])
    assert frame.loc[0, "value"] == pytest.approx(search.best_score_)
    assert {k: frame.loc[0, k] for k in search.best_params_} == search.best_params_
    assert set(frame["hidden_size"]) <= {4, 8}


def test_optuna_integration_search_frame():
    from optuna_integration import OptunaSearchCV

    X = np.arange(60).reshape(-1, 1) % 9
    y = (np.arange(60) // 3) % 2
    with pytest.warns(optuna.exceptions.ExperimentalWarning):
        search = OptunaSearchCV(
            make_pipeline(DecisionTreeClassifier(random_state=0)),
            {"decisiontreeclassifier__max_depth": CategoricalDistribution([1, 2, 3]),
             "decisiontreeclassifier__min_impurity_decrease": FloatDistribution(0, 0.1)},
            n_trials=4, cv=2, random_state=0)
    search.fit(X, y)
    frame = results_frame(search)
    assert len(frame) == 4
    assert {"max_depth", "min_impurity_decrease", "mean_test_score", "mean_fit_time",
            "split0_test_score"} <= set(frame.columns)
    assert frame.columns[-2:].tolist() == ["split0_test_score", "split1_test_score"]
    assert frame["value"].is_monotonic_decreasing


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("obj", [42, "study", DecisionTreeClassifier(), GridSearchCV,
                                 optuna.study.Study])
def test_unsupported_objects(obj):
    with pytest.raises(TypeError, match="results_frame expects"):
        results_frame(obj)


def test_unfitted_search():
    search = GridSearchCV(DecisionTreeClassifier(), {"max_depth": [1, 2]})
    with pytest.raises(NotFittedError, match="GridSearchCV instance is not fitted"):
        results_frame(search)


# ------------------------------------------------------------------ pivot
def test_pivot_results():
    frame = pd.DataFrame({
        "cell": ["lstm", "lstm", "gru", "rnn", "rnn", "gru"],
        "state_policy": ["reset", "carry", "reset", "reset", "reset", "carry"],
        "mean_test_score": [0.99, 0.80, 0.97, 0.90, 0.94, np.nan],
    })
    table = pivot_results(frame)
    assert list(table.index) == ["gru", "lstm", "rnn"]
    assert list(table.columns) == ["carry", "reset"]
    assert table.loc["rnn", "reset"] == 0.94  # max over the two rnn/reset rows
    assert np.isnan(table.loc["gru", "carry"])  # only a failed (NaN) candidate
    assert np.isnan(table.loc["rnn", "carry"])  # never tried
    assert pivot_results(frame, aggfunc="mean").loc["rnn", "reset"] == pytest.approx(0.92)
    counts = pivot_results(frame, index="state_policy", columns="cell", aggfunc="count")
    assert counts.loc["reset", "rnn"] == 2
    with pytest.raises(ValueError, match=r"\['hidden_size'\] not found"):
        pivot_results(frame, columns="hidden_size")


def test_pivot_results_of_a_search(grid_search):
    table = pivot_results(grid_search)
    frame = results_frame(grid_search)
    assert table.shape == (2, 2)
    for _, row in frame.iterrows():
        assert table.loc[row["cell"], row["state_policy"]] == row["mean_test_score"]


# ------------------------------------------------------------------ histories
def test_history_frame_single(fitted_nets):
    net = fitted_nets["gru"]
    frame = history_frame(net)
    assert list(frame.columns[:5]) == ["epoch", "train_loss", "valid_loss", "valid_acc", "dur"]
    # then the other scalars the callbacks recorded (e.g. a learning-rate scheduler's event_lr)
    assert set(frame.columns[5:]) <= set(net.history_[-1]) - {"batches"}
    assert not any(c.endswith(("_best", "_batch_count")) for c in frame.columns)
    assert frame["epoch"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(frame["train_loss"], net.history_[:, "train_loss"])
    np.testing.assert_allclose(frame["valid_acc"], net.history_[:, "valid_acc"])
    pd.testing.assert_frame_equal(history_frame(net.history_), frame)


def test_history_frame_several(fitted_nets):
    long = history_frame(fitted_nets)
    assert long.columns[0] == "model"
    assert long.groupby("model").size().to_dict() == {"rnn": 3, "gru": 3}
    by_position = history_frame(list(fitted_nets.values()))
    assert by_position["model"].tolist() == [0, 0, 0, 1, 1, 1]
    np.testing.assert_allclose(by_position["train_loss"], long["train_loss"])


def test_history_frame_regressor_pipeline_and_search():
    X, y = make_saturated_integral(16, 20, random_state=0, return_X_y=True)
    pipe = make_pipeline(SequenceScaler(), RNNRegressor(hidden_size=4, max_epochs=2,
                                                        random_state=0,
                                                        train_split=ValidSplit(4)))
    search = GridSearchCV(pipe, {"rnnregressor__cell": ["gru"]}, cv=2).fit(X, y)
    frame = history_frame(search)
    assert "valid_r2" in frame.columns and len(frame) == 2
    assert len(history_frame(pipe.fit(X, y))) == 2


def test_history_frame_errors():
    with pytest.raises(NotFittedError, match="RNNClassifier instance is not fitted"):
        history_frame(RNNClassifier())
    with pytest.raises(TypeError, match="history_frame expects"):
        history_frame(DecisionTreeClassifier())
    with pytest.raises(ValueError, match="empty"):
        history_frame({})


def test_study_frame_keeps_pruned_scores_out_of_the_value_column(tmp_path):
    study = _study_with_every_state()
    frame = results_frame(study).set_index("number")
    # value: the objective of completed trials only (Optuna stores a pruned trial's last
    # intermediate value as its value); the score a pruned trial was stopped with has a column
    # of its own
    assert frame.loc[[2, 5], "value"].isna().all()
    assert frame.loc[[2, 5], "pruned_at_score"].tolist() == pytest.approx([0.5, 0.7])
    assert frame.loc[[0, 1, 3, 4, 6], "pruned_at_score"].isna().all()
    assert frame.loc[[1, 4, 6, 0], "value"].tolist() == [0.9, 0.6, 0.4, 0.2]
    columns = list(results_frame(study).columns)
    assert columns.index("pruned_at_score") == columns.index("rank_test_score") + 1
    # ranks are integers, in the frame and in its CSV file (empty where a trial has none)
    assert frame["rank_test_score"].dtype == "Int64"
    path = tmp_path / "results.csv"
    results_frame(study).to_csv(path, index=False)
    ranks = pd.read_csv(path, dtype=str, keep_default_na=False)["rank_test_score"]
    assert ranks.tolist() == ["1", "2", "3", "4", "", "", ""]
