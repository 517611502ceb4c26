"""RNNForecaster: output feedback, closed-loop forecasts, teacher forcing vs free running."""

import pickle
from dataclasses import replace

import numpy as np
import pytest
import torch
from sklearn.base import clone

from seqestimators import RNNForecaster
from seqestimators.data import SequenceDataset
from seqestimators.datasets import make_ball_trajectory, make_degradation
from seqestimators.estimators import feedback_probability
from seqestimators.forecasting import WindowBatch, WindowBatchIterator
from seqestimators.networks import FeedbackNetwork

FAST = {"hidden_size": 8, "max_epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def ball():
    return make_ball_trajectory(16, 12, random_state=0, return_X_y=True)


@pytest.fixture(scope="module")
def degradation():
    return make_degradation(16, 12, random_state=0, return_X_y=True)


@pytest.fixture(scope="module")
def fitted_ball(ball):
    return RNNForecaster(**FAST).fit(*ball)


@pytest.fixture(scope="module")
def fitted_degradation(degradation):
    return RNNForecaster(feedback=[2], **FAST).fit(*degradation)


# --------------------------------------------------------------------------- the stories
def test_ball_forecast_from_three_heights():
    # Seed 001: fit on trajectories (teacher forcing), then give three heights and let the model
    # roll out 40 more in closed loop, each prediction fed back as the next input.
    X, y = make_ball_trajectory(128, 45, random_state=0, return_X_y=True)
    X_new, y_new = make_ball_trajectory(50, 45, random_state=1, return_X_y=True)
    est = RNNForecaster(hidden_size=16, max_epochs=30, random_state=0).fit(X, y)
    forecast = est.forecast(X_new[:, :3], 40)
    assert forecast.shape == (50, 40)
    rmse = np.sqrt(np.mean((forecast - y_new[:, 3:43]) ** 2))
    height_range = np.ptp(np.concatenate([X_new[..., 0], y_new], axis=1))
    assert rmse < 0.05 * height_range
    # The "almost flat line" of the question would be far off: persistence of the last height.
    flat = np.sqrt(np.mean((X_new[:, 2:3, 0] - y_new[:, 3:43]) ** 2))
    assert rmse < flat / 5


def _closed_loop_rmse(est, X, y):
    forecast = est.forecast(X[:, :1], X.shape[1] - 1, exogenous=X[:, 1:, :2],
                            include_prefix=True)
    return np.sqrt(np.mean((forecast - y) ** 2))


def test_free_running_and_scheduled_sampling_beat_teacher_forcing_in_closed_loop():
    # Exposure bias: a teacher-forced model never saw its own errors as inputs; trained on its
    # own predictions, the closed-loop forecast from the initial durability is better.
    X, y = make_degradation(64, 40, random_state=0, return_X_y=True)
    X_new, y_new = make_degradation(100, 40, random_state=1, return_X_y=True)
    common = {"feedback": [2], "hidden_size": 16, "max_epochs": 20, "random_state": 0}
    errors = {
        training: _closed_loop_rmse(
            RNNForecaster(training=training, schedule="linear", schedule_k=10, **common)
            .fit(X, y), X_new, y_new)
        for training in ("teacher_forcing", "free_running", "scheduled")
    }
    assert errors["free_running"] < 0.8 * errors["teacher_forcing"]
    assert errors["scheduled"] < 0.8 * errors["teacher_forcing"]


# --------------------------------------------------------------------------- semantics
def test_forecast_is_the_closed_loop_of_predict(fitted_degradation, degradation):
    # Feeding predict's last prediction back by hand, one timestep at a time, is what forecast
    # does: forecast(X[:, :t0], n) estimates y[:, t0:t0 + n].
    est, (X, _) = fitted_degradation, degradation
    t0, n_steps = 4, 5
    forecast = est.forecast(X[:, :t0], n_steps, exogenous=X[:, t0:t0 + n_steps, :2])
    loop = X[:, :t0].copy()
    for j in range(n_steps):
        previous = est.predict(loop)[:, -1]
        row = np.concatenate([X[:, t0 + j, :2], previous[:, None]], axis=1).astype(np.float32)
        loop = np.concatenate([loop, row[:, None]], axis=1)
    np.testing.assert_allclose(forecast, est.predict(loop)[:, t0:], rtol=1e-5, atol=1e-6)


def test_include_prefix_prepends_predict(fitted_ball, ball):
    est, (X, _) = fitted_ball, ball
    full = est.forecast(X[:, :3], 5, include_prefix=True)
    assert full.shape == (16, 8)
    np.testing.assert_allclose(full[:, :3], est.predict(X[:, :3]), rtol=1e-6)
    np.testing.assert_allclose(full[:, 3:], est.forecast(X[:, :3], 5), rtol=1e-6)


def test_shapes_univariate_2d_and_multitarget(ball):
    X, y = ball
    est = RNNForecaster(**FAST).fit(X[..., 0], y)  # 2D X: univariate sequences
    assert est.predict(X[..., 0]).shape == (16, 12)
    assert est.forecast(X[:, :3, 0], 4).shape == (16, 4)  # a prefix of any length
    # Two channels fed back, two targets per timestep.
    X2 = np.concatenate([X, 2 * X], axis=2)
    y2 = np.stack([y, 2 * y], axis=2)
    est2 = RNNForecaster(**FAST).fit(X2, y2)
    assert est2.predict(X2).shape == (16, 12, 2)
    assert est2.forecast(X2[:, :3], 4).shape == (16, 4, 2)
    np.testing.assert_array_equal(est2.feedback_features_, [0, 1])
    assert est2.exogenous_features_.size == 0


def test_ragged_prefixes_continue_from_their_own_end(fitted_degradation, degradation):
    est, (X, _) = fitted_degradation, degradation
    prefixes = [X[0, :3], X[1, :5]]
    exogenous = np.stack([X[0, 3:7, :2], X[1, 5:9, :2]])
    forecast = est.forecast(prefixes, 4, exogenous=exogenous)
    assert forecast.shape == (2, 4)
    for i, prefix in enumerate(prefixes):
        alone = est.forecast(prefix[None], 4, exogenous=exogenous[i:i + 1])
        np.testing.assert_allclose(forecast[i], alone[0], rtol=1e-5, atol=1e-7)
    full = est.forecast(prefixes, 4, exogenous=exogenous, include_prefix=True)
    assert [len(f) for f in full] == [7, 9]


def test_feedback_prob_is_recorded_per_epoch(ball):
    est = RNNForecaster(training="scheduled", schedule="linear", schedule_k=4,
                        **{**FAST, "max_epochs": 6}).fit(*ball)
    np.testing.assert_allclose(est.history_[:, "feedback_prob"], [0, 0.25, 0.5, 0.75, 1, 1])
    est.partial_fit(*ball)  # the schedule counts epochs across calls
    assert est.history_[-1, "feedback_prob"] == 1
    free = RNNForecaster(training="free_running", **FAST).fit(*ball)
    assert free.history_[:, "feedback_prob"] == [1, 1]


def test_feedback_probability_schedules():
    assert feedback_probability(0, "exponential", 0.5) == 0
    assert feedback_probability(2, "exponential", 0.5) == pytest.approx(0.75)
    assert feedback_probability(0, "inverse_sigmoid", 1) == pytest.approx(0.5)
    values = [feedback_probability(i, "inverse_sigmoid", 5) for i in range(60)]
    assert all(a <= b for a, b in zip(values, values[1:])) and values[-1] > 0.99
    assert feedback_probability(3, lambda epoch: 2.0) == 1.0  # clipped to [0, 1]
    with pytest.raises(ValueError, match="schedule must be one of"):
        feedback_probability(1, "cosine")


def test_free_running_network_reads_its_own_predictions():
    torch.manual_seed(0)
    net = FeedbackNetwork(3, 1, feedback=[2], hidden_size=8)
    X = torch.randn(4, 6, 3, requires_grad=True)
    out, _ = net(X, feedback_prob=1.0, n_observed=2)
    out[:, -1].sum().backward()
    grad = X.grad.abs().sum(dim=0)
    # The observed feedback values after the warm-up never reach the output...
    assert torch.all(grad[2:, 2] == 0)
    # ... while the gradient flows back through the fed-back predictions to the observed start.
    assert grad[0, 2] > 0 and grad[1, 2] > 0 and torch.all(grad[:, :2].sum(dim=1) > 0)
    # Teacher forcing reads every observed value.
    X.grad = None
    out, _ = net(X)
    out[:, -1].sum().backward()
    assert X.grad[:, 3:, 2].abs().sum() > 0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_network_windows_continue_the_feedback_loop(cell):
    # Stepping (feedback) equals the recurrent layer's own pass; a window that starts from the
    # state of the previous one continues the loop exactly (truncated BPTT, carried chunks).
    torch.manual_seed(0)
    net = FeedbackNetwork(3, 1, feedback=[2], cell=cell, num_layers=2, hidden_size=8,
                          residual=True, input_changes=True)
    X = torch.randn(4, 10, 3)
    observed, _ = net(X)
    stepped, _ = net(X, feedback_prob=1.0, n_observed=10)
    torch.testing.assert_close(stepped, observed)
    whole, final = net(X, feedback_prob=1.0)
    first, state = net(X[:, :4], feedback_prob=1.0)
    second, final2 = net(X[:, 4:], state=state, feedback_prob=1.0, n_observed=0)
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)
    for a, b in zip(final, final2):
        torch.testing.assert_close(a, b)


