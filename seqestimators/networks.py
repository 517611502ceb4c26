"""Plain PyTorch networks trained by the estimators.

They know nothing about scikit-learn or skorch: a batch-first input ``(batch, n_timesteps,
n_features)``, optional true ``lengths`` and an optional initial ``state`` go in; the output and
the final hidden state come out.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._gru import FastGRU

__all__ = [
    "CELLS",
    "POOLINGS",
    "FeedbackNetwork",
    "MemorylessNetwork",
    "RecurrentNetwork",
    "make_recurrent_layer",
    "patch_sequences",
    "sequence_moments",
]

#: The recurrent layer of each ``cell``. ``"gru"`` is :class:`~seqestimators._gru.FastGRU`: on CPU
#: training it runs a hand-written backward pass (about 2x faster than ``nn.GRU``, same results);
#: otherwise it is ``torch.nn.GRU``.
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": FastGRU}


POOLINGS = ("last", "mean", "max", "attention")

#: ``RecurrentNetwork(instance_norm=True)`` floors each sequence's variance at this value.
INSTANCE_NORM_EPS = 1e-12


def make_recurrent_layer(cell, input_size, hidden_size, num_layers=1, *, bidirectional=False,
                         dropout=0.0, nonlinearity="tanh"):
    """The batch-first recurrent layer stack of ``cell`` (a key of :data:`CELLS`).

    ``dropout`` applies between stacked layers only, so it is dropped for one layer (the
    estimators warn about that, as torch does).
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}.")
    extra = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
    return CELLS[cell](input_size, hidden_size, num_layers, batch_first=True,
                       dropout=dropout if num_layers > 1 else 0.0,
                       bidirectional=bidirectional, **extra)


def patch_sequences(X, lengths, patch_size):
    """Non-overlapping patches of ``patch_size`` timesteps, aligned to each sequence's end.

    Parameters
    ----------
    X : Tensor of shape (batch, n_timesteps, n_features)
        Sequences, padded after their ``lengths``.
    lengths : Tensor of shape (batch,) or None
        True lengths; None when every sequence has ``n_timesteps`` steps.
    patch_size : int
        Timesteps per patch.

    Returns
    -------
    patches : Tensor of shape (batch, n_patches, patch_size * n_features)
        Patch ``j`` of a sequence holds its timesteps ``[j * p - o, (j + 1) * p - o)`` in time
        order, ``o = n_patches_i * p - length_i``: the last patch always ends with the last real
        timestep, and only the first patch of a sequence whose length ``p`` does not divide is
        filled with zeros, before the sequence starts. Padding after a sequence never enters
        its patches.
    patch_lengths : Tensor of shape (batch,) or None
        ``ceil(length / patch_size)``; None when ``lengths`` is None.
    """
    batch, n_timesteps, n_features = X.shape
    p = int(patch_size)
    if lengths is None:
        # Integer arithmetic that exports to ONNX with a dynamic time axis (no branch, no
        # floor division of negative numbers); the zero block may be empty.
        n_patches = (n_timesteps + p - 1) // p
        offset = n_patches * p - n_timesteps
        X = torch.cat([X.new_zeros(batch, offset, n_features), X], dim=1)
        return X.reshape(batch, n_patches, p * n_features), None
    lengths = lengths.to(X.device)
    patch_lengths = torch.div(lengths + p - 1, p, rounding_mode="floor")
    n_patches = -(-n_timesteps // p)
    offsets = patch_lengths * p - lengths  # (batch,)
    source = torch.arange(n_patches * p, device=X.device)[None, :] - offsets[:, None]
    valid = (source >= 0) & (source < lengths[:, None])
    index = source.clamp(0, n_timesteps - 1)
    gathered = X.gather(1, index[:, :, None].expand(-1, -1, n_features))
    gathered = gathered * valid[:, :, None].to(X.dtype)
    return gathered.reshape(batch, n_patches, p * n_features), patch_lengths


def sequence_moments(X, lengths=None, n_steps=None):
    """Mean and standard deviation of each sequence's features over its real timesteps.

    Parameters
    ----------
    X : Tensor of shape (batch, n_timesteps, n_features)
        Sequences, padded after their ``lengths``.
    lengths : Tensor of shape (batch,), default=None
        True lengths; None when every sequence has ``n_timesteps`` steps.
    n_steps : int, default=None
        Read only the first ``n_steps`` real timesteps of each sequence (at least one).

    Returns
    -------
    loc, std : Tensor of shape (batch, n_features)
        Accumulated in float64, returned in ``X``'s dtype; ``std`` is the population standard
        deviation (zero for a constant sequence).
    """
    values = X.to(torch.float64)
    n_timesteps = values.shape[1]
    if lengths is None and n_steps is None:
        loc = values.mean(dim=1)
        std = ((values - loc[:, None]) ** 2).mean(dim=1).sqrt()
        return loc.to(X.dtype), std.to(X.dtype)
    n = torch.full((values.shape[0],), n_timesteps, device=values.device) if lengths is None \
        else lengths.to(values.device).clamp(max=n_timesteps)
    if n_steps is not None:
        n = n.clamp(max=max(int(n_steps), 1))
    weight = (torch.arange(n_timesteps, device=values.device)[None, :] < n[:, None])
    weight = weight.to(values.dtype)[:, :, None]
    count = weight.sum(dim=1).clamp(min=1)
    loc = (values * weight).sum(dim=1) / count
    std = (((values - loc[:, None]) ** 2 * weight).sum(dim=1) / count).sqrt()
    return loc.to(X.dtype), std.to(X.dtype)


class _TargetScaling(nn.Module):
    """``x * scale + mean``: standardized read-outs back in the targets' units."""

    def __init__(self, mean, scale, size):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32).reshape(size))
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32).reshape(size))

    def forward(self, x):
        return x * self.scale + self.mean


