"""Conversions between the three layouts of a batch of sequences.

A batch of sequences can be held as

* a **padded array** ``(n_samples, n_timesteps, ...)`` plus the true ``lengths`` of each sequence
  (or a boolean ``mask``);
* a **ragged list** of ``n_samples`` arrays, the i-th of shape ``(n_timesteps_i, ...)``;
* a **long-format DataFrame** with a MultiIndex ``(sample, timestep)`` and one column per feature.

The loaders and the estimators use these helpers to move between them. They live in
:mod:`seqestimators.data`; this module is their documented public path.
"""

from .data import (
    INDEX_NAMES,
    frame_to_sequences,
    is_ragged,
    lengths_to_mask,
    pad_sequences,
    sequences_to_frame,
    unpad_sequences,
)

__all__ = [
    "INDEX_NAMES",
    "frame_to_sequences",
    "is_ragged",
    "lengths_to_mask",
    "pad_sequences",
    "sequences_to_frame",
    "unpad_sequences",
]
