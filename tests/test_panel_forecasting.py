"""One global RNNForecaster over many differently scaled, short series (issue 18)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from seqestimators import RNNForecaster
from seqestimators.data import SequenceDataset
from seqestimators.forecasting import WindowBatchIterator

FAST = {"hidden_size": 8, "max_epochs": 15}


def _panel(n_series=12, random_state=0):
    """Half the series around 50, half around 1e6; 12..30 yearly values, gentle growth."""
    rng = np.random.default_rng(random_state)
    series = []
    for i in range(n_series):
        n = int(rng.integers(12, 31))
        level = 50.0 if i % 2 == 0 else 1e6
        growth = rng.normal(0.02, 0.02)
        noise = rng.normal(0, 0.03, n).cumsum() * 0.5
        values = level * np.exp(growth * np.arange(n) + noise)
        index = pd.period_range(str(2020 - n), periods=n, freq="Y")
        series.append(pd.Series(values, index=index, name=f"s{i}"))
    return series


def _fit(series, **params):
    est = RNNForecaster(random_state=params.pop("random_state", 0), **{**FAST, **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(series)


@pytest.mark.parametrize("seed", [0, 1])
def test_each_series_is_forecast_on_its_own_scale(seed):
    series = _panel(random_state=seed)
    est = _fit(series, random_state=seed)
    assert est.context_length_ is not None and est.window_norm_ is not None
    forecasts = est.forecast(series, 6)
    for s, f in zip(series, forecasts):
        last = s.iloc[-1]
        # Within a factor 2 of its own last value (measured over seeds 0-2: at most a factor
        # exp(0.36) = 1.43): a series around 50 is never forecast on the scale of one around
        # 1e6, or the reverse.
        assert np.all(f.to_numpy() > last / 2) and np.all(f.to_numpy() < last * 2), s.name


@pytest.mark.parametrize("seed", [0, 1])
def test_series_that_cross_zero_are_forecast_on_their_own_scale(seed):
    # No log (values <= 0): every window is normalized by its context's mean and deviation
    # (revin) and weighs the same in the loss, whatever its series' units.
    series = [s - s.mean() for s in _panel(random_state=seed)]
    est = _fit(series, random_state=seed)
    assert est.transform_ is None and est.window_norm_ == "revin"
    for s, f in zip(series, est.forecast(series, 6)):
        # Measured over seeds 0-2: at most 2.7 of the series' own standard deviations from
        # its last value (a series of the other scale would be ~1e4 of them away).
        assert np.abs(f.to_numpy() - s.iloc[-1]).max() < 5 * s.std(), s.name


def test_untrained_model_forecasts_the_baseline():
    series = _panel()
    naive = _fit(series, max_epochs=0, baseline="naive")
    for s, f in zip(series, naive.forecast(series, 5)):
        np.testing.assert_allclose(f.to_numpy(), s.iloc[-1], rtol=1e-5)
    drift = _fit(series, max_epochs=0, baseline="drift")
    for s, f in zip(series, drift.forecast(series, 5)):
        steps = np.diff(np.log(f.to_numpy()))
        # One common growth rate (the training windows' mean change of the log).
        np.testing.assert_allclose(steps, steps[0], rtol=1e-4, atol=1e-6)
        assert f.iloc[0] == pytest.approx(s.iloc[-1] * np.exp(steps[0]), rel=1e-5)


def test_random_initialization_is_not_the_baseline():
    series = _panel()
    est = _fit(series, max_epochs=0, baseline=None)
    f = est.forecast(series[0], 5).to_numpy()
    assert not np.allclose(f, series[0].iloc[-1], rtol=1e-5)


def test_long_format_frame_matches_the_list():
    series = _panel(6)
    rows = [pd.DataFrame({"unique_id": s.name, "ds": s.index.to_timestamp(), "y": s.to_numpy()})
            for s in series]
    frame = pd.concat(rows, ignore_index=True)
    from_list = _fit(series, max_epochs=3).forecast(series, 4)
    est = _fit(frame, max_epochs=3)
    long = est.forecast(frame, 4)
    assert list(long.columns) == ["unique_id", "ds", "y"]
    assert len(long) == 6 * 4
    for s, f in zip(series, from_list):
        got = long[long.unique_id == s.name]
        np.testing.assert_allclose(got["y"].to_numpy(), f.to_numpy(), rtol=1e-5)
        assert got["ds"].iloc[0] == (s.index[-1] + 1).to_timestamp()


def test_a_series_shorter_than_the_window_still_contributes():
    series = _panel(4)
    short = series[0].iloc[:11]  # 10 inputs: fewer than context 8 + horizon 6
    est = _fit([short, *series[1:]], max_epochs=1)
    assert est.context_length_ + est.horizon_ > len(short) - 1
    X = torch.zeros(2, 30, 1)
    lengths = torch.tensor([30, 10])
    it = WindowBatchIterator(SequenceDataset(X, lengths, X[..., 0]), window_length=14,
                             n_context=8, batch_size=64, min_length=9)
    assert 1 in it.series.tolist()  # the short sequence gives a (left-padded) window
    (Xi, _), = list(it)
    assert sorted(Xi.n_pad.tolist())[-2:] == [0, 4]  # one window, padded by 14 - 10
    assert int((Xi.n_pad > 0).sum()) == 1
    assert Xi.loss_mask().sum(axis=1).min() == 10  # the loss skips the padded steps
    # Forecasting the short series alone works, on its own scale.
    f = est.forecast(short, 6).to_numpy()
    assert np.all(f > short.iloc[-1] / 2) and np.all(f < short.iloc[-1] * 2)


def test_only_short_series_fit():
    series = [s.iloc[:12] for s in _panel(6)]
    est = _fit(series, max_epochs=2)
    assert len(est.forecast(series, 6)) == 6


def test_a_global_model_round_trips_through_io(tmp_path):
    from seqestimators.io import dump, load

    series = _panel(4)
    est = _fit(series, max_epochs=2)
    assert est.baseline_ is not None and est.series_info_["n_series"] == 4
    path = tmp_path / "panel.seq"
    dump(est, path)
    loaded = load(path)
    assert loaded.baseline_ == est.baseline_
    for a, b in zip(est.forecast(series, 3), loaded.forecast(series, 3)):
        np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-6)


def test_one_series_keeps_the_random_read_out():
    est = _fit(_panel(1)[0], max_epochs=0)
    assert est.baseline_ is None and est.series_info_["n_series"] == 1
