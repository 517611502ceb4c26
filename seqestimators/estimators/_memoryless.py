"""Baselines that see only the current timestep: MemorylessClassifier, MemorylessRegressor."""

from __future__ import annotations

from numbers import Integral

import torch
from sklearn.utils._param_validation import Interval
from skorch import NeuralNetClassifier, NeuralNetRegressor

from .._batching import SequenceBatchIterator, SequenceDataset
from ..networks import MemorylessNetwork
from . import _docs
from ._base import SequenceNetMixin
from ._classifier import SequenceClassifierMixin
from ._regressor import SequenceRegressorMixin

__all__ = ["MemorylessClassifier", "MemorylessRegressor"]

MEMORYLESS_PARAMS = """\
hidden_size : int, default=32
        Units per hidden layer of the per-timestep perceptron.
    num_layers : int, default=1
        Hidden layers (0 gives a linear model of the current input)."""


class MemorylessMixin(SequenceNetMixin):
    """The per-timestep perceptron's construction from the estimator's parameters."""

    module = MemorylessNetwork
    _parameter_constraints = {
        **SequenceNetMixin._parameter_constraints,
        "num_layers": [Interval(Integral, 0, None, closed="left")],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # By design it sees one timestep: tabular data read as sequences defeats it.
        if tags.classifier_tags is not None:
            tags.classifier_tags.poor_score = True
        if tags.regressor_tags is not None:
            tags.regressor_tags.poor_score = True
        return tags

    def _module_kwargs(self):
        return {
            "input_size": self.input_size_,
            "output_size": self._n_outputs(),
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "output": self.output_,
            **self._target_scaling_kwargs(),
        }


class MemorylessClassifier(SequenceClassifierMixin, MemorylessMixin, NeuralNetClassifier):
    __doc__ = f"""Classifier whose prediction at each timestep sees only that timestep's input.

    The same interface as :class:`RNNClassifier` with a per-timestep multilayer perceptron in
    place of the recurrent layers: the best a model without memory can do. A recurrent model
    that does not beat it is not using its memory.

    Parameters
    ----------
    {MEMORYLESS_PARAMS}
    {_docs.OUTPUT_PARAM}
    {_docs.TRAINING_PARAMS.format(max_epochs=100, lr=0.01, criterion="torch.nn.CrossEntropyLoss",
                                  valid_score="valid_acc")}
    classes : array-like of shape (n_classes,), default=None
        All class labels, when ``y`` may not show every one of them.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    {_docs.FITTED_ATTRIBUTES}

    See Also
    --------
    RNNClassifier : The recurrent model to compare with.

    Examples
    --------
    >>> from seqestimators import MemorylessClassifier
    >>> from seqestimators.datasets import make_delayed_echo
    >>> X, y = make_delayed_echo(64, 20, random_state=0, return_X_y=True)
    >>> base = MemorylessClassifier(max_epochs=20, random_state=0).fit(X, y)
    >>> base.score(X, y) < 0.9  # the echo needs memory of the previous input
    True
    """

    def __init__(self, *, hidden_size=32, num_layers=1, output="auto", max_epochs=100,
                 n_iter_no_change=10, tol=1e-4, early_stopping=False, validation_fraction=0.1,
                 lr=0.01, predict_batch_size=256, batch_size=32, optimizer=torch.optim.Adam,
                 criterion=torch.nn.CrossEntropyLoss,
                 train_split=None, callbacks=None, iterator_train=SequenceBatchIterator,
                 iterator_valid=SequenceBatchIterator, dataset=SequenceDataset,
                 predict_nonlinearity="auto", warm_start=False, verbose=0, device="cpu",
                 compile=False, use_caching="auto", torch_load_kwargs=None, random_state=None,
                 num_threads=1, classes=None, **kwargs):
        self._store_params(locals())


class MemorylessRegressor(SequenceRegressorMixin, MemorylessMixin, NeuralNetRegressor):
    __doc__ = f"""Regressor whose prediction at each timestep sees only that timestep's input.

    The same interface as :class:`RNNRegressor` with a per-timestep multilayer perceptron in
    place of the recurrent layers: the score a recurrent model must beat to show it uses memory.

    Parameters
    ----------
    {MEMORYLESS_PARAMS}
    {_docs.OUTPUT_PARAM}
    {_docs.STANDARDIZE_TARGETS_PARAM}
    {_docs.TRAINING_PARAMS.format(max_epochs=100, lr=0.01, criterion="torch.nn.MSELoss",
                                  valid_score="valid_r2")}

    Attributes
    ----------
    n_targets_ : int
        Number of targets per sequence or per timestep.
    {_docs.FITTED_ATTRIBUTES}

    See Also
    --------
    RNNRegressor : The recurrent model to compare with.

    Examples
    --------
    >>> from seqestimators import MemorylessRegressor
    >>> from seqestimators.datasets import make_saturated_integral
    >>> X, y = make_saturated_integral(32, 50, random_state=0, return_X_y=True)
    >>> MemorylessRegressor(max_epochs=5, random_state=0).fit(X, y).predict(X).shape
    (32, 50)
    """

    def __init__(self, *, hidden_size=32, num_layers=1, output="auto", standardize_targets=True,
                 max_epochs=100,
                 n_iter_no_change=10, tol=1e-4, early_stopping=False, validation_fraction=0.1,
                 lr=0.01, predict_batch_size=256, batch_size=32, optimizer=torch.optim.Adam,
                 criterion=torch.nn.MSELoss,
                 train_split=None, callbacks=None, iterator_train=SequenceBatchIterator,
                 iterator_valid=SequenceBatchIterator, dataset=SequenceDataset,
                 predict_nonlinearity="auto", warm_start=False, verbose=0, device="cpu",
                 compile=False, use_caching="auto", torch_load_kwargs=None, random_state=None,
                 num_threads=1, **kwargs):
        self._store_params(locals())
