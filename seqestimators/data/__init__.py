"""Sequences as the estimators hold them: the validated container, masks, checks and batches.

* :class:`Sequences`: padded values and the true length of every sequence (always present);
* :func:`lengths_to_mask` and :func:`last_real_step`: the only builders of real-timestep masks
  and readers of the last real step;
* :func:`check_sequences`, :func:`check_sequence_targets`, :func:`record_input_shape`,
  :func:`check_input_shape`: validation with scikit-learn's messages;
* :class:`Batch`, :class:`SequenceDataset`, :class:`SequenceBatchIterator`: what training and
  inference iterate over;
* the layout conversions re-exported by :mod:`seqestimators.sequences`.
"""

from ._batch import Batch, SequenceBatchIterator, SequenceDataset, resolve_dataset
from ._checks import (
    check_input_shape,
    check_seed,
    check_sequence_targets,
    check_sequences,
    record_input_shape,
)
from ._layouts import (
    INDEX_NAMES,
    frame_to_sequences,
    is_ragged,
    pad_sequences,
    sequences_to_frame,
    unpad_sequences,
)
from ._masks import last_real_step, lengths_to_mask
from ._sequences import Sequences

__all__ = [
    "INDEX_NAMES",
    "Batch",
    "SequenceBatchIterator",
    "SequenceDataset",
    "Sequences",
    "check_input_shape",
    "check_seed",
    "check_sequence_targets",
    "check_sequences",
    "frame_to_sequences",
    "is_ragged",
    "last_real_step",
    "lengths_to_mask",
    "pad_sequences",
    "record_input_shape",
    "resolve_dataset",
    "sequences_to_frame",
    "unpad_sequences",
]
