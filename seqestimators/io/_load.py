"""Reading a model file: :func:`load`."""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import torch

from ._allowlist import allowlist, instance_classes, lookup, net_parts
from ._codec import FORMAT_NAME, FORMAT_VERSION, TAG, decode
from ._fitted import check_fitted, declared
from ._integrity import (
    carried_state,
    check_state_dict,
    history_entries,
    optimizer_state,
    verify_checksum,
)


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
        major, minor = (int(part) for part in version.split("."))
    except ValueError:
        raise ValueError(f"{source} has an unreadable format version {version!r}.") from None
    if major > int(FORMAT_VERSION.split(".")[0]):
        raise ValueError(
            f"{source} was written in seqestimators model format version {version}, but this "
            f"version of seqestimators reads format version {FORMAT_VERSION} (and older "
            "files of the same major version). Upgrade seqestimators to load it."
        )
    return metadata, (major, minor)


def _resolve_device(device):
    """The concrete torch device of a ``device`` parameter; ValueError when not available."""
    # seqestimators.estimators does not export it (yet): the one place io reaches inside.
    from ..estimators import resolve_device

    return resolve_device(device)


def _target_device(saved, device, cls_name):
    if device is not None:
        _resolve_device(device)  # a clear error when it is not available here
        return device
    if saved is None or saved == "auto":
        return saved
    try:
        _resolve_device(saved)
    except ValueError:
        warnings.warn(
            f"The {cls_name} was saved with device={saved!r}, which is not available on this "
            "machine; it is loaded with device='cpu'. Pass device=... to load() to choose.",
            UserWarning, stacklevel=4,
        )
        return "cpu"
    return saved


def _pipeline_params(params):
    """The Pipeline's own parameters: never a ``memory`` cache (joblib unpickles what it holds)."""
    if not isinstance(params, dict):
        raise ValueError("The model file's Pipeline has parameters that are not a mapping.")
    if params.get("memory") is not None:
        raise ValueError(f"The model file's Pipeline has memory={params['memory']!r}: a cache "
                         "of fitted steps that joblib unpickles on the next fit. "
                         "seqestimators.io.load refuses it; a model file never sets memory.")
    checks = {"memory": lambda v: v is None, "verbose": lambda v: isinstance(v, bool),
              "transform_input": lambda v: v is None or (
                  isinstance(v, list) and all(isinstance(x, str) for x in v))}
    bad = sorted(k for k, v in params.items() if k not in checks or not checks[k](v))
    if bad:
        raise ValueError(f"The model file's Pipeline has unknown or malformed parameters {bad}.")
    return params


class _Tensors:
    """The file's tensors, each taken once; what is left over at the end is refused."""

    def __init__(self, tensors, source):
        self._tensors, self.source = tensors, source
        self.unused = set(tensors)

    def take(self, key):
        if key not in self.unused:
            raise ValueError(f"{self.source} lacks the tensor {key!r} its description needs "
                             "(or names it twice).")
        self.unused.discard(key)
        return self._tensors[key]

    def check_all_used(self):
        if self.unused:
            raise ValueError(f"{self.source} holds tensors that belong to nothing in its "
                             f"description: {sorted(self.unused)[:5]}.")


#: The entries of an estimator's description, and of a Pipeline's.
_NODE_KEYS = frozenset({"class", "params", "fitted", "history", "modules", "optimizers",
                        "carried_state"})
_PIPELINE_KEYS = frozenset({"class", "params", "steps"})


def _check_node(node, keys, where):
    if not isinstance(node, dict) or not isinstance(node.get("class"), str):
        raise ValueError(f"{where} is not an estimator description (a JSON object with a "
                         "'class').")
    unknown = sorted(set(node) - keys)
    if unknown:
        raise ValueError(f"{where} has unknown entries {unknown}.")
    if not isinstance(node.get("params"), dict):
        raise ValueError(f"{where} has no 'params' mapping.")


