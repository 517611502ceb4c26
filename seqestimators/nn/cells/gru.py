"""The gated recurrent unit (Cho et al. 2014): :class:`FastGRU`, ``torch.nn.GRU`` made faster.

On CPU, ATen has a fused oneDNN kernel for LSTM but none for GRU: ``nn.GRU`` runs a C++ loop of
small autograd operations whose backward pass replays them one by one. :class:`FastGRU` computes
the same function with a hand-written backward pass (see :mod:`._gru_kernel`), about 2x faster.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from ._gru_kernel import GRULayout, _dropout, gru_layer
from ._registry import CellSpec, layer_weights

__all__ = ["GRU_CELL", "FastGRU", "GRULayout", "gru_layer"]


def _exporting():
    if torch.jit.is_scripting() or torch.jit.is_tracing() or torch.compiler.is_compiling():
        return True
    return torch.onnx.is_in_onnx_export()


class FastGRU(nn.GRU):
    """:class:`torch.nn.GRU` with a faster forward and backward pass on CPU.

    A drop-in replacement: same constructor, parameters and ``state_dict`` names
    (``weight_ih_l0``, ``bias_hh_l1_reverse``, ...), same ``forward(input, hx=None)`` taking a
    padded tensor (``batch_first`` or not, batched or not) or a
    :class:`~torch.nn.utils.rnn.PackedSequence`, with ``num_layers``, ``bidirectional`` and
    inter-layer ``dropout`` (the same random draws), returning the same ``(output, h_n)``:
    equal to ``nn.GRU``'s up to floating-point rounding, and so are the gradients.

    The fast path runs on CPU in float32 and float64 when a gradient is needed. Everywhere
    else — other devices (cuDNN), inference (without gradients ``nn.GRU``'s own forward is at
    least as fast), other dtypes, and while tracing, scripting, compiling or exporting to
    ONNX — it is :meth:`torch.nn.GRU.forward` itself. The backward pass of the fast path
    cannot be differentiated again (no double backward).

    Parameters
    ----------
    *args, **kwargs
        As :class:`torch.nn.GRU`.
    """

    def _fast_path(self, input, hx):
        data = input.data if isinstance(input, PackedSequence) else input
        if data.device.type != "cpu" or data.dtype not in (torch.float32, torch.float64):
            return False
        if not torch.is_grad_enabled() or _exporting() or data.numel() == 0:
            return False
        if any(w.dtype != data.dtype or w.device != data.device for w in self._flat_weights):
            return False
        if hx is not None and (hx.dtype != data.dtype or hx.device != data.device):
            return False
        return (data.requires_grad or (hx is not None and hx.requires_grad)
                or any(w.requires_grad for w in self._flat_weights))

    def forward(self, input, hx=None):
        self._update_flat_weights()
        if not self._fast_path(input, hx):
            return super().forward(input, hx)
        num_directions = 2 if self.bidirectional else 1
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            layout = GRULayout.from_batch_sizes(batch_sizes)
            T, B = layout.n_timesteps, layout.batch_size
            if layout.index is None:
                rows = data
            else:
                rows = data.new_zeros(T * B, data.shape[1]).index_copy(
                    0, layout.index.to(data.device), data)
        else:
            batch_sizes = sorted_indices = unsorted_indices = None
            if input.dim() not in (2, 3):
                raise ValueError(f"GRU: Expected input to be 2D or 3D, got {input.dim()}D instead")
            is_batched = input.dim() == 3
            if not is_batched:
                input = input.unsqueeze(0 if self.batch_first else 1)
                if hx is not None:
                    if hx.dim() != 2:
                        raise RuntimeError(
                            "For unbatched 2-D input, hx should also be 2-D but got "
                            f"{hx.dim()}-D tensor")
                    hx = hx.unsqueeze(1)
            elif hx is not None and hx.dim() != 3:
                raise RuntimeError(
                    f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
            time_major = input.transpose(0, 1) if self.batch_first else input
            T, B = time_major.shape[:2]
            layout = GRULayout(T, B)
            rows = time_major.reshape(T * B, -1)
        if hx is None:
            hx = rows.new_zeros(self.num_layers * num_directions, B, self.hidden_size)
        else:
            hx = self.permute_hidden(hx, sorted_indices)
        self.check_forward_args(data if packed else input, hx, batch_sizes)

        weights = self._flat_weights
        per_direction = len(weights) // (self.num_layers * num_directions)
        x, h_n = rows.t(), []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                x = _dropout(x, self.dropout, layout)
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                w = weights[index * per_direction:(index + 1) * per_direction]
                b_ih, b_hh = (w[2], w[3]) if self.bias else (None, None)
                out, h = gru_layer(x, hx[index], w[0], w[1], b_ih, b_hh, layout,
                                   reverse=direction == 1)
                outputs.append(out)
                h_n.append(h)
            x = outputs[0] if num_directions == 1 else torch.cat(outputs)
        h_n = torch.stack(h_n)
        rows = x.t()

        if packed:
            if layout.index is not None:
                rows = rows.index_select(0, layout.index.to(rows.device))
            output = PackedSequence(rows.contiguous(), batch_sizes, sorted_indices,
                                    unsorted_indices)
            return output, self.permute_hidden(h_n, unsorted_indices)
        output = rows.reshape(T, B, -1).contiguous()
        if self.batch_first:
            output = output.transpose(0, 1)
        if not is_batched:
            output = output.squeeze(0 if self.batch_first else 1)
            h_n = h_n.squeeze(1)
        return output, h_n


def gru_step(layer, k, x, state):
    """One timestep of layer ``k`` of a GRU, gates in :class:`torch.nn.GRU`'s order."""
    w_ih, w_hh, b_ih, b_hh = layer_weights(layer, k)
    h = state[0]
    i_r, i_z, i_n = torch.addmm(b_ih, x, w_ih.t()).chunk(3, 1)
    h_r, h_z, h_n = torch.addmm(b_hh, h, w_hh.t()).chunk(3, 1)
    r = torch.sigmoid(i_r + h_r)
    u = torch.sigmoid(i_z + h_z)
    return ((1 - u) * torch.tanh(i_n + r * h_n) + u * h,)


GRU_CELL = CellSpec("gru", FastGRU, 1, gru_step,
                    description="gated recurrent unit (FastGRU: torch.nn.GRU, faster on CPU)")
