"""The diagnosed data: validated sequences and targets, their split, windows and padding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

from ..data import check_sequence_targets, check_sequences
from ..sequences import pad_sequences, unpad_sequences


@dataclass
class Data:
    """Validated sequences and targets in the canonical layouts the estimators accept."""

    X: object            # (n, T, F) array or list of (T_i, F) arrays
    y: object            # array in the shape of y, or list of per-sequence arrays
    lengths: np.ndarray  # (n,) true lengths
    ragged: bool

    @property
    def n_samples(self):
        return len(self.lengths)

    def take(self, index):
        """The sequences ``index``."""
        index = np.asarray(index)
        if self.ragged:
            return Data([self.X[i] for i in index], [self.y[i] for i in index]
                        if isinstance(self.y, list) else self.y[index],
                        self.lengths[index], True)
        return Data(self.X[index], self.y[index], self.lengths[index], False)

    def window(self, start, stop):
        """Timesteps ``start:stop`` of every (equal-length, per-timestep) sequence."""
        return Data(self.X[:, start:stop], self.y[:, start:stop],
                    np.full(self.n_samples, len(range(start, min(stop, self.X.shape[1])))),
                    False)

    def padded(self, index=None, dtype=np.float32):
        """Padded array ``(b, T, F)`` and lengths of the sequences ``index`` (default: all)."""
        index = np.arange(self.n_samples) if index is None else np.asarray(index)
        if self.ragged:
            X, lengths = pad_sequences([np.asarray(self.X[i], dtype=dtype).reshape(
                len(self.X[i]), -1) for i in index], dtype=dtype)
            return X, lengths
        return np.asarray(self.X[index], dtype=dtype), self.lengths[index]

    def with_X(self, X):
        """The same targets and lengths with other (transformed) sequences."""
        return Data(X, self.y, self.lengths, self.ragged)


def canonical(X, y, net):
    """:class:`Data` of ``X, y`` as ``net`` reads them, and the output kind (``"last"`` or
    ``"sequence"``)."""
    sequences = check_sequences(X, estimator=net)
    output = getattr(net, "output_", None) or getattr(net, "output", "auto")
    targets, output, target_ndim = check_sequence_targets(
        y, sequences, output=output, allow_multi_target=True, estimator=net,
        numeric=not is_classifier(net))
    lengths = sequences.true_lengths()
    if output == "last":
        y_c = targets[:, 0] if target_ndim == 1 else targets
    else:
        y_c = targets[..., 0] if target_ndim == 2 else targets
    if sequences.ragged:
        X_c = unpad_sequences(sequences.values, lengths)
        if output == "sequence":
            y_c = unpad_sequences(y_c, lengths)
        return Data(list(X_c), y_c if isinstance(y_c, np.ndarray) else list(y_c), lengths,
                    True), output
    return Data(sequences.values, y_c, lengths, False), output


def split(data, output, validation_fraction, rng):
    """Training and validation parts: by sequences, or by time for one or a few streams.

    Returns ``(train, valid, how)`` with ``how`` one of ``"sequences"``, ``"time"`` and
    ``"none"`` (``valid`` is None).
    """
    n = data.n_samples
    if n >= 5:
        order = rng.permutation(n)
        n_valid = max(1, int(round(validation_fraction * n)))
        return data.take(np.sort(order[n_valid:])), data.take(np.sort(order[:n_valid])), \
            "sequences"
    if output == "sequence" and not data.ragged:
        T = data.X.shape[1]
        cut = int(round((1 - validation_fraction) * T))
        if 1 <= cut < T:
            return data.window(0, cut), data.window(cut, T), "time"
    return data, None, "none"


def subsample(data, n, rng):
    """At most ``n`` sequences of ``data``, drawn without replacement."""
    if data.n_samples <= n:
        return data
    return data.take(np.sort(rng.choice(data.n_samples, n, replace=False)))


def windows(data, length):
    """One long (per-timestep) stream cut into consecutive windows of ``length`` timesteps."""
    T = data.X.shape[1]
    n = T // length
    X = data.X[:, :n * length].reshape(-1, length, data.X.shape[2])
    y = np.asarray(data.y)
    y = y[:, :n * length].reshape(-1, length, *y.shape[2:]) if y.ndim >= 2 and \
        y.shape[1] == T else np.repeat(y, n, axis=0)
    return Data(X, y, np.full(len(X), length), False)


def probe_data(data, max_length=200):
    """Long equal-length sequences cut into windows of ``max_length`` for the probes."""
    if data.ragged or data.X.shape[1] <= max_length:
        return data
    return windows(data, max_length)


def history_frame(net):
    """Per-epoch ``epoch`` (an int from 1), ``train_loss`` and, when recorded, ``valid_loss``."""
    history = getattr(net, "history_", None)
    if not history:
        return pd.DataFrame({"epoch": pd.Series([], dtype=int), "train_loss": []})
    rows = []
    for i, epoch in enumerate(history):
        row = {"epoch": i + 1, "train_loss": epoch.get("train_loss", np.nan)}
        if "valid_loss" in epoch:
            row["valid_loss"] = epoch["valid_loss"]
        rows.append(row)
    return pd.DataFrame(rows)


def initial_loss(net):
    """The loss of the first training batch: the loss at initialization (None if unknown)."""
    try:
        return float(net.history_[0]["batches"][0]["train_loss"])
    except (TypeError, IndexError, KeyError):
        return None
