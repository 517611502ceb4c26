"""Plots of sequences, targets and predictions.

The functions here build :class:`matplotlib.figure.Figure` objects directly, without
:mod:`matplotlib.pyplot`: they never open a window, never touch the global backend and are safe
in scripts, tests and servers. Save a figure with :func:`save_figure` (or ``fig.savefig``); to
show one in a notebook or in the Sphinx plot directive, pass a pyplot figure as ``fig``.

Colours follow the figures of the questions this project answers: inputs in blue, targets in
red, predictions in green.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .sequences import is_ragged

__all__ = ["plot_sequences", "save_figure"]

INPUT_COLOR = "tab:blue"
TARGET_COLOR = "tab:red"
PREDICTION_COLOR = "tab:green"


def _as_sequence_list(X, name):
    """A list of 2D ``(n_timesteps_i, n_channels)`` arrays from a 2D/3D array or a ragged list."""
    if X is None:
        return None
    if hasattr(X, "to_numpy") and hasattr(X, "index") and getattr(X.index, "nlevels", 1) == 2:
        from .sequences import frame_to_sequences

        seqs = frame_to_sequences(X)
    elif is_ragged(X):
        seqs = [np.asarray(s) for s in X]
    else:
        seqs = np.asarray(X)
        if seqs.ndim not in (1, 2, 3):
            raise ValueError(
                f"{name} must be a 1D, 2D or 3D array or a list of arrays; got {seqs.ndim}D."
            )
        if seqs.ndim == 1:  # one value per sequence
            return [np.asarray(v).reshape(1, 1) for v in seqs]
        seqs = list(seqs)
    out = []
    for s in seqs:
        s = np.asarray(s, dtype=float)
        if s.ndim == 0:
            s = s.reshape(1, 1)
        elif s.ndim == 1:
            s = s[:, None]
        elif s.ndim != 2:
            raise ValueError(f"Each sequence of {name} must be 1D or 2D; got {s.ndim}D.")
        out.append(s)
    return out


def _per_sequence(y):
    """True when a target is one value per sequence (a 1D array of scalars)."""
    return y is not None and not is_ragged(y) and np.ndim(y) == 1


def _names(names, n, default):
    if names is None:
        return [f"{default}{j}" if n > 1 else default for j in range(n)]
    names = list(names)
    if len(names) != n:
        raise ValueError(f"Got {len(names)} names for {n} {default} channel(s).")
    return names


def _shades(color_map, n):
    """``n`` distinct shades from a matplotlib colormap, darkest first; the base colour if n=1."""
    from matplotlib import colormaps

    cmap = colormaps[color_map]
    return [cmap(v) for v in np.linspace(0.9, 0.45, n)]


def plot_sequences(
    X,
    y=None,
    y_pred=None,
    *,
    n_sequences=3,
    feature_names=None,
    target_names=None,
    features=None,
    secondary_y=False,
    offset=0.0,
    drawstyle="default",
    title=None,
    figsize=None,
    fig=None,
):
    """Plot a few sequences: inputs (blue), targets (red) and predictions (green) over time.

    One subplot row per sequence, sharing the time axis.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
list of array-like, or DataFrame
        The input sequences: a 3D array, a 2D array of univariate sequences, a ragged list of
        ``(n_timesteps_i[, n_features])`` arrays or a long-format DataFrame with a MultiIndex
        ``(sample, timestep)``.

    y : array-like of shape (n_samples,), (n_samples, n_timesteps) or \
