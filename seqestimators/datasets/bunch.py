"""The return value shared by every generator and loader: a Bunch, ``(X, y)`` or frames.

A loader of your own dataset can return it the same way with :func:`make_dataset_bunch`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..sequences import INDEX_NAMES, is_ragged, sequences_to_frame

__all__ = ["make_dataset_bunch"]


def _target_frame(y, target_names):
    """Long-format target: a Series/DataFrame indexed by sample or by (sample, timestep)."""
    if is_ragged(y) or np.ndim(y) >= 2:
        seqs = list(y) if is_ragged(y) else list(np.asarray(y))
        frame = sequences_to_frame(seqs, feature_names=target_names)
    else:
        frame = pd.DataFrame(
            np.asarray(y).reshape(-1, 1),
            index=pd.RangeIndex(len(y), name=INDEX_NAMES[0]),
            columns=target_names,
        )
    return frame.iloc[:, 0] if len(target_names) == 1 else frame


def make_dataset_bunch(X, y, *, feature_names, target_names, descr, as_frame=False,
                       return_X_y=False, **extra):
    """Package a generated or loaded dataset the way scikit-learn's loaders do.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features) or list of ndarray
        The sequences.
    y : ndarray or list of ndarray
        Targets of shape ``(n_samples,)``, ``(n_samples, n_timesteps[, n_targets])`` or ragged.
    feature_names, target_names : list of str
        Column names of the features and of the targets.
    descr : str
        The dataset's full description.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)``, ``target`` a Series (or DataFrame for several targets) indexed by
        ``sample`` (one target per sequence) or by ``(sample, timestep)``, and ``frame`` holds the
        features with the target columns joined on.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    **extra
        More fields of the Bunch (e.g. ``lengths``, ``params``).

    Returns
    -------
    data : Bunch or tuple
        A Bunch with ``data``, ``target``, ``feature_names``, ``target_names``, ``DESCR``,
        ``frame`` (None unless ``as_frame=True``) and the ``extra`` fields; or ``(data, target)``.
    """
    feature_names = list(feature_names)
    target_names = list(target_names)
    frame = None
    if as_frame:
        data = sequences_to_frame(X, feature_names=feature_names)
        target = _target_frame(y, target_names)
        target_df = target.to_frame() if isinstance(target, pd.Series) else target
        frame = data.join(target_df, on=target_df.index.names if target_df.index.nlevels == 1 else None)
        X, y = data, target
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        frame=frame,
        feature_names=feature_names,
        target_names=target_names,
        DESCR=descr,
        **extra,
    )