def test_free_running_with_tbptt_and_lengths(degradation):
    X, y = degradation
    ragged_X = [X[i, : 6 + i % 6] for i in range(12)]
    ragged_y = [y[i, : 6 + i % 6] for i in range(12)]
    est = RNNForecaster(feedback=[2], training="free_running", tbptt_steps=4,
                        **FAST).fit(ragged_X, ragged_y)
    predictions = est.predict(ragged_X)
    assert [len(p) for p in predictions] == [len(s) for s in ragged_X]
    assert np.isfinite(est.history_[-1, "train_loss"])


# --------------------------------------------------------------------------- validation
def test_auto_feedback_needs_indices_with_exogenous_features(degradation):
    with pytest.raises(ValueError, match=r"pass feedback=\[2\]"):
        RNNForecaster(**FAST).fit(*degradation)


@pytest.mark.parametrize("feedback, match", [
    ([3], r"distinct feature indices in \[0, 3\)"),
    ([1, 2], "each target's prediction feeds back into exactly one"),
    ([-1], "distinct feature indices"),
    ([0.5], "feature index or a list of feature indices"),
])
def test_bad_feedback(degradation, feedback, match):
    with pytest.raises(ValueError, match=match):
        RNNForecaster(feedback=feedback, **FAST).fit(*degradation)