(n_samples, n_timesteps, n_targets), list of array-like, or None, default=None
        Targets. One value per sequence is drawn as a dashed horizontal line and written in the
        row's title.

    y_pred : array-like or None, default=None
        Predictions, in the same layout as ``y``.

    n_sequences : int, default=3
        Number of sequences (the first ones) to draw, one row each.

    feature_names : list of str, default=None
        Legend labels of the input features; by default ``"input"`` (``input0``, ``input1``,
        ... for several features).

    target_names : list of str, default=None
        Legend labels of the targets; by default ``"target"`` (``target0``, ... for several).

    features : list of int or str, default=None
        The input features to draw (indices, or names from ``feature_names``); all by default.

    secondary_y : bool, default=False
        Draw the targets and predictions against a second y axis on the right, for inputs on
        another scale.

    offset : float, default=0.0
        Vertical shift between channels: the k-th drawn input, the k-th target and the k-th
        prediction are shifted by ``-k * offset``, which separates the traces of multichannel
        tasks (e.g. ``offset=3`` for :func:`~seqestimators.datasets.make_flipflop`).

    drawstyle : {"default", "steps-post", "steps-pre", "steps-mid"}, default="default"
        How consecutive points are joined (see :meth:`matplotlib.lines.Line2D.set_drawstyle`);
        ``"steps-post"`` suits discrete symbols and pulses.

    title : str, default=None
        Title of the whole figure.

    figsize : tuple of (float, float), default=None
        Figure size in inches when a new figure is created; by default 10 inches wide and
        2.2 inches per row.

    fig : :class:`~matplotlib.figure.Figure`, default=None
        A figure to draw into, e.g. ``plt.figure()`` to display the result with pyplot; it is
        cleared and given the constrained layout. By default a new figure, not managed by
        pyplot, is created.

    Returns
    -------
    fig : :class:`~matplotlib.figure.Figure`
        The figure, with one axes per drawn sequence (plus the twin axes with
        ``secondary_y=True``).

    Examples
    --------
    >>> from seqestimators.datasets import make_burst
    >>> from seqestimators.plotting import plot_sequences
    >>> X, y = make_burst(n_samples=5, random_state=1, return_X_y=True)
    >>> fig = plot_sequences(X, y, n_sequences=2, feature_names=["signal"])
    >>> len(fig.axes)
    2
    """
    xs = _as_sequence_list(X, "X")
    if not xs:
        raise ValueError("X holds no sequence to plot.")
    ys = _as_sequence_list(y, "y")
    preds = _as_sequence_list(y_pred, "y_pred")
    for other, name in ((ys, "y"), (preds, "y_pred")):
        if other is not None and len(other) != len(xs):
            raise ValueError(
                f"X and {name} have inconsistent numbers of sequences: {len(xs)} and {len(other)}."
            )
    if int(n_sequences) < 1:
        raise ValueError(f"n_sequences must be at least 1; got {n_sequences}.")
    n_rows = min(int(n_sequences), len(xs))

    n_features = xs[0].shape[1]
    feature_names = _names(feature_names, n_features, "input")
    if features is None:
        columns = list(range(n_features))
    else:
        columns = [feature_names.index(f) if isinstance(f, str) else int(f) for f in features]
    ref = ys if ys is not None else preds
    n_targets = ref[0].shape[1] if ref is not None else 0
    target_names = _names(target_names, n_targets, "target") if n_targets else []

    if fig is None:
        fig = Figure(figsize=figsize or (10, 0.6 + 2.2 * n_rows), layout="constrained")
    else:
        fig.clear()
        fig.set_layout_engine("constrained")
    axes = fig.subplots(n_rows, 1, sharex=True, squeeze=False)[:, 0]
    in_colors = [INPUT_COLOR] if len(columns) == 1 else _shades("Blues", len(columns))
    tg_colors = [TARGET_COLOR] if n_targets == 1 else _shades("Reds", max(n_targets, 1))
    pr_colors = [PREDICTION_COLOR] if n_targets == 1 else _shades("Greens", max(n_targets, 1))

    for row, ax in enumerate(axes):
        seq = xs[row]
        t = np.arange(len(seq))
        handles = []
        for k, (color, j) in enumerate(zip(in_colors, columns)):
            handles += ax.plot(t, seq[:, j] - k * offset, color=color, lw=1.3,
                               drawstyle=drawstyle, label=feature_names[j])
        tax = ax.twinx() if secondary_y and n_targets else ax
        label_parts = [f"sample {row}"]
        for values, colors, kind, scalar in (
            (ys, tg_colors, "target", _per_sequence(y)),
            (preds, pr_colors, "predicted", _per_sequence(y_pred)),
        ):
            if values is None:
                continue
            v = values[row]
            for k in range(v.shape[1]):
                name = target_names[k] if kind == "target" else f"{target_names[k]} (predicted)"
                if scalar:
                    handles.append(tax.axhline(v[0, k] - k * offset, color=colors[k], ls="--",
                                               lw=1.5, label=name))
                    label_parts.append(f"{kind}: {v[0, k]:.3g}")
                else:
                    handles += tax.plot(np.arange(len(v)), v[:, k] - k * offset, color=colors[k],
                                        lw=1.5 if kind == "target" else 1.2,
                                        drawstyle=drawstyle, label=name)
        ax.set_title(", ".join(label_parts), fontsize="small", loc="left")
        ax.grid(True, alpha=0.3)
        if tax is not ax:
            tax.tick_params(axis="y", colors=TARGET_COLOR)
        if row == 0:
            legend_handles = handles
    axes[-1].set_xlabel("timestep")
    if title is not None:
        fig.suptitle(title)
    fig.legend(handles=legend_handles, loc="outside lower center", fontsize="small",
               ncols=min(len(legend_handles), 6), frameon=False)
    return fig


def save_figure(fig, path, *, dpi=100):
    """Save a figure to a file, creating the parent folder when needed.

    Parameters
    ----------
    fig : :class:`~matplotlib.figure.Figure`
        The figure to save.
    path : str or path-like
        Destination; the format follows the suffix (``.png``, ``.svg``, ``.pdf``...).
    dpi : int, default=100
        Resolution of raster formats.

    Returns
    -------
    path : pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from seqestimators.plotting import plot_sequences, save_figure
    >>> fig = plot_sequences([[0.0, 1.0, 0.0]], [[1, 1, 0]])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_figure(fig, pathlib.Path(tmp) / "sub" / "fig.png").name
    'fig.png'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path
