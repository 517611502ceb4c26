"""Long streams: truncated BPTT, carried state across calls, streaming prediction, online
learning and gradient accumulation."""

import copy

import numpy as np
import pytest
import torch
from skorch.callbacks import LRScheduler

from seqestimators import RNNClassifier, RNNForecaster, RNNRegressor
from seqestimators.datasets import make_delayed_echo, make_saturated_integral

# Some of these tests run RNNForecaster on streams whose inputs are not the lagged targets: they
# test the stream mechanics, not the feedback, so its consistency warning is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:RNNForecaster feeds its prediction")


def _weights(est):
    return torch.cat([p.detach().flatten() for p in est.module_.parameters()])


def _adam_steps(est):
    states = est.optimizer_.state.values()
    return {int(s["step"]) for s in states}


# --------------------------------------------------------------------------- carried state
@pytest.mark.parametrize("chunk", [1, 4])
@pytest.mark.parametrize("n_streams", [1, 3])
def test_partial_fit_chunks_continue_the_stream(chunk, n_streams):
    # partial_fit on consecutive chunks under "carry" (Keras stateful=True) is truncated BPTT
    # over the whole stream: the same optimizer steps, from the same carried states. With
    # chunk=1 and one stream this is batch_size=1, timesteps=1 online learning.
    X, y = make_saturated_integral(n_streams, 24, random_state=0, return_X_y=True)
    # fit would first standardize the targets of the whole stream, which chunks cannot know.
    params = {"hidden_size": 8, "state_policy": "carry", "max_epochs": 1, "batch_size": -1,
              "standardize_targets": False, "random_state": 0}
    whole = RNNRegressor(tbptt_steps=chunk, **params).fit(X, y)
    online = RNNRegressor(**params)
    for start in range(0, 24, chunk):
        online.partial_fit(X[:, start:start + chunk], y[:, start:start + chunk])
    torch.testing.assert_close(_weights(online), _weights(whole))
    for a, b in zip(online.carried_state_, whole.carried_state_):
        torch.testing.assert_close(a, b)
    assert _adam_steps(online) == {24 // chunk}


def _chunks(X, sizes):
    edges = np.cumsum([0, *sizes])
    return [X[:, a:b] for a, b in zip(edges[:-1], edges[1:])]


@pytest.mark.parametrize("make_estimator", [
    lambda: RNNRegressor(hidden_size=8, state_policy="carry", max_epochs=1, random_state=0),
    lambda: RNNRegressor(cell="gru", num_layers=2, hidden_size=8, state_policy="carry",
                         max_epochs=1, random_state=0),
    lambda: RNNForecaster(hidden_size=8, state_policy="carry", max_epochs=1, random_state=0),
])
def test_streaming_predict_equals_predicting_the_whole_stream(make_estimator):
    X, y = make_saturated_integral(3, 40, random_state=0, return_X_y=True)
    est = make_estimator().fit(X, y)
    est.reset_state()
    whole = est.predict(X)
    est.reset_state()
    parts = [est.predict(chunk) for chunk in _chunks(X, [1, 7, 13, 1, 1, 17])]
    np.testing.assert_allclose(np.concatenate(parts, axis=1), whole, rtol=1e-6, atol=1e-7)
    # reset_state() starts a new stream: the first chunk again gives its first predictions.
    est.reset_state()
    np.testing.assert_allclose(est.predict(X[:, :5]), whole[:, :5], rtol=1e-6, atol=1e-7)
    # Without a reset the same chunk continues from where the stream stopped.
    assert not np.allclose(est.predict(X[:, :5]), whole[:, :5])


def test_streaming_predict_proba_one_timestep_at_a_time():
    X, y = make_delayed_echo(2, 30, random_state=0, return_X_y=True)
    clf = RNNClassifier(cell="gru", hidden_size=8, state_policy="carry", max_epochs=1,
                        random_state=0).fit(X, y)
    clf.reset_state()
    whole = clf.predict_proba(X)
    clf.reset_state()
    steps = np.concatenate([clf.predict_proba(X[:, t:t + 1]) for t in range(30)], axis=1)
    np.testing.assert_allclose(steps, whole, rtol=1e-6, atol=1e-7)


# --------------------------------------------------------------------------- truncated BPTT
def test_tbptt_windows_start_from_detached_states_and_return_detached_predictions():
    X, y = make_saturated_integral(2, 30, random_state=0, return_X_y=True)
    est = RNNRegressor(hidden_size=8, tbptt_steps=7, max_epochs=1, random_state=0).fit(X, y)
    seen = []

    def record(module, args, kwargs):
        state = kwargs.get("state")
        seen.append(None if state is None else any(s.requires_grad for s in state))

    handle = est.module_.register_forward_pre_hook(record, with_kwargs=True)
    try:
        batch = ({"X": torch.from_numpy(X)}, torch.from_numpy(y)[..., None])
        step = est.train_step(batch)
    finally:
        handle.remove()
    # Five windows: the first from a zero state, the others from the previous final state,
    # cut from its graph, so backpropagation never reaches back beyond one window.
    assert seen == [None, False, False, False, False]
    assert step["y_pred"].shape == (2, 30, 1) and step["y_pred"].grad_fn is None
    assert _adam_steps(est) == {10}  # 5 windows per epoch, plus the train_step above


def test_one_timestep_windows_are_batched_across_streams():
    X, y = make_saturated_integral(4, 10, random_state=0, return_X_y=True)
    est = RNNRegressor(hidden_size=8, tbptt_steps=1, batch_size=-1, max_epochs=2,
                       random_state=0)
    shapes = []
    est.fit(X, y)
    handle = est.module_.register_forward_pre_hook(
        lambda module, args, kwargs: shapes.append(tuple(kwargs.get("X", args[0]).shape)),
        with_kwargs=True)
    est.partial_fit(X, y)
    handle.remove()
    assert shapes == [(4, 1, 1)] * 10 * 2


# --------------------------------------------------------------------------- accumulation
@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNForecaster])
def test_accumulated_gradients_equal_one_step_on_the_concatenated_batch(Estimator):
    X, y = make_saturated_integral(32, 20, random_state=0, return_X_y=True)
    params = {"hidden_size": 8, "max_epochs": 1, "random_state": 0, "lr": 0.1,
              "optimizer": torch.optim.SGD, "iterator_train__shuffle": False}
    accumulated = Estimator(batch_size=8, accumulate_steps=4, **params).fit(X, y)
    big_batch = Estimator(batch_size=32, **params).fit(X, y)
    small_steps = Estimator(batch_size=8, **params).fit(X, y)
    torch.testing.assert_close(_weights(accumulated), _weights(big_batch))
    assert not torch.allclose(_weights(small_steps), _weights(big_batch))


