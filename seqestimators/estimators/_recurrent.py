"""RNNClassifier and RNNRegressor."""

from __future__ import annotations

import torch
from skorch import NeuralNetClassifier, NeuralNetRegressor

from ..data import SequenceBatchIterator, SequenceDataset
from ..networks import RecurrentNetwork
from . import docstrings as _docs
from ._base import SequenceNetMixin
from ._baseline import BaselineMixin
from ._classifier import SequenceClassifierMixin
from ._constraints import RECURRENT_CONSTRAINTS
from ._regressor import SequenceRegressorMixin

__all__ = ["RNNClassifier", "RNNRegressor"]


#: The default epoch cap: training normally stops earlier, at convergence.
MAX_EPOCHS = 1000
#: ``patch_size="auto"``: sequences longer than this many timesteps are read in patches.
AUTO_PATCH_MIN_LENGTH = 64
#: ``patch_size="auto"``: the patch size aims at about this many recurrent steps.
AUTO_PATCH_STEPS = 32


def auto_patch_size(n_timesteps):
    """The patch size ``patch_size="auto"`` picks for training sequences this long.

    Sequences of up to :data:`AUTO_PATCH_MIN_LENGTH` timesteps are left alone; longer ones are
    cut into about :data:`AUTO_PATCH_STEPS` patches.

    Parameters
    ----------
    n_timesteps : int
        The typical training length: the median length of the training sequences (their
        common length when they are equally long). Longer sequences of a ragged set get more
        patches, shorter ones fewer.

    Returns
    -------
    patch_size : int

    Examples
    --------
    >>> from seqestimators.estimators._recurrent import auto_patch_size
    >>> [auto_patch_size(n) for n in (24, 64, 150, 427, 1000)]
    [1, 1, 5, 13, 31]
    """
    if n_timesteps <= AUTO_PATCH_MIN_LENGTH:
        return 1
    return max(1, round(n_timesteps / AUTO_PATCH_STEPS))


class RecurrentMixin(BaselineMixin, SequenceNetMixin):
    """The recurrent network's construction from the estimator's parameters."""

    module = RecurrentNetwork
    patch_size = None
    pooling = "last"
    instance_norm = False
    frontend = None

    _parameter_constraints = RECURRENT_CONSTRAINTS

    def _after_fit(self, X, y, dataset):
        self._check_baseline(X, y, dataset)

    def _check_output_params(self, output):
        if output == "sequence" and self.patch_size not in (None, 1, "auto"):
            raise ValueError(
                f"patch_size={self.patch_size} reads patches of timesteps as one recurrent step, "
                "which gives one output per sequence only, but y has one target per timestep "
                "(output='sequence'). Use patch_size=None for per-timestep targets."
            )
        if output == "sequence" and self.instance_norm is True:
            raise ValueError(
                "instance_norm=True standardizes each sequence by statistics of all its "
                "timesteps, which would let every per-timestep prediction see the future of its "
                "sequence, but y has one target per timestep (output='sequence'). Use "
                "instance_norm=False (or 'auto') for per-timestep targets."
            )

    def _resolve_settings(self):
        """``patch_size_``, ``pooling_``, ``instance_norm_`` and ``frontend_``: the "auto"
        rules, applied in fit."""
        self.patch_size_ = self._resolve_patch_size()
        self.pooling_ = self._resolve_pooling()
        self.instance_norm_ = self._resolve_instance_norm()
        self.frontend_ = self._resolve_frontend()

    def _resolve_frontend(self):
        # Measured on every shipped set (benchmarks/README.md, issue 19): the convolutions
        # lower the test RMSE of all three regression sets (8 of 9 seeds); on classification
        # they gain on five of seven sets and lose 6.5 points on ArrowHead.
        if self.frontend == "auto":
            return "conv" if self._numeric_targets and self.output_ == "last" else None
        return self.frontend

    def _resolve_instance_norm(self):
        if self.instance_norm == "auto":
            return self.output_ == "last" and not self._state_policy.carries
        return bool(self.instance_norm)

    def _built_frontend(self):
        """``frontend_``; a model file written before it existed built its network from the
        parameter, which could not be "auto" then (a file without the parameter: no front-end)."""
        if "frontend_" in self.__dict__:
            return self.frontend_
        return None if self.frontend == "auto" else self.frontend

    def _resolve_patch_size(self):
        if self.output_ == "sequence" or self.patch_size is None:
            return 1
        if self.patch_size == "auto":
            return auto_patch_size(self.fit_median_n_timesteps_)
        return int(self.patch_size)

    def _resolve_pooling(self):
        if self.pooling != "auto":
            return self.pooling
        return "max" if self.output_ == "last" and self.patch_size_ > 1 else "last"

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
            "learned_initial_state": self._state_policy.learned_initial_state,
            "patch_size": self.patch_size_,
            "pooling": self.pooling_,
            "instance_norm": self.instance_norm_,
            "frontend": self._built_frontend(),
            **self._target_scaling_kwargs(),
        }

    def _forward_kwargs(self, *, need_final_state):
        return {"need_final_state": need_final_state}


