"""Pruning: the skorch callback through which a trial's fits report their epochs to Optuna."""

from __future__ import annotations

import contextvars

import optuna
from skorch.callbacks import Callback

#: The running trial, seen by the pruning callback of the estimators fitted inside it.
ACTIVE_TRIAL = contextvars.ContextVar("seqestimators_active_trial", default=None)


class TrialContext:
    """The trial being evaluated and how many fits it has started (one per CV fold)."""

    def __init__(self, trial):
        self.trial = trial
        self.n_fits = 0


class TrialPruningCallback(Callback):
    """Report the per-epoch validation score to the running Optuna trial, and prune on request.

    The same reports as :class:`optuna_integration.SkorchPruningCallback` (step = epoch index
    from 0, value = ``net.history[-1, monitor]``; :class:`optuna.TrialPruned` when the pruner
    says so), but the trial is not a parameter: the estimator is cloned for every CV fold, and
    cloning would deep-copy the trial and its storage. The callback takes the running trial
    from :data:`ACTIVE_TRIAL` when training begins and reports the epochs of the trial's first
    fit only (its first CV fold), so that steps are epochs and comparable across trials; later
    folds and fits outside a search report nothing.

    Parameters
    ----------
    monitor : str
        The history key to report; higher must be better, like the study's direction.
    """

    def __init__(self, monitor):
        self.monitor = monitor

    def initialize(self):
        self.trial_ = None
        return self

    def on_train_begin(self, net, **kwargs):
        context = ACTIVE_TRIAL.get()
        self.trial_ = None
        if context is not None:
            context.n_fits += 1
            if context.n_fits == 1:
                self.trial_ = context.trial

    def on_epoch_end(self, net, **kwargs):
        trial = getattr(self, "trial_", None)
        if trial is None or not net.history:
            return
        epoch = len(net.history) - 1
        trial.report(float(net.history[-1, self.monitor]), epoch)
        if trial.should_prune():
            raise optuna.TrialPruned(f"Trial was pruned at epoch {epoch}.")

    def on_train_end(self, net, **kwargs):
        self.trial_ = None
