"""Plain data for the model file's JSON: parameters, fitted attributes, arrays and tensors."""

from __future__ import annotations

import inspect
import math
import re
from numbers import Integral

import numpy as np
import torch

from ._allowlist import check_object_params, functions, lookup, lookup_function, name_of

FORMAT_NAME = "seqestimators"
#: Version of the file layout; a reader refuses files of a newer major version.
#: 1.1 adds the ``sha256`` checksum (required from 1.1 on; 1.0 files load without it).
FORMAT_VERSION = "1.1"

TAG = "__seqestimators__"
SAFETENSORS_DTYPES = {
    torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
    torch.int16, torch.int8, torch.uint8, torch.bool,
}
#: The closed list of tensor dtypes by their name in a file (never looked up in torch's namespace).
TENSOR_DTYPES = {str(dtype).removeprefix("torch."): dtype for dtype in SAFETENSORS_DTYPES}


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
    function = name_of(value, functions())
    if function is not None:
        return {TAG: "function", "name": function}
    name = name_of(type(value), instances)
    if name is not None:
        params = _instance_params(value)
        try:
            check_object_params(name, params)
        except ValueError as exc:
            raise Refused(str(exc)) from None
        return {TAG: "object", "class": name, "params": encode(params, allowed, instances)}
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
    """Plain data from the file back to values; anything malformed is a ValueError."""
    if isinstance(value, list):
        return [decode(v, allowed, instances) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {k: decode(v, allowed, instances) for k, v in value.items()}
    if tag == "tuple":
        _check_entry(value, ("items",))
        if not isinstance(value["items"], list):
            raise ValueError("The model file holds a tuple whose items are not a list.")
        return tuple(decode(v, allowed, instances) for v in value["items"])
    if tag == "ndarray":
        return _decode_array(value)
    if tag == "tensor":
        return _decode_tensor(value)
    if tag == "class":
        _check_entry(value, ("name",))
        return lookup(value["name"], allowed)
    if tag == "function":
        _check_entry(value, ("name",))
        return lookup_function(value["name"])
    if tag == "object":
        _check_entry(value, ("class", "params"))
        name = value["class"]
        cls = lookup(name, instances)
        params = decode(value["params"], allowed, instances)
        if not isinstance(params, dict):
            raise ValueError(f"The model file's {name} has parameters that are not a mapping.")
        check_object_params(name, params)
        try:
            return cls(**params)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"The model file's {name} cannot be rebuilt from its parameters "
                             f"{sorted(params)}: {exc}") from None
    raise ValueError(f"The model file holds an unknown entry type {tag!r}.")


def _check_entry(value, keys):
    """A tagged entry has exactly its keys."""
    extra = sorted(set(value) - {TAG, *keys})
    missing = [k for k in keys if k not in value]
    if extra or missing:
        raise ValueError(f"The model file holds a malformed {value[TAG]!r} entry "
                         f"(missing {missing}, unknown {extra}).")


def _shape_of(value, what):
    shape = value["shape"]
    if not (isinstance(shape, list) and len(shape) <= 8 and all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d for d in shape)):
        raise ValueError(f"The model file holds {what} with the malformed shape {shape!r}.")
    return shape


#: The numpy dtypes an array of the file may have: booleans, integers, floats, strings, objects.
_ARRAY_DTYPE = re.compile(r"^[<>|=]?(b1|[iu][1248]|f[248]|U[0-9]{1,6}|O)$")


def _decode_array(value):
    _check_entry(value, ("dtype", "shape", "data"))
    text = value["dtype"]
    if not (isinstance(text, str) and _ARRAY_DTYPE.match(text)):
        raise ValueError(f"The model file holds an array of unsupported dtype {text!r}.")
    dtype = np.dtype(text)
    shape = _shape_of(value, "an array")
    data = value["data"]
    if not isinstance(data, list) or len(data) != math.prod(shape):
        raise ValueError(f"The model file holds an array of shape {shape} whose data do not "
                         "have that many values.")
    plain = (bool, str, int, float, type(None)) if dtype.kind == "O" else (bool, int, float, str)
    if not all(isinstance(item, plain) for item in data):
        raise ValueError("The model file holds an array with values that are not plain data.")
    try:
        if dtype.kind == "O":
            out = np.empty(len(data), dtype=object)
            out[:] = data
        else:
            out = np.array(data, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"The model file holds an array of dtype {text} with values that do "
                         f"not fit it: {exc}") from None
    return out.reshape(shape)


def _decode_tensor(value):
    _check_entry(value, ("dtype", "shape", "data"))
    dtype = TENSOR_DTYPES.get(value["dtype"]) if isinstance(value["dtype"], str) else None
    if dtype is None:
        raise ValueError(f"The model file holds a tensor of unsupported dtype "
                         f"{value['dtype']!r} (one of {sorted(TENSOR_DTYPES)}).")
    shape = _shape_of(value, "a tensor")
    try:
        out = torch.tensor(value["data"], dtype=dtype)
    except (TypeError, ValueError, RuntimeError, OverflowError) as exc:
        raise ValueError(f"The model file holds a tensor whose data are not numbers of dtype "
                         f"{value['dtype']}: {exc}") from None
    if out.numel() != math.prod(shape):
        raise ValueError(f"The model file holds a tensor of shape {shape} with {out.numel()} "
                         "values.")
    return out.reshape(shape)
