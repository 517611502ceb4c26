"""Plots of sequences, targets and predictions.

The functions here build :class:`matplotlib.figure.Figure` objects directly, without
:mod:`matplotlib.pyplot`: they never open a window, never touch the global backend and are safe
in scripts, tests and servers. Save a figure with :func:`save_figure` (or ``fig.savefig``); to
show one in a notebook or in the Sphinx plot directive, pass a pyplot figure as ``fig``.

Colours follow the figures of the questions this project answers: inputs in blue, targets in
red, predictions in green. A target is drawn as a broad, pale band beneath the thin prediction,
so that the two stay visible where they agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .sequences import is_ragged

__all__ = [
    "plot_learning_curves",
    "plot_optimization_history",
    "plot_predictions",
    "plot_search_heatmap",
    "plot_sequences",
    "save_figure",
]

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


def _wrong_timesteps(ys, preds, row):
    """``(n_wrong, n_timesteps)`` of one row when target and prediction are class labels."""
    if ys is None or preds is None:
        return None
    target, pred = ys[row], preds[row]
    if target.shape != pred.shape or len(target) < 2:
        return None
    if not (np.all(target == np.round(target)) and np.all(pred == np.round(pred))):
        return None  # continuous values: no "wrong" timestep
    return int(np.any(target != pred, axis=1).sum()), len(target)


def _default_ylabel(has_target, has_pred, secondary_y):
    drawn = ["target"] * bool(has_target) + ["prediction"] * bool(has_pred)
    if secondary_y and drawn:
        return f"input (left axis), {' and '.join(drawn)} (right axis)"
    return " and ".join([", ".join(["input", *drawn[:-1]]), *drawn[-1:]])


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
    ylabel=None,
    title=None,
    figsize=None,
    fig=None,
):
    """Plot a few sequences: inputs (blue), targets (red) and predictions (green) over time.

    One subplot row per sequence, sharing the time axis. A per-timestep target is a broad pale
    red band drawn beneath the prediction (a thin green line), so that both remain visible
    where they coincide. When targets and predictions are class labels (integers), each row's
    title counts the timesteps the prediction gets wrong.

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

    ylabel : str, default=None
        Label of the shared y axis; by default it names what is drawn, e.g. ``"input, target
        and prediction"`` (with ``secondary_y``, which axis holds what).

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
                    handles.append(tax.axhline(v[0, k] - k * offset, color=colors[k],
                                               ls="--" if kind == "target" else "-",
                                               lw=3.5 if kind == "target" else 1.4,
                                               alpha=0.45 if kind == "target" else 1.0,
                                               zorder=2 if kind == "target" else 3,
                                               label=name))
                    label_parts.append(f"{kind}: {v[0, k]:.3g}")
                else:
                    # the target: a broad pale band beneath; the prediction: thin, on top
                    style = (dict(lw=4.0, alpha=0.4, zorder=2) if kind == "target"
                             else dict(lw=1.4, zorder=3))
                    handles += tax.plot(np.arange(len(v)), v[:, k] - k * offset, color=colors[k],
                                        drawstyle=drawstyle, label=name, **style)
        wrong = _wrong_timesteps(ys, preds, row)
        if wrong is not None:
            label_parts.append(f"{wrong[0]} of {wrong[1]} timesteps wrong")
        ax.set_title(", ".join(label_parts), fontsize="small", loc="left")
        ax.grid(True, alpha=0.3)
        if tax is not ax:
            tax.tick_params(axis="y", colors=TARGET_COLOR)
        if row == 0:
            legend_handles = handles
    axes[-1].set_xlabel("timestep")
    fig.supylabel(ylabel if ylabel is not None else _default_ylabel(
        n_targets and ys is not None, n_targets and preds is not None, secondary_y),
        fontsize="medium")
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


# --------------------------------------------------------------------------------------------
# Predictions, learning curves and search results
# --------------------------------------------------------------------------------------------

#: Colours of the trial states in :func:`plot_optimization_history`.
_STATE_STYLE = {
    "COMPLETE": dict(color="tab:blue", marker="o", label="complete"),
    "PRUNED": dict(color="tab:orange", marker="v", label="pruned (score when stopped)"),
    "FAIL": dict(color="tab:red", marker="x", label="failed"),
}


def _new_figure(fig, figsize):
    """A fresh constrained-layout Figure, or ``fig`` cleared and given that layout."""
    if fig is None:
        return Figure(figsize=figsize, layout="constrained")
    fig.clear()
    fig.set_layout_engine("constrained")
    if figsize is not None:
        fig.set_size_inches(figsize)
    return fig


