"""Learning curves of fitted estimators: plot_learning_curves."""

from __future__ import annotations

import numpy as np

from ._common import _new_figure

__all__ = ["plot_learning_curves"]


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

    from ..results import history_frame

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

