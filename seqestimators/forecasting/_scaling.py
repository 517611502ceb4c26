"""Scaling inside the forecaster: standardization statistics, window norms and the log transform."""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["WINDOW_NORMS", "check_positive", "check_window_params", "log_targets",
           "resolve_transform", "scaling", "transform_sequences"]

#: Normalizations of a training window by its own context (``RNNForecaster(window_norm=...)``).
WINDOW_NORMS = ("revin", "mean")


def scaling(sequences, targets, feedback, residual, context=None, horizon=None,
            window_norm=None, min_length=None):
    """Per-feature and per-target (or per-change) mean and standard deviation over real steps.

    With ``window_norm``, the statistics of the feedback features, targets and changes are
    those of the training windows normalized by their own context, as the network sees them;
    ``loss_scale`` keeps the scale of the targets (or changes) in the data's units. With
    ``min_length``, a sequence shorter than a window but with at least ``min_length`` real
    steps gives one left-padded window, as
    :class:`~seqestimators.forecasting.WindowBatchIterator` draws it.
    """
    stats = plain_scaling(sequences.values, sequences.mask(), targets, feedback, residual)
    if window_norm is None:
        return stats
    length = context + horizon
    values, lengths = sequences.values, sequences.true_lengths()
    targets = np.asarray(targets, dtype=np.float64)
    rows, starts = [], []
    for i, n in enumerate(lengths):
        if n >= length:
            rows.append(np.full(int(n) - length + 1, i))
            starts.append(np.arange(int(n) - length + 1))
        elif min_length is not None and n >= min_length:  # a left-padded window
            rows.append(np.array([i]))
            starts.append(np.array([int(n) - length]))
    rows, starts = np.concatenate(rows), np.concatenate(starts)
    if len(rows) > 4096:  # evenly spaced windows are enough for a mean and a scale
        pick = np.linspace(0, len(rows) - 1, 4096).astype(int)
        rows, starts = rows[pick], starts[pick]
    index = np.maximum(starts[:, None] + np.arange(length)[None, :], 0)
    win_x = values[rows[:, None], index].astype(np.float64)
    win_y = targets[rows[:, None], index]
    fed = win_x[:, :context][..., feedback]
    loc = fed.mean(axis=1, keepdims=True)
    if window_norm == "revin":
        std = fed.std(axis=1, keepdims=True)
        scale = np.where(std > 1e-6 * np.maximum(np.abs(loc), 1.0), std, 1.0)
    else:
        scale = np.ones_like(loc)
    win_x[..., feedback] = (win_x[..., feedback] - loc) / scale
    win_y = (win_y - loc) / scale
    normalized = plain_scaling(win_x, None, win_y, feedback, residual)
    for key in ("target_mean", "target_scale", "change_mean", "change_scale"):
        stats[key] = normalized[key]
    for name in ("input_mean", "input_scale"):
        merged = np.asarray(stats[name])
        merged[feedback] = np.asarray(normalized[name])[feedback]
        stats[name] = merged.tolist()
    stats["loss_scale"] = plain_scaling(values, sequences.mask(), targets, feedback,
                                         residual)["target_scale"]
    return stats


def plain_scaling(values, mask, targets, feedback, residual):
    values = values.astype(np.float64)
    n_features = values.shape[-1]
    targets = np.asarray(targets, dtype=np.float64)
    fed = values[..., feedback]
    changes = np.diff(fed, axis=1, prepend=fed[:, :1])
    if residual:
        targets = targets - fed
    if mask is not None:
        values, targets, changes = values[mask], targets[mask], changes[mask]
    values = values.reshape(-1, n_features)
    targets = targets.reshape(-1, targets.shape[-1])
    changes = changes.reshape(-1, targets.shape[-1])

    def scale(a):
        std = a.std(axis=0)
        return np.where(std > 1e-8 * np.maximum(np.abs(a).max(axis=0), 1.0), std, 1.0)

    return {
        "input_mean": values.mean(axis=0).tolist(),
        "input_scale": scale(values).tolist(),
        "target_mean": targets.mean(axis=0).tolist(),
        "target_scale": scale(targets).tolist(),
        "change_mean": changes.mean(axis=0).tolist(),
        "change_scale": scale(changes).tolist(),
    }


def _strictly_positive(sequences, targets, feedback):
    """Whether the fed-back features (and targets) are > 0 at every real timestep.

    Padded timesteps are skipped: the zeros that pad ragged series are no values.
    """
    mask = sequences.mask()
    fed = sequences.values[..., feedback]
    arrays = [fed] if targets is None else [fed, np.asarray(targets)]
    return all(bool(np.all(a[mask] > 0)) for a in arrays)


def check_positive(targets, sequences, feedback, name):
    """Refuse values <= 0 in the fed-back features or targets under ``transform="log"``."""
    if not _strictly_positive(sequences, targets, feedback):
        raise ValueError(
            f"transform='log' forecasts the logarithm of the target, but the target (or the "
            f"fed-back features {np.asarray(feedback).tolist()}) holds values <= 0. Use "
            f"transform=None for series that are not strictly positive.")


def log_targets(targets, sequences):
    """The logarithm of per-timestep ``targets`` at real timesteps (padding stays 0)."""
    out = np.asarray(targets, dtype=np.float64).copy()
    mask = sequences.mask()
    out[mask] = np.log(out[mask])
    return out


def transform_sequences(sequences, feedback, fn):
    """Apply ``fn`` to the feedback features of ``sequences`` (on a copy of its values)."""
    values = sequences.values.copy()
    mask = sequences.mask()
    fed = values[..., feedback]
    fed[mask] = fn(fed[mask])
    values[..., feedback] = fed
    sequences.values = values.astype(np.float32)


def resolve_transform(transform, window_norm, sequences, targets, feedback, windows):
    """The fitted transform and window normalization (``transform_``, ``window_norm_``).

    ``transform="auto"`` is the log on windows of a strictly positive target, so that a
    multiplicative season and growth become additive; ``window_norm="auto"`` is ``"mean"``
    with the log (in log units a level is a factor) and ``"revin"`` otherwise.
    """
    if transform == "auto":
        positive = _strictly_positive(sequences, targets, feedback)
        transform = "log" if windows and positive else None
    if window_norm == "auto":
        window_norm = "mean" if transform == "log" else "revin"
    return transform, window_norm


def check_window_params(context_length, window_norm, sequential):
    """Refuse windows with a sequential stream (``sequential``: ``state_policy="carry"`` or
    ``tbptt_steps``), and a window normalization without windows."""
    if isinstance(context_length, Integral) and sequential:
        raise ValueError(
            "context_length trains on windows drawn at random offsets, each from a fresh "
            "state, but state_policy='carry' and tbptt_steps learn one stream in order. "
            "Use context_length=None (or 'auto') with them.")
    if window_norm in WINDOW_NORMS and context_length is None:
        raise ValueError(
            f"window_norm={window_norm!r} normalizes each training window by its own "
            "context, so it needs windows: pass context_length='auto' or an int, or "
            "window_norm=None.")
