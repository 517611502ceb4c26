"""Forecasting real series: training windows, seasonality, pandas time indexes and backtests.

A real series is one long sequence; trained on as a whole, every epoch is one optimizer step on
one example. :class:`WindowBatchIterator` instead draws many windows from one or several long
series, at fresh offsets every epoch (darts' ``input_chunk_length``, neuralforecast's
``input_size``): each window is a *context* the model reads, then a *horizon* it forecasts in
closed loop. :class:`~seqestimators.RNNForecaster` uses it by itself for a few long series
(``context_length="auto"``).

:func:`backtest` scores a forecaster the way it will be used: fitted on the series up to an
origin, forecasting the next ``horizon`` periods in closed loop, at several origins
(:class:`~sklearn.model_selection.TimeSeriesSplit`), and returns one tidy row per origin and
step. :func:`make_forecast_scorer` gives the searches the same closed-loop error.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils import check_scalar

from ._batching import resolve_dataset

__all__ = [
    "WindowBatchIterator",
    "backtest",
    "detect_seasonal_period",
    "make_forecast_scorer",
    "seasonal_period_from_index",
]

# Periods per season of the usual pandas frequencies (the base code of a period's freqstr).
_SEASONS = {"Y": 1, "A": 1, "Q": 4, "M": 12, "W": 52, "D": 7, "B": 5, "h": 24, "H": 24,
            "min": 60, "T": 60}


# ---------------------------------------------------------------------------- windows
class WindowBatchIterator:
    """Mini-batches of windows drawn from long sequences, at fresh offsets every pass.

    Every pass (epoch) draws ``windows_per_epoch`` windows of ``window_length`` consecutive
    timesteps among all the windows that fit inside a sequence (ragged sequences: inside its
    real timesteps; a sequence shorter than a window gives none), with torch's global
    generator (the estimators seed it from ``random_state``), and yields them in batches of
    ``batch_size``. Each batch tells the network how many leading timesteps are its context
    (``"n_context"``): the observed part of the window, from which its level and scale are
    measured (one entry per window); the timesteps after it are the horizon, forecast in closed loop when the
    estimator trains that way.

    Parameters
    ----------
    dataset : SequenceDataset or torch.utils.data.Subset of one
        Long sequences ``X (n_series, n_timesteps, n_features)`` and per-timestep targets.
    window_length : int
        Timesteps per window (context and horizon).
    n_context : int
        Leading timesteps of each window that are its observed context.
    windows_per_epoch : int or None, default=None
        Windows per pass; None: as many as there are distinct windows, every one of them once
        in a fresh random order. A number above that draws offsets with replacement.
    batch_size : int, default=32
        Windows per batch; ``-1``: all the windows of a pass in one batch.
    shuffle : bool, default=True
        Ignored (windows are always drawn at random); accepted because the estimators pass it.

    Examples
    --------
    >>> import torch
    >>> from seqestimators._batching import SequenceDataset
    >>> from seqestimators.forecasting import WindowBatchIterator
    >>> X = torch.arange(20.0).reshape(1, 20, 1)
    >>> it = WindowBatchIterator(SequenceDataset(X, None, X[..., 0] + 1), window_length=8,
    ...                          n_context=5, batch_size=4)
    >>> len(it.starts), len(it)
    (13, 4)
    >>> Xi, yi = next(iter(it))
    >>> Xi["X"].shape, yi.shape, Xi["n_context"].tolist()
    (torch.Size([4, 8, 1]), torch.Size([4, 8]), [5, 5, 5, 5])
    """

    def __init__(self, dataset, window_length, n_context, windows_per_epoch=None,
                 batch_size=32, shuffle=True):
        self.dataset = resolve_dataset(dataset)
        self.window_length = int(window_length)
        self.n_context = int(n_context)
        self.windows_per_epoch = windows_per_epoch
        lengths = self.dataset.lengths
        n_series, n_timesteps = self.dataset.X.shape[:2]
        lengths = torch.full((n_series,), n_timesteps) if lengths is None else lengths.cpu()
        series, starts = [], []
        for i, length in enumerate(lengths.tolist()):
            n = int(length) - self.window_length + 1
            if n > 0:
                series.append(torch.full((n,), i, dtype=torch.long))
                starts.append(torch.arange(n))
        if not starts:
            raise ValueError(
                f"No sequence holds a window of {self.window_length} timesteps (the longest has "
                f"{int(lengths.max())}): pass a shorter context_length or horizon."
            )
        self.series = torch.cat(series)
        self.starts = torch.cat(starts)
        size = len(self.starts) if windows_per_epoch is None else int(windows_per_epoch)
        self.n_windows = size
        self.batch_size = size if int(batch_size) == -1 else int(batch_size)

    def __len__(self):
        return -(-self.n_windows // self.batch_size)

    def _draw(self):
        n_valid = len(self.starts)
        if self.n_windows <= n_valid:
            return torch.randperm(n_valid)[:self.n_windows]
        return torch.randint(n_valid, (self.n_windows,))

    def __iter__(self):
        data = self.dataset
        device = data.X.device
        offsets = torch.arange(self.window_length, device=device)
        chosen = self._draw().to(device)
        series, starts = self.series.to(device), self.starts.to(device)
        for begin in range(0, self.n_windows, self.batch_size):
            pick = chosen[begin:begin + self.batch_size]
            rows = series[pick][:, None]
            steps = starts[pick][:, None] + offsets[None, :]
            # One entry per window (skorch measures a batch by the length of each value).
            n_context = torch.full((len(pick),), self.n_context, dtype=torch.long,
                                   device=device)
            Xi = {"X": data.X[rows, steps], "n_context": n_context}
            yield Xi, data.y[rows, steps]


def window_views(values, lengths, n_context):
    """Every timestep's trailing window of at most ``n_context`` steps, left-aligned.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_features)
    lengths : ndarray of shape (n_samples,)
    n_context : int

    Returns
    -------
    windows : ndarray of shape (sum(lengths), min(n_context, n_timesteps), n_features)
        Window ``j`` ends with its timestep and is padded with zeros after its length.
    window_lengths : ndarray of shape (sum(lengths),)
    """
    n_samples, n_timesteps, n_features = values.shape
    width = min(int(n_context), n_timesteps)
    padded = np.concatenate([values, np.zeros((n_samples, width, n_features), values.dtype)],
                            axis=1)
    rows, ends = [], []
    for i, length in enumerate(lengths):
        rows.append(np.full(int(length), i))
        ends.append(np.arange(int(length)))
    rows, ends = np.concatenate(rows), np.concatenate(ends)
    starts = np.maximum(ends - width + 1, 0)
    window_lengths = ends - starts + 1
    index = starts[:, None] + np.arange(width)[None, :]
    windows = padded[rows[:, None], index]
    windows[np.arange(width)[None, :] >= window_lengths[:, None]] = 0
    return windows, window_lengths


# ---------------------------------------------------------------------------- seasonality
def seasonal_period_from_index(index):
    """Periods per season from a pandas time index's frequency (None when unknown).

    12 for months, 4 for quarters, 7 for days, 5 for business days, 24 for hours, 52 for
    weeks, 1 for years.

    Parameters
    ----------
    index : pandas.PeriodIndex or pandas.DatetimeIndex

    Returns
    -------
    period : int or None

    Examples
    --------
    >>> import pandas as pd
    >>> from seqestimators.forecasting import seasonal_period_from_index
    >>> seasonal_period_from_index(pd.period_range("2000-01", periods=30, freq="M"))
    12
    >>> seasonal_period_from_index(pd.date_range("2000-01-01", periods=30, freq="QS"))
    4
    """
    freq = _index_freq(index)
    if freq is None:
        return None
    code = freq.lstrip("0123456789").split("-")[0]
    for key in sorted(_SEASONS, key=len, reverse=True):
        if code.startswith(key) or code.upper().startswith(key.upper()):
            return _SEASONS[key]
    return None


def _index_freq(index):
    if isinstance(index, pd.PeriodIndex):
        return index.freqstr
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freqstr or (pd.infer_freq(index) if len(index) >= 3 else None)
        return freq
    return None


def detect_seasonal_period(y, max_period=None):
    """The seasonal period of a series, from the autocorrelation of its first differences.

    The lag ``m >= 2`` with the largest autocorrelation of the differenced series is the period
    when that autocorrelation is above ``max(0.3, 3 / sqrt(n))`` and the series holds at least
    three seasons; otherwise 1 (no seasonality).

    Parameters
    ----------
    y : array-like of shape (n_timesteps,)
        One series (NaN-free).
    max_period : int, default=None
        Largest lag considered; default ``n_timesteps // 3``.

    Returns
    -------
    period : int

    Examples
    --------
    >>> import numpy as np
    >>> from seqestimators.forecasting import detect_seasonal_period
    >>> t = np.arange(120)
    >>> detect_seasonal_period(t + 10 * np.sin(2 * np.pi * t / 12))
    12
    >>> detect_seasonal_period(np.random.default_rng(0).normal(size=100))
    1
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    d = np.diff(y)
    n = len(d)
    max_period = n // 3 if max_period is None else min(int(max_period), n // 3)
    if max_period < 2:
        return 1
    d = d - d.mean()
    denom = float(d @ d)
    if denom <= 0:
        return 1
    acf = np.array([float(d[:-k] @ d[k:]) / denom for k in range(1, max_period + 1)])
    lag = int(np.argmax(acf[1:])) + 2
    return lag if acf[lag - 1] > max(0.3, 3 / np.sqrt(n)) else 1


