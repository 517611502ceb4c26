"""What every sequence estimator shares: parameters, data validation, fit and partial_fit.

The concerns live in their own modules and meet here: devices and threads (``_device``),
parameter constraints (``_constraints``), training (``_training``), inference
(``_inference``) and skorch's hooks (``_hooks``).
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

# scikit-learn's own estimators validate `_parameter_constraints` with this function; it has no
# public path (see _constraints.py).
from sklearn.utils._param_validation import validate_parameter_constraints
from skorch import NeuralNet

from ..data import (
    check_input_shape,
    check_seed,
    check_sequence_targets,
    check_sequences,
    record_input_shape,
)
from ..state import get_state_policy
from ._constraints import NET_CONSTRAINTS
from ._device import DeviceParameter, resolve_device, thread_budget
from ._hooks import SkorchHooksMixin
from ._inference import InferenceMixin
from ._training import TrainingMixin

__all__ = ["SequenceNetMixin"]


class SequenceNetMixin(TrainingMixin, InferenceMixin, SkorchHooksMixin):
    """Shared machinery of the sequence estimators (left of the skorch net in the MRO).

    Subclasses define ``__init__`` (storing parameters only), the class attribute ``module``,
    ``_module_kwargs()``, and the task-specific ``_encode_targets``, ``get_loss`` and the
    prediction methods. Everything about the initial hidden state is decided by the
    :class:`~seqestimators.state.StatePolicy` named by ``state_policy``.
    """

    # skorch reads these before `initialize()` sets them on the instance; keeping them on the
    # class means `__init__` sets nothing but the parameters, as scikit-learn requires.
    initialized_ = False
    history_ = None
    virtual_params_ = {}  # noqa: RUF012 - read-only default, skorch replaces it per instance
    state_policy = "reset"
    tbptt_steps = None
    bidirectional = False
    accumulate_steps = 1  # estimators without the parameter take an optimizer step per window
    n_iter_no_change = 10
    tol = 1e-4
    early_stopping = False
    validation_fraction = 0.1
    predict_batch_size = 256
    device = DeviceParameter()

    _parameter_constraints = NET_CONSTRAINTS

    @property
    def _state_policy(self):
        return get_state_policy(self.state_policy)

    def _check_params(self):
        params = self.get_params(deep=False)
        constraints = {k: v for k, v in self._parameter_constraints.items() if k in params}
        validate_parameter_constraints(constraints, params, caller_name=type(self).__name__)
        resolve_device(params.get("device", "cpu"))
        name = type(self).__name__
        if self.tbptt_steps is not None and getattr(self, "output", None) == "last":
            raise ValueError(
                "tbptt_steps needs one target per timestep (output='sequence'); with "
                "output='last' the whole sequence must be backpropagated."
            )
        if self.bidirectional and self.tbptt_steps is not None:
            raise ValueError(
                "tbptt_steps cuts sequences into windows read in time order, but "
                "bidirectional=True also reads each sequence backwards from its end, which a "
                "window does not contain. Use bidirectional=False with tbptt_steps."
            )
        self._state_policy.check_params(self)
        if getattr(self, "dropout", 0) > 0 and getattr(self, "num_layers", 1) == 1:
            warnings.warn(
                f"{name}: dropout={self.dropout} acts between stacked recurrent layers, but "
                "num_layers=1, so it has no effect (torch.nn.LSTM warns the same). Use "
                "num_layers >= 2, or dropout=0.",
                UserWarning, stacklevel=3,
            )

    # ------------------------------------------------------------------ runtime context
    @contextlib.contextmanager
    def _runtime(self, *, seed_offset=None):
        """Threads and (when ``seed_offset`` is given) a private, seeded RNG.

        Never changes the estimator: predictions may run in several threads at once.
        """
        with thread_budget(self.num_threads):
            if seed_offset is None or self.random_state is None:
                yield
                return
            device = self.device
            seed = check_seed(self.random_state) + seed_offset
            cuda = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
            with torch.random.fork_rng(devices=cuda):
                torch.manual_seed(seed)
                yield

    # ------------------------------------------------------------------ data
    def _validate_X(self, X, *, reset):
        sequences = check_sequences(X, estimator=self, warn_layout=reset)
        if reset:
            record_input_shape(self, sequences)
        else:
            check_input_shape(self, sequences)
        return sequences

    def _make_dataset(self, sequences, y=None):
        X = torch.from_numpy(np.ascontiguousarray(sequences.values))
        lengths = None if sequences.lengths is None else \
            torch.from_numpy(np.asarray(sequences.lengths, dtype=np.int64))
        dataset = self.dataset(X, lengths, y)
        device = self.device
        return dataset.to(device) if device != "cpu" and hasattr(dataset, "to") else dataset

    def _validate_fit_data(self, X, y, *, reset, classes=None, fit_params=None):
        """The training dataset; with ``reset``, every fitted attribute the data decides is set.

        In order: the input shape (``n_features_in_``, ``input_size_``, ...), the output mode
        (``output_``, ``target_ndim_``), the targets' encoding (``classes_`` or
        ``n_targets_``), the statistics of the training part (:meth:`_fit_statistics`) and the
        settings resolved from them (:meth:`_resolve_settings`).
        """
        sequences = self._validate_X(X, reset=reset)
        targets, output, target_ndim = check_sequence_targets(
            y, sequences, output=self.output if reset else self.output_,
            allow_multi_target=self._allow_multi_target, estimator=self,
            numeric=self._numeric_targets,
        )
        if reset:
            self.output_ = output
            self.target_ndim_ = target_ndim
        elif target_ndim != self.target_ndim_:
            raise ValueError(
                f"y has {target_ndim} dimensions, but {type(self).__name__} was fitted with "
                f"{self.target_ndim_}."
            )
        self._check_output_params(output)
        y_tensor = self._encode_targets(targets, sequences, reset=reset, classes=classes)
        dataset = self._make_dataset(sequences, y_tensor)
        if reset:
            rows = self._training_rows(dataset, fit_params or {})
            self._fit_statistics(sequences.take(rows), targets[rows])
            self._resolve_settings()
        return dataset

    def _fit_statistics(self, sequences, targets):
        """Statistics of the training part of the data (never of its validation part).

        ``fit_median_n_timesteps_`` (read by ``patch_size="auto"``) here, and the target
        scaling of regressors (:meth:`_fit_target_statistics`).
        """
        self.fit_median_n_timesteps_ = int(np.median(sequences.lengths))
        self._fit_target_statistics(targets, sequences)

    def _fit_target_statistics(self, targets, sequences):
        """Statistics of the training targets (none by default)."""

    def _check_output_params(self, output):
        """Parameters that need one output per sequence (or per timestep), checked once known."""

    def _resolve_settings(self):
        """Set the fitted attributes that resolve ``"auto"`` parameters (none by default)."""

    # ------------------------------------------------------------------ public API
    def fit(self, X, y, **fit_params):
        """Initialize the network and train it on sequences ``X`` and targets ``y``.

        Training stops when the monitored loss (the training loss, or with
        ``early_stopping=True`` the loss on a held-out ``validation_fraction``) has not
        improved by ``tol`` for ``n_iter_no_change`` epochs, or after ``max_epochs`` epochs,
        with a :class:`~sklearn.exceptions.ConvergenceWarning` if it was still improving.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Training sequences: a 3D array, a 2D array of univariate sequences, a ragged list of
            ``(n_timesteps_i, n_features)`` arrays or a long-format DataFrame.
        y : array-like or list of arrays
            ``(n_samples,)`` one target per sequence, ``(n_samples, n_timesteps[, n_targets])``
            one per timestep, or a ragged list following ``X``.
        **fit_params : dict
            Passed on to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_params()
        warm = self.warm_start and self.initialized_
        self._in_fit = True
        try:
            with self._collecting_warnings(), self._runtime(seed_offset=0):
                # A warm start continues the same network: same inputs, same classes.
                dataset = self._validate_fit_data(X, y, reset=not warm, fit_params=fit_params)
                if not warm:
                    self.initialize()
                self.reset_state()
                self._state_policy.warn_misuse(self, len(dataset), stacklevel=2)
                self._train(dataset, **fit_params)
                self._warn_once("convergence", self.__dict__.pop("_not_converged", None),
                                ConvergenceWarning)
                self._after_fit(X, y, dataset)
        finally:
            self._in_fit = False
            vars(self).pop("_fit_split", None)
        return self

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Continue training on ``X, y`` for ``max_epochs`` epochs, without re-initializing.

        Under ``state_policy="carry"`` the hidden state left by the previous call is the
        initial state of this one, so consecutive chunks of a stream are learned in order
        (Keras ``stateful=True``); with ``max_epochs=1``, calls on chunks of ``k`` timesteps
        train exactly as ``fit`` on the whole stream with ``tbptt_steps=k`` (and, for
        regressors, ``standardize_targets=False``: ``fit`` alone standardizes targets):
        gradients never cross a chunk boundary. :meth:`reset_state` starts a new stream. With
        ``accumulate_steps``, gradients of consecutive calls add up to shared optimizer steps.
        A stream in chunks is never stopped early: every call runs its ``max_epochs``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Training sequences (see :meth:`fit`).
        y : array-like or list of arrays
            Targets (see :meth:`fit`).
        classes : array-like of shape (n_classes,), default=None
            Classifiers only: every label that will ever be seen, required on the first call
            when later chunks hold labels the first one lacks.
        **fit_params : dict
            Passed on to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : object
            The estimator.
        """
        first = not self.initialized_
        if first:
            self._check_params()
        offset = 0 if first else len(self.history_)
        try:
            with self._collecting_warnings(), self._runtime(seed_offset=offset):
                dataset = self._validate_fit_data(X, y, reset=first, classes=classes,
                                                  fit_params=fit_params)
                if first:
                    self.initialize()
                    self.reset_state()
                NeuralNet.partial_fit(self, dataset, None, **fit_params)
        finally:
            vars(self).pop("_fit_split", None)
        return self

    def _after_fit(self, X, y, dataset):
        """Checks of a finished ``fit`` of ``X, y`` (validated as ``dataset``); none here."""

    def reset_state(self):
        """Forget the carried hidden state, so that the next batch starts a new stream.

        Only ``state_policy="carry"`` keeps a state between batches and calls: ``partial_fit``,
        ``predict`` (and the other prediction methods) continue it, so that a stream can be
        learned or predicted chunk by chunk. ``fit`` starts from a reset state and ends with
        the state where training stopped: reset it before predicting a new stream.

        Returns
        -------
        self : object
            The estimator.
        """
        self.carried_state_ = None
        return self

    def _train(self, dataset, **fit_params):
        """skorch's training loop over ``dataset``, through its public hooks.

        ``NeuralNet.partial_fit`` would do the same, but takes the training loop's routing
        entry point only through a private keyword (``_routing_method``, skorch >= 1.4); the
        loop's own default is ``fit``'s.
        """
        self.notify("on_train_begin", X=dataset, y=None)
        try:
            self.fit_loop(dataset, None, **fit_params)
        except KeyboardInterrupt:
            pass
        self.notify("on_train_end", X=dataset, y=None)
        return self
