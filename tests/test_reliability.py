"""Regression tests of the reliability defects: state, threads, labels, seeds, devices, layouts."""

import threading
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from skorch.dataset import ValidSplit

from seqestimators import RNNClassifier, RNNForecaster, RNNRegressor
from seqestimators.data import check_sequences
from seqestimators.datasets import make_ball_trajectory, make_delayed_echo
from seqestimators.networks import CELLS
from seqestimators.preprocessing import SequenceScaler
from seqestimators.sequences import sequences_to_frame
from seqestimators.state import STATE_POLICIES, get_state_policy

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


@pytest.fixture(scope="module")
def echo():
    return make_delayed_echo(40, 12, random_state=0, return_X_y=True)


@pytest.fixture(scope="module")
def labelled():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 10, 2).astype(np.float32)
    y = np.array(["a", "b", "c"])[(X[:, :, 0].sum(axis=1) > 0).astype(int)
                                  + (X[:, -1, 1] > 0).astype(int)]
    return X, y


# ------------------------------------------------------------------ 1. validation and state
def _first_30_train(dataset, y=None, **kwargs):
    """Sequences 0-29 train, 30-39 validate (in two batches of 8 and 2)."""
    from torch.utils.data import Subset

    return Subset(dataset, list(range(30))), Subset(dataset, list(range(30, 40)))


def _fit_carry(X, y, **params):
    clf = RNNClassifier(state_policy="carry", batch_size=8, max_epochs=1, hidden_size=8,
                        train_split=_first_30_train, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return clf.fit(X, y)


def test_validation_passes_do_not_move_the_carried_state(echo):
    # Issue 17, defect 16: the state must be the one the last training batch left, whatever
    # the validation data; a validation batch that moved it would leave its own final state
    # (of other values, even with as many rows).
    X, y = echo
    other = X.copy()
    other[30:] = np.random.RandomState(1).permutation(other[30:].reshape(-1)).reshape(10, 12, 1)
    clf = _fit_carry(X, y)
    same_training = _fit_carry(other, y)
    assert "valid_acc" in clf.history_[-1] and "valid_loss" in clf.history_[-1]
    assert clf.history_[-1, "valid_loss"] != same_training.history_[-1, "valid_loss"]
    for a, b in zip(clf.carried_state_, same_training.carried_state_):
        assert a.shape[1] == 30 % 8
        assert torch.equal(a, b)


def test_the_validation_score_does_not_change_the_carried_state(echo):
    # The per-epoch validation score (valid_acc) runs its own forward passes: with it or
    # without it, training ends in the same state; and it scores from the policy's default
    # state, as predictions after reset_state() do, not from the carried one.
    X, y = echo
    clf = _fit_carry(X, y)
    unscored = _fit_carry(X, y, callbacks__valid_acc=None)
    assert "valid_acc" not in unscored.history_[-1]
    for a, b in zip(clf.carried_state_, unscored.carried_state_):
        assert torch.equal(a, b)
    expected = clf.reset_state().score(X[30:], y[30:])
    assert clf.history_[-1, "valid_acc"] == pytest.approx(expected)


def test_every_policy_is_described_once():
    assert set(STATE_POLICIES) == {"reset", "carry", "learned"}
    assert get_state_policy("carry").carries and not get_state_policy("reset").carries
    assert get_state_policy("learned").learned_initial_state
    with pytest.raises(ValueError, match="state_policy must be one of"):
        get_state_policy("stateful")


# ------------------------------------------------------------------ 2. thread-safe predict
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_predict_is_thread_safe_and_leaves_the_estimator_alone(labelled, cell):
    X, y = labelled
    clf = RNNClassifier(cell=cell, **FAST).fit(X, y)
    expected = clf.predict_proba(X)
    params_before = clf.get_params(deep=False)
    keys_before = set(vars(clf))
    dtype_before = next(clf.module_.parameters()).dtype
    results, errors = [], []

    def work():
        try:
            for _ in range(10):
                results.append(clf.predict_proba(X))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert len(results) == 40
    for proba in results:
        np.testing.assert_array_equal(proba, expected)
    assert clf.get_params(deep=False) == params_before
    assert set(vars(clf)) == keys_before
    assert next(clf.module_.parameters()).dtype == dtype_before


def test_predict_restores_the_callers_thread_count(labelled):
    X, y = labelled
    clf = RNNClassifier(num_threads=1, **FAST).fit(X, y)
    old = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        clf.predict(X)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(old)


# ------------------------------------------------------------------ 4. warm start keeps labels
def test_warm_start_keeps_the_first_fits_classes(labelled):
    X, y = labelled
    clf = RNNClassifier(warm_start=True, **FAST).fit(X, y)
    assert clf.classes_.tolist() == ["a", "b", "c"]
    subset = y != "a"
    clf.fit(X[subset], y[subset])
    assert clf.classes_.tolist() == ["a", "b", "c"]
    assert clf.predict_proba(X).shape[1] == 3
    with pytest.raises(ValueError, match="previously unseen labels"):
        clf.fit(X, np.where(y == "a", "d", y))


# ------------------------------------------------------------------ 5. invalid combinations
def test_bidirectional_with_carry_or_tbptt_is_refused(echo):
    X, y = echo
    with pytest.raises(ValueError, match="bidirectional=True"):
        RNNClassifier(bidirectional=True, state_policy="carry", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="bidirectional=True"):
        RNNClassifier(bidirectional=True, tbptt_steps=4, **FAST).fit(X, y)


def test_dropout_with_one_layer_warns(echo):
    with pytest.warns(UserWarning, match="dropout=0.2 acts between stacked"):
        RNNClassifier(dropout=0.2, num_layers=1, **FAST).fit(*echo)


# ------------------------------------------------------------------ 6. seeded validation split
def test_random_state_seeds_the_validation_split_and_spares_the_global_rng(labelled):
    X, y = labelled
    state = np.random.get_state()

    def fit():
        return RNNClassifier(train_split=ValidSplit(0.25), **FAST).fit(X, y)

    first, second = fit(), fit()
    after = np.random.get_state()
    assert first.history_[:, "valid_loss"] == second.history_[:, "valid_loss"]
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]


