"""Global models over many (short) series: left-padded windows, the baseline, the loss scale.

A list of series is learned as one network on windows drawn across all of them, each window
normalized by its own context; a series shorter than a window gives one window left-padded
with its first value (the loss skips the padding); the read-out can start at zero so that an
untrained network forecasts a simple baseline (issue 18).
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["BASELINES", "MAX_BATCHES_PER_EPOCH", "MIN_OBSERVED", "auto_windows_per_epoch",
           "fitted_baseline", "init_baseline", "is_panel",
           "min_window_length", "network_baseline", "pad_left", "resolve_baseline",
           "window_loss_scale"]

#: ``RNNForecaster(baseline=...)``: what an untrained network forecasts (its read-out starts
#: at zero). "naive": the last value; "seasonal": the value one season before (seasonal
#: naive); "mean": the mean of the window's context (the level ``window_norm`` measures);
#: "drift": the last value plus the training windows' mean change (in the normalized units
#: the network predicts in).
BASELINES = ("naive", "seasonal", "mean", "drift")
#: A series gives a (left-padded) training window when it holds its horizon plus this many
#: observed steps.
MIN_OBSERVED = 3
#: Series: an epoch draws at most this many batches of windows (all of them when fewer).
MAX_BATCHES_PER_EPOCH = 16


def is_panel(info):
    """Whether a forecaster's ``series_info_`` is that of several series (a global model)."""
    return info is not None and not info["single"] and info.get("n_series", 2) > 1


def resolve_baseline(baseline, info):
    """The fitted ``baseline_``: ``"auto"`` is ``"naive"`` on several series, else None.

    Measured (benchmarks/bench_forecasting_panel.py, 3 seeds): on single series every zero
    read-out lost to the random one but on nile (sunspots, airline, shampoo, uschange); on a
    monthly seasonal panel "seasonal" lost to "naive" (sMAPE 4.63 against 4.30), and "drift"
    lost to "naive" on the synthetic panel, so neither is chosen automatically.
    """
    if baseline == "auto":
        return "naive" if is_panel(info) else None
    return baseline


def fitted_baseline(baseline, info, *, period, seasonal_inputs, window_norm):
    """``RNNForecaster.baseline_`` from its ``baseline`` and fitted window set-up.

    ``"auto"``: see :func:`resolve_baseline`; ``"seasonal"`` with ``m = 1`` is ``"naive"``;
    a baseline that needs the seasonal inputs or a window normalization the fit lacks is
    refused.
    """
    baseline = resolve_baseline(baseline, info)
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
