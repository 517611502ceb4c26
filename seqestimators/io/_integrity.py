"""Checks of a model file's tensors against the estimator it rebuilds, and its checksum.

Everything here runs before a value from the file reaches torch: a tensor that does not fit
(another name, shape or dtype than the network's own) is a ValueError naming it, never an
error inside ``load_state_dict``.
"""

from __future__ import annotations

import hashlib
import json
from numbers import Real

import torch

from ._codec import TAG


def checksum(estimator_json, data):
    """SHA-256 of the estimator description, the tensor table and the tensor bytes of a file.

    ``data`` is a safetensors file's bytes (its own metadata is not covered: the checksum is
    stored there).
    """
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    digest = hashlib.sha256()
    for part in (estimator_json.encode("utf-8"), json.dumps(header, sort_keys=True).encode(),
                 data[8 + n:]):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def verify_checksum(metadata, data, source, version):
    """Refuse a file whose contents changed after :func:`~seqestimators.io.dump` wrote them."""
    saved = metadata.get("sha256")
    if saved is None:
        if version >= (1, 1):
            raise ValueError(f"{source} has no 'sha256' checksum, which every file of format "
                             "version 1.1 and later holds: it is damaged.")
        return  # format 1.0 files carry no checksum
    if not isinstance(saved, str) or saved != checksum(metadata["estimator"], data):
        raise ValueError(f"{source} is damaged: its contents do not match the SHA-256 checksum "
                         "written with them (a changed or truncated file).")


def check_state_dict(module, state, where, name):
    """The file's tensors of one module have exactly the module's names, shapes and dtypes."""
    expected = module.state_dict()
    missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
    if missing or extra:
        raise ValueError(f"{where} has other tensors for its {name} than the network built "
                         f"from its parameters (missing {missing[:5]}, unexpected {extra[:5]}).")
    for key, tensor in state.items():
        want = expected[key]
        if tensor.shape != want.shape or tensor.dtype != want.dtype:
            raise ValueError(
                f"{where} has the tensor {name}.{key} of shape {tuple(tensor.shape)} and dtype "
                f"{tensor.dtype}, but the network built from its parameters has "
                f"{tuple(want.shape)} and {want.dtype}.")


def _plain_setting(value):
    return value is None or isinstance(value, (Real, str)) or (
        isinstance(value, (tuple, list)) and all(isinstance(v, Real) for v in value))


def optimizer_state(optimizer, saved, take_tensor, decode_value, where):
    """The optimizer's state dict from the file, checked against the optimizer built here.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        The freshly initialized optimizer.
    saved : dict
        The file's ``{"state": ..., "param_groups": ...}``.
    take_tensor : callable
        ``take_tensor(pid, key)``: the file's tensor for that state entry (ValueError if absent).
    decode_value : callable
        Decodes a plain JSON value of the file.
    where : str
        How errors name the estimator.
    """
    fresh = optimizer.state_dict()
    if not (isinstance(saved, dict) and set(saved) == {"state", "param_groups"}
            and isinstance(saved["state"], dict)):
        raise ValueError(f"{where} has a malformed optimizer state.")
    groups = decode_value(saved["param_groups"])
    if not (isinstance(groups, list) and len(groups) == len(fresh["param_groups"])):
        raise ValueError(f"{where} has another number of optimizer parameter groups than its "
                         "optimizer.")
    params = {}
    for group, want, live in zip(groups, fresh["param_groups"], optimizer.param_groups):
        # A scheduler adds settings (initial_lr), and torch versions differ in a few.
        if not (isinstance(group, dict) and group.get("params") == want["params"]):
            raise ValueError(f"{where} has optimizer parameter groups that do not match the "
                             "parameters of its network.")
        bad = sorted(str(k) for k, v in group.items()
                     if k != "params" and not (isinstance(k, str) and _plain_setting(v)))
        if bad:
            raise ValueError(f"{where} has malformed optimizer settings {bad}.")
        params.update(zip(want["params"], live["params"]))
    state = {}
    for pid_text, entries in saved["state"].items():
        pid = int(pid_text) if isinstance(pid_text, str) and pid_text.isdigit() else None
        if pid not in params or not isinstance(entries, dict):
            raise ValueError(f"{where} has optimizer state for an unknown parameter "
                             f"{pid_text!r:.20}.")
        state[pid] = {}
        for key, value in entries.items():
            if isinstance(value, dict) and value.get(TAG) == "file_tensor":
                tensor = take_tensor(pid_text, key)
                if not (tensor.dtype.is_floating_point or tensor.dtype == torch.int64) or (
                        tensor.numel() != 1 and tensor.shape != params[pid].shape):
                    raise ValueError(
                        f"{where} has optimizer state {key!r} of shape {tuple(tensor.shape)} "
                        f"for a parameter of shape {tuple(params[pid].shape)}.")
                state[pid][key] = tensor
            else:
                value = decode_value(value)
                if not _plain_setting(value):
                    raise ValueError(f"{where} has malformed optimizer state {key!r}.")
                state[pid][key] = value
    return {"state": state, "param_groups": groups}


def history_entries(history, where):
    """The training history: a list of epochs, each a mapping (with a list of batches)."""
    if not (isinstance(history, list) and all(
            isinstance(epoch, dict) and isinstance(epoch.get("batches", []), list)
            and all(isinstance(b, dict) for b in epoch.get("batches", []))
            for epoch in history)):
        raise ValueError(f"{where} has a malformed training history (a list of epochs, each a "
                         "mapping with a list of batches).")
    return history


def carried_state(entry, take_tensor, where):
    """The carried state: float tensors (the network's hidden state between calls), or None."""
    if entry is None:
        return None
    if not (isinstance(entry, dict) and set(entry) == {"tuple", "n"}
            and isinstance(entry["tuple"], bool) and isinstance(entry["n"], int)
            and not isinstance(entry["n"], bool) and 1 <= entry["n"] <= 8
            and (entry["tuple"] or entry["n"] == 1)):
        raise ValueError(f"{where} has a malformed carried state description.")
    parts = tuple(take_tensor(i) for i in range(entry["n"]))
    if not all(p.dtype.is_floating_point and p.dim() >= 1 for p in parts):
        raise ValueError(f"{where} has a carried state that is not float tensors.")
    return parts if entry["tuple"] else parts[0]
