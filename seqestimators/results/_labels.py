"""Counting what a prediction of class labels gets wrong: wrong_timesteps."""

from __future__ import annotations

import numpy as np

__all__ = ["wrong_timesteps"]


def wrong_timesteps(y_true, y_pred, *, output_axis=None):
    """How many timesteps a prediction of class labels gets wrong: ``(n_wrong, n_total)``.

    A rounded accuracy of 1.000 can hide errors; this count does not. Used by the CLI's report
    and by :func:`seqestimators.plotting.plot_predictions`.

    Parameters
    ----------
    y_true, y_pred : array-like of class labels, of equal shapes
        For example ``(n_sequences, n_timesteps)``, or ``(n_timesteps, n_outputs)`` for one
        sequence.
    output_axis : int, default=None
        An axis of several outputs per timestep: a timestep counts once, as wrong when any of
        its outputs is. None: every element is a timestep.

    Returns
    -------
    counts : tuple of (int, int) or None
        The wrong and the total number of timesteps; None when the two are not label arrays of
        one shape (ragged lists, different shapes, objects, or numbers that are not whole).

    Examples
    --------
    >>> from seqestimators.results import wrong_timesteps
    >>> wrong_timesteps([[0, 1, 1], [1, 1, 0]], [[0, 1, 0], [1, 1, 0]])
    (1, 6)
    >>> wrong_timesteps([0.5, 1.0], [0.5, 1.0]) is None  # continuous values: not labels
    True
    """
    try:
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    except ValueError:  # ragged
        return None
    if y_true.shape != y_pred.shape or object in (y_true.dtype, y_pred.dtype):
        return None
    for values in (y_true, y_pred):
        if values.dtype.kind in "fc" and not np.all(values == np.round(values)):
            return None
    wrong = y_true != y_pred
    if output_axis is not None:
        wrong = wrong.any(axis=output_axis)
    return int(wrong.sum()), int(wrong.size)