def _target_scaling(target_mean, target_scale, size):
    if target_mean is None and target_scale is None:
        return None
    mean = [0.0] * size if target_mean is None else target_mean
    scale = [1.0] * size if target_scale is None else target_scale
    return _TargetScaling(mean, scale, size)


def _last_real(out, lengths):
    """``out[i, lengths[i] - 1]`` for every row (the last step when ``lengths`` is None)."""
    if lengths is None:
        return out[:, -1]
    index = (lengths.to(out.device) - 1).clamp(min=0)
    return out[torch.arange(out.shape[0], device=out.device), index]


def _real_mask(out, lengths):
    """Boolean ``(batch, n_steps, 1)`` mask of real steps, or None when all are real."""
    if lengths is None:
        return None
    steps = torch.arange(out.shape[1], device=out.device)
    return (steps[None, :] < lengths.to(out.device)[:, None])[:, :, None]


class RecurrentNetwork(nn.Module):
    """A recurrent layer stack (RNN, LSTM or GRU) with a linear read-out.

    Parameters
    ----------
    input_size : int
        Number of features per timestep.
    output_size : int
        Number of outputs per timestep (``output="sequence"``) or per sequence (``"last"``):
        class logits or regression targets.
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        Recurrent cell type.
    hidden_size : int, default=32
        Number of hidden units per layer and direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Whether the recurrent layers also run backwards in time.
    dropout : float, default=0.0
        Dropout between recurrent layers, as in :class:`torch.nn.LSTM`.
    output : {"sequence", "last"}, default="sequence"
        One output per timestep, or one per sequence (read by ``pooling``).
    learned_initial_state : bool, default=False
        Whether the initial hidden state is a trainable parameter instead of zeros.
    nonlinearity : {"tanh", "relu"}, default="tanh"
        Activation of the plain ``"rnn"`` cell.
    patch_size : int, default=1
        With ``p > 1``, non-overlapping segments of ``p`` timesteps become one recurrent step
        of ``p * input_size`` inputs (segment-wise recurrence, SegRNN, Lin et al. 2023); see
        :func:`patch_sequences`. Per-sequence outputs only.
    pooling : {"last", "mean", "max", "attention"}, default="last"
        How a per-sequence output reads the top layer's hidden outputs, over real steps only:
        the final hidden state (both directions' for a bidirectional layer), their mean, their
        element-wise maximum, or an attention-weighted mean (a learned score per step, softmax
        over the real steps).
    instance_norm : bool, default=False
        Standardize each sequence's features by their own mean and standard deviation over its
        real timesteps, and give every (patch) step that mean and the log of the standard
        deviation as ``2 * input_size`` extra inputs: the recurrent layer reads the shape of a
        sequence apart from its level and amplitude, and loses neither. The standard deviation
        is floored at ``sqrt(INSTANCE_NORM_EPS)``. Per-sequence outputs only.
    target_mean, target_scale : array-like of shape (output_size,), default=None
        When given, the read-out predicts standardized targets and the network returns
        ``read_out * target_scale + target_mean``, in the targets' units.

    Notes
    -----
    ``forward(X, lengths=None, state=None, need_final_state=True)`` takes ``X`` of shape
    ``(batch, n_timesteps, input_size)``, the true ``lengths`` ``(batch,)`` of padded
    sequences and an initial state in PyTorch's layout ``(num_layers * num_directions, batch,
    hidden_size)`` (a pair ``(h, c)`` for LSTM). It returns ``(output, final_state)`` with
    ``output`` of shape ``(batch, n_timesteps, output_size)`` or ``(batch, output_size)``.

    Padding never reaches a real output: a unidirectional layer is causal, so its outputs at
    real timesteps do not see the padding after them, and pooling reads real steps only.
    Padded batches are packed (:func:`~torch.nn.utils.rnn.pack_padded_sequence`) only when
    that is needed for exactness: a bidirectional layer, or a final state at each sequence's
    own end (``need_final_state=True``, for carried states and truncated backpropagation).
    Otherwise the padded batch runs as it is, on the fast fused kernels, and ``final_state``
    is None for padded batches.
    """

    def __init__(self, input_size, output_size, *, cell="lstm", hidden_size=32, num_layers=1,
                 bidirectional=False, dropout=0.0, output="sequence",
                 learned_initial_state=False, nonlinearity="tanh", patch_size=1,
                 pooling="last", instance_norm=False, target_mean=None, target_scale=None):
        super().__init__()
        if output not in ("sequence", "last"):
            raise ValueError(f"output must be 'sequence' or 'last'; got {output!r}.")
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {list(POOLINGS)}; got {pooling!r}.")
        patch_size = int(patch_size)
        if patch_size < 1:
            raise ValueError(f"patch_size must be >= 1; got {patch_size}.")
        if patch_size > 1 and output == "sequence":
            raise ValueError(
                "patch_size > 1 reads patches of timesteps as one step, so it gives one output "
                "per sequence only (output='last')."
            )
        if instance_norm and output == "sequence":
            raise ValueError(
                "instance_norm=True standardizes each sequence by statistics of all its "
                "timesteps, so it gives one output per sequence only (output='last')."
            )
        self.cell = cell
        self.instance_norm = bool(instance_norm)
        self.output = output
        self.pooling = pooling
        self.patch_size = patch_size
        self.num_directions = 2 if bidirectional else 1
        n_inputs = input_size * patch_size + (2 * input_size if self.instance_norm else 0)
        self.rnn = make_recurrent_layer(cell, n_inputs, hidden_size, num_layers,
                                        bidirectional=bidirectional, dropout=dropout,
                                        nonlinearity=nonlinearity)
        width = hidden_size * self.num_directions
        self.attention = nn.Linear(width, 1) if pooling == "attention" and output == "last" \
            else None
        self.head = nn.Linear(width, output_size)
        self.target_scaling = _target_scaling(target_mean, target_scale, output_size)
        n_states = 2 if cell == "lstm" else 1
        self.initial_state = (
            nn.Parameter(torch.zeros(n_states, num_layers * self.num_directions, 1, hidden_size))
            if learned_initial_state else None
        )

    def _learned_state(self, batch_size):
        state = self.initial_state.expand(-1, -1, batch_size, -1).contiguous()
        return (state[0], state[1]) if self.cell == "lstm" else state[0]

    def hidden_states(self, X, lengths=None, state=None, need_final_state=True):
        """The top layer's hidden output at every (patch) step.

        Parameters
        ----------
        X : Tensor of shape (batch, n_timesteps, input_size)
            Padded sequences.
        lengths : Tensor of shape (batch,), default=None
            True lengths (None: all ``n_timesteps``).
        state : Tensor or tuple of Tensor, default=None
            Initial state (zeros, or the learned one, when None).
        need_final_state : bool, default=True
            Whether ``final_state`` must be each sequence's state at its own end.

        Returns
        -------
        hidden : Tensor of shape (batch, n_steps, hidden_size * num_directions)
            ``n_steps`` is ``n_timesteps``, or the number of patches with ``patch_size > 1``;
            steps past a sequence's end hold no meaningful values.
        step_lengths : Tensor of shape (batch,) or None
            Real steps of each sequence.
        final_state : Tensor, tuple of Tensor or None
            The state after each sequence's last real step (None for a padded batch run
            without packing).
        """
        batch_size = X.shape[0]
        stats = None
        if self.instance_norm:
            X, stats = self.normalize_instances(X, lengths)
        if self.patch_size > 1:
            X, lengths = patch_sequences(X, lengths, self.patch_size)
        if stats is not None:
            X = torch.cat([X, stats[:, None, :].expand(-1, X.shape[1], -1)], dim=2)
        if state is None and self.initial_state is not None:
            state = self._learned_state(batch_size)
        if lengths is not None and (need_final_state or self.num_directions == 2):
            packed = pack_padded_sequence(X, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, final = self.rnn(packed, state)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=X.shape[1])
            return out, lengths, final
        out, final = self.rnn(X, state)
        return out, lengths, (final if lengths is None else None)

    def normalize_instances(self, X, lengths=None):
        """Each sequence standardized by its own statistics, and those statistics.

        Parameters
        ----------
        X : Tensor of shape (batch, n_timesteps, input_size)
            Padded sequences.
        lengths : Tensor of shape (batch,), default=None
            True lengths (None: all ``n_timesteps``).

        Returns
        -------
        X_normalized : Tensor of shape (batch, n_timesteps, input_size)
        stats : Tensor of shape (batch, 2 * input_size)
            Each sequence's mean and the log of its (floored) standard deviation.
        """
        loc, std = sequence_moments(X, lengths)
        scale = torch.sqrt(std * std + INSTANCE_NORM_EPS)
        return (X - loc[:, None]) / scale[:, None], torch.cat([loc, scale.log()], dim=1)

    def pool(self, hidden, lengths, final_state=None):
        """One vector per sequence from the hidden outputs, over real steps only.

        Parameters
        ----------
        hidden : Tensor of shape (batch, n_steps, width)
            Top-layer outputs, as returned by :meth:`hidden_states`.
        lengths : Tensor of shape (batch,) or None
            Real steps of each sequence.
        final_state : Tensor or tuple of Tensor, default=None
            The final state; ``pooling="last"`` of a bidirectional layer reads both
            directions' final hidden states from it.

        Returns
        -------
        pooled : Tensor of shape (batch, width)
        """
        if self.pooling == "last":
            if self.num_directions == 2:
                h_n = final_state[0] if self.cell == "lstm" else final_state
                return h_n[-2:].transpose(0, 1).reshape(hidden.shape[0], -1)
            return _last_real(hidden, lengths)
        mask = _real_mask(hidden, lengths)
        if self.pooling == "mean":
            if mask is None:
                return hidden.mean(dim=1)
            return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
        if self.pooling == "max":
            if mask is None:
                return hidden.amax(dim=1)
            return hidden.masked_fill(~mask, float("-inf")).amax(dim=1)
        scores = self.attention(hidden)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        return (weights * hidden).sum(dim=1)

    def forward(self, X, lengths=None, state=None, need_final_state=True):
        need = need_final_state or (self.output == "last" and self.pooling == "last"
                                    and self.num_directions == 2)
        hidden, step_lengths, final = self.hidden_states(X, lengths, state, need)
        if self.output == "last":
            hidden = self.pool(hidden, step_lengths, final)
        out = self.head(hidden)
        if self.target_scaling is not None:
            out = self.target_scaling(out)
        return out, final


