"""Regression of one or several values per sequence or per timestep."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import r2_score

from ..data import lengths_to_mask

__all__ = ["SequenceRegressorMixin"]


class SequenceRegressorMixin:
    """Masked regression loss, predictions in the shape of ``y`` and R² over real timesteps."""

    _allow_multi_target = True
    _numeric_targets = True
    _valid_score_name = "valid_r2"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    @property
    def predict_proba(self):
        raise AttributeError(f"{type(self).__name__} has no attribute 'predict_proba'")

    def _n_outputs(self):
        return self.n_targets_

    def _encode_targets(self, targets, sequences, *, reset, classes=None):
        if reset:
            self.n_targets_ = targets.shape[-1]
        elif targets.shape[-1] != self.n_targets_:
            raise ValueError(
                f"y has {targets.shape[-1]} targets, but {type(self).__name__} was fitted with "
                f"{self.n_targets_}."
            )
        return torch.from_numpy(np.ascontiguousarray(targets, dtype=np.float32))

    def _fit_target_statistics(self, targets, sequences):
        """Per-target mean and standard deviation (``standardize_targets``) of the training part.

        Over its real timesteps; the validation part of ``fit`` never enters them.

        The network predicts standardized targets and maps them back to the data's units
        itself, so predictions, scores and exported models are in the units of ``y``; the loss
        is computed in units of each target's standard deviation, so that the learning rate
        and the convergence ``tol`` mean the same whatever the scale of ``y``.
        """
        if not (getattr(self, "standardize_targets", False) and self._fitting_to_convergence):
            # partial_fit from scratch learns a stream whose scale its first chunk cannot tell.
            self.target_mean_ = self.target_scale_ = None
            return
        mask = sequences.mask() if targets.ndim == 3 else None
        values = np.asarray(targets, dtype=np.float64)
        values = values[mask] if mask is not None else values.reshape(-1, values.shape[-1])
        scale = values.std(axis=0)
        scale[~(scale > 1e-12 * np.maximum(np.abs(values).max(axis=0), 1.0))] = 1.0
        self.target_mean_ = values.mean(axis=0)
        self.target_scale_ = scale

    def _target_scaling_kwargs(self):
        if getattr(self, "target_scale_", None) is None:
            return {}
        return {"target_mean": self.target_mean_.tolist(),
                "target_scale": self.target_scale_.tolist()}

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = torch.as_tensor(y_true, device=y_pred.device)
        if getattr(self, "target_scale_", None) is not None:
            scale = torch.as_tensor(self.target_scale_, dtype=y_pred.dtype, device=y_pred.device)
            y_pred, y_true = y_pred / scale, y_true.to(y_pred.dtype) / scale
        if y_pred.ndim == 3:
            mask = self._loss_mask(X, y_true)
            if mask is not None:
                return self.criterion_(y_pred[mask], y_true[mask])
        return self.criterion_(y_pred, y_true)

    def _reshape_predictions(self, outputs):
        """Network outputs ``(..., n_targets)`` in the shape of the fitted ``y``."""
        outputs = outputs.astype(np.float64)
        single = self.target_ndim_ == (2 if self.output_ == "sequence" else 1)
        return outputs[..., 0] if single else outputs

    def predict(self, X):
        """Predicted values for each sequence or each timestep.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Sequences in any layout accepted by ``fit``.

        Returns
        -------
        y_pred : ndarray of float64
            In the shape of the fitted ``y``: ``(n_samples,)``, ``(n_samples, n_targets)``,
            ``(n_samples, n_timesteps)`` or ``(n_samples, n_timesteps, n_targets)``; a list of
            per-sequence arrays for ragged input.
        """
        sequences, outputs = self._predict_outputs(X)
        return self._per_sequence_output(self._reshape_predictions(outputs), sequences)

    @staticmethod
    def _masked_r2(y_true, y_pred, mask, sample_weight=None):
        k = y_true.shape[-1]
        if mask is not None:
            y_true, y_pred = y_true[mask], y_pred[mask]
            if sample_weight is not None:
                sample_weight = sample_weight[mask]
        y_true, y_pred = y_true.reshape(-1, k), y_pred.reshape(-1, k)
        if sample_weight is not None:
            sample_weight = sample_weight.reshape(-1)
        return float(r2_score(y_true, y_pred, sample_weight=sample_weight))

    def _score_outputs(self, outputs, dataset):
        y = dataset.y.cpu().numpy()
        mask = None
        if outputs.ndim == 3:
            mask = lengths_to_mask(dataset.lengths.cpu().numpy(), y.shape[1])
        return self._masked_r2(y, outputs, mask)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² over all real (non-padded) timesteps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Test sequences.
        y : array-like or list of arrays
            True values, shaped like the targets given to ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence (shared by its timesteps).

        Returns
        -------
        score : float
            R² of the predictions over every real timestep (or sequence), averaged uniformly over
            the targets.
        """
        outputs, targets, mask, weights = self._scoring_data(X, y, sample_weight)
        return self._masked_r2(targets, outputs, mask, weights)
