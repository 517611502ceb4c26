"""Training histories of fitted estimators as tables: history_frame."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._search import _not_fitted, _order_columns, _plain

__all__ = ["history_frame"]


#: History columns placed first, in this order.
_HISTORY_FIRST = ["epoch", "train_loss", "valid_loss", "valid_acc", "valid_r2", "dur"]


def _history_of(obj):
    """The skorch history behind ``obj``: a History, a net, a pipeline or a search."""
    from skorch.history import History

    if isinstance(obj, History):
        return obj
    if hasattr(obj, "best_estimator_"):
        return _history_of(obj.best_estimator_)
    if hasattr(obj, "steps") and hasattr(obj, "named_steps"):  # Pipeline
        return _history_of(obj.steps[-1][1])
    if hasattr(obj, "history_") or hasattr(obj, "initialized_"):
        history = getattr(obj, "history_", None)
        if history is None or not getattr(obj, "initialized_", True) or len(history) == 0:
            raise _not_fitted(obj)
        return history
    if isinstance(obj, list) and all(isinstance(row, Mapping) for row in obj):
        return obj
    raise TypeError(
        "history_frame expects a fitted skorch-based estimator (with history_), a Pipeline or "
        f"search ending in one, a skorch History, or a list or dict of those; got "
        f"{type(obj).__name__}."
    )


def _single_history_frame(obj):
    history = _history_of(obj)
    rows = []
    for epoch in history:
        rows.append({
            key: _plain(value) for key, value in epoch.items()
            if key != "batches" and not key.endswith(("_best", "_batch_count"))
            and (value is None or isinstance(value, (numbers.Number, str, np.generic)))
        })
    frame = pd.DataFrame(rows)
    return _order_columns(frame, _HISTORY_FIRST)


def history_frame(estimator):
    """The per-epoch training history of fitted estimators as a table.

    Parameters
    ----------
    estimator : estimator, list of estimators or dict of estimators
        A fitted skorch-based estimator (:class:`~seqestimators.RNNClassifier`,
        :class:`~seqestimators.RNNRegressor`...; its ``history_``), a fitted
        :class:`~sklearn.pipeline.Pipeline` ending in one, a fitted search (its
        ``best_estimator_``) or a :class:`skorch.history.History`. A list or dict of those
        gives one long table with a ``model`` column (the dict key, or the position in the
        list).

    Returns
    -------
    frame : :class:`pandas.DataFrame`
        One row per epoch (and model): ``epoch`` (from 1), ``train_loss``, ``valid_loss``
        and the validation score (``valid_acc`` for classifiers, ``valid_r2`` for regressors)
        when a validation split was used (``train_split``), ``dur`` (seconds), then any other
        scalar the callbacks recorded. The ``*_best`` flags, batch counts and per-batch
        records are left out.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        When an estimator has not been fitted.
    TypeError
        When the object has no skorch history.

    Examples
    --------
    >>> from skorch.dataset import ValidSplit
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.datasets import make_burst
    >>> from seqestimators.results import history_frame
    >>> X, y = make_burst(32, 40, max_onset=20, random_state=0, return_X_y=True)
    >>> est = RNNClassifier(cell="gru", hidden_size=8, max_epochs=3, random_state=0,
    ...                     train_split=ValidSplit(4)).fit(X, y)
    >>> frame = history_frame(est)
    >>> list(frame.columns[:5]), len(frame)
    (['epoch', 'train_loss', 'valid_loss', 'valid_acc', 'dur'], 3)
    >>> history_frame({"a": est, "b": est}).groupby("model").size().to_dict()
    {'a': 3, 'b': 3}
    """
    if isinstance(estimator, Mapping):
        items = list(estimator.items())
    elif isinstance(estimator, (list, tuple)) and not (
        estimator and all(isinstance(row, Mapping) for row in estimator)
    ):
        items = list(enumerate(estimator))
    else:
        return _single_history_frame(estimator)
    if not items:
        raise ValueError("history_frame got an empty collection of estimators.")
    frames = [_single_history_frame(est).assign(model=name) for name, est in items]
    frame = pd.concat(frames, ignore_index=True)
    return _order_columns(frame, ["model"] + _HISTORY_FIRST)