class MemorylessNetwork(nn.Module):
    """A per-timestep multilayer perceptron: each output sees only its own timestep's input.

    The baseline a recurrent network must beat to show that it uses memory.

    Parameters
    ----------
    input_size : int
        Number of features per timestep.
    output_size : int
        Number of outputs per timestep (or per sequence with ``output="last"``).
    hidden_size : int, default=32
        Units per hidden layer.
    num_layers : int, default=1
        Number of hidden layers (0 gives a linear model).
    output : {"sequence", "last"}, default="sequence"
        One output per timestep, or one per sequence computed from the last real timestep only.
    target_mean, target_scale : array-like of shape (output_size,), default=None
        Standardized read-outs mapped back to the targets' units (see
        :class:`RecurrentNetwork`).

    Notes
    -----
    ``forward(X, lengths=None, state=None)`` has the signature of
    :class:`RecurrentNetwork` and returns ``(output, None)``: there is no state.
    """

    def __init__(self, input_size, output_size, *, hidden_size=32, num_layers=1,
                 output="sequence", target_mean=None, target_scale=None):
        super().__init__()
        layers, width = [], input_size
        for _ in range(num_layers):
            layers += [nn.Linear(width, hidden_size), nn.Tanh()]
            width = hidden_size
        layers.append(nn.Linear(width, output_size))
        self.mlp = nn.Sequential(*layers)
        self.output = output
        self.target_scaling = _target_scaling(target_mean, target_scale, output_size)

    def forward(self, X, lengths=None, state=None):
        if self.output == "last":
            if lengths is None:
                X = X[:, -1]
            else:
                X = X[torch.arange(X.shape[0], device=X.device), lengths.to(X.device) - 1]
        out = self.mlp(X)
        if self.target_scaling is not None:
            out = self.target_scaling(out)
        return out, None


