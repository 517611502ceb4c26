"""Safe persistence (seqestimators.io.dump / load) and ONNX export (to_onnx)."""

import io
import json
import pickle
import warnings

import numpy as np
import pytest
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback, EarlyStopping, LRScheduler
from skorch.dataset import ValidSplit

from seqestimators import (
    MemorylessClassifier,
    MemorylessRegressor,
    RNNClassifier,
    RNNForecaster,
    RNNRegressor,
)
from seqestimators.datasets import make_ball_trajectory, make_degradation, make_delayed_echo
from seqestimators.io import FORMAT_VERSION, dump, load, to_onnx
from seqestimators.io._integrity import checksum
from seqestimators.preprocessing import SequenceScaler
from seqestimators.sequences import sequences_to_frame

FAST = {"hidden_size": 5, "max_epochs": 2, "random_state": 0}


def roundtrip(estimator, **load_kwargs):
    buffer = io.BytesIO()
    dump(estimator, buffer)
    buffer.seek(0)
    return load(buffer, **load_kwargs)


def file_bytes(estimator):
    buffer = io.BytesIO()
    dump(estimator, buffer)
    return buffer.getvalue()


def rewrite_metadata(data, **changes):
    """A copy of a model file's bytes with some metadata entries replaced (no pickle).

    The checksum is written anew, as a deliberate edit (or a crafted file) would: the tests
    that use it check what load does with the edited contents.
    """
    n = int.from_bytes(data[:8], "little")
    metadata = json.loads(data[8:8 + n])["__metadata__"]
    metadata.update(changes)
    tensors = load_tensors(data)
    metadata["sha256"] = checksum(metadata["estimator"], save_tensors(tensors))
    return save_tensors(tensors, metadata=metadata)


def metadata_of(data):
    n = int.from_bytes(data[:8], "little")
    return json.loads(data[8:8 + n])["__metadata__"]


def assert_same_outputs(a, b):
    """Identical arrays, or identical lists of arrays (ragged)."""
    if isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    else:
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def plain(value):
    """A comparable form of a parameter: instances become (class, their parameters)."""
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, (Callback, ValidSplit)):
        return type(value), {k: plain(v) for k, v in vars(value).items()
                             if not k.endswith("_") and not k.startswith("_")}
    return repr(value)


def assert_same_params(a, b):
    pa, pb = a.get_params(deep=False), b.get_params(deep=False)
    assert pa.keys() == pb.keys()
    for key in pa:
        assert plain(pa[key]) == plain(pb[key]), key


@pytest.fixture(scope="module")
def echo():
    X, y = make_delayed_echo(24, 9, random_state=0, return_X_y=True)
    labels = np.array(["off", "on"])[y]
    return X, y, labels


@pytest.fixture(scope="module")
def ragged():
    rng = np.random.RandomState(0)
    X = [rng.randn(n, 2).astype(np.float32) for n in rng.randint(3, 12, size=20)]
    y_step = [np.where(x[:, 0] > 0, "up", "down") for x in X]
    y_seq = np.array(["a", "b", "c"])[rng.randint(0, 3, size=20)]
    return X, y_step, y_seq


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("state_policy", ["reset", "carry", "learned"])
def test_classifier_per_timestep_string_labels(echo, cell, state_policy):
    X, _, labels = echo
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="state_policy='carry'")
        clf = RNNClassifier(cell=cell, state_policy=state_policy, **FAST).fit(X, labels)
    loaded = roundtrip(clf)
    assert type(loaded) is RNNClassifier
    assert_same_params(clf, loaded)
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    if state_policy == "carry":
        assert isinstance(loaded.carried_state_, tuple if cell == "lstm" else torch.Tensor)
        for a, b in zip(*(s if isinstance(s, tuple) else (s,) for s in
                          (clf.carried_state_, loaded.carried_state_))):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
    # Under "carry", predicting moves the carried state on: compare two fresh copies.
    reference = roundtrip(clf)
    assert_same_outputs(loaded.predict_proba(X), reference.predict_proba(X))
    loaded2 = roundtrip(clf)
    assert_same_outputs(loaded2.predict(X), clf.predict(X))
    assert loaded.history_[-1]["train_loss"] == clf.history_[-1]["train_loss"]
    assert len(loaded.history_) == len(clf.history_)


