"""Plain PyTorch networks trained by the estimators.

They know nothing about scikit-learn or skorch: a batch-first input ``(batch, n_timesteps,
n_features)``, optional true ``lengths`` and an optional initial ``state`` go in; the output and
the final hidden state come out.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["CELLS", "MemorylessNetwork", "RecurrentNetwork"]

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


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
        One output per timestep, or one per sequence read from the final hidden state.
    learned_initial_state : bool, default=False
        Whether the initial hidden state is a trainable parameter instead of zeros.
    nonlinearity : {"tanh", "relu"}, default="tanh"
        Activation of the plain ``"rnn"`` cell.

    Notes
    -----
    ``forward(X, lengths=None, state=None)`` takes ``X`` of shape
    ``(batch, n_timesteps, input_size)``, the true ``lengths`` ``(batch,)`` of padded sequences
    (padding then never reaches the state: the sequences are packed), and an initial state in
    PyTorch's layout ``(num_layers * num_directions, batch, hidden_size)`` (a pair ``(h, c)`` for
    LSTM). It returns ``(output, final_state)`` with ``output`` of shape
    ``(batch, n_timesteps, output_size)`` or ``(batch, output_size)``.
    """

    def __init__(self, input_size, output_size, *, cell="lstm", hidden_size=32, num_layers=1,
                 bidirectional=False, dropout=0.0, output="sequence",
                 learned_initial_state=False, nonlinearity="tanh"):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}.")
        if output not in ("sequence", "last"):
            raise ValueError(f"output must be 'sequence' or 'last'; got {output!r}.")
        self.cell = cell
        self.output = output
        self.num_directions = 2 if bidirectional else 1
        extra = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        self.rnn = CELLS[cell](
            input_size, hidden_size, num_layers, batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0, bidirectional=bidirectional, **extra,
        )
        self.head = nn.Linear(hidden_size * self.num_directions, output_size)
        n_states = 2 if cell == "lstm" else 1
        self.initial_state = (
            nn.Parameter(torch.zeros(n_states, num_layers * self.num_directions, 1, hidden_size))
            if learned_initial_state else None
        )

    def _learned_state(self, batch_size):
        state = self.initial_state.expand(-1, -1, batch_size, -1).contiguous()
        return (state[0], state[1]) if self.cell == "lstm" else state[0]

    def forward(self, X, lengths=None, state=None):
        batch_size, n_timesteps = X.shape[:2]
        if state is None and self.initial_state is not None:
            state = self._learned_state(batch_size)
        if lengths is None:
            out, final = self.rnn(X, state)
        else:
            packed = pack_padded_sequence(X, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, final = self.rnn(packed, state)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=n_timesteps)
        if self.output == "sequence":
            return self.head(out), final
        h_n = final[0] if self.cell == "lstm" else final
        last = h_n[-self.num_directions:].transpose(0, 1).reshape(batch_size, -1)
        return self.head(last), final


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

    Notes
    -----
    ``forward(X, lengths=None, state=None)`` has the signature of
    :class:`RecurrentNetwork` and returns ``(output, None)``: there is no state.
    """

    def __init__(self, input_size, output_size, *, hidden_size=32, num_layers=1,
                 output="sequence"):
        super().__init__()
        layers, width = [], input_size
        for _ in range(num_layers):
            layers += [nn.Linear(width, hidden_size), nn.Tanh()]
            width = hidden_size
        layers.append(nn.Linear(width, output_size))
        self.mlp = nn.Sequential(*layers)
        self.output = output

    def forward(self, X, lengths=None, state=None):
        if self.output == "last":
            if lengths is None:
                X = X[:, -1]
            else:
                X = X[torch.arange(X.shape[0], device=X.device), lengths.to(X.device) - 1]
        return self.mlp(X), None
