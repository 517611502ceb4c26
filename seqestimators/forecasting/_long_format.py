"""Long-format panels: one row per series and period (``unique_id``, ``ds``, ``y``).

statsforecast and neuralforecast take a panel of many series this way;
:class:`RNNForecaster` reads it as the list of its series and answers in the same format.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ID_COLUMN", "TIME_COLUMN", "VALUE_COLUMN", "is_long_panel", "long_to_series",
           "series_to_long"]

ID_COLUMN, TIME_COLUMN, VALUE_COLUMN = "unique_id", "ds", "y"


def is_long_panel(X):
    """Whether ``X`` is a long-format DataFrame with ``unique_id``, ``ds`` and ``y`` columns."""
    return isinstance(X, pd.DataFrame) and {ID_COLUMN, TIME_COLUMN, VALUE_COLUMN} <= set(
        X.columns)


def long_to_series(frame):
    """The series of a long-format panel, in the order of their first row.

    Returns
    -------
    parts : list of (unique_id, Index, series)
        The series is a pandas Series on a PeriodIndex when ``ds`` holds dates of an
        inferable frequency (or periods), else a 1D array.
    """
    parts = []
    for uid, part in frame.groupby(ID_COLUMN, sort=False):
        part = part.sort_values(TIME_COLUMN)
        index = pd.Index(part[TIME_COLUMN].to_numpy())
        values = part[VALUE_COLUMN].to_numpy(dtype=np.float64)
        if isinstance(index, pd.DatetimeIndex) and len(index) >= 3:
            try:
                index = pd.DatetimeIndex(index, freq="infer").to_period()
            except (ValueError, TypeError):  # no regular frequency: ds stays as it is
                pass
        item = pd.Series(values, index=index, name=uid) \
            if isinstance(index, pd.PeriodIndex) else values
        parts.append((uid, index, item))
    return parts


def future_times(index, n_steps):
    """The ``n_steps`` periods after ``index`` (integer, period or datetime ``ds``)."""
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=n_steps, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex) and len(index) >= 2:
        step = index[-1] - index[-2]
        return pd.DatetimeIndex([index[-1] + step * j for j in range(1, n_steps + 1)])
    values = np.asarray(index)
    step = values[-1] - values[-2] if len(values) >= 2 else 1
    return values[-1] + step * np.arange(1, n_steps + 1)


def series_to_long(parts, forecasts, datetime=False):
    """A long-format frame of the forecasts of ``parts`` (from :func:`long_to_series`):
    ``unique_id``, ``ds`` and the forecast column(s); ``datetime``: ``ds`` as timestamps."""
    frames = []
    for (uid, index, _), f in zip(parts, forecasts):
        times = future_times(index, len(f))
        if datetime and isinstance(times, pd.PeriodIndex):
            times = times.to_timestamp()
        if isinstance(f, pd.DataFrame):  # the point (named as its series) and quantiles
            values = f.rename(columns={f.columns[0]: VALUE_COLUMN})
        else:
            values = f.to_frame(VALUE_COLUMN) if isinstance(f, pd.Series) else \
                pd.DataFrame({VALUE_COLUMN: f})
        part = values.reset_index(drop=True)
        part.insert(0, TIME_COLUMN, np.asarray(times))
        part.insert(0, ID_COLUMN, uid)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)
