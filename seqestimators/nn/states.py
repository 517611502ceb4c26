"""Recurrent states as the networks hold them: a tensor, or a tuple of tensors."""

from __future__ import annotations

import torch

__all__ = ["expand_initial_state", "hidden_of", "state_where"]


def state_where(active, new, old):
    """Rows of the state ``new`` where ``active`` (batch,), rows of ``old`` elsewhere."""
    if old is None:
        return new
    mask = active.view(1, -1, 1)
    if isinstance(new, tuple):
        return tuple(torch.where(mask, n, o) for n, o in zip(new, old))
    return torch.where(mask, new, old)


def expand_initial_state(initial_state, batch_size):
    """A learned initial state for ``batch_size`` rows.

    Parameters
    ----------
    initial_state : Tensor of shape (n_states, num_layers * num_directions, 1, hidden_size)
        The trainable state, one slice per state tensor of the cell.
    batch_size : int

    Returns
    -------
    state : Tensor or tuple of Tensor
        ``(num_layers * num_directions, batch_size, hidden_size)``: a tensor for one-state
        cells, a tuple of ``n_states`` tensors otherwise (``(h, c)`` for LSTM).
    """
    state = initial_state.expand(-1, -1, batch_size, -1).contiguous()
    return tuple(state.unbind(0)) if state.shape[0] > 1 else state[0]


def hidden_of(state):
    """The hidden output ``h`` of a state (the first tensor of a tuple state)."""
    return state[0] if isinstance(state, tuple) else state
