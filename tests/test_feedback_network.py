"""FeedbackNetwork's window normalization sees no future (issue 17, defects 1 and 2)."""

import pytest
import torch

from seqestimators.networks import FeedbackNetwork


def network(instance_norm="revin", **kwargs):
    torch.manual_seed(0)
    kwargs = {"cell": "gru", "hidden_size": 8, "input_changes": True, "residual": True,
              **kwargs}
    return FeedbackNetwork(2, 1, feedback=[0], instance_norm=instance_norm, **kwargs).eval()


def series(n_timesteps=80, batch=3):
    torch.manual_seed(1)
    t = torch.arange(n_timesteps, dtype=torch.float32)
    level = 10 + torch.randn(batch, 1)
    X = torch.stack([level + torch.sin(t / 3) + 0.1 * torch.randn(batch, n_timesteps),
                     torch.randn(batch, n_timesteps)], dim=2)
    return X


@pytest.mark.parametrize("instance_norm", ["revin", "mean"])
@pytest.mark.parametrize("window", [None, 24])
def test_the_validation_pass_never_sees_later_timesteps(instance_norm, window):
    # Whole sequences, teacher forcing, no context: the validation pass of the forecaster.
    net = network(instance_norm, instance_norm_window=window)
    X = series()
    changed = X.clone()
    changed[:, 60:] *= 3
    with torch.no_grad():
        before, _ = net(X)
        after, _ = net(changed)
    torch.testing.assert_close(after[:, :60], before[:, :60], rtol=0, atol=0)
    assert not torch.equal(after[:, 60:], before[:, 60:])


@pytest.mark.parametrize("feedback_prob", [0.0, 1.0])
def test_a_training_window_never_sees_later_values_of_its_context(feedback_prob):
    # A training window: context of c observed steps, then the horizon.
    c, net, X = 12, network(), series(20)
    changed = X.clone()
    changed[:, c - 1, 0] += 5.0
    with torch.no_grad():
        before, _ = net(X, feedback_prob=feedback_prob, n_observed=c, n_context=c)
        after, _ = net(changed, feedback_prob=feedback_prob, n_observed=c, n_context=c)
    torch.testing.assert_close(after[:, :c - 1], before[:, :c - 1], rtol=0, atol=0)


def test_training_context_steps_see_what_prediction_sees():
    # The output at context step s of a training window is the prediction of the window that
    # ends at s (what predict computes for that timestep).
    c, net, X = 12, network(), series(20)
    with torch.no_grad():
        trained, _ = net(X, feedback_prob=1.0, n_observed=c, n_context=c)
        for s in [0, 3, c - 1]:
            predicted, _ = net(X[:, :s + 1])
            torch.testing.assert_close(trained[:, s], predicted[:, -1])


def test_the_window_norm_follows_a_trailing_window():
    # With instance_norm_window=w the statistics at t read timesteps t-w+1..t only: a change
    # before them moves the state (it is recurrent) but not the statistics.
    net = network(instance_norm_window=5)
    X = series(30)
    loc, scale = net.instance_stats(X)
    ref_loc = X[:, 10:15, 0].double().mean(1).float()
    ref_std = X[:, 10:15, 0].double().std(1, unbiased=False).float()
    torch.testing.assert_close(loc[:, 14, 0], ref_loc)
    torch.testing.assert_close(scale[:, 14, 0], ref_std)


def test_a_forecast_continues_from_the_statistics_of_its_last_observed_step():
    c, net, X = 12, network(), series(20)
    with torch.no_grad():
        trained, _ = net(X, feedback_prob=1.0, n_observed=c, n_context=c)
        prefix, generated, _ = net.forecast(X[:, :c], X.shape[1] - c, exogenous=X[:, c:, 1:])
    torch.testing.assert_close(prefix, trained[:, :c])
    torch.testing.assert_close(generated, trained[:, c:])


def test_padded_sequences_have_the_statistics_of_their_own_steps():
    net, X = network(), series(20)
    lengths = torch.tensor([20, 9, 14])
    with torch.no_grad():
        padded, _ = net(X, lengths=lengths)
        for i, n in enumerate(lengths.tolist()):
            alone, _ = net(X[i:i + 1, :n])
            torch.testing.assert_close(padded[i:i + 1, :n], alone)


def test_a_learned_initial_state_feeds_back_through_padded_sequences():
    # The padding mask used to read the previous output before there was one (a learned
    # initial state is a state at the first timestep): AttributeError on None.
    net, X = network(learned_initial_state=True), series(20)
    with torch.no_grad():
        net.initial_state.normal_()
        lengths = torch.tensor([20, 9, 14])
        padded, _ = net(X, lengths=lengths, feedback_prob=1.0, n_observed=3)
        for i, n in enumerate(lengths.tolist()):
            alone, _ = net(X[i:i + 1, :n], feedback_prob=1.0, n_observed=3)
            torch.testing.assert_close(padded[i:i + 1, :n], alone)
