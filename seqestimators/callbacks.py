"""skorch callbacks used by the estimators."""

from __future__ import annotations

import math

from skorch.callbacks import Callback, EarlyStopping, LRScheduler
from torch.optim.lr_scheduler import ReduceLROnPlateau

__all__ = ["ConvergenceCheck", "DivergenceCheck", "PlateauLRScheduler", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """Raised when the training loss becomes NaN or infinite."""


def _converges_this_fit(net):
    """Whether ``net`` is inside ``fit`` (not ``partial_fit``) with convergence stopping on."""
    return bool(getattr(net, "_fitting_to_convergence", False)) and \
        net.n_iter_no_change is not None


def _monitored_loss(net):
    """The history key that convergence and the plateau schedule watch."""
    return "valid_loss" if net.early_stopping else "train_loss"


def _steps_this_fit(net, first_epoch):
    """Training batches run since epoch ``first_epoch`` (0-based) of ``net.history``."""
    return sum(int(epoch.get("train_batch_count", 0)) for epoch in net.history[first_epoch:])


class DivergenceCheck(Callback):
    """Stop training with a clear error as soon as a batch loss is not finite.

    A recurrent network whose loss became NaN keeps "training" silently and then predicts NaN;
    this callback turns that into :class:`TrainingDivergedError` naming the epoch and batch.

    Parameters
    ----------
    key : str, default="train_loss"
        The batch-level history entry to watch.
    """

    def __init__(self, key="train_loss"):
        self.key = key

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        if not training:
            return
        loss = net.history[-1, "batches", -1, self.key]
        if not math.isfinite(loss):
            epoch = len(net.history)
            n_batch = len(net.history[-1, "batches"])
            raise TrainingDivergedError(
                f"The training loss became {loss} in epoch {epoch} (batch {n_batch}): training "
                "diverged. Lower the learning rate (lr), keep gradient-norm clipping on "
                "(callbacks__gradient_clip__gradient_clip_value), or scale the inputs "
                "(seqestimators.preprocessing.SequenceScaler)."
            )


class ConvergenceCheck(EarlyStopping):
    """Stop ``fit`` at convergence, as scikit-learn's ``MLPClassifier`` does, and say when not.

    The monitored loss is the training loss, or with the estimator's ``early_stopping=True``
    the validation loss (``valid_loss``) on the held-out ``validation_fraction``, whose best
    weights are restored at the end. Training stops when it has not improved by the
    estimator's ``tol`` for ``n_iter_no_change`` consecutive epochs. When ``max_epochs`` ends
    training first, the estimator's ``fit`` warns with a
    :class:`~sklearn.exceptions.ConvergenceWarning` (the message is left in its
    ``_not_converged``). The settings are read from the estimator when training begins;
    ``partial_fit`` (a stream learned in chunks) is never stopped early. Sets the estimator's
    ``n_iter_`` (epochs run in total) and ``best_epoch_`` (the epoch with the best monitored
    loss).

    Parameters
    ----------
    min_steps : int, default=500
        Training is not stopped before this many optimizer steps (batches) of the fit: 10
        epochs of a small data set are a few dozen steps, too few to tell a plateau at
        initialization from convergence (measured: without a floor, one of two ItalyPowerDemand
        fits stopped at chance after 15 epochs; 500 and 1,000 steps gave the same accuracy on
        five UCR/UEA sets, 500 in half the time). Large data sets reach it within an epoch.
        Set it with ``callbacks__convergence__min_steps``.
    """

    def __init__(self, min_steps=500):
        super().__init__(threshold_mode="abs")
        self.min_steps = min_steps

    def on_train_begin(self, net, **kwargs):
        self.active_ = _converges_this_fit(net)
        self.monitor = _monitored_loss(net)
        self.patience = net.n_iter_no_change
        self.threshold = net.tol
        self.load_best = bool(net.early_stopping)
        self.stopped_ = False
        self.first_epoch_ = len(net.history)
        super().on_train_begin(net, **kwargs)

    def on_epoch_end(self, net, **kwargs):
        if not self.active_:
            return
        settled = getattr(net, "_objective_settled", None)
        if _steps_this_fit(net, self.first_epoch_) < self.min_steps or \
                (settled is not None and not settled()):
            # Too early to judge, or the training objective itself still changes (scheduled
            # sampling): losses of different epochs are not comparable yet.
            self.misses_ = 0
            self.dynamic_threshold_ = float("inf")
            return
        try:
            super().on_epoch_end(net, **kwargs)
        except KeyboardInterrupt:
            self.stopped_ = True
            raise

    def on_train_end(self, net, **kwargs):
        net.n_iter_ = len(net.history)
        if not self.active_:
            return
        super().on_train_end(net, **kwargs)
        net.best_epoch_ = int(self.best_epoch_) if self.best_epoch_ else len(net.history)
        epochs_run = len(net.history) - self.first_epoch_
        if not self.stopped_ and epochs_run >= net.max_epochs > 0:
            name = type(net).__name__
            steps = _steps_this_fit(net, self.first_epoch_)
            if steps < self.min_steps:
                why = (f"max_epochs={net.max_epochs} ended training after {steps} optimizer "
                       f"steps, before the convergence check could judge it (it waits for "
                       f"min_steps={self.min_steps})")
            else:
                why = (f"the {self.monitor.replace('_', ' ')} was still improving when "
                       f"max_epochs={net.max_epochs} was reached")
            # The estimator's fit warns, so that the warning points at the caller's line.
            net._not_converged = (
                f"{name}: {why} ({net.n_iter_} epochs run): training has not converged. Raise "
                f"max_epochs (or lr); it stops by itself once the loss has not improved by "
                f"tol={net.tol:g} for n_iter_no_change={net.n_iter_no_change} epochs. For a "
                "fixed number of epochs, pass n_iter_no_change=None (no warning)."
            )


class PlateauLRScheduler(LRScheduler):
    """Halve the learning rate when ``fit``'s monitored loss stalls (``ReduceLROnPlateau``).

    The loss is the one :class:`ConvergenceCheck` monitors (training loss, or validation loss
    with ``early_stopping=True``); the learning rate is multiplied by ``factor`` when it has not
    improved by the estimator's ``tol`` for half of ``n_iter_no_change`` epochs, so that a
    plateau first gets a finer step and only then ends training. Like the convergence check it
    acts in ``fit`` only (a stream learned with ``partial_fit`` keeps its learning rate) and not
    with ``n_iter_no_change=None``. Disable it with ``callbacks__lr_scheduler=None``.

    Parameters
    ----------
    factor : float, default=0.5
        Multiplier of the learning rate at each plateau.
    min_lr : float, default=1e-5
        The learning rate is never lowered below this.
    min_steps : int, default=250
        The learning rate is kept for this many optimizer steps of the fit: half of the steps
        :class:`ConvergenceCheck` guarantees, so that a plateau at initialization is left at
        the full rate (measured on four UCR/UEA sets against 0 and 1,000 steps).
    """

    def __init__(self, factor=0.5, min_lr=1e-5, min_steps=250):
        super().__init__(policy=ReduceLROnPlateau, monitor="train_loss", factor=factor,
                         min_lr=min_lr)
        self.min_steps = min_steps

    @property
    def kwargs(self):
        # The arguments of ReduceLROnPlateau: min_steps is this callback's own.
        kwargs = super().kwargs
        kwargs.pop("min_steps", None)
        return kwargs

    def on_train_begin(self, net, **kwargs):
        self.active_ = _converges_this_fit(net)
        self.monitor = _monitored_loss(net)
        if self.active_:
            self.patience = max(1, net.n_iter_no_change // 2)
            self.threshold = net.tol
            self.threshold_mode = "abs"
        self.first_epoch_ = len(net.history)
        super().on_train_begin(net, **kwargs)

    def on_epoch_end(self, net, **kwargs):
        if self.active_ and _steps_this_fit(net, self.first_epoch_) >= self.min_steps:
            super().on_epoch_end(net, **kwargs)

    def on_batch_end(self, net, training, **kwargs):
        if self.active_:
            super().on_batch_end(net, training, **kwargs)
