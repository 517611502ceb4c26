"""Issue 19: ``frontend="auto"``, RNNRegressor's default: the convolutional front-end for
per-sequence regression, none elsewhere; explicit values are kept."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import make_adding_problem, make_delayed_echo
from seqestimators.io import dump, load
from seqestimators.io._integrity import checksum
from seqestimators.networks import ConvFrontend

FAST = {"hidden_size": 4, "max_epochs": 2, "n_iter_no_change": None, "random_state": 0,
        "baseline_check": False}


@pytest.fixture(scope="module")
def per_sequence():
    X, y = make_adding_problem(24, 12, random_state=0, return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def per_timestep():
    X, y = make_delayed_echo(16, 8, random_state=0, return_X_y=True)
    return X, y.astype(float)


def _labels(data, targets):
    """Class labels: above/below the median sum, or the echoed bits."""
    X, y = data
    return X, ((y > np.median(y)) if targets == "per_sequence" else y).astype(int)


def _has_conv(estimator):
    return isinstance(estimator.module_.frontend, ConvFrontend)


def test_the_defaults():
    assert RNNRegressor().frontend == "auto"
    assert RNNClassifier().frontend is None


def test_auto_is_conv_for_per_sequence_regression(per_sequence):
    reg = RNNRegressor(**FAST).fit(*per_sequence)
    assert reg.output_ == "last"
    assert reg.frontend == "auto"                   # the parameter is left as given
    assert reg.frontend_ == "conv"
    assert _has_conv(reg)


def test_auto_is_none_for_per_timestep_regression(per_timestep):
    reg = RNNRegressor(**FAST).fit(*per_timestep)
    assert reg.output_ == "sequence"
    assert reg.frontend_ is None
    assert reg.module_.frontend is None


@pytest.mark.parametrize("targets", ["per_sequence", "per_timestep"])
def test_auto_is_none_for_classification(targets, per_sequence, per_timestep):
    X, y = _labels(per_sequence if targets == "per_sequence" else per_timestep, targets)
    clf = RNNClassifier(frontend="auto", **FAST).fit(X, y)
    assert clf.frontend_ is None
    assert clf.module_.frontend is None


@pytest.mark.parametrize("estimator", [RNNRegressor, RNNClassifier])
@pytest.mark.parametrize("targets", ["per_sequence", "per_timestep"])
@pytest.mark.parametrize("frontend", [None, "conv"])
def test_an_explicit_front_end_is_kept(estimator, targets, frontend, per_sequence,
                                       per_timestep):
    X, y = per_sequence if targets == "per_sequence" else per_timestep
    if estimator is RNNClassifier:
        X, y = _labels((X, y), targets)
    est = estimator(frontend=frontend, **FAST).fit(X, y)
    assert est.frontend_ == frontend
    assert _has_conv(est) == (frontend == "conv")


def test_refitting_resolves_again(per_sequence, per_timestep):
    reg = RNNRegressor(**FAST).fit(*per_sequence)
    assert reg.frontend_ == "conv"
    assert reg.fit(*per_timestep).frontend_ is None
    assert reg.set_params(frontend=None).fit(*per_sequence).frontend_ is None


def _file(estimator):
    buffer = io.BytesIO()
    dump(estimator, buffer)
    return buffer.getvalue()


def _rewritten(data, edit):
    """The file with its estimator description edited (signed anew, tensors unchanged)."""
    n = int.from_bytes(data[:8], "little")
    metadata = json.loads(data[8:8 + n])["__metadata__"]
    node = json.loads(metadata["estimator"])
    edit(node)
    metadata["estimator"] = json.dumps(node)
    tensors = load_tensors(data)
    metadata["sha256"] = checksum(metadata["estimator"], save_tensors(tensors))
    return save_tensors(tensors, metadata=metadata)


def test_the_resolved_front_end_survives_io(per_sequence):
    X, y = per_sequence
    reg = RNNRegressor(**FAST).fit(X, y)
    loaded = load(io.BytesIO(_file(reg)))
    assert loaded.frontend == "auto" and loaded.frontend_ == "conv"
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


def test_a_file_written_before_the_parameter_loads_without_a_front_end(per_sequence):
    # A model saved by a version without ``frontend`` has neither the parameter nor
    # ``frontend_``: its network had no front-end, although today's default is "auto".
    X, y = per_sequence
    reg = RNNRegressor(frontend=None, **FAST).fit(X, y)

    def older(node):
        node["params"].pop("frontend")
        node["fitted"].pop("frontend_")

    loaded = load(io.BytesIO(_rewritten(_file(reg), older)))
    assert loaded.frontend == "auto" and "frontend_" not in vars(loaded)
    assert loaded.module_.frontend is None
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))

