"""What every sequence estimator shares: data validation, hidden-state policies, truncated BPTT,
convergence, threads, seeding, devices and inference, all through skorch's hooks."""

from __future__ import annotations

import contextlib
import threading
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import (
    EpochScoring,
    EpochTimer,
    GradientNormClipping,
    PassthroughScoring,
    PrintLog,
)
from skorch.dataset import ValidSplit, unpack_data
from skorch.utils import TeeGenerator, to_tensor

from .._batching import resolve_dataset
from .._validation import (
    check_input_shape,
    check_seed,
    check_sequence_targets,
    check_sequences,
    record_input_shape,
)
from ..callbacks import ConvergenceCheck, DivergenceCheck, PlateauLRScheduler
from ..networks import CELLS, state_where
from ..sequences import unpad_sequences
from ..state import STATE_POLICIES, detach_state, get_state_policy, map_state, resize_state

__all__ = ["SequenceNetMixin", "resolve_device"]


def resolve_device(device):
    """The torch device string for ``device`` ("cpu", "cuda", "cuda:N", "auto" or None).

    Raises
    ------
    ValueError
        When a CUDA device is requested and none is available.
    """
    if device is None:
        return "cpu"
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    kind = torch.device(device).type
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested, but no CUDA GPU is available "
                "(torch.cuda.is_available() is False). Use device='cpu', or device='auto' to "
                "take a GPU only when there is one."
            )
        index = torch.device(device).index
        if index is not None and index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested, but only {torch.cuda.device_count()} CUDA "
                "device(s) are available."
            )
    return str(device)


class _DeviceParameter:
    """The ``device`` parameter: stored as given, read by skorch as a concrete device.

    skorch reads ``self.device`` wherever it moves a module or tensor (``initialize``,
    ``load_params``, ``forward``, ...). ``"auto"`` resolves to ``"cuda"`` or ``"cpu"`` at every
    read, so those methods work as they are, while ``get_params`` (and so ``clone`` and the
    searches) still see ``"auto"``.
    """

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get("device", "cpu")
        return resolve_device(value) if isinstance(value, str) and value == "auto" else value

    def __set__(self, instance, value):
        instance.__dict__["device"] = value


