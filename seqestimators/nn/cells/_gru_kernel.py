"""The kernel of :class:`~seqestimators.nn.cells.gru.FastGRU`: one GRU layer, hand-written backward.

On CPU, ATen has a fused oneDNN kernel for LSTM but none for GRU: ``nn.GRU`` runs a C++ loop of
small autograd operations, and its backward pass replays them one by one (about 4x the cost of
an LSTM of the same size). :class:`FastGRU` computes the same function with

* the input projections of all timesteps in one matrix product;
* a forward loop of five in-place operations per timestep, outside autograd, that keeps the
  activated gates;
* a backward loop of two operations per timestep: the coefficients relating the gradient of
  each new hidden state to those of the gate pre-activations are computed for all timesteps at
  once before it;
* the weight, bias and input gradients as one matrix product (or sum) each, over all
  timesteps, after it.

Every tensor is kept feature-major, ``(features, n_timesteps, batch)``: the rows of one
timestep are then ``(features, batch)`` blocks, the broadcasts of the backward loop run along
the leading dimension (the fast case on CPU), and the gradients of all timesteps are plain
matrix products without copies. In a ragged batch (a :class:`~torch.nn.utils.rnn.PackedSequence`,
sequences sorted by decreasing length) a timestep works on the first ``batch_sizes[t]``
columns only, so that padding never reaches the state.
"""

from __future__ import annotations

import torch

__all__ = ["GRULayout", "gru_layer"]

# Hidden sizes below which the backward loop folds g * z into its matrix product.
_FUSED_MAX_HIDDEN = 128

_tanh_backward = torch.ops.aten.tanh_backward
_sigmoid_backward_ = torch.ops.aten.sigmoid_backward.grad_input


class GRULayout:
    """Time and batch layout of a feature-major batch ``(features, n_timesteps * batch)``.

    Parameters
    ----------
    n_timesteps, batch_size : int
        Sizes of the padded batch.
    batch_sizes : Tensor of shape (n_timesteps,), default=None
        Number of sequences still active at each timestep (non-increasing, the longest
        sequences first, as in :class:`~torch.nn.utils.rnn.PackedSequence`). None: all of them,
        at every timestep.

    Attributes
    ----------
    sizes : list of int or None
        ``batch_sizes`` as Python ints, None when the batch is not ragged.
    lengths : Tensor of shape (batch_size,) or None
        Length of each sequence (ragged batches only).
    mask : bool Tensor of shape (n_timesteps, batch_size) or None
        True at real timesteps, False at padding (ragged batches only).
    index : Tensor of shape (N,) or None
        Column ``t * batch_size + b`` of each packed row (ragged batches only).
    """

    _cache: dict = {}

    def __init__(self, n_timesteps, batch_size, batch_sizes=None):
        self.n_timesteps, self.batch_size = n_timesteps, batch_size
        self.sizes = self.lengths = self.mask = self.index = None
        if batch_sizes is None or int(batch_sizes[-1]) == batch_size:
            return
        self.sizes = batch_sizes.tolist()
        columns = torch.arange(batch_size)
        active = columns[None, :] < batch_sizes[:, None]
        self.mask = active
        self.lengths = active.sum(0)
        self.index = (torch.arange(n_timesteps)[:, None] * batch_size + columns)[active]

    @classmethod
    def from_batch_sizes(cls, batch_sizes):
        """The layout of a packed batch, cached by its ``batch_sizes``."""
        key = tuple(batch_sizes.tolist())
        layout = cls._cache.get(key)
        if layout is None:
            if len(cls._cache) >= 128:
                cls._cache.clear()
            layout = cls._cache[key] = cls(len(key), key[0], batch_sizes.cpu())
        return layout

    def mask_as(self, tensor):
        """The mask in ``tensor``'s dtype and device, None when not ragged."""
        if self.mask is None:
            return None
        return self.mask.to(device=tensor.device, dtype=tensor.dtype)


def _ragged_forward_loop(w_hh, views, sizes, batch_size):
    """The forward loop of a ragged batch: timestep t updates its first ``sizes[t]`` columns."""
    for (c, rz, r, z, hn, nt, out, h), s in zip(zip(*views), sizes):
        if s != batch_size:
            c, rz, r, z, hn, nt, out, h = (c[:, :s], rz[:, :s], r[:, :s], z[:, :s], hn[:, :s],
                                           nt[:, :s], out[:, :s], h[:, :s])
        c.addmm_(w_hh, h)
        rz.sigmoid_()
        nt.addcmul_(r, hn).tanh_()
        torch.lerp(nt, h, z, out=out)


