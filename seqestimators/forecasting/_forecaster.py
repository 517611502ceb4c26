"""RNNForecaster: a recurrent regressor whose own previous prediction is fed back as an input."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from skorch import NeuralNetRegressor

from ..data import SequenceBatchIterator, SequenceDataset
from ..estimators import SequenceNetMixin, SequenceRegressorMixin
from ..estimators import docstrings as _docs
from ..networks import CELLS, FeedbackNetwork
from ..nn import check_quantile_levels
from ..state import STATE_POLICIES
from ._feedback import resolve_feedback, warn_inconsistent_feedback
from ._holdout import HoldoutMixin
from ._inference import InferenceMixin
from ._panel import BASELINES, fitted_baseline, network_baseline
from ._scaling import (
    WINDOW_NORMS,
    check_positive,
    check_window_params,
    log_targets,
    resolve_transform,
    transform_sequences,
)
from ._schedule import SCHEDULES, TRAINING_MODES, check_schedule_k
from ._series import SeriesMixin
from ._training import TrainingMixin
from ._windows import resolve_windows

__all__ = ["RNNForecaster"]

_CELLS = ", ".join(f'"{name}"' for name in CELLS)
_POLICIES = ", ".join(f'"{name}"' for name in STATE_POLICIES)


class RNNForecaster(SeriesMixin, HoldoutMixin, InferenceMixin, TrainingMixin,
                    SequenceRegressorMixin, SequenceNetMixin, NeuralNetRegressor):
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
    cell : {{{_CELLS}}}, default="lstm"
        Recurrent cell type, a name in ``seqestimators.networks.CELLS``.
    hidden_size : int, default=32
        Hidden units per layer.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    dropout : float, default=0.0
        Dropout between stacked layers, as in :class:`torch.nn.LSTM` (needs ``num_layers > 1``).
    state_policy : {{{_POLICIES}}}, default="reset"
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
        :func:`~seqestimators.forecasting.feedback_probability`.
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
        timesteps of the training sequences, never of the validation ones); the loss is
        computed on standardized targets. The feedback loop works in the data's own units, so
        do not scale the feedback features outside the model (a scaled feature would not
        match the fed-back prediction). For online learning from very small chunks, scale the
        data beforehand and pass False.
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
        Windows drawn per epoch; ``"auto"``: every distinct window once, in a fresh order
        (for series, ``fit(series)``: at most 16 batches of them, so that a panel of many
        series is not one long epoch).
    window_norm : {{"auto", "revin", "mean"}} or None, default="auto"
        Normalization of each window by its own observed context, undone at the output
        (reversible instance normalization, Kim et al., ICLR 2022): ``"revin"`` subtracts the
        context's mean of the fed-back features and divides by their standard deviation,
        ``"mean"`` only subtracts the mean; the network learns patterns, not levels, and
        forecasts levels it has never seen. The statistics are causal: the output at a
        context timestep reads those of the context up to it, the horizon those of the whole
        context, so that no output reads a later value. ``"auto"``: ``"mean"`` with the log transform
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
    baseline : {{"auto", "naive", "seasonal", "mean", "drift"}} or None, default="auto"
        The forecast of an untrained network (needs ``residual``): its read-out starts at
        zero and learns a correction to the baseline, so that it forecasts the last value
        (``"naive"``), the value one season before (``"seasonal"``, seasonal naive; needs the
        seasonal inputs; the last value when ``m = 1``), the mean of the window's context
        (``"mean"``, the level that ``window_norm`` measures), or the last value plus the
        mean change of the training windows (``"drift"``, in window-normalized units: a
        common growth rate under the log transform). None: the read-out's usual random
        initialization. ``"auto"``: ``"naive"`` for a model fitted on several series
        (``fit(list_of_series)``, a global model), None otherwise. Measured with
        ``benchmarks/bench_forecasting_panel.py`` (3 seeds): on one series the random
        read-out beat every zero read-out but on nile; on a monthly seasonal panel
        ``"seasonal"`` lost to ``"naive"``.
    quantiles : array-like of float or None, default=None
        Quantile levels in ``(0, 1)``, e.g. ``[0.1, 0.5, 0.9]``: a second read-out forecasts
        them around the point forecast, trained with the pinball loss beside the point's loss
        (on the training windows, closed loop included, so that the band widens along the
        horizon). :meth:`forecast` of a series then returns a DataFrame with the point column
        and one column per level (``"q0.1"``, or ``"<target>_q0.1"`` for several targets).
    calibrate_quantiles : bool, default=True
        With ``quantiles``, on series: widen or narrow the learned bands by the one factor
        that minimizes the pinball loss on held-out periods (the last ``horizon_`` of each
        series, forecast by a copy fitted on the rest: one extra fit, shared with
        ``baseline_check``), since bands learned on a few windows are as narrow as the
        training errors. False skips it (factor 1).
    baseline_check : bool, default=True
        On series: compare the held-out forecasts (as above) with the naive and seasonal
        naive ones, in mean absolute scaled error (``holdout_scores_``), and warn
        (:class:`~seqestimators.exceptions.BaselineWarning`) when the model is not better.
        Searches skip it (their folds are held out already); so does :func:`backtest`.
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
    quantiles_ : tuple of float or None
        The quantile levels, in increasing order.
    quantile_spread_ : float or None
        The calibrated factor on the quantile offsets (1.0 uncalibrated; None without
        ``quantiles``).
    holdout_scores_ : dict or None
        ``baseline_check``'s mean absolute scaled errors: ``"model"``, ``"naive"`` and
        ``"seasonal_naive"`` (seasonal series); None when not measured.
    training_, transform_, window_norm_, seasonal_inputs_, baseline_ : str, None or bool
        The resolved ``training``, ``transform``, ``window_norm``, ``seasonal_inputs`` and
        ``baseline``.
    series_info_ : dict or None
        Fitted on series (``fit(series)``): their target and exogenous columns, seasonal
        period, and the end of the last series (its values and time index), from which
        :meth:`score` forecasts the periods that follow; None when fitted on sequences.
    {_docs.FITTED_ATTRIBUTES}

    See Also
    --------
    RNNRegressor : The same recurrent network without output feedback.

    Notes
    -----
    Validation losses and scores (``train_split``) are one-step-ahead, with teacher forcing,
    whatever ``training`` is; a model trained on windows validates as it predicts, each
    timestep from the window of its last ``context_length_`` timesteps, so that the loss that
    drives early stopping never reads a later value. The model is always causal (no
    ``bidirectional``) and predicts one value per timestep (``output="sequence"``).

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
        "baseline": [StrOptions({"auto", *BASELINES}), None],
        "quantiles": ["array-like", None],
        "calibrate_quantiles": ["boolean"],
        "baseline_check": ["boolean"],
    }

    def __init__(self, *, cell="lstm", hidden_size=32, num_layers=1, dropout=0.0,
                 state_policy="reset", tbptt_steps=None, feedback="auto", training="auto",
                 schedule="inverse_sigmoid", schedule_k=10.0, warmup_steps=1, residual=True,
                 input_changes=True, standardize=True, context_length="auto", horizon="auto",
                 windows_per_epoch="auto", window_norm="auto", transform="auto",
                 seasonal_period="auto", seasonal_inputs="auto", target=None,
                 baseline="auto", quantiles=None, calibrate_quantiles=True,
                 baseline_check=True, accumulate_steps=1, max_epochs=1000,
                 n_iter_no_change=10, tol=1e-4, early_stopping=False, validation_fraction=0.1,
                 lr=0.01, predict_batch_size=256, batch_size=32, optimizer=torch.optim.Adam,
                 criterion=torch.nn.MSELoss, train_split=None, callbacks=None,
                 iterator_train=SequenceBatchIterator, iterator_valid=SequenceBatchIterator,
                 dataset=SequenceDataset, predict_nonlinearity="auto", warm_start=False,
                 verbose=0, device="cpu", compile=False, use_caching="auto",
                 torch_load_kwargs=None, random_state=None, num_threads=1, **kwargs):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.state_policy = state_policy
        self.tbptt_steps = tbptt_steps
        self.feedback = feedback
        self.training = training
        self.schedule = schedule
        self.schedule_k = schedule_k
        self.warmup_steps = warmup_steps
        self.residual = residual
        self.input_changes = input_changes
        self.standardize = standardize
        self.context_length = context_length
        self.horizon = horizon
        self.windows_per_epoch = windows_per_epoch
        self.window_norm = window_norm
        self.transform = transform
        self.seasonal_period = seasonal_period
        self.seasonal_inputs = seasonal_inputs
        self.target = target
        self.baseline = baseline
        self.quantiles = quantiles
        self.calibrate_quantiles = calibrate_quantiles
        self.baseline_check = baseline_check
        self.accumulate_steps = accumulate_steps
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

    # ------------------------------------------------------------------ parameters
    def _check_params(self):
        super()._check_params()
        if self.training == "scheduled":
            check_schedule_k(self.schedule, self.schedule_k, type(self).__name__)
        check_window_params(self.context_length, self.window_norm,
                            self._state_policy.carries or self.tbptt_steps is not None)

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
            # Each step's statistics cover the trailing context that predict reads, no more.
            "instance_norm_window": self.context_length_,
            "seasonal_lag": self.seasonal_period_ if self.seasonal_inputs_ else 0,
            "quantiles": self.quantiles_ or (),
            "baseline": network_baseline(self.baseline_) if self.residual else None,
        }
        if self.standardize:
            kwargs.update({k: v for k, v in self._scaling_.items() if k != "loss_scale"})
        return kwargs

    # ------------------------------------------------------------------ data
    def _encode_targets(self, targets, sequences, *, reset, classes=None):
        if reset:
            # The fitted set-up, in one place: feedback, windows, transform (the scaling
            # statistics follow in _fit_statistics, from the training part only).
            if not self._fitting_to_convergence:  # partial_fit learns sequences only
                self.series_info_ = None
            info = self.series_info_
            feedback = resolve_feedback(
                self.feedback, sequences, targets, type(self).__name__,
                n_series_targets=None if info is None else info["n_targets"])
            self.feedback_features_ = feedback
            self.exogenous_features_ = np.setdiff1d(np.arange(sequences.n_features), feedback)
            windows = resolve_windows(
                self.get_params(deep=False), sequences, feedback,
                period=None if info is None else info["period"],
                sequential=self._state_policy.carries or self.tbptt_steps is not None,
                series=info is not None)
            self.transform_, windows["window_norm_"] = resolve_transform(
                self.transform, windows["window_norm_"], sequences, targets, feedback,
                windows["context_length_"] is not None)
            for name, value in windows.items():
                setattr(self, name, value)
            self.baseline_ = fitted_baseline(
                self.baseline, info, period=self.seasonal_period_,
                seasonal_inputs=self.seasonal_inputs_, window_norm=self.window_norm_)
            self.quantiles_ = None if self.quantiles is None else \
                check_quantile_levels(np.ravel(self.quantiles))
        warn_inconsistent_feedback(sequences, targets, self.feedback_features_,
                                   type(self).__name__)
        if self.transform_ == "log":
            check_positive(targets, sequences, self.feedback_features_, type(self).__name__)
            targets = log_targets(targets, sequences)
            transform_sequences(sequences, self.feedback_features_, np.log)
        return super()._encode_targets(targets, sequences, reset=reset, classes=classes)

    def fit(self, X, y=None, **fit_params):
        """Train on sequences ``X`` and targets ``y``, or on one or several series ``X``.

        With ``y``, ``X`` and ``y`` are sequences and per-timestep targets, as for every
        estimator of the package (``X[:, t, feedback]`` holds ``y[:, t - 1]``). Without ``y``,
        ``X`` is the series itself: a pandas Series or DataFrame on a ``PeriodIndex`` or
        ``DatetimeIndex``, a 1D array, or a list of them (ragged lengths allowed); the value at
        period ``t`` is the input of the target at ``t + 1``. The columns named by ``target``
        (all of them when None) are forecast and fed back; the other columns are exogenous
        inputs. Series are learned from windows (see ``context_length``); several series are
        one global model, each window normalized by its own context, and a series shorter
        than a window gives one window left-padded with its first value (the loss skips the
        padding). A long-format DataFrame with the columns ``unique_id``, ``ds`` and ``y``
        (as statsforecast and neuralforecast take a panel) is read as the list of its series.

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
        series = None
        if y is None:
            self.series_info_, X, y, series = self._series_to_sequences(X)
        else:
            self.series_info_ = None
        super().fit(X, y, **fit_params)
        if self.series_info_ is not None and self.context_length_ is not None:
            # Forecasts read the last context_length_ periods only.
            self.series_info_["tail"] = self.series_info_["tail"][-self.context_length_:]
        self.quantile_spread_, self.holdout_scores_ = self._held_out_checks(series)
        return self