def plot_predictions(
    X,
    y_true,
    y_pred,
    *,
    n_sequences=3,
    feature_names=None,
    target_names=None,
    title=None,
    figsize=None,
    fig=None,
    **kwargs,
):
    """Plot targets against predictions over time for a few sequences.

    The figure of the questions this project answers: input in blue, target in red, prediction
    in green, one row per sequence. A memoryless model shows at a glance: its green line
    follows the input instead of the red one.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
list of array-like, or DataFrame
        The input sequences.

    y_true : array-like or list of array-like
        The targets, one per sequence or per timestep.

    y_pred : array-like or list of array-like
        The predictions, in the layout of ``y_true`` (e.g. ``estimator.predict(X)``).

    n_sequences : int, default=3
        Number of sequences (the first ones) to draw, one row each.

    feature_names, target_names : list of str, default=None
        Legend labels of the inputs and targets.

    title : str, default=None
        Title of the whole figure.

    figsize : tuple of (float, float), default=None
        Figure size in inches when a new figure is created.

    fig : :class:`~matplotlib.figure.Figure`, default=None
        A figure to draw into (cleared first); by default a new one, not managed by pyplot.

    **kwargs : dict
        Further options of :func:`plot_sequences` (``features``, ``secondary_y``, ``offset``,
        ``drawstyle``).

    Returns
    -------
    fig : :class:`~matplotlib.figure.Figure`
        The figure, with one axes per drawn sequence.

    See Also
    --------
    plot_sequences : The same figure without predictions.

    Examples
    --------
    >>> from seqestimators.datasets import make_burst
    >>> from seqestimators.plotting import plot_predictions
    >>> X, y = make_burst(n_samples=4, random_state=0, return_X_y=True)
    >>> memoryless = (X[..., 0] > 0).astype(int)  # 1 inside the burst only
    >>> fig = plot_predictions(X, y, memoryless, n_sequences=2)
    >>> len(fig.axes), [line.get_label() for line in fig.axes[0].get_lines()]
    (2, ['input', 'target', 'target (predicted)'])
    """
    if y_true is None or y_pred is None:
        raise ValueError("plot_predictions needs both y_true and y_pred.")
    return plot_sequences(
        X, y_true, y_pred, n_sequences=n_sequences, feature_names=feature_names,
        target_names=target_names, title=title, figsize=figsize, fig=fig, **kwargs,
    )


#: Readable names of skorch's history columns, for axis labels and legends.
_READABLE = {"valid_acc": "validation accuracy", "valid_r2": "validation R²",
             "valid_loss": "validation loss", "train_loss": "training loss"}


def _readable(column):
    """``valid_acc`` -> ``validation accuracy``; other names with their prefix spelled out."""
    if column in _READABLE:
        return _READABLE[column]
    for short, long in (("valid_", "validation "), ("train_", "training ")):
        if column.startswith(short):
            column = long + column[len(short):]
    return column.replace("_", " ")


def _history_data(obj):
    import pandas as pd

    from .results import history_frame

    frame = obj if isinstance(obj, pd.DataFrame) else history_frame(obj)
    if "epoch" not in frame.columns or "train_loss" not in frame.columns:
        raise ValueError(
            "A history frame needs the columns 'epoch' and 'train_loss' (see "
            f"seqestimators.results.history_frame); got {list(frame.columns)}."
        )
    return frame


