"""Scorers of closed-loop forecasts, for scikit-learn's and Optuna's searches."""

from __future__ import annotations

import numpy as np

__all__ = ["make_forecast_scorer"]


def make_forecast_scorer(metric="rmse"):
    """A scorer of closed-loop forecasts for ``GridSearchCV`` and the Optuna searches.

    ``scorer(estimator, X_test, y=None)`` forecasts, in closed loop, the periods of ``X_test``
    (a Series/DataFrame on a time index, the periods after those the estimator was fitted on,
    as :class:`~sklearn.model_selection.TimeSeriesSplit` gives them) from the end of the
    training series, and returns the negated error against their actual values (greater is
    better, as scikit-learn's scorers). Pass it as ``scoring=`` with
    ``cv=TimeSeriesSplit(n_splits=k, test_size=horizon)`` and fit the search on the series
    itself (``search.fit(series)``): every candidate is scored on the error of its forecast at
    the horizon, not on one-step-ahead R².

    The forecast is matched with ``X_test`` period by period, by its time index: a gap after
    the training series (``TimeSeriesSplit(gap=k)``) is forecast through, periods that do not
    come after the training series (a shuffled split) or are not on its frequency are an
    error, and so is a gap when the model has exogenous columns (their values in the gap are
    unknown). A 1D array has no periods to check: its values must directly follow the
    training values (``TimeSeriesSplit`` with ``gap=0``).

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
