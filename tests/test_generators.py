"""Semantics of the synthetic task generators in ``seqestimators.datasets``."""

import math

import numpy as np
import pandas as pd
import pytest

from seqestimators.datasets import (
    make_adding_problem,
    make_ball_trajectory,
    make_burst,
    make_copy_memory,
    make_degradation,
    make_delayed_echo,
    make_flipflop,
    make_saturated_integral,
)

# generator, small size arguments, expected X shape, expected y shape, X dtype, y dtype
CASES = [
    (make_burst, (4, 70), {}, (4, 70, 1), (4, 70), np.float32, np.int64),
    (make_delayed_echo, (4, 12), {}, (4, 12, 1), (4, 12), np.float32, np.int64),
    (make_saturated_integral, (4, 30), {}, (4, 30, 1), (4, 30), np.float32, np.float32),
    (make_ball_trajectory, (4, 25), {}, (4, 25, 1), (4, 25), np.float32, np.float32),
    (make_degradation, (4, 15), {}, (4, 15, 3), (4, 15), np.float32, np.float32),
    (make_adding_problem, (4, 20), {}, (4, 20, 2), (4,), np.float32, np.float32),
    (make_copy_memory, (4, 7), {"n_copy": 3}, (4, 13, 1), (4, 13), np.int64, np.int64),
    (make_flipflop, (4, 16), {"n_bits": 2}, (4, 16, 2), (4, 16, 2), np.float32, np.float32),
]
IDS = [case[0].__name__ for case in CASES]


@pytest.mark.parametrize("func, size, kwargs, x_shape, y_shape, x_dtype, y_dtype", CASES, ids=IDS)
def test_bunch_shapes_dtypes_and_fields(func, size, kwargs, x_shape, y_shape, x_dtype, y_dtype):
    bunch = func(*size, **kwargs, random_state=0)
    assert bunch.data.shape == x_shape and bunch.data.dtype == x_dtype
    assert bunch.target.shape == y_shape and bunch.target.dtype == y_dtype
    assert len(bunch.feature_names) == x_shape[2]
    assert len(bunch.target_names) == (y_shape[2] if len(y_shape) == 3 else 1)
    assert bunch.frame is None
    assert isinstance(bunch.DESCR, str) and bunch.DESCR.count("\n") > 5
    assert "Memor" in bunch.DESCR  # every description states its memoryless baseline
    assert np.isfinite(bunch.data).all() and np.isfinite(bunch.target).all()


@pytest.mark.parametrize("func, size, kwargs, x_shape, y_shape, x_dtype, y_dtype", CASES, ids=IDS)
def test_random_state(func, size, kwargs, x_shape, y_shape, x_dtype, y_dtype):
    global_state = np.random.get_state()
    X1, y1 = func(*size, **kwargs, random_state=3, return_X_y=True)
    X2, y2 = func(*size, **kwargs, random_state=np.random.RandomState(3), return_X_y=True)
    X3, y3 = func(*size, **kwargs, random_state=4, return_X_y=True)
    after = np.random.get_state()
    assert global_state[0] == after[0] and np.array_equal(global_state[1], after[1])
    assert global_state[2:] == after[2:]
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not (np.array_equal(X1, X3) and np.array_equal(y1, y3))


@pytest.mark.parametrize("func, size, kwargs, x_shape, y_shape, x_dtype, y_dtype", CASES, ids=IDS)
def test_return_X_y_and_as_frame(func, size, kwargs, x_shape, y_shape, x_dtype, y_dtype):
    X, y = func(*size, **kwargs, random_state=0, return_X_y=True)
    bunch = func(*size, **kwargs, random_state=0, as_frame=True)
    n, T, n_features = x_shape
    assert isinstance(bunch.data, pd.DataFrame)
    assert bunch.data.shape == (n * T, n_features)
    assert list(bunch.data.index.names) == ["sample", "timestep"]
    assert list(bunch.data.columns) == bunch.feature_names
    np.testing.assert_array_equal(bunch.data.to_numpy(), X.reshape(n * T, n_features))
    n_targets = y_shape[2] if len(y_shape) == 3 else 1
    if len(y_shape) == 1:
        assert bunch.target.index.names == ["sample"] and len(bunch.target) == n
    else:
        assert list(bunch.target.index.names) == ["sample", "timestep"]
        assert len(bunch.target) == n * T
    np.testing.assert_array_equal(np.asarray(bunch.target).reshape(y.shape), y)
    assert bunch.frame.shape == (n * T, n_features + n_targets)
    X_frame, y_frame = func(*size, **kwargs, random_state=0, as_frame=True, return_X_y=True)
    assert isinstance(X_frame, pd.DataFrame) and isinstance(y_frame, (pd.Series, pd.DataFrame))