def test_carried_state_changes_predictions(echo):
    """The carried state really is restored: a reset copy predicts differently."""
    X, _, labels = echo
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="state_policy='carry'")
        clf = RNNClassifier(state_policy="carry", **FAST).fit(X, labels)
    loaded = roundtrip(clf)
    expected = clf.predict_proba(X)
    assert_same_outputs(loaded.predict_proba(X), expected)
    assert not np.array_equal(roundtrip(clf).reset_state().predict_proba(X), expected)


def test_classifier_ragged(ragged):
    X, y_step, y_seq = ragged
    per_step = RNNClassifier(cell="gru", **FAST).fit(X, y_step)
    assert_same_outputs(roundtrip(per_step).predict_proba(X), per_step.predict_proba(X))
    assert_same_outputs(roundtrip(per_step).predict(X), per_step.predict(X))
    per_seq = RNNClassifier(**FAST).fit(X, y_seq)
    loaded = roundtrip(per_seq)
    assert loaded.output_ == "last"
    assert_same_outputs(loaded.predict(X), per_seq.predict(X))
    assert loaded.score(X, y_seq) == per_seq.score(X, y_seq)


@pytest.mark.parametrize("output", ["sequence", "last"])
def test_regressor_multi_target(output):
    rng = np.random.RandomState(0)
    X = rng.randn(16, 7, 3).astype(np.float32)
    y = np.cumsum(X[..., :2], axis=1) if output == "sequence" else X[:, :, :2].sum(axis=1)
    reg = RNNRegressor(cell="lstm", num_layers=2, bidirectional=True, output=output,
                       **FAST).fit(X, y)
    loaded = roundtrip(reg)
    assert loaded.n_targets_ == 2
    assert_same_outputs(loaded.predict(X), reg.predict(X))


@pytest.mark.parametrize("estimator", [MemorylessClassifier(**FAST),
                                       MemorylessRegressor(num_layers=2, **FAST)])
def test_memoryless(echo, estimator):
    X, y, labels = echo
    target = labels if isinstance(estimator, MemorylessClassifier) else y.astype(float)
    estimator.fit(X, target)
    assert_same_outputs(roundtrip(estimator).predict(X), estimator.predict(X))


@pytest.mark.parametrize("state_policy", ["reset", "carry"])
def test_forecaster_predict_and_forecast(state_policy):
    X, y = make_ball_trajectory(12, 10, random_state=0, return_X_y=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="state_policy='carry'")
        est = RNNForecaster(cell="gru", training="scheduled", schedule="linear", schedule_k=2.0,
                            state_policy=state_policy, **FAST).fit(X, y)
    loaded = roundtrip(est)
    np.testing.assert_array_equal(loaded.feedback_features_, est.feedback_features_)
    assert_same_outputs(loaded.predict(X), est.predict(X))
    assert_same_outputs(loaded.forecast(X[:, :3], 6), est.forecast(X[:, :3], 6))
    assert [h["feedback_prob"] for h in loaded.history_] == \
        [h["feedback_prob"] for h in est.history_]


def test_forecaster_with_exogenous_features():
    data = make_degradation(10, 12, random_state=0)
    X, y = data.data, data.target
    feedback = [list(data.feature_names).index(n) for n in data.feature_names
                if "durab" in n.lower()]
    est = RNNForecaster(feedback=feedback, **FAST).fit(X, y)
    loaded = roundtrip(est)
    exogenous = X[:, 4:10][..., loaded.exogenous_features_]
    assert_same_outputs(loaded.forecast(X[:, :4], 6, exogenous=exogenous),
                        est.forecast(X[:, :4], 6, exogenous=exogenous))


def test_pipeline_with_scaler(echo):
    X, _, labels = echo
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(**FAST)).fit(X * 10 + 3, labels)
    loaded = roundtrip(pipe)
    assert [name for name, _ in loaded.steps] == [name for name, _ in pipe.steps]
    np.testing.assert_array_equal(loaded[0].scale_, pipe[0].scale_)
    assert_same_outputs(loaded.predict_proba(X * 10 + 3), pipe.predict_proba(X * 10 + 3))


