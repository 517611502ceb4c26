"""In-memory sequence dataset and a batch iterator that slices its tensors directly.

skorch's default ``DataLoader`` fetches and collates every sample, which costs 10-50 % of an
epoch for small recurrent models. :class:`SequenceBatchIterator` indexes whole batches out of the
dataset's tensors instead; it is the default ``iterator_train`` / ``iterator_valid`` of the
estimators. ``DataLoader`` still works: :class:`SequenceDataset` is an ordinary map-style dataset.
"""

from __future__ import annotations

import torch
from torch.utils.data import Dataset, Subset

__all__ = ["SequenceBatchIterator", "SequenceDataset"]


class SequenceDataset(Dataset):
    """Padded sequences, their lengths and targets held as tensors.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_timesteps, n_features)
        Padded input sequences.
    lengths : Tensor of shape (n_samples,) or None
        True lengths; None when every sequence fills all ``n_timesteps``.
    y : Tensor of shape (n_samples, ...) or None
        Targets; padded per-timestep targets hold the padding value after each length.

    Notes
    -----
    Item ``i`` is ``({"X": X[i], "lengths": lengths[i]}, y[i])`` (``"lengths"`` only for ragged
    data), which skorch passes to the module as keyword arguments.
    """

    def __init__(self, X, lengths=None, y=None):
        self.X = X
        self.lengths = lengths
        self.y = y

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, i):
        Xi = {"X": self.X[i]}
        if self.lengths is not None:
            Xi["lengths"] = self.lengths[i]
        yi = self.y[i] if self.y is not None else torch.zeros(())
        return Xi, yi

    def take(self, index):
        """Dataset of the samples selected by ``index`` (a slice, indices or a boolean mask)."""
        return SequenceDataset(
            self.X[index],
            None if self.lengths is None else self.lengths[index],
            None if self.y is None else self.y[index],
        )

    def to(self, device):
        """Dataset with its tensors moved to ``device``."""
        return SequenceDataset(
            self.X.to(device),
            None if self.lengths is None else self.lengths.to(device),
            None if self.y is None else self.y.to(device),
        )

    def batch(self, index):
        """One mini-batch ``(Xi, yi)``, its time axis cut to the longest sequence in it."""
        X = self.X[index]
        Xi = {"X": X}
        y = None if self.y is None else self.y[index]
        if self.lengths is not None:
            lengths = self.lengths[index]
            n_timesteps = int(lengths.max())
            if n_timesteps < X.shape[1]:
                Xi["X"] = X[:, :n_timesteps]
                if y is not None and y.ndim >= 2:
                    y = y[:, :n_timesteps]
            if bool((lengths < n_timesteps).any()):
                Xi["lengths"] = lengths
        return Xi, (y if y is not None else torch.zeros(X.shape[0]))


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
