"""Global models over many (short) series: left-padded windows, the baseline, the loss scale.

A list of series is learned as one network on windows drawn across all of them, each window
normalized by its own context; a series shorter than a window gives one window left-padded
with its first value (the loss skips the padding); the read-out can start at zero so that an
untrained network forecasts a simple baseline (issue 18).
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["AUTO_BASELINES", "BASELINES", "MAX_BATCHES_PER_EPOCH", "MIN_OBSERVED",
           "auto_windows_per_epoch", "backtest_baselines", "fitted_baseline", "init_baseline",
           "is_panel",
           "min_window_length", "network_baseline", "pad_left", "resolve_baseline",
           "window_loss_scale"]

#: ``RNNForecaster(baseline=...)``: what an untrained network forecasts (its read-out starts
#: at zero). "naive": the last value; "seasonal": the value one season before (seasonal
#: naive); "mean": the mean of the window's context (the level ``window_norm`` measures);
#: "drift": the last value plus the training windows' mean change (in the normalized units
#: the network predicts in).
BASELINES = ("naive", "seasonal", "mean", "drift")
#: The candidates of ``baseline="auto"``, in the order that breaks ties ("drift" measured
#: worse than "naive" on the synthetic panel, seeds 0-2, and is not one).
AUTO_BASELINES = ("naive", "seasonal", "mean")
#: A series gives a (left-padded) training window when it holds its horizon plus this many
#: observed steps.
MIN_OBSERVED = 3
#: Series: an epoch draws at most this many batches of windows (all of them when fewer).
MAX_BATCHES_PER_EPOCH = 16


def is_panel(info):
    """Whether a forecaster's ``series_info_`` is that of several series (a global model)."""
    return info is not None and not info["single"] and info.get("n_series", 2) > 1


def backtest_baselines(sequences, feedback, *, period, context, horizon, log=False,
                       scaled=False):
    """In-sample backtest error of every baseline, on the training series themselves.

    Each series' last ``horizon`` real values (of its first feedback feature, in the units
    the network learns: logarithms under ``log``) are forecast from the values before them
    by every baseline of :data:`BASELINES` that applies, and scored by their mean
    absolute error over the series' in-sample one-step naive error (a MASE), averaged over
    the series. Cheap (numpy, no training). The drift is one rate for all the series, as
    the network learns it: the mean change per step of every series (over the standard
    deviation of its last ``context`` values with ``scaled``, revin's units), averaged.

    Returns
    -------
    errors : dict
        Baseline name -> mean scaled error; empty when no series holds ``horizon + 3`` values.
    """
    lengths = sequences.true_lengths()
    period = int(period)
    steps = np.arange(int(horizon))
    parts = []
    for i, n in enumerate(lengths):
        n = int(n)
        if n < min_window_length(horizon):
            continue
        values = sequences.values[i, :n, int(feedback[0])].astype(np.float64)
        if log:
            values = np.log(values)
        train = values[:-horizon]
        error_scale = np.mean(np.abs(np.diff(train)))
        if not np.isfinite(error_scale) or error_scale <= 1e-12:
            continue
        unit = train[-int(context or len(train)):].std() if scaled else 1.0
        parts.append((train, values[-horizon:], error_scale, unit if unit > 1e-12 else 1.0))
    rate = np.mean([np.mean(np.diff(train)) / unit for train, _, _, unit in parts]) \
        if parts else 0.0
    rows = {name: [] for name in BASELINES}
    for train, test, scale, unit in parts:
        forecasts = {"naive": np.full(horizon, train[-1]),
                     "drift": train[-1] + (steps + 1) * rate * unit}
        if period > 1:  # the last value where the series is shorter than a season
            season = train[-period:] if len(train) >= period else np.full(period, train[-1])
            forecasts["seasonal"] = season[steps % period]
        if context is not None:
            forecasts["mean"] = np.full(horizon, train[-int(context):].mean())
        for name, forecast in forecasts.items():
            rows[name].append(np.mean(np.abs(forecast - test)) / scale)
    n_scored = len(rows["naive"])
    return {name: float(np.mean(r)) for name, r in rows.items() if r and len(r) == n_scored}


