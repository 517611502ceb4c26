"""The typed mini-batch, the in-memory sequence dataset and its batch iterator.

skorch's default ``DataLoader`` fetches and collates every sample, which costs 10-50 % of an
epoch for small recurrent models. :class:`SequenceBatchIterator` indexes whole batches out of the
dataset's tensors instead; it is the default ``iterator_train`` / ``iterator_valid`` of the
estimators. ``DataLoader`` still works: :class:`SequenceDataset` is an ordinary map-style dataset
whose items are dicts, which :meth:`Batch.from_mapping` reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import torch
from torch.utils.data import Dataset, Subset

from ._masks import lengths_to_mask

__all__ = ["Batch", "SequenceBatchIterator", "SequenceDataset", "resolve_dataset"]


@dataclass(frozen=True)
class Batch:
    """The inputs of one mini-batch (or one truncated-BPTT window of it), as the network reads them.

    Attributes
    ----------
    X : Tensor of shape (batch, n_timesteps, n_features)
        Padded sequences, the time axis cut to the longest one in the batch.
    lengths : Tensor of shape (batch,)
        True length of every sequence, always present (at least 1 in a window).
    padded : bool
        Whether the batch holds padded timesteps: the network then reads ``lengths`` and the
        loss reads real timesteps only; otherwise both see every timestep.
    target_lengths : Tensor of shape (batch,) or None
        In a window: the real timesteps of each sequence inside it (0 for a sequence that has
        ended); None outside windows (``lengths`` counts them).
    start : int
        The window's offset in its sequences (0 for a whole batch).
    """

    X: torch.Tensor
    lengths: torch.Tensor
    padded: bool = False
    target_lengths: torch.Tensor | None = None
    start: int = 0

    def __len__(self):
        # skorch measures a batch (and weighs its loss in the epoch's mean) by its length.
        return self.X.shape[0]

    @classmethod
    def from_mapping(cls, x):
        """A Batch from a dict batch (``{"X": ..., "lengths": ...}``, as ``DataLoader`` collates).

        A dict without ``"lengths"`` holds unpadded sequences.
        """
        if isinstance(x, cls):
            return x
        if not isinstance(x, Mapping):
            raise TypeError(f"A batch must be a Batch or a dict with key 'X'; got {type(x).__name__}.")
        X = x["X"]
        lengths = x.get("lengths")
        padded = lengths is not None
        if lengths is None:
            lengths = torch.full((X.shape[0],), X.shape[1], dtype=torch.long, device=X.device)
        return cls(X, torch.as_tensor(lengths), padded, x.get("target_lengths"),
                   int(x.get("start", 0)))

    def network_lengths(self):
        """``lengths`` for the network's ``forward``, or None when no timestep is padded."""
        return self.lengths if self.padded else None

    def loss_mask(self, n_timesteps=None):
        """Boolean ``(batch, n_timesteps)`` mask of the timesteps the loss reads; None for all."""
        if not self.padded:
            return None
        lengths = self.lengths if self.target_lengths is None else self.target_lengths
        return lengths_to_mask(lengths, self.X.shape[1] if n_timesteps is None else n_timesteps)

    def n_real(self):
        """The number of real timesteps the loss reads."""
        if not self.padded:
            return self.X.shape[0] * self.X.shape[1]
        lengths = self.lengths if self.target_lengths is None else self.target_lengths
        return int(lengths.sum())

    def window(self, start, stop):
        """The timesteps ``start:stop`` of every sequence, for truncated BPTT."""
        X = self.X[:, start:stop]
        if not self.padded:
            lengths = torch.full((X.shape[0],), X.shape[1], dtype=self.lengths.dtype,
                                 device=self.lengths.device)
            return Batch(X, lengths, False, None, start)
        window_lengths = (self.lengths - start).clamp(0, stop - start)
        return Batch(X, window_lengths.clamp(min=1), True, window_lengths, start)

    def real_rows(self):
        """Boolean ``(batch,)``: the sequences with at least one real timestep in this window."""
        if self.target_lengths is None:
            return torch.ones(self.X.shape[0], dtype=torch.bool, device=self.X.device)
        return self.target_lengths > 0

    def to(self, device, dtype=None):
        """The batch with ``X`` (in ``dtype``) and ``lengths`` on ``device``."""
        X = self.X.to(device=device, dtype=dtype)
        return replace(self, X=X, lengths=self.lengths.to(device))


