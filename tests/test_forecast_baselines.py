"""The baseline inside the forecaster (issue 18): seasonal naive and window mean baselines, the
automatic choice; short seasonal series; early stopping on one series."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from seqestimators import RNNForecaster
from seqestimators.data import SequenceDataset
from seqestimators.forecasting import WindowBatchIterator
from seqestimators.networks import FeedbackNetwork

FAST = {"hidden_size": 8, "max_epochs": 0}


def _monthly(n=96, random_state=0, season=True, trend=0.0, walk=False):
    """A positive monthly series: a level, a yearly season, noise (or a random walk)."""
    rng = np.random.default_rng(random_state)
    t = np.arange(n)
    noise = rng.normal(0, 1.0, n)
    values = 100 + trend * t + (noise.cumsum() if walk else noise)
    if season:
        values = values + 20 * np.sin(2 * np.pi * t / 12)
    return pd.Series(values, index=pd.period_range("2000-01", periods=n, freq="M"))


def _fit(series, **params):
    est = RNNForecaster(random_state=params.pop("random_state", 0), **{**FAST, **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(series)


@pytest.mark.parametrize("transform", [None, "log"])
def test_untrained_model_forecasts_seasonal_naive(transform):
    series = _monthly()
    est = _fit(series, baseline="seasonal", transform=transform)
    assert est.seasonal_period_ == 12 and est.baseline_ == "seasonal"
    # 30 months: past one season the model reads its own (seasonal naive) forecasts.
    forecast = est.forecast(series, 30).to_numpy()
    expected = series.to_numpy()[-12:][np.arange(30) % 12]
    np.testing.assert_allclose(forecast, expected, rtol=1e-5)


def test_untrained_model_forecasts_the_context_mean():
    series = _monthly(season=False)
    est = _fit(series, baseline="mean", transform=None)
    assert est.window_norm_ == "revin"
    forecast = est.forecast(series, 7).to_numpy()
    np.testing.assert_allclose(forecast, series.iloc[-est.context_length_:].mean(), rtol=1e-5)
    # Under the log transform the window's level is the mean of the logarithms.
    logged = _fit(series, baseline="mean")
    assert logged.transform_ == "log" and logged.window_norm_ == "mean"
    level = np.exp(np.log(series.iloc[-logged.context_length_:]).mean())
    np.testing.assert_allclose(logged.forecast(series, 7).to_numpy(), level, rtol=1e-5)


def test_training_moves_away_from_the_baseline():
    series = _monthly()
    est = _fit(series, baseline="seasonal", max_epochs=3)
    forecast = est.forecast(series, 12).to_numpy()
    assert not np.allclose(forecast, series.to_numpy()[-12:], rtol=1e-4)


def test_auto_is_naive_for_a_panel_even_when_seasonal():
    # Measured: on a monthly seasonal panel "seasonal" lost to "naive" (3 seeds).
    panel = [_monthly(random_state=i) for i in range(3)]
    est = _fit(panel)
    assert est.baseline_ == "naive"
    for s, f in zip(panel, est.forecast(panel, 5)):
        np.testing.assert_allclose(f.to_numpy(), s.iloc[-1], rtol=1e-5)


def test_auto_on_one_series_keeps_the_random_read_out():
    est = _fit(_monthly())
    assert est.baseline_ is None
    assert not np.allclose(est.forecast(_monthly(), 12).to_numpy(),
                           _monthly().to_numpy()[-12:], rtol=1e-4)


def test_auto_on_sequences_keeps_the_random_read_out():
    X = np.cumsum(np.random.default_rng(0).normal(size=(4, 20, 1)), axis=1)
    est = RNNForecaster(hidden_size=8, max_epochs=1, n_iter_no_change=None,
                        random_state=0).fit(X[:, :-1], X[:, 1:, 0])
    assert est.baseline_ is None


def test_seasonal_baseline_on_a_series_without_season_is_naive():
    series = _monthly(season=False).to_numpy()  # a plain array: no index, no season found
    est = _fit(series, baseline="seasonal", seasonal_period=1)
    assert est.baseline_ == "naive"
    np.testing.assert_allclose(est.forecast(series, 4), series[-1], rtol=1e-5)


def test_baselines_that_need_missing_inputs_are_refused():
    series = _monthly()
    with pytest.raises(ValueError, match="seasonal_inputs=True"):
        _fit(series, baseline="seasonal", seasonal_inputs=False)
    with pytest.raises(ValueError, match="window_norm"):
        _fit(series, baseline="mean", window_norm=None)
    with pytest.raises(ValueError, match="baseline must be"):
        FeedbackNetwork(1, 1, feedback=[0], residual=True, baseline="seasonal")
    with pytest.raises(ValueError, match="baseline must be"):
        FeedbackNetwork(1, 1, feedback=[0], residual=True, baseline="mean")


def test_network_seasonal_baseline_in_every_mode():
    # Teacher forcing, stepping (free running) and closed-loop generation agree: a zero
    # read-out gives the value one season before the predicted one (the last value while
    # the sequence is shorter than a season).
    torch.manual_seed(0)
    net = FeedbackNetwork(1, 1, feedback=[0], hidden_size=4, residual=True,
                          input_changes=True, seasonal_lag=4, baseline="seasonal")
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.zero_()
    X = torch.randn(2, 10, 1)
    out, _ = net(X)
    expected = torch.cat([X[:, :3], X[:, :7]], dim=1)  # output t predicts X[t + 1]
    torch.testing.assert_close(out, expected)
    stepped, _ = net(X, feedback_prob=1.0, n_observed=10)
    torch.testing.assert_close(stepped, expected)
    # The prefix's last output forecasts X[10] (= X[6]); generated step j forecasts X[11 + j].
    _, generated, _ = net.forecast(X, 9)
    torch.testing.assert_close(generated, X[:, [7, 8, 9, 6] * 2 + [7]])


def test_short_seasonal_series_still_learn_from_windows():
    # 30 months, fewer than three years: the automatic window (36 + 24) does not fit, so it
    # shrinks to a window of 2/3 of the series and several of them train the network.
    series = _monthly(30)
    est = _fit(series, max_epochs=20, n_iter_no_change=None)
    assert est.context_length_ is not None
    window = est.context_length_ + est.horizon_
    assert window <= (len(series) - 1) / 1.5
    X = torch.zeros(1, len(series) - 1, 1)
    it = WindowBatchIterator(SequenceDataset(X, None, X[..., 0]), window_length=window,
                             n_context=est.context_length_)
    assert len(it.starts) >= 5
    losses = est.history_[:, "train_loss"]
    assert min(losses[-3:]) < losses[0]
    assert len(est.forecast(series, 12)) == 12


def test_long_series_keep_the_automatic_window():
    est = _fit(_monthly(96))
    assert (est.context_length_, est.horizon_) == (36, 24)


def test_early_stopping_on_one_series_is_refused_clearly():
    with pytest.raises(ValueError, match="single series"):
        _fit(_monthly(), early_stopping=True, max_epochs=2)


def test_early_stopping_on_several_series_works():
    series = [_monthly(60, random_state=i) for i in range(6)]
    est = _fit(series, early_stopping=True, max_epochs=3)
    assert "valid_loss" in est.history_[-1]


def test_a_seasonal_baseline_model_round_trips_through_io(tmp_path):
    from seqestimators.io import dump, load

    series = _monthly()
    est = _fit(series, baseline="seasonal", max_epochs=2)
    dump(est, tmp_path / "seasonal.seq")
    loaded = load(tmp_path / "seasonal.seq")
    assert loaded.baseline_ == "seasonal" and loaded.module_.baseline == "seasonal"
    np.testing.assert_allclose(loaded.forecast(series, 14).to_numpy(),
                               est.forecast(series, 14).to_numpy(), rtol=1e-6)


def test_io_accepts_every_baseline_the_forecaster_resolves():
    from seqestimators.forecasting._panel import BASELINES
    from seqestimators.io._fitted import _tables

    check = _tables()["seqestimators.RNNForecaster"]["baseline_"][1]
    assert all(check(name) for name in BASELINES) and check(None) and not check("other")