def plot_learning_curves(
    estimator_or_history_frame,
    *,
    scores=None,
    logy="auto",
    title=None,
    figsize=None,
    fig=None,
):
    """Plot the training and validation loss (and validation score) per epoch.

    Parameters
    ----------
    estimator_or_history_frame : estimator, list or dict of estimators, or DataFrame
        Fitted estimators (anything :func:`seqestimators.results.history_frame` accepts; a
        dict names the curves) or a frame returned by it. Several models are overlaid, one
        colour each.

    scores : list of str, default=None
        Score columns to draw in a second panel; by default ``valid_acc`` / ``valid_r2`` when
        the history has them (a validation split was used). ``[]`` draws the loss only.

    logy : bool or "auto", default="auto"
        Logarithmic loss axis; ``"auto"`` uses it when the losses are positive and span more
        than a factor of 20.

    title : str, default=None
        Title of the whole figure.

    figsize : tuple of (float, float), default=None
        Figure size in inches when a new figure is created; by default 6 inches wide per
        panel.

    fig : :class:`~matplotlib.figure.Figure`, default=None
        A figure to draw into (cleared first); by default a new one, not managed by pyplot.

    Returns
    -------
    fig : :class:`~matplotlib.figure.Figure`
        The figure: a loss panel (training loss solid, validation loss dashed), plus a score
        panel when there are score columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from seqestimators.plotting import plot_learning_curves
    >>> history = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [0.7, 0.4, 0.2],
    ...                         "valid_loss": [0.8, 0.5, 0.3], "valid_acc": [0.6, 0.8, 0.9]})
    >>> fig = plot_learning_curves(history)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['loss', 'validation accuracy']
    """
    frame = _history_data(estimator_or_history_frame)
    if scores is None:
        scores = [c for c in ("valid_acc", "valid_r2") if c in frame and frame[c].notna().any()]
    else:
        scores = [scores] if isinstance(scores, str) else list(scores)
        missing = [c for c in scores if c not in frame.columns]
        if missing:
            raise ValueError(f"Score column(s) {missing} not in the history: "
                             f"{list(frame.columns)}.")
    groups = list(frame.groupby("model", sort=False)) if "model" in frame else [(None, frame)]
    fig = _new_figure(fig, figsize or (6.0 * (1 + bool(scores)), 4.2))
    axes = fig.subplots(1, 1 + bool(scores), squeeze=False)[0]
    colors = [f"C{i % 10}" for i in range(len(groups))]
    loss_ax = axes[0]
    for (name, data), color in zip(groups, colors):
        prefix = "" if name is None else f"{name}: "
        loss_ax.plot(data["epoch"], data["train_loss"], color=color, lw=1.5,
                     label=f"{prefix}training")
        if "valid_loss" in data and data["valid_loss"].notna().any():
            loss_ax.plot(data["epoch"], data["valid_loss"], color=color, lw=1.5, ls="--",
                         label=f"{prefix}validation")
        for k, col in enumerate(scores):
            axes[1].plot(data["epoch"], data[col], color=color, lw=1.5,
                         ls=["-", "--", ":", "-."][k % 4],
                         label=prefix.rstrip(": ") if len(scores) == 1 and prefix
                         else f"{prefix}{_readable(col)}")
    losses = frame[[c for c in ("train_loss", "valid_loss") if c in frame]].to_numpy(float)
    losses = losses[np.isfinite(losses)]
    if logy == "auto":
        logy = bool(losses.size) and losses.min() > 0 and losses.max() > 20 * losses.min()
    if logy:
        loss_ax.set_yscale("log")
    loss_ax.set_ylabel("loss")
    loss_ax.set_title("loss (training solid, validation dashed)", fontsize="medium")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    if scores:
        axes[1].set_ylabel(_readable(scores[0]) if len(scores) == 1 else "score")
        axes[1].set_title("validation score", fontsize="medium")
    if title is not None:
        fig.suptitle(title)
    return fig


def _results_data(obj):
    import pandas as pd

    from .results import results_frame

    return obj if isinstance(obj, pd.DataFrame) else results_frame(obj)


def _ordered_unique(values):
    """Unique values, numbers ascending, anything else in order of first appearance."""
    uniques = list(dict.fromkeys(v for v in values if v is not None and v == v))
    if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in uniques):
        return sorted(uniques)
    return uniques


