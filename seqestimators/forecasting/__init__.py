"""Forecasting real series: the forecaster, training windows, seasonality and backtests.

:class:`RNNForecaster` is a recurrent regressor whose own previous prediction is fed back as
an input, so that it forecasts in closed loop. A real series is one long sequence; trained on
as a whole, every epoch is one optimizer step on one example. :class:`WindowBatchIterator`
instead draws many windows from one or several long series, at fresh offsets every epoch
(darts' ``input_chunk_length``, neuralforecast's ``input_size``): each window is a *context*
the model reads, then a *horizon* it forecasts in closed loop. :class:`RNNForecaster` uses it
by itself for a few long series (``context_length="auto"``).

:func:`backtest` scores a forecaster the way it will be used: fitted on the series up to an
origin, forecasting the next ``horizon`` periods in closed loop, at several origins
(:class:`~sklearn.model_selection.TimeSeriesSplit`), and returns one tidy row per origin and
step. :func:`make_forecast_scorer` gives the searches the same closed-loop error.
:class:`EnsembleForecaster` fits several forecasters with their own seeds (and window lengths)
and forecasts their median.

The package's files, one concern each: ``_forecaster`` (the estimator: parameters and the
fitted set-up), ``_training`` (skorch's training hooks), ``_inference`` (trailing-window
predictions and closed loops), ``_series`` (pandas in and out), ``_windows``, ``_scaling``
(standardization, window norms, log transform), ``_schedule`` (training modes, scheduled
sampling), ``_panel`` (global models over many short series: left-padded windows, the
baseline, the per-window loss scale), ``_long_format`` (``unique_id``/``ds``/``y`` panels),
``_feedback``, ``_seasonality``, ``_backtest``, ``_scorers`` and ``_ensemble``.
"""

from ._backtest import backtest
from ._ensemble import EnsembleForecaster, aggregate_forecasts
from ._forecaster import RNNForecaster
from ._schedule import feedback_probability
from ._scorers import make_forecast_scorer
from ._seasonality import detect_seasonal_period, seasonal_period_from_index
from ._windows import WindowBatch, WindowBatchIterator

__all__ = [
    "EnsembleForecaster",
    "RNNForecaster",
    "WindowBatch",
    "WindowBatchIterator",
    "aggregate_forecasts",
    "backtest",
    "detect_seasonal_period",
    "feedback_probability",
    "make_forecast_scorer",
    "seasonal_period_from_index",
]

