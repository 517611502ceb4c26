"""RNNForecaster: a recurrent regressor whose own previous prediction is fed back as an input."""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import r2_score
from sklearn.utils import check_array, check_scalar
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetRegressor

from .._batching import SequenceBatchIterator, SequenceDataset
from .._validation import check_sequences
from ..forecasting import (
    WindowBatchIterator,
    detect_seasonal_period,
    future_index,
    is_time_series,
    seasonal_period_from_index,
    window_views,
)
from ..networks import FeedbackNetwork
from ..sequences import unpad_sequences
from ..state import map_state
from . import _docs
from ._base import SequenceNetMixin
from ._regressor import SequenceRegressorMixin

__all__ = ["RNNForecaster", "feedback_probability"]

TRAINING_MODES = ("teacher_forcing", "free_running", "scheduled")
WINDOW_NORMS = ("revin", "mean")
# A few long series: fewer sequences than this fraction of a batch are cut into windows.
_AUTO_WINDOW_MIN_LENGTH = 1.5
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

    A real series is one long sequence: ``fit(series)`` (a pandas Series or DataFrame on a
    time index, or a 1D array) learns it from many windows, each normalized by its own
    context, and ``forecast(series, n)`` returns the next ``n`` periods on their own index;
    :func:`~seqestimators.forecasting.backtest` scores forecasts at several origins.

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
    training : {{"auto", "teacher_forcing", "free_running", "scheduled"}}, default="auto"
        What the feedback features hold during training: the observed values, the model's
        previous predictions, or the predictions with probability ``p`` (drawn independently
        for every sequence and timestep) given by ``schedule``. Free running and scheduled
        sampling step through time one timestep at a time (slower than teacher forcing).
        On training windows they apply to each window's horizon, after its observed context.
        ``"auto"``: free running on windows, teacher forcing on whole sequences.
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
    context_length : "auto", int or None, default="auto"
        Train on windows of ``context_length + horizon`` consecutive timesteps drawn from the
        sequences, at fresh random offsets every epoch, instead of on whole sequences: the
        model reads each window's first ``context_length`` timesteps as observed and forecasts
        the ``horizon`` after them (in closed loop with ``training="auto"``), the way it will
        forecast a real series (darts' ``input_chunk_length``, neuralforecast's
        ``input_size``). Predictions and forecasts then read the last ``context_length``
        timesteps of each sequence. None: whole sequences. ``"auto"``: ``max(3 m, 8)``
        timesteps, ``m`` the seasonal period, when the data are a few long series (at most a
        quarter of a batch of sequences, the longest holding 1.5 windows), else None.
    horizon : "auto" or int, default="auto"
        Closed-loop timesteps at the end of each training window; ``"auto"``: ``max(2 m, 6)``.
    windows_per_epoch : "auto" or int, default="auto"
        Windows drawn per epoch; ``"auto"``: every distinct window once, in a fresh order.
    window_norm : {{"auto", "revin", "mean"}} or None, default="auto"
        Normalization of each window by its own observed context, undone at the output
        (reversible instance normalization, Kim et al., ICLR 2022): ``"revin"`` subtracts the
        context's mean of the fed-back features and divides by their standard deviation,
        ``"mean"`` only subtracts the mean; the network learns patterns, not levels, and
        forecasts levels it has never seen. ``"auto"``: ``"mean"`` with the log transform
        (a level in log units is a factor), ``"revin"`` otherwise; only with windows.
    transform : {{"auto", "log"}} or None, default="auto"
        ``"log"``: learn and forecast the logarithm of the target (the fed-back features),
        for series whose season and growth are multiplicative; forecasts are mapped back.
        ``"auto"``: log on windows of a strictly positive target, None otherwise.
    seasonal_period : "auto" or int, default="auto"
        Timesteps per season ``m``: from the frequency of a pandas time index (12 for months,
        4 for quarters, ...), else from the autocorrelation of the differenced longest
        sequence (1 when there is no clear season); see
        :func:`~seqestimators.forecasting.detect_seasonal_period`.
    seasonal_inputs : "auto" or bool, default="auto"
        Let the network also read, at every timestep, the change of the fed-back feature one
        season before the value it predicts (what a seasonal naive forecast repeats); in
        closed loop it comes from the model's own forecast. ``"auto"``: on windows, when
        ``m > 1``.
    target : str, int, list or None, default=None
        For ``fit(frame)`` on a DataFrame: the column(s) forecast and fed back; the other
        columns are exogenous inputs (their future values are given to :meth:`forecast`).
        None: every column is a target.
    accumulate_steps : int, default=1
        Optimizer step after this many batches (or ``tbptt_steps`` windows), on the mean of
        their gradients: gradient accumulation, e.g. for one-step chunks of a stream.
    {_docs.TRAINING_PARAMS.format(max_epochs=1000, lr=0.01, criterion="torch.nn.MSELoss",
                                  valid_score="valid_r2")}

    Attributes
    ----------
    feedback_features_ : ndarray of shape (n_targets,)
        Index of the input feature that receives each target's prediction.
    exogenous_features_ : ndarray of shape (n_exogenous,)
        Indices of the other input features, given for the future in :meth:`forecast`.
    n_targets_ : int
        Number of targets per timestep.
    context_length_, horizon_ : int or None
        The training windows' context and horizon (None: whole sequences).
    seasonal_period_ : int
        The seasonal period used.
    training_, transform_, window_norm_, seasonal_inputs_ : str, None or bool
        The resolved ``training``, ``transform``, ``window_norm`` and ``seasonal_inputs``.
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

    T. Kim, J. Kim, Y. Tae, C. Park, J.-H. Choi and J. Choo, "Reversible instance
    normalization for accurate time-series forecasting against distribution shift",
    ICLR 2022.

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

    A real series, learned from windows:

    >>> from seqestimators.datasets import load_airline
    >>> y = load_airline().series
    >>> est = RNNForecaster(max_epochs=2, random_state=0).fit(y.iloc[:-12])
    >>> est.context_length_, est.horizon_, est.transform_
    (36, 24, 'log')
    >>> est.forecast(y.iloc[:-12], 12).index[[0, -1]].astype(str).tolist()
    ['1960-01', '1960-12']
    """

    module = FeedbackNetwork
    # Read by the shared code: a forecaster predicts one value per timestep.
    output = "sequence"

    _parameter_constraints = {
        **SequenceNetMixin._parameter_constraints,
        "feedback": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left"),
                     "array-like"],
        "training": [StrOptions({"auto", *TRAINING_MODES})],
        "schedule": [StrOptions(set(SCHEDULES)), callable],
        "schedule_k": [Interval(Real, 0, None, closed="neither")],
        "warmup_steps": [Interval(Integral, 1, None, closed="left")],
        "residual": ["boolean"],
        "input_changes": ["boolean"],
        "standardize": ["boolean"],
        "context_length": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"),
                           None],
        "horizon": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "windows_per_epoch": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "window_norm": [StrOptions({"auto", *WINDOW_NORMS}), None],
        "transform": [StrOptions({"auto", "log"}), None],
        "seasonal_period": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "seasonal_inputs": [StrOptions({"auto"}), "boolean"],
        "target": [str, Integral, list, None],
    }

    def __init__(self, *, cell="lstm", hidden_size=32, num_layers=1, dropout=0.0,
                 state_policy="reset", tbptt_steps=None, feedback="auto", training="auto",
                 schedule="inverse_sigmoid", schedule_k=10.0, warmup_steps=1, residual=True,
                 input_changes=True, standardize=True, context_length="auto", horizon="auto",
                 windows_per_epoch="auto", window_norm="auto", transform="auto",
                 seasonal_period="auto", seasonal_inputs="auto", target=None,
                 accumulate_steps=1, max_epochs=1000,
                 n_iter_no_change=10, tol=1e-4, early_stopping=False, validation_fraction=0.1,
                 lr=0.01, predict_batch_size=256, batch_size=32, optimizer=torch.optim.Adam,
                 criterion=torch.nn.MSELoss, train_split=None, callbacks=None,
                 iterator_train=SequenceBatchIterator, iterator_valid=SequenceBatchIterator,
                 dataset=SequenceDataset, predict_nonlinearity="auto", warm_start=False,
                 verbose=0, device="cpu", compile=False, use_caching="auto",
                 torch_load_kwargs=None, random_state=None, num_threads=1, **kwargs):
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
        explicit = isinstance(self.context_length, Integral)
        if explicit and (self._state_policy.carries or self.tbptt_steps is not None):
            raise ValueError(
                "context_length trains on windows drawn at random offsets, each from a fresh "
                "state, but state_policy='carry' and tbptt_steps learn one stream in order. "
                "Use context_length=None (or 'auto') with them.")
        if self.window_norm in WINDOW_NORMS and self.context_length is None:
            raise ValueError(
                f"window_norm={self.window_norm!r} normalizes each training window by its own "
                "context, so it needs windows: pass context_length='auto' or an int, or "
                "window_norm=None.")

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
            "instance_norm": self.window_norm_,
            "seasonal_lag": self.seasonal_period_ if self.seasonal_inputs_ else 0,
        }
        if self.standardize:
            kwargs.update({k: v for k, v in self._scaling_.items() if k != "loss_scale"})
        return kwargs

    # ------------------------------------------------------------------ data
    def _resolve_feedback(self, sequences, targets):
        n_features, n_targets = sequences.n_features, targets.shape[-1]
        name = type(self).__name__
        series = self.__dict__.get("_series_info")
        if series is not None:  # fitted on series: the target columns come first
            return np.arange(series["n_targets"])
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
        if reset:
            feedback = self._resolve_feedback(sequences, targets)
            self.feedback_features_ = feedback
            self.exogenous_features_ = np.setdiff1d(np.arange(sequences.n_features), feedback)
        self._warn_inconsistent_feedback(sequences, targets)
        if reset:
            self._resolve_windows(sequences)
            self.transform_ = self._resolve_transform(sequences, targets)
        if self.transform_ == "log":
            _check_positive(targets, sequences, self.feedback_features_, type(self).__name__)
            targets = np.log(targets)
            _transform_sequences(sequences, self.feedback_features_, np.log)
        y = super()._encode_targets(targets, sequences, reset=reset, classes=classes)
        if reset:
            self._scaling_ = _scaling(sequences, targets, self.feedback_features_,
                                      self.residual, self.context_length_, self.horizon_,
                                      self.window_norm_)
        return y

    def _validate_X(self, X, *, reset):
        sequences = super()._validate_X(X, reset=reset)
        if not reset and getattr(self, "transform_", None) == "log":
            _check_positive(None, sequences, self.feedback_features_, type(self).__name__)
            _transform_sequences(sequences, self.feedback_features_, np.log)
        return sequences

    def _resolve_windows(self, sequences):
        """The fitted window set-up: seasonal period, context, horizon, normalization, mode."""
        lengths = sequences.true_lengths()
        longest = int(lengths.argmax())
        m = self.seasonal_period
        if m == "auto":
            series = self.__dict__.get("_series_info")
            m = series.get("period") if series is not None else None
            if m is None:
                values = sequences.values[longest, :int(lengths[longest])]
                m = detect_seasonal_period(values[:, self.feedback_features_[0]]) \
                    if len(values) >= 8 else 1
        self.seasonal_period_ = int(m)
        horizon = _auto_horizon(self.seasonal_period_) if self.horizon == "auto" \
            else int(self.horizon)
        context = self.context_length
        if context == "auto":
            context = _auto_context(self.seasonal_period_)
            few = sequences.n_samples * 4 <= max(self.batch_size, 1) or \
                (self.batch_size == -1 and sequences.n_samples <= 8)
            long_enough = lengths.max() >= _AUTO_WINDOW_MIN_LENGTH * (context + horizon)
            if not (few and long_enough) or self._state_policy.carries or \
                    self.tbptt_steps is not None:
                context = None
        if context is not None and lengths.max() < context + horizon:
            raise ValueError(
                f"context_length={context} and horizon={horizon} make training windows of "
                f"{context + horizon} timesteps, but the longest sequence has "
                f"{int(lengths.max())}: pass shorter ones.")
        self.context_length_ = None if context is None else int(context)
        self.horizon_ = None if context is None else int(horizon)
        self.window_norm_ = self.window_norm if context is not None else None
        training = self.training
        if training == "auto":
            training = "free_running" if context is not None else "teacher_forcing"
        self.training_ = training
        seasonal = self.seasonal_inputs
        if seasonal == "auto":
            seasonal = context is not None
        self.seasonal_inputs_ = bool(seasonal) and self.seasonal_period_ > 1

    def _resolve_transform(self, sequences, targets):
        """The fitted transform, and with it the window normalization of "auto"."""
        transform = self.transform
        if transform == "auto":
            # Windows of a strictly positive series: log, so that a multiplicative season
            # and growth become additive.
            fed = sequences.values[..., self.feedback_features_]
            mask = sequences.mask()
            positive = bool(np.all((fed if mask is None else fed[mask]) > 0)) and \
                bool(np.all(np.asarray(targets) > 0))
            transform = "log" if self.context_length_ is not None and positive else None
        if self.window_norm_ == "auto":
            # In log units a level is a factor: subtracting the context's mean is enough.
            self.window_norm_ = "mean" if transform == "log" else "revin"
        return transform

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

    # ------------------------------------------------------------------ series (pandas)
    def fit(self, X, y=None, **fit_params):
        """Train on sequences ``X`` and targets ``y``, or on one or several series ``X``.

        With ``y``, ``X`` and ``y`` are sequences and per-timestep targets, as for every
        estimator of the package (``X[:, t, feedback]`` holds ``y[:, t - 1]``). Without ``y``,
        ``X`` is the series itself: a pandas Series or DataFrame on a ``PeriodIndex`` or
        ``DatetimeIndex``, a 1D array, or a list of them (ragged lengths allowed); the value at
        period ``t`` is the input of the target at ``t + 1``. The columns named by ``target``
        (all of them when None) are forecast and fed back; the other columns are exogenous
        inputs. A few long series are learned from windows (see ``context_length``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list, DataFrame or Series
            Training sequences, or the series to learn (with ``y=None``).
        y : array-like or list of arrays, default=None
            Per-timestep targets of the sequences; None when ``X`` is a series.
        **fit_params : dict
            Passed on to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if y is None:
            info, X, y = self._series_to_sequences(X, fitting=True)
            self._series_info = info
        else:
            self._series_info = None
        return super().fit(X, y, **fit_params)

    def _series_list(self, X):
        """``X`` as a list of series plus whether it came as one series."""
        if isinstance(X, list | tuple) and X and (is_time_series(X) or all(
                isinstance(x, np.ndarray) and x.ndim == 1 for x in X)):
            return list(X), False
        if is_time_series(X):
            return [X], True
        if isinstance(X, np.ndarray | list) and np.ndim(X) == 1:
            return [np.asarray(X, dtype=np.float64)], True
        raise ValueError(
            f"{type(self).__name__}.fit(X) without y takes the series to learn: a pandas Series "
            "or DataFrame on a PeriodIndex or DatetimeIndex, a 1D array, or a list of them. "
            "For sequences with their targets, pass y.")

    def _target_columns(self, frame):
        if isinstance(frame, pd.Series):
            return [frame.name if frame.name is not None else "y"]
        target = self.target
        if target is None:
            return list(frame.columns)
        target = list(target) if isinstance(target, list) else [target]
        missing = [t for t in target if t not in frame.columns]
        if missing:
            raise ValueError(f"target names column(s) {missing} that the DataFrame lacks; its "
                             f"columns are {list(frame.columns)}.")
        return target

    def _exogenous_columns(self, frame):
        if isinstance(frame, pd.Series):
            return []
        targets = self._target_columns(frame)
        return [c for c in frame.columns if c not in targets]

    def _series_values(self, series):
        """``(values (n_periods, n_columns), targets, exogenous)``, target columns first."""
        if isinstance(series, pd.Series | pd.DataFrame):
            targets = self._target_columns(series)
            exogenous = self._exogenous_columns(series)
            frame = series.to_frame(targets[0]) if isinstance(series, pd.Series) else series
            values = frame[targets + exogenous].to_numpy(dtype=np.float64)
            return values, targets, exogenous
        return np.asarray(series, dtype=np.float64).reshape(-1, 1), ["y"], []

    def _series_to_sequences(self, X, *, fitting):
        series, single = self._series_list(X)
        parts = [self._series_values(s) for s in series]
        targets, exogenous = parts[0][1], parts[0][2]
        if any(p[1] != targets or p[2] != exogenous for p in parts):
            raise ValueError("Every series must have the same target and exogenous columns.")
        for values, _, _ in parts:
            if len(values) < 3:
                raise ValueError(f"A series needs at least 3 periods to learn from; got "
                                 f"{len(values)}.")
            if not np.isfinite(values).all():
                raise ValueError("The series hold NaN or infinite values; fill them first.")
        k = len(targets)
        Xs = [values[:-1] for values, _, _ in parts]
        ys = [values[1:, :k] for values, _, _ in parts]
        if k == 1:
            ys = [y_i[:, 0] for y_i in ys]
        if len({len(x) for x in Xs}) == 1:
            Xs, ys = np.stack(Xs), np.stack(ys)
        last = series[-1]
        period = None
        if isinstance(last, pd.Series | pd.DataFrame):
            period = seasonal_period_from_index(last.index)
        info = {"n_targets": k, "targets": targets, "exogenous": exogenous, "period": period,
                "pandas": isinstance(last, pd.Series | pd.DataFrame), "single": single,
                "tail": last}
        return info, Xs, ys

    # ------------------------------------------------------------------ training
    def _feedback_probability(self):
        training = getattr(self, "training_", self.training)
        if training == "teacher_forcing":
            return 0.0
        if training == "free_running":
            return 1.0
        epochs_done = max(len(self.history_) - 1, 0) if self.history_ is not None else 0
        return feedback_probability(epochs_done, self.schedule, self.schedule_k)

    def _objective_settled(self):
        """Whether this epoch trained the final objective (scheduled sampling has arrived)."""
        return self.training_ != "scheduled" or self.history[-1, "feedback_prob"] >= 0.99

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid,
                               **kwargs)
        self.history.record("feedback_prob", self._feedback_probability())

    def get_iterator(self, dataset, training=False):
        if training and self.context_length_ is not None and \
                self.iterator_train is SequenceBatchIterator:
            kwargs = self.get_params_for("iterator_train")
            kwargs.setdefault("batch_size", self.batch_size)
            per_epoch = self.windows_per_epoch
            return WindowBatchIterator(
                dataset, window_length=self.context_length_ + self.horizon_,
                n_context=self.context_length_,
                windows_per_epoch=None if per_epoch == "auto" else per_epoch, **kwargs)
        return super().get_iterator(dataset, training=training)

    def infer(self, x, **fit_params):
        training = getattr(self, "training_", self.training)
        if self.module_.training and "n_context" in x:
            # A training window: its context is observed (and gives the window's level and
            # scale), its horizon is forecast as `training` says.
            n_context = int(x["n_context"].reshape(-1)[0])
            x = {k: v for k, v in x.items() if k != "n_context"}
            fit_params = {"feedback_prob": self._feedback_probability(),
                          "n_observed": max(n_context, self.warmup_steps),
                          "n_context": n_context, **fit_params}
        elif self.module_.training and training != "teacher_forcing":
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
            scale = self._scaling_.get("loss_scale")
            scale = self.module_.target_scale if scale is None else \
                torch.as_tensor(scale, device=y_pred.device)
            scale = scale.to(y_pred.dtype)
            y_true = torch.as_tensor(y_true, device=y_pred.device).to(y_pred.dtype)
            y_pred, y_true = y_pred / scale, y_true / scale
        return super().get_loss(y_pred, y_true, X=X, training=training)

    # ------------------------------------------------------------------ prediction
    def _predict_outputs(self, X):
        """Validated ``X`` and the outputs, in the units of ``y`` (the transform undone).

        A model trained on windows predicts every timestep from the window of its last
        ``context_length_`` timesteps, as it was trained.
        """
        if getattr(self, "context_length_", None) is None:
            sequences, outputs = super()._predict_outputs(X)
        else:
            check_is_fitted(self)
            with self._runtime():
                sequences = self._validate_X(X, reset=False)
                outputs = self._window_outputs(sequences)
        return sequences, self._inverse_transform(outputs)

    def _window_outputs(self, sequences):
        lengths = sequences.true_lengths()
        windows, window_lengths = window_views(sequences.values, lengths, self.context_length_)
        dataset = self._make_dataset(_Windows(windows, window_lengths))
        out, _ = self._forward_dataset(dataset)
        last = out[np.arange(len(out)), window_lengths - 1]
        outputs = np.zeros((sequences.n_samples, sequences.n_timesteps, last.shape[-1]),
                           np.float32)
        rows = np.repeat(np.arange(sequences.n_samples), lengths)
        steps = np.concatenate([np.arange(n) for n in lengths])
        outputs[rows, steps] = last
        return outputs

    def _inverse_transform(self, outputs):
        if getattr(self, "transform_", None) == "log":
            return np.exp(outputs.astype(np.float64))
        return outputs

    def score(self, X, y=None, sample_weight=None):
        """R² of one-step predictions, or of a closed-loop forecast for a series.

        With ``y``: the coefficient of determination of the one-step-ahead predictions of the
        sequences ``X`` over all real timesteps. Without ``y`` (a model fitted on a series):
        ``X`` holds the periods right after the training series (the test part of a
        :class:`~sklearn.model_selection.TimeSeriesSplit`), and the score is the R² of the
        closed-loop forecast of those periods from the end of the training series.

        Parameters
        ----------
        X : array-like, DataFrame or Series
            Test sequences, or the periods following the training series.
        y : array-like or list of arrays, default=None
            True values of the sequences; None for a series.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence (with ``y`` only).

        Returns
        -------
        score : float
        """
        if y is not None:
            return super().score(X, y, sample_weight=sample_weight)
        forecast, actual = self._forecast_from_fit(X)
        return float(r2_score(actual, forecast))

    def _forecast_from_fit(self, X_future):
        """Forecast of the periods of ``X_future`` from the end of the training series."""
        check_is_fitted(self)
        info = self.__dict__.get("_series_info")
        if info is None or not info["single"]:
            raise ValueError(
                f"Scoring a forecast of the periods after the training data needs a "
                f"{type(self).__name__} fitted on one series (fit(series) without y).")
        past = info["tail"]
        n_steps = len(X_future)
        if info["pandas"]:
            frame = X_future.to_frame() if isinstance(X_future, pd.Series) else X_future
            exo = info["exogenous"]
            forecast = self.forecast(past, n_steps, exogenous=frame[exo] if exo else None)
            forecast = forecast.to_frame() if isinstance(forecast, pd.Series) else forecast
            names = info["targets"]
            return forecast[names].to_numpy(np.float64), frame[names].to_numpy(np.float64)
        forecast = self.forecast(past, n_steps)
        return forecast[:, None], np.asarray(X_future, dtype=np.float64).reshape(-1, 1)

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
        from the end of the prefix (of each sequence's real end, for ragged prefixes). A model
        trained on windows reads only the last ``context_length_`` timesteps of each prefix,
        the context it was trained to forecast from.

        The result is aligned with ``y``: for a prefix ``X[:, :t0]`` the forecast estimates
        ``y[:, t0:t0 + n_steps]``. For the thrown ball, where ``y[t]`` is the height at
        ``t + 1``, three observed heights ``X[:, :3]`` give the heights at timesteps
        ``4, 5, ...``; the height at timestep 3 is the one-step prediction
        ``predict(X[:, :3])[:, -1]``, included with ``include_prefix=True``.

        **Series** (a model fitted with ``fit(series)``): ``X`` is a series (a pandas Series or
        DataFrame on a time index, a 1D array, or a list of them) and the result is the
        forecast of the ``n_steps`` periods after its end, indexed by those periods (a Series
        for one target, a DataFrame of the target columns for several). ``exogenous`` then
        holds the exogenous columns for those future periods (a DataFrame; the value of the
        last period is not needed, as it informs only the period after the forecast).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list, DataFrame or Series
            The observed prefixes, all features included (a 2D array is a batch of univariate
            prefixes; ragged lists are accepted), or the observed series.
        n_steps : int
            Number of timesteps (periods) to generate after each prefix.
        exogenous : array-like of shape (n_samples, n_steps, n_exogenous) or DataFrame, \
default=None
            The future values of the exogenous features ``exogenous_features_`` (in that
            order) for the generated timesteps: required when the model has exogenous
            features, and must be None when it has none. The fed-back features are never
            given for the future. A 2D array ``(n_samples, n_steps)`` is accepted for a single
            exogenous feature.
        include_prefix : bool, default=False
            Prepend the one-step-ahead predictions over the prefix (those of
            :meth:`predict`), so that the result is aligned with ``y`` from timestep 0
            (sequences only).

        Returns
        -------
        y_forecast : ndarray of float64, Series or DataFrame
            ``(n_samples, n_steps)`` for one target per timestep, ``(n_samples, n_steps,
            n_targets)`` for several; with ``include_prefix=True`` the time axis has
            ``n_timesteps + n_steps`` steps, and ragged prefixes give a list of arrays. For a
            series: its forecast (a Series or DataFrame on the future periods, a 1D array for
            an array, a list for a list).

        Notes
        -----
        Under ``state_policy="carry"`` the prefix starts from the carried state, which the
        forecast leaves unchanged: the forecast is a hypothetical continuation.
        """
        check_is_fitted(self)
        n_steps = check_scalar(n_steps, "n_steps", Integral, min_val=1)
        if is_time_series(X) or (isinstance(X, np.ndarray) and X.ndim == 1) or (
                isinstance(X, list) and X and all(
                    isinstance(x, np.ndarray) and x.ndim == 1 for x in X)):
            return self._forecast_series(X, n_steps, exogenous)
        with self._runtime():
            sequences = check_sequences(X, estimator=self)
            if sequences.n_features != self.input_size_:
                raise ValueError(
                    f"X has {sequences.n_features} features per timestep, but "
                    f"{type(self).__name__} is expecting {self.input_size_} features as input."
                )
            exo = self._check_exogenous(exogenous, sequences.n_samples, n_steps)
            prefix, generated = self._closed_loop(sequences, n_steps, exo)
        generated = self._reshape_predictions(generated)
        if not include_prefix:
            return generated
        if self.context_length_ is not None:
            prefix = self._predict_outputs(X)[1]
        prefix = self._reshape_predictions(prefix)
        if sequences.lengths is None:
            return np.concatenate([prefix, generated], axis=1)
        parts = unpad_sequences(prefix, sequences.lengths)
        return [np.concatenate([p, g], axis=0) for p, g in zip(parts, generated)]

    def _closed_loop(self, sequences, n_steps, exo):
        """Prefix outputs and ``n_steps`` generated outputs (data units), as float arrays."""
        if self.transform_ == "log":
            _check_positive(None, sequences, self.feedback_features_, type(self).__name__)
            _transform_sequences(sequences, self.feedback_features_, np.log)
        values, lengths = sequences.values, sequences.lengths
        if self.context_length_ is not None:
            values, lengths = _last_steps(values, sequences.true_lengths(),
                                          self.context_length_)
        device = self.device
        values = torch.from_numpy(np.ascontiguousarray(values)).to(device)
        lengths = None if lengths is None else torch.from_numpy(lengths).to(device)
        exo_t = None if exo is None else torch.from_numpy(exo).to(device)
        state = self._carried_state_for(sequences.n_samples)
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
        return (self._inverse_transform(prefix.float().cpu().numpy()),
                self._inverse_transform(generated.float().cpu().numpy()))

    def _forecast_series(self, X, n_steps, exogenous):
        info = self.__dict__.get("_series_info")  # None after seqestimators.io.load
        series, single = self._series_list(X)
        exo_names = self._series_values(series[0])[2]
        if exo_names and exogenous is None:
            raise ValueError(
                f"{type(self).__name__} was fitted with the exogenous columns {exo_names}: "
                f"pass their values for the {n_steps} forecast periods as exogenous (a "
                "DataFrame with those columns).")
        if not exo_names and exogenous is not None:
            raise ValueError(f"{type(self).__name__} was fitted without exogenous columns, so "
                             "exogenous must be None.")
        exogenous = exogenous if isinstance(exogenous, list) else [exogenous] * len(series)
        results = []
        for s, exo in zip(series, exogenous):
            values, targets, _ = self._series_values(s)
            if info is not None and targets != info["targets"]:
                raise ValueError(f"The series has target columns {targets}, but "
                                 f"{type(self).__name__} was fitted on {info['targets']}.")
            future_exo = None
            if exo_names:
                frame = exo if isinstance(exo, pd.DataFrame) else pd.DataFrame(exo)
                if isinstance(exo, pd.DataFrame):
                    frame = frame[exo_names]
                future_exo = frame.to_numpy(dtype=np.float64)[:n_steps - 1]
                if len(future_exo) < n_steps - 1 or not np.isfinite(future_exo).all():
                    raise ValueError(
                        f"exogenous must hold the exogenous columns {exo_names} for at least "
                        f"the first {n_steps - 1} forecast periods (finite values); got "
                        f"{len(frame)} rows.")
                future_exo = future_exo[None].astype(np.float32)
            with self._runtime():
                sequences = check_sequences(values[None], estimator=self)
                if sequences.n_features != self.input_size_:
                    raise ValueError(
                        f"The series has {sequences.n_features} columns, but "
                        f"{type(self).__name__} was fitted on {self.input_size_}.")
                prefix, generated = self._closed_loop(sequences, n_steps - 1, future_exo)
            last = prefix[:, -1]
            path = np.concatenate([last[:, None], generated], axis=1)[0]  # (n_steps, k)
            if isinstance(s, pd.Series | pd.DataFrame):
                index = future_index(s.index, n_steps)
                if isinstance(s, pd.Series):
                    results.append(pd.Series(path[:, 0], index=index, name=s.name))
                else:
                    results.append(pd.DataFrame(path, index=index, columns=targets))
            else:
                results.append(path[:, 0])
        return results[0] if single else results


class _Windows:
    """Sequences-like holder of trailing windows, for ``_make_dataset``."""

    def __init__(self, values, lengths):
        self.values = values
        self.lengths = None if bool((lengths == values.shape[1]).all()) else \
            lengths.astype(np.int64)


# ---------------------------------------------------------------------------- helpers
def _scaling(sequences, targets, feedback, residual, context=None, horizon=None,
             window_norm=None):
    """Per-feature and per-target (or per-change) mean and standard deviation over real steps.

    With ``window_norm``, the statistics of the feedback features, targets and changes are
    those of the training windows normalized by their own context, as the network sees them;
    ``loss_scale`` keeps the scale of the targets (or changes) in the data's units.
    """
    stats = _plain_scaling(sequences.values, sequences.mask(), targets, feedback, residual)
    if window_norm is None:
        return stats
    length = context + horizon
    values, lengths = sequences.values, sequences.true_lengths()
    targets = np.asarray(targets, dtype=np.float64)
    rows, starts = [], []
    for i, n in enumerate(lengths):
        if n >= length:
            rows.append(np.full(int(n) - length + 1, i))
            starts.append(np.arange(int(n) - length + 1))
    rows, starts = np.concatenate(rows), np.concatenate(starts)
    if len(rows) > 4096:  # evenly spaced windows are enough for a mean and a scale
        pick = np.linspace(0, len(rows) - 1, 4096).astype(int)
        rows, starts = rows[pick], starts[pick]
    index = starts[:, None] + np.arange(length)[None, :]
    win_x = values[rows[:, None], index].astype(np.float64)
    win_y = targets[rows[:, None], index]
    fed = win_x[:, :context][..., feedback]
    loc = fed.mean(axis=1, keepdims=True)
    if window_norm == "revin":
        std = fed.std(axis=1, keepdims=True)
        scale = np.where(std > 1e-6 * np.maximum(np.abs(loc), 1.0), std, 1.0)
    else:
        scale = np.ones_like(loc)
    win_x[..., feedback] = (win_x[..., feedback] - loc) / scale
    win_y = (win_y - loc) / scale
    normalized = _plain_scaling(win_x, None, win_y, feedback, residual)
    for key in ("target_mean", "target_scale", "change_mean", "change_scale"):
        stats[key] = normalized[key]
    for name in ("input_mean", "input_scale"):
        merged = np.asarray(stats[name])
        merged[feedback] = np.asarray(normalized[name])[feedback]
        stats[name] = merged.tolist()
    stats["loss_scale"] = _plain_scaling(values, sequences.mask(), targets, feedback,
                                         residual)["target_scale"]
    return stats


def _plain_scaling(values, mask, targets, feedback, residual):
    values = values.astype(np.float64)
    n_features = values.shape[-1]
    targets = np.asarray(targets, dtype=np.float64)
    fed = values[..., feedback]
    changes = np.diff(fed, axis=1, prepend=fed[:, :1])
    if residual:
        targets = targets - fed
    if mask is not None:
        values, targets, changes = values[mask], targets[mask], changes[mask]
    values = values.reshape(-1, n_features)
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


def _auto_horizon(period):
    """Closed-loop steps per training window: two seasons, at least 6 steps."""
    return max(2 * period, 6)


def _auto_context(period):
    """Observed steps per training window: three seasons, at least 8 steps."""
    return max(3 * period, 8)


def _check_positive(targets, sequences, feedback, name):
    values = sequences.values[..., feedback]
    mask = sequences.mask()
    values = values if mask is None else values[mask]
    bad = (targets is not None and np.any(np.asarray(targets) <= 0)) or np.any(values <= 0)
    if bad:
        raise ValueError(
            f"transform='log' forecasts the logarithm of the target, but the target (or the "
            f"fed-back features {np.asarray(feedback).tolist()}) holds values <= 0. Use "
            f"transform=None for series that are not strictly positive.")


def _transform_sequences(sequences, feedback, fn):
    """Apply ``fn`` to the feedback features of ``sequences`` (on a copy of its values)."""
    values = sequences.values.copy()
    mask = sequences.mask()
    fed = values[..., feedback]
    if mask is None:
        values[..., feedback] = fn(fed)
    else:
        fed[mask] = fn(fed[mask])
        values[..., feedback] = fed
    sequences.values = values.astype(np.float32)


def _last_steps(values, lengths, n):
    """The last ``n`` real timesteps of every sequence, left-aligned (and their lengths)."""
    width = min(int(n), values.shape[1])
    starts = np.maximum(lengths - width, 0)
    new_lengths = lengths - starts
    index = np.minimum(starts[:, None] + np.arange(width)[None, :], values.shape[1] - 1)
    cropped = values[np.arange(len(values))[:, None], index]
    cropped[np.arange(width)[None, :] >= new_lengths[:, None]] = 0
    if bool((new_lengths == width).all()):
        return np.ascontiguousarray(cropped), None
    return np.ascontiguousarray(cropped), new_lengths.astype(np.int64)


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
