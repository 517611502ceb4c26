"""``baseline``: the validation score against the trivial model's (mean or majority class)."""

from __future__ import annotations

import numpy as np

from ..sequences import lengths_to_mask
from ._result import Check, finding, score_name


def _real_values(data, output):
    """The targets of ``data`` over real timesteps, one row per value: ``(n_values, k)``."""
    if isinstance(data.y, list):
        values = np.concatenate([np.asarray(v).reshape(len(v), -1) for v in data.y])
    elif output == "sequence":
        y = np.asarray(data.y)
        mask = lengths_to_mask(np.asarray(data.lengths), y.shape[1])
        values = y[mask].reshape(int(mask.sum()), -1)
    else:
        y = np.asarray(data.y)
        values = y.reshape(len(y), -1)
    return values


def trivial_score(train, valid, output, classifier):
    """Score on ``valid`` of the trivial model fitted on ``train``: the majority class's
    accuracy for a classifier, the training mean's R² (averaged over targets) otherwise."""
    y_train, y_valid = _real_values(train, output), _real_values(valid, output)
    if classifier:
        labels, counts = np.unique(y_train.ravel(), return_counts=True)
        return float(np.mean(y_valid.ravel() == labels[counts.argmax()]))
    y_train, y_valid = y_train.astype(np.float64), y_valid.astype(np.float64)
    sse = ((y_valid - y_train.mean(axis=0)) ** 2).sum(axis=0)
    sst = ((y_valid - y_valid.mean(axis=0)) ** 2).sum(axis=0)
    return float(np.mean(np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), 0.0)))


def check_baseline(ev, findings):
    valid, trivial = ev.scores.get("valid"), ev.scores.get("trivial")
    if valid is None or trivial is None:
        return finding("baseline", "ok", "not checked: no validation data (pass X_valid, "
                       "y_valid, or let diagnose hold out a validation_fraction)")
    name = score_name(ev.net)
    what = "majority class" if name == "accuracy" else "training mean"
    evidence = f"validation {name} {valid:.3f}, trivial model ({what}) {trivial:.3f}"
    if valid <= trivial:
        return finding("baseline", "fail", evidence + ": no better than predicting the "
                       f"{what}",
                       "a smaller hidden_size, weight decay (optimizer__weight_decay=1e-3), "
                       "early_stopping=True, more data; if nothing beats it, the inputs may "
                       "not tell the target")
    return finding("baseline", "ok", evidence)


CHECK = Check("baseline", check_baseline,
              summary="the validation score against the trivial model (mean or majority class)")
