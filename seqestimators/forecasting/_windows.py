"""Training windows drawn from long series, and the trailing windows that predictions read."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from ..data import Batch, resolve_dataset
from ._panel import min_window_length
from ._seasonality import detect_seasonal_period

__all__ = ["WindowBatch", "WindowBatchIterator", "auto_context", "auto_horizon", "last_steps",
           "resolve_windows", "short_series_windows", "trailing_windows",
           "window_views"]

#: A few long series: fewer sequences than this fraction of a batch are cut into windows.
AUTO_WINDOW_MIN_LENGTH = 1.5


@dataclass(frozen=True)
class WindowBatch(Batch):
    """A batch of training windows: a :class:`~seqestimators.data.Batch` whose first
    ``n_context`` timesteps are the observed context of every window, the rest its horizon.

    Attributes
    ----------
    n_context : int
        Leading timesteps of every window that are observed; the network measures each
        window's level and scale on them and forecasts the timesteps after them.
    n_pad : Tensor of shape (batch,) or None
        Leading timesteps of each window that repeat its sequence's first value (a sequence
        shorter than a window); the loss skips them. None: no window is padded.
    """

    n_context: int = 0
    n_pad: torch.Tensor | None = None

    def loss_mask(self, n_timesteps=None):
        if self.n_pad is None:
            return super().loss_mask(n_timesteps)
        n = self.X.shape[1] if n_timesteps is None else n_timesteps
        steps = torch.arange(n, device=self.n_pad.device)
        return steps[None, :] >= self.n_pad[:, None]

    def to(self, device, dtype=None):
        moved = super().to(device, dtype)
        return moved if self.n_pad is None else replace(moved, n_pad=self.n_pad.to(device))


class WindowBatchIterator:
    """Mini-batches of windows drawn from long sequences, at fresh offsets every pass.

    Every pass (epoch) draws ``windows_per_epoch`` windows of ``window_length`` consecutive
    timesteps among all the windows that fit inside a sequence (ragged sequences: inside its
    real timesteps; a sequence shorter than a window gives none), with torch's global
    generator (the estimators seed it from ``random_state``), and yields them in batches of
    ``batch_size``, as :class:`WindowBatch` objects: each tells the network how many leading
    timesteps are its context (``n_context``), the observed part of the window from which its
    level and scale are measured; the timesteps after it are the horizon, forecast in closed
    loop when the estimator trains that way.

    Parameters
    ----------
    dataset : SequenceDataset or torch.utils.data.Subset of one
        Long sequences ``X (n_series, n_timesteps, n_features)`` and per-timestep targets.
    window_length : int
        Timesteps per window (context and horizon).
    n_context : int
        Leading timesteps of each window that are its observed context.
    windows_per_epoch : int or None, default=None
        Windows per pass; None: as many as there are distinct windows, every one of them once
        in a fresh random order. A number above that draws offsets with replacement.
    batch_size : int, default=32
        Windows per batch; ``-1``: all the windows of a pass in one batch.
    shuffle : bool, default=True
        Ignored (windows are always drawn at random); accepted because the estimators pass it.
    min_length : int, default=None
        A sequence shorter than a window but with at least ``min_length`` real timesteps
        gives one window ending at its end, left-padded with its first timestep (its
        :class:`WindowBatch` then holds ``n_pad``, which the loss skips). None: such
        sequences give no window.
    loss_skip : int, default=0
        Leading timesteps of every window that the loss skips (``n_pad`` at least this), e.g.
        the first season, where a seasonal baseline has no value one season back yet.

    Examples
    --------
    >>> import torch
    >>> from seqestimators.data import SequenceDataset
    >>> from seqestimators.forecasting import WindowBatchIterator
    >>> X = torch.arange(20.0).reshape(1, 20, 1)
    >>> it = WindowBatchIterator(SequenceDataset(X, None, X[..., 0] + 1), window_length=8,
    ...                          n_context=5, batch_size=4)
    >>> len(it.starts), len(it)
    (13, 4)
    >>> Xi, yi = next(iter(it))
    >>> Xi.X.shape, yi.shape, Xi.n_context
    (torch.Size([4, 8, 1]), torch.Size([4, 8]), 5)
    """

    def __init__(self, dataset, window_length, n_context, windows_per_epoch=None,
                 batch_size=32, shuffle=True, min_length=None, loss_skip=0):
        self.dataset = resolve_dataset(dataset)
        self.loss_skip = int(loss_skip)
        self.min_length = min_length
        self.window_length = int(window_length)
        self.n_context = int(n_context)
        self.windows_per_epoch = windows_per_epoch
        lengths = self.dataset.lengths.cpu()
        series, starts = [], []
        for i, length in enumerate(lengths.tolist()):
            n = int(length) - self.window_length + 1
            if n > 0:
                series.append(torch.full((n,), i, dtype=torch.long))
                starts.append(torch.arange(n))
            elif min_length is not None and int(length) >= min_length:
                # One window ending at the sequence's end, left-padded (its loss masked).
                series.append(torch.full((1,), i, dtype=torch.long))
                starts.append(torch.tensor([n - 1]))
        if not starts:
            raise ValueError(
                f"No sequence holds a window of {self.window_length} timesteps (the longest has "
                f"{int(lengths.max())}): pass a shorter context_length or horizon."
            )
        self.series = torch.cat(series)
        self.starts = torch.cat(starts)
        size = len(self.starts) if windows_per_epoch is None else int(windows_per_epoch)
        self.n_windows = size
        self.batch_size = size if int(batch_size) == -1 else int(batch_size)

    def __len__(self):
        return -(-self.n_windows // self.batch_size)

    def _draw(self):
        n_valid = len(self.starts)
        if self.n_windows <= n_valid:
            return torch.randperm(n_valid)[:self.n_windows]
        return torch.randint(n_valid, (self.n_windows,))

    def __iter__(self):
        data = self.dataset
        device = data.X.device
        offsets = torch.arange(self.window_length, device=device)
        chosen = self._draw().to(device)
        series, starts = self.series.to(device), self.starts.to(device)
        for begin in range(0, self.n_windows, self.batch_size):
            pick = chosen[begin:begin + self.batch_size]
            rows = series[pick][:, None]
            steps = starts[pick][:, None] + offsets[None, :]
            n_pad = (-starts[pick]).clamp(min=self.loss_skip)
            steps = steps.clamp(min=0)  # a left-padded window repeats its first timestep
            X = data.X[rows, steps]
            lengths = torch.full((len(pick),), self.window_length, dtype=torch.long,
                                 device=device)
            yield (WindowBatch(X, lengths, n_context=self.n_context,
                               n_pad=n_pad if bool((n_pad > 0).any()) else None),
                   data.y[rows, steps])


def window_views(values, lengths, n_context):
    """Every timestep's trailing window of at most ``n_context`` steps, left-aligned.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_features)
    lengths : ndarray of shape (n_samples,)
    n_context : int

    Returns
    -------
    windows : ndarray of shape (sum(lengths), min(n_context, n_timesteps), n_features)
        Window ``j`` ends with its timestep and is padded with zeros after its length.
    window_lengths : ndarray of shape (sum(lengths),)
    """
    n_samples, n_timesteps, n_features = values.shape
    width = min(int(n_context), n_timesteps)
    padded = np.concatenate([values, np.zeros((n_samples, width, n_features), values.dtype)],
                            axis=1)
    rows, ends = [], []
    for i, length in enumerate(lengths):
        rows.append(np.full(int(length), i))
        ends.append(np.arange(int(length)))
    rows, ends = np.concatenate(rows), np.concatenate(ends)
    starts = np.maximum(ends - width + 1, 0)
    window_lengths = ends - starts + 1
    index = starts[:, None] + np.arange(width)[None, :]
    windows = padded[rows[:, None], index]
    windows[np.arange(width)[None, :] >= window_lengths[:, None]] = 0
    return windows, window_lengths



def trailing_windows(X, lengths, n_context):
    """:func:`window_views` on a torch batch: every real timestep's trailing window.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_timesteps, n_features)
    lengths : Tensor of shape (n_samples,)
    n_context : int

    Returns
    -------
    windows : Tensor of shape (n_windows, min(n_context, n_timesteps), n_features)
        Left-aligned, zero after their length, in the order of the real timesteps.
    window_lengths, rows, steps : Tensor of shape (n_windows,)
        Each window's length, and the sequence and timestep it ends at.
    """
    n_timesteps = X.shape[1]
    device = X.device
    width = min(int(n_context), n_timesteps)
    lengths = torch.as_tensor(lengths, device=device)
    real = torch.arange(n_timesteps, device=device)[None, :] < lengths[:, None]
    rows, steps = real.nonzero(as_tuple=True)
    starts = (steps - width + 1).clamp(min=0)
    window_lengths = steps - starts + 1
    offsets = torch.arange(width, device=device)
    index = (starts[:, None] + offsets[None, :]).clamp(max=n_timesteps - 1)
    windows = X[rows[:, None], index]
    padding = offsets[None, :] >= window_lengths[:, None]
    return windows.masked_fill(padding[..., None], 0), window_lengths, rows, steps


def auto_horizon(period):
    """Closed-loop steps per training window: two seasons, at least 6 steps."""
    return max(2 * period, 6)


def auto_context(period):
    """Observed steps per training window: three seasons, at least 8 steps."""
    return max(3 * period, 8)


def short_series_windows(n_longest, context, horizon):
    """``(context, horizon)`` for series too short for the automatic ones.

    When the longest series holds fewer than :data:`AUTO_WINDOW_MIN_LENGTH` windows of
    ``context + horizon`` timesteps (a monthly series of fewer than about five years), the
    window shrinks to ``n_longest / 1.5`` timesteps, two fifths of it (at least one step) the
    horizon and the rest (at least two steps) the context, so that the series still gives a
    few windows to learn from. Unchanged when the series are long enough or too short for a
    window of three timesteps.
    """
    if n_longest >= AUTO_WINDOW_MIN_LENGTH * (context + horizon):
        return context, horizon
    length = int(n_longest / AUTO_WINDOW_MIN_LENGTH)
    if length < 3:
        return context, horizon
    new_horizon = min(horizon, max(1, round(0.4 * length)))
    return min(context, max(length - new_horizon, 2)), new_horizon


def last_steps(values, lengths, n):
    """The last ``n`` real timesteps of every sequence, left-aligned (and their lengths)."""
    width = min(int(n), values.shape[1])
    starts = np.maximum(lengths - width, 0)
    new_lengths = lengths - starts
    index = np.minimum(starts[:, None] + np.arange(width)[None, :], values.shape[1] - 1)
    cropped = values[np.arange(len(values))[:, None], index]
    cropped[np.arange(width)[None, :] >= new_lengths[:, None]] = 0
    return np.ascontiguousarray(cropped), new_lengths.astype(np.int64)


def resolve_windows(params, sequences, feedback, *, period=None, sequential=False,
                    series=False):
    """The fitted window set-up: seasonal period, context, horizon, normalization, mode.

    Parameters
    ----------
    params : dict
        The forecaster's parameters (``get_params(deep=False)``).
    sequences : Sequences
        The training sequences.
    feedback : ndarray of int
        ``feedback_features_``; the season is detected on the first one.
    period : int, default=None
        The seasonal period of the training series' time index, when known.
    sequential : bool, default=False
        Whether training runs one stream in order (carried state or truncated BPTT), which
        windows drawn at random offsets cannot do.
    series : bool, default=False
        Whether the sequences are series (``fit(series)``): then always learned from
        windows, however many, a series shorter than a window left-padded.

    Returns
    -------
    fitted : dict
        ``seasonal_period_``, ``context_length_``, ``horizon_``, ``window_norm_`` (still
        ``"auto"`` until the transform is known), ``training_`` and ``seasonal_inputs_``.
    """
    lengths = sequences.true_lengths()
    longest = int(lengths.argmax())
    m = params["seasonal_period"]
    if m == "auto":
        m = period
        if m is None:
            values = sequences.values[longest, :int(lengths[longest])]
            m = detect_seasonal_period(values[:, feedback[0]]) if len(values) >= 8 else 1
    m = int(m)
    horizon = auto_horizon(m) if params["horizon"] == "auto" else int(params["horizon"])
    context = params["context_length"]
    if context == "auto":
        context = auto_context(m)
        if series and params["horizon"] == "auto":
            context, horizon = short_series_windows(int(lengths.max()), context, horizon)
        batch_size = params["batch_size"]
        few = sequences.n_samples * 4 <= max(batch_size, 1) or \
            (batch_size == -1 and sequences.n_samples <= 8)
        long_enough = lengths.max() >= AUTO_WINDOW_MIN_LENGTH * (context + horizon)
        # Series, a list of many short ones too: one global model on windows scaled each by
        # its own context (those shorter than a window left-padded, see get_iterator).
        on_series = series and lengths.max() >= min_window_length(horizon)
        if not (few or on_series) or not (long_enough or on_series) or sequential:
            context = None
    if context is not None and lengths.max() < context + horizon and not (
            series and params["context_length"] == "auto"):
        raise ValueError(
            f"context_length={context} and horizon={horizon} make training windows of "
            f"{context + horizon} timesteps, but the longest sequence has "
            f"{int(lengths.max())}: pass shorter ones.")
    training = params["training"]
    if training == "auto":
        training = "free_running" if context is not None else "teacher_forcing"
    seasonal = params["seasonal_inputs"]
    if seasonal == "auto":
        seasonal = context is not None
    return {
        "seasonal_period_": m,
        "context_length_": None if context is None else int(context),
        "horizon_": None if context is None else int(horizon),
        "window_norm_": params["window_norm"] if context is not None else None,
        "training_": training,
        "seasonal_inputs_": bool(seasonal) and m > 1,
    }
