"""``convergence``: the training loss diverged, stalled from the start, or was still falling.

The verdict reads the learning curve that :meth:`Diagnosis.plot` draws: the loss of the first
batch at epoch 0 (before any optimizer step) and the mean training loss of every epoch (or
``partial_fit`` call) after it.
"""

from __future__ import annotations

import numpy as np

from ._result import Check, finding

#: The training loss has levelled off when, over the last points of the curve, the
#: least-squares line changes it by less than this fraction of its level per epoch.
SLOPE_TOL = 0.005
#: A loss below this fraction of its initial value is near zero: fitted, wherever it goes.
NEAR_ZERO = 0.01
#: A loss rising at the end to more than this multiple of its lowest epoch: unstable training.
RISE = 1.5


def trend_window(n):
    """How many of the last points of an ``n``-point curve the trend is measured on."""
    return min(n, max(3, int(np.ceil(n / 5))))


def relative_slope(losses):
    """Least-squares slope of the last :func:`trend_window` points over their mean level
    (-0.01: the loss falls by 1 % per epoch), and the number of points."""
    losses = np.asarray(losses, dtype=float)
    k = trend_window(len(losses))
    if k < 2:
        return 0.0, k
    tail = losses[-k:]
    slope = np.polyfit(np.arange(k, dtype=float), tail, 1)[0]
    return float(slope / max(abs(float(np.mean(tail))), 1e-12)), k


def _plural(n, unit):
    return f"{n} {unit}{'es' if unit == 'batch' and n != 1 else 's' if n != 1 else ''}"


def check_convergence(ev, findings):
    net, history, chunked = ev.net, ev.history, ev.chunk_length is not None
    if ev.diverged is not None:
        return finding("convergence", "fail", f"training diverged: {ev.diverged}",
                       "lower lr (e.g. lr=" f"{net.lr / 10:g}), keep gradient clipping on "
                       "(callbacks__gradient_clip__gradient_clip_value=1.0) and scale the "
                       "inputs and targets (SequenceScaler)")
    losses = history["train_loss"].to_numpy(float) if len(history) else np.array([])
    if not len(losses):
        return finding("convergence", "ok", "not checked: the estimator has no training "
                       "history")
    if not np.all(np.isfinite(losses)):
        bad = int(np.flatnonzero(~np.isfinite(losses))[0]) + 1
        return finding("convergence", "fail", f"the training loss became {losses[bad - 1]} in "
                       f"epoch {bad}: training diverged",
                       f"lower lr (e.g. lr={net.lr / 10:g}) and scale the inputs and targets")
    unit = "partial_fit call" if chunked else "epoch"
    n = len(losses)
    start = ev.initial_loss if ev.initial_loss is not None and np.isfinite(ev.initial_loss) \
        else None
    if n == 1 and not chunked:
        batches = [b.get("train_loss", np.nan) for epoch in net.history_
                   for b in epoch.get("batches", []) if "train_loss" in b]
        if len(batches) < 4:
            return finding("convergence", "ok", f"not measured: one epoch of "
                           f"{len(batches)} batch(es), loss {losses[0]:.4g}")
        # One epoch: its batches are the curve (the figure shows the epoch's mean only).
        losses, n, unit = np.asarray(batches, dtype=float), len(batches), "batch"
        start = losses[0]
    end = float(losses[-1])
    if unit == "batch":
        evidence = f"training loss {start:.4g} in the first batch, {end:.4g} in the last"
    elif start is None:
        start = float(losses[0])
        evidence = f"training loss {start:.4g} after {unit} 1, {end:.4g} after {unit} {n}"
    else:
        evidence = (f"training loss {start:.4g} at {unit} 0 (the first batch, before any "
                    f"step), {end:.4g} after {unit} {n}")
    if unit == "batch":
        evidence += f" ({n} batches of the only epoch)"
    scale = max(abs(start), 1e-12)
    slope, k = relative_slope(losses)
    level = float(np.mean(losses[-k:]))
    evidence += (f"; over the last {_plural(k, unit)} it averages {level:.4g} "
                 f"({100 * (start - level) / scale:.1f}% below the start) and changes by "
                 f"{100 * slope:+.2f}% per {unit} (flat means within ±{100 * SLOPE_TOL:g}%)")
    if level <= NEAR_ZERO * scale:
        return finding("convergence", "ok", evidence + f": near zero (below {100 * NEAR_ZERO:g}% "
                       "of the start)")
    if (start - level) / scale < 0.01:
        return finding("convergence", "fail", evidence + ": no progress from the start",
                       f"the optimizer does not move the loss: try another learning rate "
                       f"(lr={net.lr:g} now; e.g. {net.lr * 3:g} or {net.lr / 3:g}) and "
                       "scale the inputs and targets to unit scale")
    max_epochs = int(getattr(net, "max_epochs", n) or n)
    n_iter = getattr(net, "n_iter_", n)
    capped = chunked or unit == "batch" or n_iter >= max_epochs
    if -slope <= SLOPE_TOL and slope <= SLOPE_TOL:
        return finding("convergence", "ok", evidence + ": the loss has levelled off")
    if slope > SLOPE_TOL:
        lowest = int(np.argmin(losses))
        # Per-call (chunk) and per-batch losses are too noisy for their lowest point to count.
        if unit == "epoch" and end > RISE * losses[lowest]:
            return finding("convergence", "warn", evidence + f": it rises at the end, to "
                           f"{end / losses[lowest]:.2g} x its lowest ({losses[lowest]:.4g} after "
                           f"{unit} {lowest + 1}): unstable training",
                           f"lower lr (e.g. lr={net.lr / 3:g}), keep gradient clipping on "
                           "(callbacks__gradient_clip__gradient_clip_value=1.0), or "
                           "early_stopping=True to keep the best epoch's weights")
        return finding("convergence", "ok", evidence + ": no longer falling (it wobbles "
                       f"within {RISE:g} x its lowest value)")
    if not capped:
        return finding("convergence", "ok", evidence + f": still falling, but training "
                       f"stopped itself after {n_iter} of max_epochs={max_epochs} (its "
                       "monitored loss no longer improved)")
    more = f"max_epochs={2 * max(max_epochs, 1)}"
    return finding("convergence", "warn", evidence + ": still falling when training "
                   "stopped",
                   "train longer: more data or passes over the stream" if chunked else
                   f"raise max_epochs (e.g. {more}), or set n_iter_no_change/early_stopping "
                   "so that training stops when learned")


CHECK = Check("convergence", check_convergence,
              summary="the training loss diverged, stalled from the start, or was still "
                      "falling when max_epochs stopped it")
