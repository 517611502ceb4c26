"""Export for serving: :func:`to_onnx`."""

from __future__ import annotations

import copy
import io
import json
import warnings

import numpy as np
import torch

from ._codec import encode_array
from ._dump import write_bytes


class _Serving(torch.nn.Module):
    """The network with the estimator's read-out: probabilities or predictions."""

    def __init__(self, network, kind, squeeze, mean=None, scale=None):
        super().__init__()
        self.network = network
        self.kind = kind
        self.squeeze = squeeze
        self.scaled = mean is not None
        if self.scaled:
            self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
            self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32))

    def forward(self, X):
        if self.scaled:
            X = (X - self.mean) / self.scale
        out, _ = self.network(X)
        if self.kind == "probabilities":
            return torch.softmax(out, dim=-1)
        return out[..., 0] if self.squeeze else out


def _unsupported(estimator, reason):
    return ValueError(f"to_onnx cannot export this {type(estimator).__name__}: {reason}")


def _serving_module(estimator):
    """The module to export, its output name and metadata; refuses what it cannot serve."""
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    from ..estimators import MemorylessClassifier, MemorylessRegressor, RNNClassifier, RNNRegressor
    from ..preprocessing import SequenceScaler

    mean = scale = None
    outer = estimator
    if isinstance(estimator, Pipeline):
        steps = [s for _, s in estimator.steps if s not in (None, "passthrough")]
        if not steps or not all(isinstance(s, SequenceScaler) for s in steps[:-1]):
            raise _unsupported(estimator, "a Pipeline is exported only when its steps are "
                               "SequenceScaler(s) followed by the estimator.")
        for scaler in steps[:-1]:
            check_is_fitted(scaler)
        if len(steps) > 1:
            mean, scale = _compose_scalers(steps[:-1])
        estimator = steps[-1]
    supported = (RNNClassifier, RNNRegressor, MemorylessClassifier, MemorylessRegressor)
    if type(estimator) not in supported:
        extra = (" RNNForecaster feeds its own predictions back in a Python loop (forecast), "
                 "which is not exported." if type(estimator).__name__ == "RNNForecaster" else "")
        raise _unsupported(outer, f"only {', '.join(c.__name__ for c in supported)} (and a "
                           f"Pipeline ending in one) can be exported.{extra}")
    check_is_fitted(estimator)
    if not _serves_stateless(estimator):
        raise _unsupported(estimator, "state_policy='carry' makes each prediction depend on "
                           "the state left by the previous batch, which a stateless served "
                           "model does not have. Refit with state_policy='reset' or 'learned'.")
    is_classifier = hasattr(estimator, "classes_")
    if is_classifier:
        criterion = estimator.criterion
        if estimator.predict_nonlinearity != "auto" or not (
                isinstance(criterion, type) and issubclass(criterion, torch.nn.CrossEntropyLoss)):
            raise _unsupported(estimator, "classifiers are exported with a softmax read-out, "
                               "which matches predict_proba only with the default "
                               "predict_nonlinearity='auto' and CrossEntropyLoss.")
    network = copy.deepcopy(estimator.module_).to("cpu").float().eval()
    metadata = {
        "seqestimators.estimator": type(estimator).__name__,
        "seqestimators.output": estimator.output_,
        "seqestimators.n_features": str(estimator.input_size_),
    }
    if is_classifier:
        metadata["seqestimators.classes"] = json.dumps(
            encode_array(np.asarray(estimator.classes_))["data"])
        return _Serving(network, "probabilities", False, mean, scale), "probabilities", metadata
    single = estimator.target_ndim_ == (2 if estimator.output_ == "sequence" else 1)
    return _Serving(network, "predictions", single, mean, scale), "predictions", metadata


def _serves_stateless(estimator):
    """Whether the estimator's predictions depend on their input only (no carried state)."""
    from ..state import get_state_policy

    return get_state_policy(getattr(estimator, "state_policy", "reset")).serves_stateless()


def _compose_scalers(scalers):
    """One ``(X - mean) / scale`` equal to a chain of fitted SequenceScalers."""
    mean, scale = 0.0, 1.0
    for scaler in scalers:
        # (((X - m) / s) - m2) / s2 = (X - (m + m2 s)) / (s s2)
        mean = mean + np.asarray(scaler.mean_) * scale
        scale = scale * np.asarray(scaler.scale_)
    return np.asarray(mean, dtype=np.float64), np.asarray(scale, dtype=np.float64)


