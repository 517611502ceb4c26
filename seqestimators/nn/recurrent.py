"""The recurrent network of the classifiers and regressors: a layer stack and a read-out."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .cells import get_cell, make_recurrent_layer
from .frontends import make_frontend
from .ops import (
    INSTANCE_NORM_EPS,
    POOLINGS,
    patch_sequences,
    pool_steps,
    real_step_mask,
    sequence_moments,
    target_scaling,
)
from .states import expand_initial_state, hidden_of

__all__ = ["RecurrentNetwork"]


class RecurrentNetwork(nn.Module):
    """A recurrent layer stack (any cell of :data:`~seqestimators.nn.cells.CELLS`) with a linear
    read-out.

    Parameters
    ----------
    input_size : int
        Number of features per timestep.
    output_size : int
        Number of outputs per timestep (``output="sequence"``) or per sequence (``"last"``):
        class logits or regression targets.
    cell : str, default="lstm"
        Recurrent cell type, a key of :data:`~seqestimators.nn.cells.CELLS`.
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
    frontend : {None, "conv"}, default=None
        A front-end between the (standardized) timesteps and the recurrent layer: ``"conv"``
        is a small stack of causal 1-D convolutions (:class:`~seqestimators.nn.frontends.
        ConvFrontend`, LSTM-FCN's idea), read before patching.
    target_mean, target_scale : array-like of shape (output_size,), default=None
        When given, the read-out predicts standardized targets and the network returns
        ``read_out * target_scale + target_mean``, in the targets' units.

    Notes
    -----
    ``forward(X, lengths=None, state=None, need_final_state=True)`` takes ``X`` of shape
    ``(batch, n_timesteps, input_size)``, the true ``lengths`` ``(batch,)`` of padded
    sequences and an initial state in PyTorch's layout ``(num_layers * num_directions, batch,
    hidden_size)`` (one tensor per state of the cell: a tuple ``(h, c)`` for LSTM). It returns
    ``(output, final_state)`` with ``output`` of shape ``(batch, n_timesteps, output_size)`` or
    ``(batch, output_size)``.

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
                 pooling="last", instance_norm=False, frontend=None, target_mean=None,
                 target_scale=None):
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
        self.n_rnn_states = get_cell(cell).n_states
        self.instance_norm = bool(instance_norm)
        self.output = output
        self.pooling = pooling
        self.patch_size = patch_size
        self.num_directions = 2 if bidirectional else 1
        self.frontend = make_frontend(frontend, input_size)
        n_features = input_size if self.frontend is None else self.frontend.output_size
        n_inputs = n_features * patch_size + (2 * input_size if self.instance_norm else 0)
        self.rnn = make_recurrent_layer(cell, n_inputs, hidden_size, num_layers,
                                        bidirectional=bidirectional, dropout=dropout,
                                        nonlinearity=nonlinearity)
        width = hidden_size * self.num_directions
        self.attention = nn.Linear(width, 1) if pooling == "attention" and output == "last" \
            else None
        self.head = nn.Linear(width, output_size)
        self.target_scaling = target_scaling(target_mean, target_scale, output_size)
        self.initial_state = (
            nn.Parameter(torch.zeros(self.n_rnn_states, num_layers * self.num_directions, 1,
                                     hidden_size))
            if learned_initial_state else None
        )

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
        if self.frontend is not None:
            X = self.frontend(X, None if lengths is None else
                              real_step_mask(lengths, X.shape[1], X.device))
        if self.patch_size > 1:
            X, lengths = patch_sequences(X, lengths, self.patch_size)
        if stats is not None:
            X = torch.cat([X, stats[:, None, :].expand(-1, X.shape[1], -1)], dim=2)
        if state is None and self.initial_state is not None:
            state = expand_initial_state(self.initial_state, batch_size)
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
        if self.pooling == "last" and self.num_directions == 2:
            h_n = hidden_of(final_state)
            return h_n[-2:].transpose(0, 1).reshape(hidden.shape[0], -1)
        return pool_steps(hidden, lengths, self.pooling, self.attention)

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