def test_accumulate_steps_counts_windows_across_partial_fit_calls():
    # Seed 003's fix: backpropagate every 2 timesteps, step the optimizer every 50.
    X, y = make_saturated_integral(1, 500, random_state=0, return_X_y=True)
    est = RNNForecaster(hidden_size=8, tbptt_steps=2, accumulate_steps=25, max_epochs=1,
                        random_state=0).fit(X, y)
    assert _adam_steps(est) == {10}
    online = RNNForecaster(hidden_size=8, state_policy="carry", accumulate_steps=10,
                           max_epochs=1, standardize=False, random_state=0)
    for t in range(55):
        online.partial_fit(X[:, t:t + 1], y[:, t:t + 1])
    assert _adam_steps(online) == {5}  # the last 5 gradients wait for the next calls


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor, RNNForecaster])
def test_accumulate_steps_is_a_validated_parameter(Estimator):
    X, y = make_delayed_echo(2, 10, random_state=0, return_X_y=True)
    assert Estimator().get_params()["accumulate_steps"] == 1
    with pytest.raises(ValueError, match="accumulate_steps"):
        Estimator(accumulate_steps=0).fit(X, y)


# --------------------------------------------------------------------------- the stories
def test_online_delayed_echo_from_one_stream():
    # Seed 002: predict 1 - x[t - 1] online, one stream in chunks, the state carried between
    # calls. Each chunk is backpropagated through (a one-step chunk could not be: see the docs).
    X, y = make_delayed_echo(1, 1200, random_state=0, return_X_y=True)
    clf = RNNClassifier(cell="gru", hidden_size=8, state_policy="carry", max_epochs=1,
                        lr=0.03, random_state=0)
    for start in range(0, 1200, 10):
        clf.partial_fit(X[:, start:start + 10], y[:, start:start + 10], classes=[0, 1])
    X_new, y_new = make_delayed_echo(1, 2000, random_state=1, return_X_y=True)
    clf.reset_state()
    assert clf.score(X_new, y_new) >= 0.99
    # A copy evaluated on another stream leaves the learner's own stream untouched.
    snapshot = copy.deepcopy(clf).reset_state()
    assert snapshot.score(X_new[:, :100], y_new[:, :100]) >= 0.99


def test_batch_delayed_echo_from_many_short_sequences():
    X, y = make_delayed_echo(256, 32, random_state=0, return_X_y=True)
    clf = RNNClassifier(cell="gru", hidden_size=8, max_epochs=15, lr=0.03,
                        random_state=0).fit(X, y)
    X_new, y_new = make_delayed_echo(1, 2000, random_state=1, return_X_y=True)
    assert clf.score(X_new, y_new) >= 0.99


def test_saturated_integral_from_one_long_stream():
    # Seed 003: one stream, truncated BPTT over windows of 100 steps (state carried between
    # them), several passes with a decaying learning rate; scored on a fresh stream.
    X, y = make_saturated_integral(1, 20000, random_state=0, return_X_y=True)
    reg = RNNRegressor(
        hidden_size=16, tbptt_steps=100, max_epochs=12, random_state=0,
        callbacks=[("lr", LRScheduler(torch.optim.lr_scheduler.CosineAnnealingLR, T_max=12))],
    ).fit(X, y)
    X_new, y_new = make_saturated_integral(1, 5000, random_state=1, return_X_y=True)
    assert reg.score(X_new, y_new) >= 0.98
