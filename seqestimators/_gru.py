"""A GRU layer with a hand-written backward pass: ``torch.nn.GRU``'s results, faster on CPU.

On CPU, ATen has a fused oneDNN kernel for LSTM but not for GRU: ``nn.GRU`` runs a C++ loop of
small autograd operations and its backward replays them one by one, about 4x the cost of an
LSTM of the same size. :class:`FastGRU` computes exactly the same function with

* the input projections of all timesteps in one matrix product;
* a forward loop of five in-place operations per timestep, outside autograd, that keeps the
  gates it needs later;
* a backward loop of two operations per timestep (the gradients of the gate pre-activations and
  their product with the recurrent weights): the coefficients that relate them to the gradient
  of the hidden state are computed for all timesteps at once before the loop;
* the weight, bias and input gradients as one matrix product each, over all timesteps, after it.

:class:`FastGRU` subclasses :class:`torch.nn.GRU` (same constructor, parameters and
``state_dict``) and defers to it wherever its own path would not be used or not be faster: on
other devices (cuDNN), for dtypes other than float32/float64, when no gradient is needed, and
while tracing, scripting, compiling or exporting to ONNX.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

__all__ = ["FastGRU", "gru_layer"]


def _step_views(tensor, batch_sizes):
    """Row blocks of a time-major packed ``tensor``, one per timestep (views)."""
    return tensor.split(batch_sizes, 0)


class _Rows:
    """Where each row of a packed layer lives, for one batch layout and direction.

    Rows of the packed data (time-major, ``batch_sizes[t]`` rows at timestep ``t``, the active
    sequences first) are numbered ``0 .. N - 1``. The layer keeps its outputs in a buffer of
    ``N + B`` rows that also holds the initial state: ``h0`` first and the outputs after it
    (forward direction), or the outputs first and ``h0`` after them (reverse direction).
    """

    _cache: dict = {}

    def __init__(self, batch_sizes, reverse):
        T, B, N = len(batch_sizes), batch_sizes[0], sum(batch_sizes)
        self.n, self.batch_size, self.reverse = N, B, reverse
        self.out_start = 0 if reverse else B
        self.h0_start = N if reverse else 0
        padded = all(size == B for size in batch_sizes)
        sizes = torch.tensor(batch_sizes)
        offsets = torch.cumsum(sizes, 0) - sizes
        rows = torch.arange(B)
        # Final state of each sequence: the last timestep it is active at (forward), or the
        # first timestep (reverse: every sequence is active at t = 0).
        if reverse:
            final = rows
        else:
            lengths = (sizes[None, :] > rows[:, None]).sum(1)
            final = offsets[lengths - 1] + rows
        self.final = final
        # The hidden state each row starts from, as a buffer row: a slice when the batch is
        # not ragged, an index otherwise.
        if padded:
            self.prev = slice(0, N) if not reverse else slice(B, N + B)
            return
        t_of = torch.repeat_interleave(torch.arange(T), sizes)
        b_of = torch.arange(N) - offsets[t_of]
        if reverse:
            nxt = (t_of + 1).clamp(max=T - 1)
            has_prev = (t_of < T - 1) & (b_of < sizes[nxt])
            self.prev = torch.where(has_prev, offsets[nxt] + b_of, N + b_of)
        else:
            prv = (t_of - 1).clamp(min=0)
            self.prev = torch.where(t_of > 0, B + offsets[prv] + b_of, b_of)

    @classmethod
    def get(cls, batch_sizes, reverse):
        key = (tuple(batch_sizes), reverse)
        rows = cls._cache.get(key)
        if rows is None:
            if len(cls._cache) > 256:
                cls._cache.clear()
            rows = cls._cache[key] = cls(batch_sizes, reverse)
        return rows

    def to(self, device):
        final = self.final.to(device)
        prev = self.prev if isinstance(self.prev, slice) else self.prev.to(device)
        return final, prev


class _GRULayer(torch.autograd.Function):
    """One direction of one GRU layer over packed rows; see :func:`gru_layer`."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, batch_sizes, reverse):
        H = w_hh.shape[1]
        H2 = 2 * H
        rows = _Rows.get(batch_sizes, reverse)
        N, B = rows.n, rows.batch_size
        if b_ih is None:
            b_ih = b_hh = x.new_zeros(3 * H)
        # C[:, :2H] = input part + both biases of the reset and update gates, C[:, 2H:] the
        # recurrent bias of the candidate; the recurrent product is added to it in place, so
        # that after the loop C holds r, z (activated) and W_hn h + b_hn for every row.
        C = torch.addmm(torch.cat([b_ih[:H2] + b_hh[:H2], b_ih[H2:]]), x, w_ih.t())
        n_all = C[:, H2:].clone()  # W_in x + b_in, then n in place
        C[:, H2:] = b_hh[H2:]
        buf = x.new_empty(N + B, H)
        buf[rows.h0_start:rows.h0_start + B] = h0
        h0 = buf[rows.h0_start:rows.h0_start + B]
        out = buf[rows.out_start:rows.out_start + N]
        w_hh_t = w_hh.t()
        steps = zip(_step_views(C, batch_sizes), _step_views(C[:, :H2], batch_sizes),
                    _step_views(C[:, :H], batch_sizes), _step_views(C[:, H:H2], batch_sizes),
                    _step_views(C[:, H2:], batch_sizes), _step_views(n_all, batch_sizes),
                    _step_views(out, batch_sizes))
        steps = list(steps)
        h = h0[:batch_sizes[-1]] if reverse else h0
        for c, rz, r, z, hn, n, o in (reversed(steps) if reverse else steps):
            size = c.shape[0]
            if h.shape[0] != size:
                # Ragged batch: sequences leave (forward) or join (reverse) the active rows.
                h = h[:size] if not reverse else torch.cat([h, h0[h.shape[0]:size]])
            c.addmm_(h, w_hh_t)
            rz.sigmoid_()
            n.addcmul_(r, hn).tanh_()
            h = torch.lerp(n, h, z, out=o)
        h_n = buf.index_select(0, rows.final.to(x.device) + rows.out_start)
        ctx.save_for_backward(x, w_ih, w_hh, out)
        ctx.intermediates = (C, n_all, buf)
        ctx.layout = (batch_sizes, reverse)
        return out, h_n

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, d_out, d_h_n):
        x, w_ih, w_hh, out = ctx.saved_tensors
        C, n, buf = ctx.intermediates
        batch_sizes, reverse = ctx.layout
        rows = _Rows.get(batch_sizes, reverse)
        N, B, H = rows.n, rows.batch_size, w_hh.shape[1]
        H2 = 2 * H
        final, prev = rows.to(x.device)
        h_prev = buf[prev] if isinstance(prev, slice) else buf.index_select(0, prev)
        r, z, hn = C[:, :H], C[:, H:H2], C[:, H2:]
        # Gradient of the loss with respect to the pre-activations, per row, is
        # A[:, k] * g, with g the gradient with respect to the row's new hidden state:
        #   k = 0: reset gate        a * hn * r * (1 - r)
        #   k = 1: update gate       (h_prev - n) * z * (1 - z)
        #   k = 2: candidate (W_hn)  a * r
        #   k = 3: and g * z flows straight into h_prev,
        # with a = (1 - z) * (1 - n^2), the gradient of the candidate's pre-activation.
        one_minus_z = 1 - z
        a = torch.mul(n, n).neg_().add_(1).mul_(one_minus_z)
        A = x.new_empty(N, 4, H)
        torch.mul(a, r, out=A[:, 2])
        torch.mul(A[:, 2], hn, out=A[:, 0]).mul_(1 - r)
        torch.sub(h_prev, n, out=A[:, 1]).mul_(z).mul_(one_minus_z)
        A[:, 3] = z
        # g: the output gradient plus that of the final state, then the gradient arriving from
        # the next timestep, added step by step.
        g = x.new_empty(N, H)
        g.copy_(d_out)
        g.index_add_(0, final, d_h_n)
        dh0 = x.new_zeros(B, H)
        G = torch.empty_like(A)
        w_ext = torch.cat([w_hh, torch.eye(H, dtype=w_hh.dtype, device=w_hh.device)])
        steps = list(zip(_step_views(A, batch_sizes), _step_views(g, batch_sizes),
                         _step_views(g[:, None, :], batch_sizes), _step_views(G, batch_sizes),
                         _step_views(G.view(N, 4 * H), batch_sizes)))
        order = list(range(len(batch_sizes)))
        if reverse:
            order.reverse()
        for k in range(len(order) - 1, -1, -1):
            a_t, _, g3_t, G_t, G2_t = steps[order[k]]
            torch.mul(a_t, g3_t, out=G_t)
            size = G_t.shape[0]
            if k == 0:
                dh0[:size].addmm_(G2_t, w_ext)
                continue
            g_prev = steps[order[k - 1]][1]
            p = g_prev.shape[0]
            if p == size:
                g_prev.addmm_(G2_t, w_ext)
            elif p > size:  # forward, ragged: only the first rows go on
                g_prev[:size].addmm_(G2_t, w_ext)
            else:  # reverse, ragged: rows p.. started here from h0
                d = torch.mm(G2_t, w_ext)
                g_prev.add_(d[:p])
                dh0[p:size] = d[p:]
        d_gh = G[:, :3].reshape(N, 3 * H)
        d_x = d_w_ih = d_w_hh = d_b_ih = d_b_hh = None
        need = ctx.needs_input_grad
        d_gi = None
        if need[0] or need[2] or need[4]:
            d_gi = x.new_empty(N, 3 * H)
            d_gi[:, :H2] = d_gh[:, :H2]
            torch.mul(g, a, out=d_gi[:, H2:])
        if need[0]:
            d_x = torch.mm(d_gi, w_ih)
        if need[2]:
            d_w_ih = torch.mm(d_gi.t(), x)
        if need[3]:
            d_w_hh = torch.mm(d_gh.t(), h_prev)
        if need[4]:
            d_b_ih = d_gi.sum(0)
        if need[5]:
            d_b_hh = d_gh.sum(0)
        return d_x, dh0 if need[1] else None, d_w_ih, d_w_hh, d_b_ih, d_b_hh, None, None