# ------------------------------------------------------------------ 7. device="auto"
def test_device_auto_works_with_plain_skorch_methods(labelled, tmp_path):
    X, y = labelled
    clf = RNNClassifier(device="auto", **FAST).fit(X, y)
    clf.save_params(f_params=tmp_path / "params.pt")
    other = RNNClassifier(device="auto", **FAST).fit(X, y)
    other.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(other.predict_proba(X), clf.predict_proba(X))
    dataset = clf._make_dataset(check_sequences(X))
    logits = clf.forward(dataset)
    assert logits.shape == (len(X), 3)
    assert clf.get_params()["device"] == "auto"


# ------------------------------------------------------------------ 8. scaler layouts
def test_scaler_returns_a_long_series_as_a_series():
    rng = np.random.RandomState(0)
    frame = sequences_to_frame([rng.randn(n, 1) * 3 + 5 for n in (4, 6, 5)])
    series = frame.iloc[:, 0]
    scaled = SequenceScaler().fit(series).transform(series)
    assert isinstance(scaled, pd.Series)
    assert scaled.index.equals(series.index)
    assert abs(scaled.mean()) < 1e-9 and len(scaled) == 15
    back = SequenceScaler().fit(series).inverse_transform(scaled)
    np.testing.assert_allclose(back.to_numpy(), series.to_numpy(), rtol=1e-5)


# ------------------------------------------------------------------ 9. ragged input
def test_ragged_x_with_a_padded_y_says_what_is_wrong():
    rng = np.random.RandomState(0)
    X = [rng.randn(n, 1) for n in (3, 7, 5, 4)]
    with pytest.raises(ValueError, match=r"X is a list of 4 sequences of 3 to 7 timesteps, but y "
                                         r"is an array of shape \(4, 7\)"):
        RNNClassifier(**FAST).fit(X, np.zeros((4, 7), dtype=int))


def test_list_input_gives_list_output_whatever_the_lengths():
    rng = np.random.RandomState(0)
    X = [rng.randn(n, 1).astype(np.float32) for n in (3, 7, 5, 4)]
    y = [(x[:, 0] > 0).astype(int) for x in X]
    clf = RNNClassifier(**FAST).fit(X, y)
    equal = [rng.randn(5, 1).astype(np.float32) for _ in range(3)]
    assert isinstance(clf.predict(equal), list)
    assert isinstance(clf.predict(X), list)
    assert isinstance(clf.predict(np.stack(equal)), np.ndarray)


# ------------------------------------------------------------------ 12. smaller defects
def test_a_users_ignore_index_is_honoured():
    rng = np.random.RandomState(0)
    X = [rng.randn(n, 1).astype(np.float32) for n in (6, 9, 4, 8)]
    y = [(x[:, 0] > 0).astype(int) + 1 for x in X]  # labels 1 and 2: codes 0 and 1
    clf = RNNClassifier(criterion__ignore_index=0, **FAST).fit(X, y)
    assert clf.criterion_.ignore_index == 0
    assert np.isfinite(clf.history_[-1, "train_loss"])


