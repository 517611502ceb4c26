"""The estimators: recurrent networks and memoryless baselines in scikit-learn's interface."""

from ._forecaster import RNNForecaster, feedback_probability
from ._memoryless import MemorylessClassifier, MemorylessRegressor
from ._recurrent import RNNClassifier, RNNRegressor

__all__ = [
    "MemorylessClassifier",
    "MemorylessRegressor",
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "feedback_probability",
]
