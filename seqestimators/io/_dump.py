"""Writing a model file: :func:`dump`."""

from __future__ import annotations

import json
import os

import torch

from ._allowlist import NET_INTERNALS, allowlist, instance_classes, name_of, net_parts
from ._codec import FORMAT_NAME, FORMAT_VERSION, TAG, Refused, encode
from ._fitted import declared
from ._integrity import checksum


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

    name = name_of(type(est), allowed)
    if name is None or not hasattr(est, "get_params") or issubclass(type(est), torch.nn.Module):
        problems.append(f"{where} is a {type(est).__module__}.{type(est).__qualname__}, which "
                        "the format cannot store (only the seqestimators estimators, "
                        "SequenceScaler and a Pipeline of them)")
        return None

    def as_plain(value, label):
        try:
            return encode(value, allowed, instances)
        except Refused as exc:
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
        if params.get("memory") is not None:
            problems.append(f"The Pipeline's memory={params['memory']!r} caches fitted steps "
                            "with joblib, which unpickles them: a model file never points at "
                            "such a cache (save the Pipeline with memory=None)")
            params.pop("memory")
        node["params"] = {k: as_plain(v, f"The Pipeline's parameter {k!r}")
                          for k, v in params.items()}
        return node

    node["params"] = {k: as_plain(v, f"The parameter {k!r} of {where}")
                      for k, v in params.items()}
    net = _is_net(est)
    if net and not est.initialized_:
        return node
    fitted = {}
    skip = set(NET_INTERNALS) if net else set()
    if net:
        modules, criteria, optimizer_names = net_parts(est)
        skip.update(f"{n}_" for n in (*modules, *criteria, *optimizer_names))
    for key, value in vars(est).items():
        if not key.endswith("_") or key.endswith("__") or key in skip:
            continue
        if type(value).__name__ == "LabelEncoder" and type(value).__module__.startswith(
                "sklearn.preprocessing"):
            fitted[key] = {TAG: "label_encoder",
                           "classes": as_plain(value.classes_, f"The fitted {key} of {where}")}
            continue
        fitted[key] = as_plain(value, f"The fitted attribute {key!r} of {where}")
    undeclared = sorted(set(fitted) - set(declared(name)))
    if undeclared:
        problems.append(f"{where} holds the fitted attribute(s) {undeclared}, which "
                        "seqestimators.io does not know how to check on load (declare them in "
                        "seqestimators/io/_fitted.py)")
    node["fitted"] = fitted
    if not net:
        return node
    node["history"] = as_plain(list(est.history_), f"The history of {where}")
    for module_name in modules:
        _state_tensors(getattr(est, module_name + "_").state_dict(), f"{prefix}{module_name}.",
                       tensors)
    node["modules"] = modules
    optimizers = {}
    for opt_name in optimizer_names:
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
                    plain[key] = {TAG: "file_tensor"}
                else:
                    plain[key] = as_plain(value, f"The optimizer state of {where}")
            plain_state[str(pid)] = plain
        optimizers[opt_name] = {
            "state": plain_state,
            "param_groups": as_plain(state_dict["param_groups"],
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
    parameters (``get_params(deep=False)``), its fitted attributes (those declared for its
    class, as plain data: numbers, strings, lists, dicts, arrays; ``label_encoder_`` as its
    classes), the training history and a SHA-256 checksum of the description and the tensors.
    Fitted callback state (e.g. an early-stopping counter) is not stored: the callbacks are
    rebuilt from their parameters.

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

    from .. import __version__

    allowed = allowlist()
    instances = instance_classes()
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
    # The checksum covers the tensors as the file stores them (the same with any metadata).
    metadata["sha256"] = checksum(metadata["estimator"], save(tensors))
    write_bytes(path, save(tensors, metadata=metadata))


def write_bytes(path, data):
    """Write ``data`` to a path or to a writable binary file object."""
    if hasattr(path, "write"):
        path.write(data)
        return
    with open(os.fspath(path), "wb") as f:
        f.write(data)

