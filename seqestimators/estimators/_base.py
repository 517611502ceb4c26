"""What every sequence estimator shares: data validation, hidden-state policies, truncated BPTT,
threads, seeding and devices, all through skorch's hooks."""

from __future__ import annotations

import contextlib
import warnings
from numbers import Integral, Real

import numpy as np
import torch
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
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator, to_tensor

from .._batching import _resolve
from .._validation import (
    check_input_shape,
    check_seed,
    check_sequence_targets,
    check_sequences,
    record_input_shape,
)
from ..callbacks import DivergenceCheck
from ..networks import _state_where
from ..sequences import unpad_sequences

__all__ = ["SequenceNetMixin", "resolve_device"]

STATE_POLICIES = ("reset", "carry", "learned")


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


def _detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def _map_state(fn, state):
    if state is None:
        return None
    return tuple(fn(s) for s in state) if isinstance(state, tuple) else fn(state)


def _fit_state_to_batch(state, batch_size):
    """Carried state ``(layers, batch0, hidden)`` cut or zero-padded to ``batch_size`` rows."""

    def fit(s):
        if s.shape[1] == batch_size:
            return s
        if s.shape[1] > batch_size:
            return s[:, :batch_size]
        pad = s.new_zeros(s.shape[0], batch_size - s.shape[1], s.shape[2])
        return torch.cat([s, pad], dim=1)

    return _map_state(fit, state)