def plot_search_heatmap(
    frame,
    *,
    index="cell",
    columns="hidden_size",
    facet="state_policy",
    values="mean_test_score",
    aggfunc="max",
    cmap="viridis",
    vmin=None,
    vmax=None,
    fmt=".3f",
    label=None,
    title=None,
    figsize=None,
    fig=None,
):
    """Draw search results as annotated heatmaps, one per value of a third parameter.

    With the defaults: cell type (rows) x hidden size (columns), one panel per hidden-state
    policy, each cell the best mean cross-validated score of that combination, all panels on
    one colour scale.

    Parameters
    ----------
    frame : :class:`pandas.DataFrame`, fitted search or :class:`optuna.study.Study`
        A table from :func:`seqestimators.results.results_frame`, or anything it accepts.

    index, columns : str, default="cell", "hidden_size"
        The parameters on the rows and on the columns of each heatmap.

    facet : str or None, default="state_policy"
        The parameter that splits the panels (in order of first appearance in ``frame``, i.e.
        the best first for a results table); None for a single heatmap.

    values : str, default="mean_test_score"
        The column shown; rows where it is missing (failed trials) are left out. With a
        ``state`` column (Optuna), a combination shows its completed trials only, and the
        score of its pruned trials when none completed (e.g. with ``values="value"``).

    aggfunc : str or callable, default="max"
        How candidates sharing a cell are combined (see
        :func:`seqestimators.results.pivot_results`).

    cmap : str, default="viridis"
        Colormap.

    vmin, vmax : float, default=None
        Limits of the colour scale; by default the range of the data.

    fmt : str, default=".3f"
        Format of the annotations. Combinations whose every trial was pruned (a ``state``
        column says so) are marked with ``*`` and explained below the panels; untried ones
        are left blank.

    label : str, default=None
        Label of the colour bar; by default ``values``.

    title : str, default=None
        Title of the whole figure.

    figsize : tuple of (float, float), default=None
        Figure size in inches when a new figure is created.

    fig : :class:`~matplotlib.figure.Figure`, default=None
        A figure to draw into (cleared first); by default a new one, not managed by pyplot.

    Returns
    -------
    fig : :class:`~matplotlib.figure.Figure`
        The figure: one axes per facet value, plus the colour bar's axes.

    Examples
    --------
    >>> import pandas as pd
    >>> from seqestimators.plotting import plot_search_heatmap
    >>> frame = pd.DataFrame({
    ...     "cell": ["lstm", "lstm", "rnn", "rnn"], "hidden_size": [8, 16, 8, 16],
    ...     "state_policy": ["reset", "carry", "reset", "carry"],
    ...     "mean_test_score": [0.99, 0.80, 0.93, 0.79]})
    >>> fig = plot_search_heatmap(frame)
    >>> [ax.get_title() for ax in fig.axes[:2]], len(fig.axes)
    (['state_policy = reset', 'state_policy = carry'], 3)
    """
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    data = _results_data(frame)
    keys = [index, columns] + ([facet] if facet is not None else [])
    missing = [k for k in [*keys, values] if k not in data.columns]
    if missing:
        raise ValueError(
            f"Column(s) {missing} not found in the results; available: {list(data.columns)}."
        )
    data = data[data[values].notna()].copy()
    if data.empty:
        raise ValueError(f"No result has a value in {values!r} to plot.")
    data[values] = data[values].astype(float)
    rows = _ordered_unique(data[index])
    cols = _ordered_unique(data[columns])
    if not all(isinstance(v, (int, float, np.number)) for v in rows):
        rows = sorted(rows, key=str)
    panels = _ordered_unique(data[facet]) if facet is not None else [None]

    def grid(subset):
        if subset.empty:
            return np.full((len(rows), len(cols)), np.nan)
        table = subset.pivot_table(index=index, columns=columns, values=values,
                                   aggfunc=aggfunc)
        return table.reindex(index=rows, columns=cols).to_numpy(float)

    grids, pruned_only = [], []
    for panel in panels:
        subset = data if panel is None else data[data[facet] == panel]
        if "state" in subset.columns:
            # completed trials first; a combination without any shows its pruned trials' score
            done = grid(subset[subset["state"] == "COMPLETE"])
            stopped = grid(subset[subset["state"] != "COMPLETE"])
            pruned_only.append(np.isnan(done) & ~np.isnan(stopped))
            grids.append(np.where(np.isnan(done), stopped, done))
        else:
            grids.append(grid(subset))
            pruned_only.append(np.zeros_like(grids[-1], bool))
    stacked = np.stack(grids)
    low = np.nanmin(stacked) if vmin is None else vmin
    high = np.nanmax(stacked) if vmax is None else vmax
    if high <= low:
        low, high = low - 0.5, high + 0.5
    norm = Normalize(low, high)
    colormap = colormaps[cmap]

    n = len(panels)
    width = max(0.6 + (1.0 + 0.9 * len(cols)) * n + 1.0, 6.5 if title else 4.0)
    fig = _new_figure(fig, figsize or (width, 1.6 + 0.55 * len(rows)))
    axes = fig.subplots(1, n, squeeze=False, sharey=True)[0]
    any_pruned = False
    for ax, panel, values_grid, pruned in zip(axes, panels, grids, pruned_only):
        image = ax.imshow(np.ma.masked_invalid(values_grid), cmap=colormap, norm=norm,
                          aspect="auto")
        ax.set_xticks(range(len(cols)), [str(c) for c in cols])
        ax.set_yticks(range(len(rows)), [str(r) for r in rows])
        ax.set_xlabel(columns)
        ax.set_facecolor("0.93")
        if panel is not None:
            ax.set_title(f"{facet} = {panel}")
        for i in range(len(rows)):
            for j in range(len(cols)):
                v = values_grid[i, j]
                if np.isnan(v):
                    continue
                r, g, b, _ = colormap(norm(v))
                text_color = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"
                mark = "*" if pruned[i, j] else ""
                any_pruned |= bool(mark)
                ax.text(j, i, f"{v:{fmt}}{mark}", ha="center", va="center", color=text_color,
                        fontsize="small")
    axes[0].set_ylabel(index)
    fig.colorbar(image, ax=list(axes), label=values if label is None else label, shrink=0.9)
    if any_pruned:
        fig.supxlabel("* every trial of this combination was pruned: the score when it was "
                      "stopped", fontsize="x-small")
    if title is not None:
        fig.suptitle(title)
    return fig


