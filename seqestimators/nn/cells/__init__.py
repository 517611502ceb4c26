"""Recurrent cells: one file per cell and the registry :data:`CELLS` (name -> :class:`CellSpec`).

To add a cell, write ``nn/cells/<name>.py`` with its layer stack (an :class:`torch.nn.Module`
with :class:`torch.nn.GRU`'s constructor and call convention) and a :class:`CellSpec` holding
the layer, its number of state tensors and its one-timestep step function, then add the spec to
the tuple below. Everything else (the estimators' ``cell`` constraint, the default search space,
the command line's choices, the networks) reads :data:`CELLS`.
"""

from ._registry import (
    CELLS,
    CellSpec,
    get_cell,
    layer_weights,
    make_recurrent_layer,
    register_cell,
    run_step,
)
from .gru import GRU_CELL, FastGRU
from .lstm import LSTM_CELL
from .mgu import MGU, MGU_CELL
from .rnn import RNN_CELL

__all__ = ["CELLS", "MGU", "CellSpec", "FastGRU", "get_cell", "layer_weights",
           "make_recurrent_layer", "register_cell", "run_step"]

for _spec in (RNN_CELL, LSTM_CELL, GRU_CELL, MGU_CELL):
    register_cell(_spec)