def to_onnx(estimator, path, *, opset=None, check=True):
    """Export a fitted estimator's network to ONNX, for serving without the training stack.

    The ONNX model takes one input ``X``, float32 of shape ``(batch, n_timesteps,
    n_features)`` with dynamic batch and time axes, and returns one output:

    - classifiers: ``probabilities``, equal to ``predict_proba`` (softmax over the classes,
      in the order of ``classes_``, stored as JSON in the model's metadata
      ``seqestimators.classes``); the label is ``classes[argmax]``;
    - regressors: ``predictions``, equal to ``predict``, in the units and shape of the fitted
      ``y`` (the target axis dropped for a single target).

    Every sequence of a batch must have the same length: serve ragged data one sequence at a
    time, or in groups of equal length (the exported network has no padding mask). A
    :class:`~sklearn.pipeline.Pipeline` of :class:`~seqestimators.preprocessing.SequenceScaler`
    steps followed by the estimator is exported with the scaling inside the graph.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~seqestimators.RNNClassifier`, :class:`~seqestimators.RNNRegressor`,
        :class:`~seqestimators.MemorylessClassifier` or
        :class:`~seqestimators.MemorylessRegressor` (any cell, ``output``, ``num_layers``,
        ``bidirectional``; ``state_policy`` ``"reset"`` or ``"learned"``), or such a Pipeline.
    path : str, path-like or binary file object
        Where to write the ``.onnx`` model.
    opset : int, default=None
        ONNX opset version; None uses torch's default.
    check : bool, default=True
        When onnxruntime is installed, run the exported model on a batch of another size and
        length than the export example and raise ``RuntimeError`` if it differs from the
        network by more than 1e-4.

    Raises
    ------
    ValueError
        For what cannot be served statelessly: ``state_policy="carry"`` (predictions depend on
        the previous batch), :class:`~seqestimators.RNNForecaster` (its closed-loop
        ``forecast`` is a Python loop), a classifier with a custom ``predict_nonlinearity``
        or criterion.

    Notes
    -----
    torch's TorchScript-based exporter (``dynamo=False``) is used: in torch 2.13 the
    ``torch.export``-based one fixes the time axis of ``nn.RNN``/``nn.GRU`` (and of ``nn.LSTM``
    in most configurations) to the length of the example input.
    """
    module, output_name, metadata = _serving_module(estimator)
    n_features = int(metadata["seqestimators.n_features"])
    # A length that no patch size divides, so that length-dependent code paths are traced.
    example = torch.zeros(2, 7, n_features)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        for message in ("You are using the legacy TorchScript-based ONNX export",
                        "The feature will be removed",
                        "Exporting a model to ONNX with a batch_size other than 1"):
            warnings.filterwarnings("ignore", message=message)
        # The tracer's notes on shape checks inside torch.nn.RNN; the export is verified below.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        try:
            torch.onnx.export(
                module, (example,), buffer, input_names=["X"], output_names=[output_name],
                dynamic_axes={"X": {0: "batch", 1: "time"}, output_name: {0: "batch"}},
                opset_version=opset, dynamo=False,
            )
        except TypeError as exc:  # pragma: no cover - a torch without the TorchScript exporter
            raise RuntimeError(f"This torch ({torch.__version__}) cannot export recurrent "
                               f"networks with dynamic time axes: {exc}") from exc
    model_bytes = _with_metadata(buffer.getvalue(), metadata)
    if check:
        try:
            _check_export(module, model_bytes, n_features)
        except RuntimeError as exc:
            patch_size = getattr(module.network, "patch_size", 1)
            if patch_size > 1:
                raise _unsupported(estimator, (
                    f"it reads patches of patch_size_={patch_size} timesteps, and the exported "
                    "patching does not follow the sequence length. Refit with "
                    "patch_size=None to serve it through ONNX.")) from exc
            raise
    write_bytes(path, model_bytes)


def _with_metadata(model_bytes, metadata):
    import onnx

    model = onnx.load_from_string(model_bytes)
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model.SerializeToString()


def _check_export(module, model_bytes, n_features):
    try:
        import onnxruntime
    except ImportError:  # pragma: no cover - onnxruntime is optional
        return
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4  # failures are reported below, not logged
    session = onnxruntime.InferenceSession(model_bytes, options,
                                           providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    ok, detail = True, ""
    # Other batch sizes and lengths than the export example's (2, 7), of every residue mod 3.
    for batch, n_timesteps in ((5, 12), (1, 1), (3, 11), (4, 6)):
        X = torch.from_numpy(rng.standard_normal((batch, n_timesteps, n_features))
                             .astype(np.float32))
        with torch.no_grad():
            expected = module(X).numpy()
        try:
            got = session.run(None, {"X": X.numpy()})[0]
            detail = f"outputs of shape {got.shape} instead of {expected.shape}" \
                if got.shape != expected.shape else \
                f"outputs differ by up to {np.abs(got - expected).max():.3g}"
            ok = got.shape == expected.shape and np.allclose(got, expected, rtol=1e-4,
                                                             atol=1e-4)
        except Exception as exc:  # onnxruntime raises its own error types
            detail, ok = f"onnxruntime failed: {exc}", False
        if not ok:
            break
    if not ok:
        raise RuntimeError(
            "The exported ONNX model does not reproduce the network on a batch of another size"
            f" and length ({detail}); the exporter may have fixed an axis. This configuration "
            "cannot be served through ONNX with this torch version."
        )
