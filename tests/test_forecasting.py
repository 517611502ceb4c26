"""Forecasting real series: windows of long series, level and trend, pandas, backtests."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from seqestimators import RNNForecaster
from seqestimators.data import SequenceDataset
from seqestimators.datasets import load_airline, load_uschange, make_ball_trajectory
from seqestimators.forecasting import (
    WindowBatchIterator,
    backtest,
    detect_seasonal_period,
    make_forecast_scorer,
    seasonal_period_from_index,
)
from seqestimators.networks import FeedbackNetwork

FAST = {"hidden_size": 8, "max_epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def airline():
    return load_airline().series


def _series(n=60, freq="M"):
    t = np.arange(n)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12)
    return pd.Series(values, index=pd.period_range("2000-01", periods=n, freq=freq),
                     name="sales")


# --------------------------------------------------------------------------- windows
def test_window_iterator_draws_fresh_windows_inside_real_timesteps():
    # Two ragged series: values encode (series, timestep), so every window can be traced.
    X = torch.zeros(2, 30, 1)
    X[0, :, 0] = torch.arange(30.0)
    X[1, :20, 0] = 100 + torch.arange(20.0)
    lengths = torch.tensor([30, 20])
    it = WindowBatchIterator(SequenceDataset(X, lengths, X[..., 0]), window_length=10,
                             n_context=6, batch_size=8)
    assert len(it.starts) == 21 + 11 and len(it) == 4
    torch.manual_seed(0)
    first = torch.cat([Xi.X[:, 0, 0] for Xi, _ in it])
    second = torch.cat([Xi.X[:, 0, 0] for Xi, _ in it])
    # Every distinct window once per pass, in a fresh order each pass.
    assert sorted(first.tolist()) == sorted(second.tolist())
    assert first.tolist() != second.tolist()
    assert len(set(first.tolist())) == 32
    for Xi, yi in it:
        windows = Xi.X[..., 0]
        # Consecutive timesteps of one series, never past a series' end (padding is 0).
        torch.testing.assert_close(windows[:, 1:] - windows[:, :-1], torch.ones(len(yi), 9))
        assert Xi.n_context == 6
        torch.testing.assert_close(yi, windows)
    drawn = WindowBatchIterator(SequenceDataset(X, lengths, X[..., 0]), window_length=10,
                                n_context=6, windows_per_epoch=50, batch_size=16)
    assert sum(len(yi) for _, yi in drawn) == 50


def test_a_single_long_series_is_learned_from_many_windows(airline):
    est = RNNForecaster(**FAST).fit(airline.iloc[:-12])
    assert est.seasonal_period_ == 12  # from the monthly PeriodIndex
    assert (est.context_length_, est.horizon_) == (36, 24)
    assert est.training_ == "free_running" and est.transform_ == "log"
    assert est.window_norm_ == "mean" and est.seasonal_inputs_
    # 131 input/target pairs give 131 - 60 + 1 = 72 windows: 3 batches of 32 per epoch,
    # where the whole series would be one.
    assert len(est.history_[-1, "batches"]) == 3
    # Sequences in numbers (the seed stories) are still learned whole, with teacher forcing.
    X, y = make_ball_trajectory(40, 12, random_state=0, return_X_y=True)
    stories = RNNForecaster(**FAST).fit(X, y)
    assert stories.context_length_ is None and stories.training_ == "teacher_forcing"
    assert len(stories.history_[-1, "batches"]) == 2


def test_windows_beat_seasonal_naive_on_airline(airline):
    # A learning test: the defaults, 12 months ahead in closed loop.
    train, test = airline.iloc[:-12], airline.iloc[-12:]
    est = RNNForecaster(random_state=0).fit(train)
    forecast = est.forecast(train, 12)
    rmse = np.sqrt(np.mean((forecast.to_numpy() - test.to_numpy()) ** 2))
    naive = np.sqrt(np.mean((train.iloc[-12:].to_numpy() - test.to_numpy()) ** 2))
    assert rmse < 0.5 * naive


def test_windowed_predictions_read_only_the_last_context(airline):
    est = RNNForecaster(**FAST).fit(airline)
    X = airline.to_numpy()[None, :-1, None]
    full = est.predict(X)
    tail = est.predict(X[:, -(36 + 5):])
    # Each one-step prediction reads the window of its last 36 timesteps, as in training.
    np.testing.assert_allclose(full[:, -5:], tail[:, -5:], rtol=1e-6)
    forecast = est.forecast(X, 3)
    np.testing.assert_allclose(forecast, est.forecast(X[:, -36:], 3), rtol=1e-6)


def test_revin_forecasts_follow_the_level_and_scale_of_the_context():
    # Reversible instance normalization: a series shifted and scaled gives the same forecast,
    # shifted and scaled (the network sees every window on one level and scale).
    torch.manual_seed(0)
    net = FeedbackNetwork(1, 1, feedback=[0], hidden_size=8, residual=True,
                          input_changes=True, instance_norm="revin", seasonal_lag=4)
    X = torch.randn(3, 20, 1).cumsum(dim=1)
    _, out, _ = net.forecast(X, 6)
    _, moved, _ = net.forecast(5 * X + 100, 6)
    torch.testing.assert_close(moved, 5 * out + 100, rtol=1e-4, atol=1e-3)
    plain = FeedbackNetwork(1, 1, feedback=[0], hidden_size=8)
    _, a, _ = plain.forecast(X, 6)
    _, b, _ = plain.forecast(5 * X + 100, 6)
    assert not torch.allclose(b, 5 * a + 100, atol=1e-2)


@pytest.mark.parametrize("seasonal_lag", [0, 4])
def test_seasonal_inputs_continue_across_windows(seasonal_lag):
    torch.manual_seed(0)
    net = FeedbackNetwork(3, 1, feedback=[2], hidden_size=8, num_layers=2,
                          seasonal_lag=seasonal_lag, instance_norm="revin", residual=True,
                          input_changes=True)
    X = torch.randn(4, 12, 3)
    observed, _ = net(X)
    stepped, _ = net(X, feedback_prob=1.0, n_observed=12)
    torch.testing.assert_close(stepped, observed)
    stats = net.instance_stats(X)
    whole, final = net(X, feedback_prob=1.0, stats=stats)
    # The statistics are per timestep (causal): each chunk gets those of its own timesteps.
    first, state = net(X[:, :5], feedback_prob=1.0, stats=tuple(s[:, :5] for s in stats))
    second, final2 = net(X[:, 5:], state=state, feedback_prob=1.0, n_observed=0,
                         stats=tuple(s[:, 5:] for s in stats))
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)
    assert len(final) == (5 if seasonal_lag else 4)
    for a, b in zip(final, final2):
        torch.testing.assert_close(a, b)


# --------------------------------------------------------------------------- seasonality
def test_seasonal_period_from_index_and_data():
    assert seasonal_period_from_index(pd.period_range("2000Q1", periods=8, freq="Q")) == 4
    assert seasonal_period_from_index(pd.date_range("2000-01-01", periods=9, freq="D")) == 7
    assert seasonal_period_from_index(pd.RangeIndex(5)) is None
    t = np.arange(96)
    assert detect_seasonal_period(0.5 * t + 5 * np.sin(2 * np.pi * t / 6)) == 6
    assert detect_seasonal_period(np.random.default_rng(1).normal(size=80).cumsum()) == 1


# Every offset alias of pandas' time series guide, with its periods per season: the number of
# periods in the next larger calendar unit (a week of days, a year of months, a minute of seconds).
OFFSET_PERIODS = {
    "B": 5, "C": 5, "D": 7, "W": 52, "W-MON": 52,
    "ME": 12, "SME": 24, "BME": 12, "CBME": 12, "MS": 12, "SMS": 24, "BMS": 12, "CBMS": 12,
    "QE": 4, "QE-MAR": 4, "BQE": 4, "QS": 4, "BQS": 4,
    "YE": 1, "BYE": 1, "YS": 1, "YS-JUL": 1, "BYS": 1,
    "h": 24, "bh": 8, "cbh": 8, "min": 60, "s": 60, "ms": 1000, "us": 1000, "ns": 1000,
}
# The period aliases (PeriodIndex).
PERIOD_PERIODS = {"B": 5, "D": 7, "W": 52, "W-MON": 52, "M": 12, "Q": 4, "Q-MAR": 4, "Y": 1,
                  "h": 24, "min": 60, "s": 60, "ms": 1000, "us": 1000, "ns": 1000}


def _known_alias(alias):
    try:
        pd.tseries.frequencies.to_offset(alias)
    except ValueError:  # an older pandas spells it differently
        return False
    return True


@pytest.mark.parametrize("alias", list(OFFSET_PERIODS))
def test_seasonal_period_of_every_offset_alias(alias):
    if not _known_alias(alias):
        pytest.skip(f"this pandas has no offset alias {alias!r}")
    index = pd.date_range("2001-01-01", periods=40, freq=alias)
    assert seasonal_period_from_index(index) == OFFSET_PERIODS[alias]
    # The same timestamps without a frequency: the inferred one gives the same period
    # (pandas infers custom business offsets as plain ones, with the same period).
    bare = pd.DatetimeIndex(list(index))
    if pd.infer_freq(bare) is not None:
        assert seasonal_period_from_index(bare) == OFFSET_PERIODS[alias]


@pytest.mark.filterwarnings("ignore::FutureWarning")  # Period with BDay freq is deprecated
@pytest.mark.parametrize("alias", list(PERIOD_PERIODS))
def test_seasonal_period_of_every_period_alias(alias):
    index = pd.period_range("2001-01-01", periods=40, freq=alias)
    assert seasonal_period_from_index(index) == PERIOD_PERIODS[alias]


@pytest.mark.parametrize(("alias", "period"), [
    ("2h", 12), ("15min", 4), ("3ME", 4), ("2W", 26), ("6MS", 2), ("2YE", 1), ("5h", None),
    ("7min", None)])
def test_seasonal_period_of_multiples(alias, period):
    if not _known_alias(alias):
        pytest.skip(f"this pandas has no offset alias {alias!r}")
    # Two-hourly data have 12 periods a day; when the multiple does not divide the season,
    # no calendar period is assumed (the forecaster then detects one from the data).
    assert seasonal_period_from_index(pd.date_range("2001-01-01", periods=10, freq=alias)) \
        == period


def test_seasonal_period_of_business_hours_follows_their_opening_hours():
    hours = pd.offsets.BusinessHour(start="09:00", end="12:00")
    assert seasonal_period_from_index(pd.date_range("2001-01-01", periods=10, freq=hours)) == 3


# --------------------------------------------------------------------------- pandas
@pytest.mark.parametrize("index", ["period", "datetime"])
def test_pandas_series_round_trip(index):
    y = _series()
    if index == "datetime":
        y.index = y.index.to_timestamp(how="start")
        y.index.freq = "MS"
    est = RNNForecaster(**FAST).fit(y)
    forecast = est.forecast(y, 5)
    assert isinstance(forecast, pd.Series) and forecast.name == "sales"
    expected = pd.period_range("2005-01", periods=5, freq="M")
    if index == "datetime":
        expected = expected.to_timestamp(how="start")
    assert list(forecast.index) == list(expected)
    assert np.all(np.isfinite(forecast.to_numpy()))
    # The same model on the numbers: forecast's first value is the one-step prediction.
    np.testing.assert_allclose(forecast.iloc[0], est.predict(y.to_numpy()[None, :, None])[0, -1],
                               rtol=1e-5)


def test_dataframe_with_target_and_exogenous_columns():
    data = load_uschange().series
    train, future = data.iloc[:-4], data.iloc[-4:]
    est = RNNForecaster(target="consumption", **FAST).fit(train)
    np.testing.assert_array_equal(est.feedback_features_, [0])
    np.testing.assert_array_equal(est.exogenous_features_, [1, 2, 3, 4])
    exo = future.drop(columns="consumption")
    forecast = est.forecast(train, 4, exogenous=exo)
    assert isinstance(forecast, pd.DataFrame) and list(forecast.columns) == ["consumption"]
    assert list(forecast.index) == list(future.index)
    # Exogenous inputs matter: other future values, another forecast (after the first step).
    other = est.forecast(train, 4, exogenous=exo * 3)
    assert not np.allclose(other.iloc[1:], forecast.iloc[1:])
    np.testing.assert_allclose(other.iloc[0], forecast.iloc[0])
    with pytest.raises(ValueError, match="exogenous columns"):
        est.forecast(train, 4)
    with pytest.raises(ValueError, match="lacks"):
        RNNForecaster(target="spending", **FAST).fit(train)


def test_several_ragged_series():
    a, b = _series(60), _series(48) * 2
    est = RNNForecaster(**FAST).fit([a, b])
    forecasts = est.forecast([a, b], 3)
    assert [len(f) for f in forecasts] == [3, 3]
    assert forecasts[1].index[0] == b.index[-1] + 1


def test_log_transform_needs_positive_values():
    y = _series(120) - 150
    with pytest.raises(ValueError, match="transform='log'"):
        RNNForecaster(transform="log", **FAST).fit(y)
    est = RNNForecaster(**FAST).fit(y)  # "auto": no log for a series with values <= 0
    assert est.transform_ is None and est.window_norm_ == "revin"


def test_log_transform_of_ragged_series_reads_only_their_real_periods(airline):
    # Ragged series are padded to a common length; the padding is not a value <= 0.
    y = airline.to_numpy()
    est = RNNForecaster(**FAST).fit([y[:120], y[:110]])
    assert est.transform_ == "log"
    est = RNNForecaster(transform="log", **FAST).fit([y[:120], y[:110]])
    assert np.isfinite(est.history_[-1, "train_loss"])
    assert all(np.isfinite(f).all() for f in est.forecast([y[:120], y[:110]], 4))
    with pytest.raises(ValueError, match="transform='log'"):
        RNNForecaster(transform="log", **FAST).fit([y[:120], np.r_[y[:109], 0.0]])


def test_window_parameters_are_validated():
    y = _series(30)
    with pytest.raises(ValueError, match="training windows of 50 timesteps"):
        RNNForecaster(context_length=30, horizon=20, **FAST).fit(y)
    with pytest.raises(ValueError, match="needs windows"):
        RNNForecaster(context_length=None, window_norm="revin", **FAST).fit(y)
    with pytest.raises(ValueError, match="state_policy='carry'"):
        RNNForecaster(context_length=10, state_policy="carry", **FAST).fit(y)
    with pytest.raises(ValueError, match="without y takes the series"):
        RNNForecaster(**FAST).fit(np.zeros((3, 4)))


# --------------------------------------------------------------------------- backtests
def test_backtest_is_a_tidy_frame_with_time_series_split_origins(airline):
    est = RNNForecaster(**FAST)
    frame = backtest(est, airline, horizon=6, cv=3)
    assert list(frame.columns) == ["origin", "step", "period", "target", "forecast",
                                   "actual", "error"]
    splits = list(TimeSeriesSplit(n_splits=3, test_size=6).split(np.arange(len(airline))))
    assert list(frame["origin"].unique()) == [airline.index[tr.max()] for tr, _ in splits]
    assert frame["step"].tolist() == list(range(1, 7)) * 3
    np.testing.assert_allclose(frame["actual"], airline.iloc[-18:].to_numpy())
    np.testing.assert_allclose(frame["error"], frame["forecast"] - frame["actual"])
    # Without refitting, the first split's model forecasts from every origin.
    fixed = backtest(est, airline, horizon=6, cv=3, refit=False)
    np.testing.assert_allclose(fixed["forecast"].iloc[:6], frame["forecast"].iloc[:6])
    assert not np.allclose(fixed["forecast"].iloc[6:], frame["forecast"].iloc[6:])
    # A plain array of values works the same, positions as periods.
    numbers = backtest(est, airline.to_numpy(), horizon=6, cv=1)
    assert numbers["origin"].tolist() == [len(airline) - 7] * 6


def test_forecast_scorer_scores_closed_loop_errors_in_a_search(airline):
    y = airline.iloc[:-24]
    search = GridSearchCV(RNNForecaster(**FAST), {"hidden_size": [4, 8]},
                          scoring=make_forecast_scorer(),
                          cv=TimeSeriesSplit(n_splits=2, test_size=12)).fit(y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and np.all(scores < 0)
    # The score is the negated RMSE of the fold's closed-loop forecast.
    train, test = y.iloc[:-12], y.iloc[-12:]
    est = RNNForecaster(**{**FAST, "hidden_size": 8}).fit(train)
    rmse = np.sqrt(np.mean((est.forecast(train, 12).to_numpy() - test.to_numpy()) ** 2))
    assert make_forecast_scorer()(est, test) == pytest.approx(-rmse)
    assert search.cv_results_["split1_test_score"][1] == pytest.approx(-rmse)
    # Without scoring, a search uses score(): R² of the same closed-loop forecast.
    assert -1e9 < est.score(test) < 1


@pytest.fixture(scope="module")
def fitted_airline(airline):
    return RNNForecaster(**FAST).fit(airline.iloc[:100])


def test_forecast_scorer_aligns_the_scored_periods_by_their_index(airline, fitted_airline):
    # TimeSeriesSplit(gap=2): the scored periods start 2 periods after the training series.
    # The forecast runs through the gap and is compared with the periods scored, not shifted.
    est, test = fitted_airline, airline.iloc[102:112]
    path = est.forecast(airline.iloc[:100], 12)
    assert path.index[2] == test.index[0]
    rmse = np.sqrt(np.mean((path.iloc[2:].to_numpy() - test.to_numpy()) ** 2))
    assert make_forecast_scorer()(est, test) == pytest.approx(-rmse)
    # Periods in any order (a shuffled split) are matched one by one.
    shuffled = test.iloc[[3, 0, 9, 5]]
    err = path.loc[shuffled.index].to_numpy() - shuffled.to_numpy()
    assert make_forecast_scorer("mae")(est, shuffled) == pytest.approx(-np.mean(np.abs(err)))
    cv = TimeSeriesSplit(n_splits=2, test_size=12, gap=3)
    search = GridSearchCV(RNNForecaster(**FAST), {"hidden_size": [8]}, cv=cv,
                          scoring=make_forecast_scorer()).fit(airline.iloc[:80])
    train, fold = next(iter(cv.split(airline.iloc[:80])))
    fold_est = RNNForecaster(**FAST).fit(airline.iloc[train])
    assert search.cv_results_["split0_test_score"][0] == pytest.approx(
        make_forecast_scorer()(fold_est, airline.iloc[fold]))


def test_forecast_scorer_refuses_periods_it_cannot_forecast(airline, fitted_airline):
    est = fitted_airline
    with pytest.raises(ValueError, match="after the end of the training series"):
        est.score(airline.iloc[95:105])  # overlaps the training periods
    with pytest.raises(ValueError, match="time index"):
        est.score(airline.iloc[100:110].reset_index(drop=True))
    with pytest.raises(ValueError, match="frequency"):
        est.score(airline.iloc[100:110].asfreq("Q", how="end"))
    frame = pd.DataFrame({"y": airline.to_numpy(), "x": np.arange(len(airline), dtype=float)},
                         index=airline.index)
    exo = RNNForecaster(target="y", **FAST).fit(frame.iloc[:100])
    assert np.isfinite(exo.score(frame.iloc[100:110]))
    with pytest.raises(ValueError, match="exogenous"):
        exo.score(frame.iloc[102:110])  # the exogenous values of the gap are unknown


def test_series_score_survives_dump_and_load(airline, fitted_airline, tmp_path):
    from seqestimators import io

    io.dump(fitted_airline, tmp_path / "model.safetensors")
    loaded = io.load(tmp_path / "model.safetensors")
    assert loaded.series_info_["targets"] == fitted_airline.series_info_["targets"]
    test = airline.iloc[100:112]
    assert loaded.score(test) == pytest.approx(fitted_airline.score(test))
    assert make_forecast_scorer()(loaded, test) == pytest.approx(
        make_forecast_scorer()(fitted_airline, test))


def test_windowed_model_survives_dump_and_load(airline, tmp_path):
    from seqestimators import io

    est = RNNForecaster(**FAST).fit(airline)
    io.dump(est, tmp_path / "model.safetensors")
    loaded = io.load(tmp_path / "model.safetensors")
    assert loaded.context_length_ == 36 and loaded.transform_ == "log"
    np.testing.assert_allclose(loaded.forecast(airline, 6), est.forecast(airline, 6))


def test_forecast_scorer_in_an_optuna_search(airline):
    from optuna.distributions import CategoricalDistribution

    from seqestimators.search import optuna_search

    search = optuna_search(
        RNNForecaster(**FAST), airline.iloc[:-24], None,
        param_distributions={"hidden_size": CategoricalDistribution([4, 8])}, n_trials=2,
        cv=TimeSeriesSplit(n_splits=2, test_size=12), scoring=make_forecast_scorer("mae"),
        pruning=False, random_state=0)
    assert search.best_params_["hidden_size"] in (4, 8)
    assert np.isfinite(search.best_score_) and search.best_score_ < 0


def test_public_paths_of_the_forecasting_package():
    import seqestimators
    import seqestimators.estimators as estimators
    import seqestimators.forecasting as forecasting

    assert seqestimators.RNNForecaster is forecasting.RNNForecaster is RNNForecaster
    # Compatibility aliases: the forecaster sits a layer above the estimators.
    assert estimators.RNNForecaster is forecasting.RNNForecaster
    assert estimators.feedback_probability is forecasting.feedback_probability
    assert {"RNNForecaster", "feedback_probability"} <= set(estimators.__all__)
    for name in forecasting.__all__:
        assert getattr(forecasting, name).__module__.startswith("seqestimators.forecasting.")
    with pytest.raises(AttributeError):
        estimators.NotAnEstimator  # noqa: B018
