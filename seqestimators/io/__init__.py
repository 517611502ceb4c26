"""Safe persistence without pickle (:func:`dump`, :func:`load`) and ONNX export (:func:`to_onnx`).

A model file is one `safetensors <https://huggingface.co/docs/safetensors>`_ file: the network
weights, the optimizer state and the carried hidden state are tensors; the estimator's class,
its parameters and its fitted attributes are JSON in the file's string metadata. Loading parses
JSON and copies tensors; it never unpickles and never imports or runs anything named by the
file: class names are looked up in a fixed allowlist (the seqestimators estimators and
networks, ``torch.optim`` optimizers and learning-rate schedulers, ``torch.nn`` losses, the
data classes and a few callbacks), and anything else is refused.
"""

from ._codec import FORMAT_NAME, FORMAT_VERSION
from ._dump import dump
from ._load import load
from ._onnx import to_onnx

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "dump", "load", "to_onnx"]