def gru_layer(x, h0, w_ih, w_hh, b_ih, b_hh, batch_sizes, reverse=False):
    """One direction of one GRU layer, exactly as :class:`torch.nn.GRU` computes it.

    Parameters
    ----------
    x : Tensor of shape (N, input_size)
        Packed input rows, time-major: ``batch_sizes[0]`` rows for the first timestep, then
        ``batch_sizes[1]`` for the second, and so on, the sequences still active first (the
        layout of ``PackedSequence.data``; a padded batch ``(T, B, input_size)`` reshaped to
        ``(T * B, input_size)`` with ``batch_sizes = [B] * T``).
    h0 : Tensor of shape (B, hidden_size)
        Initial state, ``B = batch_sizes[0]``.
    w_ih : Tensor of shape (3 * hidden_size, input_size)
    w_hh : Tensor of shape (3 * hidden_size, hidden_size)
    b_ih, b_hh : Tensor of shape (3 * hidden_size,) or None
        Weights and biases in :class:`torch.nn.GRU`'s layout (reset, update, new).
    batch_sizes : list of int
        Non-increasing number of active sequences at each timestep.
    reverse : bool, default=False
        Whether to run from each sequence's last timestep to its first.

    Returns
    -------
    output : Tensor of shape (N, hidden_size)
        The hidden state at every row.
    h_n : Tensor of shape (B, hidden_size)
        Each sequence's final state, taken at its own length (at its first timestep when
        ``reverse``).
    """
    return _GRULayer.apply(x, h0, w_ih, w_hh, b_ih, b_hh, list(batch_sizes), bool(reverse))


