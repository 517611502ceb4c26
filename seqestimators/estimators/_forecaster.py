"""RNNForecaster: a recurrent regressor whose own previous prediction is fed back as an input."""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils import check_array, check_scalar
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetRegressor

from .._batching import SequenceBatchIterator, SequenceDataset
from .._validation import check_sequences
from ..networks import FeedbackNetwork
from ..sequences import unpad_sequences
from ..state import map_state
from . import _docs
from ._base import SequenceNetMixin
from ._regressor import SequenceRegressorMixin

__all__ = ["RNNForecaster", "feedback_probability"]

TRAINING_MODES = ("teacher_forcing", "free_running", "scheduled")
SCHEDULES = ("linear", "exponential", "inverse_sigmoid")


def feedback_probability(epoch, schedule="inverse_sigmoid", k=10.0):
    """Probability that scheduled sampling feeds back the model's own prediction.

    Bengio et al. (2015) decay the probability ``eps_i`` of feeding the ground truth at
    training step ``i``; this returns ``p = 1 - eps_i`` with ``i`` the number of epochs
    completed (0 in the first epoch):

    - ``"linear"``: ``p = min(1, i / k)`` (free running from epoch ``k + 1`` on);
    - ``"exponential"``: ``p = 1 - k ** i``, ``0 < k < 1``;
    - ``"inverse_sigmoid"``: ``p = 1 - k / (k + exp(i / k))``, ``k >= 1`` (half the inputs
      are fed back after ``k * log(k)`` epochs).

    Parameters
    ----------
    epoch : int
        Number of epochs completed, ``i >= 0``.
    schedule : {"linear", "exponential", "inverse_sigmoid"} or callable, default="inverse_sigmoid"
        The schedule; a callable ``schedule(epoch) -> p`` is called as is.
    k : float, default=10.0
        The schedule's parameter.

    Returns
    -------
    p : float
        The probability in ``[0, 1]``.

    References
    ----------
    S. Bengio, O. Vinyals, N. Jaitly and N. Shazeer, "Scheduled sampling for sequence
    prediction with recurrent neural networks", NeurIPS 2015.

    Examples
    --------
    >>> from seqestimators.estimators import feedback_probability
    >>> [round(feedback_probability(i, "linear", 4), 2) for i in range(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    >>> round(feedback_probability(0, "exponential", 0.9), 2)
    0.0
    >>> round(feedback_probability(23, "inverse_sigmoid", 10), 2)
    0.5
    """
    if callable(schedule):
        p = float(schedule(epoch))
    elif schedule == "linear":
        p = epoch / k
    elif schedule == "exponential":
        p = 1.0 - k**epoch
    elif schedule == "inverse_sigmoid":
        p = 1.0 - k / (k + math.exp(min(epoch / k, 700.0)))
    else:
        raise ValueError(f"schedule must be one of {list(SCHEDULES)} or a callable; got "
                         f"{schedule!r}.")
    return min(max(p, 0.0), 1.0)


