"""Hidden-state policies: what a recurrent estimator starts each batch from.

A policy is one object that answers every question the estimators, the searches, the command
line and the exporters ask about the initial hidden state, and carries it out (the state a
batch starts from, the state it leaves for the next one), so that adding a policy means adding
one class to :data:`STATE_POLICIES`:

===========  ===============================================================================
``reset``    zeros for every batch: independent sequences (the default)
``carry``    the final state of one training batch, detached, starts the next one, across
             batches, epochs and calls (Keras ``stateful=True``): consecutive chunks of a stream
``learned``  a trainable initial state, the same for every sequence
===========  ===============================================================================

Only training passes move the carried state (and, as documented, ``partial_fit`` and the
prediction methods, which continue a stream chunk by chunk); validation passes and the
per-epoch scoring never do. Notes about carrying are :class:`CarryContinuationWarning`\\ s:
filter them by category, not by message text.
"""

from ._policies import (
    STATE_POLICIES,
    CarryContinuationWarning,
    CarryPolicy,
    LearnedPolicy,
    ResetPolicy,
    StatePolicy,
    get_state_policy,
)
from ._tensors import detach_state, map_state, resize_state, state_where

__all__ = [
    "STATE_POLICIES",
    "CarryContinuationWarning",
    "CarryPolicy",
    "LearnedPolicy",
    "ResetPolicy",
    "StatePolicy",
    "detach_state",
    "get_state_policy",
    "map_state",
    "resize_state",
    "state_where",
]