def resolve_baseline(baseline, info, errors=None):
    """The fitted ``baseline_``.

    ``"auto"`` on several series (a global model): the baseline of :data:`AUTO_BASELINES`
    with the smallest in-sample backtest error ``errors`` (see :func:`backtest_baselines`);
    on one series, on sequences, or when nothing could be scored: None, the read-out's
    random start (on single series every zero read-out measured worse than it but on nile:
    sunspots, airline, shampoo, uschange; see benchmarks/bench_forecasting_panel.py).
    """
    if baseline == "auto":
        errors = {name: e for name, e in (errors or {}).items() if name in AUTO_BASELINES}
        if not is_panel(info) or not errors:
            return None
        return min(errors, key=lambda name: (errors[name], AUTO_BASELINES.index(name)))
    return baseline


def fitted_baseline(baseline, info, sequences, feedback, *, period, seasonal_inputs, context,
                    horizon, window_norm, log):
    """``RNNForecaster.baseline_`` from its ``baseline`` and fitted window set-up.

    ``"auto"`` reads the in-sample backtest of the training series (several series only, see
    :func:`resolve_baseline`); ``"seasonal"`` with ``m = 1`` is ``"naive"``; a baseline
    that needs the seasonal inputs or a window normalization the fit lacks is refused.
    """
    errors = None
    if baseline == "auto" and is_panel(info) and horizon is not None:
        errors = backtest_baselines(
            sequences, feedback, period=period if seasonal_inputs else 1,
            context=context if window_norm is not None else None, horizon=horizon, log=log,
            scaled=window_norm == "revin")
    baseline = resolve_baseline(baseline, info, errors)
    if baseline == "seasonal" and period == 1:
        return "naive"  # one season back is the last value
    if baseline == "seasonal" and not seasonal_inputs:
        raise ValueError(
            "baseline='seasonal' forecasts the value one season back, which the network "
            "reads with its seasonal inputs: pass seasonal_inputs=True (or 'auto') with "
            "windows (context_length), or another baseline.")
    if baseline == "mean" and window_norm is None:
        raise ValueError(
            "baseline='mean' forecasts the level of each window's context, which needs "
            "window_norm='revin' or 'mean' (or 'auto') with windows: pass one, or another "
            "baseline.")
    return baseline


def network_baseline(baseline):
    """The :class:`~seqestimators.networks.FeedbackNetwork` ``baseline`` of ``baseline_``:
    what the read-out's change is added to (the fed-back value for "naive" and "drift")."""
    return baseline if baseline in ("seasonal", "mean") else None


def min_window_length(horizon):
    """Fewest real steps a sequence needs to give (left-padded) training windows."""
    return int(horizon) + MIN_OBSERVED


def auto_windows_per_epoch(lengths, context, horizon, batch_size):
    """Windows per epoch for series: every distinct one, at most 16 batches (None: all)."""
    lengths = np.asarray(lengths)
    n_windows = int(np.maximum(lengths - (context + horizon) + 1,
                               (lengths >= min_window_length(horizon)).astype(int)).sum())
    cap = MAX_BATCHES_PER_EPOCH * max(int(batch_size), 1)
    return None if n_windows <= cap or batch_size == -1 else cap


def pad_left(values, width):
    """``values (n, k)`` left-padded to ``width`` rows by repeating its first row."""
    short = int(width) - len(values)
    if short <= 0:
        return values
    return np.concatenate([np.repeat(values[:1], short, axis=0), values], axis=0)


def window_loss_scale(module, batch):
    """Per-window loss scale ``(batch, n_targets)`` of revin-normalized training windows: the
    context's standard deviation times the network's normalized target scale, so that every
    series weighs the same in the loss, whatever its units."""
    X = batch.X.to(module.target_scale.dtype)
    with torch.no_grad():
        _, scale = module.instance_stats(X, None, batch.n_context)
    # Past the context every step reads the whole context's statistics.
    return scale[:, -1] * module.target_scale


def init_baseline(module, baseline):
    """Zero the read-out so that the untrained network forecasts ``baseline``.

    The network's output is its fed-back input (or, with the network's own ``baseline``, the
    value one season back or the context's mean; see :func:`network_baseline`) plus
    ``head(hidden) * target_scale + target_mean`` (``residual=True``): with a zero head the
    output is that value ("naive", "seasonal", "mean": ``target_mean`` set to 0 too) or the
    last value plus the training windows' mean change ("drift"). The head's weights still
    learn (their gradient is the hidden output's).
    """
    if baseline is None:
        return
    with torch.no_grad():
        module.head.weight.zero_()
        module.head.bias.zero_()
        if baseline != "drift":
            module.target_mean.zero_()
