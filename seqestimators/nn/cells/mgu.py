"""The minimal gated unit (Zhou, Wu, Zhang & Zhou 2016): a GRU with one gate.

``f = sigmoid(W_f x + U_f h + b_f)``, ``n = tanh(W_n x + U_n (f * h) + b_n)`` and
``h' = (1 - f) * h + f * n``: the forget gate doubles as the reset gate, so a layer has two
thirds of a GRU's weights.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from ._registry import CellSpec, layer_weights

__all__ = ["MGU", "MGU_CELL", "mgu_cell"]


def mgu_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """One MGU timestep: ``x`` (batch, in_features), ``h`` (batch, hidden) -> the new ``h``.

    The weights stack the forget gate's rows before the candidate's: ``w_ih`` of shape
    ``(2 * hidden, in_features)``, ``w_hh`` ``(2 * hidden, hidden)``, biases ``(2 * hidden,)``.
    """
    hidden = h.shape[-1]
    gi = F.linear(x, w_ih, b_ih)
    b_f, b_n = (None, None) if b_hh is None else (b_hh[:hidden], b_hh[hidden:])
    f = torch.sigmoid(gi[:, :hidden] + F.linear(h, w_hh[:hidden], b_f))
    n = torch.tanh(gi[:, hidden:] + F.linear(f * h, w_hh[hidden:], b_n))
    return (1 - f) * h + f * n


def mgu_step(layer, k, x, state):
    """One timestep of layer ``k`` of an :class:`MGU` stack (the registry's step)."""
    return (mgu_cell(x, state[0], *layer_weights(layer, k)),)


class MGU(nn.Module):
    """A stack of minimal gated unit layers with :class:`torch.nn.GRU`'s interface.

    Parameters
    ----------
    input_size, hidden_size : int
        Features per input timestep; hidden units per layer and direction.
    num_layers : int, default=1
        Stacked layers.
    bias : bool, default=True
        Whether the layers have the biases ``bias_ih_l{k}`` and ``bias_hh_l{k}``.
    batch_first : bool, default=False
        Whether a padded input is ``(batch, n_timesteps, features)`` rather than
        ``(n_timesteps, batch, features)``.
    dropout : float, default=0.0
        Dropout on the outputs of every layer but the last, while training.
    bidirectional : bool, default=False
        Whether each layer also runs from each sequence's end to its start.

    Notes
    -----
    ``forward(input, hx=None)`` takes a padded 3-D tensor or a
    :class:`~torch.nn.utils.rnn.PackedSequence` and an initial state ``(num_layers *
    num_directions, batch, hidden_size)`` (zeros when None), and returns ``(output, h_n)`` as
    :class:`torch.nn.GRU` does: ``output`` in the input's form with ``num_directions *
    hidden_size`` features, ``h_n`` each sequence's state at its own end (at its first timestep
    for a backward direction).

    The time loop is plain Python. For ONNX export each layer becomes one ONNX ``GRU`` operator
    (``linear_before_reset=0``, which applies the recurrent weights after the reset gate as MGU
    does) whose reset gate is the forget gate ``f`` and whose update gate is ``1 - f``
    (``sigmoid`` of the negated pre-activation): the exported model keeps dynamic batch and
    time axes.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False):
        super().__init__()
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.bias = int(num_layers), bool(bias)
        self.batch_first, self.dropout = bool(batch_first), float(dropout)
        self.bidirectional = bool(bidirectional)
        self.num_directions = 2 if bidirectional else 1
        suffixes = ["", "_reverse"][:self.num_directions]
        for k in range(self.num_layers):
            n_in = self.input_size if k == 0 else self.hidden_size * self.num_directions
            for suffix in suffixes:
                shapes = {"weight_ih": (2 * hidden_size, n_in),
                          "weight_hh": (2 * hidden_size, hidden_size)}
                if self.bias:
                    shapes.update(bias_ih=(2 * hidden_size,), bias_hh=(2 * hidden_size,))
                for kind, shape in shapes.items():
                    self.register_parameter(f"{kind}_l{k}{suffix}",
                                            nn.Parameter(torch.empty(shape)))
        self.reset_parameters()

    def reset_parameters(self):
        """Uniform in ``±1 / sqrt(hidden_size)``, as torch's recurrent layers."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def extra_repr(self):
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"batch_first={self.batch_first}, dropout={self.dropout}, "
                f"bidirectional={self.bidirectional}")

    def _direction(self, x, h, weights, reverse, mask):
        n_timesteps = x.shape[1]
        outputs = [x] * n_timesteps
        steps = range(n_timesteps - 1, -1, -1) if reverse else range(n_timesteps)
        for t in steps:
            new = mgu_cell(x[:, t], h, *weights)
            if mask is not None:  # padding keeps the state: each sequence runs on its own
                new = torch.where(mask[:, t, None], new, h)
            outputs[t] = h = new
        return torch.stack(outputs, dim=1), h

    def _onnx_layer(self, x, hx, k):
        """Layer ``k`` on a time-major ``x`` as one ONNX GRU operator (both directions)."""
        hidden = self.hidden_size
        ws, rs, bs = [], [], []
        for suffix in ["", "_reverse"][:self.num_directions]:
            w_ih, w_hh, b_ih, b_hh = layer_weights(self, k, suffix)
            # Gates in ONNX's order (update z = 1 - f, reset r = f, candidate).
            ws.append(torch.cat([-w_ih[:hidden], w_ih[:hidden], w_ih[hidden:]]))
            rs.append(torch.cat([-w_hh[:hidden], w_hh[:hidden], w_hh[hidden:]]))
            if b_ih is None:
                b_ih = b_hh = w_ih.new_zeros(2 * hidden)
            bs.append(torch.cat([-b_ih[:hidden], b_ih[:hidden], b_ih[hidden:],
                                 -b_hh[:hidden], b_hh[:hidden], b_hh[hidden:]]))
        start = k * self.num_directions
        y, h_n = _OnnxGRU.apply(x, torch.stack(ws), torch.stack(rs), torch.stack(bs),
                                hx[start:start + self.num_directions].contiguous(), hidden)
        return y.transpose(1, 2).reshape(x.shape[0], x.shape[1], -1), h_n

    def forward(self, input, hx=None):
        if torch.onnx.is_in_onnx_export() and not isinstance(input, PackedSequence):
            x = input.transpose(0, 1) if self.batch_first else input
            if hx is None:
                hx = x.new_zeros(self.num_layers * self.num_directions, x.shape[1],
                                 self.hidden_size)
            h_n = []
            for k in range(self.num_layers):
                x, h = self._onnx_layer(x, hx, k)
                h_n.append(h)
            return (x.transpose(0, 1) if self.batch_first else x), torch.cat(h_n)
        packed = isinstance(input, PackedSequence)
        if packed:
            x, lengths = pad_packed_sequence(input, batch_first=True)
            steps = torch.arange(x.shape[1])
            mask = (steps[None, :] < lengths[:, None]).to(x.device)
        else:
            if input.dim() != 3:
                raise ValueError(f"MGU: expected a 3-D input or a PackedSequence; got "
                                 f"{input.dim()}-D.")
            x = input if self.batch_first else input.transpose(0, 1)
            mask = None
        n_states = self.num_layers * self.num_directions
        if hx is None:
            hx = x.new_zeros(n_states, x.shape[0], self.hidden_size)
        elif hx.shape != (n_states, x.shape[0], self.hidden_size):
            raise RuntimeError(f"Expected hidden size {(n_states, x.shape[0], self.hidden_size)}"
                               f", got {tuple(hx.shape)}")
        h_n = []
        for k in range(self.num_layers):
            if k > 0 and self.dropout > 0 and self.training:
                x = F.dropout(x, self.dropout, training=True)
            outputs = []
            for d, suffix in enumerate(["", "_reverse"][:self.num_directions]):
                out, h = self._direction(x, hx[k * self.num_directions + d],
                                         layer_weights(self, k, suffix), d == 1, mask)
                outputs.append(out)
                h_n.append(h)
            x = outputs[0] if self.num_directions == 1 else torch.cat(outputs, dim=2)
        h_n = torch.stack(h_n)
        if packed:
            output = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            return output, h_n
        return (x if self.batch_first else x.transpose(0, 1)), h_n