def _fitted_values(fitted, class_name, allowed, instances, where):
    """The fitted attributes of the file, decoded and checked against the declared ones."""
    from sklearn.preprocessing import LabelEncoder

    if not isinstance(fitted, dict):
        raise ValueError(f"{where} has fitted attributes that are not a mapping.")
    check_fitted(class_name, dict.fromkeys(k for k in fitted if k not in declared(class_name)),
                 where)
    values = {}
    for key, value in fitted.items():
        if isinstance(value, dict) and value.get(TAG) == "label_encoder":
            if set(value) != {TAG, "classes"}:
                raise ValueError(f"{where} has a malformed label encoder {key!r}.")
            encoder = LabelEncoder()
            encoder.classes_ = decode(value["classes"], allowed, instances)
            values[key] = encoder
        else:
            values[key] = decode(value, allowed, instances)
    check_fitted(class_name, values, where)
    return values


def _same(a, b):
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and bool(np.array_equal(a, b)))
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


def _check_resolved(estimator, restored, where):
    """Refuse a model whose network would be built from other settings than it was fitted with.

    ``initialize()`` may resolve "auto" parameters again (``patch_size_``, ``pooling_``,
    ``instance_norm_``) by the rules of this version; a rule changed since the file was written
    would silently change the network (pooling has no weights for ``load_state_dict`` to catch).
    When the estimator builds its network from the restored fitted attributes, nothing differs.
    """
    changed = {key: (value, vars(estimator).get(key)) for key, value in restored.items()
               if not _same(vars(estimator).get(key), value)}
    if changed:
        detail = "; ".join(f"{key}={saved!r} in the file, {now!r} here"
                           for key, (saved, now) in changed.items())
        raise ValueError(
            f"{where} was fitted with other settings than this version of seqestimators "
            f"builds from its parameters ({detail}): loaded, it would predict differently. "
            "Load it with the seqestimators version that wrote it (see the file's 'versions' "
            "metadata).")