def test_feedback_that_is_not_the_previous_target_warns(degradation):
    X, y = degradation
    with pytest.warns(UserWarning, match=r"differs from y\[:, t - 1\]"):
        RNNForecaster(feedback=[1], **FAST).fit(X, y)  # humidity is not the last durability


def test_exogenous_validation(fitted_degradation, fitted_ball, degradation, ball):
    X = degradation[0]
    with pytest.raises(ValueError, match=r"Pass exogenous, an array of shape .*\(16, 3, 2\)"):
        fitted_degradation.forecast(X[:, :2], 3)
    with pytest.raises(ValueError, match="pass only the exogenous ones"):
        fitted_degradation.forecast(X[:, :2], 3, exogenous=X[:, 2:5])
    with pytest.raises(ValueError, match=r"expects .* = \(16, 3, 2\)"):
        fitted_degradation.forecast(X[:, :2], 3, exogenous=X[:, 2:4, :2])
    with pytest.raises(ValueError, match="exogenous must be None"):
        fitted_ball.forecast(ball[0][:, :2], 3, exogenous=ball[0][:, 2:5])
    with pytest.raises(ValueError, match="n_steps"):
        fitted_ball.forecast(ball[0][:, :2], 0)
    with pytest.raises(ValueError, match="expecting 1 features"):
        fitted_ball.forecast(X[:, :2], 3)


def test_bad_schedule_parameters(ball):
    with pytest.raises(ValueError, match="training"):
        RNNForecaster(training="professor").fit(*ball)
    with pytest.raises(ValueError, match=r"range \(0, 1\) when schedule='exponential'"):
        RNNForecaster(training="scheduled", schedule="exponential", schedule_k=2).fit(*ball)
    with pytest.raises(ValueError, match=r"\[1, inf\) when schedule='inverse_sigmoid'"):
        RNNForecaster(training="scheduled", schedule_k=0.5).fit(*ball)


# --------------------------------------------------------------------------- sklearn plumbing
def test_clone_get_params_and_pickle(fitted_degradation, degradation):
    X = degradation[0]
    est = RNNForecaster(feedback=[2], training="scheduled", schedule="linear", schedule_k=3,
                        warmup_steps=2, module__nonlinearity="tanh")
    params = est.get_params()
    for name, value in [("feedback", [2]), ("training", "scheduled"), ("schedule", "linear"),
                        ("schedule_k", 3), ("warmup_steps", 2), ("residual", True),
                        ("input_changes", True), ("standardize", True),
                        ("accumulate_steps", 1), ("module__nonlinearity", "tanh")]:
        assert params[name] == value
    assert "output" not in params and "bidirectional" not in params
    assert clone(est).get_params()["training"] == "scheduled"
    restored = pickle.loads(pickle.dumps(fitted_degradation))
    np.testing.assert_allclose(
        restored.forecast(X[:, :2], 4, exogenous=X[:, 2:6, :2]),
        fitted_degradation.forecast(X[:, :2], 4, exogenous=X[:, 2:6, :2]))


