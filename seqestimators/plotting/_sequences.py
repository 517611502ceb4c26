"""Plots of sequences, targets and predictions: plot_sequences and plot_predictions."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._common import (
    INPUT_COLOR,
    PREDICTION_COLOR,
    TARGET_COLOR,
    _as_sequence_list,
    _names,
    _per_sequence,
    _shades,
)

__all__ = ["plot_predictions", "plot_sequences"]


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
    # Imported here: importing the plots stays light (results brings pandas and scikit-learn).
    from ..results import wrong_timesteps

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
        wrong = None if ys is None or preds is None or len(ys[row]) < 2 else \
            wrong_timesteps(ys[row], preds[row], output_axis=1)
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


