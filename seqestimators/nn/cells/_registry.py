"""The cell registry: what the networks need to know about a recurrent cell, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["CELLS", "CellSpec", "get_cell", "layer_weights", "make_recurrent_layer", "register_cell",
           "run_step"]


@dataclass(frozen=True)
class CellSpec:
    """A recurrent cell as the networks see it.

    Parameters
    ----------
    name : str
        The value of the estimators' ``cell`` parameter.
    layer : type
        The layer stack, an :class:`torch.nn.Module` with :class:`torch.nn.GRU`'s constructor
        ``(input_size, hidden_size, num_layers, *, batch_first, dropout, bidirectional)`` and
        call convention: a padded batch or a
        :class:`~torch.nn.utils.rnn.PackedSequence` and an initial state in, ``(output,
        final_state)`` out, its parameters named ``weight_ih_l{k}``, ``weight_hh_l{k}``,
        ``bias_ih_l{k}``, ``bias_hh_l{k}`` (``_reverse`` for the backward direction).
    n_states : int
        Number of state tensors: 1 (a tensor ``h``) or more (a tuple, ``(h, c)`` for LSTM),
        each of shape ``(num_layers * num_directions, batch, hidden_size)``. The first one is
        the hidden output.
    step : callable
        ``step(layer, k, x, state) -> new_state``: the gate arithmetic of layer ``k`` of
        ``layer`` (one direction) on one timestep ``x`` of shape ``(batch, in_features)``;
        ``state`` and ``new_state`` are tuples of ``n_states`` tensors ``(batch,
        hidden_size)``. Used by networks that feed outputs back one timestep at a time.
    options : tuple of str, default=()
        Extra constructor keywords of ``layer`` the networks pass on (``"nonlinearity"`` for
        the plain RNN).
    description : str, default=""
        One line for the documentation.
    gated : bool, default=True
        Whether gates let the state (and its gradient) persist over long spans; an ungated
        cell is the first suspect when a long memory is not learned (read by diagnostics).
    """

    name: str
    layer: type
    n_states: int
    step: Callable
    options: tuple = ()
    description: str = ""
    gated: bool = True


#: Every registered cell by name, in registration order.
CELLS: dict[str, CellSpec] = {}


def register_cell(spec):
    """Add ``spec`` (a :class:`CellSpec`) to :data:`CELLS`, under ``spec.name``."""
    if not isinstance(spec, CellSpec):
        raise TypeError(f"register_cell takes a CellSpec; got {type(spec).__name__}.")
    if spec.n_states < 1:
        raise ValueError(f"n_states must be >= 1; got {spec.n_states}.")
    CELLS[spec.name] = spec
    return spec


def get_cell(cell):
    """The :class:`CellSpec` registered as ``cell``; a clear error for an unknown name."""
    try:
        return CELLS[cell]
    except (KeyError, TypeError):
        raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}.") from None


def layer_weights(layer, k, suffix=""):
    """``(w_ih, w_hh, b_ih, b_hh)`` of layer ``k`` (``suffix="_reverse"``: its backward
    direction), the biases None for a layer without them."""
    names = [f"{kind}_l{k}{suffix}" for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return tuple(getattr(layer, name, None) for name in names)


def make_recurrent_layer(cell, input_size, hidden_size, num_layers=1, *, bidirectional=False,
                         dropout=0.0, nonlinearity="tanh"):
    """The batch-first recurrent layer stack of ``cell`` (a key of :data:`CELLS`).

    ``dropout`` applies between stacked layers only, so it is dropped for one layer (the
    estimators warn about that, as torch does). ``nonlinearity`` reaches only the cells that
    take it.
    """
    spec = get_cell(cell)
    given = {"nonlinearity": nonlinearity}
    extra = {name: given[name] for name in spec.options}
    return spec.layer(input_size, hidden_size, num_layers, batch_first=True,
                      dropout=dropout if num_layers > 1 else 0.0,
                      bidirectional=bidirectional, **extra)


def run_step(cell, layer, x, state, *, dropout=0.0, training=False):
    """The unidirectional layer stack ``layer`` of ``cell`` on one timestep.

    Parameters
    ----------
    cell : str
        A key of :data:`CELLS`.
    layer : torch.nn.Module
        The layer stack, as made by :func:`make_recurrent_layer`.
    x : Tensor of shape (batch, input_size)
        The timestep's inputs.
    state : Tensor, tuple of Tensor or None
        The state in the layer's own layout (zeros when None).
    dropout : float, default=0.0
        Dropout between stacked layers (active only when ``training``).
    training : bool, default=False

    Returns
    -------
    hidden : Tensor of shape (batch, hidden_size)
        The top layer's output.
    state : Tensor or tuple of Tensor
        The new state, in the layout of ``state``.
    """
    spec = get_cell(cell)
    if state is None:
        zeros = x.new_zeros(layer.num_layers, x.shape[0], layer.hidden_size)
        state = (zeros,) * spec.n_states
    elif spec.n_states == 1:
        state = (state,)
    new = []
    inp = x
    for k in range(layer.num_layers):
        if k > 0 and dropout > 0:
            inp = nn.functional.dropout(inp, dropout, training=training)
        layer_state = spec.step(layer, k, inp, tuple(s[k] for s in state))
        new.append(layer_state)
        inp = layer_state[0]
    stacked = tuple(torch.stack(parts) for parts in zip(*new))
    return inp, stacked if spec.n_states > 1 else stacked[0]
