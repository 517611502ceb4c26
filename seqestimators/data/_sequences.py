"""The validated container of a batch of sequences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._masks import lengths_to_mask

__all__ = ["Sequences"]


@dataclass
class Sequences:
    """A validated batch of sequences: padded values and the true length of every one.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_features), float32
        Padded values.
    lengths : ndarray of shape (n_samples,), int64
        True length of every sequence (``n_timesteps`` for those that are not padded); always
        present.
    layout : {"2d", "3d", "ragged", "frame"}
        The layout ``X`` came in.
    feature_names : ndarray of str or None
        Column names of a long-format frame.
    """

    values: np.ndarray
    lengths: np.ndarray
    layout: str
    feature_names: np.ndarray | None = None

    def __post_init__(self):
        if self.lengths is None:
            self.lengths = np.full(self.values.shape[0], self.values.shape[1], dtype=np.int64)
        else:
            self.lengths = np.asarray(self.lengths, dtype=np.int64)

    @property
    def n_samples(self):
        return self.values.shape[0]

    @property
    def n_timesteps(self):
        return self.values.shape[1]

    @property
    def n_features(self):
        return self.values.shape[2]

    @property
    def ragged(self):
        """Whether ``X`` came as a list of sequences (or a long frame): results go back as lists."""
        return self.layout in ("ragged", "frame")

    @property
    def padded(self):
        """Whether any sequence is shorter than ``n_timesteps``."""
        return bool((self.lengths < self.n_timesteps).any())

    def mask(self):
        """Boolean ``(n_samples, n_timesteps)`` mask of the real timesteps."""
        return lengths_to_mask(self.lengths, self.n_timesteps)

    def true_lengths(self):
        """The length of every sequence (the same as :attr:`lengths`)."""
        return self.lengths

    def take(self, index):
        """The sequences selected by ``index`` (indices or a boolean mask), in the same layout."""
        names = self.feature_names
        return Sequences(self.values[index], self.lengths[index], self.layout, names)