class _OnnxGRU(torch.autograd.Function):
    """ONNX's ``GRU`` operator (``linear_before_reset=0``) on time-major inputs, for export.

    ``forward`` computes what the operator computes (the exporter runs it for shapes);
    ``symbolic`` emits the operator itself. Inputs in ONNX's layout: ``W (D, 3H, in)``,
    ``R (D, 3H, H)``, ``B (D, 6H)``, ``h0 (D, batch, H)``; outputs ``Y (T, D, batch, H)`` and
    ``Y_h (D, batch, H)``.
    """

    @staticmethod
    def forward(ctx, x, W, R, B, h0, hidden_size):
        H = hidden_size
        ys, finals = [], []
        for d in range(W.shape[0]):
            w, r, b = W[d], R[d], B[d]
            h, out = h0[d], [x[0]] * x.shape[0]
            steps = range(x.shape[0] - 1, -1, -1) if d == 1 else range(x.shape[0])
            for t in steps:
                gi = F.linear(x[t], w, b[:3 * H])
                gh = F.linear(h, r[:2 * H], b[3 * H:5 * H])
                z = torch.sigmoid(gi[:, :H] + gh[:, :H])
                r_gate = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:])
                n = torch.tanh(gi[:, 2 * H:] + F.linear(r_gate * h, r[2 * H:], b[5 * H:]))
                out[t] = h = (1 - z) * n + z * h
            ys.append(torch.stack(out))
            finals.append(h)
        return torch.stack(ys, dim=1), torch.stack(finals)

    @staticmethod
    def symbolic(g, x, W, R, B, h0, hidden_size):
        # Every sequence runs its full length: sequence_lens = [T] * batch, from x's shape.
        shape = g.op("Shape", x)
        n_steps = g.op("Gather", shape, g.op("Constant", value_t=torch.tensor([0])))
        batch = g.op("Gather", shape, g.op("Constant", value_t=torch.tensor([1])))
        lens = g.op("Expand", g.op("Cast", n_steps, to_i=6), batch)  # 6: int32
        direction = "bidirectional" if W.type().sizes()[0] == 2 else "forward"
        return g.op("GRU", x, W, R, B, lens, h0, hidden_size_i=hidden_size,
                    linear_before_reset_i=0, direction_s=direction, outputs=2)


MGU_CELL = CellSpec("mgu", MGU, 1, mgu_step,
                    description="minimal gated unit: one gate, two thirds of a GRU's weights")
