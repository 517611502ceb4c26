"""seqestimators: scikit-learn compatible recurrent neural network estimators.

Recurrent estimators (RNN, LSTM, GRU) built on PyTorch and skorch, sequence-task generators in
:mod:`seqestimators.datasets`, and searches over cell type, hidden size and hidden-state policy.
"""

from importlib.metadata import PackageNotFoundError, version

from .estimators import (
    MemorylessClassifier,
    MemorylessRegressor,
    RNNClassifier,
    RNNForecaster,
    RNNRegressor,
)

try:
    __version__ = version("seqestimators")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "MemorylessClassifier",
    "MemorylessRegressor",
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "__version__",
]
