"""The PyTorch networks the estimators train, with their cells and operations.

They know nothing about scikit-learn or skorch: a batch-first input ``(batch, n_timesteps,
n_features)``, optional true ``lengths`` and an optional initial ``state`` go in; the output and
the final state come out.

- :mod:`.cells`: one file per recurrent cell and the registry :data:`CELLS`;
- :mod:`.ops`: masks of real steps, patching, per-sequence moments, pooling, target scaling;
- :mod:`.frontends`: what turns timesteps into the recurrent layer's inputs (``"conv"``);
- :mod:`.quantiles`: the quantile read-out of the forecaster's network and the pinball loss;
- :mod:`.states`: recurrent states (learned initial state, row-wise selection);
- one network per file: :class:`RecurrentNetwork`, :class:`MemorylessNetwork`,
  :class:`FeedbackNetwork`.
"""

from .cells import CELLS, MGU, CellSpec, FastGRU, get_cell, make_recurrent_layer, register_cell
from .feedback import FeedbackNetwork
from .frontends import FRONTENDS, ConvFrontend, make_frontend
from .memoryless import MemorylessNetwork
from .ops import (
    INSTANCE_NORM_EPS,
    POOLINGS,
    TargetScaling,
    last_real_step,
    patch_sequences,
    pool_steps,
    real_step_mask,
    sequence_moments,
    target_scaling,
)
from .quantiles import QuantileHead, check_quantile_levels, pinball_loss
from .recurrent import RecurrentNetwork
from .states import expand_initial_state, hidden_of, state_where

__all__ = [
    "CELLS",
    "FRONTENDS",
    "INSTANCE_NORM_EPS",
    "MGU",
    "POOLINGS",
    "QuantileHead",
    "CellSpec",
    "ConvFrontend",
    "FastGRU",
    "FeedbackNetwork",
    "MemorylessNetwork",
    "RecurrentNetwork",
    "TargetScaling",
    "check_quantile_levels",
    "expand_initial_state",
    "get_cell",
    "hidden_of",
    "last_real_step",
    "make_frontend",
    "make_recurrent_layer",
    "patch_sequences",
    "pinball_loss",
    "pool_steps",
    "real_step_mask",
    "register_cell",
    "sequence_moments",
    "state_where",
    "target_scaling",
]