class _ThreadBudget:
    """torch's intra-op thread count, set for the duration of fits and predictions.

    The setting is process-wide, so concurrent calls (threads predicting at once) share one
    count: the first to enter sets it, the last to leave restores the caller's setting.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._users = 0
        self._saved = None

    @contextlib.contextmanager
    def __call__(self, n_threads):
        if n_threads is None:
            yield
            return
        with self._lock:
            if self._users == 0:
                self._saved = torch.get_num_threads()
                if self._saved != n_threads:
                    torch.set_num_threads(n_threads)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and torch.get_num_threads() != self._saved:
                    torch.set_num_threads(self._saved)


_thread_budget = _ThreadBudget()


class SequenceNetMixin:
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
    device = _DeviceParameter()

    _parameter_constraints = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "state_policy": [StrOptions(set(STATE_POLICIES))],
        "tbptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "accumulate_steps": [Interval(Integral, 1, None, closed="left")],
        "output": [StrOptions({"auto", "sequence", "last"})],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1})],
        "predict_batch_size": [Interval(Integral, 1, None, closed="left")],
        "standardize_targets": ["boolean"],
        "num_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    # ------------------------------------------------------------------ parameters
    def _store_params(self, params):
        """Store ``__init__``'s arguments, prefixed skorch arguments (``module__*``, ...) too."""
        params = dict(params)
        params.pop("self")
        params.pop("__class__", None)
        kwargs = params.pop("kwargs", {})
        vars(self).update(params)
        self._params_to_validate = set(kwargs)
        vars(self).update(kwargs)

    def _get_param_names(self):
        # skorch lists every public instance attribute; private bookkeeping is not a parameter.
        return [k for k in self.__dict__ if not k.endswith("_") and not k.startswith("_")]

    def get_params(self, deep=True, **kwargs):
        params = super().get_params(deep=deep, **kwargs)
        if "device" in params:
            params["device"] = self.__dict__.get("device", "cpu")
        return params

    def set_params(self, **params):
        """Set the parameters of this estimator (nested ``module__*``, ``callbacks__*`` too).

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : object
            The estimator.
        """
        if "callbacks" in params and not self.initialized_:
            # skorch builds the callbacks right away; scikit-learn validates only in fit.
            self.callbacks = params.pop("callbacks")
        return super().set_params(**params)

    # scikit-learn's representation (non-default parameters only, and the notebook diagram)
    # instead of skorch's "<class ...>[uninitialized](...)".
    __repr__ = BaseEstimator.__repr__

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

    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            (self._valid_score_name, EpochScoring(
                _score_dataset, name=self._valid_score_name, lower_is_better=False,
                use_caching=False)),
            ("gradient_clip", GradientNormClipping(gradient_clip_value=1.0)),
            ("divergence", DivergenceCheck()),
            ("lr_scheduler", PlateauLRScheduler()),
            ("convergence", ConvergenceCheck()),
            ("print_log", PrintLog()),
        ]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.three_d_array = True
        return tags

    # ------------------------------------------------------------------ runtime context
    @contextlib.contextmanager
    def _runtime(self, *, seed_offset=None):
        """Threads and (when ``seed_offset`` is given) a private, seeded RNG.

        Never changes the estimator: predictions may run in several threads at once.
        """
        with _thread_budget(self.num_threads):
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
        lengths = None if sequences.lengths is None else torch.from_numpy(sequences.lengths)
        dataset = self.dataset(X, lengths, y)
        device = self.device
        return dataset.to(device) if device != "cpu" and hasattr(dataset, "to") else dataset

    def _validate_fit_data(self, X, y, *, reset, classes=None):
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
        return self._make_dataset(sequences, y_tensor)

    def _check_output_params(self, output):
        """Parameters that need one output per sequence (or per timestep), checked once known."""

    # ------------------------------------------------------------------ skorch hooks
    def initialize(self):
        """Initialize the callbacks, module, criterion and optimizer (skorch's hook).

        ``device`` is checked here: a CUDA device without a GPU is a clear error.
        """
        resolve_device(self.__dict__.get("device", "cpu"))
        return super().initialize()

    def initialize_module(self):
        kwargs = self._module_kwargs()
        kwargs.update(self.get_params_for("module"))
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def check_data(self, X, y=None):
        """Validation happens before skorch sees the data (in ``fit``)."""

    def get_iterator(self, dataset, training=False):
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = self.get_params_for(prefix)
        iterator = self.iterator_train if training else self.iterator_valid
        if training and "shuffle" not in kwargs:
            kwargs["shuffle"] = self._state_policy.shuffles_training_batches()
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return iterator(dataset, **kwargs)

    def get_split_datasets(self, X, y=None, **fit_params):
        """The internal train/validation split, seeded by ``random_state``.

        ``train_split`` when given (a :class:`~skorch.dataset.ValidSplit` without a
        ``random_state`` of its own gets one derived from the estimator's), else, with
        ``early_stopping=True``, a held-out ``validation_fraction`` (stratified by label for
        per-sequence classification when every class has two sequences). numpy's global
        random state is never used when ``random_state`` is set.
        """
        split = self.train_split
        if split is None and not (self.early_stopping and self._fitting_to_convergence):
            return X, None
        labels = self._stratification_labels(X)
        if split is None:
            stratified = labels is not None and np.unique(labels, return_counts=True)[1].min() >= 2
            split = ValidSplit(self.validation_fraction, stratified=stratified,
                               random_state=self._split_seed())
            return split(X, labels if stratified else None, **fit_params)
        if isinstance(split, ValidSplit) and split.random_state is None and \
                self.random_state is not None and isinstance(split.cv, float):
            split = ValidSplit(split.cv, stratified=split.stratified,
                               random_state=self._split_seed())
        if isinstance(split, ValidSplit) and split.stratified:
            return split(X, labels, **fit_params)
        return split(X, y, **fit_params)

    def _split_seed(self):
        seed = check_seed(self.random_state)
        return None if seed is None else (seed + 7919) % (2**32)

    def _stratification_labels(self, dataset):
        """Per-sequence class codes of a classifier's training data, else None."""
        if self._numeric_targets or getattr(self, "output_", None) != "last":
            return None
        return dataset.y.cpu().numpy().reshape(-1)

    @property
    def _fitting_to_convergence(self):
        # True inside fit; partial_fit (a stream in chunks) is never stopped early, and does
        # not estimate data statistics from its first chunk.
        return self.__dict__.get("_in_fit", False)

    def _carried_state_for(self, n_rows):
        """Under ``"carry"``: the carried state cut or padded to ``n_rows`` streams, else None.

        Rows past the carried ones start new streams, with a warning.
        """
        carried = getattr(self, "carried_state_", None)
        if not self._state_policy.carries or carried is None:
            return None
        rows = (carried[0] if isinstance(carried, tuple) else carried).shape[1]
        if rows < n_rows:
            self._warn_new_streams(rows, n_rows)
        return resize_state(carried, n_rows, fill=self._state_fill())

    def _state_fill(self):
        fill = getattr(self.module_, "state_fill", None)
        return fill() if callable(fill) else 0.0

    def _warn_new_streams(self, rows, batch_size):
        warnings.warn(
            f"state_policy='carry' continues row i of each batch from row i of the previous "
            f"one, but this batch has {batch_size} rows and the carried state {rows}: rows "
            f"{rows}..{batch_size - 1} start new streams from a zero state. Pass the same "
            "number of streams every time (a batch_size that divides the number of "
            "sequences), or call reset_state() to start over.",
            UserWarning, stacklevel=2,
        )

    def infer(self, x, **fit_params):
        """The network's output on a batch; training passes read and leave the batch state.

        Only a training pass (``module_.training``) starts from ``_train_state`` and records
        its final state in ``_train_final`` for :meth:`train_step`; validation passes start
        from the policy's default (zeros or the learned state) and move nothing.
        """
        x = to_tensor(x, device=self.device)
        X = x["X"].to(self._module_dtype())
        training = self.module_.training
        state = self.__dict__.get("_train_state") if training else None
        if state is not None:
            state = map_state(lambda s: s.to(X.dtype), state)
        output, final = self.module_(X, lengths=x.get("lengths"), state=state,
                                     **self._forward_kwargs(
                                         need_final_state=training and self._needs_final_state()),
                                     **fit_params)
        if training:
            self._train_final = final
        return output

    def _forward_kwargs(self, *, need_final_state):
        """Extra keyword arguments of the module's ``forward`` (the recurrent network's)."""
        return {}

    def _needs_final_state(self):
        return self._state_policy.carries or self.tbptt_steps is not None

    def _module_dtype(self):
        param = next(self.module_.parameters(), None)
        return torch.float32 if param is None else param.dtype

    def train_step(self, batch, **fit_params):
        """One optimizer step per batch, or one per window of ``tbptt_steps`` timesteps.

        The batch starts from the state its policy gives (the carried state under
        ``"carry"``) and, under ``"carry"``, its final state is carried to the next batch.
        With ``accumulate_steps=n`` the gradients of ``n`` consecutive batches (or windows)
        are averaged before one optimizer step (see :meth:`_accumulating_step`).
        """
        Xi, yi = unpack_data(batch)
        X, lengths = Xi["X"], Xi.get("lengths")
        state = map_state(lambda s: s.to(X.device), self._carried_state_for(X.shape[0]))
        try:
            if self.tbptt_steps is None:
                self._train_state = state
                step = self._accumulating_step(batch, **fit_params)
                final = self._train_final
            else:
                step, final = self._truncated_step(X, lengths, yi, state, **fit_params)
        finally:
            vars(self).pop("_train_state", None)
            vars(self).pop("_train_final", None)
        if self._state_policy.carries:
            self.carried_state_ = detach_state(final)
        return step

    def _truncated_step(self, X, lengths, yi, state, **fit_params):
        """Truncated BPTT over windows of ``tbptt_steps``: the state runs on, gradients stop."""
        n_timesteps, k = X.shape[1], self.tbptt_steps
        total, n_real, preds = 0.0, 0, None
        for start in range(0, n_timesteps, k):
            stop = min(start + k, n_timesteps)
            # "start": the window's offset in its sequences, for networks that need it.
            window = {"X": X[:, start:stop], "start": start}
            if lengths is None:
                n_window = X.shape[0] * (stop - start)
            else:
                window_lengths = (lengths - start).clamp(0, stop - start)
                window["lengths"] = window_lengths.clamp(min=1)
                window["target_lengths"] = window_lengths
                n_window = int(window_lengths.sum())
            self._train_state = state
            step = self._accumulating_step((window, yi[:, start:stop]), **fit_params)
            final = detach_state(self._train_final)
            state = final if lengths is None else state_where(
                window_lengths.to(X.device) > 0, final, state)
            total = total + step["loss"].detach() * n_window
            n_real += n_window
            # Predictions go, detached, into one buffer: a window's autograd graph must
            # not outlive its backward pass, and many small tensors kept alive between
            # windows fragment the heap; either way memory would grow with the stream.
            y_pred = step["y_pred"].detach()
            if preds is None:
                preds = y_pred.new_empty((y_pred.shape[0], n_timesteps, *y_pred.shape[2:]))
            preds[:, start:stop] = y_pred
        return {"loss": total / max(n_real, 1), "y_pred": preds}, state

    def _accumulating_step(self, batch, **fit_params):
        """skorch's train step, or gradient accumulation when ``accumulate_steps > 1``.

        Each call backpropagates one batch (or window) with ``train_step_single``; every
        ``accumulate_steps`` calls, the summed gradients are divided by their count (the mean
        loss over the group), the ``on_grad_computed`` callbacks run (gradient clipping sees
        the group's gradient) and the optimizer steps. The count runs on across batches, epochs
        and ``partial_fit`` calls, so that consecutive one-step chunks of a stream share an
        optimizer step; a new optimizer (``fit``, ``initialize``) starts it again.
        """
        n_steps = self.accumulate_steps
        if n_steps == 1:
            return super().train_step(batch, **fit_params)
        if getattr(self, "_n_accumulated", 0) == 0:
            self._zero_grad_optimizer()
            self._n_accumulated = 0
        step = self.train_step_single(batch, **fit_params)
        self._n_accumulated += 1
        if self._n_accumulated >= n_steps:
            for _, param in self.get_all_learnable_params():
                if param.grad is not None:
                    param.grad.div_(self._n_accumulated)
            self.notify(
                "on_grad_computed",
                named_parameters=TeeGenerator(self.get_all_learnable_params()),
                batch=batch,
                training=True,
            )
            self._step_optimizer(None)
            self._n_accumulated = 0
        return step

    def initialize_optimizer(self, *args, **kwargs):
        # A new optimizer starts a new group of accumulated gradients.
        self._n_accumulated = 0
        return super().initialize_optimizer(*args, **kwargs)

    def _loss_mask(self, X, y_true):
        """Boolean ``(batch, n_timesteps)`` mask of real timesteps, or None when all are real."""
        if not isinstance(X, dict):
            return None
        lengths = X.get("target_lengths", X.get("lengths"))
        if lengths is None:
            return None
        lengths = torch.as_tensor(lengths, device=y_true.device)
        return torch.arange(y_true.shape[1], device=y_true.device)[None, :] < lengths[:, None]

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
            with self._runtime(seed_offset=0):
                # A warm start continues the same network: same inputs, same classes.
                dataset = self._validate_fit_data(X, y, reset=not warm)
                if not warm:
                    self.initialize()
                self.reset_state()
                self._state_policy.warn_misuse(self, len(dataset))
                NeuralNet.partial_fit(self, dataset, None, _routing_method="fit", **fit_params)
        finally:
            self._in_fit = False
        message = self.__dict__.pop("_not_converged", None)
        if message:
            warnings.warn(message, ConvergenceWarning, stacklevel=2)
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
        with self._runtime(seed_offset=offset):
            dataset = self._validate_fit_data(X, y, reset=first, classes=classes)
            if first:
                self.initialize()
                self.reset_state()
            NeuralNet.partial_fit(self, dataset, None, **fit_params)
        return self

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

    # ------------------------------------------------------------------ inference
    def _forward_dataset(self, dataset, *, state=None, return_state=False, fixed_batch=True):
        """Network outputs over a dataset, and the final state: no estimator state changes.

        Every batch holds ``predict_batch_size`` rows: the last one is padded with zero
        sequences (dropped afterwards), so that in float32 a sequence's output is bitwise the
        same whatever batch it is predicted in. ``fixed_batch=False`` (the per-epoch
        validation score) skips the padding.

        Parameters
        ----------
        dataset : SequenceDataset or Subset of one
            The inputs.
        state : Tensor or tuple of Tensor, default=None
            Initial state, one row per sequence (``"carry"``); None for the policy's default.
        return_state : bool, default=False
            Whether to return the final state of every sequence.
        fixed_batch : bool, default=True
            Whether to pad every batch to ``predict_batch_size`` rows.

        Returns
        -------
        outputs : ndarray of shape (n, n_timesteps, n_outputs) or (n, n_outputs)
            On the host, float32; padded timesteps hold meaningless values.
        final_state : Tensor, tuple of Tensor or None
            The state after each sequence (with ``return_state=True``).
        """
        dataset = resolve_dataset(dataset)
        module = self.module_
        device = self.device
        size = int(self.predict_batch_size)
        n, n_timesteps = len(dataset), dataset.X.shape[1]
        X_all = dataset.X.to(device)
        lengths_all = None if dataset.lengths is None else dataset.lengths.to(device)
        dtype = self._module_dtype()
        kwargs = self._forward_kwargs(need_final_state=return_state)
        outputs, finals = [], []
        if module.training:
            module.eval()
        with torch.inference_mode():
            for start in range(0, n, size):
                stop = min(start + size, n)
                X = X_all[start:stop]
                lengths = None if lengths_all is None else lengths_all[start:stop]
                if lengths is not None:
                    X = X[:, :int(lengths.max())]
                    if bool((lengths == X.shape[1]).all()):
                        lengths = None
                batch_state = None if state is None else map_state(
                    lambda s, a=start, b=stop: s[:, a:b].to(device=device, dtype=dtype), state)
                rows = stop - start
                if fixed_batch and rows < size:
                    X = torch.cat([X, X.new_zeros(size - rows, *X.shape[1:])])
                    if lengths is not None:
                        lengths = torch.cat([lengths, lengths.new_ones(size - rows)])
                    if batch_state is not None:
                        batch_state = resize_state(batch_state, size)
                out, final = module(X.to(dtype), lengths=lengths, state=batch_state, **kwargs)
                out = out[:rows]
                if out.ndim == 3 and out.shape[1] < n_timesteps:
                    out = torch.nn.functional.pad(out, (0, 0, 0, n_timesteps - out.shape[1]))
                outputs.append(out.float().cpu())
                if return_state:
                    finals.append(map_state(lambda s, r=rows: s[:, :r], final))
        result = torch.cat(outputs).numpy() if outputs else np.empty((0,), np.float32)
        if not return_state:
            return result, None
        if isinstance(finals[0], tuple):
            final_state = tuple(torch.cat(parts, dim=1) for parts in zip(*finals))
        else:
            final_state = torch.cat(finals, dim=1)
        return result, final_state

    _prediction_lock = threading.Lock()

    def _predict_outputs(self, X):
        """Validated ``X`` and the network's raw outputs on it.

        Under ``state_policy="carry"`` prediction continues the carried stream and leaves the
        state where it ends (documented); otherwise nothing about the estimator changes, so a
        fitted estimator can predict from several threads at once.
        """
        check_is_fitted(self)
        with self._runtime():
            sequences = self._validate_X(X, reset=False)
            dataset = self._make_dataset(sequences)
            if not self._state_policy.carries:
                outputs, _ = self._forward_dataset(dataset)
                return sequences, outputs
            with self._prediction_lock:
                state = self._carried_state_for(len(dataset))
                outputs, final = self._forward_dataset(dataset, state=state, return_state=True)
                self.carried_state_ = map_state(lambda s: s.cpu(), final)
        return sequences, outputs

    def _scoring_data(self, X, y, sample_weight=None):
        """What ``score`` needs: outputs, validated targets, real-timestep mask, weights."""
        sequences, outputs = self._predict_outputs(X)
        outputs = outputs.astype(np.float64)
        targets, _, _ = check_sequence_targets(
            y, sequences, output=self.output_, allow_multi_target=self._allow_multi_target,
            estimator=self, numeric=self._numeric_targets)
        mask = sequences.mask() if self.output_ == "sequence" else None
        weights = None
        if sample_weight is not None:
            shape = targets.shape[:-1]
            weights = np.broadcast_to(
                np.asarray(sample_weight, dtype=float).reshape(-1, *([1] * (len(shape) - 1))),
                shape)
        return outputs, targets, mask, weights

    def _per_sequence_output(self, values, sequences):
        """Padded per-timestep results as an array, or as a list for list (or frame) input."""
        if self.output_ == "sequence" and sequences.ragged:
            return unpad_sequences(values, sequences.true_lengths())
        return values

    def __getstate__(self):
        state = super().__getstate__()
        if state.get("carried_state_") is not None:
            state["carried_state_"] = map_state(lambda s: s.cpu(), state["carried_state_"])
        return state

    def __setstate__(self, state):
        requested = state.get("device")
        if requested == "auto":
            state["device"] = resolve_device("auto")
        super().__setstate__(state)
        # skorch maps a missing GPU to torch.device("cpu"); keep the parameter a plain string.
        self.device = requested if requested == "auto" else str(self.__dict__["device"])


def _score_dataset(net, dataset, y=None):
    """Score of ``net`` on its own validation dataset (the per-epoch validation score)."""
    dataset = resolve_dataset(dataset)
    outputs, _ = net._forward_dataset(dataset, fixed_batch=False)
    return net._score_outputs(outputs, dataset)
