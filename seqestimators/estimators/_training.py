"""Training: the validation split, carried states, truncated BPTT and gradient accumulation."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Mapping

import numpy as np
from skorch.dataset import ValidSplit, unpack_data
from skorch.utils import TeeGenerator
from torch.utils.data import Subset

from ..data import Batch, check_seed
from ..state import CarryContinuationWarning, detach_state, map_state, state_where

__all__ = ["TrainingMixin"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _warn_at_callers_line(message, category):
    """Warn at the first frame outside seqestimators (and contextlib): the caller's line."""
    frame, level = sys._getframe(1), 2
    while frame is not None and (frame.f_code.co_filename.startswith(_PACKAGE_DIR)
                                 or frame.f_code.co_filename == contextlib.__file__):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


class TrainingMixin:
    """skorch's training step, split and optimizer hooks for sequences."""

    # ------------------------------------------------------------------ split
    def get_split_datasets(self, X, y=None, **fit_params):
        """The internal train/validation split, seeded by ``random_state``.

        ``train_split`` when given (a :class:`~skorch.dataset.ValidSplit` without a
        ``random_state`` of its own gets one derived from the estimator's), else, with
        ``early_stopping=True``, a held-out ``validation_fraction`` (stratified by label for
        per-sequence classification when every class has two sequences). numpy's global
        random state is never used when ``random_state`` is set.
        """
        cached = self.__dict__.get("_fit_split")
        if cached is not None and cached[0] is X:
            return cached[1], cached[2]
        split = self.train_split
        if split is None and not (self.early_stopping and self._fitting_to_convergence):
            return X, None
        labels = self._stratification_labels(X)
        if split is None:
            stratified = labels is not None and np.unique(labels, return_counts=True)[1].min() >= 2
            split = ValidSplit(self.validation_fraction, stratified=stratified,
                               random_state=self._split_seed())
            return split(X, labels if stratified else None, **fit_params)
        if isinstance(split, ValidSplit) and split.random_state is None and \
                self.random_state is not None and isinstance(split.cv, float):
            split = ValidSplit(split.cv, stratified=split.stratified,
                               random_state=self._split_seed())
        if isinstance(split, ValidSplit) and split.stratified:
            return split(X, labels, **fit_params)
        return split(X, y, **fit_params)

    def _training_rows(self, dataset, fit_params):
        """Rows of ``dataset`` that train (not validate), from the split this fit will use.

        The split is made here, before training, so that data statistics come from the
        training part only; :meth:`get_split_datasets` hands the same split to skorch's loop.
        A split of another kind than index subsets of ``dataset`` counts every row.
        """
        train, valid = self.get_split_datasets(dataset, None, **fit_params)
        self._fit_split = (dataset, train, valid)
        rows = None
        while isinstance(train, Subset):
            index = np.asarray(train.indices)
            rows = index if rows is None else index[rows]
            train = train.dataset
        if rows is None or train is not dataset:
            return slice(None)
        return rows

    def _split_seed(self):
        seed = check_seed(self.random_state)
        return None if seed is None else (seed + 7919) % (2**32)

    def _stratification_labels(self, dataset):
        """Per-sequence class codes of a classifier's training data, else None."""
        if self._numeric_targets or getattr(self, "output_", None) != "last":
            return None
        return dataset.y.cpu().numpy().reshape(-1)

    @property
    def _fitting_to_convergence(self):
        # True inside fit; partial_fit (a stream in chunks) is never stopped early, and does
        # not estimate data statistics from its first chunk.
        return self.__dict__.get("_in_fit", False)

    # ------------------------------------------------------------------ state
    def _carried_state_for(self, n_rows):
        """The state a batch of ``n_rows`` sequences starts from, as the policy says (or None)."""
        carried = getattr(self, "carried_state_", None)
        if carried is None:
            return None
        policy = self._state_policy
        self._warn_once("continuation", policy.continuation_note(carried, n_rows),
                        CarryContinuationWarning)
        return policy.initial_state(carried, n_rows, fill=self._state_fill())

    # ------------------------------------------------------------------ warnings
    def _warn_once(self, cause, message, category):
        """Warn ``message``; inside ``fit``/``partial_fit`` once per ``cause``, at the call's end.

        A cause that recurs every batch or epoch (a carried state with fewer rows than a
        batch) is one warning per call, pointing at the caller's line; outside training (the
        prediction methods) it warns at once.
        """
        if message is None:
            return
        pending = self.__dict__.get("_pending_warnings")
        if pending is None:
            _warn_at_callers_line(message, category)
        else:
            pending.setdefault(cause, (message, category))

    @contextlib.contextmanager
    def _collecting_warnings(self):
        """Collect :meth:`_warn_once` warnings during a training call, then issue each once."""
        self._pending_warnings = {}
        try:
            yield
        finally:
            pending = vars(self).pop("_pending_warnings")
        for message, category in pending.values():
            _warn_at_callers_line(message, category)

    def _state_fill(self):
        fill = getattr(self.module_, "state_fill", None)
        return fill() if callable(fill) else 0.0

    # ------------------------------------------------------------------ steps
    def train_step(self, batch, **fit_params):
        """One optimizer step per batch, or one per window of ``tbptt_steps`` timesteps.

        The batch starts from the state its policy gives (the carried state under
        ``"carry"``) and leaves the state the policy hands on to the next batch. With
        ``accumulate_steps=n`` the gradients of ``n`` consecutive batches (or windows) are
        averaged before one optimizer step (see :meth:`_accumulating_step`).
        """
        Xi, yi = unpack_data(batch)
        inputs = Batch.from_mapping(Xi)
        state = map_state(lambda s: s.to(inputs.X.device), self._carried_state_for(len(inputs)))
        try:
            if self.tbptt_steps is None:
                self._train_state = state
                step = self._accumulating_step(batch, **fit_params)
                final = self._train_final
            else:
                step, final = self._truncated_step(inputs, yi, state, **fit_params)
        finally:
            vars(self).pop("_train_state", None)
            vars(self).pop("_train_final", None)
        self.carried_state_ = self._state_policy.next_state(
            getattr(self, "carried_state_", None), final)
        return step

    def _truncated_step(self, inputs, yi, state, **fit_params):
        """Truncated BPTT over windows of ``tbptt_steps``: the state runs on, gradients stop."""
        n_timesteps, k = inputs.X.shape[1], self.tbptt_steps
        total, n_real, preds = 0.0, 0, None
        for start in range(0, n_timesteps, k):
            stop = min(start + k, n_timesteps)
            window = inputs.window(start, stop)
            self._train_state = state
            step = self._accumulating_step((window, yi[:, start:stop]), **fit_params)
            final = detach_state(self._train_final)
            # A sequence that has ended keeps the state of its last real step.
            state = state_where(window.real_rows().to(inputs.X.device), final, state) \
                if window.padded else final
            n_window = window.n_real()
            total = total + step["loss"].detach() * n_window
            n_real += n_window
            # Predictions go, detached, into one buffer: a window's autograd graph must
            # not outlive its backward pass, and many small tensors kept alive between
            # windows fragment the heap; either way memory would grow with the stream.
            y_pred = step["y_pred"].detach()
            if preds is None:
                preds = y_pred.new_empty((y_pred.shape[0], n_timesteps, *y_pred.shape[2:]))
            preds[:, start:stop] = y_pred
        return {"loss": total / max(n_real, 1), "y_pred": preds}, state

    def _accumulating_step(self, batch, **fit_params):
        """skorch's train step, or gradient accumulation when ``accumulate_steps > 1``.

        Each call backpropagates one batch (or window) with ``train_step_single``; every
        ``accumulate_steps`` calls, the summed gradients are divided by their count (the mean
        loss over the group), the ``on_grad_computed`` callbacks run (gradient clipping sees
        the group's gradient) and the optimizer steps. The count runs on across batches, epochs
        and ``partial_fit`` calls, so that consecutive one-step chunks of a stream share an
        optimizer step; a new optimizer (``fit``, ``initialize``) starts it again.
        """
        n_steps = self.accumulate_steps
        if n_steps == 1:
            return super().train_step(batch, **fit_params)
        # skorch zeroes and steps its optimizers through private methods only; these
        # estimators register one optimizer, `optimizer_`, and call it directly.
        if getattr(self, "_n_accumulated", 0) == 0:
            self.optimizer_.zero_grad()
            self._n_accumulated = 0
        step = self.train_step_single(batch, **fit_params)
        self._n_accumulated += 1
        if self._n_accumulated >= n_steps:
            for _, param in self.get_all_learnable_params():
                if param.grad is not None:
                    param.grad.div_(self._n_accumulated)
            self.notify(
                "on_grad_computed",
                named_parameters=TeeGenerator(self.get_all_learnable_params()),
                batch=batch,
                training=True,
            )
            self.optimizer_.step()
            self._n_accumulated = 0
        return step

    def initialize_optimizer(self, *args, **kwargs):
        # A new optimizer starts a new group of accumulated gradients.
        self._n_accumulated = 0
        return super().initialize_optimizer(*args, **kwargs)

    def _loss_mask(self, X, y_true):
        """Boolean ``(batch, n_timesteps)`` mask of the timesteps the loss reads, or None for all."""
        if not isinstance(X, (Batch, Mapping)):
            return None
        mask = Batch.from_mapping(X).loss_mask(y_true.shape[1])
        return None if mask is None else mask.to(y_true.device)
