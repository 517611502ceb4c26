"""Training of the forecaster: what the fed-back features hold, windows, and the loss."""

from __future__ import annotations

import torch

from ..data import Batch, SequenceBatchIterator, last_real_step, resolve_dataset
from ..nn import pinball_loss
from ._panel import (
    auto_windows_per_epoch,
    init_baseline,
    is_panel,
    min_window_length,
    window_loss_scale,
)
from ._scaling import log_targets, scaling
from ._schedule import feedback_probability
from ._windows import WindowBatch, WindowBatchIterator, trailing_windows

__all__ = ["TrainingMixin"]


class TrainingMixin:
    """skorch's training hooks of :class:`RNNForecaster`: schedule, windows, inference, loss."""

    def _feedback_probability(self):
        training = getattr(self, "training_", self.training)
        if training == "teacher_forcing":
            return 0.0
        if training == "free_running":
            return 1.0
        epochs_done = max(len(self.history_) - 1, 0) if self.history_ is not None else 0
        return feedback_probability(epochs_done, self.schedule, self.schedule_k)

    def _objective_settled(self):
        """Whether this epoch trained the final objective (scheduled sampling has arrived)."""
        return self.training_ != "scheduled" or self.history[-1, "feedback_prob"] >= 0.99

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid,
                               **kwargs)
        self.history.record("feedback_prob", self._feedback_probability())

    def get_split_datasets(self, X, y=None, **fit_params):
        info = getattr(self, "series_info_", None)
        if self.early_stopping and self.train_split is None and info is not None and \
                info["n_series"] == 1 and self._fitting_to_convergence:
            # The split holds out whole sequences; one series cannot lose a tenth of itself.
            raise ValueError(
                f"early_stopping=True holds out validation_fraction={self.validation_fraction} "
                f"of the training series, but {type(self).__name__} was fitted on a single "
                "series, which cannot be split that way. Use early_stopping=False (training "
                "stops by itself when the training loss stops improving, see "
                "n_iter_no_change), fit several series, or pass a train_split of your own.")
        return super().get_split_datasets(X, y, **fit_params)

    def get_iterator(self, dataset, training=False):
        if training and self.context_length_ is not None and \
                self.iterator_train is SequenceBatchIterator:
            kwargs = self.get_params_for("iterator_train")
            kwargs.setdefault("batch_size", self.batch_size)
            per_epoch = None if self.windows_per_epoch == "auto" else self.windows_per_epoch
            on_series = getattr(self, "series_info_", None) is not None
            if per_epoch is None and on_series:
                per_epoch = auto_windows_per_epoch(
                    resolve_dataset(dataset).lengths.cpu().numpy(), self.context_length_,
                    self.horizon_, kwargs["batch_size"])
            return WindowBatchIterator(
                dataset, window_length=self.context_length_ + self.horizon_,
                n_context=self.context_length_, windows_per_epoch=per_epoch,
                min_length=min_window_length(self.horizon_) if on_series else None,
                loss_skip=self._baseline_warmup(), **kwargs)
        return super().get_iterator(dataset, training=training)

    def _baseline_warmup(self):
        """Leading steps of a training window without the baseline's value: the first season
        under ``baseline_="seasonal"`` (kept out of the loss, so that the network learns one
        task, the correction to seasonal naive, never the naive start of a window)."""
        if getattr(self, "baseline_", None) == "seasonal" and self.residual:
            return min(self.seasonal_period_, self.context_length_)
        return 0

    def infer(self, x, **fit_params):
        training = getattr(self, "training_", self.training)
        batch = Batch.from_mapping(x)
        windows = isinstance(batch, WindowBatch)
        if not self.module_.training and not windows and \
                getattr(self, "context_length_", None) is not None:
            # Validation of a model trained on windows: as predict, each timestep's output
            # comes from the window of its last context_length_ timesteps.
            return self._infer_trailing(batch, **fit_params)
        if self.module_.training and windows:
            # A training window: its context is observed (and gives the window's level and
            # scale), its horizon is forecast as `training` says.
            fit_params = {"feedback_prob": self._feedback_probability(),
                          "n_observed": max(batch.n_context, self.warmup_steps),
                          "n_context": batch.n_context, **fit_params}
        elif self.module_.training and training != "teacher_forcing":
            # The warm-up counts from the start of a sequence: a truncated-BPTT window starts
            # "start" steps into it; a chunk that continues a carried stream starts past it.
            if batch.start > 0:
                n_observed = max(self.warmup_steps - batch.start, 0)
            elif self.__dict__.get("_train_state") is not None:
                n_observed = 0
            else:
                n_observed = self.warmup_steps
            fit_params = {"feedback_prob": self._feedback_probability(),
                          "n_observed": n_observed, **fit_params}
        if self.module_.training and getattr(self, "quantiles_", None):
            # Training passes also forecast the quantiles, for the pinball loss (get_loss).
            fit_params = {"quantiles": True, **fit_params}
        return super().infer(batch, **fit_params)

    def _fit_statistics(self, sequences, targets):
        """The standardization statistics ``_scaling_``, from the training part of the data.

        ``sequences`` and ``targets`` hold the training sequences of this fit's validation
        split only (see :class:`~seqestimators.estimators.SequenceNetMixin`); the sequences
        are already log-transformed under ``transform_="log"``, the targets not yet.
        """
        super()._fit_statistics(sequences, targets)
        if self.transform_ == "log":
            targets = log_targets(targets, sequences)
        self._scaling_ = scaling(
            sequences, targets, self.feedback_features_, self.residual, self.context_length_,
            self.horizon_, self.window_norm_,
            min_length=None if self.horizon_ is None or self.series_info_ is None else
            min_window_length(self.horizon_))

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The point forecasts' loss (``criterion``), plus the mean pinball loss of the
        quantiles where the outputs hold them (training passes with ``quantiles``); both in
        the units of the targets' standard deviation with ``standardize``."""
        k = self.n_targets_
        quantiles = None
        if y_pred.shape[-1] > k:
            y_pred, quantiles = y_pred[..., :k], y_pred[..., k:].unflatten(-1, (-1, k))
        if quantiles is not None:
            return self.get_loss(y_pred, y_true, X=X, training=training) + \
                self._quantile_loss(quantiles, y_true, X)
        if self.standardize:
            scale = self._loss_scale(X, y_pred)
            y_true = torch.as_tensor(y_true, device=y_pred.device).to(y_pred.dtype)
            y_pred = y_pred / scale
            y_true = y_true / (scale[..., 0] if scale.ndim == 3 and y_true.ndim == 2 else scale)
        return super().get_loss(y_pred, y_true, X=X, training=training)

    def _loss_scale(self, X, like):
        """The unit of the loss: the targets' (or changes') standard deviation, ``(n_targets,)``;
        for a panel's windows, each window's own, ``(batch, 1, n_targets)``."""
        scale = self._scaling_.get("loss_scale")
        scale = self.module_.target_scale if scale is None else \
            torch.as_tensor(scale, device=like.device)
        if self.window_norm_ == "revin" and isinstance(X, WindowBatch) and \
                is_panel(self.series_info_):
            # Many series on their own scales: each window's error in its own units.
            scale = window_loss_scale(self.module_, X)[:, None, :]
        return scale.to(like.dtype)

    def _quantile_loss(self, quantiles, y_true, X):
        """Mean pinball loss of ``quantiles`` ``(..., n_quantiles, n_targets)``."""
        y_true = torch.as_tensor(y_true, device=quantiles.device).to(quantiles.dtype)
        if y_true.ndim == quantiles.ndim - 2:
            y_true = y_true[..., None]
        if self.standardize:
            scale = self._loss_scale(X, quantiles)
            quantiles, y_true = quantiles / scale.unsqueeze(-2), y_true / scale
        mask = self._loss_mask(X, y_true) if y_true.ndim == 3 else None
        return pinball_loss(quantiles, y_true, self.module_.quantile_head.levels, mask)

    def _infer_trailing(self, batch, **fit_params):
        """Outputs ``(n_samples, n_timesteps, n_targets)``, each from its trailing window."""
        X = batch.X.to(self.device)
        windows, lengths, rows, steps = trailing_windows(X, batch.lengths, self.context_length_)
        size = max(int(self.predict_batch_size), 1)
        last = []
        for start in range(0, len(lengths), size):
            part, n = windows[start:start + size], lengths[start:start + size]
            padded = bool((n < part.shape[1]).any())
            out = super().infer(Batch(part, n, padded), **fit_params)
            last.append(last_real_step(out, n))
        last = torch.cat(last)
        outputs = last.new_zeros(X.shape[0], X.shape[1], last.shape[-1])
        outputs[rows, steps] = last
        return outputs

    def _score_outputs(self, outputs, dataset):
        # The per-epoch validation score reads the trailing windows too (see ``infer``).
        if getattr(self, "context_length_", None) is not None:
            if self.module_.training:
                self.module_.eval()
            with torch.inference_mode():
                batch = Batch(dataset.X, dataset.lengths, dataset.padded)
                outputs = self._infer_trailing(batch)
            outputs = outputs.float().cpu().numpy()
        return super()._score_outputs(outputs, dataset)

    def initialize_module(self):
        super().initialize_module()
        # The read-out starts where the fitted baseline says (see RNNForecaster's baseline).
        if getattr(self, "baseline_", None) is not None and self.residual:
            init_baseline(self.module_, self.baseline_)
        return self
