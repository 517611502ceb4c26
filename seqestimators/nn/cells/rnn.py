"""The plain (Elman) recurrent cell: ``h' = act(W_ih x + b_ih + W_hh h + b_hh)``."""

from __future__ import annotations

import torch
from torch import nn

from ._registry import CellSpec, layer_weights

__all__ = ["RNN_CELL"]


def rnn_step(layer, k, x, state):
    """One timestep of layer ``k`` of an :class:`torch.nn.RNN` (tanh or relu)."""
    w_ih, w_hh, b_ih, b_hh = layer_weights(layer, k)
    act = torch.relu if layer.nonlinearity == "relu" else torch.tanh
    return (act(torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, state[0], w_hh.t())),)


RNN_CELL = CellSpec("rnn", nn.RNN, 1, rnn_step, options=("nonlinearity",),
                    description="the plain (Elman) recurrent cell, tanh or relu", gated=False)
