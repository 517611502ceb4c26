import numpy as np
import pandas as pd
import pytest

from seqestimators.preprocessing import SequenceScaler
from seqestimators.sequences import sequences_to_frame


def _ragged(seed=0):
    rng = np.random.RandomState(seed)
    return [rng.randn(n, 2) * [1.0, 10.0] + [5.0, -3.0] for n in (3, 7, 5)]


def test_3d_statistics_are_per_feature_over_samples_and_timesteps():
    X = np.random.RandomState(0).randn(4, 6, 3) * [1, 2, 3] + [0, 10, -5]
    scaler = SequenceScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, X.reshape(-1, 3).mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, X.reshape(-1, 3).std(axis=0))
    Xt = scaler.transform(X)
    np.testing.assert_allclose(Xt.reshape(-1, 3).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(Xt), X)


def test_ragged_statistics_ignore_padding():
    X = _ragged()
    scaler = SequenceScaler().fit(X)
    stacked = np.concatenate(X)
    np.testing.assert_allclose(scaler.mean_, stacked.mean(axis=0))
    Xt = scaler.transform(X)
    assert isinstance(Xt, list) and [len(x) for x in Xt] == [3, 7, 5]
    np.testing.assert_allclose(np.concatenate(Xt).std(axis=0), 1)


def test_long_frames_keep_their_index_and_columns():
    frame = sequences_to_frame(_ragged(), feature_names=["u", "v"]).iloc[::-1]
    out = SequenceScaler().fit_transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(frame.index) and list(out.columns) == ["u", "v"]
    np.testing.assert_allclose(out.mean().to_numpy(), 0, atol=1e-12)


def test_2d_is_one_univariate_feature_and_constant_features_stay_finite():
    X = np.arange(12.0).reshape(3, 4)
    Xt = SequenceScaler().fit_transform(X)
    assert Xt.shape == X.shape
    assert Xt.mean() == pytest.approx(0) and Xt.std() == pytest.approx(1)
    const = SequenceScaler().fit_transform(np.ones((2, 3, 1)))
    np.testing.assert_array_equal(const, 0)


def test_options_and_errors():
    X = np.random.RandomState(0).randn(3, 4, 2) + 7
    scaler = SequenceScaler(with_mean=False, with_std=False).fit(X)
    np.testing.assert_allclose(scaler.transform(X), X)
    with pytest.raises(ValueError, match="X has 3 features, but SequenceScaler is expecting 2"):
        SequenceScaler().fit(X).transform(np.zeros((1, 4, 3)))
    with pytest.raises(ValueError, match="Input X contains NaN"):
        SequenceScaler().fit(np.full((2, 2, 1), np.nan))
