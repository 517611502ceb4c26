"""Safe persistence without pickle (:func:`dump`, :func:`load`) and ONNX export (:func:`to_onnx`).

A model file is one `safetensors <https://huggingface.co/docs/safetensors>`_ file: the network
weights, the optimizer state and the carried hidden state are tensors; the estimator's class,
its parameters and its fitted attributes are JSON in the file's string metadata. Loading parses
JSON and copies tensors; it never unpickles and never imports or runs anything named by the
file: class names are looked up in a fixed allowlist (the seqestimators estimators and
networks, ``torch.optim`` optimizers and learning-rate schedulers, ``torch.nn`` losses, the
data classes and a few callbacks), and anything else is refused.
"""

from __future__ import annotations

import copy
import inspect
import io
import json
import os
import warnings
from numbers import Integral

import numpy as np
import torch

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "dump", "load", "to_onnx"]

FORMAT_NAME = "seqestimators"
#: Version of the file layout; a reader refuses files of a newer major version.
FORMAT_VERSION = "1.0"

_TAG = "__seqestimators__"
# skorch's bookkeeping, rebuilt by ``initialize()`` rather than stored.
_NET_INTERNALS = frozenset({
    "initialized_", "virtual_params_", "callbacks_", "prefixes_", "cuda_dependent_attributes_",
    "init_context_", "history_", "carried_state_",
})
_SAFETENSORS_DTYPES = {
    torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
    torch.int16, torch.int8, torch.uint8, torch.bool,
}


class _Refused(Exception):
    """A value that the format cannot hold as plain data (collected, then reported at once)."""


# ---------------------------------------------------------------------------- allowlist
def _public_classes(namespace, module, base):
    return {f"{namespace}.{name}": obj for name, obj in vars(module).items()
            if isinstance(obj, type) and issubclass(obj, base) and not name.startswith("_")}


def _allowlist():
    """Every class a model file may name, by its public dotted name.

    Built from the libraries' own namespaces, never from the file: a name that is not here is
    refused.
    """
    import skorch.callbacks
    import skorch.dataset
    from sklearn.pipeline import Pipeline
    from torch.utils.data import DataLoader

    from . import _batching, callbacks, estimators, networks, preprocessing

    classes = {}
    classes.update(_public_classes("torch.optim", torch.optim, torch.optim.Optimizer))
    classes.update(_public_classes("torch.nn", torch.nn, torch.nn.modules.loss._Loss))
    schedulers = torch.optim.lr_scheduler
    classes.update({f"torch.optim.lr_scheduler.{name}": obj
                    for name, obj in vars(schedulers).items()
                    if isinstance(obj, type) and not name.startswith("_")
                    and (issubclass(obj, schedulers.LRScheduler)
                         or name == "ReduceLROnPlateau")})
    for namespace, module in [("seqestimators", estimators), ("seqestimators.networks", networks),
                              ("seqestimators.preprocessing", preprocessing),
                              ("seqestimators.callbacks", callbacks)]:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if isinstance(obj, type):
                classes[f"{namespace}.{name}"] = obj
    for cls in (_batching.SequenceBatchIterator, _batching.SequenceDataset):
        classes[f"seqestimators._batching.{cls.__name__}"] = cls
    classes["torch.utils.data.DataLoader"] = DataLoader
    classes["skorch.dataset.Dataset"] = skorch.dataset.Dataset
    classes["skorch.dataset.ValidSplit"] = skorch.dataset.ValidSplit
    # Callbacks described completely by plain parameters (never those that read or write
    # files, such as Checkpoint or LoadInitState, nor those taking arbitrary callables).
    for name in ("EarlyStopping", "LRScheduler", "GradientNormClipping", "EpochScoring",
                 "BatchScoring", "PassthroughScoring", "EpochTimer", "PrintLog"):
        classes[f"skorch.callbacks.{name}"] = getattr(skorch.callbacks, name)
    classes["sklearn.pipeline.Pipeline"] = Pipeline
    return classes


