"""Seasonal periods: from a pandas time index's frequency, or from a series' autocorrelation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["detect_seasonal_period", "index_offset", "seasonal_period_from_index"]

_O = pd.offsets
# Periods per season of each pandas offset class: the periods in the next larger calendar unit
# (days in a week, months in a year, seconds in a minute). Looked up by the offset's exact
# class, so that business, custom and semi-monthly offsets never pass for others. Business
# hours count the opening hours of a day (see ``_business_hours``).
_PERIODS = {
    _O.Day: 7, _O.BusinessDay: 5, _O.CustomBusinessDay: 5, _O.Week: 52,
    _O.MonthEnd: 12, _O.MonthBegin: 12, _O.BusinessMonthEnd: 12, _O.BusinessMonthBegin: 12,
    _O.CustomBusinessMonthEnd: 12, _O.CustomBusinessMonthBegin: 12,
    _O.SemiMonthEnd: 24, _O.SemiMonthBegin: 24,
    _O.QuarterEnd: 4, _O.QuarterBegin: 4, _O.BQuarterEnd: 4, _O.BQuarterBegin: 4,
    _O.YearEnd: 1, _O.YearBegin: 1, _O.BYearEnd: 1, _O.BYearBegin: 1,
    _O.Hour: 24, _O.Minute: 60, _O.Second: 60, _O.Milli: 1000, _O.Micro: 1000, _O.Nano: 1000,
}
_BUSINESS_HOURS = (_O.BusinessHour, _O.CustomBusinessHour)


def seasonal_period_from_index(index):
    """Periods per season from a pandas time index's frequency (None when unknown).

    The number of periods in the next larger calendar unit: 7 for days, 5 for business days,
    52 for weeks, 24 for semi-months, 12 for months (calendar, business or custom, month
    ends or starts), 4 for quarters, 1 for years, 24 for hours, the opening hours of a day
    for business hours (8 for 9:00 to 17:00), 60 for minutes and seconds, 1000 for milli-,
    micro- and nanoseconds. A multiple of a frequency divides the period (12 for ``"2h"``,
    4 for ``"3ME"``); None when it does not divide it into several periods, or for other
    offsets.

    Parameters
    ----------
    index : pandas.PeriodIndex or pandas.DatetimeIndex
        A DatetimeIndex without a frequency is read with the one pandas infers.

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
    >>> seasonal_period_from_index(pd.date_range("2000-01-01", periods=30, freq="2h"))
    12
    """
    offset = index_offset(index)
    if offset is None:
        return None
    if type(offset) in _BUSINESS_HOURS:
        period = _business_hours(offset)
    else:
        period = _PERIODS.get(type(offset))
    n = abs(int(offset.n))
    if period is None or period == 1 or n == 1:
        return period
    return period // n if period % n == 0 and period // n > 1 else None


def _business_hours(offset):
    """Opening hours per day of a business-hour offset (None unless a whole number)."""
    minutes = 0
    for start, end in zip(offset.start, offset.end, strict=True):
        span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        minutes += span if span > 0 else span + 24 * 60
    return minutes // 60 if minutes % 60 == 0 and minutes >= 60 else None


def index_offset(index):
    """The frequency of a time index as a pandas offset (inferred if unset), else None."""
    if isinstance(index, pd.PeriodIndex):
        return index.freq
    if not isinstance(index, pd.DatetimeIndex):
        return None
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        # pandas 3 announces that infer_freq will return an offset; to_offset takes both.
        warnings.simplefilter("ignore", DeprecationWarning)
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


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


