"""What ``seqestimators.io.load`` trusts in a model file, and what it refuses (issue 17)."""

import io
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from sklearn.pipeline import make_pipeline
from skorch.callbacks import BatchScoring, EpochScoring, LRScheduler

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import make_adding_problem, make_delayed_echo
from seqestimators.io import dump, load
from seqestimators.io._integrity import checksum
from seqestimators.preprocessing import SequenceScaler

FAST = {"hidden_size": 4, "max_epochs": 2, "random_state": 0}
TAG = "__seqestimators__"


def file_bytes(estimator):
    buffer = io.BytesIO()
    dump(estimator, buffer)
    return buffer.getvalue()


def node_of(data):
    n = int.from_bytes(data[:8], "little")
    return json.loads(json.loads(data[8:8 + n])["__metadata__"]["estimator"])


def with_node(data, node):
    """The file's bytes with its estimator description replaced (tensors unchanged).

    Signed anew with the file's checksum, as a crafted file would be.
    """
    n = int.from_bytes(data[:8], "little")
    metadata = json.loads(data[8:8 + n])["__metadata__"]
    metadata["estimator"] = json.dumps(node)
    tensors = load_tensors(data)
    metadata["sha256"] = checksum(metadata["estimator"], save_tensors(tensors))
    return save_tensors(tensors, metadata=metadata)


def load_bytes(data):
    return load(io.BytesIO(data))