class RNNForecaster(SequenceRegressorMixin, SequenceNetMixin, NeuralNetRegressor):
    __doc__ = f"""Recurrent regressor whose own previous prediction is fed back as an input.

    A NARX-style forecaster over a :class:`~seqestimators.networks.FeedbackNetwork`: the
    prediction for timestep ``t - 1`` estimates some input features of timestep ``t`` (the
    *feedback* features), so that the model can run in closed loop with :meth:`forecast`, each
    prediction becoming the next input. ``y`` has one value per timestep (or several, one per
    feedback feature) and ``X[:, t, feedback]`` holds ``y[:, t - 1]``: for a thrown ball
    ``X[t] = height[t]`` and ``y[t] = height[t + 1]``; for a degradation curve the features are
    temperature, humidity (exogenous) and the previous durability (the feedback), and ``y[t]``
    the durability.

    ``training`` decides what the network reads in the feedback features during training:
    the observed values (teacher forcing: fast, but the model never sees its own errors, the
    *exposure bias* of closed-loop forecasts), its own previous predictions with gradients
    flowing through them (free running: trains the closed loop itself), or its own predictions
    with a probability that rises over the epochs (scheduled sampling, Bengio et al. 2015).
    ``predict`` and ``score`` are one-step-ahead, on ``X`` as observed.

    Parameters
    ----------
    cell : {{"rnn", "lstm", "gru"}}, default="lstm"
        Recurrent cell type: Elman RNN (tanh), LSTM or GRU.
    hidden_size : int, default=32
        Hidden units per layer.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    dropout : float, default=0.0
        Dropout between stacked layers, as in :class:`torch.nn.LSTM` (needs ``num_layers > 1``).
    state_policy : {{"reset", "carry", "learned"}}, default="reset"
        Initial hidden state of each batch (see :class:`RNNRegressor`). Under ``"carry"`` the
        carried state includes the last prediction, so that the feedback loop continues from
        one chunk of a stream to the next.
    tbptt_steps : int, default=None
        Truncated backpropagation through time over windows of this many timesteps; the state
        and, when feeding back, the last prediction are carried from window to window.
    feedback : "auto", int or list of int, default="auto"
        Index of the input feature that receives the prediction of each target
        (``len(feedback) == n_targets``); the other features are exogenous and must be given
        for the future in :meth:`forecast`. ``"auto"``: every feature, when ``X`` has as many
        features as ``y`` has targets (a purely autoregressive model); otherwise the indices
        must be given.
    training : {{"teacher_forcing", "free_running", "scheduled"}}, default="teacher_forcing"
        What the feedback features hold during training: the observed values, the model's
        previous predictions, or the predictions with probability ``p`` (drawn independently
        for every sequence and timestep) given by ``schedule``. Free running and scheduled
        sampling step through time one timestep at a time (slower than teacher forcing).
    schedule : {{"linear", "exponential", "inverse_sigmoid"}} or callable, \
default="inverse_sigmoid"
        Scheduled sampling's probability ``p`` of feeding back the prediction, from the
        number ``i`` of epochs completed (the training history counts across ``partial_fit``
        calls): ``"linear"``: ``p = min(1, i / k)``; ``"exponential"``: ``p = 1 - k ** i``;
        ``"inverse_sigmoid"``: ``p = 1 - k / (k + exp(i / k))``, with ``k = schedule_k``. A
        callable ``schedule(i) -> p`` is used as is. ``p = 1`` is free running. Each epoch's
        ``p`` is recorded in ``history_`` as ``"feedback_prob"``. See
        :func:`~seqestimators.estimators.feedback_probability`.
    schedule_k : float, default=10.0
        The schedule's parameter: epochs to reach free running (``"linear"``, ``k > 0``), the
        decay per epoch of the teacher-forcing probability (``"exponential"``, ``0 < k < 1``),
        or the inverse sigmoid's time scale (``k >= 1``; ``p = 0.5`` after ``k log k``
        epochs).
    warmup_steps : int, default=1
        Leading timesteps of every training sequence whose feedback features always hold the
        observed values (the observed prefix a forecast starts from; the first timestep has no
        previous prediction anyway). For the thrown ball, 3: velocity shows only after a few
        heights.
    residual : bool, default=True
        Predict each target as its feedback feature plus a learned change (``y[t] =
        X[t, feedback] + f(...)``) rather than from scratch: right when the target moves
        little per timestep, as trajectories and decay curves do.
    input_changes : bool, default=True
        Let the network also read the change of each feedback feature since the previous
        timestep (``X[t, feedback] - X[t - 1, feedback]``, 0 at the first timestep). A
        recurrent layer struggles to compute such small differences of large values
        precisely, and closed-loop forecasts amplify every imprecision: with the last
        change as an input a thrown ball's next height is a linear function of the inputs.
    standardize : bool, default=True
        Standardize every input feature and target inside the network with the mean and
        standard deviation of the data of the first ``fit`` / ``partial_fit`` call (over real
        timesteps); the loss is computed on standardized targets. The feedback loop works in
        the data's own units, so do not scale the feedback features outside the model (a
        scaled feature would not match the fed-back prediction). For online learning from very
        small chunks, scale the data beforehand and pass False.
    accumulate_steps : int, default=1
        Optimizer step after this many batches (or ``tbptt_steps`` windows), on the mean of
        their gradients: gradient accumulation, e.g. for one-step chunks of a stream.
    {_docs.TRAINING_PARAMS.format(max_epochs=100, lr=0.01, criterion="torch.nn.MSELoss",
                                  valid_score="valid_r2")}

    Attributes
    ----------
    feedback_features_ : ndarray of shape (n_targets,)
        Index of the input feature that receives each target's prediction.
    exogenous_features_ : ndarray of shape (n_exogenous,)
        Indices of the other input features, given for the future in :meth:`forecast`.
    n_targets_ : int
        Number of targets per timestep.
    {_docs.FITTED_ATTRIBUTES}

    See Also
    --------
    RNNRegressor : The same recurrent network without output feedback.

    Notes
    -----
    Validation losses and scores (``train_split``) are one-step-ahead, with teacher forcing,
    whatever ``training`` is. The model is always causal (no ``bidirectional``) and predicts
    one value per timestep (``output="sequence"``).

    References
    ----------
    S. Bengio, O. Vinyals, N. Jaitly and N. Shazeer, "Scheduled sampling for sequence
    prediction with recurrent neural networks", NeurIPS 2015.

    Examples
    --------
    >>> from seqestimators import RNNForecaster
    >>> from seqestimators.datasets import make_ball_trajectory
    >>> X, y = make_ball_trajectory(64, 30, random_state=0, return_X_y=True)
    >>> est = RNNForecaster(hidden_size=16, max_epochs=20, random_state=0).fit(X, y)
    >>> est.predict(X).shape
    (64, 30)
    >>> est.forecast(X[:, :3], 10).shape
    (64, 10)
    """

    module = FeedbackNetwork
    # Read by the shared code: a forecaster predicts one value per timestep.
    output = "sequence"

    _parameter_constraints = {
        **SequenceNetMixin._parameter_constraints,
        "feedback": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left"),
                     "array-like"],
        "training": [StrOptions(set(TRAINING_MODES))],
        "schedule": [StrOptions(set(SCHEDULES)), callable],
        "schedule_k": [Interval(Real, 0, None, closed="neither")],
        "warmup_steps": [Interval(Integral, 1, None, closed="left")],
        "residual": ["boolean"],
        "input_changes": ["boolean"],
        "standardize": ["boolean"],
    }

    def __init__(self, *, cell="lstm", hidden_size=32, num_layers=1, dropout=0.0,
                 state_policy="reset", tbptt_steps=None, feedback="auto",
                 training="teacher_forcing", schedule="inverse_sigmoid", schedule_k=10.0,
                 warmup_steps=1, residual=True, input_changes=True, standardize=True,
                 accumulate_steps=1, max_epochs=100, n_iter_no_change=10, tol=1e-4,
                 early_stopping=False, validation_fraction=0.1, lr=0.01, predict_batch_size=256,
                 batch_size=32, optimizer=torch.optim.Adam, criterion=torch.nn.MSELoss,
                 train_split=None, callbacks=None, iterator_train=SequenceBatchIterator,
                 iterator_valid=SequenceBatchIterator, dataset=SequenceDataset,
                 predict_nonlinearity="auto", warm_start=False, verbose=0, device="cpu",
                 compile=False, use_caching="auto", torch_load_kwargs=None, random_state=None,
                 num_threads=1, **kwargs):
        self._store_params(locals())

    # ------------------------------------------------------------------ parameters
    def _check_params(self):
        super()._check_params()
        if self.training == "scheduled" and not callable(self.schedule):
            k = self.schedule_k
            if self.schedule == "exponential" and not k < 1:
                raise ValueError(
                    "The 'schedule_k' parameter of RNNForecaster must be a float in the range "
                    f"(0, 1) when schedule='exponential'. Got {k!r} instead.")
            if self.schedule == "inverse_sigmoid" and not k >= 1:
                raise ValueError(
                    "The 'schedule_k' parameter of RNNForecaster must be a float in the range "
                    f"[1, inf) when schedule='inverse_sigmoid'. Got {k!r} instead.")

    def _module_kwargs(self):
        kwargs = {
            "input_size": self.input_size_,
            "output_size": self.n_targets_,
            "feedback": [int(i) for i in self.feedback_features_],
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "learned_initial_state": self._state_policy.learned_initial_state,
            "residual": self.residual,
            "input_changes": self.input_changes,
        }
        if self.standardize:
            kwargs.update(self._scaling_)
        return kwargs

    # ------------------------------------------------------------------ data
    def _resolve_feedback(self, sequences, targets):
        n_features, n_targets = sequences.n_features, targets.shape[-1]
        name = type(self).__name__
        if isinstance(self.feedback, str):  # "auto"
            if n_features == n_targets:
                return np.arange(n_features)
            hint = _lagged_target_features(sequences, targets)
            hint = f" The features {hint} hold the previous target; pass feedback={hint}." \
                if len(hint) == n_targets else ""
            raise ValueError(
                f"X has {n_features} features and y has {n_targets} target(s) per timestep, "
                f"so {name} cannot tell which features receive its previous prediction: pass "
                f"feedback=[...], one feature index per target (the other features are "
                f"exogenous).{hint}"
            )
        feedback = np.atleast_1d(np.asarray(self.feedback))
        if feedback.ndim != 1 or not np.issubdtype(feedback.dtype, np.integer):
            raise ValueError(
                f"feedback must be 'auto', a feature index or a list of feature indices; got "
                f"{self.feedback!r}."
            )
        if len(feedback) != n_targets:
            raise ValueError(
                f"feedback names {len(feedback)} feature(s) but y has {n_targets} target(s) per "
                "timestep: each target's prediction feeds back into exactly one input feature."
            )
        if np.any(feedback < 0) or np.any(feedback >= n_features) or \
                len(set(feedback.tolist())) != len(feedback):
            raise ValueError(
                f"feedback must hold distinct feature indices in [0, {n_features}) (X has "
                f"{n_features} features); got {feedback.tolist()}."
            )
        return feedback.astype(np.int64)

    def _encode_targets(self, targets, sequences, *, reset, classes=None):
        y = super()._encode_targets(targets, sequences, reset=reset, classes=classes)
        if reset:
            feedback = self._resolve_feedback(sequences, targets)
            self.feedback_features_ = feedback
            self.exogenous_features_ = np.setdiff1d(np.arange(sequences.n_features), feedback)
            self._scaling_ = _scaling(sequences, targets, feedback, self.residual)
        self._warn_inconsistent_feedback(sequences, targets)
        return y

    def _warn_inconsistent_feedback(self, sequences, targets):
        fb = self.feedback_features_
        diff = _lag_difference(sequences, targets, fb)
        if diff is None:
            return
        scale = max(float(np.abs(targets).max()), 1e-12)
        if diff > 1e-4 * scale + 1e-6:
            warnings.warn(
                f"{type(self).__name__} feeds its prediction of y[t - 1] back into the input "
                f"feature(s) {fb.tolist()} at timestep t, but in these data X[:, t, "
                f"{fb.tolist()}] differs from y[:, t - 1] by up to {diff:.3g}. Closed-loop "
                "forecasts would feed back values unlike the ones seen in training: the feedback "
                "features must hold the previous target, in the units of y (do not scale them "
                "separately); check `feedback`.",
                UserWarning, stacklevel=5,
            )

    # ------------------------------------------------------------------ training
    def _feedback_probability(self):
        if self.training == "teacher_forcing":
            return 0.0
        if self.training == "free_running":
            return 1.0
        epochs_done = max(len(self.history_) - 1, 0) if self.history_ is not None else 0
        return feedback_probability(epochs_done, self.schedule, self.schedule_k)

    def _objective_settled(self):
        """Whether this epoch trained the final objective (scheduled sampling has arrived)."""
        return self.training != "scheduled" or self.history[-1, "feedback_prob"] >= 0.99

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid,
                               **kwargs)
        self.history.record("feedback_prob", self._feedback_probability())

    def infer(self, x, **fit_params):
        if self.module_.training and self.training != "teacher_forcing":
            # The warm-up counts from the start of a sequence: a truncated-BPTT window starts
            # "start" steps into it; a chunk that continues a carried stream starts past it.
            start = int(x.get("start", 0))
            if start > 0:
                n_observed = max(self.warmup_steps - start, 0)
            elif self.__dict__.get("_train_state") is not None:
                n_observed = 0
            else:
                n_observed = self.warmup_steps
            fit_params = {"feedback_prob": self._feedback_probability(),
                          "n_observed": n_observed, **fit_params}
        return super().infer(x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if self.standardize:
            # In units of the targets' (or changes') standard deviation.
            scale = self.module_.target_scale.to(y_pred.dtype)
            y_true = torch.as_tensor(y_true, device=y_pred.device).to(y_pred.dtype)
            y_pred, y_true = y_pred / scale, y_true / scale
        return super().get_loss(y_pred, y_true, X=X, training=training)

    # ------------------------------------------------------------------ forecasting
    def _check_exogenous(self, exogenous, n_samples, n_steps):
        name = type(self).__name__
        exo, fb = self.exogenous_features_, self.feedback_features_
        if len(exo) == 0:
            if exogenous is not None:
                raise ValueError(
                    f"{name} was fitted without exogenous features (every feature of X is fed "
                    "back), so exogenous must be None; the future is generated from the "
                    "predictions alone."
                )
            return None
        if exogenous is None:
            raise ValueError(
                f"{name} was fitted with exogenous features {exo.tolist()}: their future "
                f"values are needed. Pass exogenous, an array of shape (n_samples, n_steps, "
                f"{len(exo)}) = ({n_samples}, {n_steps}, {len(exo)}), e.g. "
                f"X_future[:, :, {exo.tolist()}]; the fed-back feature(s) {fb.tolist()} are "
                "generated."
            )
        exogenous = check_array(exogenous, ensure_2d=False, allow_nd=True, dtype=np.float32,
                                input_name="exogenous", estimator=self)
        if exogenous.ndim == 2 and len(exo) == 1:
            exogenous = exogenous[:, :, None]
        expected = (n_samples, n_steps, len(exo))
        if exogenous.shape != expected:
            extra = ""
            if exogenous.ndim == 3 and exogenous.shape[2] == self.input_size_:
                extra = (f" It holds all {self.input_size_} features: pass only the exogenous "
                         f"ones, X_future[:, :, {exo.tolist()}]; the fed-back feature(s) "
                         f"{fb.tolist()} are generated, never given for the future.")
            raise ValueError(
                f"exogenous has shape {exogenous.shape}, but {name} expects (n_samples, "
                f"n_steps, n_exogenous) = {expected}: the exogenous features {exo.tolist()} "
                f"of the {n_steps} generated timesteps of each of the {n_samples} "
                f"sequences.{extra}"
            )
        return exogenous

    def forecast(self, X, n_steps, *, exogenous=None, include_prefix=False):
        """Closed-loop forecast: each prediction is fed back as the next input.

        The observed prefix ``X`` is read as it is (like :meth:`predict`); then, for
        ``n_steps`` timesteps, the feedback features of each new input are the previous
        prediction and the exogenous features come from ``exogenous``. The hidden state runs on
        from the end of the prefix (of each sequence's real end, for ragged prefixes).

        The result is aligned with ``y``: for a prefix ``X[:, :t0]`` the forecast estimates
        ``y[:, t0:t0 + n_steps]``. For the thrown ball, where ``y[t]`` is the height at
        ``t + 1``, three observed heights ``X[:, :3]`` give the heights at timesteps
        ``4, 5, ...``; the height at timestep 3 is the one-step prediction
        ``predict(X[:, :3])[:, -1]``, included with ``include_prefix=True``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            The observed prefixes, all features included (a 2D array is a batch of univariate
            prefixes; ragged lists are accepted).
        n_steps : int
            Number of timesteps to generate after each prefix.
        exogenous : array-like of shape (n_samples, n_steps, n_exogenous), default=None
            The future values of the exogenous features ``exogenous_features_`` (in that
            order) for the generated timesteps: required when the model has exogenous
            features, and must be None when it has none. The fed-back features are never
            given for the future. A 2D array ``(n_samples, n_steps)`` is accepted for a single
            exogenous feature.
        include_prefix : bool, default=False
            Prepend the one-step-ahead predictions over the prefix (those of
            :meth:`predict`), so that the result is aligned with ``y`` from timestep 0.

        Returns
        -------
        y_forecast : ndarray of float64
            ``(n_samples, n_steps)`` for one target per timestep, ``(n_samples, n_steps,
            n_targets)`` for several; with ``include_prefix=True`` the time axis has
            ``n_timesteps + n_steps`` steps, and ragged prefixes give a list of arrays.

        Notes
        -----
        Under ``state_policy="carry"`` the prefix starts from the carried state, which the
        forecast leaves unchanged: the forecast is a hypothetical continuation.
        """
        check_is_fitted(self)
        n_steps = check_scalar(n_steps, "n_steps", Integral, min_val=1)
        with self._runtime():
            sequences = check_sequences(X, estimator=self)
            if sequences.n_features != self.input_size_:
                raise ValueError(
                    f"X has {sequences.n_features} features per timestep, but "
                    f"{type(self).__name__} is expecting {self.input_size_} features as input."
                )
            exo = self._check_exogenous(exogenous, sequences.n_samples, n_steps)
            device = self.device
            values = torch.from_numpy(np.ascontiguousarray(sequences.values)).to(device)
            lengths = None if sequences.lengths is None else \
                torch.from_numpy(sequences.lengths).to(device)
            exo_t = None if exo is None else torch.from_numpy(exo).to(device)
            state = self._carried_prediction_state(sequences.n_samples)
            module = self.module_
            if module.training:
                module.eval()
            with torch.inference_mode():
                dtype = self._module_dtype()
                state = map_state(lambda s: s.to(device=device, dtype=dtype), state)
                prefix, generated, _ = module.forecast(
                    values.to(dtype), n_steps,
                    exogenous=None if exo_t is None else exo_t.to(dtype),
                    lengths=lengths, state=state)
        generated = self._reshape_predictions(generated.cpu().numpy())
        if not include_prefix:
            return generated
        prefix = self._reshape_predictions(prefix.cpu().numpy())
        if sequences.lengths is None:
            return np.concatenate([prefix, generated], axis=1)
        parts = unpad_sequences(prefix, sequences.lengths)
        return [np.concatenate([p, g], axis=0) for p, g in zip(parts, generated)]


# ---------------------------------------------------------------------------- helpers
def _scaling(sequences, targets, feedback, residual):
    """Per-feature and per-target (or per-change) mean and standard deviation over real steps."""
    mask = sequences.mask()
    values = sequences.values.astype(np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    fed = values[..., feedback]
    changes = np.diff(fed, axis=1, prepend=fed[:, :1])
    if residual:
        targets = targets - fed
    if mask is not None:
        values, targets, changes = values[mask], targets[mask], changes[mask]
    values = values.reshape(-1, sequences.n_features)
    targets = targets.reshape(-1, targets.shape[-1])
    changes = changes.reshape(-1, targets.shape[-1])

    def scale(a):
        std = a.std(axis=0)
        return np.where(std > 1e-8 * np.maximum(np.abs(a).max(axis=0), 1.0), std, 1.0)

    return {
        "input_mean": values.mean(axis=0).tolist(),
        "input_scale": scale(values).tolist(),
        "target_mean": targets.mean(axis=0).tolist(),
        "target_scale": scale(targets).tolist(),
        "change_mean": changes.mean(axis=0).tolist(),
        "change_scale": scale(changes).tolist(),
    }


def _lag_difference(sequences, targets, feedback):
    """Largest ``|X[:, t, feedback] - y[:, t - 1]|`` over real timesteps (None if T == 1)."""
    if sequences.n_timesteps < 2:
        return None
    current = sequences.values[:, 1:][..., feedback].astype(np.float64)
    previous = np.asarray(targets, dtype=np.float64)[:, :-1]
    diff = np.abs(current - previous)
    mask = sequences.mask()
    if mask is not None:
        diff = diff[mask[:, 1:]]
    return float(diff.max()) if diff.size else None


def _lagged_target_features(sequences, targets):
    """Indices of the features that hold the previous value of some target."""
    found = []
    for i in range(targets.shape[-1]):
        for j in range(sequences.n_features):
            diff = _lag_difference(sequences, targets[..., i:i + 1], np.array([j]))
            if diff is not None and diff <= 1e-4 * max(float(np.abs(targets).max()), 1e-12):
                found.append(j)
                break
    return found