# ------------------------------------------------------------------------------ semantics


def test_burst_reproduces_the_seed_code():
    """make_burst(5, random_state=1) is the data of the original question."""
    bunch = make_burst(5, random_state=1)
    x_np = np.zeros((5, 130, 1))
    y_np = np.zeros((5, 130))
    rng = np.random.RandomState(1)
    for i in range(5):
        start = rng.random() * 50
        for j in range(130):
            if start <= j < start + 10:
                x_np[i, j, 0] = math.sin((j - start) * math.pi / 10)
            y_np[i, j] = 1 if j < start + 10 else 0
    np.testing.assert_allclose(bunch.data, x_np, atol=1e-6)
    np.testing.assert_array_equal(bunch.target, y_np)


def test_burst_latches_and_switches_at_the_end_of_the_burst():
    bunch = make_burst(200, burst_length=10, max_onset=50, random_state=0)
    X, y, onset = bunch.data[..., 0], bunch.target, bunch.onset
    assert ((0 <= onset) & (onset < 50)).all()
    assert (np.diff(y, axis=1) <= 0).all()  # non-increasing: 1 ... 1 0 ... 0
    t = np.arange(130)
    for i in range(len(X)):
        end = onset[i] + 10
        np.testing.assert_array_equal(y[i], (t < end).astype(int))
        first_zero = int(np.argmax(y[i] == 0))
        assert first_zero == math.ceil(end)
        assert (X[i, t >= end] == 0).all() and (X[i, t < onset[i]] == 0).all()
        inside = (t >= onset[i]) & (t < end)
        assert (X[i, inside] > 0).all() and X[i].max() <= 1
    # the best memoryless accuracy stated in DESCR: predict 1 in the burst, 0 elsewhere
    big = make_burst(5000, random_state=1)
    silent = big.data[..., 0] == 0
    accuracy = 1 - (big.target[silent] == 1).sum() / big.target.size
    assert accuracy == pytest.approx(1 - 25.5 / 130, abs=0.005)
    assert "0.804" in big.DESCR


@pytest.mark.parametrize("delay", [0, 1, 3])
def test_delayed_echo_is_the_inverted_shifted_input(delay):
    X, y = make_delayed_echo(50, 20, delay=delay, random_state=0, return_X_y=True)
    x = X[..., 0].astype(int)
    assert set(np.unique(x)) <= {0, 1}
    np.testing.assert_array_equal(y[:, delay:], 1 - x[:, : 20 - delay])
    assert (y[:, :delay] == 1).all()  # inputs before the start count as 0


def test_delayed_echo_probability():
    X, _ = make_delayed_echo(2000, 32, p=0.25, random_state=0, return_X_y=True)
    assert X.mean() == pytest.approx(0.25, abs=0.01)


def test_saturated_integral_recomputed_from_inputs():
    X, y = make_saturated_integral(20, 200, random_state=0, return_X_y=True)
    x = X[..., 0].astype(np.float64)
    level = np.zeros(len(x))
    expected = np.empty_like(x)
    for t in range(x.shape[1]):
        level = np.clip(level + 0.1 * (x[:, t] - 0.5), 0, 1)
        expected[:, t] = level
    np.testing.assert_allclose(y, expected, atol=1e-5)
    # piecewise constant, starting at 0 as in the seed, switching with probability ~0.1
    switches = np.diff(x, axis=1) != 0
    assert switches.mean() == pytest.approx(0.1, abs=0.02)
    first = make_saturated_integral(500, 1, random_state=0, return_X_y=True)[0][:, 0, 0]
    assert (first == 0).mean() == pytest.approx(0.9, abs=0.05)
    assert y.min() == 0 and y.max() == 1  # the clipping is exercised


def test_saturated_integral_random_initial_input():
    X, _ = make_saturated_integral(500, 1, initial_input=None, random_state=0, return_X_y=True)
    assert (X == 0).mean() < 0.01


