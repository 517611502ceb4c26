"""Behaviour of the recurrent estimators beyond scikit-learn's generic checks."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from seqestimators import MemorylessClassifier, MemorylessRegressor, RNNClassifier, RNNRegressor
from seqestimators.callbacks import TrainingDivergedError
from seqestimators.datasets import make_delayed_echo
from seqestimators.preprocessing import SequenceScaler
from seqestimators.sequences import sequences_to_frame

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


@pytest.fixture(scope="module")
def echo():
    return make_delayed_echo(48, 12, random_state=0, return_X_y=True)


@pytest.fixture(scope="module")
def ragged():
    rng = np.random.RandomState(0)
    lengths = rng.randint(3, 15, size=30)
    X = [rng.randn(n, 2).astype(np.float32) for n in lengths]
    y_seq = [(x[:, 0] > 0).astype(int) for x in X]
    y_reg = [np.cumsum(x[:, 1]) / 5 for x in X]
    return X, y_seq, y_reg


# ---------------------------------------------------------------- bad input, sklearn's wording
def _seq(n=10, t=6, f=1, seed=0):
    return np.random.RandomState(seed).randn(n, t, f)


BAD_X = [
    ("nan", lambda: np.where(np.eye(6)[None, :, :1] > 0, np.nan, _seq(3)), "Input X contains NaN"),
    ("inf", lambda: np.full((3, 6, 1), np.inf), "Input X contains infinity"),
    ("1d", lambda: np.zeros(6), "Expected 2D array, got 1D array instead"),
    ("4d", lambda: np.zeros((3, 6, 1, 1)), r"Found array with dim 4. RNNClassifier expected <= 3"),
    ("empty", lambda: np.zeros((0, 6, 1)), r"Found array with 0 sample\(s\)"),
    ("no timesteps", lambda: np.zeros((3, 0, 1)), r"Found array with 0 timestep\(s\)"),
    ("no features", lambda: np.zeros((3, 6, 0)), r"Found array with 0 feature\(s\)"),
    ("zero-length sequence", lambda: [np.ones((4, 1)), np.ones((0, 1)), np.ones((2, 1))],
     r"Found sequence 1 with 0 timestep\(s\)"),
    ("empty list", lambda: [], r"Found array with 0 sample\(s\)"),
    ("mixed features", lambda: [np.ones((4, 1)), np.ones((3, 2))],
     "same number of features; sequence 0 has 1 and sequence 1 has 2"),
]


@pytest.mark.parametrize("make_X, match", [b[1:] for b in BAD_X], ids=[b[0] for b in BAD_X])
def test_bad_X_is_rejected_in_sklearn_wording(make_X, match):
    X = make_X()
    n = len(X) if isinstance(X, list) else (X.shape[0] if np.ndim(X) > 1 else 1)
    y = np.zeros(max(n, 1), dtype=int)
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**FAST).fit(X, y)


def test_sparse_input_is_rejected():
    with pytest.raises(TypeError, match="Sparse data was passed for X"):
        RNNRegressor(**FAST).fit(sp.csr_matrix(np.eye(5)), np.arange(5.0))


def test_inconsistent_numbers_of_samples(echo):
    X, y = echo
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[48, 47\]"):
        RNNClassifier(**FAST).fit(X, y[:-1])


def test_per_timestep_targets_must_match_timesteps(echo):
    X, y = echo
    with pytest.raises(ValueError, match=r"y has shape \(48, 11\), but X has 12 timestep"):
        RNNClassifier(output="sequence", **FAST).fit(X, y[:, :-1])
    with pytest.raises(ValueError, match=r"y has shape \(48, 11\), but X has 12 timestep"):
        RNNRegressor(**FAST).fit(X, y[:, :-1].astype(float))


def test_ragged_targets_must_follow_each_sequence(ragged):
    X, y_seq, _ = ragged
    bad = list(y_seq)
    bad[2] = bad[2][:-1]
    with pytest.raises(ValueError, match=f"y has {len(X[2]) - 1} timesteps for sequence 2 but X "
                                         f"has {len(X[2])}"):
        RNNClassifier(**FAST).fit(X, bad)


def test_predict_with_a_different_number_of_features(echo):
    X, y = echo
    clf = RNNClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but RNNClassifier is expecting 1 "
                                         "features as input"):
        clf.predict(np.concatenate([X, X], axis=2))


def test_unfitted_raises_not_fitted_before_anything_else():
    for est in (RNNClassifier(), RNNRegressor(), MemorylessClassifier()):
        for method in ("predict", "score"):
            with pytest.raises(NotFittedError):
                args = (np.full((2, 3, 1), np.nan),) + ((np.zeros(2),) if method == "score" else ())
                getattr(est, method)(*args)
    with pytest.raises(NotFittedError):
        RNNClassifier().predict_proba(np.zeros(3))


def test_continuous_target_to_classifier(echo):
    X, _ = echo
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        RNNClassifier(**FAST).fit(X, np.linspace(0, 1, len(X)))


def test_single_class(echo):
    X, _ = echo
    with pytest.raises(ValueError, match="at least 2 classes .* only one class: 'a'"):
        RNNClassifier(**FAST).fit(X, np.array(["a"] * len(X)))


def test_missing_y(echo):
    with pytest.raises(ValueError, match="requires y to be passed"):
        RNNRegressor(**FAST).fit(echo[0], None)


def test_unseen_labels_in_partial_fit(echo):
    X, y = echo
    clf = RNNClassifier(**FAST).partial_fit(X, y)
    with pytest.raises(ValueError, match="previously unseen labels"):
        clf.partial_fit(X, y + 5)


@pytest.mark.parametrize("param, value, match", [
    ("cell", "transformer", "The 'cell' parameter of RNNClassifier must be a str among"),
    ("state_policy", "keep", "The 'state_policy' parameter"),
    ("hidden_size", 0, "The 'hidden_size' parameter"),
    ("output", "all", "The 'output' parameter"),
])
def test_bad_parameters(echo, param, value, match):
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**FAST).set_params(**{param: value}).fit(*echo)


def test_tbptt_needs_per_timestep_targets(echo):
    X, y = echo
    with pytest.raises(ValueError, match="tbptt_steps needs one target per timestep"):
        RNNClassifier(tbptt_steps=4, output="last", **FAST).fit(X, y[:, -1])


# ---------------------------------------------------------------- labels and outputs
@pytest.mark.parametrize("labels", [["no", "yes"], [1, 2], [-3, 7]])
def test_labels_round_trip_per_timestep(echo, labels):
    X, y = echo
    y_labels = np.asarray(labels, dtype=object if isinstance(labels[0], str) else int)[y]
    clf = RNNClassifier(cell="gru", hidden_size=8, max_epochs=30, random_state=0).fit(X, y_labels)
    assert list(clf.classes_) == sorted(labels)
    pred = clf.predict(X)
    assert pred.shape == y.shape and set(np.unique(pred)) <= set(labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (*y.shape, 2)
    np.testing.assert_allclose(proba.sum(axis=-1), 1, rtol=1e-6)
    assert clf.score(X, y_labels) > 0.95


def test_per_sequence_classification_with_strings(echo):
    X, y = echo
    labels = np.where(y[:, -1] == 1, "one", "zero")
    clf = RNNClassifier(cell="gru", hidden_size=8, max_epochs=30, random_state=0).fit(X, labels)
    assert clf.output_ == "last"
    assert clf.predict(X).shape == (len(X),) and clf.predict_proba(X).shape == (len(X), 2)
    assert clf.score(X, labels) > 0.9


def test_classifier_score_is_accuracy_over_timesteps_not_rows(echo):
    X, y = echo
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.score(X, y) == pytest.approx(np.mean(clf.predict(X) == y))


def test_regression_shapes_and_dtypes(echo):
    X, y = echo
    y = y.astype(float)
    rng = np.random.RandomState(0)
    cases = {
        "per timestep": (y, (48, 12)),
        "per timestep, 2 targets": (np.stack([y, 1 - y], axis=-1), (48, 12, 2)),
        "per sequence": (y[:, -1], (48,)),
        "per sequence, 3 targets": (rng.randn(48, 3), (48, 3)),
    }
    for name, (target, shape) in cases.items():
        output = "last" if name == "per sequence, 3 targets" else "auto"
        pred = RNNRegressor(output=output, **FAST).fit(X, target).predict(X)
        assert pred.shape == shape, name
        assert pred.dtype == np.float64, name


def test_2d_X_is_a_batch_of_univariate_sequences(echo):
    X, y = echo
    clf = RNNClassifier(**FAST).fit(X[:, :, 0], y)
    assert clf.input_size_ == 1 and clf.n_features_in_ == 12 and clf.output_ == "sequence"
    # The 2D and 3D views of the same data give the same model.
    other = RNNClassifier(**FAST).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X[:, :, 0]), other.predict_proba(X), atol=1e-6)


# ---------------------------------------------------------------- ragged sequences and frames
def test_ragged_predictions_do_not_depend_on_the_batch(ragged):
    X, y, _ = ragged
    clf = RNNClassifier(hidden_size=8, max_epochs=5, random_state=0).fit(X, y)
    alone = clf.predict_proba([X[0]])[0]
    longest = int(np.argmax([len(x) for x in X]))
    with_longer = clf.predict_proba([X[0], X[longest]])[0]
    assert alone.shape == (len(X[0]), 2)
    np.testing.assert_allclose(alone, with_longer, atol=1e-10)
    assert [p.shape[0] for p in clf.predict(X)] == [len(x) for x in X]


def test_padding_reaches_neither_state_nor_loss(ragged):
    X, _, y = ragged
    reg = RNNRegressor(hidden_size=8, max_epochs=1, standardize_targets=False,
                       random_state=0).fit(X, y)
    from seqestimators.sequences import pad_sequences

    padded, lengths = pad_sequences(X[:4], dtype=np.float32)
    y_padded, _ = pad_sequences([t.astype(np.float32) for t in y[:4]], pad_value=1e6)
    batch = {"X": torch.from_numpy(padded), "lengths": torch.from_numpy(lengths)}
    with torch.no_grad():
        loss = reg.get_loss(reg.infer(batch), torch.from_numpy(y_padded)[..., None], X=batch)
    errors = []
    for x, t in zip(X[:4], y[:4]):
        out = reg.infer({"X": torch.from_numpy(x[None])})[0, :, 0]
        errors.append((out - torch.from_numpy(t.astype(np.float32))) ** 2)
    expected = torch.cat(errors).mean()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)


def test_regressor_score_is_r2_over_real_timesteps(ragged):
    from sklearn.metrics import r2_score

    X, _, y = ragged
    reg = RNNRegressor(**FAST).fit(X, y)
    pred = reg.predict(X)
    assert reg.score(X, y) == pytest.approx(r2_score(np.concatenate(y), np.concatenate(pred)))


def test_long_format_frames(ragged):
    X, y, _ = ragged
    frame = sequences_to_frame(X, feature_names=["a", "b"])
    target = sequences_to_frame([t[:, None] for t in y], feature_names=["label"])["label"]
    clf = RNNClassifier(**FAST).fit(frame, target)
    assert list(clf.feature_names_in_) == ["a", "b"]
    np.testing.assert_allclose(np.concatenate(clf.predict_proba(frame)),
                               np.concatenate(clf.predict_proba(X)), atol=1e-10)
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(frame.rename(columns={"a": "c"}))


# ---------------------------------------------------------------- reproducibility, devices
def test_random_state_gives_identical_models_and_leaves_global_rng(echo):
    X, y = echo
    torch_state, np_state = torch.get_rng_state(), np.random.get_state()
    first = RNNClassifier(**FAST).fit(X, y)
    second = RNNClassifier(**FAST).fit(X, y)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.array_equal(np.random.get_state()[1], np_state[1])
    for (name, a), (_, b) in zip(first.module_.state_dict().items(),
                                 second.module_.state_dict().items()):
        assert torch.equal(a, b), name
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    third = RNNClassifier(**{**FAST, "random_state": 1}).fit(X, y)
    assert not np.allclose(first.predict_proba(X), third.predict_proba(X))


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_cuda_without_gpu_is_a_clear_error(echo):
    with pytest.raises(ValueError, match="no CUDA GPU is available"):
        RNNClassifier(device="cuda", **FAST).fit(*echo)


def test_device_auto_trains_where_possible(echo):
    clf = RNNClassifier(device="auto", **FAST).fit(*echo)
    # The parameter stays "auto" (clone, searches); skorch reads the concrete device.
    assert clf.get_params()["device"] == "auto"
    assert clf.device == ("cuda" if torch.cuda.is_available() else "cpu")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert next(clf.module_.parameters()).device.type == expected
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(echo[0]), clf.predict_proba(echo[0]))


def test_model_saved_for_cuda_loads_and_predicts_on_cpu(echo):
    X, y = echo
    clf = RNNClassifier(state_policy="carry", max_epochs=1, hidden_size=8, random_state=0)
    clf.fit(X, y)
    expected = clf.reset_state().predict_proba(X)
    clf.reset_state()
    clf.device = "cuda"  # as it would be after training on a GPU
    blob = pickle.dumps(clf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        restored = pickle.loads(blob)
    if not torch.cuda.is_available():
        assert restored.device == "cpu"
        np.testing.assert_allclose(restored.predict_proba(X), expected, atol=1e-6)


class _RecordThreads(Callback):
    def on_batch_begin(self, net, **kwargs):
        net.threads_seen_ = torch.get_num_threads()


def test_fit_uses_one_thread_and_restores_the_callers_setting(echo):
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        clf = RNNClassifier(callbacks=[_RecordThreads()], **FAST).fit(*echo)
        assert clf.threads_seen_ == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_divergence_names_the_epoch(echo):
    X, y = echo
    with pytest.raises(TrainingDivergedError, match="in epoch 1"):
        RNNRegressor(callbacks__gradient_clip=None, standardize_targets=False,
                     **FAST).fit(X, y * 1e30)


# ---------------------------------------------------------------- hidden-state policies
def test_carry_warns_about_independent_sequences_and_reset_does_not(echo):
    X, y = echo
    with pytest.warns(UserWarning, match="classic cause of a recurrent network that behaves "
                                         "memorylessly"):
        carry = RNNClassifier(state_policy="carry", **FAST).fit(X, y)
    assert carry.carried_state_ is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reset = RNNClassifier(state_policy="reset", **FAST).fit(X, y)
    assert not [w for w in caught if "state_policy" in str(w.message)]
    assert reset.carried_state_ is None
    assert carry.reset_state().carried_state_ is None


def test_carry_continues_the_state_into_prediction(echo):
    X, y = echo
    clf = RNNClassifier(state_policy="carry", max_epochs=1, hidden_size=8, random_state=0)
    clf.fit(X, y)
    clf.reset_state()
    whole = clf.predict_proba(X[:1])
    clf.reset_state()
    first = clf.predict_proba(X[:1, :5])
    rest = clf.predict_proba(X[:1, 5:])
    np.testing.assert_allclose(np.concatenate([first, rest], axis=1), whole, atol=1e-10)


def test_learned_initial_state_is_trained(echo):
    X, y = echo
    clf = RNNClassifier(state_policy="learned", **FAST).fit(X, y)
    assert clf.module_.initial_state is not None
    assert clf.module_.initial_state.abs().sum() > 0
    assert RNNClassifier(**FAST).fit(X, y).module_.initial_state is None


class _CountSteps(Callback):
    def initialize(self):
        self.steps_ = 0
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.steps_ += 1


def test_truncated_bptt_takes_one_step_per_window(echo):
    X, y = echo
    counter = _CountSteps()
    clf = RNNClassifier(tbptt_steps=5, batch_size=16, callbacks=[counter], **FAST).fit(X, y)
    # 48 sequences / 16 = 3 batches, 12 timesteps / 5 = 3 windows, 3 epochs.
    assert counter.steps_ == 3 * 3 * 3
    assert clf.predict(X).shape == y.shape


def test_truncated_bptt_learns_the_echo(echo):
    X, y = echo
    clf = RNNClassifier(cell="gru", hidden_size=8, tbptt_steps=4, max_epochs=30, random_state=0)
    assert clf.fit(X, y).score(X, y) > 0.95


# ---------------------------------------------------------------- scikit-learn integration
def test_nested_parameters_reach_the_module_and_callbacks(echo):
    X, y = echo
    clf = RNNClassifier(cell="rnn", module__nonlinearity="relu",
                        callbacks__gradient_clip__gradient_clip_value=0.5, **FAST)
    params = clf.get_params()
    assert params["module__nonlinearity"] == "relu"
    copy = clone(clf).fit(X, y)
    assert copy.module_.rnn.nonlinearity == "relu"
    assert dict(copy.callbacks_)["gradient_clip"].gradient_clip_value == 0.5
    copy.set_params(cell="gru").fit(X, y)
    assert isinstance(copy.module_.rnn, torch.nn.GRU)


def test_cross_validation(echo):
    X, y = echo
    scores = cross_val_score(RNNClassifier(**FAST), X, y, cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    result = cross_validate(RNNRegressor(**FAST), X, y.astype(float), cv=2)
    assert set(result) >= {"test_score", "fit_time"}


def test_grid_search_in_two_processes_matches_one(echo):
    X, y = echo
    grid = {"cell": ["lstm", "gru"], "state_policy": ["reset", "carry"]}
    cv = KFold(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        one = GridSearchCV(RNNClassifier(**FAST), grid, cv=cv, n_jobs=1).fit(X, y)
        two = GridSearchCV(RNNClassifier(**FAST), grid, cv=cv, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(one.cv_results_["mean_test_score"],
                               two.cv_results_["mean_test_score"])
    assert one.best_params_ == two.best_params_


def test_pipeline_with_sequence_scaler(ragged):
    X, _, y = ragged
    X_big = [x * 100 + 50 for x in X]
    pipe = make_pipeline(SequenceScaler(), RNNRegressor(**FAST)).fit(X_big, y)
    assert [len(p) for p in pipe.predict(X_big)] == [len(x) for x in X]


def test_memoryless_baseline_cannot_echo(echo):
    X, y = echo
    base = MemorylessClassifier(max_epochs=20, random_state=0).fit(X, y)
    assert base.score(X, y) < 0.85
    rnn = RNNClassifier(cell="gru", hidden_size=8, max_epochs=30, random_state=0).fit(X, y)
    assert rnn.score(X, y) > 0.95
    reg = MemorylessRegressor(num_layers=0, max_epochs=2, random_state=0).fit(X, y.astype(float))
    assert reg.predict(X).shape == y.shape


def test_randomized_search_over_cell_hidden_size_and_policy(echo):
    from sklearn.model_selection import RandomizedSearchCV

    X, y = echo
    space = {"cell": ["rnn", "lstm", "gru"], "hidden_size": [4, 8],
             "state_policy": ["reset", "learned"]}
    search = RandomizedSearchCV(RNNClassifier(max_epochs=2, random_state=0), space, n_iter=3,
                                cv=2, random_state=0).fit(X, y)
    assert set(search.best_params_) == set(space)
    assert search.best_estimator_.predict(X).shape == y.shape


def test_skorch_dataloader_still_works(ragged):
    from torch.utils.data import DataLoader

    X, y, _ = ragged
    clf = RNNClassifier(iterator_train=DataLoader, iterator_train__shuffle=True,
                        iterator_valid=DataLoader, **FAST).fit(X, y)
    fast = RNNClassifier(**FAST).fit(X, y)
    assert [p.shape for p in clf.predict(X)] == [p.shape for p in fast.predict(X)]


def test_fit_warns_once_per_cause_at_the_callers_line(echo):
    # A carried state with fewer rows than the next batch recurs every epoch (40 sequences in
    # batches of 16, 16, 8): one warning per fit, like the convergence and misuse notes.
    from seqestimators.state import CarryContinuationWarning

    X, y = echo
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RNNClassifier(state_policy="carry", batch_size=20, hidden_size=4, max_epochs=4,
                      random_state=0).fit(X[:44], y[:44])
    carry = [w for w in caught if issubclass(w.category, CarryContinuationWarning)]
    streams = [w for w in carry if "start new streams" in str(w.message)]
    converged = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(streams) == 1 and len(carry) == 2 and len(converged) == 1
    assert {w.filename for w in carry + converged} == {__file__}


def test_carry_predictions_lock_each_estimator_not_all(echo):
    """Issue 17, defect 15: a carried-state prediction locks its own estimator only.

    One class-level lock serialized the predictions of every carrying estimator in a process.
    """
    import copy
    import pickle

    X, y = echo
    a = RNNClassifier(state_policy="carry", hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    b = RNNClassifier(state_policy="carry", hidden_size=4, max_epochs=1, random_state=1).fit(X, y)
    a.predict(X[:2])
    b.predict(X[:2])
    assert a._prediction_lock is not b._prediction_lock
    assert a._prediction_lock is a._prediction_lock
    for twin in (copy.deepcopy(a), pickle.loads(pickle.dumps(a))):
        assert twin._prediction_lock is not a._prediction_lock
        np.testing.assert_array_equal(twin.predict(X[:2]), copy.deepcopy(a).predict(X[:2]))
