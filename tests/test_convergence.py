"""Training until learned: MLPClassifier-style stopping, warnings, early stopping, budgets."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback

from seqestimators import RNNClassifier, RNNForecaster, RNNRegressor
from seqestimators.datasets import make_ball_trajectory, make_delayed_echo


@pytest.fixture(scope="module")
def easy():
    rng = np.random.RandomState(0)
    X = rng.randn(64, 8, 1).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    return X, y


def test_fit_stops_at_convergence_before_the_cap(easy):
    X, y = easy
    clf = RNNClassifier(hidden_size=8, max_epochs=400, n_iter_no_change=5, tol=1e-3, lr=0.05,
                        random_state=0, callbacks__convergence__min_steps=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == len(clf.history_) < 400
    losses = clf.history_[:, "train_loss"]
    assert clf.best_epoch_ == int(np.argmin(losses)) + 1 or \
        min(losses) > losses[clf.best_epoch_ - 1] - 1e-3
    # Stopped because the last n_iter_no_change epochs did not beat the best by tol.
    best_before = min(losses[:-5])
    assert min(losses[-5:]) > best_before - 1e-3


def test_the_cap_warns_while_the_loss_still_improves(easy):
    X, y = easy
    with pytest.warns(ConvergenceWarning, match=r"RNNClassifier: the train loss was still "
                                                r"improving when max_epochs=3 was reached"):
        clf = RNNClassifier(hidden_size=8, max_epochs=3, random_state=0,
                            callbacks__convergence__min_steps=0).fit(X, y)
    assert clf.n_iter_ == 3


def test_a_cap_below_the_step_floor_says_so():
    # The README's burst example (max_epochs=40, 4 batches per epoch) stopped after 160 steps,
    # before the convergence check waits for (500): the warning said "still improving" without
    # having judged. It now says what happened, and how to ask for a fixed number of epochs.
    X, y = make_delayed_echo(64, 8, random_state=0, return_X_y=True)
    with pytest.warns(ConvergenceWarning) as record:
        RNNClassifier(hidden_size=4, max_epochs=3, random_state=0).fit(X, y)
    message = str(record[0].message)
    assert "max_epochs=3 ended training after 6 optimizer steps, before the convergence " \
        "check could judge it (it waits for min_steps=500)" in message
    assert "n_iter_no_change=None" in message


def test_n_iter_no_change_none_trains_exactly_max_epochs(easy):
    X, y = easy
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = RNNClassifier(hidden_size=8, max_epochs=4, n_iter_no_change=None,
                            random_state=0).fit(X, y)
    assert clf.n_iter_ == 4


class _Snapshots(Callback):
    def on_epoch_end(self, net, **kwargs):
        net.history.record("weights", {k: v.clone() for k, v in net.module_.state_dict().items()})


def test_early_stopping_holds_out_data_and_restores_the_best_epoch(easy):
    X, y = easy
    clf = RNNClassifier(hidden_size=8, max_epochs=60, early_stopping=True, n_iter_no_change=4,
                        validation_fraction=0.25, lr=0.05, random_state=0,
                        callbacks=[("snapshots", _Snapshots())],
                        callbacks__convergence__min_steps=0)
    clf.fit(X, y)
    valid = clf.history_[:, "valid_loss"]
    assert clf.best_epoch_ == int(np.argmin(valid)) + 1
    best = clf.history_[clf.best_epoch_ - 1, "weights"]
    for name, value in clf.module_.state_dict().items():
        assert torch.equal(value, best[name])
    again = RNNClassifier(**{**clf.get_params(deep=False), "callbacks": None}).fit(X, y)
    assert again.history_[:, "valid_loss"] == valid  # the held-out part is seeded


def test_partial_fit_is_never_stopped_early(easy):
    X, y = easy
    clf = RNNClassifier(hidden_size=8, max_epochs=12, n_iter_no_change=1, tol=10.0,
                        random_state=0)
    clf.partial_fit(X, y)
    assert len(clf.history_) == 12
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 24


def test_convergence_works_with_carry_tbptt_and_the_forecaster():
    X, y = make_delayed_echo(32, 20, random_state=0, return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        clf = RNNClassifier(hidden_size=8, state_policy="carry", tbptt_steps=5, batch_size=32,
                            max_epochs=300, n_iter_no_change=3, tol=1e-2,
                            callbacks__convergence__min_steps=0, random_state=0).fit(X, y)
    assert clf.n_iter_ < 300
    Xb, yb = make_ball_trajectory(32, 20, random_state=0, return_X_y=True)
    est = RNNForecaster(hidden_size=8, training="scheduled", schedule="linear", schedule_k=4,
                        max_epochs=200, n_iter_no_change=3, tol=1e-3, random_state=0,
                        callbacks__convergence__min_steps=0)
    est.fit(Xb, yb)
    # Never stopped while the schedule was still moving (feedback probability < 1).
    assert est.history_[-1, "feedback_prob"] == 1.0
    assert est.n_iter_ >= 5 + 3


def test_grid_search_over_stopping_parameters(easy):
    X, y = easy
    search = GridSearchCV(RNNRegressor(hidden_size=4, max_epochs=20, random_state=0),
                          {"early_stopping": [False, True], "n_iter_no_change": [2, 5]}, cv=2)
    search.fit(X, y.astype(float))
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_no_stop_and_no_lr_cut_before_min_steps(easy):
    X, y = easy  # 64 sequences: 2 optimizer steps per epoch
    clf = RNNClassifier(hidden_size=8, max_epochs=40, n_iter_no_change=1, tol=10.0,
                        random_state=0, callbacks__convergence__min_steps=30,
                        callbacks__lr_scheduler__min_steps=10).fit(X, y)
    # tol=10 counts no epoch as progress: it stops as soon as 30 steps (15 epochs) are done.
    assert clf.n_iter_ == 16
    # The scheduler acts (and records its learning rate) from the 10th step, epoch 5, on.
    acting = [epoch["epoch"] for epoch in clf.history_ if "event_lr" in epoch]
    assert acting[0] == 5 and clf.history_[4, "event_lr"] == clf.lr
    assert clf.optimizer_.param_groups[0]["lr"] < clf.lr


def _hold_out_last(n_valid):
    """A train_split that holds out the last ``n_valid`` sequences."""
    from torch.utils.data import Subset

    def split(dataset, y=None, **kwargs):
        n = len(dataset)
        return Subset(dataset, list(range(n - n_valid))), Subset(dataset, list(range(n - n_valid, n)))

    return split


def test_data_statistics_come_from_the_training_part_only():
    # Issue 17, defect 10: the target scaling and the median training length were computed
    # before the validation split, so validation data leaked into the normalization.
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(10, 1)) for _ in range(6)] + [rng.normal(size=(100, 1)) for _ in range(6)]
    y = np.r_[rng.normal(size=6), 1000 + rng.normal(size=6)]
    reg = RNNRegressor(hidden_size=4, max_epochs=1, early_stopping=True,
                       train_split=_hold_out_last(6), random_state=0).fit(X, y)
    np.testing.assert_allclose(reg.target_mean_, [y[:6].mean()])
    np.testing.assert_allclose(reg.target_scale_, [y[:6].std()])
    assert reg.fit_median_n_timesteps_ == 10


def test_the_internal_validation_fraction_stays_out_of_the_target_scaling():
    class RecordTrainingRows(Callback):
        def on_epoch_begin(self, net, dataset_train=None, **kwargs):
            self.rows_ = np.asarray(dataset_train.indices)

    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 5, 1))
    y = rng.normal(size=20)
    y[:10] += 100.0
    record = RecordTrainingRows()
    reg = RNNRegressor(hidden_size=4, max_epochs=1, early_stopping=True, validation_fraction=0.5,
                       callbacks=[record], random_state=0).fit(X, y)
    assert len(record.rows_) == 10
    np.testing.assert_allclose(reg.target_mean_, [y[record.rows_].mean()])
    np.testing.assert_allclose(reg.target_scale_, [y[record.rows_].std()])
