"""The forecaster's network: a recurrent layer stack whose outputs feed back into its inputs."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._feedback_state import FeedbackStateMixin
from .cells import get_cell, make_recurrent_layer, run_step
from .ops import (
    denormalize_by,
    last_real_step,
    normalize_by,
    real_step_mask,
    stats_at,
    trailing_moments,
)
from .quantiles import QuantileHead
from .states import state_where

__all__ = ["FeedbackNetwork"]


class FeedbackNetwork(FeedbackStateMixin, nn.Module):
    """A recurrent network whose previous output is fed back into some of its inputs (NARX).

    The network of :class:`~seqestimators.RNNForecaster`: a recurrent layer stack (any cell of
    :data:`~seqestimators.nn.cells.CELLS`) with a linear read-out, one output per timestep. The
    output at timestep ``t - 1`` is an estimate of the input features ``feedback`` at timestep
    ``t`` (for a thrown ball, the next height; for a degradation curve, the previous
    durability). The network reads those features
    as observed (teacher forcing), replaces them with its own previous output (free running,
    gradients flowing through the fed-back outputs), or does so at random with a given
    probability for each sequence and timestep (scheduled sampling).

    Parameters
    ----------
    input_size : int
        Number of features per timestep.
    output_size : int
        Number of outputs per timestep; each one feeds back into one input feature.
    feedback : sequence of int
        Index of the input feature that receives each output (``len(feedback) ==
        output_size``); the other features are exogenous.
    cell : str, default="lstm"
        Recurrent cell type, a key of :data:`~seqestimators.nn.cells.CELLS`.
    hidden_size : int, default=32
        Number of hidden units per layer.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    dropout : float, default=0.0
        Dropout between recurrent layers, as in :class:`torch.nn.LSTM`.
    learned_initial_state : bool, default=False
        Whether the initial hidden state is a trainable parameter instead of zeros.
    nonlinearity : {"tanh", "relu"}, default="tanh"
        Activation of the plain ``"rnn"`` cell.
    input_mean, input_scale : array-like of shape (input_size,), default=None
        The network standardizes its inputs with these (zeros and ones by default). Feedback
        happens before standardization, in the data's own units.
    target_mean, target_scale : array-like of shape (output_size,), default=None
        The read-out predicts standardized targets (or standardized changes, with
        ``residual``), mapped back to the data's units with these.
    residual : bool, default=False
        Whether each output is its feedback input plus the read-out (the network predicts the
        change ``y[t] - X[t, feedback]``) rather than the read-out alone.
    input_changes : bool, default=False
        Whether the recurrent layer also reads the change of each feedback input since the
        previous timestep (0 at the first timestep of a sequence), standardized with
        ``change_mean`` and ``change_scale``.
    change_mean, change_scale : array-like of shape (output_size,), default=None
        Standardization of those changes (zeros and ones by default).
    instance_norm : {None, "mean", "revin"}, default=None
        Per-sequence normalization of the feedback features by statistics of the sequence's
        own observed past (reversible instance normalization, Kim et al., ICLR 2022):
        ``"mean"`` subtracts their mean, ``"revin"`` also divides by their standard
        deviation; the outputs are mapped back with the same statistics. The statistics are
        causal: at timestep ``t`` they read the observed timesteps up to ``t`` (the last
        ``instance_norm_window`` of them), never a later one, so that the output at ``t`` is
        what a prediction from the window ending at ``t`` gives; past the observed part (the
        first ``n_context`` timesteps), those of its last timestep. The network then reads
        and predicts every window on one common level and scale, whatever the level of the
        series where it was cut. The global standardization
        of the feedback features and targets (``input_mean``, ``target_mean``, ...) applies
        to the normalized values.
    instance_norm_window : int, default=None
        With ``instance_norm``: the statistics at a timestep read at most this many observed
        timesteps up to it (all since the sequence's start when None). The forecaster's
        context length makes the statistics of a whole sequence (its validation pass) those
        of the windows its predictions read.
    seasonal_lag : int, default=0
        With ``m > 1``, the recurrent layer also reads the change of each feedback input one
        season before the predicted one, ``X[t - m + 1] - X[t - m]`` (the change that a
        seasonal naive forecast repeats; 0 while the sequence is shorter than a season),
        standardized like ``input_changes``. The last ``m`` feedback values are part of the
        state, so that closed-loop forecasts read their own generated season.
    quantiles : sequence of float, default=()
        Quantile levels in ``(0, 1)`` that a :class:`~seqestimators.nn.quantiles.QuantileHead`
        reads from the hidden output, as offsets from the point output (in standardized target
        units, mapped back like it); ``forward(..., quantiles=True)`` and ``forecast(...,
        quantiles=True)`` then return them after the point outputs. Only the point output is
        fed back.
    baseline : {None, "seasonal", "mean"}, default=None
        With ``residual``: what the read-out's change is added to. None: the fed-back input
        (an untrained network with a zero read-out forecasts the last value); ``"seasonal"``:
        the fed-back input one season before the predicted value, ``X[t - m + 1]`` (needs
        ``seasonal_lag=m``; the last value while the sequence is shorter than a season), so
        that a zero read-out forecasts seasonal naive; ``"mean"``: the level of the
        ``instance_norm`` statistics (needs ``instance_norm``), so that a zero read-out
        forecasts the mean of the observed context.

    Notes
    -----
    ``forward(X, lengths=None, state=None, feedback_prob=0.0, n_observed=1, n_context=None)``
    takes ``X`` of shape ``(batch, n_timesteps, input_size)`` and returns ``(output,
    final_state)``, ``output``
    of shape ``(batch, n_timesteps, output_size)``. ``feedback_prob`` is the probability that
    the previous output replaces the observed feedback features at a timestep: 0 is teacher
    forcing (one call of the recurrent layer over the whole sequences), 1 free running, values
    in between scheduled sampling (drawn with torch's global generator). Feeding back steps
    through time one timestep at a time, with the recurrent layer's own weights. The first
    ``n_observed`` timesteps keep their observed values, and so does the first timestep when
    the state holds no previous output. With ``instance_norm``, the statistics come from the
    first ``n_context`` timesteps of each sequence (all of its real timesteps when None), up
    to each timestep (see ``instance_norm``). With ``quantiles=True`` (and quantile levels),
    the output has ``output_size * (1 + n_quantiles)`` features: the point outputs, then the
    quantiles level by level (``output[..., output_size * (1 + i) + k]`` is level ``i`` of
    output ``k``). Each one's *lead* (see :class:`~seqestimators.nn.quantiles.QuantileHead`)
    is 1 where the feedback input was observed, one more than the previous output's where it
    was fed back.

    The state is a tuple: the recurrent layer's state in PyTorch's layout ``(num_layers, batch,
    hidden_size)`` (each state tensor of the cell: ``h``, or ``h, c`` for LSTM) followed by the
    last output and the last feedback input, both shaped ``(1, batch, output_size)``, so that a
    window or chunk that starts from it continues the feedback loop where the previous one stopped; with
    ``seasonal_lag=m`` a last tensor ``(1, batch, m * output_size)`` holds the last ``m``
    feedback inputs.
    """

    def __init__(self, input_size, output_size, *, feedback, cell="lstm", hidden_size=32,
                 num_layers=1, dropout=0.0, learned_initial_state=False, nonlinearity="tanh",
                 input_mean=None, input_scale=None, target_mean=None, target_scale=None,
                 residual=False, input_changes=False, change_mean=None, change_scale=None,
                 instance_norm=None, instance_norm_window=None, seasonal_lag=0, baseline=None,
                 quantiles=()):
        super().__init__()
        self.seasonal_lag = int(seasonal_lag) if int(seasonal_lag) > 1 else 0
        if baseline not in (None, "seasonal", "mean") or \
                (baseline == "seasonal" and not self.seasonal_lag) or \
                (baseline == "mean" and instance_norm is None):
            raise ValueError(
                "baseline must be None, 'seasonal' (with seasonal_lag > 1) or 'mean' (with "
                f"instance_norm); got {baseline!r}.")
        self.baseline = baseline
        if instance_norm not in (None, "mean", "revin"):
            raise ValueError(
                f"instance_norm must be None, 'mean' or 'revin'; got {instance_norm!r}.")
        self.instance_norm = instance_norm
        if instance_norm_window is not None and int(instance_norm_window) < 1:
            raise ValueError(
                f"instance_norm_window must be None or >= 1; got {instance_norm_window!r}.")
        self.instance_norm_window = None if instance_norm_window is None \
            else int(instance_norm_window)
        feedback = [int(i) for i in feedback]
        if len(feedback) != output_size:
            raise ValueError(
                f"feedback names {len(feedback)} input feature(s) for {output_size} output(s); "
                "each output feeds back into exactly one input feature."
            )
        if len(set(feedback)) != len(feedback) or \
                any(i < 0 or i >= input_size for i in feedback):
            raise ValueError(
                f"feedback must hold distinct feature indices in [0, {input_size}); "
                f"got {feedback}."
            )
        self.cell = cell
        self.nonlinearity = nonlinearity
        self.input_size = input_size
        self.output_size = output_size
        self.residual = bool(residual)
        self.input_changes = bool(input_changes)
        self.dropout = float(dropout) if num_layers > 1 else 0.0
        rnn_input_size = input_size + (output_size if self.input_changes else 0) + \
            (output_size if self.seasonal_lag else 0)
        self.rnn = make_recurrent_layer(cell, rnn_input_size, hidden_size, num_layers,
                                        dropout=self.dropout, nonlinearity=nonlinearity)
        self.head = nn.Linear(hidden_size, output_size)
        self.quantile_head = QuantileHead(hidden_size, output_size, quantiles) \
            if len(quantiles) else None
        self.n_quantiles = 0 if self.quantile_head is None else self.quantile_head.n_quantiles
        self.n_rnn_states = get_cell(cell).n_states
        self.initial_state = (
            nn.Parameter(torch.zeros(self.n_rnn_states, num_layers, 1, hidden_size))
            if learned_initial_state else None
        )
        exogenous = [i for i in range(input_size) if i not in feedback]
        # Pure autoregression (every feature fed back, in order) needs no index arithmetic.
        self._all_fed_back = feedback == list(range(input_size))
        self.register_buffer("feedback_index", torch.tensor(feedback, dtype=torch.long))
        self.register_buffer("exogenous_index", torch.tensor(exogenous, dtype=torch.long))

        def buffer(values, size, default):
            if values is None:
                return torch.full((size,), float(default))
            return torch.as_tensor(values, dtype=torch.float32).reshape(size).clone()

        self.register_buffer("input_mean", buffer(input_mean, input_size, 0.0))
        self.register_buffer("input_scale", buffer(input_scale, input_size, 1.0))
        self.register_buffer("target_mean", buffer(target_mean, output_size, 0.0))
        self.register_buffer("target_scale", buffer(target_scale, output_size, 1.0))
        self.register_buffer("change_mean", buffer(change_mean, output_size, 0.0))
        self.register_buffer("change_scale", buffer(change_scale, output_size, 1.0))

    def _lag_changes(self, full, stats):
        """Standardized seasonal changes from a history ``full`` (batch, m + n, k): entry ``t``
        is ``full[:, t + 1] - full[:, t]``, the change one season before step ``t``'s target."""
        change = self._changes(full[:, 1:], full[:, :-1], stats)
        return torch.nan_to_num(change, nan=0.0)

    @staticmethod
    def _lags(full, n_timesteps):
        """The fed-back input one season before each predicted value, from ``full``."""
        return None if full is None else full[:, 1:n_timesteps + 1]

    # ------------------------------------------------------------------ instance statistics
    def instance_stats(self, X, lengths=None, n_context=None):
        """Causal ``(loc, scale)`` of the feedback features, each ``(batch, n_timesteps,
        output_size)``; None without ``instance_norm``.

        At timestep ``t``: over the observed timesteps up to ``t`` (the first ``n_context``
        real timesteps of each sequence, all of them when None; at most the last
        ``instance_norm_window``); past the observed ones, those of the last observed
        timestep. See :func:`~seqestimators.nn.ops.trailing_moments`.
        """
        if self.instance_norm is None:
            return None
        fed = X.index_select(2, self.feedback_index).to(torch.float64)
        loc, std = trailing_moments(fed, lengths, n_context, self.instance_norm_window)
        if self.instance_norm == "mean":
            scale = torch.ones_like(loc)
        else:
            # A constant observed part has no scale of its own: keep the data's units.
            scale = torch.where(std > 1e-6 * loc.abs().clamp(min=1.0), std,
                                torch.ones_like(std))
        return loc.to(X.dtype), scale.to(X.dtype)

    # ------------------------------------------------------------------ one timestep
    def _cell_step(self, z, rnn_state):
        """The recurrent layer on one timestep ``z`` (batch, input_size), with its own weights:
        the top layer's hidden output and the new state, as the layer computes them."""
        return run_step(self.cell, self.rnn, z, rnn_state, dropout=self.dropout,
                        training=self.training)

    def _standardize(self, X):
        return (X - self.input_mean) / self.input_scale

    def _read_out(self, hidden, fed, stats=None, lag=None, lead=None):
        """Outputs from hidden outputs; ``fed`` holds the feedback inputs (data units), ``lag``
        (``baseline="seasonal"``) those one season before the predicted values. With a
        ``lead`` (``(..., 1)``) and quantile levels, the quantiles follow the points."""
        out = self.head(hidden) * self.target_scale + self.target_mean
        if self.residual:
            out = out + normalize_by(fed, stats) + self._baseline_shift(fed, lag, stats)
        point = denormalize_by(out, stats)
        if lead is None or self.quantile_head is None:
            return point
        levels = out.unsqueeze(-2) + self.quantile_head(hidden, lead) * self.target_scale
        quantiles = [denormalize_by(levels[..., i, :], stats)
                     for i in range(self.n_quantiles)]
        return torch.cat([point, *quantiles], dim=-1)

    def _baseline_shift(self, fed, lag, stats):
        """What ``baseline`` adds to the fed-back input (normalized units): 0, the change to
        the value one season back (0 where unknown), or to the statistics' level."""
        if self.baseline == "seasonal":
            shift = normalize_by(lag.to(fed.dtype), stats) - normalize_by(fed, stats)
            return torch.nan_to_num(shift, nan=0.0)
        if self.baseline == "mean":
            return -normalize_by(fed, stats)
        return 0.0

    def _changes(self, fed, previous_fed, stats=None):
        """Standardized change of the feedback inputs ``fed`` (..., k) since ``previous_fed``."""
        change = normalize_by(fed, stats) - normalize_by(previous_fed, stats)
        return (change - self.change_mean) / self.change_scale

    def _step(self, z, fed, previous_fed, rnn_state, stats=None, season=None, lead=None):
        """One timestep: standardized inputs ``z`` whose feedback features are replaced by the
        (data-unit) values ``fed``. Returns the output (the quantiles after it, given a
        ``lead``) and the new recurrent state."""
        z_fed = (normalize_by(fed, stats) - self.input_mean[self.feedback_index]) / \
            self.input_scale[self.feedback_index]
        if self._all_fed_back:
            z = z_fed
        else:
            z = z.index_copy(1, self.feedback_index, z_fed)
        if self.input_changes:
            z = torch.cat([z, self._changes(fed, previous_fed, stats)], dim=1)
        if self.seasonal_lag:
            # season: the m feedback inputs before this one; the first two give the change.
            z = torch.cat([z, self._lag_changes(season[:, :2], stats)[:, 0]], dim=1)
        hidden, rnn_state = self._cell_step(z, rnn_state)
        lag = None if season is None else season[:, 1]
        return self._read_out(hidden, fed, stats, lag, lead), rnn_state

    # ------------------------------------------------------------------ sequences
    def forward(self, X, lengths=None, state=None, feedback_prob=0.0, n_observed=1,
                n_context=None, stats=None, quantiles=False):
        batch_size, n_timesteps = X.shape[:2]
        if stats is None:
            stats = self.instance_stats(X, lengths, n_context)
        rnn_state, previous, previous_fed, season = self._split_state(state, batch_size)
        feedback_prob = float(feedback_prob)
        if feedback_prob <= 0.0:
            return self._teacher_forced(X, lengths, rnn_state, previous_fed, stats, season,
                                        quantiles)
        keep = max(int(n_observed), 1 if previous is None else 0)
        if 1 < keep < n_timesteps and lengths is None:
            # The observed steps in one call of the recurrent layer (its fast kernel), then the
            # loop from where they end: the same outputs as stepping through them.
            head, state = self._teacher_forced(X[:, :keep], None, rnn_state, previous_fed,
                                               stats_at(stats, 0, keep), season,
                                               quantiles)
            tail, final = self.forward(X[:, keep:], state=state, feedback_prob=feedback_prob,
                                       n_observed=0, stats=stats_at(stats, keep,
                                                                         n_timesteps),
                                       quantiles=quantiles)
            return torch.cat([head, tail], dim=1), final
        Z = self._standardize(X)
        observed = X.index_select(2, self.feedback_index)
        if previous_fed is None:
            previous_fed = observed[:, 0]
        else:
            # NaN rows start a new stream in a carried batch: no previous value to feed back.
            previous_fed = torch.where(torch.isnan(previous_fed), observed[:, 0], previous_fed)
        active_all = None if lengths is None else \
            real_step_mask(lengths.to(X.device), n_timesteps)
        if self.seasonal_lag and season is None:
            season = self._empty_season(X, batch_size)
        # The lead of the last output (see QuantileHead): 1 after observed feedback inputs.
        lead = X.new_ones(batch_size, 1) if quantiles and self.n_quantiles else None
        outputs = []
        for t in range(n_timesteps):
            fed = observed[:, t]
            fed_back = torch.zeros(batch_size, 1, dtype=torch.bool, device=X.device)
            if t >= keep:
                prev = previous.to(fed.dtype)
                fed_back = ~torch.isnan(prev[:, :1])
                if t == 0:
                    prev = torch.where(torch.isnan(prev), fed, prev)
                if feedback_prob >= 1.0:
                    fed = prev
                else:
                    use = torch.rand(batch_size, 1, device=X.device) < feedback_prob
                    fed = torch.where(use, prev, fed)
                    fed_back = fed_back & use
            if lead is not None:
                lead = torch.where(fed_back, lead + 1.0, torch.ones_like(lead))
            new_season = None
            if self.seasonal_lag:
                new_season = torch.cat([season[:, 1:], fed[:, None].to(season.dtype)], dim=1)
            out, new_state = self._step(Z[:, t], fed, previous_fed.to(fed.dtype), rnn_state,
                                        stats_at(stats, t), season, lead)
            outputs.append(out)
            out = out[:, :self.output_size]
            if active_all is not None and t > 0:
                # Past its end, a padded sequence keeps its state and its last values.
                active = active_all[:, t]
                new_state = state_where(active, new_state, rnn_state)
                out = torch.where(active[:, None], out, previous.to(out.dtype))
                fed = torch.where(active[:, None], fed, previous_fed.to(fed.dtype))
                if new_season is not None:
                    new_season = torch.where(active[:, None, None], new_season, season)
            rnn_state, previous, previous_fed, season = new_state, out, fed, new_season
        return torch.stack(outputs, dim=1), self._join_state(rnn_state, previous, previous_fed,
                                                             season)

    def _teacher_forced(self, X, lengths, rnn_state, previous_fed, stats=None, season=None,
                        quantiles=False):
        n_timesteps = X.shape[1]
        lead = X.new_ones(*X.shape[:2], 1) if quantiles and self.n_quantiles else None
        Z = self._standardize(X)
        fed = X.index_select(2, self.feedback_index)
        if stats is not None:
            Z = Z.index_copy(2, self.feedback_index, (
                normalize_by(fed, stats) - self.input_mean[self.feedback_index]
            ) / self.input_scale[self.feedback_index])
        if self.input_changes:
            first = fed[:, :1] if previous_fed is None else torch.where(
                torch.isnan(previous_fed[:, None]), fed[:, :1], previous_fed[:, None].to(fed.dtype))
            Z = torch.cat([Z, self._changes(fed, torch.cat([first, fed[:, :-1]], dim=1), stats)],
                          dim=2)
        full = None
        if self.seasonal_lag:
            if season is None:
                season = self._empty_season(X, X.shape[0])
            full = torch.cat([season.to(fed.dtype), fed], dim=1)
            Z = torch.cat([Z, self._lag_changes(full[:, :n_timesteps + 1], stats)], dim=2)
        if lengths is None:
            out, final = self.rnn(Z, rnn_state)
            output = self._read_out(out, fed, stats, self._lags(full, n_timesteps), lead)
            last, last_fed = output[:, -1, :self.output_size], fed[:, -1]
            if full is not None:
                season = full[:, -self.seasonal_lag:]
        else:
            packed = pack_padded_sequence(Z, lengths.cpu(), batch_first=True,
                                          enforce_sorted=False)
            out, final = self.rnn(packed, rnn_state)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=n_timesteps)
            output = self._read_out(out, fed, stats, self._lags(full, n_timesteps), lead)
            rows = torch.arange(X.shape[0], device=X.device)
            last = last_real_step(output[..., :self.output_size], lengths)
            last_fed = last_real_step(fed, lengths)
            if full is not None:
                steps = (lengths.to(X.device)[:, None] + torch.arange(
                    self.seasonal_lag, device=X.device)[None, :])
                season = full[rows[:, None], steps]
        return output, self._join_state(final, last, last_fed, season)

    def forecast(self, X, n_steps, exogenous=None, lengths=None, state=None, n_context=None,
                 quantiles=False):
        """Closed-loop generation after the observed prefix ``X``.

        Parameters
        ----------
        X : Tensor of shape (batch, n_timesteps, input_size)
            The observed prefixes, read with teacher forcing.
        n_steps : int
            Number of timesteps to generate after each prefix.
        exogenous : Tensor of shape (batch, n_steps, n_exogenous), default=None
            The exogenous features (in ``exogenous_index`` order) of the generated timesteps.
        lengths : Tensor of shape (batch,), default=None
            True lengths of padded prefixes: generation starts after each one's end.
        state : tuple of Tensor, default=None
            Initial state (see the class notes).
        n_context : int, default=None
            With ``instance_norm``: the statistics come from the first ``n_context`` timesteps
            of each prefix (all of its real timesteps when None), up to each prefix timestep;
            the generated timesteps use those of the last observed one.
        quantiles : bool, default=False
            Return the quantiles after the points (see ``forward``); the ``j``-th generated
            timestep has lead ``j + 2``.

        Returns
        -------
        prefix_output : Tensor of shape (batch, n_timesteps, output_size * (1 + n_quantiles))
            One-step-ahead outputs over the prefixes.
        output : Tensor of shape (batch, n_steps, output_size * (1 + n_quantiles))
            The generated outputs: ``output[:, j]`` is the output at timestep
            ``n_timesteps + j`` (``length + j`` for padded prefixes).
        final_state : tuple of Tensor
            The state after the last generated timestep.
        """
        stats = self.instance_stats(X, lengths, n_context)
        prefix_output, final = self.forward(X, lengths=lengths, state=state, stats=stats,
                                            quantiles=quantiles)
        if stats is not None:  # the generated timesteps: those of the last observed one
            stats = tuple(last_real_step(s, lengths) for s in stats)
        rnn_state, previous, previous_fed, season = self._split_state(final, X.shape[0])
        z = X.new_zeros(X.shape[0], self.input_size)
        lead = X.new_ones(X.shape[0], 1) if quantiles and self.n_quantiles else None
        outputs = []
        for j in range(n_steps):
            if exogenous is not None and len(self.exogenous_index):
                z = z.index_copy(1, self.exogenous_index, (
                    exogenous[:, j].to(X.dtype) - self.input_mean[self.exogenous_index]
                ) / self.input_scale[self.exogenous_index])
            fed = previous
            if lead is not None:
                lead = lead + 1.0
            out, rnn_state = self._step(z, fed, previous_fed, rnn_state, stats, season, lead)
            previous = out[:, :self.output_size]
            if season is not None:
                season = torch.cat([season[:, 1:], fed[:, None].to(season.dtype)], dim=1)
            previous_fed = fed
            outputs.append(out)
        output = torch.stack(outputs, dim=1) if outputs else \
            X.new_zeros(X.shape[0], 0, prefix_output.shape[-1])
        return prefix_output, output, self._join_state(rnn_state, previous, previous_fed,
                                                       season)
