"""Classification of whole sequences or of every timestep."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets

from ..data import lengths_to_mask

__all__ = ["SequenceClassifierMixin"]


class SequenceClassifierMixin:
    """Label encoding, masked cross-entropy, probabilities and accuracy over real timesteps."""

    _allow_multi_target = False
    _numeric_targets = False
    _valid_score_name = "valid_acc"

    @property
    def classes_(self):
        """ndarray of shape (n_classes,): the class labels seen in ``fit``."""
        return self.label_encoder_.classes_

    def _n_outputs(self):
        return len(self.classes_)

    def _target_scaling_kwargs(self):
        return {}

    def _encode_targets(self, targets, sequences, *, reset, classes=None):
        mask = sequences.mask() if targets.ndim == 3 else None
        labels = targets[..., 0]
        real = labels[mask] if mask is not None else labels.ravel()
        if reset:
            check_classification_targets(real)
            fit_labels = real if classes is None else np.asarray(classes)
            if self.classes is not None:
                fit_labels = np.asarray(self.classes)
            encoder = LabelEncoder().fit(fit_labels)
            if len(encoder.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in the data, but "
                    f"the data contains only one class: {encoder.classes_.tolist()[0]!r}"
                )
            self.label_encoder_ = encoder
        # Padded timesteps hold code 0; the loss and the scores read real timesteps only.
        codes = np.zeros(labels.shape, dtype=np.int64)
        if mask is None:
            codes[...] = self.label_encoder_.transform(labels.ravel()).reshape(labels.shape)
        else:
            codes[mask] = self.label_encoder_.transform(real)
        return torch.from_numpy(codes)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = torch.as_tensor(y_true, device=y_pred.device)
        if y_pred.ndim == 3:
            mask = self._loss_mask(X, y_true)
            if mask is not None:
                return self.criterion_(y_pred[mask], y_true[mask])
            return self.criterion_(y_pred.transpose(1, 2), y_true)
        return self.criterion_(y_pred, y_true.reshape(-1))

    def predict_proba(self, X):
        """Class probabilities for each sequence or each timestep.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Sequences in any layout accepted by ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_timesteps, n_classes)
            Probabilities over the last axis, in the order of ``classes_``; a list of
            ``(n_timesteps_i, n_classes)`` arrays for ragged input.
        """
        sequences, logits = self._predict_outputs(X)
        proba = self._probabilities(torch.from_numpy(logits)).numpy()
        return self._per_sequence_output(proba, sequences)

    def _probabilities(self, logits):
        """``predict_nonlinearity`` applied to logits.

        ``"auto"`` is a softmax over classes for the cross-entropy criterion (as skorch infers
        it) and the identity otherwise; None is the identity. skorch resolves ``"auto"`` in a
        private method only (``_get_predict_nonlinearity``), hence this rule of our own.
        """
        nonlinearity = self.predict_nonlinearity
        if nonlinearity is None:
            return logits
        if isinstance(nonlinearity, str) and nonlinearity == "auto":
            if isinstance(self.criterion_, torch.nn.CrossEntropyLoss):
                return torch.softmax(logits, dim=-1)
            return logits
        return nonlinearity(logits)

    def predict(self, X):
        """Class labels for each sequence or each timestep.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Sequences in any layout accepted by ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_timesteps)
            Labels from ``classes_``; a list of ``(n_timesteps_i,)`` arrays for ragged input.
        """
        sequences, logits = self._predict_outputs(X)
        labels = self.classes_[logits.argmax(axis=-1)]
        return self._per_sequence_output(labels, sequences)

    def _score_outputs(self, outputs, dataset):
        codes = outputs.argmax(axis=-1)
        y = dataset.y.cpu().numpy().reshape(codes.shape)
        if codes.ndim == 2:
            real = lengths_to_mask(dataset.lengths.cpu().numpy(), codes.shape[1])
            codes, y = codes[real], y[real]
        return float(np.mean(codes == y))

    def score(self, X, y, sample_weight=None):
        """Accuracy over all real (non-padded) timesteps, or over sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
            Test sequences.
        y : array-like or list of arrays
            True labels, shaped like the targets given to ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence (shared by its timesteps).

        Returns
        -------
        score : float
            Fraction of correctly predicted real timesteps (or sequences).
        """
        outputs, targets, mask, weights = self._scoring_data(X, y, sample_weight)
        correct = self.classes_[outputs.argmax(axis=-1)] == targets[..., 0]
        if mask is not None:
            correct = correct[mask]
            weights = None if weights is None else weights[mask]
        return float(np.average(correct, weights=weights))
