"""Reading a dataset of the UEA & UCR archives from its ``<name>_TRAIN.ts`` and ``<name>_TEST.ts`` files."""

from __future__ import annotations

import numpy as np

from ..bunch import make_dataset_bunch
from ._files import check_split, read_card, resource
from ._ts_format import read_ts

__all__ = ["load_ts_dataset", "read_ts_splits"]


def read_ts_splits(name, splits):
    """Read ``<name>_<SPLIT>.ts`` for each split; concatenate train first.

    Returns ``(X, y, split_of_sample, classes)``; ``classes`` is None for a regression file
    (``@targetLabel true``).
    """
    X, y, split_of_sample, classes = [], [], [], None
    for split in splits:
        with resource(name, f"{name}_{split.upper()}.ts").open("rb") as fh:
            X_part, y_part, meta = read_ts(fh, return_metadata=True)
        X.extend(X_part)
        y.append(y_part)
        split_of_sample.extend([split] * len(X_part))
        if meta.get("class_label"):
            classes = np.asarray(meta["class_labels"])
    return X, np.concatenate(y), np.asarray(split_of_sample), classes


def load_ts_dataset(name, split, func_name, *, ragged, feature_names, target_names, as_frame,
                     return_X_y):
    """Bunch of a ``.ts`` dataset: ``classes`` (classification), ``lengths`` (ragged), ``split``."""
    splits = check_split(split, func_name)
    X, y, split_of_sample, classes = read_ts_splits(name, splits)
    extra = {}
    if classes is not None:
        extra["classes"] = classes
    if ragged:
        extra["lengths"] = np.array([len(x) for x in X], dtype=np.int64)
    else:
        X = np.stack(X)
    return make_dataset_bunch(
        X,
        y,
        feature_names=feature_names,
        target_names=target_names,
        descr=read_card(name),
        as_frame=as_frame,
        return_X_y=return_X_y,
        **extra,
        split=split_of_sample,
    )