def test_ball_follows_the_parabola():
    bunch = make_ball_trajectory(30, 40, g=9.81, dt=0.05, random_state=0)
    h = np.concatenate([bunch.data[:, :, 0], bunch.target[:, -1:]], axis=1).astype(np.float64)
    np.testing.assert_array_equal(bunch.target[:, :-1], bunch.data[:, 1:, 0])
    np.testing.assert_allclose(np.diff(h, n=2, axis=1), -9.81 * 0.05**2, atol=1e-4)
    np.testing.assert_allclose(h[:, 0], bunch.initial_height, rtol=1e-6)
    np.testing.assert_allclose((h[:, 1] - h[:, 0]) / 0.05, bunch.initial_velocity - 9.81 * 0.025,
                               atol=1e-3)
    default = make_ball_trajectory(500, random_state=0)
    assert default.data.min() > 0  # the defaults keep every ball in the air


def test_ball_drag_and_noise():
    kwargs = dict(n_samples=20, n_timesteps=60, dt=0.05, random_state=0)
    free = make_ball_trajectory(**kwargs)
    dragged = make_ball_trajectory(**kwargs, drag=0.5)
    np.testing.assert_array_equal(free.data[:, 0], dragged.data[:, 0])
    # drag opposes motion: the ball rises less and falls more slowly than the parabola
    d2 = np.diff(dragged.data[..., 0].astype(np.float64), n=2, axis=1)
    assert not np.allclose(d2, -9.81 * 0.05**2, atol=1e-4)
    v = np.diff(dragged.data[..., 0].astype(np.float64), axis=1) / 0.05
    assert (np.abs(v[:, -1]) < 9.81 / 0.5).all()  # below the terminal velocity g / k
    noisy = make_ball_trajectory(**kwargs, noise=0.1)
    np.testing.assert_array_equal(noisy.target[:, :-1], noisy.data[:, 1:, 0])
    assert 0.05 < np.std(noisy.data - free.data) < 0.15


def test_degradation_feedback_and_monotone_decay():
    bunch = make_degradation(20, 50, random_state=0)
    X, y = bunch.data, bunch.target
    assert bunch.feature_names == ["temperature", "humidity", "previous_durability"]
    np.testing.assert_array_equal(X[:, 1:, 2], y[:, :-1])
    assert (X[:, 0, 2] == 1.0).all()
    assert (np.diff(y, axis=1) <= 0).all() and (y > 0).all() and (y <= 1).all()
    assert (X[..., 1] >= 0).all() and (X[..., 1] <= 100).all()
    # teacher forcing makes the target a function of the current inputs (the documented rule)
    rate = 0.01 * np.exp(0.05 * (X[..., 0] - 20.0)) * (1 + X[..., 1] / 100.0)
    np.testing.assert_allclose(y, X[..., 2] * np.exp(-rate), rtol=1e-4)
    np.testing.assert_allclose(rate, bunch.rate, rtol=1e-4)


@pytest.mark.parametrize(
    "cool, hot",
    [
        (dict(temperature_range=(15, 15), humidity_range=(50, 50)),
         dict(temperature_range=(35, 35), humidity_range=(50, 50))),
        (dict(temperature_range=(25, 25), humidity_range=(10, 10)),
         dict(temperature_range=(25, 25), humidity_range=(90, 90))),
    ],
    ids=["temperature", "humidity"],
)
def test_degradation_faster_in_harsher_environment(cool, hot):
    fixed = dict(temperature_std=0.0, humidity_std=0.0, random_state=0, return_X_y=True)
    _, y_cool = make_degradation(3, 40, **cool, **fixed)
    _, y_hot = make_degradation(3, 40, **hot, **fixed)
    assert (y_hot < y_cool).all()


