"""The long short-term memory cell (Hochreiter & Schmidhuber 1997), torch's fused kernels."""

from __future__ import annotations

import torch
from torch import nn

from ._registry import CellSpec, layer_weights

__all__ = ["LSTM_CELL"]


def lstm_step(layer, k, x, state):
    """One timestep of layer ``k`` of an :class:`torch.nn.LSTM`; ``state`` is ``(h, c)``."""
    w_ih, w_hh, b_ih, b_hh = layer_weights(layer, k)
    h, c = state
    gates = torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t())
    i, f, g, o = gates.chunk(4, 1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


LSTM_CELL = CellSpec("lstm", nn.LSTM, 2, lstm_step,
                     description="long short-term memory: a hidden and a cell state")
