"""Plots of sequences, targets and predictions.

The functions here build :class:`matplotlib.figure.Figure` objects directly, without
:mod:`matplotlib.pyplot`: they never open a window, never touch the global backend and are safe
in scripts, tests and servers. Save a figure with :func:`save_figure` (or ``fig.savefig``); to
show one in a notebook or in the Sphinx plot directive, pass a pyplot figure as ``fig``.

Colours follow the figures of the questions this project answers: inputs in blue, targets in
red, predictions in green. A target is drawn as a broad, pale band beneath the thin prediction,
so that the two stay visible where they agree.

The package's rooms: ``_sequences`` (:func:`plot_sequences`, :func:`plot_predictions`),
``_learning`` (:func:`plot_learning_curves`), ``_search`` (:func:`plot_search_heatmap`,
:func:`plot_optimization_history`), ``_save`` (:func:`save_figure`) and ``_common`` (colours,
sequence lists, figures).
"""

from ._common import INPUT_COLOR, PREDICTION_COLOR, TARGET_COLOR
from ._learning import plot_learning_curves
from ._save import save_figure
from ._search import plot_optimization_history, plot_search_heatmap
from ._sequences import plot_predictions, plot_sequences

__all__ = [
    "INPUT_COLOR",
    "PREDICTION_COLOR",
    "TARGET_COLOR",
    "plot_learning_curves",
    "plot_optimization_history",
    "plot_predictions",
    "plot_search_heatmap",
    "plot_sequences",
    "save_figure",
]