def test_same_random_state_same_model(degradation):
    a = RNNForecaster(feedback=[2], training="scheduled", schedule_k=1, **FAST).fit(*degradation)
    b = RNNForecaster(feedback=[2], training="scheduled", schedule_k=1, **FAST).fit(*degradation)
    np.testing.assert_array_equal(a.predict(degradation[0]), b.predict(degradation[0]))


@pytest.mark.parametrize("check", [
    "check_parameters_default_constructible",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
])
def test_sklearn_api_checks(check):
    # scikit-learn's full suite fits on tabular y (one value per sample); a forecaster needs one
    # target per timestep, so only the checks of the estimator API itself apply.
    import sklearn.utils.estimator_checks as checks

    getattr(checks, check)("RNNForecaster", RNNForecaster(hidden_size=8, max_epochs=2))


def _last_rows_held_out(n_valid):
    def split(dataset, y=None, **fit_params):
        n = len(dataset)
        return (torch.utils.data.Subset(dataset, list(range(n - n_valid))),
                torch.utils.data.Subset(dataset, list(range(n - n_valid, n))))
    return split


@pytest.mark.parametrize("windows", [False, True])
def test_scaling_statistics_come_from_the_training_part_only(ball, windows):
    # The held-out sequences are 100 times larger: none of their values may reach the
    # standardization the network is built with.
    X, y = (a.copy() for a in ball)
    X[-4:] *= 100
    y[-4:] *= 100
    params = {**FAST, "max_epochs": 1, "context_length": 4 if windows else None, "horizon": 3}
    held_out = RNNForecaster(train_split=_last_rows_held_out(4), **params).fit(X, y)
    assert "valid_loss" in held_out.history_[-1]
    alone = RNNForecaster(**params).fit(X[:-4], y[:-4])
    assert held_out._scaling_.keys() == alone._scaling_.keys()
    for key, value in alone._scaling_.items():
        np.testing.assert_allclose(held_out._scaling_[key], value, rtol=1e-6, err_msg=key)


def test_windowed_validation_reads_the_trailing_windows_that_predict_reads(ball):
    # Validation must see what predict sees: every timestep's output from the window of its
    # last context_length_ timesteps, never a later value (issue 17, defects 1 and 2).
    X, y = ball
    params = {**FAST, "max_epochs": 1, "context_length": 4, "horizon": 3, "transform": None}
    est = RNNForecaster(train_split=_last_rows_held_out(4), **params).fit(X, y)
    Xv, yv = X[-4:], y[-4:]
    target = torch.from_numpy(yv[..., None])
    step = est.validation_step(({"X": torch.from_numpy(Xv)}, target))
    later = Xv.copy()
    later[:, 8:] *= 3
    moved = est.validation_step(({"X": torch.from_numpy(later)}, target))
    torch.testing.assert_close(moved["y_pred"][:, :8], step["y_pred"][:, :8])
    np.testing.assert_allclose(step["y_pred"][..., 0].numpy(), est.predict(Xv), rtol=1e-5,
                               atol=1e-6)
    # The recorded validation score is the score of those predictions.
    assert est.history_[-1, "valid_r2"] == pytest.approx(est.score(Xv, yv), rel=1e-5)


@pytest.mark.parametrize("window_norm", ["revin", "mean"])
def test_training_outputs_never_read_a_later_context_value(ball, window_norm):
    # Training and prediction must see the same information at every step (issue 17, defect
    # 2): in a training window, the output at step t reads the context up to t only, so
    # changing only the last context value X[c - 1] moves no output before it.
    X, y = ball
    c = 8
    est = RNNForecaster(**{**FAST, "max_epochs": 1}, context_length=c, horizon=3,
                        transform=None, window_norm=window_norm).fit(X, y)
    dataset = SequenceDataset(torch.from_numpy(X), None, torch.from_numpy(y))
    torch.manual_seed(0)
    batch, _ = next(iter(WindowBatchIterator(dataset, window_length=c + 3, n_context=c,
                                             batch_size=-1)))
    assert isinstance(batch, WindowBatch) and batch.n_context == c
    later = batch.X.clone()
    later[:, c - 1] = later[:, c - 1] * 3 + 1
    est.module_.train()
    with torch.no_grad():
        out = est.infer(batch)
        moved = est.infer(replace(batch, X=later))
    est.module_.eval()
    torch.testing.assert_close(moved[:, :c - 1], out[:, :c - 1], rtol=0, atol=0)
    assert not torch.allclose(moved[:, c - 1:], out[:, c - 1:])