class SequenceDataset(Dataset):
    """Padded sequences, their lengths and targets held as tensors.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_timesteps, n_features)
        Padded input sequences.
    lengths : Tensor of shape (n_samples,) or None
        True lengths; None is read as every sequence filling all ``n_timesteps``.
    y : Tensor of shape (n_samples, ...) or None
        Targets; padded per-timestep targets hold the padding value after each length.

    Notes
    -----
    Item ``i`` is ``({"X": X[i], "lengths": lengths[i]}, y[i])`` (``"lengths"`` only when some
    sequence is padded), for ``DataLoader``; :class:`SequenceBatchIterator` yields
    :class:`Batch` objects.
    """

    def __init__(self, X, lengths=None, y=None):
        self.X = X
        if lengths is None:
            lengths = torch.full((X.shape[0],), X.shape[1], dtype=torch.long, device=X.device)
        self.lengths = lengths
        self.y = y

    @property
    def padded(self):
        """Whether any sequence is shorter than the padded length."""
        return bool((self.lengths < self.X.shape[1]).any())

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, i):
        Xi = {"X": self.X[i]}
        if self.padded:
            Xi["lengths"] = self.lengths[i]
        yi = self.y[i] if self.y is not None else torch.zeros(())
        return Xi, yi

    def take(self, index):
        """Dataset of the samples selected by ``index`` (a slice, indices or a boolean mask)."""
        return SequenceDataset(self.X[index], self.lengths[index],
                               None if self.y is None else self.y[index])

    def to(self, device):
        """Dataset with its tensors moved to ``device``."""
        return SequenceDataset(self.X.to(device), self.lengths.to(device),
                               None if self.y is None else self.y.to(device))

    def batch(self, index):
        """One mini-batch ``(Batch, y)``, its time axis cut to the longest sequence in it."""
        X = self.X[index]
        lengths = self.lengths[index]
        y = None if self.y is None else self.y[index]
        n_timesteps = int(lengths.max())
        if n_timesteps < X.shape[1]:
            X = X[:, :n_timesteps]
            if y is not None and y.ndim >= 2:
                y = y[:, :n_timesteps]
        padded = bool((lengths < n_timesteps).any())
        return Batch(X, lengths, padded), (y if y is not None else torch.zeros(X.shape[0]))


def resolve_dataset(dataset):
    """The SequenceDataset under (possibly nested) ``Subset`` wrappers."""
    indices = None
    while isinstance(dataset, Subset):
        sub = torch.as_tensor(dataset.indices, dtype=torch.long)
        indices = sub if indices is None else sub[indices]
        dataset = dataset.dataset
    if not isinstance(dataset, SequenceDataset):
        raise TypeError(
            "SequenceBatchIterator needs a SequenceDataset; got "
            f"{type(dataset).__name__}. Pass iterator_train=torch.utils.data.DataLoader "
            "for other datasets."
        )
    return dataset if indices is None else dataset.take(indices.to(dataset.X.device))


class SequenceBatchIterator:
    """Iterate over mini-batches of a :class:`SequenceDataset` without per-sample collation.

    Parameters
    ----------
    dataset : SequenceDataset or torch.utils.data.Subset of one
        The data.
    batch_size : int, default=32
        Sequences per batch; ``-1`` is resolved by skorch to the whole dataset.
    shuffle : bool, default=False
        Draw a new permutation (from torch's global generator) at every pass.
    drop_last : bool, default=False
        Skip a last batch smaller than ``batch_size``.
    """

    def __init__(self, dataset, batch_size=32, shuffle=False, drop_last=False):
        self.dataset = resolve_dataset(dataset)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = torch.randperm(n, device=self.dataset.X.device) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            stop = min(start + self.batch_size, n)
            if self.drop_last and stop - start < self.batch_size:
                return
            index = slice(start, stop) if order is None else order[start:stop]
            yield self.dataset.batch(index)
