"""skorch callbacks used by the estimators."""

from __future__ import annotations

import math

from skorch.callbacks import Callback

__all__ = ["DivergenceCheck", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """Raised when the training loss becomes NaN or infinite."""


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
