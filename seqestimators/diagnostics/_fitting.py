"""The fits of a diagnosis: the diagnosed estimator, the memoryless baseline and their scores."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._data import windows


def is_fitted(estimator):
    """Whether ``estimator`` (or a pipeline's last step) is fitted."""
    try:
        check_is_fitted(estimator[-1] if isinstance(estimator, Pipeline) else estimator)
    except Exception:  # noqa: BLE001 - NotFittedError and skorch's own variants
        return False
    return True


def classes_of(net, train):
    """The class labels of the training targets (None for a regressor)."""
    if not is_classifier(net):
        return None
    if isinstance(train.y, list):
        return np.unique(np.concatenate([np.ravel(v) for v in train.y]))
    return np.unique(np.ravel(train.y))


def fit(est, train, chunk_length, *, classes):
    """Fit ``est`` on ``train``: with ``fit``, or ``partial_fit`` over consecutive chunks."""
    if chunk_length is None:
        return est.fit(train.X, train.y)
    T = train.X.shape[1]
    kwargs = {"classes": classes} if is_classifier(est) else {}
    for start in range(0, T, chunk_length):
        est.partial_fit(train.X[:, start:start + chunk_length],
                        train.y[:, start:start + chunk_length], **kwargs)
    return est


def fit_baseline(net, train, output, *, epochs, random_state):
    """The memoryless baseline of ``net``, fitted on ``train`` with its learning rate and batch
    size (windows of 50 timesteps for one to four long streams)."""
    from ..estimators import MemorylessClassifier, MemorylessRegressor

    cls = MemorylessClassifier if is_classifier(net) else MemorylessRegressor
    params = dict(output=output, max_epochs=max(int(epochs), 20), lr=net.lr,
                  batch_size=net.batch_size, random_state=random_state,
                  device=getattr(net, "device", "cpu"))
    if is_classifier(net):
        params["classes"] = list(net.classes_)
    baseline = cls(**params)
    data = train
    if train.n_samples <= 4 and output == "sequence" and not train.ragged:
        # One long stream: windows of 50 timesteps give the memoryless model many batches.
        data = windows(train, min(50, train.X.shape[1]))
    with warnings.catch_warnings():
        # An internal fit: its notes (e.g. a ConvergenceWarning) are not about the user's model.
        warnings.simplefilter("ignore")
        baseline.fit(data.X, data.y)
    return baseline


def score(net, data):
    """``net.score`` on ``data`` as a float, with the warnings of these internal predictions
    silenced (e.g. a carried state continued on batches of another size)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(net.score(data.X, data.y))


def transform(preprocess, data):
    """``data`` with its sequences passed through the fitted ``preprocess``."""
    Xt = preprocess.transform(data.X)
    return data.with_X(list(Xt) if data.ragged else np.asarray(Xt))
