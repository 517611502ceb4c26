"""Baselines that see only the current timestep: MemorylessClassifier, MemorylessRegressor."""

from __future__ import annotations

import torch
from skorch import NeuralNetClassifier, NeuralNetRegressor

from ..data import SequenceBatchIterator, SequenceDataset
from ..networks import MemorylessNetwork
from . import docstrings as _docs
from ._base import SequenceNetMixin
from ._classifier import SequenceClassifierMixin
from ._constraints import MEMORYLESS_CONSTRAINTS
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
    _parameter_constraints = MEMORYLESS_CONSTRAINTS

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
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.output = output
        self.max_epochs = max_epochs
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.lr = lr
        self.predict_batch_size = predict_batch_size
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.criterion = criterion
        self.train_split = train_split
        self.callbacks = callbacks
        self.iterator_train = iterator_train
        self.iterator_valid = iterator_valid
        self.dataset = dataset
        self.predict_nonlinearity = predict_nonlinearity
        self.warm_start = warm_start
        self.verbose = verbose
        self.device = device
        self.compile = compile
        self.use_caching = use_caching
        self.torch_load_kwargs = torch_load_kwargs
        self.random_state = random_state
        self.num_threads = num_threads
        self.classes = classes
        self._set_prefixed_params(kwargs)


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
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.output = output
        self.standardize_targets = standardize_targets
        self.max_epochs = max_epochs
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.lr = lr
        self.predict_batch_size = predict_batch_size
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.criterion = criterion
        self.train_split = train_split
        self.callbacks = callbacks
        self.iterator_train = iterator_train
        self.iterator_valid = iterator_valid
        self.dataset = dataset
        self.predict_nonlinearity = predict_nonlinearity
        self.warm_start = warm_start
        self.verbose = verbose
        self.device = device
        self.compile = compile
        self.use_caching = use_caching
        self.torch_load_kwargs = torch_load_kwargs
        self.random_state = random_state
        self.num_threads = num_threads
        self._set_prefixed_params(kwargs)
