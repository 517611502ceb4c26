"""Operations on a recurrent state: a tensor ``(layers, batch, ...)`` or a tuple of them."""

from __future__ import annotations

__all__ = ["detach_state", "map_state", "resize_state", "state_where"]


def map_state(fn, state):
    """``fn`` applied to a state tensor, or to each tensor of a state tuple (None stays None)."""
    if state is None:
        return None
    return tuple(fn(s) for s in state) if isinstance(state, tuple) else fn(state)


def detach_state(state):
    """The state cut from the autograd graph: gradients never flow into the next batch."""
    return map_state(lambda s: s.detach(), state)


def state_where(active, new, old):
    """Rows of the state ``new`` where ``active`` ``(batch,)`` is True, rows of ``old`` elsewhere.

    ``old`` None (no state yet) gives ``new``.
    """
    import torch

    if old is None:
        return new
    mask = active.view(1, -1, 1)
    if isinstance(new, tuple):
        return tuple(torch.where(mask, n, o) for n, o in zip(new, old))
    return torch.where(mask, new, old)


def resize_state(state, batch_size, *, fill=0.0):
    """A state of layout ``(layers, batch0, ...)`` cut or padded to ``batch_size`` rows.

    Rows past the carried ones have no history: they are filled with ``fill`` (zeros for a
    recurrent state; the forecaster pads its fed-back values with NaN, "no previous output").

    Parameters
    ----------
    state : Tensor or tuple of Tensor
        Each tensor of shape ``(n_layers, batch0, ...)``.
    batch_size : int
        Rows of the result.
    fill : float or sequence of float, default=0.0
        Value of new rows, one per tensor of a tuple state or one for all.

    Returns
    -------
    state : Tensor or tuple of Tensor
        Each tensor of shape ``(n_layers, batch_size, ...)``.
    """
    import torch  # here, so that the command line can read the policies without torch

    tensors = state if isinstance(state, tuple) else (state,)
    fills = fill if isinstance(fill, (list, tuple)) else [fill] * len(tensors)
    out = []
    for s, value in zip(tensors, fills):
        if s.shape[1] >= batch_size:
            out.append(s[:, :batch_size])
        else:
            pad = s.new_full((s.shape[0], batch_size - s.shape[1], *s.shape[2:]), value)
            out.append(torch.cat([s, pad], dim=1))
    return tuple(out) if isinstance(state, tuple) else out[0]
