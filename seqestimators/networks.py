"""Plain PyTorch networks trained by the estimators (the public face of :mod:`seqestimators.nn`).

They know nothing about scikit-learn or skorch: a batch-first input ``(batch, n_timesteps,
n_features)``, optional true ``lengths`` and an optional initial ``state`` go in; the output and
the final hidden state come out. :data:`CELLS` maps each cell name (the estimators' ``cell``
values) to its :class:`~seqestimators.nn.cells.CellSpec`; ``"gru"`` is
:class:`~seqestimators.nn.cells.FastGRU` (on CPU training, a hand-written backward pass about 2x
faster than ``nn.GRU``, same results).
"""

from __future__ import annotations

from .nn import (
    CELLS,
    FRONTENDS,
    INSTANCE_NORM_EPS,
    POOLINGS,
    ConvFrontend,
    FeedbackNetwork,
    MemorylessNetwork,
    RecurrentNetwork,
    expand_initial_state,
    make_recurrent_layer,
    patch_sequences,
    sequence_moments,
    state_where,
)

__all__ = [
    "CELLS",
    "FRONTENDS",
    "ConvFrontend",
    "INSTANCE_NORM_EPS",
    "POOLINGS",
    "FeedbackNetwork",
    "MemorylessNetwork",
    "RecurrentNetwork",
    "expand_initial_state",
    "make_recurrent_layer",
    "patch_sequences",
    "sequence_moments",
    "state_where",
]
