"""Plain data for the model file's JSON: parameters, fitted attributes, arrays and tensors."""

from __future__ import annotations

import inspect
from numbers import Integral

import numpy as np
import torch

from ._allowlist import lookup, name_of

FORMAT_NAME = "seqestimators"
#: Version of the file layout; a reader refuses files of a newer major version.
FORMAT_VERSION = "1.0"

TAG = "__seqestimators__"
SAFETENSORS_DTYPES = {
    torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
    torch.int16, torch.int8, torch.uint8, torch.bool,
}


class Refused(Exception):
    """A value that the format cannot hold as plain data (collected, then reported at once)."""


def describe_value(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def encode(value, allowed, instances):
    """``value`` as JSON-able plain data, or :class:`Refused`."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic) and not isinstance(value, np.ndarray):
        return encode(value.item(), allowed, instances)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, list):
        return [encode(v, allowed, instances) for v in value]
    if isinstance(value, tuple):
        return {TAG: "tuple", "items": [encode(v, allowed, instances) for v in value]}
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if not isinstance(key, str) or key == TAG:
                raise Refused(f"a dict with the key {key!r}")
            out[key] = encode(v, allowed, instances)
        return out
    if isinstance(value, np.ndarray):
        return encode_array(value)
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        if t.dtype not in SAFETENSORS_DTYPES:
            raise Refused(f"a tensor of dtype {t.dtype}")
        return {TAG: "tensor", "dtype": str(t.dtype).removeprefix("torch."),
                "shape": list(t.shape), "data": t.tolist()}
    if isinstance(value, type):
        name = name_of(value, allowed)
        if name is None:
            raise Refused(f"the class {value.__module__}.{value.__qualname__}, which is not "
                           "in the allowlist")
        return {TAG: "class", "name": name}
    if value is print:
        return {TAG: "function", "name": "builtins.print"}
    name = name_of(type(value), instances)
    if name is not None:
        return {TAG: "object", "class": name,
                "params": encode(_instance_params(value), allowed, instances)}
    if callable(value):
        raise Refused(f"the callable {describe_value(value)}")
    raise Refused(f"{describe_value(value)} of type {type(value).__qualname__}")


def _instance_params(obj):
    if hasattr(obj, "get_params"):
        params = obj.get_params(deep=False)
    else:
        names = [p for p in inspect.signature(type(obj).__init__).parameters
                 if p != "self"]
        params = {name: getattr(obj, name) for name in names}
    return {k: v for k, v in params.items() if not k.startswith("_")}


def encode_array(a):
    """A numeric, string or (plain) object array as its dtype, shape and flat values."""
    if a.dtype.kind not in "biufUO":
        raise Refused(f"an array of dtype {a.dtype}")
    if a.dtype.kind != "O":
        return {TAG: "ndarray", "dtype": a.dtype.str, "shape": list(a.shape),
                "data": a.ravel().tolist()}
    data = []
    for item in a.ravel():
        if isinstance(item, np.generic):
            item = item.item()
        if not (item is None or isinstance(item, (bool, str, Integral, float))):
            raise Refused(f"an object array holding {describe_value(item)}")
        data.append(int(item) if isinstance(item, Integral) and not isinstance(item, bool)
                    else item)
    return {TAG: "ndarray", "dtype": "|O", "shape": list(a.shape), "data": data}


def decode(value, allowed, instances):
    if isinstance(value, list):
        return [decode(v, allowed, instances) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {k: decode(v, allowed, instances) for k, v in value.items()}
    if tag == "tuple":
        return tuple(decode(v, allowed, instances) for v in value["items"])
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
        if dtype not in SAFETENSORS_DTYPES:
            raise ValueError(f"The model file holds a tensor of unsupported dtype "
                             f"{value['dtype']!r}.")
        return torch.tensor(value["data"], dtype=dtype).reshape(value["shape"])
    if tag == "class":
        return lookup(value["name"], allowed)
    if tag == "function":
        if value["name"] != "builtins.print":
            raise ValueError(f"The model file names the function {value['name']!r}, which "
                             "is not in the allowlist; refusing to load it.")
        return print
    if tag == "object":
        cls = lookup(value["class"], instances)
        return cls(**decode(value["params"], allowed, instances))
    raise ValueError(f"The model file holds an unknown entry type {tag!r}.")