# ---------------------------------------------------------------------------- pandas
def is_time_series(X):
    """Whether ``X`` is a pandas Series/DataFrame on a time index (or a list of them)."""
    if isinstance(X, list | tuple) and X:
        return all(is_time_series(x) for x in X)
    return isinstance(X, pd.Series | pd.DataFrame) and \
        isinstance(X.index, pd.PeriodIndex | pd.DatetimeIndex)


def future_index(index, n_steps):
    """The ``n_steps`` periods after the end of ``index`` (PeriodIndex or DatetimeIndex)."""
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=n_steps, freq=index.freq,
                               name=index.name)
    freq = _index_freq(index)
    if freq is None:
        raise ValueError(
            "The DatetimeIndex has no frequency and none can be inferred, so the future "
            "timestamps are unknown: give the series a regular index (e.g. .asfreq('MS')).")
    start = index[-1] + pd.tseries.frequencies.to_offset(freq)
    return pd.date_range(start, periods=n_steps, freq=freq, name=index.name)


# ---------------------------------------------------------------------------- backtests
def backtest(estimator, y, *, horizon, cv=5, refit=True, exogenous=None):
    """Expanding-window backtest of a forecaster: closed-loop forecasts at several origins.

    The splits are those of :class:`~sklearn.model_selection.TimeSeriesSplit` over the
    periods of ``y`` (``cv=k`` is ``TimeSeriesSplit(n_splits=k, test_size=horizon)``): each
    split's training periods run from the start of the series to an *origin*, and its test
    periods are the ``horizon`` periods after it. At every origin the forecaster (refitted on
    the series up to the origin with ``refit=True``; fitted once, on the first split's
    training periods, with ``refit=False``) forecasts the test periods in closed loop from the
    series up to the origin.

    Parameters
    ----------
    estimator : RNNForecaster
        The forecaster (not modified: it is cloned).
    y : pandas.Series, pandas.DataFrame or array-like of shape (n_timesteps,)
        One series: a Series or DataFrame on a ``PeriodIndex`` / ``DatetimeIndex`` (the
        estimator's ``target`` names the forecast columns of a DataFrame; the others are
        exogenous and their values at the test periods are read as known), or a 1D array of
        values (a univariate series, positions as periods).
    horizon : int
        Periods forecast at every origin.
    cv : int, TimeSeriesSplit or iterable of (train, test) index arrays, default=5
        Number of origins (1: the last ``horizon`` periods only), or the splits themselves;
        the test indices of a split must directly follow its training indices.
    refit : bool, default=True
        Refit at every origin, or fit once on the first split's training part.
    exogenous : None
        Reserved; exogenous columns come with ``y`` (a DataFrame).

    Returns
    -------
    results : pandas.DataFrame
        One row per origin, step and target: ``origin`` (the last training period), ``step``
        (1 to the test length), ``period`` (the forecast period), ``target`` (column name,
        ``"y"`` for arrays), ``forecast``, ``actual`` and ``error`` (forecast minus actual).

    Examples
    --------
    >>> from seqestimators import RNNForecaster
    >>> from seqestimators.datasets import load_airline
    >>> from seqestimators.forecasting import backtest
    >>> y = load_airline().series
    >>> est = RNNForecaster(hidden_size=8, max_epochs=3, random_state=0)
    >>> frame = backtest(est, y, horizon=12, cv=2)
    >>> frame.columns.tolist()
    ['origin', 'step', 'period', 'target', 'forecast', 'actual', 'error']
    >>> len(frame), frame["origin"].nunique()
    (24, 2)
    """
    horizon = check_scalar(horizon, "horizon", Integral, min_val=1)
    if exogenous is not None:
        raise ValueError("exogenous is reserved: pass exogenous columns inside y (a DataFrame "
                         "on a time index, with the estimator's target naming the forecast "
                         "columns).")
    series = y if isinstance(y, pd.Series | pd.DataFrame) else np.asarray(y, dtype=np.float64)
    if not isinstance(series, pd.Series | pd.DataFrame) and series.ndim != 1:
        raise ValueError(f"y must be one series: a pandas Series or DataFrame on a time index, "
                         f"or a 1D array; got an array of shape {series.shape}.")
    n = len(series)
    if isinstance(cv, Integral):
        if cv < 1 or n - cv * horizon < 3:
            raise ValueError(f"cv={cv} origins with horizon={horizon} need more than "
                             f"{cv * horizon + 2} periods; y has {n}.")
        # TimeSeriesSplit needs two splits; one origin is the last `horizon` periods.
        splits = [(np.arange(n - horizon), np.arange(n - horizon, n))] if cv == 1 else \
            list(TimeSeriesSplit(n_splits=cv, test_size=horizon).split(np.arange(n)))
    else:
        splits = list(cv.split(np.arange(n))) if hasattr(cv, "split") else list(cv)
    rows = []
    fitted = None
    for train, test in splits:
        train, test = np.asarray(train), np.asarray(test)
        if train.max() + 1 != test.min():
            raise ValueError("Every split's test periods must directly follow its training "
                             "periods (TimeSeriesSplit with gap=0).")
        past = _take(series, np.arange(train.max() + 1))
        if refit or fitted is None:
            fitted = clone(estimator).fit(_take(series, train))
        future = _take(series, test)
        forecast, actual, names, periods = _forecast_against(fitted, past, future)
        origin = _label(series, train.max())
        for j in range(len(test)):
            for k, name in enumerate(names):
                rows.append((origin, j + 1, periods[j], name, forecast[j, k], actual[j, k]))
    frame = pd.DataFrame(rows, columns=["origin", "step", "period", "target", "forecast",
                                        "actual"])
    frame["error"] = frame["forecast"] - frame["actual"]
    return frame


