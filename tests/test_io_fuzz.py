"""Fuzzing ``seqestimators.io.load``: damaged and crafted files are clear ValueErrors.

Random byte flips and truncations of a valid file, random values in place of parts of its JSON
description, and hand-made descriptions with wrong types, shapes and unknown names: each must
be a ``ValueError`` that names the problem (never an error from inside torch, safetensors or
skorch), or load an estimator that predicts exactly as the saved one.
"""

import io
import json
import random

import numpy as np
import pytest
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from seqestimators import RNNClassifier
from seqestimators.datasets import make_adding_problem
from seqestimators.io import dump, load
from seqestimators.io._integrity import checksum

TAG = "__seqestimators__"


@pytest.fixture(scope="module")
def fitted():
    X, y = make_adding_problem(24, 8, random_state=0, return_X_y=True)
    y = (y > np.median(y)).astype(int)
    clf = RNNClassifier(cell="lstm", hidden_size=3, max_epochs=2, batch_size=8,
                        state_policy="carry", random_state=0).fit(X, y)
    buffer = io.BytesIO()
    dump(clf, buffer)
    return clf, X, buffer.getvalue()


def parts(data):
    n = int.from_bytes(data[:8], "little")
    metadata = json.loads(data[8:8 + n])["__metadata__"]
    return metadata, json.loads(metadata["estimator"]), load_tensors(data)


def signed(metadata, node, tensors):
    """A crafted file: the description and tensors given, with a matching checksum."""
    metadata = {**metadata, "estimator": json.dumps(node)}
    metadata["sha256"] = checksum(metadata["estimator"], save_tensors(tensors))
    return save_tensors(tensors, metadata=metadata)


def load_or_error(data):
    """The loaded estimator, or the ValueError; any other exception fails the test."""
    try:
        return load(io.BytesIO(data))
    except ValueError as exc:
        assert str(exc).strip(), "a ValueError without a message"
        return exc


def assert_unchanged(result, clf, X, expected):
    if isinstance(result, ValueError):
        return
    np.testing.assert_array_equal(result.predict_proba(X), expected)
    assert result.get_params()["hidden_size"] == clf.hidden_size


def test_byte_flips_and_truncations(fitted):
    clf, X, data = fitted
    clf.reset_state()
    expected = clf.predict_proba(X)  # carry: predictions continue the state, compared reset
    rng = random.Random(0)
    outcomes = {"error": 0, "same": 0}
    for case in range(200):
        damaged = bytearray(data)
        if case % 4 == 3:
            damaged = damaged[:rng.randrange(len(data))]
        else:
            for _ in range(1 + case % 3):
                damaged[rng.randrange(len(data))] ^= rng.randrange(1, 256)
        result = load_or_error(bytes(damaged))
        if not isinstance(result, ValueError):
            result.reset_state()
        assert_unchanged(result, clf, X, expected)
        outcomes["error" if isinstance(result, ValueError) else "same"] += 1
    assert outcomes["error"] > 150
    # the estimator that was saved is not touched by any of it
    clf.reset_state()
    np.testing.assert_array_equal(clf.predict_proba(X), expected)