def test_frame_input_and_integer_labels(echo):
    X, y, _ = echo
    frame = sequences_to_frame(X, feature_names=["signal"])
    clf = RNNClassifier(**FAST).fit(frame, y * 3 - 1)
    loaded = roundtrip(clf)
    np.testing.assert_array_equal(loaded.feature_names_in_, clf.feature_names_in_)
    assert loaded.feature_names_in_.dtype == clf.feature_names_in_.dtype
    assert loaded.classes_.dtype == clf.classes_.dtype
    assert_same_outputs(loaded.predict(frame), clf.predict(frame))


def test_unfitted_estimator(echo):
    X, _, labels = echo
    loaded = roundtrip(RNNRegressor(cell="gru", hidden_size=3, module__nonlinearity="relu"))
    assert not loaded.initialized_
    assert loaded.get_params()["module__nonlinearity"] == "relu"


def test_training_continues_identically(echo):
    """Optimizer state and history come back: partial_fit goes on exactly as before."""
    X, _, labels = echo
    clf = RNNClassifier(**FAST).fit(X, labels)
    loaded = roundtrip(clf)
    assert_same_outputs(loaded.partial_fit(X, labels).predict_proba(X),
                        clf.partial_fit(X, labels).predict_proba(X))


def test_plain_skorch_params_and_allowlisted_callbacks(echo):
    X, _, labels = echo
    clf = RNNClassifier(
        optimizer=torch.optim.SGD, optimizer__momentum=0.5, optimizer__nesterov=True,
        criterion__label_smoothing=0.1, iterator_train__shuffle=False, module__nonlinearity="relu",
        cell="rnn", train_split=ValidSplit(0.25, random_state=0),
        callbacks=[("stop", EarlyStopping(patience=1)),
                   ("lr", LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=1))],
        **FAST).fit(X, labels)
    loaded = roundtrip(clf)
    assert_same_params(clf, loaded)
    assert loaded.optimizer is torch.optim.SGD
    assert isinstance(loaded.train_split, ValidSplit) and loaded.train_split.cv == 0.25
    stop, lr = dict(loaded.callbacks)["stop"], dict(loaded.callbacks)["lr"]
    assert isinstance(stop, EarlyStopping) and stop.patience == 1
    assert lr.policy is torch.optim.lr_scheduler.StepLR and lr.kwargs == {"step_size": 1}
    assert_same_outputs(loaded.predict_proba(X), clf.predict_proba(X))


def test_load_leaves_global_rng_alone(echo):
    X, _, labels = echo
    data = file_bytes(RNNClassifier(**FAST).fit(X, labels))
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    load(io.BytesIO(data))
    torch.testing.assert_close(torch.rand(3), expected)


def test_file_layout(echo, tmp_path):
    X, _, labels = echo
    clf = RNNClassifier(**FAST).fit(X, labels)
    path = tmp_path / "model.safetensors"
    dump(clf, path)
    data = path.read_bytes()
    assert data[8:9] == b"{"  # safetensors: header length, then the JSON header
    metadata = metadata_of(data)
    assert metadata["format"] == "seqestimators"
    assert metadata["format_version"] == FORMAT_VERSION
    assert metadata["estimator_class"] == "seqestimators.RNNClassifier"
    node = json.loads(metadata["estimator"])
    assert node["params"]["hidden_size"] == 5
    assert node["fitted"]["input_size_"] == 1
    tensors = load_tensors(data)
    assert set(clf.module_.state_dict()) == {k.removeprefix("module.") for k in tensors
                                             if k.startswith("module.")}
    assert_same_outputs(load(path).predict(X), clf.predict(X))


# ---------------------------------------------------------------- refused at dump
def my_schedule(epoch):
    return 0.5


class MyLoss(torch.nn.MSELoss):
    pass


class MyCallback(Callback):
    pass


def test_dump_refuses_code_and_names_every_culprit():
    est = RNNForecaster(schedule=my_schedule, criterion=MyLoss, callbacks=[MyCallback()],
                        train_split=lambda ds, y=None: (ds, None),
                        random_state=np.random.RandomState(0))
    with pytest.raises(ValueError) as excinfo:
        dump(est, io.BytesIO())
    message = str(excinfo.value)
    for name in ("'schedule'", "'criterion'", "'callbacks'", "'train_split'", "'random_state'",
                 "MyLoss", "my_schedule"):
        assert name in message


