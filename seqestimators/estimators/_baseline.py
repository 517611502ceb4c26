"""The trivial model every fit is compared with, and the warning when it is not beaten."""

from __future__ import annotations

import contextvars
import warnings

import numpy as np
from sklearn.base import clone
from skorch.dataset import ValidSplit

from ..data import check_seed, lengths_to_mask, resolve_dataset
from ..exceptions import BaselineWarning

__all__ = ["HOLDOUT_MAX_SAMPLES", "BaselineMixin", "real_targets", "without_baseline_check"]

#: Without a validation part, data sets of at most this many sequences (per-sequence outputs)
#: are checked on a held-out fifth by one extra fit; larger ones on their training data.
HOLDOUT_MAX_SAMPLES = 1000
HOLDOUT_FRACTION = 0.2

#: While a held-out probe fits, its comparison is collected here instead of warned.
_PROBE = contextvars.ContextVar("seqestimators_baseline_probe", default=None)


def without_baseline_check(estimator):
    """``estimator`` with every ``baseline_check`` parameter (its own or a nested step's) off.

    For fits that are scored on held-out data already (a search's folds, a backtest's
    origins, an ensemble's members compared as a whole), where each fit's own held-out check
    would double its cost for nothing. Returns the estimator (``set_params`` modifies it).
    """
    return estimator.set_params(**{key: False for key in estimator.get_params()
                                   if key == "baseline_check"
                                   or key.endswith("__baseline_check")})


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

    def _holdout_comparison(self, X, y):
        """The comparison of a copy fitted on 80 % of ``X, y`` and scored on the rest."""
        seed = check_seed(self.random_state)
        stratified = not self._numeric_targets and self.output_ == "last"
        probe = clone(self).set_params(train_split=ValidSplit(
            HOLDOUT_FRACTION, stratified=stratified,
            random_state=None if seed is None else (seed + 104729) % 2**32))
        found = []
        token = _PROBE.set(found)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                probe.fit(X, y)
        except ValueError:
            return None  # e.g. a class too rare to stratify: the training comparison stands
        finally:
            _PROBE.reset(token)
        return found[0] if found else None

    def _check_baseline(self, X, y, dataset):
        """Warn (``BaselineWarning``) when this fit is not better than the trivial model.

        On the validation part when the fit has one; else, for at most
        :data:`HOLDOUT_MAX_SAMPLES` sequences with one output each, on a held-out fifth of the
        data by one extra fit of a copy (small data is where a model overfits unseen); else on
        the training data (which catches a model that fits nothing).
        """
        if not self.baseline_check:
            return
        comparison = self._baseline_comparison(dataset)
        probe = _PROBE.get()
        if probe is not None:
            probe.append(comparison)
            return
        if comparison is not None and comparison[0] == "training" and \
                comparison[2] > comparison[3] and self.output_ == "last" and \
                10 <= len(dataset) <= HOLDOUT_MAX_SAMPLES:
            held_out = self._holdout_comparison(X, y)
            if held_out is not None:
                comparison = ("held-out fifth (a copy fitted on the rest)", *held_out[1:])
        self._warn_once("baseline", self._baseline_message(comparison), BaselineWarning)