def _paths(value, path=()):
    """Every path into a JSON document, leaves and containers."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, i))


def _replace(value, path, new):
    if not path:
        return new
    value = value.copy()
    value[path[0]] = _replace(value[path[0]], path[1:], new)
    return value


JUNK = [None, True, -1, 0, 2 ** 70, 1e308, float("nan"), "", "predict", "torch.onnx", [],
        [1, "a"], {}, {"a": 1}, {TAG: "tensor", "dtype": "float32", "shape": [3], "data": [1]},
        {TAG: "ndarray", "dtype": "<f8", "shape": [-1], "data": []},
        {TAG: "object", "class": "os.system", "params": {}},
        {TAG: "class", "name": "builtins.eval"}, {TAG: "function", "name": "os.system"},
        {TAG: "nope"}]


def test_random_values_in_the_description(fitted):
    # A crafted file may set other parameters (it is the author's model); what it may not do
    # is make load fail with anything but a ValueError, or touch anything but the new estimator.
    clf, X, data = fitted
    metadata, node, tensors = parts(data)
    clf.reset_state()
    expected = clf.predict_proba(X)
    paths = list(_paths(node))
    rng = random.Random(1)
    for _ in range(150):
        path = rng.choice(paths)
        load_or_error(signed(metadata, _replace(node, path, rng.choice(JUNK)), tensors))
    clf.reset_state()
    np.testing.assert_array_equal(clf.predict_proba(X), expected)


def _edit(node, edit):
    node = json.loads(json.dumps(node))
    edit(node)
    return node


CRAFTED = {
    "unknown entry": (lambda n: n.update(evil=1), "unknown entries \\['evil'\\]"),
    "params not a mapping": (lambda n: n.update(params=[1]), "'params'"),
    "fitted not a mapping": (lambda n: n.update(fitted=[1]), "fitted attributes"),
    "unknown fitted name": (lambda n: n["fitted"].update(__class__=1), "'__class__'"),
    "fitted of the wrong type": (lambda n: n["fitted"].update(n_iter_="x"), "n_iter_"),
    "history not a list": (lambda n: n.update(history={"a": 1}), "history"),
    "modules named otherwise": (lambda n: n.update(modules="module"), "modules"),
    "unknown optimizer": (lambda n: n.update(optimizers={"evil": {}}), "optimizers"),
    "optimizer groups": (lambda n: n["optimizers"]["optimizer"].update(param_groups=[]),
                         "parameter groups"),
    "optimizer state of an unknown parameter": (
        lambda n: n["optimizers"]["optimizer"]["state"].update({"99": {"step": 1.0}}),
        "unknown parameter"),
    "carried state description": (lambda n: n.update(carried_state={"tuple": 1, "n": 9}),
                                  "carried state"),
    "a tensor of a closed-list dtype only": (
        lambda n: n["params"].update(lr={TAG: "tensor", "dtype": "onnx", "shape": [],
                                         "data": 0.1}), "dtype 'onnx'"),
    "a tensor of the wrong size": (
        lambda n: n["params"].update(lr={TAG: "tensor", "dtype": "float32", "shape": [2],
                                         "data": [0.1]}), "shape \\[2\\]"),
    "an array of an unknown dtype": (
        lambda n: n["fitted"].update(feature_names_in_={TAG: "ndarray", "dtype": "V8",
                                                        "shape": [1], "data": [1]}),
        "dtype 'V8'"),
    "a class outside the allowlist": (
        lambda n: n["params"].update(criterion={TAG: "class", "name": "os.system"}),
        "allowlist"),
    "a parameter the class does not take": (
        lambda n: n["params"].update(no_such_parameter=1), "no_such_parameter"),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_descriptions(fitted, name):
    clf, X, data = fitted
    metadata, node, tensors = parts(data)
    edit, message = CRAFTED[name]
    with pytest.raises(ValueError, match=message):
        load(io.BytesIO(signed(metadata, _edit(node, edit), tensors)))


@pytest.mark.parametrize("change, message", [
    ("shape", "module.*shape"),
    ("dtype", "module.*dtype"),
    ("missing", "module.*missing"),
    ("extra", "belong to nothing"),
    ("optimizer", "optimizer state"),
    ("carried", "carried state"),
])
def test_crafted_tensors(fitted, change, message):
    clf, X, data = fitted
    metadata, node, tensors = parts(data)
    tensors = dict(tensors)
    weight = next(k for k in tensors if k.startswith("module."))
    if change == "shape":
        tensors[weight] = torch.zeros(7, 7)
    elif change == "dtype":
        tensors[weight] = tensors[weight].double()
    elif change == "missing":
        del tensors[weight]
    elif change == "extra":
        tensors["elsewhere.weight"] = torch.zeros(2)
    elif change == "optimizer":
        key = next(k for k in tensors if k.startswith("optimizer.") and "exp_avg" in k)
        tensors[key] = torch.zeros(11, 13)
    else:
        tensors["carried_state.0"] = torch.zeros(2, 3, dtype=torch.int64)
    with pytest.raises(ValueError, match=message):
        load(io.BytesIO(signed(metadata, node, tensors)))


def test_a_file_without_its_checksum(fitted):
    clf, X, data = fitted
    metadata, node, tensors = parts(data)
    del metadata["sha256"]
    with pytest.raises(ValueError, match="checksum"):
        load(io.BytesIO(save_tensors(tensors, metadata=metadata)))
    # format 1.0 files (written before the checksum) still load
    legacy = save_tensors(tensors, metadata={**metadata, "format_version": "1.0"})
    np.testing.assert_array_equal(load(io.BytesIO(legacy)).predict_proba(X[:3]).shape, (3, 2))


def test_random_values_in_a_pipeline_description():
    from sklearn.pipeline import make_pipeline

    from seqestimators import MemorylessRegressor
    from seqestimators.preprocessing import SequenceScaler

    X, y = make_adding_problem(16, 6, random_state=0, return_X_y=True)
    pipe = make_pipeline(SequenceScaler(), MemorylessRegressor(hidden_size=3, max_epochs=1,
                                                               random_state=0)).fit(X, y)
    buffer = io.BytesIO()
    dump(pipe, buffer)
    metadata, node, tensors = parts(buffer.getvalue())
    paths = list(_paths(node))
    rng = random.Random(2)
    for _ in range(80):
        path = rng.choice(paths)
        load_or_error(signed(metadata, _replace(node, path, rng.choice(JUNK)), tensors))