def test_dump_refuses_other_objects():
    with pytest.raises(ValueError, match="cannot store"):
        dump(torch.nn.Linear(2, 2), io.BytesIO())


# ---------------------------------------------------------------- refused at load
def _side_effect():  # would run if the file were unpickled
    _side_effect.ran = True


class Exploit:
    def __reduce__(self):
        return _side_effect, ()


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_load_never_unpickles(tmp_path, protocol):
    _side_effect.ran = False
    path = tmp_path / "model.safetensors"
    path.write_bytes(pickle.dumps(Exploit(), protocol=protocol))
    with pytest.raises(ValueError, match="not a seqestimators model file.*never unpickles"):
        load(path)
    assert not _side_effect.ran


def test_load_refuses_torch_save_and_garbage(tmp_path):
    path = tmp_path / "model.safetensors"
    torch.save({"w": torch.zeros(2)}, path)
    with pytest.raises(ValueError, match="zip archive"):
        load(path)
    for data in (b"", b"\x00" * 4, b"garbage that is not a model file at all"):
        with pytest.raises(ValueError, match="not a seqestimators model file"):
            load(io.BytesIO(data))


def test_load_refuses_foreign_safetensors():
    data = save_tensors({"w": torch.zeros(2)}, metadata={"format": "pt"})
    with pytest.raises(ValueError, match="safetensors file but not a seqestimators model"):
        load(io.BytesIO(data))


def test_load_refuses_newer_major_version(echo):
    X, _, labels = echo
    data = rewrite_metadata(file_bytes(RNNClassifier(**FAST).fit(X, labels)),
                            format_version="2.0")
    with pytest.raises(ValueError, match=rf"version 2\.0.*reads format version "
                                         rf"{FORMAT_VERSION}"):
        load(io.BytesIO(data))
    newer_minor = rewrite_metadata(data, format_version="1.7")
    assert load(io.BytesIO(newer_minor)).predict(X).shape == labels.shape


@pytest.mark.parametrize("name", ["os.system", "builtins.eval", "subprocess.Popen",
                                  "seqestimators.io.load"])
def test_load_refuses_classes_outside_the_allowlist(echo, name):
    X, _, labels = echo
    data = file_bytes(RNNClassifier(**FAST).fit(X, labels))
    node = json.loads(metadata_of(data)["estimator"])
    node["params"]["optimizer"]["name"] = name
    tampered = rewrite_metadata(data, estimator=json.dumps(node))
    with pytest.raises(ValueError, match="not in seqestimators.io's allowlist"):
        load(io.BytesIO(tampered))
    node["class"] = name
    tampered = rewrite_metadata(data, estimator=json.dumps(node))
    with pytest.raises(ValueError, match="allowlist"):
        load(io.BytesIO(tampered))


# ---------------------------------------------------------------- devices
@pytest.mark.skipif(torch.cuda.is_available(), reason="simulates a machine without a GPU")
def test_gpu_model_loads_on_cpu(echo):
    X, _, labels = echo
    clf = RNNClassifier(**FAST).fit(X, labels)
    data = file_bytes(clf)
    node = json.loads(metadata_of(data)["estimator"])
    node["params"]["device"] = "cuda"
    data = rewrite_metadata(data, estimator=json.dumps(node))
    with pytest.warns(UserWarning, match="device='cuda'.*not available.*device='cpu'"):
        loaded = load(io.BytesIO(data))
    assert loaded.device == "cpu"
    assert_same_outputs(loaded.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match="no CUDA GPU"):
        load(io.BytesIO(data), device="cuda")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load(io.BytesIO(data), device="cpu").device == "cpu"


def test_auto_device_is_kept(echo):
    X, _, labels = echo
    clf = RNNClassifier(device="auto", **FAST).fit(X, labels)
    loaded = roundtrip(clf)
    assert loaded.get_params()["device"] == "auto"
    assert_same_outputs(loaded.predict(X), clf.predict(X))


# ---------------------------------------------------------------- ONNX
ort = pytest.importorskip("onnxruntime")


