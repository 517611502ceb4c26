"""The series adapter: pandas Series/DataFrames on a time index (or 1D arrays) in and out."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ..data import check_sequences
from ._long_format import TIME_COLUMN, is_long_panel, long_to_series, series_to_long
from ._panel import pad_left
from ._seasonality import index_offset, seasonal_period_from_index

__all__ = ["SeriesMixin", "future_index", "is_time_series", "quantile_columns"]


def is_time_series(X):
    """Whether ``X`` is a pandas Series/DataFrame on a time index (or a list of them)."""
    if isinstance(X, list | tuple) and X:
        return all(is_time_series(x) for x in X)
    return isinstance(X, pd.Series | pd.DataFrame) and \
        isinstance(X.index, pd.PeriodIndex | pd.DatetimeIndex)


def quantile_columns(targets, levels):
    """Names of the quantile columns of a forecast, level by level: ``"q0.1"`` for one
    target, ``"<target>_q0.1"`` for each of several."""
    if len(targets) == 1:
        return [f"q{level:g}" for level in levels]
    return [f"{target}_q{level:g}" for level in levels for target in targets]


def future_index(index, n_steps):
    """The ``n_steps`` periods after the end of ``index`` (PeriodIndex or DatetimeIndex)."""
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=n_steps, freq=index.freq,
                               name=index.name)
    offset = index_offset(index)
    if offset is None:
        raise ValueError(
            "The DatetimeIndex has no frequency and none can be inferred, so the future "
            "timestamps are unknown: give the series a regular index (e.g. .asfreq('MS')).")
    return pd.date_range(index[-1] + offset, periods=n_steps, freq=offset, name=index.name)


def _index_info(index):
    """Plain data from which :func:`_rebuild_index` rebuilds the end of a time index."""
    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "freq": index.freqstr, "end": str(index[-1]),
                "name": index.name}
    offset = index_offset(index)
    if isinstance(index, pd.DatetimeIndex) and offset is not None:
        return {"kind": "datetime", "freq": offset.freqstr, "end": index[-1].isoformat(),
                "tz": None if index.tz is None else str(index.tz), "name": index.name}
    return None


def _rebuild_index(info, n_periods):
    """The ``n_periods`` periods that end where the index described by ``info`` ended."""
    if info["kind"] == "period":
        end = pd.Period(info["end"], freq=info["freq"])
        return pd.period_range(end=end, periods=n_periods, freq=info["freq"], name=info["name"])
    end = pd.Timestamp(info["end"])
    if info["tz"] is not None:
        end = end.tz_convert(info["tz"])
    return pd.date_range(end=end, periods=n_periods, freq=info["freq"], name=info["name"])


class SeriesMixin:
    """``fit(series)``, ``forecast(series, n)`` and ``score(future)`` of :class:`RNNForecaster`.

    A series is a pandas Series or DataFrame on a ``PeriodIndex`` or ``DatetimeIndex``, or a 1D
    array; its value at period ``t`` is the input of the target at ``t + 1``. The fitted
    ``series_info_`` (plain data, so that it survives :func:`seqestimators.io.dump`) describes
    the columns and the end of the last training series, which :meth:`score` continues.
    """

    def _series_list(self, X):
        """``X`` as a list of series plus whether it came as one series."""
        if isinstance(X, list | tuple) and X and (is_time_series(X) or all(
                isinstance(x, np.ndarray) and x.ndim == 1 for x in X)):
            return list(X), False
        if is_time_series(X):
            return [X], True
        if isinstance(X, np.ndarray | list) and np.ndim(X) == 1:
            return [np.asarray(X, dtype=np.float64)], True
        raise ValueError(
            f"{type(self).__name__}.fit(X) without y takes the series to learn: a pandas Series "
            "or DataFrame on a PeriodIndex or DatetimeIndex, a 1D array, or a list of them. "
            "For sequences with their targets, pass y.")

    def _target_columns(self, frame):
        if isinstance(frame, pd.Series):
            return [frame.name if frame.name is not None else "y"]
        target = self.target
        if target is None:
            return list(frame.columns)
        target = list(target) if isinstance(target, list) else [target]
        missing = [t for t in target if t not in frame.columns]
        if missing:
            raise ValueError(f"target names column(s) {missing} that the DataFrame lacks; its "
                             f"columns are {list(frame.columns)}.")
        return target

    def _exogenous_columns(self, frame):
        if isinstance(frame, pd.Series):
            return []
        targets = self._target_columns(frame)
        return [c for c in frame.columns if c not in targets]

    def _series_values(self, series):
        """``(values (n_periods, n_columns), targets, exogenous)``, target columns first."""
        if isinstance(series, pd.Series | pd.DataFrame):
            targets = self._target_columns(series)
            exogenous = self._exogenous_columns(series)
            frame = series.to_frame(targets[0]) if isinstance(series, pd.Series) else series
            values = frame[targets + exogenous].to_numpy(dtype=np.float64)
            return values, targets, exogenous
        return np.asarray(series, dtype=np.float64).reshape(-1, 1), ["y"], []

    def _series_to_sequences(self, X):
        """``(series_info_, X, y, series)``: the sequences and targets of the series ``X``,
        and the list of its series (a long-format frame's, split by id)."""
        if is_long_panel(X):
            X = [item for _, _, item in long_to_series(X)]
        series, single = self._series_list(X)
        parts = [self._series_values(s) for s in series]
        targets, exogenous = parts[0][1], parts[0][2]
        # Named pandas Series (one per id) differ in name only: their one column is the target.
        if any((p[1] != targets and not isinstance(s, pd.Series)) or p[2] != exogenous
               for p, s in zip(parts, series)):
            raise ValueError("Every series must have the same target and exogenous columns.")
        for values, _, _ in parts:
            if len(values) < 3:
                raise ValueError(f"A series needs at least 3 periods to learn from; got "
                                 f"{len(values)}.")
            if not np.isfinite(values).all():
                raise ValueError("The series hold NaN or infinite values; fill them first.")
        k = len(targets)
        Xs = [values[:-1] for values, _, _ in parts]
        ys = [values[1:, :k] for values, _, _ in parts]
        if k == 1:
            ys = [y_i[:, 0] for y_i in ys]
        if len({len(x) for x in Xs}) == 1:
            Xs, ys = np.stack(Xs), np.stack(ys)
        last = series[-1]
        period = None
        if isinstance(last, pd.Series | pd.DataFrame):
            period = seasonal_period_from_index(last.index)
        pandas = isinstance(last, pd.Series | pd.DataFrame)
        info = {"n_targets": k, "targets": targets, "exogenous": exogenous, "period": period,
                "pandas": pandas, "single": single, "n_series": len(series),
                "tail": parts[-1][0],
                "index": _index_info(last.index) if pandas else None}
        return info, Xs, ys, series

    def _forecast_series(self, X, n_steps, exogenous):
        if is_long_panel(X):
            parts = long_to_series(X)
            out = self._forecast_series([item for _, _, item in parts], n_steps, exogenous)
            datetime = pd.api.types.is_datetime64_any_dtype(X[TIME_COLUMN])
            return series_to_long(parts, out, datetime=datetime)
        info = getattr(self, "series_info_", None)
        series, single = self._series_list(X)
        exo_names = self._series_values(series[0])[2]
        if exo_names and exogenous is None:
            raise ValueError(
                f"{type(self).__name__} was fitted with the exogenous columns {exo_names}: "
                f"pass their values for the {n_steps} forecast periods as exogenous (a "
                "DataFrame with those columns).")
        if not exo_names and exogenous is not None:
            raise ValueError(f"{type(self).__name__} was fitted without exogenous columns, so "
                             "exogenous must be None.")
        exogenous = exogenous if isinstance(exogenous, list) else [exogenous] * len(series)
        results = []
        for s, exo in zip(series, exogenous):
            values, targets, _ = self._series_values(s)
            if info is not None and targets != info["targets"] and not isinstance(s, pd.Series):
                raise ValueError(f"The series has target columns {targets}, but "
                                 f"{type(self).__name__} was fitted on {info['targets']}.")
            future_exo = None
            if exo_names:
                frame = exo if isinstance(exo, pd.DataFrame) else pd.DataFrame(exo)
                if isinstance(exo, pd.DataFrame):
                    frame = frame[exo_names]
                future_exo = frame.to_numpy(dtype=np.float64)[:n_steps - 1]
                if len(future_exo) < n_steps - 1 or not np.isfinite(future_exo).all():
                    raise ValueError(
                        f"exogenous must hold the exogenous columns {exo_names} for at least "
                        f"the first {n_steps - 1} forecast periods (finite values); got "
                        f"{len(frame)} rows.")
                future_exo = future_exo[None].astype(np.float32)
            if self.context_length_ is not None:  # a series shorter than the context
                values = pad_left(values, self.context_length_ + 1)
            with self._runtime():
                sequences = check_sequences(values[None], estimator=self)
                if sequences.n_features != self.input_size_:
                    raise ValueError(
                        f"The series has {sequences.n_features} columns, but "
                        f"{type(self).__name__} was fitted on {self.input_size_}.")
                prefix, generated = self._closed_loop(sequences, n_steps - 1, future_exo,
                                                      quantiles=True)
            last = prefix[:, -1]
            path = np.concatenate([last[:, None], generated], axis=1)[0]  # (n_steps, width)
            pandas = isinstance(s, pd.Series | pd.DataFrame)
            index = future_index(s.index, n_steps) if pandas else None
            if getattr(self, "quantiles_", None):
                columns = targets + quantile_columns(targets, self.quantiles_)
                results.append(pd.DataFrame(path, index=index, columns=columns))
            elif isinstance(s, pd.Series):
                results.append(pd.Series(path[:, 0], index=index, name=s.name))
            elif pandas:
                results.append(pd.DataFrame(path, index=index, columns=targets))
            else:
                results.append(path[:, 0])
        return results[0] if single else results

    def score(self, X, y=None, sample_weight=None):
        """R² of one-step predictions, or of a closed-loop forecast for a series.

        With ``y``: the coefficient of determination of the one-step-ahead predictions of the
        sequences ``X`` over all real timesteps. Without ``y`` (a model fitted on a series):
        ``X`` holds periods after the training series (the test part of a
        :class:`~sklearn.model_selection.TimeSeriesSplit`), and the score is the R² of the
        closed-loop forecast of those periods from the end of the training series, matched
        by their time index (see :func:`~seqestimators.forecasting.make_forecast_scorer`).

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
        if y is not None:
            return super().score(X, y, sample_weight=sample_weight)
        forecast, actual = self._forecast_from_fit(X)
        return float(r2_score(actual, forecast))

    def _forecast_from_fit(self, X_future):
        """Forecast of the periods of ``X_future`` from the end of the training series.

        Returns ``(forecast, actual)``, arrays of shape ``(n_periods, n_targets)`` matched
        period by period: on a time index, the periods of ``X_future`` are found on the
        training series' frequency after its end (a gap, as ``TimeSeriesSplit(gap=k)`` leaves,
        is forecast through; periods in any order are matched one by one). Arrays have no
        periods to check: they are taken to follow the training series directly.
        """
        check_is_fitted(self)
        info = getattr(self, "series_info_", None)
        if info is None or not info["single"]:
            raise ValueError(
                f"Scoring a forecast of the periods after the training data needs a "
                f"{type(self).__name__} fitted on one series (fit(series) without y).")
        past = self._training_tail()
        if not info["pandas"]:
            n_steps = len(X_future)
            forecast = self.forecast(past, n_steps)
            return forecast[:, None], np.asarray(X_future, dtype=np.float64).reshape(-1, 1)
        frame = X_future.to_frame() if isinstance(X_future, pd.Series) else X_future
        steps = self._steps_after(past.index, frame)
        names, exo = info["targets"], info["exogenous"]
        n_steps = int(steps.max()) + 1
        if exo and not np.array_equal(np.sort(steps), np.arange(len(steps))):
            raise ValueError(
                f"The scored periods are not the {len(steps)} periods right after the training "
                f"series, but {type(self).__name__} needs the exogenous columns {exo} of every "
                "period it forecasts, including those in between: score the periods that "
                "directly follow the training series (TimeSeriesSplit with gap=0).")
        exogenous = None
        if exo:
            exogenous = frame[exo].iloc[np.argsort(steps)]
        forecast = self.forecast(past, n_steps, exogenous=exogenous)
        forecast = forecast.to_frame() if isinstance(forecast, pd.Series) else forecast
        return (forecast[names].to_numpy(np.float64)[steps],
                frame[names].to_numpy(np.float64))

    def _steps_after(self, index, frame):
        """Position of each period of ``frame`` among the periods after ``index`` (0: next)."""
        name = type(self).__name__
        if not is_time_series(frame):
            raise ValueError(
                f"{name} was fitted on a series on a time index: score it on the periods to "
                "forecast, a Series or DataFrame on the same kind of time index (its periods "
                "are matched with the forecast's), not on positions.")
        periods = frame.index
        try:
            after = bool((periods > index[-1]).all())
            future = future_index(index, len(periods))
            while after and future[-1] < periods.max():
                future = future_index(index, 2 * len(future))
            steps = future.get_indexer(periods)
        except (TypeError, ValueError):  # periods of another frequency or time zone
            after, steps = True, np.array([-1])
        if not after:
            raise ValueError(
                f"The scored periods must all come after the end of the training series "
                f"({index[-1]}); got {periods.min()} to {periods.max()}. Score the periods "
                "that follow the training data (TimeSeriesSplit, not a shuffled split).")
        if (steps < 0).any():
            raise ValueError(
                f"The scored periods are not on the frequency of the training series "
                f"({index.freqstr}, last period {index[-1]}); got {list(periods[:3])}...")
        return steps

    def _training_tail(self):
        """The end of the training series, as it was given (a Series, DataFrame or array)."""
        info = self.series_info_
        values = np.asarray(info["tail"], dtype=np.float64)
        if not info["pandas"]:
            return values[:, 0]
        if info["index"] is None:
            raise ValueError(
                "The training series' DatetimeIndex has no frequency and none can be inferred, "
                "so the periods after it are unknown: give the series a regular index (e.g. "
                ".asfreq('MS')).")
        index = _rebuild_index(info["index"], len(values))
        return pd.DataFrame(values, index=index, columns=info["targets"] + info["exogenous"])