@pytest.fixture(scope="module")
def echo():
    X, y = make_delayed_echo(16, 8, random_state=0, return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def sequence_labels():
    X, y = make_adding_problem(24, 12, random_state=0, return_X_y=True)
    return X, (y > np.median(y)).astype(int)


# ---------------------------------------------------------------- defect 4
@pytest.mark.parametrize("key, saved", [("pooling_", "mean"), ("instance_norm_", False)])
def test_load_restores_or_refuses_the_resolved_settings(sequence_labels, key, saved):
    # The file says the model was fitted with another resolution of pooling="auto" /
    # instance_norm="auto" than today's rule gives (as after a rule change in a new release):
    # loading must not silently rebuild the network with today's rule.
    X, y = sequence_labels
    clf = RNNClassifier(pooling="auto", instance_norm="auto", **FAST).fit(X, y)
    assert getattr(clf, key) != saved
    node = node_of(file_bytes(clf))
    node["fitted"][key] = saved
    try:
        loaded = load_bytes(with_node(file_bytes(clf), node))
    except ValueError as exc:
        # Refused: by the setting's name, or because the saved weights do not fit the network
        # that the file's own setting builds (instance_norm_ changes the input width).
        assert key in str(exc) or "network built from its parameters" in str(exc)
    else:
        assert getattr(loaded, key) == saved
        assert getattr(loaded.module_, key.rstrip("_")) == saved


# ---------------------------------------------------------------- defect 5
def test_load_refuses_unknown_attribute_names(echo):
    X, y = echo
    data = file_bytes(RNNClassifier(**FAST).fit(X, y))
    node = node_of(data)
    node["fitted"]["predict"] = 1
    node["fitted"]["evil_"] = 2
    with pytest.raises(ValueError, match=r"'evil_'.*'predict'|'predict'.*'evil_'"):
        load_bytes(with_node(data, node))


@pytest.mark.parametrize("key, value, message", [
    ("input_size_", "x", "input_size_"),
    ("input_size_", -3, "input_size_"),
    ("output_", ["last"], "output_"),
    ("label_encoder_", 7, "label_encoder_"),
])
def test_load_checks_the_type_of_fitted_attributes(echo, key, value, message):
    X, y = echo
    data = file_bytes(RNNClassifier(**FAST).fit(X, y))
    node = node_of(data)
    node["fitted"][key] = value
    with pytest.raises(ValueError, match=message):
        load_bytes(with_node(data, node))


def test_load_checks_the_shape_of_fitted_arrays():
    X, y = make_adding_problem(16, 10, random_state=0, return_X_y=True)
    data = file_bytes(RNNRegressor(**FAST).fit(X, y))
    node = node_of(data)
    mean = node["fitted"]["target_mean_"]
    node["fitted"]["target_mean_"] = {**mean, "shape": [2], "data": [0.0, 1.0]}
    with pytest.raises(ValueError, match="target_mean_"):
        load_bytes(with_node(data, node))


def test_load_refuses_module_names_from_the_file(echo):
    X, y = echo
    data = file_bytes(RNNClassifier(**FAST).fit(X, y))
    node = node_of(data)
    node["modules"] = ["module", "predict"]
    with pytest.raises(ValueError, match="predict"):
        load_bytes(with_node(data, node))


# ---------------------------------------------------------------- defect 6
def test_a_tensor_dtype_never_imports_a_module(echo, tmp_path):
    X, y = echo
    data = file_bytes(RNNClassifier(**FAST).fit(X, y))
    node = node_of(data)
    node["params"]["lr"] = {TAG: "tensor", "dtype": "onnx", "shape": [], "data": 0.01}
    path = tmp_path / "model.safetensors"
    path.write_bytes(with_node(data, node))
    code = textwrap.dedent(f"""
        import sys
        from seqestimators.io import load
        assert "torch.onnx" not in sys.modules
        try:
            load({str(path)!r})
        except ValueError as exc:
            print("ValueError", exc)
        print("imported" if "torch.onnx" in sys.modules else "not imported")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, check=True).stdout
    assert "ValueError" in out and "'onnx'" in out
    assert out.strip().endswith("not imported")


@pytest.mark.parametrize("policy", ["sys", "np", "torch", "Optimizer", "_LRScheduler"])
def test_load_refuses_scheduler_policies_outside_the_closed_list(echo, policy):
    X, y = echo
    clf = RNNClassifier(callbacks=[("lr", LRScheduler(policy="StepLR", step_size=1))],
                        **FAST).fit(X, y)
    data = file_bytes(clf)
    node = node_of(data)
    callback = node["params"]["callbacks"][0]["items"][1]
    assert callback["params"]["policy"] == "StepLR"
    callback["params"]["policy"] = policy
    with pytest.raises(ValueError, match=f"policy.*'{policy}'"):
        load_bytes(with_node(data, node))
    with pytest.raises(ValueError, match=f"'{policy}'"):
        dump(RNNClassifier(callbacks=[("lr", LRScheduler(policy=policy))]), io.BytesIO())


def test_scheduler_policy_names_round_trip(echo):
    X, y = echo
    clf = RNNClassifier(callbacks=[("lr", LRScheduler(policy="StepLR", step_size=1))],
                        **FAST).fit(X, y)
    loaded = load_bytes(file_bytes(clf))
    assert dict(loaded.callbacks)["lr"].policy == "StepLR"


# ---------------------------------------------------------------- defect 7
def test_pipeline_memory_is_refused(echo, tmp_path):
    X, y = echo
    cached = make_pipeline(SequenceScaler(), RNNClassifier(**FAST), memory=str(tmp_path))
    with pytest.raises(ValueError, match="memory"):
        dump(cached, io.BytesIO())
    data = file_bytes(make_pipeline(SequenceScaler(), RNNClassifier(**FAST)).fit(X, y))
    node = node_of(data)
    node["params"]["memory"] = str(tmp_path)
    with pytest.raises(ValueError, match="memory"):
        load_bytes(with_node(data, node))


# ---------------------------------------------------------------- defect 8
def test_epoch_and_batch_scoring_are_not_allowlisted(echo):
    # Their scorer receives the estimators' internal datasets, so it must be a function,
    # which a file cannot hold: dump names the callback, and load refuses it.
    for callback in (EpochScoring("accuracy"), BatchScoring("accuracy")):
        with pytest.raises(ValueError, match=type(callback).__name__) as exc:
            dump(RNNClassifier(callbacks=[("score", callback)]), io.BytesIO())
        assert "to_numpy" not in str(exc.value)
    X, y = echo
    clf = RNNClassifier(callbacks=[("lr", LRScheduler(policy="StepLR", step_size=1))],
                        **FAST).fit(X, y)
    data = file_bytes(clf)
    node = node_of(data)
    callback = node["params"]["callbacks"][0]["items"][1]
    callback["class"] = "skorch.callbacks.EpochScoring"
    callback["params"] = {"scoring": "accuracy"}
    with pytest.raises(ValueError, match="EpochScoring.*allowlist"):
        load_bytes(with_node(data, node))
