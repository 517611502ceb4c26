"""Calibration of quantile bands on held-out periods: one spread factor, by the pinball loss."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import clone

from ._backtest import _forecast_against, _take

__all__ = ["SPREADS", "calibrate_spread", "scaled_pinball"]

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


def calibrate_spread(estimator, series, horizon):
    """The factor on the quantile offsets that minimizes the pinball loss on held-out periods.

    The last ``horizon`` periods of every series long enough to keep at least
    ``horizon + 3`` periods before them are held out; a copy of ``estimator`` (its
    parameters, ``calibrate_quantiles=False``) is fitted on the rest and forecasts them. The
    factor in :data:`SPREADS` that minimizes the pinball loss of those forecasts (each series
    in units of the mean absolute change of its held-in part; in log units under the log
    transform, where the network's offsets live) is returned: a model that fits its few
    windows closely learns bands as narrow as its training errors, and this widens them to
    its errors on periods it has not seen (split conformal calibration of one scale).

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
    spread : float
        The factor; 1.0 when no series is long enough.
    """
    pairs = [(_take(s, np.arange(len(s) - horizon)), _take(s, np.arange(len(s) - horizon, len(s))))
             for s in series if len(s) >= 2 * horizon + 3]
    if not pairs:
        return 1.0
    copy = clone(estimator).set_params(calibrate_quantiles=False)
    pasts = [past for past, _ in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy.fit(pasts if len(pasts) > 1 else pasts[0])
    log = copy.transform_ == "log"
    parts = []
    for past, future in pairs:
        point, actual, names, _, levels = _forecast_against(copy, past, future)
        history = np.asarray(past if not hasattr(past, "columns") else past[names],
                             dtype=np.float64).reshape(len(past), -1)[:, :len(names)]
        if log:
            point, actual, levels, history = (np.log(np.maximum(v, 1e-300))
                                              for v in (point, actual, levels, history))
        unit = np.abs(np.diff(history, axis=0)).mean(axis=0)
        unit = np.where(unit > 0, unit, 1.0)
        parts.append((point / unit, (levels - point[..., None]) / unit[:, None],
                      actual / unit))
    losses = [np.mean([scaled_pinball(p, o, a, copy.quantiles_, c) for p, o, a in parts])
              for c in SPREADS]
    return float(SPREADS[int(np.argmin(losses))])