def _instance_classes():
    """Classes whose instances (callbacks, splitters) are stored as class name + parameters."""
    import skorch.callbacks
    import skorch.dataset

    allowed = _allowlist()
    return {name: cls for name, cls in allowed.items()
            if issubclass(cls, (skorch.callbacks.Callback, skorch.dataset.ValidSplit))}


def _name_of(cls, allowed):
    for name, obj in allowed.items():
        if obj is cls:
            return name
    return None


# ---------------------------------------------------------------------------- plain data
def _describe_value(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _encode(value, allowed, instances):
    """``value`` as JSON-able plain data, or :class:`_Refused`."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic) and not isinstance(value, np.ndarray):
        return _encode(value.item(), allowed, instances)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, list):
        return [_encode(v, allowed, instances) for v in value]
    if isinstance(value, tuple):
        return {_TAG: "tuple", "items": [_encode(v, allowed, instances) for v in value]}
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if not isinstance(key, str) or key == _TAG:
                raise _Refused(f"a dict with the key {key!r}")
            out[key] = _encode(v, allowed, instances)
        return out
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        if t.dtype not in _SAFETENSORS_DTYPES:
            raise _Refused(f"a tensor of dtype {t.dtype}")
        return {_TAG: "tensor", "dtype": str(t.dtype).removeprefix("torch."),
                "shape": list(t.shape), "data": t.tolist()}
    if isinstance(value, type):
        name = _name_of(value, allowed)
        if name is None:
            raise _Refused(f"the class {value.__module__}.{value.__qualname__}, which is not "
                           "in the allowlist")
        return {_TAG: "class", "name": name}
    if value is print:
        return {_TAG: "function", "name": "builtins.print"}
    name = _name_of(type(value), instances)
    if name is not None:
        return {_TAG: "object", "class": name,
                "params": _encode(_instance_params(value), allowed, instances)}
    if callable(value):
        raise _Refused(f"the callable {_describe_value(value)}")
    raise _Refused(f"{_describe_value(value)} of type {type(value).__qualname__}")


def _instance_params(obj):
    if hasattr(obj, "get_params"):
        params = obj.get_params(deep=False)
    else:
        names = [p for p in inspect.signature(type(obj).__init__).parameters
                 if p != "self"]
        params = {name: getattr(obj, name) for name in names}
    return {k: v for k, v in params.items() if not k.startswith("_")}


def _encode_array(a):
    """A numeric, string or (plain) object array as its dtype, shape and flat values."""
    if a.dtype.kind not in "biufUO":
        raise _Refused(f"an array of dtype {a.dtype}")
    if a.dtype.kind != "O":
        return {_TAG: "ndarray", "dtype": a.dtype.str, "shape": list(a.shape),
                "data": a.ravel().tolist()}
    data = []
    for item in a.ravel():
        if isinstance(item, np.generic):
            item = item.item()
        if not (item is None or isinstance(item, (bool, str, Integral, float))):
            raise _Refused(f"an object array holding {_describe_value(item)}")
        data.append(int(item) if isinstance(item, Integral) and not isinstance(item, bool)
                    else item)
    return {_TAG: "ndarray", "dtype": "|O", "shape": list(a.shape), "data": data}


def _decode(value, allowed, instances):
    if isinstance(value, list):
        return [_decode(v, allowed, instances) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(_TAG)
    if tag is None:
        return {k: _decode(v, allowed, instances) for k, v in value.items()}
    if tag == "tuple":
        return tuple(_decode(v, allowed, instances) for v in value["items"])
    if tag == "ndarray":
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in "biufUO":
            raise ValueError(f"The model file holds an array of unsupported dtype {dtype}.")
        if dtype.kind == "O":
            out = np.empty(len(value["data"]), dtype=object)
            out[:] = value["data"]
        else:
            out = np.array(value["data"], dtype=dtype)
        return out.reshape(value["shape"])
    if tag == "tensor":
        dtype = getattr(torch, value["dtype"], None)
        if dtype not in _SAFETENSORS_DTYPES:
            raise ValueError(f"The model file holds a tensor of unsupported dtype "
                             f"{value['dtype']!r}.")
        return torch.tensor(value["data"], dtype=dtype).reshape(value["shape"])
    if tag == "class":
        return _lookup(value["name"], allowed)
    if tag == "function":
        if value["name"] != "builtins.print":
            raise ValueError(f"The model file names the function {value['name']!r}, which "
                             "is not in the allowlist; refusing to load it.")
        return print
    if tag == "object":
        cls = _lookup(value["class"], instances)
        return cls(**_decode(value["params"], allowed, instances))
    raise ValueError(f"The model file holds an unknown entry type {tag!r}.")


def _lookup(name, allowed):
    if name not in allowed:
        raise ValueError(
            f"The model file names the class {name!r}, which is not in seqestimators.io's "
            "allowlist; refusing to load it (loading never imports or runs code named by a "
            "file)."
        )
    return allowed[name]


# ---------------------------------------------------------------------------- dump
def _is_net(est):
    from skorch import NeuralNet

    return isinstance(est, NeuralNet)


def _tensor_for_file(t):
    return t.detach().to("cpu").contiguous().clone()


def _state_tensors(state_dict, prefix, tensors):
    for key, t in state_dict.items():
        tensors[f"{prefix}{key}"] = _tensor_for_file(t)


def _describe_estimator(est, prefix, tensors, problems, allowed, instances, where):
    from sklearn.pipeline import Pipeline

    name = _name_of(type(est), allowed)
    if name is None or not hasattr(est, "get_params") or issubclass(type(est), torch.nn.Module):
        problems.append(f"{where} is a {type(est).__module__}.{type(est).__qualname__}, which "
                        "the format cannot store (only the seqestimators estimators, "
                        "SequenceScaler and a Pipeline of them)")
        return None

    def encode(value, label):
        try:
            return _encode(value, allowed, instances)
        except _Refused as exc:
            problems.append(f"{label} holds {exc}")
            return None

    params = est.get_params(deep=False)
    node = {"class": name}
    if isinstance(est, Pipeline):
        steps = []
        for step_name, step in params.pop("steps"):
            if step is None or step == "passthrough":
                steps.append([step_name, step])
                continue
            steps.append([step_name, _describe_estimator(
                step, f"{prefix}steps.{step_name}.", tensors, problems, allowed, instances,
                f"{where[:1].lower() + where[1:]} step {step_name!r}")])
        node["steps"] = steps
        node["params"] = {k: encode(v, f"The Pipeline's parameter {k!r}")
                          for k, v in params.items()}
        return node

    node["params"] = {k: encode(v, f"The parameter {k!r} of {where}")
                      for k, v in params.items()}
    net = _is_net(est)
    if net and not est.initialized_:
        return node
    fitted = {}
    skip = set(_NET_INTERNALS) if net else set()
    if net:
        skip.update(f"{n}_" for n in (*est._modules, *est._criteria, *est._optimizers))
    for key, value in vars(est).items():
        if not key.endswith("_") or key.endswith("__") or key in skip:
            continue
        if type(value).__name__ == "LabelEncoder" and type(value).__module__.startswith(
                "sklearn.preprocessing"):
            fitted[key] = {_TAG: "label_encoder",
                           "classes": encode(value.classes_, f"The fitted {key} of {where}")}
            continue
        fitted[key] = encode(value, f"The fitted attribute {key!r} of {where}")
    node["fitted"] = fitted
    if not net:
        return node
    node["history"] = encode(list(est.history_), f"The history of {where}")
    for module_name in est._modules:
        _state_tensors(getattr(est, module_name + "_").state_dict(), f"{prefix}{module_name}.",
                       tensors)
    node["modules"] = list(est._modules)
    optimizers = {}
    for opt_name in est._optimizers:
        opt = getattr(est, opt_name + "_", None)
        if opt is None:
            continue
        state_dict = opt.state_dict()
        plain_state = {}
        for pid, entries in state_dict["state"].items():
            plain = {}
            for key, value in entries.items():
                if isinstance(value, torch.Tensor):
                    tensors[f"{prefix}{opt_name}.state.{pid}.{key}"] = _tensor_for_file(value)
                    plain[key] = {_TAG: "file_tensor"}
                else:
                    plain[key] = encode(value, f"The optimizer state of {where}")
            plain_state[str(pid)] = plain
        optimizers[opt_name] = {
            "state": plain_state,
            "param_groups": encode(state_dict["param_groups"],
                                   f"The optimizer's param_groups of {where}"),
        }
    node["optimizers"] = optimizers
    carried = getattr(est, "carried_state_", None)
    if carried is None:
        node["carried_state"] = None
    else:
        parts = carried if isinstance(carried, tuple) else (carried,)
        for i, part in enumerate(parts):
            tensors[f"{prefix}carried_state.{i}"] = _tensor_for_file(part)
        node["carried_state"] = {"tuple": isinstance(carried, tuple), "n": len(parts)}
    return node


def dump(estimator, path):
    """Save a seqestimators estimator to one file, without pickle.

    The file is a `safetensors` file: the network's weights (``module.<name>``), the
    optimizer's state and the carried hidden state (``carried_state.<i>``) are tensors, and its
    string metadata holds JSON: the format name and version, the estimator's class, its
    parameters (``get_params(deep=False)``), its fitted attributes (every attribute ending in
    ``_`` that holds plain data: numbers, strings, lists, dicts, arrays; ``label_encoder_`` as
    its classes) and the training history. Fitted callback state (e.g. an early-stopping
    counter) is not stored: the callbacks are rebuilt from their parameters.

    Parameters
    ----------
    estimator : estimator
        A fitted (or unfitted) :class:`~seqestimators.RNNClassifier`,
        :class:`~seqestimators.RNNRegressor`, :class:`~seqestimators.RNNForecaster`,
        :class:`~seqestimators.MemorylessClassifier`,
        :class:`~seqestimators.MemorylessRegressor`,
        :class:`~seqestimators.preprocessing.SequenceScaler`, or a
        :class:`~sklearn.pipeline.Pipeline` of them.
    path : str, path-like or binary file object
        Where to write (conventionally ``*.safetensors``).

    Raises
    ------
    ValueError
        When a parameter or fitted attribute is not plain data: a callable (e.g. a
        ``schedule`` function), a class outside the allowlist (a custom module, optimizer or
        loss), a callback other than the allowlisted skorch and seqestimators ones, a custom
        ``train_split``, a ``RandomState`` instance. All of them are named; nothing is dropped
        silently.

    See Also
    --------
    load : Load the file back.
    to_onnx : Export the network for serving without Python's training stack.
    """
    from safetensors.torch import save

    from . import __version__

    allowed = _allowlist()
    instances = _instance_classes()
    tensors, problems = {}, []
    node = _describe_estimator(estimator, "", tensors, problems, allowed, instances,
                               type(estimator).__name__)
    if problems:
        raise ValueError(
            f"Cannot save {type(estimator).__name__} with seqestimators.io.dump: the format "
            "holds only plain data (numbers, strings, lists, dicts, arrays) and allowlisted "
            "classes, never code. " + "; ".join(problems) + ". Use plain values (e.g. a "
            "schedule name instead of a function, an int random_state), or keep such a model "
            "in a format you trust yourself."
        )
    metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "estimator_class": node["class"],
        "estimator": json.dumps(node, allow_nan=True),
        "versions": json.dumps({"seqestimators": __version__,
                                "torch": torch.__version__.split("+")[0]}),
    }
    _write_bytes(path, save(tensors, metadata=metadata))


def _write_bytes(path, data):
    """Write ``data`` to a path or to a writable binary file object."""
    if hasattr(path, "write"):
        path.write(data)
        return
    with open(os.fspath(path), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------- load
def _not_a_model(source, data):
    if data[:1] == b"\x80" or data[:2] in (b"(d", b"(l", b"}q", b"]q"):
        kind = "It looks like a pickle (e.g. pickle.dump or joblib.dump): "
    elif data[:2] == b"PK":
        kind = "It looks like a zip archive (e.g. torch.save): "
    else:
        kind = ""
    return ValueError(
        f"{source} is not a seqestimators model file (a safetensors file written by "
        f"seqestimators.io.dump). {kind}seqestimators.io.load never unpickles, because loading "
        "a pickle can run arbitrary code; load such a file only if you trust its origin, with "
        "the tool that wrote it."
    )


def _read_metadata(data, source):
    """The format metadata of a model file's bytes, checked without touching its tensors."""
    if len(data) < 10:
        raise _not_a_model(source, data)
    n = int.from_bytes(data[:8], "little")
    if n < 2 or 8 + n > len(data) or data[8:9] != b"{":
        raise _not_a_model(source, data)
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _not_a_model(source, data) from None
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ValueError(
            f"{source} is a safetensors file but not a seqestimators model: its metadata has "
            f"no 'format': '{FORMAT_NAME}' entry. seqestimators.io.load reads files written by "
            "seqestimators.io.dump."
        )
    version = str(metadata.get("format_version", ""))
    try:
        major = int(version.split(".")[0])
    except ValueError:
        raise ValueError(f"{source} has an unreadable format version {version!r}.") from None
    if major > int(FORMAT_VERSION.split(".")[0]):
        raise ValueError(
            f"{source} was written in seqestimators model format version {version}, but this "
            f"version of seqestimators reads format version {FORMAT_VERSION} (and older "
            "files of the same major version). Upgrade seqestimators to load it."
        )
    return metadata


def _target_device(saved, device, cls_name):
    from .estimators._base import resolve_device

    if device is not None:
        resolve_device(device)  # a clear error when it is not available here
        return device
    if saved is None or saved == "auto":
        return saved
    try:
        resolve_device(saved)
    except ValueError:
        warnings.warn(
            f"The {cls_name} was saved with device={saved!r}, which is not available on this "
            "machine; it is loaded with device='cpu'. Pass device=... to load() to choose.",
            UserWarning, stacklevel=4,
        )
        return "cpu"
    return saved


def _build(node, prefix, tensors, allowed, instances, device):
    from sklearn.pipeline import Pipeline
    from skorch.history import History

    from .estimators._base import resolve_device

    cls = _lookup(node["class"], allowed)
    estimator_classes = {v for k, v in allowed.items() if k.startswith("seqestimators.")
                         and not k.startswith(("seqestimators.networks.",
                                               "seqestimators.callbacks.",
                                               "seqestimators._batching."))}
    if cls is Pipeline:
        steps = []
        for step_name, step in node["steps"]:
            if isinstance(step, dict):
                step = _build(step, f"{prefix}steps.{step_name}.", tensors, allowed, instances,
                              device)
            steps.append((step_name, step))
        return Pipeline(steps, **_decode(node["params"], allowed, instances))
    if cls not in estimator_classes or not hasattr(cls, "get_params"):
        raise ValueError(f"The model file's estimator class {node['class']!r} is not an "
                         "estimator seqestimators.io can load.")
    params = _decode(node["params"], allowed, instances)
    is_net = "history" in node or _is_net_class(cls)
    if is_net and "device" in params:
        params["device"] = _target_device(params["device"], device, cls.__name__)
    estimator = cls(**params)
    fitted = node.get("fitted")
    if fitted is None:
        return estimator
    for key, value in fitted.items():
        if isinstance(value, dict) and value.get(_TAG) == "label_encoder":
            from sklearn.preprocessing import LabelEncoder

            encoder = LabelEncoder()
            encoder.classes_ = _decode(value["classes"], allowed, instances)
            vars(estimator)[key] = encoder
        else:
            vars(estimator)[key] = _decode(value, allowed, instances)
    if not is_net:
        return estimator
    # The parameter as given ("auto" included), and the concrete device skorch builds on.
    requested = estimator.get_params(deep=False).get("device", "cpu")
    estimator.device = resolve_device(requested)
    try:
        # initialize() draws initial weights from torch's global generator; they are replaced
        # at once, and the caller's generator is left as it was.
        with torch.random.fork_rng(devices=[]):
            estimator.initialize()
        for module_name in node["modules"]:
            module_prefix = f"{prefix}{module_name}."
            state = {k[len(module_prefix):]: t for k, t in tensors.items()
                     if k.startswith(module_prefix)}
            getattr(estimator, module_name + "_").load_state_dict(state, strict=True)
        for opt_name, saved in node.get("optimizers", {}).items():
            state = {}
            for pid, entries in saved["state"].items():
                state[int(pid)] = {
                    key: tensors[f"{prefix}{opt_name}.state.{pid}.{key}"]
                    if isinstance(value, dict) and value.get(_TAG) == "file_tensor"
                    else _decode(value, allowed, instances)
                    for key, value in entries.items()}
            param_groups = _decode(saved["param_groups"], allowed, instances)
            getattr(estimator, opt_name + "_").load_state_dict(
                {"state": state, "param_groups": param_groups})
    finally:
        estimator.device = requested
    estimator.history_ = History(_decode(node["history"], allowed, instances))
    carried = node.get("carried_state")
    if carried is not None:
        parts = tuple(tensors[f"{prefix}carried_state.{i}"] for i in range(carried["n"]))
        vars(estimator)["carried_state_"] = parts if carried["tuple"] else parts[0]
    return estimator


def _is_net_class(cls):
    from skorch import NeuralNet

    return issubclass(cls, NeuralNet)


def load(path, *, device=None):
    """Load an estimator saved by :func:`dump`, without unpickling or running any code.

    The file's header is read first: a file that is not a seqestimators model file (a pickle
    or a ``torch.save`` archive renamed included) is refused before anything else is read, and
    so is a file written in a newer major format version. Class names in the file are looked
    up in a fixed allowlist; any other name is refused.

    Parameters
    ----------
    path : str, path-like or binary file object
        The file written by :func:`dump`.
    device : str, default=None
        Where the loaded network lives; this becomes the estimator's ``device`` parameter.
        None keeps the saved ``device`` when it is available here, and otherwise (a model
        fitted with ``device="cuda"`` loaded on a machine without a GPU) loads on the CPU
        with ``device="cpu"`` and a ``UserWarning``. An explicit device that is not available
        raises ``ValueError``.

    Returns
    -------
    estimator : estimator
        The estimator with its parameters, fitted attributes, weights, optimizer state,
        carried hidden state and history: it predicts exactly as the saved one did, and
        ``partial_fit`` continues training where it stopped.

    Raises
    ------
    ValueError
        When the file is not a seqestimators model file, was written by a newer major format
        version, or names a class outside the allowlist.

    See Also
    --------
    dump : Write the file.

    Examples
    --------
    >>> import io
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.datasets import make_delayed_echo
    >>> from seqestimators.io import dump, load
    >>> X, y = make_delayed_echo(16, 10, random_state=0, return_X_y=True)
    >>> clf = RNNClassifier(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    >>> buffer = io.BytesIO()
    >>> dump(clf, buffer)
    >>> _ = buffer.seek(0)
    >>> bool((load(buffer).predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    from safetensors.torch import load as load_tensors

    if hasattr(path, "read"):
        source = "The file object"
        data = path.read()
    else:
        source = f"The file {os.fspath(path)!r}"
        with open(os.fspath(path), "rb") as f:
            data = f.read()
    metadata = _read_metadata(data, source)
    try:
        node = json.loads(metadata["estimator"])
    except (KeyError, ValueError):
        raise ValueError(f"{source} has no readable estimator description.") from None
    tensors = load_tensors(data)
    return _build(node, "", tensors, _allowlist(), _instance_classes(), device)


# ---------------------------------------------------------------------------- ONNX
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

    from .estimators import MemorylessClassifier, MemorylessRegressor, RNNClassifier, RNNRegressor
    from .preprocessing import SequenceScaler

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
            _encode_array(np.asarray(estimator.classes_))["data"])
        return _Serving(network, "probabilities", False, mean, scale), "probabilities", metadata
    single = estimator.target_ndim_ == (2 if estimator.output_ == "sequence" else 1)
    return _Serving(network, "predictions", single, mean, scale), "predictions", metadata


def _serves_stateless(estimator):
    """Whether the estimator's predictions depend on their input only (no carried state)."""
    from .state import get_state_policy

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
    _write_bytes(path, model_bytes)


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