def state_where(active, new, old):
    """Rows of the state ``new`` where ``active`` (batch,), rows of ``old`` elsewhere."""
    if old is None:
        return new
    mask = active.view(1, -1, 1)
    if isinstance(new, tuple):
        return tuple(torch.where(mask, n, o) for n, o in zip(new, old))
    return torch.where(mask, new, old)


class FeedbackNetwork(nn.Module):
    """A recurrent network whose previous output is fed back into some of its inputs (NARX).

    The network of :class:`~seqestimators.RNNForecaster`: a recurrent layer stack (RNN, LSTM or
    GRU) with a linear read-out, one output per timestep. The output at timestep ``t - 1`` is an
    estimate of the input features ``feedback`` at timestep ``t`` (for a thrown ball, the next
    height; for a degradation curve, the previous durability). The network reads those features
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
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        Recurrent cell type.
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
        own observed part, its first ``n_context`` timesteps (reversible instance
        normalization, Kim et al., ICLR 2022): ``"mean"`` subtracts their mean, ``"revin"``
        also divides by their standard deviation; the outputs are mapped back with the same
        statistics. The network then reads and predicts every window on one common level and
        scale, whatever the level of the series where it was cut. The global standardization
        of the feedback features and targets (``input_mean``, ``target_mean``, ...) applies
        to the normalized values.
    seasonal_lag : int, default=0
        With ``m > 1``, the recurrent layer also reads the change of each feedback input one
        season before the predicted one, ``X[t - m + 1] - X[t - m]`` (the change that a
        seasonal naive forecast repeats; 0 while the sequence is shorter than a season),
        standardized like ``input_changes``. The last ``m`` feedback values are part of the
        state, so that closed-loop forecasts read their own generated season.

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
    first ``n_context`` timesteps of each sequence (all of its real timesteps when None).

    The state is a tuple: the recurrent layer's state in PyTorch's layout ``(num_layers, batch,
    hidden_size)`` (``h``, or ``h, c`` for LSTM) followed by the last output and the last
    feedback input, both shaped ``(1, batch, output_size)``, so that a window or chunk that
    starts from it continues the feedback loop where the previous one stopped; with
    ``seasonal_lag=m`` a last tensor ``(1, batch, m * output_size)`` holds the last ``m``
    feedback inputs.
    """

    def __init__(self, input_size, output_size, *, feedback, cell="lstm", hidden_size=32,
                 num_layers=1, dropout=0.0, learned_initial_state=False, nonlinearity="tanh",
                 input_mean=None, input_scale=None, target_mean=None, target_scale=None,
                 residual=False, input_changes=False, change_mean=None, change_scale=None,
                 instance_norm=None, seasonal_lag=0):
        super().__init__()
        self.seasonal_lag = int(seasonal_lag) if int(seasonal_lag) > 1 else 0
        if instance_norm not in (None, "mean", "revin"):
            raise ValueError(
                f"instance_norm must be None, 'mean' or 'revin'; got {instance_norm!r}.")
        self.instance_norm = instance_norm
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
        self.n_rnn_states = 2 if cell == "lstm" else 1
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

    # ------------------------------------------------------------------ state layout
    def _split_state(self, state, batch_size):
        """``(recurrent state, last output, last feedback input, last season)``, Nones at the
        start; the season (``seasonal_lag`` only) holds the last ``m`` feedback inputs
        ``(batch, m, output_size)``, NaN where unknown."""
        rnn_state, previous, previous_fed, season = None, None, None, None
        if state is not None:
            state = tuple(state)
            rnn_state = state[:self.n_rnn_states] if self.cell == "lstm" else state[0]
            previous = state[self.n_rnn_states][0]
            previous_fed = state[self.n_rnn_states + 1][0]
            if self.seasonal_lag:
                season = state[self.n_rnn_states + 2][0].reshape(
                    batch_size, self.seasonal_lag, self.output_size)
        if rnn_state is None and self.initial_state is not None:
            learned = self.initial_state.expand(-1, -1, batch_size, -1).contiguous()
            rnn_state = (learned[0], learned[1]) if self.cell == "lstm" else learned[0]
        return rnn_state, previous, previous_fed, season

    def state_fill(self):
        """Fill value of each state tensor for rows that start a new stream.

        Zeros for the recurrent state and NaN, "no previous output", for the fed-back values
        (see :func:`seqestimators.state.resize_state`).
        """
        return [0.0] * self.n_rnn_states + [float("nan")] * (3 if self.seasonal_lag else 2)

    def _join_state(self, rnn_state, previous, previous_fed, season=None):
        rnn = tuple(rnn_state) if self.cell == "lstm" else (rnn_state,)
        if not self.seasonal_lag:
            return (*rnn, previous[None], previous_fed[None])
        return (*rnn, previous[None], previous_fed[None],
                season.reshape(1, season.shape[0], -1))

    def _empty_season(self, like, batch_size):
        return like.new_full((batch_size, self.seasonal_lag, self.output_size), float("nan"))

    def _lag_changes(self, full, stats):
        """Standardized seasonal changes from a history ``full`` (batch, m + n, k): entry ``t``
        is ``full[:, t + 1] - full[:, t]``, the change one season before step ``t``'s target."""
        change = self._changes(full[:, 1:], full[:, :-1], stats)
        return torch.nan_to_num(change, nan=0.0)

    # ------------------------------------------------------------------ instance statistics
    def instance_stats(self, X, lengths=None, n_context=None):
        """Per-sequence ``(loc, scale)`` of the feedback features, each ``(batch, output_size)``.

        Computed over the first ``n_context`` real timesteps of each sequence (all of them when
        None); None without ``instance_norm``.
        """
        if self.instance_norm is None:
            return None
        fed = X.index_select(2, self.feedback_index).to(torch.float64)
        loc, std = sequence_moments(fed, lengths, n_context)
        if self.instance_norm == "mean":
            scale = torch.ones_like(loc)
        else:
            # A constant observed part has no scale of its own: keep the data's units.
            scale = torch.where(std > 1e-6 * loc.abs().clamp(min=1.0), std,
                                torch.ones_like(std))
        return loc.to(X.dtype), scale.to(X.dtype)

    @staticmethod
    def _normalize(fed, stats):
        if stats is None:
            return fed
        loc, scale = stats
        if fed.ndim == 3:
            loc, scale = loc[:, None], scale[:, None]
        return (fed - loc.to(fed.dtype)) / scale.to(fed.dtype)

    @staticmethod
    def _denormalize(out, stats):
        if stats is None:
            return out
        loc, scale = stats
        if out.ndim == 3:
            loc, scale = loc[:, None], scale[:, None]
        return out * scale.to(out.dtype) + loc.to(out.dtype)

    # ------------------------------------------------------------------ one timestep
    def _cell_step(self, z, rnn_state):
        """The recurrent layer on one timestep ``z`` (batch, input_size), with its own weights.

        Returns the top layer's hidden output and the new state. Equal to calling the layer on
        a one-step sequence, at about half the cost on CPU.
        """
        rnn = self.rnn
        batch_size = z.shape[0]
        if rnn_state is None:
            zeros = z.new_zeros(rnn.num_layers, batch_size, rnn.hidden_size)
            rnn_state = (zeros, zeros) if self.cell == "lstm" else zeros
        h_all, c_all = rnn_state if self.cell == "lstm" else (rnn_state, None)
        new_h, new_c = [], []
        inp = z
        for layer in range(rnn.num_layers):
            if layer > 0 and self.dropout > 0:
                inp = nn.functional.dropout(inp, self.dropout, training=self.training)
            w_ih = getattr(rnn, f"weight_ih_l{layer}")
            w_hh = getattr(rnn, f"weight_hh_l{layer}")
            b_ih = getattr(rnn, f"bias_ih_l{layer}")
            b_hh = getattr(rnn, f"bias_hh_l{layer}")
            h = h_all[layer]
            gi = torch.addmm(b_ih, inp, w_ih.t())
            gh = torch.addmm(b_hh, h, w_hh.t())
            if self.cell == "lstm":
                i, f, g, o = (gi + gh).chunk(4, 1)
                c = torch.sigmoid(f) * c_all[layer] + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                new_c.append(c)
            elif self.cell == "gru":
                i_r, i_z, i_n = gi.chunk(3, 1)
                h_r, h_z, h_n = gh.chunk(3, 1)
                r = torch.sigmoid(i_r + h_r)
                u = torch.sigmoid(i_z + h_z)
                h = (1 - u) * torch.tanh(i_n + r * h_n) + u * h
            else:
                act = torch.relu if self.nonlinearity == "relu" else torch.tanh
                h = act(gi + gh)
            new_h.append(h)
            inp = h
        h_all = torch.stack(new_h)
        state = (h_all, torch.stack(new_c)) if self.cell == "lstm" else h_all
        return inp, state

    def _standardize(self, X):
        return (X - self.input_mean) / self.input_scale

    def _read_out(self, hidden, fed, stats=None):
        """Outputs from hidden outputs; ``fed`` holds the feedback inputs (data units)."""
        out = self.head(hidden) * self.target_scale + self.target_mean
        if self.residual:
            out = out + self._normalize(fed, stats)
        return self._denormalize(out, stats)

    def _changes(self, fed, previous_fed, stats=None):
        """Standardized change of the feedback inputs ``fed`` (..., k) since ``previous_fed``."""
        change = self._normalize(fed, stats) - self._normalize(previous_fed, stats)
        return (change - self.change_mean) / self.change_scale

    def _step(self, z, fed, previous_fed, rnn_state, stats=None, season=None):
        """One timestep: standardized inputs ``z`` whose feedback features are replaced by the
        (data-unit) values ``fed``. Returns the output and the new recurrent state."""
        z_fed = (self._normalize(fed, stats) - self.input_mean[self.feedback_index]) / \
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
        return self._read_out(hidden, fed, stats), rnn_state

    # ------------------------------------------------------------------ sequences
    def forward(self, X, lengths=None, state=None, feedback_prob=0.0, n_observed=1,
                n_context=None, stats=None):
        batch_size, n_timesteps = X.shape[:2]
        if stats is None:
            stats = self.instance_stats(X, lengths, n_context)
        rnn_state, previous, previous_fed, season = self._split_state(state, batch_size)
        feedback_prob = float(feedback_prob)
        if feedback_prob <= 0.0:
            return self._teacher_forced(X, lengths, rnn_state, previous_fed, stats, season)
        keep = max(int(n_observed), 1 if previous is None else 0)
        if 1 < keep < n_timesteps and lengths is None:
            # The observed steps in one call of the recurrent layer (its fast kernel), then the
            # loop from where they end: the same outputs as stepping through them.
            head, state = self._teacher_forced(X[:, :keep], None, rnn_state, previous_fed, stats,
                                               season)
            tail, final = self.forward(X[:, keep:], state=state, feedback_prob=feedback_prob,
                                       n_observed=0, stats=stats)
            return torch.cat([head, tail], dim=1), final
        Z = self._standardize(X)
        observed = X.index_select(2, self.feedback_index)
        if previous_fed is None:
            previous_fed = observed[:, 0]
        else:
            # NaN rows start a new stream in a carried batch: no previous value to feed back.
            previous_fed = torch.where(torch.isnan(previous_fed), observed[:, 0], previous_fed)
        active_all = None if lengths is None else \
            torch.arange(n_timesteps, device=X.device)[None, :] < lengths.to(X.device)[:, None]
        if self.seasonal_lag and season is None:
            season = self._empty_season(X, batch_size)
        outputs = []
        for t in range(n_timesteps):
            fed = observed[:, t]
            if t >= keep:
                prev = previous.to(fed.dtype)
                if t == 0:
                    prev = torch.where(torch.isnan(prev), fed, prev)
                if feedback_prob >= 1.0:
                    fed = prev
                else:
                    use = torch.rand(batch_size, 1, device=X.device) < feedback_prob
                    fed = torch.where(use, prev, fed)
            new_season = None
            if self.seasonal_lag:
                new_season = torch.cat([season[:, 1:], fed[:, None].to(season.dtype)], dim=1)
            out, new_state = self._step(Z[:, t], fed, previous_fed.to(fed.dtype), rnn_state,
                                        stats, season)
            outputs.append(out)
            if active_all is not None and rnn_state is not None:
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

    def _teacher_forced(self, X, lengths, rnn_state, previous_fed, stats=None, season=None):
        n_timesteps = X.shape[1]
        Z = self._standardize(X)
        fed = X.index_select(2, self.feedback_index)
        if stats is not None:
            Z = Z.index_copy(2, self.feedback_index, (
                self._normalize(fed, stats) - self.input_mean[self.feedback_index]
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
            output = self._read_out(out, fed, stats)
            last, last_fed = output[:, -1], fed[:, -1]
            if full is not None:
                season = full[:, -self.seasonal_lag:]
        else:
            packed = pack_padded_sequence(Z, lengths.cpu(), batch_first=True,
                                          enforce_sorted=False)
            out, final = self.rnn(packed, rnn_state)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=n_timesteps)
            output = self._read_out(out, fed, stats)
            index = (lengths.to(X.device) - 1).clamp(min=0)
            rows = torch.arange(X.shape[0], device=X.device)
            last, last_fed = output[rows, index], fed[rows, index]
            if full is not None:
                steps = (lengths.to(X.device)[:, None] + torch.arange(
                    self.seasonal_lag, device=X.device)[None, :])
                season = full[rows[:, None], steps]
        return output, self._join_state(final, last, last_fed, season)

    def forecast(self, X, n_steps, exogenous=None, lengths=None, state=None, n_context=None):
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
            of each prefix (all of its real timesteps when None), for the whole forecast.

        Returns
        -------
        prefix_output : Tensor of shape (batch, n_timesteps, output_size)
            One-step-ahead outputs over the prefixes.
        output : Tensor of shape (batch, n_steps, output_size)
            The generated outputs: ``output[:, j]`` is the output at timestep
            ``n_timesteps + j`` (``length + j`` for padded prefixes).
        final_state : tuple of Tensor
            The state after the last generated timestep.
        """
        stats = self.instance_stats(X, lengths, n_context)
        prefix_output, final = self.forward(X, lengths=lengths, state=state, stats=stats)
        rnn_state, previous, previous_fed, season = self._split_state(final, X.shape[0])
        z = X.new_zeros(X.shape[0], self.input_size)
        outputs = []
        for j in range(n_steps):
            if exogenous is not None and len(self.exogenous_index):
                z = z.index_copy(1, self.exogenous_index, (
                    exogenous[:, j].to(X.dtype) - self.input_mean[self.exogenous_index]
                ) / self.input_scale[self.exogenous_index])
            fed = previous
            previous, rnn_state = self._step(z, fed, previous_fed, rnn_state, stats, season)
            if season is not None:
                season = torch.cat([season[:, 1:], fed[:, None].to(season.dtype)], dim=1)
            previous_fed = fed
            outputs.append(previous)
        output = torch.stack(outputs, dim=1) if outputs else \
            X.new_zeros(X.shape[0], 0, self.output_size)
        return prefix_output, output, self._join_state(rnn_state, previous, previous_fed,
                                                       season)
