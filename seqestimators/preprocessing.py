"""Preprocessing for sequences: scikit-learn's scalers refuse 3D input."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .data import check_input_shape, check_sequences, record_input_shape, unpad_sequences

__all__ = ["SequenceScaler"]


class SequenceScaler(TransformerMixin, BaseEstimator):
    """Standardize each feature of a batch of sequences over all its real timesteps.

    Every feature is centred and scaled with one mean and one standard deviation computed over
    all samples and all real (non-padded) timesteps, so a Pipeline can scale 3D, ragged or
    long-format input before a recurrent estimator.

    Parameters
    ----------
    with_mean : bool, default=True
        Whether to subtract each feature's mean.
    with_std : bool, default=True
        Whether to divide by each feature's standard deviation (features with zero variance are
        left unscaled).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
        Per-feature mean (zeros when ``with_mean=False``).
    scale_ : ndarray of shape (n_features,)
        Per-feature scale (ones when ``with_std=False``).
    n_features_in_ : int
        Features per timestep seen in ``fit`` (for 2D input, its number of columns).
    input_size_ : int
        Features per timestep.

    Examples
    --------
    >>> import numpy as np
    >>> from seqestimators.preprocessing import SequenceScaler
    >>> X = np.arange(12, dtype=float).reshape(2, 3, 2)
    >>> Xt = SequenceScaler().fit_transform(X)
    >>> Xt.shape, np.allclose(Xt.reshape(-1, 2).mean(axis=0), 0)
    ((2, 3, 2), True)
    """

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Compute the per-feature mean and scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Sequences in any layout the estimators accept.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        sequences = check_sequences(X, estimator=self, dtype=[np.float64, np.float32])
        record_input_shape(self, sequences)
        values = self._real_values(sequences).astype(np.float64)
        n_features = sequences.n_features
        self.mean_ = values.mean(axis=0) if self.with_mean else np.zeros(n_features)
        scale = values.std(axis=0) if self.with_std else np.ones(n_features)
        scale[scale < 10 * np.finfo(np.float64).eps] = 1.0
        self.scale_ = scale
        return self

    @staticmethod
    def _real_values(sequences):
        mask = sequences.mask()
        values = sequences.values
        return values.reshape(-1, values.shape[-1]) if mask is None else values[mask]

    def _apply(self, X, fn):
        check_is_fitted(self)
        if isinstance(X, (pd.DataFrame, pd.Series)) and isinstance(X.index, pd.MultiIndex):
            sequences = check_sequences(X, estimator=self, dtype=[np.float64, np.float32])
            check_input_shape(self, sequences)
            if isinstance(X, pd.Series):
                values = fn(X.to_numpy(dtype=np.float64)[:, None])[:, 0]
                return pd.Series(values, index=X.index, name=X.name)
            return pd.DataFrame(fn(X.to_numpy(dtype=np.float64)), index=X.index,
                                columns=X.columns)
        sequences = check_sequences(X, estimator=self, dtype=[np.float64, np.float32])
        check_input_shape(self, sequences)
        values = fn(sequences.values).astype(sequences.values.dtype, copy=False)
        if sequences.layout == "2d":
            return values[:, :, 0]
        if sequences.layout == "ragged":
            return unpad_sequences(values, sequences.true_lengths())
        return values

    def transform(self, X):
        """Scale ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Sequences to scale.

        Returns
        -------
        X_scaled : ndarray, list of ndarray, DataFrame or Series
            The scaled sequences, in the layout ``X`` came in (ragged lists as
            ``(n_timesteps_i, n_features)`` arrays, long-format frames and series with their
            index).
        """
        return self._apply(X, lambda v: (v - self.mean_) / self.scale_)

    def inverse_transform(self, X):
        """Undo the scaling.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Scaled sequences.

        Returns
        -------
        X_original : ndarray, list of ndarray or DataFrame
            The sequences in their original units, in the layout ``X`` came in.
        """
        return self._apply(X, lambda v: v * self.scale_ + self.mean_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