def _exporting():
    if torch.jit.is_scripting() or torch.jit.is_tracing():
        return True
    if torch.compiler.is_compiling():
        return True
    onnx = getattr(torch, "onnx", None)
    return onnx is not None and onnx.is_in_onnx_export()


class FastGRU(nn.GRU):
    """:class:`torch.nn.GRU` with a faster exact forward and backward pass on CPU.

    A drop-in replacement: same constructor, parameters and ``state_dict`` names
    (``weight_ih_l0``, ``bias_hh_l0_reverse``, ...), same ``forward(input, hx=None)`` taking a
    padded tensor (``batch_first`` or not, batched or not) or a
    :class:`~torch.nn.utils.rnn.PackedSequence`, with ``num_layers``, ``bidirectional`` and
    inter-layer ``dropout``, and the same ``(output, h_n)``, equal to ``nn.GRU``'s up to
    floating-point rounding (the gradients too).

    The fast path runs on CPU in float32 and float64 when a gradient is needed; it defers to
    :meth:`torch.nn.GRU.forward` otherwise (GPU and cuDNN, inference, other dtypes) and while
    tracing, scripting, compiling or exporting to ONNX. Its backward pass cannot itself be
    differentiated (no double backward).

    Parameters
    ----------
    *args, **kwargs
        As :class:`torch.nn.GRU`.
    """

    def _fast_path(self, input, hx):
        data = input.data if isinstance(input, PackedSequence) else input
        if data.device.type != "cpu" or data.dtype not in (torch.float32, torch.float64):
            return False
        if not torch.is_grad_enabled() or _exporting():
            return False
        if data.numel() == 0 or any(w.dtype != data.dtype for w in self._flat_weights):
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
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            sizes = batch_sizes.tolist()
            is_batched = True
        else:
            if input.dim() not in (2, 3):
                raise ValueError(f"GRU: Expected input to be 2D or 3D, got {input.dim()}D instead")
            batch_sizes = sorted_indices = unsorted_indices = None
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
            n_timesteps, batch_size = time_major.shape[:2]
            data = time_major.reshape(n_timesteps * batch_size, -1)
            sizes = [batch_size] * n_timesteps
        if hx is None:
            hx = data.new_zeros(self.num_layers * num_directions, sizes[0], self.hidden_size)
        else:
            hx = self.permute_hidden(hx, sorted_indices)
        self.check_forward_args(data if batch_sizes is not None else input, hx, batch_sizes)

        weights = self._flat_weights
        per_direction = len(weights) // (self.num_layers * num_directions)
        layer_input, h_n = data, []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                layer_input = nn.functional.dropout(layer_input, self.dropout, True)
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                w = weights[index * per_direction:(index + 1) * per_direction]
                b_ih, b_hh = (w[2], w[3]) if self.bias else (None, None)
                out, h = gru_layer(layer_input, hx[index], w[0], w[1], b_ih, b_hh, sizes,
                                   reverse=direction == 1)
                outputs.append(out)
                h_n.append(h)
            layer_input = outputs[0] if num_directions == 1 else torch.cat(outputs, 1)
        h_n = torch.stack(h_n)

        if batch_sizes is not None:
            output = PackedSequence(layer_input, batch_sizes, sorted_indices, unsorted_indices)
            return output, self.permute_hidden(h_n, unsorted_indices)
        output = layer_input.view(len(sizes), sizes[0], -1)
        if self.batch_first:
            output = output.transpose(0, 1)
        if not is_batched:
            output = output.squeeze(0 if self.batch_first else 1)
            h_n = h_n.squeeze(1)
        return output, h_n
