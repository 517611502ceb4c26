"""Seasonal periods: from a pandas time index's frequency, or from a series' autocorrelation."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["detect_seasonal_period", "index_freq", "seasonal_period_from_index"]

# Periods per season of the usual pandas frequencies (the base code of a period's freqstr).
_SEASONS = {"Y": 1, "A": 1, "Q": 4, "M": 12, "W": 52, "D": 7, "B": 5, "h": 24, "H": 24,
            "min": 60, "T": 60}


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
    freq = index_freq(index)
    if freq is None:
        return None
    code = freq.lstrip("0123456789").split("-")[0]
    for key in sorted(_SEASONS, key=len, reverse=True):
        if code.startswith(key) or code.upper().startswith(key.upper()):
            return _SEASONS[key]
    return None



def index_freq(index):
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