def _take(series, index):
    if isinstance(series, pd.Series | pd.DataFrame):
        return series.iloc[index]
    return series[index]


def _label(series, position):
    if isinstance(series, pd.Series | pd.DataFrame):
        return series.index[position]
    return int(position)


def _forecast_against(estimator, past, future):
    """Closed-loop forecast of the periods of ``future`` from ``past``, and the actuals.

    Returns ``(forecast, actual, target_names, periods)`` with the two arrays of shape
    ``(n_steps, n_targets)``.
    """
    n_steps = len(future)
    if isinstance(past, pd.Series | pd.DataFrame):
        names = estimator._target_columns(past)
        frame = future if isinstance(future, pd.DataFrame) else future.to_frame()
        exo = estimator._exogenous_columns(past)
        forecast = estimator.forecast(past, n_steps,
                                      exogenous=frame[exo] if exo else None)
        forecast = forecast.to_frame() if isinstance(forecast, pd.Series) else forecast
        actual = frame[names].to_numpy(dtype=np.float64)
        return forecast[names].to_numpy(dtype=np.float64), actual, list(names), \
            list(future.index)
    past = np.asarray(past, dtype=np.float64)
    forecast = estimator.forecast(past, n_steps)
    return forecast[:, None], np.asarray(future, dtype=np.float64)[:, None], ["y"], \
        list(range(len(past), len(past) + n_steps))


