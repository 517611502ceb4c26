"""The memoryless baseline: a per-timestep multilayer perceptron."""

from __future__ import annotations

from torch import nn

from .ops import last_real_step, target_scaling

__all__ = ["MemorylessNetwork"]


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
        :class:`~seqestimators.nn.RecurrentNetwork`).

    Notes
    -----
    ``forward(X, lengths=None, state=None)`` has the signature of
    :class:`~seqestimators.nn.RecurrentNetwork` and returns ``(output, None)``: there is no state.
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
        self.target_scaling = target_scaling(target_mean, target_scale, output_size)

    def forward(self, X, lengths=None, state=None):
        if self.output == "last":
            X = last_real_step(X, lengths)
        out = self.mlp(X)
        if self.target_scaling is not None:
            out = self.target_scaling(out)
        return out, None