class RNNClassifier(SequenceClassifierMixin, RecurrentMixin, NeuralNetClassifier):
    __doc__ = f"""Recurrent network classifier of whole sequences or of every timestep.

    A skorch :class:`~skorch.classifier.NeuralNetClassifier` over a
    :class:`~seqestimators.networks.RecurrentNetwork` (a registered recurrent cell and a linear read-out),
    trained with cross-entropy on logits. ``y`` of shape ``(n_samples,)`` gives one label per
    sequence; ``(n_samples, n_timesteps)`` (or a ragged list) one label per timestep. Any labels
    scikit-learn accepts (strings, negative or non-contiguous integers) round-trip through
    ``classes_``.

    Parameters
    ----------
    {_docs.RECURRENT_PARAMS}
    {_docs.OUTPUT_PARAM}
    {_docs.LONG_SEQUENCE_PARAMS}
    {_docs.frontend_param(None)}
    {_docs.TRAINING_PARAMS.format(max_epochs=MAX_EPOCHS, lr=0.01,
                                  criterion="torch.nn.CrossEntropyLoss", valid_score="valid_acc")}
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
                 output="auto", patch_size="auto", pooling="auto", instance_norm="auto",
                 frontend=None, max_epochs=MAX_EPOCHS, n_iter_no_change=10, tol=1e-4, early_stopping=False,
                 validation_fraction=0.1, lr=0.01, batch_size=32, predict_batch_size=256,
                 optimizer=torch.optim.Adam, criterion=torch.nn.CrossEntropyLoss,
                 train_split=None, callbacks=None,
                 iterator_train=SequenceBatchIterator, iterator_valid=SequenceBatchIterator,
                 dataset=SequenceDataset, predict_nonlinearity="auto", warm_start=False,
                 verbose=0, device="cpu", compile=False, use_caching="auto",
                 torch_load_kwargs=None, random_state=None, num_threads=1, classes=None,
                 baseline_check=True, **kwargs):
        self.baseline_check = baseline_check
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.state_policy = state_policy
        self.tbptt_steps = tbptt_steps
        self.accumulate_steps = accumulate_steps
        self.output = output
        self.patch_size = patch_size
        self.pooling = pooling
        self.instance_norm = instance_norm
        self.frontend = frontend
        self.max_epochs = max_epochs
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.lr = lr
        self.batch_size = batch_size
        self.predict_batch_size = predict_batch_size
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
    {_docs.LONG_SEQUENCE_PARAMS}
    {_docs.frontend_param("auto")}
    {_docs.STANDARDIZE_TARGETS_PARAM}
    {_docs.TRAINING_PARAMS.format(max_epochs=MAX_EPOCHS, lr=0.01, criterion="torch.nn.MSELoss",
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
                 output="auto", patch_size="auto", pooling="auto", instance_norm="auto",
                 frontend="auto", standardize_targets=True,
                 max_epochs=MAX_EPOCHS, n_iter_no_change=10, tol=1e-4, early_stopping=False,
                 validation_fraction=0.1, lr=0.01, batch_size=32, predict_batch_size=256,
                 optimizer=torch.optim.Adam, criterion=torch.nn.MSELoss, train_split=None, callbacks=None,
                 iterator_train=SequenceBatchIterator, iterator_valid=SequenceBatchIterator,
                 dataset=SequenceDataset, predict_nonlinearity="auto", warm_start=False,
                 verbose=0, device="cpu", compile=False, use_caching="auto",
                 torch_load_kwargs=None, random_state=None, num_threads=1, baseline_check=True,
                 **kwargs):
        self.baseline_check = baseline_check
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.state_policy = state_policy
        self.tbptt_steps = tbptt_steps
        self.accumulate_steps = accumulate_steps
        self.output = output
        self.patch_size = patch_size
        self.pooling = pooling
        self.instance_norm = instance_norm
        self.frontend = frontend
        self.standardize_targets = standardize_targets
        self.max_epochs = max_epochs
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.lr = lr
        self.batch_size = batch_size
        self.predict_batch_size = predict_batch_size
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
