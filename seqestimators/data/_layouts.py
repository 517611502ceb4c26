"""Conversions between the layouts of a batch of sequences: padded arrays, ragged lists and
long-format frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "INDEX_NAMES",
    "frame_to_sequences",
    "is_ragged",
    "pad_sequences",
    "sequences_to_frame",
    "unpad_sequences",
]

INDEX_NAMES = ("sample", "timestep")


def is_ragged(X) -> bool:
    """Return True when ``X`` is a list or tuple of per-sequence arrays.

    Parameters
    ----------
    X : object
        A candidate batch of sequences.

    Returns
    -------
    ragged : bool
        True for a list/tuple whose items are array-likes of at least one dimension.

    Examples
    --------
    >>> import numpy as np
    >>> is_ragged([np.zeros((3, 2)), np.zeros((5, 2))])
    True
    >>> is_ragged(np.zeros((2, 5, 2)))
    False
    """
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    return all(np.ndim(item) >= 1 for item in X)


def pad_sequences(sequences, *, dtype=None, pad_value=0.0, n_timesteps=None):
    """Stack sequences of different lengths into one padded array.

    Parameters
    ----------
    sequences : list of array-like of shape (n_timesteps_i, ...)
        The sequences. All must share the shape of their trailing axes.
    dtype : data-type, default=None
        Data type of the result; by default the result type of the sequences.
    pad_value : scalar, default=0.0
        Value written after the end of each sequence.
    n_timesteps : int, default=None
        Length of the padded time axis; by default the longest sequence's length.

    Returns
    -------
    padded : ndarray of shape (n_samples, n_timesteps, ...)
        The sequences, each followed by ``pad_value`` up to ``n_timesteps``.
    lengths : ndarray of shape (n_samples,), dtype int64
        The true length of each sequence.

    Examples
    --------
    >>> import numpy as np
    >>> padded, lengths = pad_sequences([np.ones((2, 3)), np.ones((4, 3))])
    >>> padded.shape, lengths.tolist()
    ((2, 4, 3), [2, 4])
    """
    arrays = [np.asarray(seq) for seq in sequences]
    if not arrays:
        raise ValueError("Found 0 sequences while a minimum of 1 is required.")
    trailing = {a.shape[1:] for a in arrays}
    if len(trailing) > 1:
        raise ValueError(
            "All sequences must have the same number of features; found trailing shapes "
            f"{sorted(trailing)}."
        )
    lengths = np.array([a.shape[0] for a in arrays], dtype=np.int64)
    max_len = int(lengths.max())
    if n_timesteps is None:
        n_timesteps = max_len
    elif n_timesteps < max_len:
        raise ValueError(f"n_timesteps={n_timesteps} is shorter than the longest sequence ({max_len}).")
    if dtype is None:
        dtype = np.result_type(*arrays)
    padded = np.full((len(arrays), n_timesteps, *arrays[0].shape[1:]), pad_value, dtype=dtype)
    for i, a in enumerate(arrays):
        padded[i, : a.shape[0]] = a
    return padded, lengths


def unpad_sequences(padded, lengths):
    """Split a padded array back into a ragged list.

    Parameters
    ----------
    padded : array-like of shape (n_samples, n_timesteps, ...)
        Padded sequences.
    lengths : array-like of shape (n_samples,)
        True length of each sequence.

    Returns
    -------
    sequences : list of ndarray
        The i-th item has shape ``(lengths[i], ...)``.

    Examples
    --------
    >>> import numpy as np
    >>> seqs = unpad_sequences(np.arange(6).reshape(2, 3), [1, 3])
    >>> [s.tolist() for s in seqs]
    [[0], [3, 4, 5]]
    """
    padded = np.asarray(padded)
    lengths = np.asarray(lengths)
    if len(padded) != len(lengths):
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{len(padded)}, {len(lengths)}]"
        )
    if lengths.size and (lengths.min() < 0 or lengths.max() > padded.shape[1]):
        raise ValueError(
            f"lengths must lie between 0 and the padded length {padded.shape[1]}; got values "
            f"from {lengths.min()} to {lengths.max()}."
        )
    return [padded[i, : int(n)] for i, n in enumerate(lengths)]


def sequences_to_frame(X, *, feature_names=None, lengths=None):
    """Long-format DataFrame of a batch of sequences.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
        A 3D array, a 2D array of univariate sequences, or a ragged list of
        ``(n_timesteps_i[, n_features])`` arrays.
    feature_names : list of str, default=None
        Column names; by default ``x0, x1, ...``.
    lengths : array-like of shape (n_samples,), default=None
        True lengths when ``X`` is a padded array; padding rows are left out.

    Returns
    -------
    frame : DataFrame of shape (total_timesteps, n_features)
        MultiIndex ``(sample, timestep)``, one column per feature.

    Examples
    --------
    >>> import numpy as np
    >>> frame = sequences_to_frame(np.zeros((2, 3, 1)), feature_names=["x"])
    >>> frame.shape, list(frame.index.names)
    ((6, 1), ['sample', 'timestep'])
    """
    if is_ragged(X):
        seqs = [np.asarray(s) for s in X]
    else:
        arr = np.asarray(X)
        if arr.ndim not in (2, 3):
            raise ValueError(f"Expected a 2D or 3D array or a list of arrays, got {arr.ndim}D.")
        if lengths is None:
            lengths = np.full(arr.shape[0], arr.shape[1])
        seqs = unpad_sequences(arr, lengths)
    seqs = [s[:, None] if s.ndim == 1 else s for s in seqs]
    if seqs:
        n_features = seqs[0].shape[1]
    else:  # an empty padded array still knows its number of features
        n_features = arr.shape[2] if arr.ndim == 3 else 1
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(n_features)]
    if len(feature_names) != n_features:
        raise ValueError(f"Got {len(feature_names)} feature names for {n_features} features.")
    sample = np.repeat(np.arange(len(seqs)), [len(s) for s in seqs])
    timestep = np.concatenate([np.arange(len(s)) for s in seqs]) if seqs else np.array([], int)
    values = np.concatenate(seqs, axis=0) if seqs else np.empty((0, n_features))
    index = pd.MultiIndex.from_arrays([sample, timestep], names=INDEX_NAMES)
    return pd.DataFrame(values, index=index, columns=list(feature_names))


def frame_to_sequences(frame, *, columns=None):
    """Ragged list of sequences from a long-format DataFrame or Series.

    Parameters
    ----------
    frame : DataFrame or Series
        Long-format data with a two-level MultiIndex ``(sample, timestep)``. Rows are
        grouped by the first level (in order of first appearance) and sorted by the second;
        a ``(sample, timestep)`` pair may appear once only.
    columns : list of str, default=None
        Columns to take from a DataFrame; by default all of them.

    Returns
    -------
    sequences : list of ndarray
        One ``(n_timesteps_i, n_columns)`` array per sample (``(n_timesteps_i,)`` for a Series).

    Examples
    --------
    >>> import numpy as np
    >>> frame = sequences_to_frame([np.ones((2, 1)), np.zeros((3, 1))])
    >>> [s.shape for s in frame_to_sequences(frame)]
    [(2, 1), (3, 1)]
    """
    if not isinstance(frame, (pd.DataFrame, pd.Series)):
        raise TypeError(f"Expected a pandas DataFrame or Series, got {type(frame).__name__}.")
    if not isinstance(frame.index, pd.MultiIndex) or frame.index.nlevels != 2:
        raise ValueError(
            "A long-format frame needs a two-level MultiIndex (sample, timestep); "
            f"got an index with {frame.index.nlevels} level(s)."
        )
    if columns is not None:
        frame = frame[list(columns)]
    # Samples keep the order of their first row in the frame as given; rows within a sample
    # are ordered by timestep.
    codes, uniques = pd.factorize(frame.index.get_level_values(0), sort=False)
    if (codes < 0).any():
        raise ValueError("The sample level of the index contains missing values.")
    step_codes, _ = pd.factorize(frame.index.get_level_values(1), sort=True)
    if (step_codes < 0).any():
        raise ValueError("The timestep level of the index contains missing values.")
    if len(uniques) == 0:
        return []
    repeated = frame.index.duplicated()
    if repeated.any():
        # numpy scalars to Python ones, so that the message shows (0, 3), not np.int64(0)
        pair = [v.item() if isinstance(v, np.generic) else v
                for v in frame.index[int(repeated.argmax())]]
        raise ValueError(
            f"The long-format frame repeats the (sample, timestep) pair ({pair[0]!r}, "
            f"{pair[1]!r}): each timestep of a sequence must appear in one row only. Aggregate "
            "the repeated rows first (for example frame.groupby(level=[0, 1]).mean())."
        )
    order = np.lexsort((step_codes, codes))
    values = frame.to_numpy()[order]
    counts = np.bincount(codes, minlength=len(uniques))
    return np.split(values, np.cumsum(counts)[:-1])