def plot_optimization_history(study_or_frame, *, direction=None, ylabel="objective value",
                              title=None, figsize=None, fig=None):
    """Plot the objective value of each Optuna trial and the best value so far.

    Completed trials are dots, pruned trials triangles at the score they were stopped with
    (their last intermediate value), failed trials crosses on the bottom edge.

    Parameters
    ----------
    study_or_frame : :class:`optuna.study.Study`, fitted ``OptunaSearchCV`` or DataFrame
        A study, a fitted Optuna search, or a frame from
        :func:`seqestimators.results.results_frame` of one (with the columns ``number``,
        ``state`` and ``value``).

    direction : {"maximize", "minimize"}, default=None
        Which values are better, for the best-so-far line; taken from the study when one is
        given, "maximize" for a frame by default.

    ylabel : str, default="objective value"
        Label of the y axis (e.g. ``"mean CV accuracy"``).

    title : str, default=None
        Title of the figure; by default "optimization history".

    figsize : tuple of (float, float), default=None
        Figure size in inches when a new figure is created.

    fig : :class:`~matplotlib.figure.Figure`, default=None
        A figure to draw into (cleared first); by default a new one, not managed by pyplot.

    Returns
    -------
    fig : :class:`~matplotlib.figure.Figure`
        The figure, with one axes.

    Examples
    --------
    >>> import optuna
    >>> from seqestimators.plotting import plot_optimization_history
    >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
    >>> study = optuna.create_study(direction="maximize",
    ...                             sampler=optuna.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: -(t.suggest_float("x", -2, 2) ** 2), n_trials=10)
    >>> fig = plot_optimization_history(study)
    >>> len(fig.axes), fig.axes[0].get_xlabel()
    (1, 'trial')
    """
    import pandas as pd

    from .results import as_study

    study = None if isinstance(study_or_frame, pd.DataFrame) else as_study(study_or_frame)
    if study is not None and direction is None:
        if len(study.directions) > 1:
            raise ValueError("plot_optimization_history draws single-objective studies only.")
        direction = study.direction.name.lower()
    direction = direction or "maximize"
    if direction not in ("maximize", "minimize"):
        raise ValueError(f"direction must be 'maximize' or 'minimize'; got {direction!r}.")
    frame = _results_data(study_or_frame if study is None else study)
    missing = [c for c in ("number", "state", "value") if c not in frame.columns]
    if missing:
        raise ValueError(f"An Optuna results frame needs the column(s) {missing}.")
    frame = frame.sort_values("number")
    fig = _new_figure(fig, figsize or (8, 4.2))
    ax = fig.subplots()
    complete = frame[(frame["state"] == "COMPLETE") & frame["value"].notna()]
    ax.scatter(complete["number"], complete["value"].astype(float), zorder=3,
               **{k: v for k, v in _STATE_STYLE["COMPLETE"].items()})
    pruned = frame[frame["state"] == "PRUNED"]
    if len(pruned):
        column = next((c for c in ("intermediate_value", "mean_test_score") if c in pruned), None)
        y = pruned[column].astype(float) if column else pd.Series(np.nan, index=pruned.index)
        shown = y.notna()
        ax.scatter(pruned["number"][shown], y[shown], zorder=3, facecolors="none",
                   edgecolors=_STATE_STYLE["PRUNED"]["color"],
                   marker=_STATE_STYLE["PRUNED"]["marker"], label=_STATE_STYLE["PRUNED"]["label"])
    failed = frame[frame["state"] == "FAIL"]
    if len(failed):
        ax.scatter(failed["number"], np.zeros(len(failed)), zorder=3, clip_on=False,
                   transform=ax.get_xaxis_transform(), **_STATE_STYLE["FAIL"])
    if len(complete):
        values = complete["value"].astype(float)
        best = values.cummax() if direction == "maximize" else values.cummin()
        numbers = list(complete["number"]) + [frame["number"].max()]
        ax.step(numbers, list(best) + [best.iloc[-1]], where="post", color="tab:red", lw=1.5,
                label="best so far", zorder=2)
    ax.set_xlabel("trial")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize="small", loc="best")
    ax.set_title(title if title is not None else "optimization history")
    return fig
