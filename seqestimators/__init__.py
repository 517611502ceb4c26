"""seqestimators: scikit-learn compatible recurrent neural network estimators.

Recurrent estimators (RNN, LSTM, GRU) built on PyTorch and skorch, sequence-task generators in
:mod:`seqestimators.datasets`, and searches over cell type, hidden size and hidden-state policy.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("seqestimators")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

# The estimators (and with them torch and skorch) are imported on first use (PEP 562), so that
# ``import seqestimators.cli`` and ``seqestimators --help`` stay fast.
_LAZY = {name: ".estimators" for name in (
    "MemorylessClassifier", "MemorylessRegressor", "RNNClassifier", "RNNForecaster",
    "RNNRegressor")}

__all__ = [
    "MemorylessClassifier",
    "MemorylessRegressor",
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "__version__",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_LAZY})
