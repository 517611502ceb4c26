"""The estimators: recurrent networks and memoryless baselines in scikit-learn's interface.

The mixins are public for the layers that build estimators of their own on them (the
forecaster, the searches' test estimators): :class:`SequenceNetMixin` (parameters, training,
inference, skorch hooks), :class:`SequenceClassifierMixin` and :class:`SequenceRegressorMixin`
(targets, losses, predictions and scores of each task), and :func:`resolve_device`.
"""

from ._base import SequenceNetMixin
from ._classifier import SequenceClassifierMixin
from ._device import resolve_device
from ._forecaster import RNNForecaster, feedback_probability
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
]