def _build(node, prefix, tensors, allowed, instances, device):
    from sklearn.pipeline import Pipeline
    from skorch.history import History

    where = "The model file's estimator" if not prefix else f"The model file's step {prefix!r}"
    _check_node(node, _PIPELINE_KEYS | _NODE_KEYS, where)
    class_name = node["class"]
    cls = lookup(class_name, allowed)
    estimator_classes = {v for k, v in allowed.items() if k.startswith("seqestimators.")
                         and not k.startswith(("seqestimators.networks.",
                                               "seqestimators.callbacks.",
                                               "seqestimators._batching."))}
    if cls is Pipeline:
        _check_node(node, _PIPELINE_KEYS, where)
        if not isinstance(node.get("steps"), list):
            raise ValueError(f"{where} is a Pipeline without a list of steps.")
        steps = []
        for entry in node["steps"]:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                    and "." not in entry[0]):
                raise ValueError(f"{where} has a malformed step {entry!r:.60}.")
            step_name, step = entry
            if isinstance(step, dict):
                step = _build(step, f"{prefix}steps.{step_name}.", tensors, allowed, instances,
                              device)
            elif step not in (None, "passthrough"):
                raise ValueError(f"{where} has a step {step_name!r} that is not an estimator.")
            steps.append((step_name, step))
        return Pipeline(steps, **_pipeline_params(decode(node["params"], allowed, instances)))
    _check_node(node, _NODE_KEYS, where)
    if cls not in estimator_classes or not hasattr(cls, "get_params"):
        raise ValueError(f"The model file's estimator class {class_name!r} is not an "
                         "estimator seqestimators.io can load.")
    where = f"The model file's {class_name}"
    params = decode(node["params"], allowed, instances)
    is_net = _is_net_class(cls)
    if is_net and "device" in params:
        params["device"] = _target_device(params["device"], device, cls.__name__)
    try:
        estimator = cls(**params)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} cannot be built from its parameters: {exc}") from None
    fitted = node.get("fitted")
    if fitted is None:
        return estimator
    restored = _fitted_values(fitted, class_name, allowed, instances, where)
    vars(estimator).update(restored)  # declared fitted attributes only (io/_fitted.py)
    if not is_net:
        return estimator
    # The parameter as given ("auto" included), and the concrete device skorch builds on.
    requested = estimator.get_params(deep=False).get("device", "cpu")
    estimator.device = _resolve_device(requested)
    try:
        # initialize() draws initial weights from torch's global generator; they are replaced
        # at once, and the caller's generator is left as it was.
        with torch.random.fork_rng(devices=[]):
            estimator.initialize()
        _check_resolved(estimator, restored, where)
        modules, _, optimizer_names = net_parts(estimator)
        if node.get("modules") != modules:
            raise ValueError(f"{where} names the modules {node.get('modules')!r:.80}, but the "
                             f"estimator has {modules}.")
        for module_name in modules:
            module_prefix = f"{prefix}{module_name}."
            state = {k[len(module_prefix):]: tensors.take(k) for k in list(tensors.unused)
                     if k.startswith(module_prefix)}
            module = getattr(estimator, module_name + "_")
            check_state_dict(module, state, where, module_name)
            module.load_state_dict(state, strict=True)
        saved_optimizers = node.get("optimizers", {})
        if not isinstance(saved_optimizers, dict) or set(saved_optimizers) - set(optimizer_names):
            raise ValueError(f"{where} names the optimizers {sorted(saved_optimizers)!r:.80}, "
                             f"but the estimator has {optimizer_names}.")
        for opt_name, saved in saved_optimizers.items():
            optimizer = getattr(estimator, opt_name + "_")
            state_dict = optimizer_state(
                optimizer, saved,
                lambda pid, key, opt_name=opt_name: tensors.take(
                    f"{prefix}{opt_name}.state.{pid}.{key}"),
                lambda value: decode(value, allowed, instances), where)
            optimizer.load_state_dict(state_dict)
    finally:
        estimator.device = requested
    estimator.history_ = History(history_entries(decode(node.get("history"), allowed, instances),
                                                 where))
    carried = carried_state(node.get("carried_state"),
                            lambda i: tensors.take(f"{prefix}carried_state.{i}"), where)
    if carried is not None:
        vars(estimator)["carried_state_"] = carried
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
        version, is damaged (its checksum does not match), names a class, function, dtype or
        scheduler policy outside the closed lists, sets a fitted attribute its class does not
        declare or one of the wrong type or shape, holds tensors that are not exactly the
        network's, or records fitted settings this version would build differently. See
        :ref:`persistence` for the full list of what is trusted and what is refused.

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
    from safetensors import SafetensorError
    from safetensors.torch import load as load_tensors

    if hasattr(path, "read"):
        source = "The file object"
        data = path.read()
    else:
        source = f"The file {os.fspath(path)!r}"
        with open(os.fspath(path), "rb") as f:
            data = f.read()
    metadata, version = _read_metadata(data, source)
    try:
        node = json.loads(metadata["estimator"])
    except (KeyError, TypeError, ValueError, RecursionError):
        raise ValueError(f"{source} has no readable estimator description.") from None
    try:
        tensors = _Tensors(load_tensors(data), source)
    except SafetensorError as exc:
        raise ValueError(f"{source} is damaged: its tensors cannot be read ({exc}).") from None
    try:
        estimator = _build(node, "", tensors, allowlist(), instance_classes(), device)
    except (KeyError, IndexError, TypeError, AttributeError, RuntimeError, OverflowError,
            RecursionError) as exc:
        # A description that passed the checks above and still fails while being rebuilt.
        raise ValueError(f"{source} holds a description that cannot be rebuilt "
                         f"({type(exc).__name__}: {exc}).") from None
    tensors.check_all_used()
    verify_checksum(metadata, data, source, version)
    return estimator

