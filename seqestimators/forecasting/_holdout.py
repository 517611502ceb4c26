"""Held-out periods: one extra fit that checks the forecaster against the naive forecasts
and calibrates its quantile bands."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import clone

from ..exceptions import BaselineWarning
from ._backtest import _forecast_against, _take

__all__ = ["SPREADS", "HoldoutMixin", "baseline_message", "calibrate_spread", "holdout_forecasts",
           "naive_comparison", "scaled_pinball"]

#: The spread factors tried: the learned offsets from a fifth to fifty times as wide.
SPREADS = np.geomspace(0.2, 50.0, 121)


def scaled_pinball(point, offsets, actual, levels, spread):
    """Mean pinball loss of the quantiles ``point + spread * offsets``.

    Parameters
    ----------
    point : ndarray of shape (n_steps, n_targets)
        Point forecasts.
    offsets : ndarray of shape (n_steps, n_targets, n_quantiles)
        Each level's offset from the point.
    actual : ndarray of shape (n_steps, n_targets)
        Observed values.
    levels : array-like of shape (n_quantiles,)
        The quantile levels.
    spread : float
        The factor applied to the offsets.

    Returns
    -------
    loss : float
    """
    error = actual[..., None] - (point[..., None] + spread * offsets)
    levels = np.asarray(levels, dtype=np.float64)
    return float(np.maximum(levels * error, (levels - 1.0) * error).mean())


def holdout_forecasts(estimator, series, horizon):
    """Forecasts of each series' last ``horizon`` periods by a copy fitted without them.

    The series long enough to keep at least ``horizon + 3`` periods before the held-out
    ones take part; a copy of ``estimator`` (its parameters, without the held-out checks) is
    fitted on what comes before and forecasts the held-out periods in closed loop.

    Parameters
    ----------
    estimator : RNNForecaster
        The fitted forecaster (not modified).
    series : list
        The training series, as ``fit`` received them (pandas objects or 1D arrays).
    horizon : int
        Periods held out at the end of each series.

    Returns
    -------
    held_out : list of tuple or None
        Per series ``(point, actual, levels, history)``: the forecast and the actual values
        ``(horizon, n_targets)``, the quantiles ``(horizon, n_targets, n_quantiles)`` (None
        without ``quantiles``) and the targets before them ``(n_periods, n_targets)``; None
        when no series is long enough.
    """
    pairs = [(_take(s, np.arange(len(s) - horizon)), _take(s, np.arange(len(s) - horizon, len(s))))
             for s in series if len(s) >= 2 * horizon + 3]
    if not pairs:
        return None
    copy = clone(estimator).set_params(calibrate_quantiles=False, baseline_check=False)
    pasts = [past for past, _ in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy.fit(pasts if len(pasts) > 1 else pasts[0])
    held_out = []
    for past, future in pairs:
        point, actual, names, _, levels = _forecast_against(copy, past, future)
        history = np.asarray(past[names] if hasattr(past, "columns") else past,
                             dtype=np.float64).reshape(len(past), -1)
        held_out.append((point, actual, levels, history))
    return held_out


def calibrate_spread(held_out, levels, log=False):
    """The factor on the quantile offsets that minimizes the pinball loss on held-out periods.

    The factor in :data:`SPREADS` that minimizes the mean pinball loss of the held-out
    forecasts (each series in units of the mean absolute change of its held-in part; in log
    units with ``log``, where the network's offsets live under the log transform): a model
    that fits its few windows closely learns bands as narrow as its training errors, and this
    widens them to its errors on periods it has not seen (split conformal calibration of one
    scale).

    Parameters
    ----------
    held_out : list of tuple
        From :func:`holdout_forecasts`, with quantiles.
    levels : sequence of float
        The quantile levels.
    log : bool, default=False
        Compare in log units.

    Returns
    -------
    spread : float
    """
    parts = []
    for point, actual, quantiles, history in held_out:
        if log:
            point, actual, quantiles, history = (np.log(np.maximum(v, 1e-300))
                                                 for v in (point, actual, quantiles, history))
        unit = _unit(history)
        parts.append((point / unit, (quantiles - point[..., None]) / unit[:, None],
                      actual / unit))
    losses = [np.mean([scaled_pinball(p, o, a, levels, c) for p, o, a in parts])
              for c in SPREADS]
    return float(SPREADS[int(np.argmin(losses))])


def naive_comparison(held_out, period=1):
    """Mean absolute scaled errors of the held-out forecasts and of the naive ones.

    Each series' errors are in units of the mean absolute change of its held-in part (MASE,
    with the one-step naive scale), then averaged over the series.

    Parameters
    ----------
    held_out : list of tuple
        From :func:`holdout_forecasts`.
    period : int, default=1
        The seasonal period; above 1, the seasonal naive forecast (the last season repeated)
        is compared too.

    Returns
    -------
    scores : dict
        ``"model"``, ``"naive"`` and, for ``period > 1``, ``"seasonal_naive"``: the mean
        absolute scaled errors.
    """
    scores = {"model": [], "naive": []}
    if period > 1:
        scores["seasonal_naive"] = []
    for point, actual, _, history in held_out:
        unit = _unit(history)
        steps = np.arange(len(actual))
        candidates = {"model": point, "naive": np.broadcast_to(history[-1], actual.shape)}
        if period > 1:
            candidates["seasonal_naive"] = history[len(history) - period + steps % period] \
                if len(history) >= period else candidates["naive"]
        for name, forecast in candidates.items():
            scores[name].append(float(np.mean(np.abs(forecast - actual) / unit)))
    return {name: float(np.mean(values)) for name, values in scores.items()}


def baseline_message(name, scores, n_series, horizon):
    """The ``BaselineWarning`` text when the model is not better than a naive forecast."""
    trivial = {k: v for k, v in scores.items() if k != "model"}
    best = min(trivial, key=trivial.get)
    if scores["model"] < trivial[best]:
        return None
    others = ", ".join(f"{k.replace('_', ' ')} {v:.4g}" for k, v in trivial.items())
    return (f"{name}: on the last {horizon} periods of {n_series} series, held out (a copy "
            f"fitted on the rest), the forecast's mean absolute scaled error is "
            f"{scores['model']:.4g}, no better than the {best.replace('_', ' ')} forecast's "
            f"({others}). Forecast with that baseline, or try baseline='naive', a shorter "
            "context_length, fewer epochs or a smaller hidden_size; baseline_check=False "
            "skips this check (one extra fit).")


def _unit(history):
    unit = np.abs(np.diff(history, axis=0)).mean(axis=0) if len(history) > 1 \
        else np.ones(history.shape[1])
    return np.where(unit > 0, unit, 1.0)


class HoldoutMixin:
    """The checks of :class:`RNNForecaster` on held-out periods, after ``fit(series)``."""

    def _held_out_checks(self, series):
        """``(quantile_spread_, holdout_scores_)`` after fitting on ``series``.

        One extra fit serves both: the bands' calibration (``quantiles`` with
        ``calibrate_quantiles``; the factor also goes into the network) and the comparison
        with the naive forecasts (``baseline_check``; a ``BaselineWarning`` when the model is
        not better). ``(1.0 or None, None)`` when neither applies or no series is long
        enough.
        """
        spread = None if self.quantiles_ is None else 1.0
        calibrate = bool(self.quantiles_) and self.calibrate_quantiles
        if series is None or not self.horizon_ or not (calibrate or self.baseline_check):
            return spread, None
        held_out = holdout_forecasts(self, series, self.horizon_)
        if held_out is None:
            return spread, None
        if calibrate:
            spread = calibrate_spread(held_out, self.quantiles_, self.transform_ == "log")
            self.module_.quantile_head.spread.fill_(spread)
        scores = None
        if self.baseline_check:
            scores = naive_comparison(held_out, self.seasonal_period_)
            self._warn_once("baseline", baseline_message(
                type(self).__name__, scores, len(held_out), self.horizon_), BaselineWarning)
        return spread, scores
