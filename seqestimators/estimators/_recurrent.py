"""RNNClassifier and RNNRegressor."""

from __future__ import annotations

import torch
from skorch import NeuralNetClassifier, NeuralNetRegressor

from .._batching import SequenceBatchIterator, SequenceDataset
from ..networks import RecurrentNetwork
from . import _docs
from ._base import SequenceNetMixin
from ._classifier import SequenceClassifierMixin
from ._regressor import SequenceRegressorMixin

__all__ = ["RNNClassifier", "RNNRegressor"]


class RecurrentMixin(SequenceNetMixin):
    """The recurrent network's construction from the estimator's parameters."""

    module = RecurrentNetwork

    def _module_kwargs(self):
        return {
            "input_size": self.input_size_,
            "output_size": self._n_outputs(),
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
            "output": self.output_,
            "learned_initial_state": self.state_policy == "learned",
        }


class RNNClassifier(SequenceClassifierMixin, RecurrentMixin, NeuralNetClassifier):
    __doc__ = f"""Recurrent network classifier of whole sequences or of every timestep.

    A skorch :class:`~skorch.classifier.NeuralNetClassifier` over a
    :class:`~seqestimators.networks.RecurrentNetwork` (RNN, LSTM or GRU and a linear read-out),
    trained with cross-entropy on logits. ``y`` of shape ``(n_samples,)`` gives one label per
    sequence; ``(n_samples, n_timesteps)`` (or a ragged list) one label per timestep. Any labels
    scikit-learn accepts (strings, negative or non-contiguous integers) round-trip through
    ``classes_``.

    Parameters
    ----------
    {_docs.RECURRENT_PARAMS}
    {_docs.OUTPUT_PARAM}
    {_docs.TRAINING_PARAMS.format(max_epochs=100, lr=0.01, criterion="torch.nn.CrossEntropyLoss",
                                  valid_score="valid_acc")}
    classes : array-like of shape (n_classes,), default=None
        All class labels, when ``y`` may not show every one of them (skorch's parameter).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    {_docs.FITTED_ATTRIBUTES}

    See Also
    --------
    RNNRegressor : The same network for continuous targets.
    MemorylessClassifier : A per-timestep baseline without memory.

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.datasets import make_delayed_echo
    >>> X, y = make_delayed_echo(64, 20, random_state=0, return_X_y=True)
    >>> clf = RNNClassifier(cell="gru", hidden_size=8, max_epochs=40, random_state=0).fit(X, y)
    >>> clf.predict(X).shape
    (64, 20)
    >>> clf.score(X, y) > 0.95
    True
    """

    def __init__(self, *, cell="lstm", hidden_size=32, num_layers=1, bidirectional=False,
                 dropout=0.0, state_policy="reset", tbptt_steps=None, accumulate_steps=1,
                 output="auto",
                 max_epochs=100, lr=0.01, batch_size=32, optimizer=torch.optim.Adam,
                 criterion=torch.nn.CrossEntropyLoss, train_split=None, callbacks=None,
                 iterator_train=SequenceBatchIterator, iterator_valid=SequenceBatchIterator,
                 dataset=SequenceDataset, predict_nonlinearity="auto", warm_start=False,
                 verbose=0, device="cpu", compile=False, use_caching="auto",
                 torch_load_kwargs=None, random_state=None, num_threads=1, classes=None,
                 **kwargs):
        self._store_params(locals())


class RNNRegressor(SequenceRegressorMixin, RecurrentMixin, NeuralNetRegressor):
    __doc__ = f"""Recurrent network regressor of whole sequences or of every timestep.

    A skorch :class:`~skorch.regressor.NeuralNetRegressor` over a
    :class:`~seqestimators.networks.RecurrentNetwork`, trained with mean squared error over the
    real timesteps. ``y`` may be ``(n_samples,)`` or ``(n_samples, n_targets)`` per sequence, or
    ``(n_samples, n_timesteps[, n_targets])`` (or a ragged list) per timestep; ``predict``
    returns float64 values of the same shape.

    Parameters
    ----------
    {_docs.RECURRENT_PARAMS}
    {_docs.OUTPUT_PARAM}
    {_docs.TRAINING_PARAMS.format(max_epochs=100, lr=0.01, criterion="torch.nn.MSELoss",
                                  valid_score="valid_r2")}

    Attributes
    ----------
    n_targets_ : int
        Number of targets per sequence or per timestep.
    {_docs.FITTED_ATTRIBUTES}

    See Also
    --------
    RNNClassifier : The same network for class labels.
    RNNForecaster : A regressor whose own predictions are fed back as inputs.
    MemorylessRegressor : A per-timestep baseline without memory.

    Examples
    --------
    >>> from seqestimators import RNNRegressor
    >>> from seqestimators.datasets import make_saturated_integral
    >>> X, y = make_saturated_integral(32, 50, random_state=0, return_X_y=True)
    >>> reg = RNNRegressor(hidden_size=16, max_epochs=5, random_state=0).fit(X, y)
    >>> reg.predict(X).shape
    (32, 50)
    """

    def __init__(self, *, cell="lstm", hidden_size=32, num_layers=1, bidirectional=False,
                 dropout=0.0, state_policy="reset", tbptt_steps=None, accumulate_steps=1,
                 output="auto",
                 max_epochs=100, lr=0.01, batch_size=32, optimizer=torch.optim.Adam,
                 criterion=torch.nn.MSELoss, train_split=None, callbacks=None,
                 iterator_train=SequenceBatchIterator, iterator_valid=SequenceBatchIterator,
                 dataset=SequenceDataset, predict_nonlinearity="auto", warm_start=False,
                 verbose=0, device="cpu", compile=False, use_caching="auto",
                 torch_load_kwargs=None, random_state=None, num_threads=1, **kwargs):
        self._store_params(locals())
