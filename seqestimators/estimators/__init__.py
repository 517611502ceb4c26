"""The estimators: recurrent networks and memoryless baselines in scikit-learn's interface.

The mixins are public for the layers that build estimators of their own on them (the
forecaster, the searches' test estimators): :class:`SequenceNetMixin` (parameters, training,
inference, skorch hooks), :class:`SequenceClassifierMixin` and :class:`SequenceRegressorMixin`
(targets, losses, predictions and scores of each task), and :func:`resolve_device`.
"""

from importlib import import_module

from ._base import SequenceNetMixin
from ._baseline import without_baseline_check
from ._classifier import SequenceClassifierMixin
from ._device import resolve_device
from ._memoryless import MemorylessClassifier, MemorylessRegressor
from ._recurrent import RNNClassifier, RNNRegressor
from ._regressor import SequenceRegressorMixin

__all__ = [
    "MemorylessClassifier",
    "MemorylessRegressor",
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "SequenceClassifierMixin",
    "SequenceNetMixin",
    "SequenceRegressorMixin",
    "feedback_probability",
    "resolve_device",
    "without_baseline_check",
]

# Compatibility aliases: the forecaster lives in seqestimators.forecasting, a layer above the
# estimators, so it is imported on first use (PEP 562) rather than here.
_FORECASTING = ("RNNForecaster", "feedback_probability")


def __getattr__(name):
    if name in _FORECASTING:
        return getattr(import_module("seqestimators.forecasting"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