def test_carry_warns_when_the_batch_grows_and_the_forecaster_starts_new_rows_fresh():
    X, y = make_ball_trajectory(6, 12, random_state=0, return_X_y=True)
    est = RNNForecaster(state_policy="carry", hidden_size=8, max_epochs=1, random_state=0)
    est.partial_fit(X[:2, :6], y[:2, :6])
    with pytest.warns(UserWarning, match="rows 2..5 start new streams"):
        est.partial_fit(X[:, 6:], y[:, 6:])
    assert np.isfinite(est.history_[-1, "train_loss"])
    est.reset_state()
    est.partial_fit(X[:2, :6], y[:2, :6])
    with pytest.warns(UserWarning, match="start new streams"):
        pred = est.predict(X[:, 6:])
    # New rows start without a previous output: what a fresh stream gives.
    fresh = RNNForecaster(state_policy="reset", hidden_size=8, max_epochs=1, random_state=0)
    fresh.fit(X[:, :2], y[:, :2])
    fresh.module_.load_state_dict(est.module_.state_dict())
    np.testing.assert_allclose(pred[2:], fresh.predict(X[2:, 6:]), rtol=1e-5, atol=1e-6)


def test_empty_list_is_refused_in_sklearn_wording():
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\)"):
        check_sequences([])


# ------------------------------------------------------------------ first-hour rough edges
def test_repr_shows_the_changed_parameters_like_scikit_learn():
    assert repr(RNNClassifier(hidden_size=8)) == "RNNClassifier(hidden_size=8)"
    assert repr(RNNRegressor()) == "RNNRegressor()"
    assert "RNNClassifier" in RNNClassifier(cell="gru")._repr_html_()


def test_channels_first_input_is_recognised():
    rng = np.random.RandomState(0)
    X = rng.randn(32, 1, 64)
    with pytest.raises(ValueError, match=r"X looks transposed.*transpose\(0, 2, 1\)"):
        RNNClassifier(**FAST).fit(X, (rng.rand(32, 64) > 0.5).astype(int))
    with pytest.warns(UserWarning, match=r"\(n_cases, n_channels, n_timepoints\)"):
        RNNClassifier(**FAST).fit(rng.randn(20, 6, 100), np.arange(20) % 2)


def test_a_wide_dataframe_with_named_columns_warns():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.randn(20, 5), columns=[f"sensor{i}" for i in range(5)])
    with pytest.warns(UserWarning, match="reads it as 20 univariate sequences of 5 timesteps"):
        RNNClassifier(**FAST).fit(frame, np.arange(20) % 2)


# ------------------------------------------------------------------ batch-independent predictions
def rows_round_alike(module, n_rows=64):
    """Whether this CPU's float32 matrix products round a row alike at every position of a
    batch of ``n_rows``, for the shapes of ``module``'s weight matrices.

    Not every BLAS kernel does: MKL on AVX-512 rounds even and odd rows differently in products
    with fewer than 12 outputs from a number of inputs that is not a multiple of 4 (e.g. the
    plain RNN's input projection, 8 hidden units from 6 inputs).
    """
    generator = torch.Generator().manual_seed(0)
    for weight in module.parameters():
        if weight.ndim != 2:
            continue
        x = torch.randn(n_rows, weight.shape[1], generator=generator)
        order = torch.randperm(n_rows, generator=generator)
        with torch.no_grad():
            if not torch.equal(x[order] @ weight.T, (x @ weight.T)[order]):
                return False
    return True


@pytest.mark.parametrize("cell", list(CELLS))
def test_predictions_are_bitwise_independent_of_the_batch(cell):
    # Fixed-size prediction batches make a sequence's prediction bitwise the same whatever batch
    # it comes in, where the CPU's matrix kernels round a row alike at every position of a
    # batch; elsewhere it is the same up to float32 rounding (a few units in the last place).
    rng = np.random.RandomState(0)
    X = rng.randn(300, 20, 2).astype(np.float32)
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    clf = RNNClassifier(cell=cell, predict_batch_size=64, **FAST).fit(X[:100], y[:100])
    if rows_round_alike(clf.module_):
        same = np.testing.assert_array_equal
    else:
        def same(actual, desired):
            np.testing.assert_allclose(actual, desired, rtol=1e-6, atol=1e-7)
    whole = clf.predict_proba(X)
    in_sevens = np.concatenate([clf.predict_proba(X[i:i + 7]) for i in range(0, 300, 7)])
    same(whole, in_sevens)
    order = rng.permutation(300)
    same(clf.predict_proba(X[order]), whole[order])
    ragged = [X[i, :n] for i, n in enumerate(rng.randint(3, 21, size=150))]
    together = clf.predict_proba(ragged)
    alone = np.concatenate([clf.predict_proba([x]) for x in ragged[:40]])
    same(together[:40], alone)