class _GRULayer(torch.autograd.Function):
    """One direction of one GRU layer, feature-major; see :func:`gru_layer`."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, layout, reverse):
        T, B, H = layout.n_timesteps, layout.batch_size, w_hh.shape[1]
        H2, TB = 2 * H, T * B
        sizes, ragged = layout.sizes, layout.sizes is not None
        if b_ih is None:
            b_ih = b_hh = x.new_zeros(3 * H)
        # C: input projections plus biases; rows 2H: hold b_hn, the recurrent product is
        # added in place and the gates activated in place, so that C ends as (r, z, W_hn h +
        # b_hn) at every timestep. n: W_in x + b_in, then the candidate n in place.
        bias = torch.cat([b_ih[:H2] + b_hh[:H2], b_ih[H2:]])
        C = torch.addmm(bias[:, None], w_ih, x)
        n = C[H2:].clone()
        C[H2:] = b_hh[H2:, None]
        # Slots 0..T of hidden states: h0 in slot 0 and the output of timestep t in slot
        # t + 1 (forward), or outputs in slots 0..T-1 and h0 in slot T (reverse). A ragged
        # reverse pass starts each sequence from the slot just after its end, which holds
        # h0: every timestep reads its previous state from the neighbouring slot.
        slots = (x.new_zeros if ragged else x.new_empty)(H, T + 1, B)
        if not reverse:
            slots[:, 0] = h0.t()
        elif ragged:
            slots[:, layout.lengths, torch.arange(B)] = h0.t()
        else:
            slots[:, T] = h0.t()
        Cv = C.view(3 * H, T, B)
        views = [Cv.unbind(1), Cv[:H2].unbind(1), Cv[:H].unbind(1), Cv[H:H2].unbind(1),
                 Cv[H2:].unbind(1), n.view(H, T, B).unbind(1)]
        states = slots.unbind(1)
        if reverse:
            views = [v[::-1] for v in views] + [states[T - 1::-1], states[T:0:-1]]
        else:
            views += [states[1:], states[:T]]
        if ragged:
            _ragged_forward_loop(w_hh, views, sizes[::-1] if reverse else sizes, B)
        else:
            for c, rz, r, z, hn, nt, out, h in zip(*views):
                c.addmm_(w_hh, h)
                rz.sigmoid_()
                nt.addcmul_(r, hn).tanh_()
                torch.lerp(nt, h, z, out=out)
        if reverse:
            out, h_n = slots[:, :T], slots[:, 0]
        else:
            out = slots[:, 1:]
            h_n = slots[:, layout.lengths, torch.arange(B)] if ragged else slots[:, T]
        out = out.reshape(H, TB)
        ctx.save_for_backward(x, w_ih, w_hh, out)
        ctx.intermediates = (C, n, slots)
        ctx.layout, ctx.reverse = layout, reverse
        return out, h_n.t().contiguous()

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, d_out, d_h_n):
        x, w_ih, w_hh, _ = ctx.saved_tensors
        C, n, slots = ctx.intermediates
        layout, reverse = ctx.layout, ctx.reverse
        T, B, H = layout.n_timesteps, layout.batch_size, w_hh.shape[1]
        H2, TB = 2 * H, T * B
        ragged = layout.sizes is not None
        h_prev = (slots[:, 1:] if reverse else slots[:, :T]).reshape(H, TB)
        r, z, hn = C[:H], C[H:H2], C[H2:]
        # The gradients of the pre-activations are A[k] * g, with g the gradient of the new
        # hidden state: k = 0 reset gate a * hn * r(1 - r); k = 1 update gate
        # (h_prev - n) * z(1 - z); k = 2 recurrent candidate term W_hn h: a * r; and g * z
        # (k = 3) flows straight into h_prev; a = (1 - z)(1 - n^2) is that of the candidate.
        a = _tanh_backward(torch.rsub(z, 1), n)
        A = x.new_empty(4, H, TB)
        torch.mul(a, r, out=A[2])
        torch.mul(a, hn, out=A[0])
        torch.sub(h_prev, n, out=A[1])
        _sigmoid_backward_(A[:2], C[:H2].view(2, H, TB), grad_input=A[:2])
        A[3] = z
        if ragged:  # padding contributes nothing, whatever its gradient
            mask = layout.mask_as(A).view(1, TB)
            A.mul_(mask)
            a.mul_(mask)
        # g in slots like the hidden states: output gradients, plus that of the final state;
        # the loop adds the gradient flowing back from the next timestep; the h0 slot(s)
        # collect the gradient of the initial state.
        G = (x.new_zeros if ragged else x.new_empty)(H, T + 1, B)
        g_out = (G[:, :T] if reverse else G[:, 1:]).reshape(H, TB)
        g_out.copy_(d_out)
        if ragged:
            g_out.view(H, T, B).mul_(layout.mask_as(g_out))
        else:
            G[:, T if reverse else 0] = 0
        if reverse:
            G[:, 0] += d_h_n.t()
        elif ragged:
            G[:, layout.lengths, torch.arange(B)] += d_h_n.t()
        else:
            G[:, T] += d_h_n.t()
        grads = G.unbind(1)
        # Small hidden sizes: the straight path g * z rides along in the matrix product
        # (an identity block, fewer operations); large ones: a separate addition (fewer flops).
        fused = H < _FUSED_MAX_HIDDEN
        if fused:
            w = torch.cat([w_hh, torch.eye(H, dtype=w_hh.dtype, device=w_hh.device)]).t()
            steps = [A.view(4, H, T, B).unbind(2), A.view(4 * H, T, B).unbind(1)]
        else:
            w = w_hh.t()
            steps = [A.view(4, H, T, B).unbind(2), A.view(4 * H, T, B)[:3 * H].unbind(1),
                     A[3].view(H, T, B).unbind(1)]
        if reverse:
            steps += [grads[:T], grads[1:]]
        else:
            steps = [v[::-1] for v in steps] + [grads[T:0:-1], grads[T - 1::-1]]
        if fused:
            for a3, a2, g, g_prev in zip(*steps):
                a3.mul_(g)
                g_prev.addmm_(w, a2)
        else:
            for a3, a2, gz, g, g_prev in zip(*steps):
                a3.mul_(g)
                g_prev.addmm_(w, a2).add_(gz)
        # A[:3] now holds the gradients of the recurrent pre-activations W_hh h + b_hh; with
        # the candidate's row block replaced by g * a, those of the input ones.
        need = ctx.needs_input_grad
        d_gh = A[:3].view(3 * H, TB)
        d_w_hh = torch.mm(d_gh, h_prev.t()) if need[3] else None
        d_b_rz = d_gh[:H2].sum(1) if need[4] or need[5] else None
        d_b_hh = torch.cat([d_b_rz, A[2].sum(1)]) if need[5] else None
        torch.mul(g_out, a, out=A[2])
        d_gi = d_gh
        d_x = torch.mm(w_ih.t(), d_gi) if need[0] else None
        d_w_ih = None
        if need[2]:  # the product with the long dimension inner is faster for narrow inputs
            d_w_ih = torch.mm(x, d_gi.t()).t() if x.shape[0] < H else torch.mm(d_gi, x.t())
        d_b_ih = torch.cat([d_b_rz, A[2].sum(1)]) if need[4] else None
        d_h0 = None
        if need[1]:
            if not reverse:
                d_h0 = G[:, 0]
            elif ragged:
                d_h0 = G[:, layout.lengths, torch.arange(B)]
            else:
                d_h0 = G[:, T]
            d_h0 = d_h0.t()
        return d_x, d_h0, d_w_ih, d_w_hh, d_b_ih, d_b_hh, None, None


def gru_layer(x, h0, w_ih, w_hh, b_ih, b_hh, layout, reverse=False):
    """One direction of one GRU layer, feature-major, as :class:`torch.nn.GRU` computes it.

    Parameters
    ----------
    x : Tensor of shape (input_size, n_timesteps * batch_size)
        Inputs, feature-major: column ``t * batch_size + b`` is timestep ``t`` of sequence
        ``b``. In a ragged batch, columns past a sequence's end are ignored.
    h0 : Tensor of shape (batch_size, hidden_size)
        Initial state.
    w_ih : Tensor of shape (3 * hidden_size, input_size)
    w_hh : Tensor of shape (3 * hidden_size, hidden_size)
    b_ih, b_hh : Tensor of shape (3 * hidden_size,) or None
        Weights and biases in :class:`torch.nn.GRU`'s layout (reset, update, new gates).
    layout : GRULayout
        The sizes of the batch and, in a ragged batch, the length of each sequence.
    reverse : bool, default=False
        Whether to run from each sequence's last timestep to its first.

    Returns
    -------
    output : Tensor of shape (hidden_size, n_timesteps * batch_size)
        The hidden state at every timestep, feature-major (padding columns: unspecified).
    h_n : Tensor of shape (batch_size, hidden_size)
        Each sequence's final state, at its own length (at its first timestep when
        ``reverse``).
    """
    return _GRULayer.apply(x, h0, w_ih, w_hh, b_ih, b_hh, layout, bool(reverse))


def _dropout(x, p, layout):
    """Dropout of a feature-major ``x`` with the random draws of ``nn.GRU``'s dropout.

    ``nn.GRU`` drops entries of its layer outputs ``(n_timesteps * batch, features)``, or
    ``(N, features)`` in a packed batch; drawing the mask in that order keeps the two
    bit-for-bit alike under one seed.
    """
    if p >= 1:
        return x * 0
    features, columns = x.shape
    rows = columns if layout.index is None else len(layout.index)
    noise = x.new_empty(rows, features).bernoulli_(1 - p).div_(1 - p)
    if layout.index is not None:
        noise = x.new_zeros(columns, features).index_copy_(
            0, layout.index.to(x.device), noise)
    return x * noise.t()