def test_adding_problem_semantics_and_baseline():
    bunch = make_adding_problem(200, 30, random_state=0)
    X, y = bunch.data, bunch.target
    markers = X[..., 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers[:, :15].sum(axis=1) == 1).all() and (markers[:, 15:].sum(axis=1) == 1).all()
    assert ((X[..., 0] >= 0) & (X[..., 0] < 1)).all()
    np.testing.assert_allclose(y, (X[..., 0] * markers).sum(axis=1), rtol=1e-6)
    first, second = bunch.marker_positions.T
    assert (first < 15).all() and (second >= 15).all()
    _, y_big = make_adding_problem(50_000, 10, random_state=1, return_X_y=True)
    assert np.mean((y_big - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.005)
    assert "0.167" in bunch.DESCR


def test_adding_problem_odd_length():
    X, _ = make_adding_problem(100, 7, random_state=0, return_X_y=True)
    assert (X[:, :3, 1].sum(axis=1) == 1).all() and (X[:, 3:, 1].sum(axis=1) == 1).all()


@pytest.mark.parametrize("delay, n_copy, n_symbols", [(100, 10, 8), (5, 3, 4), (1, 1, 2)])
def test_copy_memory_layout(delay, n_copy, n_symbols):
    bunch = make_copy_memory(30, delay, n_copy=n_copy, n_symbols=n_symbols, random_state=0)
    x, y = bunch.data[..., 0], bunch.target
    T = delay + 2 * n_copy
    assert x.shape == (30, T) and bunch.marker == n_symbols + 1
    assert ((x[:, :n_copy] >= 1) & (x[:, :n_copy] <= n_symbols)).all()
    np.testing.assert_array_equal(y[:, -n_copy:], x[:, :n_copy])
    assert (y[:, :-n_copy] == 0).all()
    # exactly one marker, right before the recall phase, blanks elsewhere
    assert (x[:, n_copy + delay - 1] == n_symbols + 1).all()
    rest = np.delete(x, list(range(n_copy)) + [n_copy + delay - 1], axis=1)
    assert (rest == 0).all()


def test_copy_memory_one_hot_and_baseline():
    ints = make_copy_memory(5, 20, random_state=0)
    onehot = make_copy_memory(5, 20, one_hot=True, random_state=0)
    assert onehot.data.shape == (5, 40, 10) and onehot.data.dtype == np.float32
    assert len(onehot.feature_names) == 10
    np.testing.assert_array_equal(onehot.data.argmax(axis=2), ints.data[..., 0])
    np.testing.assert_array_equal(onehot.target, ints.target)
    assert f"{10 * math.log(8) / 120:.3f}" in ints.DESCR  # the paper's baseline for T=100


@pytest.mark.parametrize("n_bits, pulse_prob", [(1, 0.1), (3, 0.05)])
def test_flipflop_holds_last_pulse_sign(n_bits, pulse_prob):
    X, y = make_flipflop(20, 60, n_bits=n_bits, pulse_prob=pulse_prob, random_state=0,
                         return_X_y=True)
    assert set(np.unique(X)) <= {-1.0, 0.0, 1.0}
    expected = np.zeros_like(y)
    state = np.zeros((20, n_bits))
    for t in range(60):
        state = np.where(X[:, t] != 0, X[:, t], state)
        expected[:, t] = state
    np.testing.assert_array_equal(y, expected)
    assert (X != 0).mean() == pytest.approx(pulse_prob, abs=0.02)


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: make_burst(0), ValueError,
         r"The 'n_samples' parameter of make_burst must be an int in the range \[1, inf\)"),
        (lambda: make_burst(n_timesteps=40), ValueError, "n_timesteps >= max_onset"),
        (lambda: make_burst(burst_length=0), ValueError, "'burst_length' parameter"),
        (lambda: make_delayed_echo(p=1.5), ValueError, "'p' parameter of make_delayed_echo"),
        (lambda: make_delayed_echo(n_timesteps=3, delay=3), ValueError, "delay < n_timesteps"),
        (lambda: make_saturated_integral(switch_prob=-0.1), ValueError, "'switch_prob'"),
        (lambda: make_ball_trajectory(height_range=(3, 1)), ValueError, "low <= high"),
        (lambda: make_ball_trajectory(dt=0), ValueError, "'dt' parameter"),
        (lambda: make_ball_trajectory(drag=-1), ValueError, "'drag' parameter"),
        (lambda: make_degradation(humidity_range=(50, 120)), ValueError, r"within \[0, 100\]"),
        (lambda: make_degradation(env_correlation=1.0), ValueError, "'env_correlation'"),
        (lambda: make_adding_problem(n_timesteps=1), ValueError, "'n_timesteps' parameter"),
        (lambda: make_copy_memory(delay=0), ValueError, "'delay' parameter"),
        (lambda: make_flipflop(n_bits=0), ValueError, "'n_bits' parameter"),
        (lambda: make_flipflop(random_state="x"), ValueError, "'random_state' parameter"),
        (lambda: make_burst(as_frame="yes"), ValueError, "'as_frame' parameter"),
        (lambda: make_burst(5, 130, 10), TypeError, "positional"),
    ],
)
def test_bad_parameters(call, error, match):
    with pytest.raises(error, match=match):
        call()
