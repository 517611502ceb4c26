"""The network's outputs: skorch's ``infer`` for training batches, and whole-dataset inference
for predictions and the per-epoch validation score."""

from __future__ import annotations

import threading

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ..data import Batch, check_sequence_targets, resolve_dataset, unpad_sequences
from ..state import map_state, resize_state

__all__ = ["InferenceMixin", "score_dataset"]


class InferenceMixin:
    """Forward passes: a training or validation batch, a dataset, the prediction methods."""

    def infer(self, x, **fit_params):
        """The network's output on a batch; training passes read and leave the batch state.

        Only a training pass (``module_.training``) starts from ``_train_state`` and records
        its final state in ``_train_final`` for :meth:`train_step`; validation passes start
        from the policy's default (zeros or the learned state) and move nothing.
        """
        batch = Batch.from_mapping(x).to(self.device, self._module_dtype())
        training = self.module_.training
        state = self.__dict__.get("_train_state") if training else None
        if state is not None:
            state = map_state(lambda s: s.to(batch.X.dtype), state)
        need_final = training and self._needs_final_state()
        output, final = self.module_(batch.X, lengths=batch.network_lengths(), state=state,
                                     **self._forward_kwargs(need_final_state=need_final),
                                     **fit_params)
        if training:
            self._train_final = final
        return output

    def _forward_kwargs(self, *, need_final_state):
        """Extra keyword arguments of the module's ``forward`` (the recurrent network's)."""
        return {}

    def _needs_final_state(self):
        return self._state_policy.needs_final_state or self.tbptt_steps is not None

    def _module_dtype(self):
        param = next(self.module_.parameters(), None)
        return torch.float32 if param is None else param.dtype

    def _forward_dataset(self, dataset, *, state=None, return_state=False, fixed_batch=True):
        """Network outputs over a dataset, and the final state: no estimator state changes.

        Every batch holds ``predict_batch_size`` rows: the last one is padded with zero
        sequences (dropped afterwards), so that in float32 a sequence's output is bitwise the
        same whatever batch it is predicted in. ``fixed_batch=False`` (the per-epoch
        validation score) skips the padding.

        Parameters
        ----------
        dataset : SequenceDataset or Subset of one
            The inputs.
        state : Tensor or tuple of Tensor, default=None
            Initial state, one row per sequence (``"carry"``); None for the policy's default.
        return_state : bool, default=False
            Whether to return the final state of every sequence.
        fixed_batch : bool, default=True
            Whether to pad every batch to ``predict_batch_size`` rows.

        Returns
        -------
        outputs : ndarray of shape (n, n_timesteps, n_outputs) or (n, n_outputs)
            On the host, float32; padded timesteps hold meaningless values.
        final_state : Tensor, tuple of Tensor or None
            The state after each sequence (with ``return_state=True``).
        """
        dataset = resolve_dataset(dataset).to(self.device)
        module = self.module_
        device = self.device
        size = int(self.predict_batch_size)
        n, n_timesteps = len(dataset), dataset.X.shape[1]
        dtype = self._module_dtype()
        kwargs = self._forward_kwargs(need_final_state=return_state)
        outputs, finals = [], []
        if module.training:
            module.eval()
        with torch.inference_mode():
            for start in range(0, n, size):
                stop = min(start + size, n)
                batch, _ = dataset.batch(slice(start, stop))
                X, lengths = batch.X, batch.network_lengths()
                batch_state = None if state is None else map_state(
                    lambda s, a=start, b=stop: s[:, a:b].to(device=device, dtype=dtype), state)
                rows = stop - start
                if fixed_batch and rows < size:
                    X = torch.cat([X, X.new_zeros(size - rows, *X.shape[1:])])
                    if lengths is not None:
                        lengths = torch.cat([lengths, lengths.new_ones(size - rows)])
                    if batch_state is not None:
                        batch_state = resize_state(batch_state, size)
                out, final = module(X.to(dtype), lengths=lengths, state=batch_state, **kwargs)
                out = out[:rows]
                if out.ndim == 3 and out.shape[1] < n_timesteps:
                    out = torch.nn.functional.pad(out, (0, 0, 0, n_timesteps - out.shape[1]))
                outputs.append(out.float().cpu())
                if return_state:
                    finals.append(map_state(lambda s, r=rows: s[:, :r], final))
        result = torch.cat(outputs).numpy() if outputs else np.empty((0,), np.float32)
        if not return_state:
            return result, None
        if isinstance(finals[0], tuple):
            final_state = tuple(torch.cat(parts, dim=1) for parts in zip(*finals))
        else:
            final_state = torch.cat(finals, dim=1)
        return result, final_state

    @property
    def _prediction_lock(self):
        # One lock per estimator, taken only by carried-state predictions, which read and
        # write `carried_state_` as one step; made on first use (dict.setdefault is atomic),
        # left out of pickles and copies (__getstate__), so a copy or a clone gets its own.
        return self.__dict__.setdefault("_carry_lock", threading.Lock())

    def _predict_outputs(self, X):
        """Validated ``X`` and the network's raw outputs on it.

        Under ``state_policy="carry"`` prediction continues the carried stream and leaves the
        state where it ends (documented); otherwise nothing about the estimator changes, so a
        fitted estimator can predict from several threads at once.
        """
        check_is_fitted(self)
        with self._runtime():
            sequences = self._validate_X(X, reset=False)
            dataset = self._make_dataset(sequences)
            if not self._state_policy.carries:
                outputs, _ = self._forward_dataset(dataset)
                return sequences, outputs
            with self._prediction_lock:
                state = self._carried_state_for(len(dataset))
                outputs, final = self._forward_dataset(dataset, state=state, return_state=True)
                self.carried_state_ = map_state(lambda s: s.cpu(), final)
        return sequences, outputs

    def _scoring_data(self, X, y, sample_weight=None):
        """What ``score`` needs: outputs, validated targets, real-timestep mask, weights."""
        sequences, outputs = self._predict_outputs(X)
        outputs = outputs.astype(np.float64)
        targets, _, _ = check_sequence_targets(
            y, sequences, output=self.output_, allow_multi_target=self._allow_multi_target,
            estimator=self, numeric=self._numeric_targets)
        mask = sequences.mask() if self.output_ == "sequence" else None
        weights = None
        if sample_weight is not None:
            shape = targets.shape[:-1]
            weights = np.broadcast_to(
                np.asarray(sample_weight, dtype=float).reshape(-1, *([1] * (len(shape) - 1))),
                shape)
        return outputs, targets, mask, weights

    def _per_sequence_output(self, values, sequences):
        """Padded per-timestep results as an array, or as a list for list (or frame) input."""
        if self.output_ == "sequence" and sequences.ragged:
            return unpad_sequences(values, sequences.lengths)
        return values


def score_dataset(net, dataset, y=None):
    """Score of ``net`` on its own validation dataset (the per-epoch validation score)."""
    dataset = resolve_dataset(dataset)
    outputs, _ = net._forward_dataset(dataset, fixed_batch=False)
    return net._score_outputs(outputs, dataset)