def make_forecast_scorer(metric="rmse"):
    """A scorer of closed-loop forecasts for ``GridSearchCV`` and the Optuna searches.

    ``scorer(estimator, X_test, y=None)`` forecasts, in closed loop, the periods of ``X_test``
    (a Series/DataFrame on a time index, the periods right after those the estimator was
    fitted on, as :class:`~sklearn.model_selection.TimeSeriesSplit` gives them) from the end of
    the training series, and returns the negated error against their actual values (greater
    is better, as scikit-learn's scorers). Pass it as ``scoring=`` with
    ``cv=TimeSeriesSplit(n_splits=k, test_size=horizon)`` and fit the search on the series
    itself (``search.fit(series)``): every candidate is scored on the error of its forecast at
    the horizon, not on one-step-ahead R².

    Parameters
    ----------
    metric : {"rmse", "mae", "mape"}, default="rmse"
        Root mean squared, mean absolute or mean absolute percentage error, over the
        forecast periods (and targets).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from seqestimators import RNNForecaster
    >>> from seqestimators.datasets import load_airline
    >>> from seqestimators.forecasting import make_forecast_scorer
    >>> y = load_airline().series
    >>> search = GridSearchCV(RNNForecaster(max_epochs=3, random_state=0),
    ...                       {"hidden_size": [4, 8]}, scoring=make_forecast_scorer(),
    ...                       cv=TimeSeriesSplit(n_splits=2, test_size=12)).fit(y)
    >>> sorted(search.best_params_)
    ['hidden_size']
    """
    if metric not in ("rmse", "mae", "mape"):
        raise ValueError(f"metric must be 'rmse', 'mae' or 'mape'; got {metric!r}.")
    return _ForecastScorer(metric)


class _ForecastScorer:
    """Negated closed-loop forecast error, continuing the training series (picklable)."""

    def __init__(self, metric):
        self.metric = metric

    def __repr__(self):
        return f"make_forecast_scorer(metric={self.metric!r})"

    def __call__(self, estimator, X, y=None):
        forecast, actual = estimator._forecast_from_fit(X)
        err = forecast - actual
        if self.metric == "rmse":
            value = float(np.sqrt(np.mean(err ** 2)))
        elif self.metric == "mae":
            value = float(np.mean(np.abs(err)))
        else:
            value = float(np.mean(np.abs(err) / np.maximum(np.abs(actual), 1e-12)) * 100)
        return -value
