"""The estimators: recurrent networks and memoryless baselines in scikit-learn's interface."""

from importlib import import_module

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

# Compatibility aliases: the forecaster lives in seqestimators.forecasting, a layer above the
# estimators, so it is imported on first use (PEP 562) rather than here.
_FORECASTING = ("RNNForecaster", "feedback_probability")


def __getattr__(name):
    if name in _FORECASTING:
        return getattr(import_module("seqestimators.forecasting"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
