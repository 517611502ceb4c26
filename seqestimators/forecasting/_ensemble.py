"""EnsembleForecaster: the median (or mean) forecast of several forecasters fitted alike."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from ..estimators import without_baseline_check
from ._forecaster import RNNForecaster
from ._long_format import ID_COLUMN, TIME_COLUMN

__all__ = ["EnsembleForecaster", "aggregate_forecasts"]

AGGREGATES = {"median": np.median, "mean": np.mean}


def _fit_member(estimator, X, y, fit_params):
    return estimator.fit(X, y, **fit_params)


def aggregate_forecasts(forecasts, aggregate="median"):
    """Elementwise median or mean of several forecasts of the same thing.

    Parameters
    ----------
    forecasts : list
        The members' outputs, all of the same kind and shape: ndarrays (any shape), pandas
        Series, DataFrames (a series' forecast with one column per target or quantile, or a
        long-format frame: its ``unique_id`` and ``ds`` columns, and any other non-numeric
        column, are taken from the first forecast, every other column is aggregated), or
        lists of those (aggregated item by item, e.g. one forecast per series).
    aggregate : {"median", "mean"}, default="median"
        The elementwise statistic over the members.

    Returns
    -------
    forecast : ndarray, Series, DataFrame or list
        Of the same kind, shape, index and columns as ``forecasts[0]``.

    Examples
    --------
    >>> import numpy as np
    >>> from seqestimators.forecasting import aggregate_forecasts
    >>> aggregate_forecasts([np.array([1.0, 2.0]), np.array([3.0, 2.0]), np.array([8.0, 2.0])])
    array([3., 2.])
    """
    if aggregate not in AGGREGATES:
        raise ValueError(f"aggregate must be 'median' or 'mean'; got {aggregate!r}.")
    statistic = AGGREGATES[aggregate]
    forecasts = list(forecasts)
    if not forecasts:
        raise ValueError("aggregate_forecasts needs at least one forecast.")
    first = forecasts[0]
    if any(type(f) is not type(first) for f in forecasts):
        raise ValueError("The forecasts to aggregate are of different kinds: "
                         f"{sorted({type(f).__name__ for f in forecasts})}.")
    if isinstance(first, list | tuple):
        if len({len(f) for f in forecasts}) > 1:
            raise ValueError("The lists of forecasts to aggregate differ in length.")
        return [aggregate_forecasts(parts, aggregate) for parts in zip(*forecasts)]
    if isinstance(first, pd.Series | pd.DataFrame):
        for f in forecasts[1:]:
            if not (f.index.equals(first.index) and (isinstance(f, pd.Series) or
                                                      f.columns.equals(first.columns))):
                raise ValueError("The forecasts to aggregate have different indexes or columns.")
        if isinstance(first, pd.Series):
            values = statistic(np.stack([f.to_numpy(np.float64) for f in forecasts]), axis=0)
            return pd.Series(values, index=first.index, name=first.name)
        columns = [c for c in first.columns if c not in (ID_COLUMN, TIME_COLUMN)
                   and pd.api.types.is_numeric_dtype(first[c])]
        out = first.copy()
        if columns:
            values = np.stack([f[columns].to_numpy(np.float64) for f in forecasts])
            out[columns] = statistic(values, axis=0)
        return out
    arrays = [np.asarray(f, dtype=np.float64) for f in forecasts]
    if len({a.shape for a in arrays}) > 1:
        raise ValueError(f"The forecasts to aggregate differ in shape: "
                         f"{sorted({a.shape for a in arrays})}.")
    return statistic(np.stack(arrays), axis=0)


class EnsembleForecaster(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """The median (or mean) forecast of several forecasters, each fitted with its own seed.

    ``fit`` trains ``n_estimators`` clones of ``estimator`` on the same data, each with its own
    ``random_state`` drawn from ``random_state``, and, with ``context_lengths``, each with one
    of those window lengths in turn (member ``i`` reads ``context_lengths[i % k]``), as
    ES-RNN (Smyl, 2020) combined independent runs and N-BEATS (Oreshkin et al., 2020) took
    the median of models differing in seed, input length and loss. :meth:`forecast` and
    :meth:`predict` return the members' elementwise median (or mean), of the type the members
    return.

    Parameters
    ----------
    estimator : RNNForecaster, default=None
        The forecaster to clone (None: ``RNNForecaster()``, its defaults). Its own
        ``random_state`` (and ``context_length``, with ``context_lengths``) is replaced in
        every member, and the members skip their held-out ``baseline_check`` (one extra fit
        each); compare the ensemble with the naive forecast by a
        :func:`~seqestimators.forecasting.backtest`.
    n_estimators : int, default=5
        Number of members. With ``context_lengths``, at least their number; a multiple of it
        gives every length the same weight.
    context_lengths : list of int or "auto", default=None
        The members' ``context_length`` (windows of that many periods, see
        :class:`~seqestimators.RNNForecaster`), in turn. None: every member keeps the
        estimator's own.
    aggregate : {"median", "mean"}, default="median"
        How the members' outputs are combined, elementwise. The median ignores one member
        gone astray; the mean of quantile forecasts is their quantile average (Vincentization),
        and either keeps the quantiles in order.
    n_jobs : int, default=None
        Members fitted in parallel processes (joblib); None: one at a time, -1: every core.
        The members are the same either way; under a threading backend
        (``joblib.parallel_config(backend="threading")``) they would share PyTorch's global
        random generator and differ from run to run.
    random_state : int, RandomState instance or None, default=None
        Draws the members' seeds; an int makes the ensemble reproducible.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, in order; ``estimators_[i].random_state`` is member ``i``'s seed.

    See Also
    --------
    aggregate_forecasts : The elementwise aggregation of the members' outputs.
    sklearn.ensemble.VotingRegressor : The mean of several regressors' predictions.

    Notes
    -----
    Fitting and forecasting cost ``n_estimators`` times those of one member (fitted one after
    the other; ``n_jobs`` spreads the fits over cores). :func:`seqestimators.io.dump` stores one
    network (or a Pipeline), not an ensemble: dump the members of ``estimators_`` one by one.

    References
    ----------
    S. Smyl, "A hybrid method of exponential smoothing and recurrent neural networks for time
    series forecasting", International Journal of Forecasting 36(1), 2020.

    B. N. Oreshkin, D. Carpov, N. Chapados and Y. Bengio, "N-BEATS: neural basis expansion
    analysis for interpretable time series forecasting", ICLR 2020.

    Examples
    --------
    >>> from seqestimators import RNNForecaster
    >>> from seqestimators.datasets import load_airline
    >>> from seqestimators.forecasting import EnsembleForecaster
    >>> y = load_airline().series
    >>> est = EnsembleForecaster(RNNForecaster(hidden_size=8, max_epochs=2), n_estimators=2,
    ...                          context_lengths=[24, 36], random_state=0).fit(y.iloc[:-12])
    >>> [member.context_length_ for member in est.estimators_]
    [24, 36]
    >>> est.forecast(y.iloc[:-12], 12).index[[0, -1]].astype(str).tolist()
    ['1960-01', '1960-12']
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "forecast", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "context_lengths": ["array-like", None],
        "aggregate": [StrOptions(set(AGGREGATES))],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_estimators=5, context_lengths=None,
                 aggregate="median", n_jobs=None, random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.context_lengths = context_lengths
        self.aggregate = aggregate
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def _check_params(self):
        name = type(self).__name__
        validate_parameter_constraints(self._parameter_constraints,
                                       self.get_params(deep=False), caller_name=name)
        lengths = self.context_lengths
        if lengths is None:
            return None
        lengths = list(lengths)
        valid = all(value == "auto" if isinstance(value, str) else (
            isinstance(value, Integral) and not isinstance(value, bool) and value >= 1)
            for value in lengths)
        if not lengths or not valid:
            raise ValueError(
                f"The 'context_lengths' parameter of {name} must be None or a non-empty list "
                f"of ints >= 1 or 'auto'. Got {self.context_lengths!r} instead.")
        if self.n_estimators < len(lengths):
            raise ValueError(
                f"n_estimators={self.n_estimators} is fewer than the {len(lengths)} "
                f"context_lengths {lengths}: some lengths would have no member. Pass "
                f"n_estimators >= {len(lengths)} (a multiple of it weighs them alike).")
        return [value if isinstance(value, str) else int(value) for value in lengths]

    def _members(self, lengths):
        """The unfitted members: clones with their seeds (and context lengths)."""
        base = RNNForecaster() if self.estimator is None else self.estimator
        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=self.n_estimators)
        members = []
        for i, seed in enumerate(seeds):
            params = {"random_state": int(seed)}
            if lengths is not None:
                params["context_length"] = lengths[i % len(lengths)]
            # Each member's held-out check would double the ensemble's cost.
            members.append(without_baseline_check(clone(base).set_params(**params)))
        return members

    def fit(self, X, y=None, **fit_params):
        """Fit every member on the same data, as the member's own ``fit`` takes it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list, DataFrame or Series
            Training sequences, or the series to learn (with ``y=None``): a series on a time
            index, a 1D array, a list of them, or a long-format ``unique_id``/``ds``/``y``
            frame, as :meth:`RNNForecaster.fit <seqestimators.RNNForecaster.fit>` takes them.
        y : array-like or list of arrays, default=None
            Per-timestep targets of the sequences; None when ``X`` is a series.
        **fit_params : dict
            Passed on to every member's ``fit``.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        lengths = self._check_params()
        members = self._members(lengths)
        self.estimators_ = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_member)(member, X, y, fit_params) for member in members)
        return self

    # ------------------------------------------------------------------ outputs
    def _combine(self, outputs):
        return aggregate_forecasts(outputs, self.aggregate)

    def forecast(self, X, n_steps, **kwargs):
        """The members' closed-loop forecasts of ``X``, aggregated elementwise.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list, DataFrame or Series
            The observed prefixes or series, as the members' ``forecast`` takes them.
        n_steps : int
            Number of timesteps (periods) to forecast.
        **kwargs : dict
            Passed on to every member's ``forecast`` (``exogenous``, ``include_prefix``).

        Returns
        -------
        y_forecast : ndarray, Series, DataFrame or list
            The median (or mean) of the members' forecasts, of their type: ``(n_samples,
            n_steps)`` arrays for sequences, a Series or DataFrame on the future periods for
            a series, a list for a list, a long-format frame for one (its value columns
            aggregated).
        """
        check_is_fitted(self)
        return self._combine([member.forecast(X, n_steps, **kwargs)
                              for member in self.estimators_])

    def predict(self, X):
        """The members' one-step-ahead predictions of the sequences ``X``, aggregated.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list or DataFrame
            Sequences, as the members' ``predict`` takes them.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_timesteps) or list of arrays
            The elementwise median (or mean) of the members' predictions.
        """
        check_is_fitted(self)
        return self._combine([member.predict(X) for member in self.estimators_])

    def score(self, X, y=None, sample_weight=None):
        """R² of the aggregated one-step predictions, or of the aggregated forecast.

        The rule of :meth:`RNNForecaster.score <seqestimators.RNNForecaster.score>`, applied
        to the ensemble's outputs: with ``y``, over every real timestep of the sequences;
        without ``y`` (members fitted on one series), of the forecast of the periods of ``X``
        from the end of the training series, matched by their time index.

        Parameters
        ----------
        X : array-like, DataFrame or Series
            Test sequences, or the periods following the training series.
        y : array-like or list of arrays, default=None
            True values of the sequences; None for a series.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence (with ``y`` only).

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        if y is None:
            forecast, actual = self._forecast_from_fit(X)
            return float(r2_score(actual, forecast))
        # The members' own scoring rule (real-timestep mask, weights), on the combined outputs.
        first, *others = self.estimators_
        outputs, targets, mask, weights = first._scoring_data(X, y, sample_weight)
        outputs = self._combine([outputs, *(member._predict_outputs(X)[1].astype(np.float64)
                                            for member in others)])
        return first._masked_r2(targets, outputs, mask, weights)

    # The hooks of make_forecast_scorer and backtest, answered for the ensemble.
    def _forecast_from_fit(self, X_future):
        check_is_fitted(self)
        pairs = [member._forecast_from_fit(X_future) for member in self.estimators_]
        return self._combine([forecast for forecast, _ in pairs]), pairs[0][1]

    def _target_columns(self, frame):
        return self.estimators_[0]._target_columns(frame)

    def _exogenous_columns(self, frame):
        return self.estimators_[0]._exogenous_columns(frame)
