"""diagnose(): each seed question's broken set-up is caught by the right check, its fix is clean."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure
from sklearn.pipeline import make_pipeline

from seqestimators import MemorylessClassifier, RNNClassifier, RNNForecaster, RNNRegressor
from seqestimators.datasets import (
    make_adding_problem,
    make_ball_trajectory,
    make_burst,
    make_delayed_echo,
)
from seqestimators.diagnostics import CHECKS, Check, Diagnosis, diagnose, diagnose_task, score_name
from seqestimators.preprocessing import SequenceScaler


def statuses(diagnosis):
    return dict(zip(diagnosis.findings["check"], diagnosis.findings["status"]))


def assert_no_fail(diagnosis):
    failed = diagnosis.findings[diagnosis.findings["status"] == "fail"]
    assert failed.empty, str(diagnosis)


@pytest.fixture(scope="module")
def burst():
    return make_burst(128, random_state=0, return_X_y=True)


# ------------------------------------------------------------------ seed 000: burst + carry
def test_burst_with_carried_state_fails_state_policy_and_memory_use(burst):
    X, y = burst
    est = RNNClassifier(cell="rnn", hidden_size=16, state_policy="carry", max_epochs=40,
                        random_state=0)
    diagnosis = diagnose(est, X, y)
    status = statuses(diagnosis)
    assert status["state_policy"] == "fail"
    assert status["memory_use"] == "fail"
    # The evidence holds the measured scores under reset and carried state at prediction.
    assert "from a reset state" in diagnosis["state_policy"]["evidence"]
    assert "state_policy='reset'" in diagnosis["state_policy"]["advice"]
    assert {"valid_reset", "valid_carry", "baseline"} <= set(diagnosis.scores)


def test_burst_with_reset_lstm_is_clean(burst):
    X, y = burst
    est = RNNClassifier(cell="lstm", hidden_size=16, max_epochs=40, random_state=0)
    diagnosis = diagnose(est, X, y)
    assert_no_fail(diagnosis)
    assert statuses(diagnosis)["memory_use"] == "ok"
    assert diagnosis.scores["valid"] > diagnosis.scores["baseline"] + 0.1


# ------------------------------------------------------------------ seed 002: online echo
def test_echo_learned_in_one_step_chunks_fails_truncation():
    X, y = make_delayed_echo(1, 300, random_state=0, return_X_y=True)
    est = RNNClassifier(cell="gru", hidden_size=8, state_policy="carry", max_epochs=1,
                        random_state=0)
    diagnosis = diagnose(est, X, y, chunk_length=1, required_memory=1)
    finding = diagnosis["truncation"]
    assert finding["status"] == "fail"
    assert "chunks=1" in finding["evidence"]
    assert "at least 2 timesteps" in finding["advice"]
    # Chunks of one stream with carried state: the right policy.
    assert diagnosis["state_policy"]["status"] == "ok"


def test_echo_learned_in_ten_step_chunks_is_clean():
    X, y = make_delayed_echo(1, 750, random_state=0, return_X_y=True)
    est = RNNClassifier(cell="gru", hidden_size=8, state_policy="carry", max_epochs=1,
                        lr=0.03, random_state=0)
    diagnosis = diagnose(est, X, y, chunk_length=10, required_memory=1)
    assert_no_fail(diagnosis)
    assert diagnosis["truncation"]["status"] == "ok"
    assert diagnosis["memory_use"]["status"] == "ok"
    # One partial_fit call per chunk of the 80% training part of the stream.
    assert len(diagnosis.history) == 60


def test_truncation_reads_tbptt_steps():
    X, y = make_delayed_echo(32, 24, delay=3, random_state=0, return_X_y=True)
    est = RNNClassifier(cell="gru", hidden_size=4, tbptt_steps=2, max_epochs=1,
                        random_state=0)
    diagnosis = diagnose(est, X, y, required_memory=3, baseline=False)
    assert diagnosis["truncation"]["status"] == "fail"
    assert "tbptt_steps=2" in diagnosis["truncation"]["evidence"]
    assert "tbptt_steps at least 6" in diagnosis["truncation"]["advice"]


# ------------------------------------------------------------------ scaling (seed 001)
@pytest.fixture(scope="module")
def ball():
    return make_ball_trajectory(96, 30, random_state=0, return_X_y=True)


def test_unscaled_regression_fails_scaling(ball):
    X, y = ball
    # Heights in centimetres: inputs and targets in the hundreds, no standardization.
    diagnosis = diagnose(RNNRegressor(hidden_size=8, max_epochs=5, standardize_targets=False,
                                      random_state=0), X * 100, y * 100)
    finding = diagnosis["scaling"]
    assert finding["status"] == "fail"
    assert "outside the range the output can reach" in finding["evidence"]
    assert "does not standardize them" in finding["evidence"]
    assert "SequenceScaler" in finding["advice"]
    assert "standardize_targets=True" in finding["advice"]


def test_a_regressor_that_standardizes_its_targets_is_not_blamed_for_their_scale(ball):
    X, y = ball
    diagnosis = diagnose(RNNRegressor(hidden_size=8, max_epochs=5, random_state=0),
                         X * 100, y * 100)
    finding = diagnosis["scaling"]
    assert "does not standardize" not in finding["evidence"]
    assert "standardize_targets=True" not in finding["advice"]
    # The reachable range is read in the targets' units, through the network's own scaling.
    low, high = (float(v) for v in
                 finding["evidence"].split("can reach [")[1].split("]")[0].split(", "))
    assert 100 < low < high


def test_amplitudes_apart_by_orders_of_magnitude_point_to_instance_norm():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, size=96)
    t = np.arange(30)
    waves = np.where(y[:, None] == 1, np.sign(np.sin(t / 3)), np.sin(t / 3))
    X = (10.0 ** rng.uniform(-3, 2, size=(96, 1)) * waves)[:, :, None]
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(hidden_size=4, max_epochs=3,
                                                         instance_norm=False, random_state=0))
    finding = diagnose(pipe, X, y)["scaling"]
    assert finding["status"] == "warn"
    assert "amplitudes differ" in finding["evidence"]
    assert "instance_norm=True" in finding["advice"]
    pipe.set_params(rnnclassifier__instance_norm="auto")
    assert "amplitudes" not in diagnose(pipe, X, y)["scaling"]["evidence"]


def test_scaled_regression_is_clean(ball):
    X, y = ball
    mean, std = X.mean(), X.std()
    diagnosis = diagnose(RNNRegressor(hidden_size=8, max_epochs=20, random_state=0),
                         (X - mean) / std, (y - mean) / std)
    assert_no_fail(diagnosis)
    assert diagnosis["scaling"]["status"] == "ok"


def test_forecaster_standardizes_so_scaling_is_ok(ball):
    X, y = ball
    diagnosis = diagnose(RNNForecaster(hidden_size=8, max_epochs=10, random_state=0),
                         X * 100, y * 100)
    assert diagnosis["scaling"]["status"] == "ok"
    assert_no_fail(diagnosis)


def test_pipeline_with_scaler_counts_as_scaled(ball):
    X, y = ball
    pipe = make_pipeline(SequenceScaler(), RNNRegressor(hidden_size=8, max_epochs=10,
                                                        random_state=0))
    diagnosis = diagnose(pipe, X * 100, (y - y.mean()) / y.std())
    assert diagnosis["scaling"]["status"] == "ok"
    assert "pipeline" in diagnosis["scaling"]["evidence"]


# ------------------------------------------------------------------ convergence, memory
@pytest.fixture(scope="module")
def echo3():
    return make_delayed_echo(128, 20, delay=3, random_state=0, return_X_y=True)


def test_undertrained_model_warns_convergence(echo3):
    X, y = echo3
    diagnosis = diagnose(RNNClassifier(cell="gru", hidden_size=16, max_epochs=2,
                                       random_state=0), X, y, required_memory=3)
    finding = diagnosis["convergence"]
    assert finding["status"] in ("warn", "fail")
    assert "max_epochs=4" in finding["advice"]


def test_delay3_echo_memory_peaks_at_lag_3_and_is_clean(echo3):
    X, y = echo3
    est = RNNClassifier(cell="gru", hidden_size=16, max_epochs=30, lr=0.02, random_state=0)
    diagnosis = diagnose(est, X, y, required_memory=3)
    memory = diagnosis.memory
    assert list(memory.columns) == ["lag", "influence"]
    assert int(memory.loc[memory["influence"].idxmax(), "lag"]) == 3
    assert memory["influence"].max() == pytest.approx(1.0)
    assert statuses(diagnosis)["convergence"] == "ok"
    assert statuses(diagnosis)["memory_horizon"] == "ok"
    assert_no_fail(diagnosis)


def test_memoryless_model_warns_memory_horizon(echo3):
    X, y = echo3
    diagnosis = diagnose(MemorylessClassifier(max_epochs=2, random_state=0), X, y,
                         required_memory=3)
    finding = diagnosis["memory_horizon"]
    assert finding["status"] == "warn"
    assert "the output depends on the current input only" in finding["evidence"]
    assert diagnosis.gradient_flow.empty


def test_no_progress_fails_convergence(echo3):
    X, y = echo3
    diagnosis = diagnose(RNNClassifier(cell="gru", hidden_size=4, max_epochs=2, lr=1e-7,
                                       random_state=0), X, y, baseline=False)
    assert diagnosis["convergence"]["status"] == "fail"
    assert "no progress" in diagnosis["convergence"]["evidence"]


# ------------------------------------------------------------------ gradient flow
def test_gradient_flow_vanishes_for_plain_rnn_over_long_memory():
    X, y = make_delayed_echo(16, 120, delay=100, random_state=0, return_X_y=True)
    diagnosis = diagnose(RNNClassifier(cell="rnn", hidden_size=8, max_epochs=1,
                                       random_state=0), X, y, required_memory=100,
                         baseline=False)
    flow = diagnosis.gradient_flow
    assert list(flow.columns) == ["distance", "initial", "trained"]
    assert 100 in flow["distance"].tolist()
    assert flow["initial"].iloc[-1] < 1e-5 * flow["initial"].iloc[0]
    assert diagnosis["gradient_flow"]["status"] in ("warn", "fail")
    assert "cell='lstm'" in diagnosis["gradient_flow"]["advice"]


# ------------------------------------------------------------------ every kind of estimator
def test_per_sequence_regression_and_fitted_estimator():
    X, y = make_adding_problem(64, 15, random_state=0, return_X_y=True)
    est = RNNRegressor(hidden_size=8, max_epochs=3, random_state=0).fit(X, y)
    diagnosis = diagnose(est, X, y)
    assert diagnosis.estimator is est  # used as is, not refitted
    assert diagnosis.timings["fit"] == 0.0
    assert list(diagnosis.findings["check"]) == list(CHECKS)
    assert "no validation data" in diagnosis["fit_gap"]["evidence"]
    # Per-sequence output: lags count back from the last timestep.
    assert diagnosis.memory["lag"].max() == 14


def test_ragged_per_sequence_classifier():
    X, y = make_delayed_echo(48, 20, random_state=0, return_X_y=True)
    ragged = [X[i, :10 + i % 10] for i in range(48)]
    labels = np.array([int(seq.sum() > 2) for seq in ragged])
    diagnosis = diagnose(RNNClassifier(cell="lstm", hidden_size=4, max_epochs=2,
                                       random_state=0), ragged, labels)
    assert set(diagnosis.findings["status"]) <= {"ok", "warn", "fail"}
    assert diagnosis.memory["lag"].max() <= 19
    assert np.isfinite(diagnosis.gradient_flow[["initial", "trained"]].to_numpy()).all()


def test_ragged_per_timestep_with_validation_data():
    X, y = make_delayed_echo(40, 16, random_state=0, return_X_y=True)
    ragged, targets = [X[i, :8 + i % 8] for i in range(40)], [y[i, :8 + i % 8]
                                                               for i in range(40)]
    diagnosis = diagnose(RNNClassifier(cell="rnn", hidden_size=4, max_epochs=2,
                                       random_state=0), ragged[:30], targets[:30],
                         X_valid=ragged[30:], y_valid=targets[30:])
    assert "valid" in diagnosis.scores
    assert diagnosis["fit_gap"]["evidence"].startswith("training accuracy")


# ------------------------------------------------------------------ the report
def test_report_plot_html_and_csv(tmp_path, echo3):
    X, y = echo3
    diagnosis = diagnose(RNNClassifier(cell="gru", hidden_size=4, max_epochs=2,
                                       random_state=0), X[:32], y[:32])
    assert isinstance(diagnosis, Diagnosis)
    assert diagnosis.status in ("ok", "warn", "fail")
    text = str(diagnosis)
    assert all(check in text for check in CHECKS)
    html = diagnosis._repr_html_()
    assert html.count("<tr>") == len(CHECKS) + 1
    fig = diagnosis.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    fig.savefig(tmp_path / "diagnosis.png")
    path = diagnosis.to_csv(tmp_path / "findings.csv")
    assert list(pd.read_csv(path)["check"]) == list(CHECKS)
    with pytest.raises(KeyError, match="unknown check"):
        diagnosis["nope"]


def test_checks_registry_and_score_name():
    assert list(CHECKS) == ["convergence", "memory_use", "memory_horizon", "gradient_flow",
                            "state_policy", "truncation", "scaling", "fit_gap", "baseline"]
    assert all(isinstance(check, Check) and check.name == name and check.summary
               for name, check in CHECKS.items())
    assert all(set(check.needs) <= set(CHECKS) for check in CHECKS.values())
    assert score_name(RNNClassifier()) == score_name(True) == "accuracy"
    assert score_name(RNNRegressor()) == score_name(False) == "R²"


@pytest.mark.parametrize("kwargs, message", [
    ({"chunk_length": 0}, "chunk_length"),
    ({"required_memory": -1}, "required_memory"),
    ({"validation_fraction": 1.5}, "validation_fraction"),
])
def test_invalid_arguments(echo3, kwargs, message):
    X, y = echo3
    with pytest.raises(ValueError, match=message):
        diagnose(RNNClassifier(max_epochs=1), X, y, **kwargs)


def test_diagnose_task_states_the_required_memory():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        diagnosis = diagnose_task("echo", n_samples=32, n_timesteps=12,
                                  task_params={"delay": 2},
                                  estimator_params={"cell": "gru", "hidden_size": 4,
                                                    "max_epochs": 2, "tbptt_steps": 2})
    assert diagnosis["truncation"]["status"] == "fail"  # windows of 2 for a delay of 2
    assert "the task needs 2" in diagnosis["truncation"]["evidence"]
    with pytest.raises(ValueError, match="unknown task"):
        diagnose_task("nope")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_runs_on_gpu(echo3):
    X, y = echo3
    diagnosis = diagnose(RNNClassifier(cell="gru", hidden_size=8, max_epochs=2,
                                       device="cuda", random_state=0), X, y)
    assert np.isfinite(diagnosis.memory["influence"]).all()
    assert np.isfinite(diagnosis.gradient_flow["trained"]).all()