def run_onnx(path, X):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"X": X.astype(np.float32)})[0]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("per_timestep", [True, False])
def test_onnx_classifier(echo, tmp_path, cell, per_timestep):
    X, y, labels = echo
    target = labels if per_timestep else labels[:, -1]
    clf = RNNClassifier(cell=cell, state_policy="learned", **FAST).fit(X, target)
    path = tmp_path / "model.onnx"
    to_onnx(clf, path)
    X_new = make_delayed_echo(7, 15, random_state=1, return_X_y=True)[0]
    proba = run_onnx(path, X_new)
    assert proba.shape == clf.predict_proba(X_new).shape
    np.testing.assert_allclose(proba, clf.predict_proba(X_new), atol=1e-5, rtol=0)
    import onnx

    props = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    classes = np.array(json.loads(props["seqestimators.classes"]))
    np.testing.assert_array_equal(classes[proba.argmax(-1)], clf.predict(X_new))


@pytest.mark.parametrize("n_targets", [1, 2])
def test_onnx_regressor(tmp_path, n_targets):
    rng = np.random.RandomState(0)
    X = rng.randn(16, 8, 3).astype(np.float32)
    y = np.cumsum(X[..., :n_targets], axis=1)
    y = y[..., 0] if n_targets == 1 else y
    reg = RNNRegressor(cell="gru", num_layers=2, bidirectional=True, **FAST).fit(X, y)
    to_onnx(reg, tmp_path / "model.onnx", opset=17)
    X_new = rng.randn(5, 13, 3)
    np.testing.assert_allclose(run_onnx(tmp_path / "model.onnx", X_new), reg.predict(X_new),
                               atol=1e-5, rtol=0)


def test_onnx_memoryless_and_pipeline(echo, tmp_path):
    X, y, labels = echo
    base = MemorylessRegressor(**FAST).fit(X, y[:, -1].astype(float))
    to_onnx(base, tmp_path / "base.onnx")
    X_new = make_delayed_echo(6, 4, random_state=2, return_X_y=True)[0]
    np.testing.assert_allclose(run_onnx(tmp_path / "base.onnx", X_new), base.predict(X_new),
                               atol=1e-5, rtol=0)
    pipe = make_pipeline(SequenceScaler(), SequenceScaler(),
                         RNNClassifier(**FAST)).fit(X * 4 - 1, labels)
    to_onnx(pipe, tmp_path / "pipe.onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "pipe.onnx", X_new * 4 - 1),
                               pipe.predict_proba(X_new * 4 - 1), atol=1e-5, rtol=0)


@pytest.mark.parametrize("pooling", ["mean", "max", "attention"])
def test_onnx_pooling(tmp_path, pooling):
    rng = np.random.RandomState(0)
    X = rng.randn(16, 9, 2).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    clf = RNNClassifier(pooling=pooling, patch_size=None, **FAST).fit(X, y)
    to_onnx(clf, tmp_path / "model.onnx")
    X_new = rng.randn(3, 14, 2)
    np.testing.assert_allclose(run_onnx(tmp_path / "model.onnx", X_new),
                               clf.predict_proba(X_new), atol=1e-5, rtol=0)


def test_onnx_patches(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.randn(16, 10, 2).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    clf = RNNClassifier(patch_size=3, **FAST).fit(X, y)
    to_onnx(clf, tmp_path / "model.onnx")
    for n_timesteps in (4, 10, 14):
        X_new = rng.randn(6, n_timesteps, 2)
        np.testing.assert_allclose(run_onnx(tmp_path / "model.onnx", X_new),
                                   clf.predict_proba(X_new), atol=1e-5, rtol=0)


def test_onnx_refuses_what_it_cannot_serve(echo, tmp_path):
    X, y, labels = echo
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="state_policy='carry'")
        carry = RNNClassifier(state_policy="carry", **FAST).fit(X, labels)
    with pytest.raises(ValueError, match="state_policy='carry'"):
        to_onnx(carry, tmp_path / "m.onnx")
    Xb, yb = make_ball_trajectory(8, 6, random_state=0, return_X_y=True)
    forecaster = RNNForecaster(**FAST).fit(Xb, yb)
    with pytest.raises(ValueError, match="RNNForecaster"):
        to_onnx(forecaster, tmp_path / "m.onnx")
    with pytest.raises(ValueError, match="predict_nonlinearity"):
        to_onnx(RNNClassifier(predict_nonlinearity=None, **FAST).fit(X, labels),
                tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()
