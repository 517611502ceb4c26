"""Backtests: closed-loop forecasts of a series at several origins, one tidy row per step."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils import check_scalar

from ..estimators import without_baseline_check
from ._series import quantile_columns

__all__ = ["backtest"]


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
        ``"y"`` for arrays), ``forecast``, ``actual`` and ``error`` (forecast minus actual);
        for a forecaster with ``quantiles``, one more column per level (``"q0.1"``, ...), from
        which interval coverage follows.

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
            # The backtest is the held-out check: the fits skip their own.
            fitted = without_baseline_check(clone(estimator)).fit(_take(series, train))
        future = _take(series, test)
        forecast, actual, names, periods, levels = _forecast_against(fitted, past, future)
        origin = _label(series, train.max())
        for j in range(len(test)):
            for k, name in enumerate(names):
                rows.append((origin, j + 1, periods[j], name, forecast[j, k], actual[j, k],
                             *([] if levels is None else levels[j, k])))
    quantiles = getattr(fitted, "quantiles_", None) or ()
    frame = pd.DataFrame(rows, columns=["origin", "step", "period", "target", "forecast",
                                        "actual", *quantile_columns(["y"], quantiles)])
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

    Returns ``(forecast, actual, target_names, periods, levels)`` with the two arrays of
    shape ``(n_steps, n_targets)`` and the quantiles ``(n_steps, n_targets, n_quantiles)`` of
    a forecaster with ``quantiles`` (else None).
    """
    quantiles = getattr(estimator, "quantiles_", None) or ()
    n_steps = len(future)
    if isinstance(past, pd.Series | pd.DataFrame):
        names = estimator._target_columns(past)
        frame = future if isinstance(future, pd.DataFrame) else future.to_frame(names[0])
        exo = estimator._exogenous_columns(past)
        forecast = estimator.forecast(past, n_steps,
                                      exogenous=frame[exo] if exo else None)
        if isinstance(forecast, pd.Series):  # an unnamed series' target is "y"
            forecast = forecast.to_frame(names[0])
        actual = frame[names].to_numpy(dtype=np.float64)
        return forecast[names].to_numpy(dtype=np.float64), actual, list(names), \
            list(future.index), _levels(forecast, names, quantiles)
    past = np.asarray(past, dtype=np.float64)
    forecast = estimator.forecast(past, n_steps)
    points = forecast["y"].to_numpy() if quantiles else forecast
    return points[:, None], np.asarray(future, dtype=np.float64)[:, None], ["y"], \
        list(range(len(past), len(past) + n_steps)), _levels(forecast, ["y"], quantiles)


def _levels(forecast, names, quantiles):
    """The quantile columns of a forecast as ``(n_steps, n_targets, n_quantiles)``."""
    if not quantiles:
        return None
    values = forecast[quantile_columns(names, quantiles)].to_numpy(dtype=np.float64)
    return values.reshape(len(values), len(quantiles), len(names)).transpose(0, 2, 1)


