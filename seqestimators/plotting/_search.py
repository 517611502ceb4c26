"""Plots of search results: plot_search_heatmap and plot_optimization_history."""

from __future__ import annotations

import numpy as np

from ._common import _new_figure

__all__ = ["plot_optimization_history", "plot_search_heatmap"]

#: Colours of the trial states in :func:`plot_optimization_history`.
_STATE_STYLE = {
    "COMPLETE": dict(color="tab:blue", marker="o", label="complete"),
    "PRUNED": dict(color="tab:orange", marker="v", label="pruned (score when stopped)"),
    "FAIL": dict(color="tab:red", marker="x", label="failed"),
}


def _results_data(obj):
    import pandas as pd

    from ..results import results_frame

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
    if values == "value" and {"state", "pruned_at_score"} <= set(data.columns):
        # results_frame keeps a pruned trial's score out of "value": shown here, marked
        data = data.assign(value=data["value"].where(data["state"] == "COMPLETE",
                                                     data["pruned_at_score"]))
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
    study_or_frame : :class:`optuna.study.Study`, fitted Optuna search or DataFrame
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

    Notes
    -----
    :func:`optuna.visualization.matplotlib.plot_optimization_history` is not used: it draws into
    a new pyplot-managed figure (this module never touches pyplot, and ``fig`` could not be
    honoured), it reads studies only (not a results frame), it shows completed trials only
    (not the pruned trials' scores nor the failures) and it is experimental in Optuna.

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

    from ..results import as_study

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
        column = next((c for c in ("pruned_at_score", "intermediate_value", "mean_test_score")
                       if c in pruned), None)
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
