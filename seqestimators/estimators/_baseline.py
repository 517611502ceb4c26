"""The trivial model every fit is compared with, and the warning when it is not beaten."""

from __future__ import annotations

import numpy as np

from ..data import lengths_to_mask, resolve_dataset
from ..exceptions import BaselineWarning

__all__ = ["BaselineMixin", "real_targets"]


def real_targets(dataset, per_timestep):
    """Targets of ``dataset`` over its real timesteps: ``(n_values,)`` or ``(n_values, k)``."""
    y = dataset.y.cpu().numpy()
    if per_timestep:
        y = y[lengths_to_mask(dataset.lengths.cpu().numpy(), y.shape[1])]
    return y


class BaselineMixin:
    """Compares a fitted model with the trivial one (``BaselineWarning`` when not better)."""

    def _trivial_outputs(self, train, like):
        """Outputs of the trivial model fitted on ``train``, shaped like the model's ``like``.

        The majority class (one-hot scores) for a classifier, the per-target mean for a
        regressor, over the real timesteps of the training part.
        """
        y = real_targets(train, self.output_ == "sequence")
        if self._numeric_targets:
            constant = y.reshape(len(y), -1).astype(np.float64).mean(axis=0)
        else:
            codes = y.reshape(-1).astype(np.int64)
            constant = np.zeros(like.shape[-1])
            constant[np.bincount(codes, minlength=like.shape[-1]).argmax()] = 1.0
        return np.broadcast_to(constant.reshape((1,) * (like.ndim - 1) + (-1,)), like.shape)

    def _baseline_comparison(self, dataset):
        """``(part, n_sequences, model score, trivial score)`` of this fit, or None.

        The part is the validation part of the fit's split when there is one, else the
        training data. Not measured for policies that carry a state between batches: their
        scores depend on the stream's history, not on the sequences alone.
        """
        if self._state_policy.carries:
            return None
        train, valid = self.get_split_datasets(dataset)
        part, data = ("validation", valid) if valid is not None else ("training", train)
        train, data = resolve_dataset(train), resolve_dataset(data)
        if len(data) == 0:
            return None
        outputs, _ = self._forward_dataset(data, fixed_batch=False)
        outputs = np.asarray(outputs, dtype=np.float64)
        model = self._score_outputs(outputs, data)
        trivial = self._score_outputs(self._trivial_outputs(train, outputs), data)
        return part, len(data), float(model), float(trivial)

    def _baseline_message(self, comparison):
        """The warning for a model that is not better than the trivial one, else None."""
        if comparison is None:
            return None
        part, n, model, trivial = comparison
        if not (model <= trivial):
            return None
        name = type(self).__name__
        metric, what = (("R²", "the training mean") if self._numeric_targets
                        else ("accuracy", "the majority class"))
        if part == "training":
            advice = ("It does not even fit its training data: raise max_epochs or lr, scale "
                      "the inputs (seqestimators.preprocessing.SequenceScaler), or run "
                      "seqestimators.diagnostics.diagnose.")
        else:
            advice = ("Try a smaller hidden_size, weight decay (optimizer__weight_decay=1e-3), "
                      "dropout with num_layers=2, or more data; if no setting beats it, the "
                      "inputs may not tell the target (seqestimators.diagnostics.diagnose).")
        return (f"{name}: on its {part} part ({n} sequence(s)) the model's {metric} is "
                f"{model:.4g}, no better than the trivial model's ({what}): {trivial:.4g}. "
                + advice)

    def _check_baseline(self, dataset):
        self._warn_once("baseline", self._baseline_message(self._baseline_comparison(dataset)),
                        BaselineWarning)