class SequenceNetMixin:
    """Shared machinery of the sequence estimators (left of the skorch net in the MRO).

    Subclasses define ``__init__`` (storing parameters only), the class attribute ``module``,
    ``_module_kwargs()``, and the task-specific ``_encode_targets``, ``get_loss`` and the
    prediction methods.
    """

    # skorch reads these before `initialize()` sets them on the instance; keeping them on the
    # class means `__init__` sets nothing but the parameters, as scikit-learn requires.
    initialized_ = False
    history_ = None
    virtual_params_ = {}  # noqa: RUF012 - read-only default, skorch replaces it per instance
    state_policy = "reset"
    tbptt_steps = None
    accumulate_steps = 1  # estimators without the parameter take an optimizer step per window

    _parameter_constraints = {
        "cell": [StrOptions({"rnn", "lstm", "gru"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "state_policy": [StrOptions(set(STATE_POLICIES))],
        "tbptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "accumulate_steps": [Interval(Integral, 1, None, closed="left")],
        "output": [StrOptions({"auto", "sequence", "last"})],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1})],
        "num_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    # ------------------------------------------------------------------ parameters
    def _store_params(self, params):
        """Store ``__init__``'s arguments, prefixed skorch arguments (``module__*``, ...) too."""
        params = dict(params)
        params.pop("self")
        kwargs = params.pop("kwargs", {})
        vars(self).update(params)
        self._params_to_validate = set(kwargs)
        vars(self).update(kwargs)

    def _get_param_names(self):
        # skorch lists every public instance attribute; private bookkeeping is not a parameter.
        return [k for k in self.__dict__ if not k.endswith("_") and not k.startswith("_")]

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

    def _check_params(self):
        params = self.get_params(deep=False)
        constraints = {k: v for k, v in self._parameter_constraints.items() if k in params}
        validate_parameter_constraints(constraints, params, caller_name=type(self).__name__)
        if self.tbptt_steps is not None and self.output == "last":
            raise ValueError(
                "tbptt_steps needs one target per timestep (output='sequence'); with "
                "output='last' the whole sequence must be backpropagated."
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
        """Threads, device and (when ``seed_offset`` is given) a private, seeded RNG."""
        requested = self.device
        device = resolve_device(requested)
        old_threads = torch.get_num_threads()
        if self.num_threads is not None and self.num_threads != old_threads:
            torch.set_num_threads(self.num_threads)
        self.device = device
        try:
            if seed_offset is None or self.random_state is None:
                yield
            else:
                seed = check_seed(self.random_state) + seed_offset
                cuda = [torch.device(device).index or 0] if device.startswith("cuda") else []
                with torch.random.fork_rng(devices=cuda):
                    torch.manual_seed(seed)
                    yield
        finally:
            self.device = requested
            if torch.get_num_threads() != old_threads:
                torch.set_num_threads(old_threads)

    # ------------------------------------------------------------------ data
    def _validate_X(self, X, *, reset):
        sequences = check_sequences(X, estimator=self)
        if reset:
            record_input_shape(self, sequences)
        else:
            check_input_shape(self, sequences)
        return sequences

    def _make_dataset(self, sequences, y=None):
        X = torch.from_numpy(np.ascontiguousarray(sequences.values))
        lengths = None if sequences.lengths is None else torch.from_numpy(sequences.lengths)
        dataset = self.dataset(X, lengths, y)
        device = resolve_device(self.device)
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
        y_tensor = self._encode_targets(targets, sequences, reset=reset, classes=classes)
        return self._make_dataset(sequences, y_tensor)

    # ------------------------------------------------------------------ skorch hooks
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
            kwargs["shuffle"] = self.state_policy != "carry"
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return iterator(dataset, **kwargs)

    def _initial_state(self, batch_size):
        if "_window_state" in vars(self):
            return self._window_state
        if self.state_policy == "carry" and getattr(self, "carried_state_", None) is not None:
            state = _map_state(lambda s: s.to(self.device), self.carried_state_)
            return _fit_state_to_batch(state, batch_size)
        return None

    def infer(self, x, **fit_params):
        x = to_tensor(x, device=self.device)
        X = x["X"].to(self._module_dtype())
        state = _map_state(lambda s: s.to(X.dtype), self._initial_state(X.shape[0]))
        output, final = self.module_(X, lengths=x.get("lengths"), state=state, **fit_params)
        if "_window_state" in vars(self):
            self._window_state = _detach(final)
        elif self.state_policy == "carry" and final is not None:
            self.carried_state_ = _detach(final)
        return output

    def _module_dtype(self):
        param = next(self.module_.parameters(), None)
        return torch.float32 if param is None else param.dtype

    def train_step(self, batch, **fit_params):
        """One optimizer step per batch, or one per window of ``tbptt_steps`` timesteps.

        With ``accumulate_steps=n`` the gradients of ``n`` consecutive batches (or windows) are
        averaged before one optimizer step (see :meth:`_accumulating_step`).
        """
        if self.tbptt_steps is None:
            return self._accumulating_step(batch, **fit_params)
        Xi, yi = unpack_data(batch)
        X, lengths = Xi["X"], Xi.get("lengths")
        n_timesteps, k = X.shape[1], self.tbptt_steps
        state = self._initial_state(X.shape[0])
        total, n_real, preds = 0.0, 0, None
        try:
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
                self._window_state = state
                step = self._accumulating_step((window, yi[:, start:stop]), **fit_params)
                state = self._window_state if lengths is None else _state_where(
                    window_lengths.to(X.device) > 0, self._window_state, state)
                total = total + step["loss"].detach() * n_window
                n_real += n_window
                # Predictions go, detached, into one buffer: a window's autograd graph must
                # not outlive its backward pass, and many small tensors kept alive between
                # windows fragment the heap; either way memory would grow with the stream.
                y_pred = step["y_pred"].detach()
                if preds is None:
                    preds = y_pred.new_empty((y_pred.shape[0], n_timesteps, *y_pred.shape[2:]))
                preds[:, start:stop] = y_pred
        finally:
            vars(self).pop("_window_state", None)
        if self.state_policy == "carry":
            self.carried_state_ = _detach(state)
        return {"loss": total / max(n_real, 1), "y_pred": preds}

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
        """Initialize the network and fit it to sequences ``X`` and targets ``y``.

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
        with self._runtime(seed_offset=0):
            dataset = self._validate_fit_data(X, y, reset=True)
            if not self.warm_start or not self.initialized_:
                self.initialize()
            self.reset_state()
            self._warn_carry_misuse(len(dataset))
            NeuralNet.partial_fit(self, dataset, None, _routing_method="fit", **fit_params)
        return self

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Continue training on ``X, y`` for ``max_epochs`` epochs, without re-initializing.

        Under ``state_policy="carry"`` the hidden state left by the previous call is the
        initial state of this one, so consecutive chunks of a stream are learned in order
        (Keras ``stateful=True``); with ``max_epochs=1``, calls on chunks of ``k`` timesteps
        train exactly as ``fit`` on the whole stream with ``tbptt_steps=k``: gradients never
        cross a chunk boundary. :meth:`reset_state` starts a new stream. With
        ``accumulate_steps``, gradients of consecutive calls add up to shared optimizer steps.

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

    def _warn_carry_misuse(self, n_samples):
        if self.state_policy != "carry":
            return
        shuffled = bool(self.get_params_for("iterator_train").get("shuffle", False))
        if shuffled or self.max_epochs > 1:
            reason = "shuffled" if shuffled else f"re-used over {self.max_epochs} epochs"
            warnings.warn(
                f"state_policy='carry' passes the final hidden state of each batch into the next "
                f"batch and epoch, but the {n_samples} training sequence(s) are {reason}: each "
                "sequence starts from the state where an unrelated one ended. This is the classic "
                "cause of a recurrent network that behaves memorylessly. Use "
                "state_policy='reset' for independent sequences, and carry only for consecutive "
                "chunks of a stream (partial_fit with max_epochs=1, or tbptt_steps).",
                UserWarning, stacklevel=3,
            )

    @contextlib.contextmanager
    def _inference_precision(self):
        """On CPU, predict in float64 so a sequence's prediction does not depend on its batch.

        float32 BLAS kernels round differently for different batch sizes (about 1e-7); the
        float32 -> float64 -> float32 round trip of the weights is exact.
        """
        if torch.device(self.device).type != "cpu":
            yield
            return
        self.module_.double()
        try:
            yield
        finally:
            self.module_.float()

    def _forward_dataset(self, dataset):
        """Network outputs over a dataset: ``(n, T, out)`` padded or ``(n, out)``, on CPU."""
        with self._inference_precision():
            outputs = [yp for yp in self.forward_iter(dataset, training=False)]
        if self.output_ == "sequence":
            n_timesteps = dataset.X.shape[1]
            outputs = [torch.nn.functional.pad(o, (0, 0, 0, n_timesteps - o.shape[1]))
                       for o in outputs]
        return torch.cat(outputs).numpy()

    def _predict_outputs(self, X):
        """Validated ``X`` and the network's raw outputs on it."""
        check_is_fitted(self)
        with self._runtime():
            sequences = self._validate_X(X, reset=False)
            outputs = self._forward_dataset(self._make_dataset(sequences))
        return sequences, outputs

    def _scoring_data(self, X, y, sample_weight=None):
        """What ``score`` needs: outputs, validated targets, real-timestep mask, weights."""
        sequences, outputs = self._predict_outputs(X)
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
        """Padded per-timestep results as an array, or as a ragged list for ragged input."""
        if self.output_ == "sequence" and sequences.ragged:
            return unpad_sequences(values, sequences.true_lengths())
        return values

    def __getstate__(self):
        state = super().__getstate__()
        if state.get("carried_state_") is not None:
            state["carried_state_"] = _map_state(lambda s: s.cpu(), state["carried_state_"])
        return state

    def __setstate__(self, state):
        requested = state.get("device")
        if requested == "auto":
            state["device"] = resolve_device("auto")
        super().__setstate__(state)
        # skorch maps a missing GPU to torch.device("cpu"); keep the parameter a plain string.
        self.device = requested if requested == "auto" else str(self.device)


def _score_dataset(net, dataset, y=None):
    """Score of ``net`` on its own validation dataset (the per-epoch validation score)."""
    dataset = _resolve(dataset)
    outputs = net._forward_dataset(dataset)
    return net._score_outputs(outputs, dataset)
