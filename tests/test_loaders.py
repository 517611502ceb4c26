"""Tests of the loaders of the real datasets shipped with the package."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils import Bunch

from seqestimators.datasets import load_airline, load_basic_motions, load_japanese_vowels
from seqestimators.datasets._loaders import _data_dir

LOADERS = [load_japanese_vowels, load_basic_motions, load_airline]

JV_TEST_COUNTS = {"1": 31, "2": 35, "3": 88, "4": 44, "5": 29, "6": 24, "7": 40, "8": 50, "9": 29}


def test_data_dir_holds_files_and_cards():
    folder = _data_dir()
    for name in ("JapaneseVowels", "BasicMotions", "Airline"):
        assert (folder / name / "README.md").is_file()
    assert (folder / "NOTICE.md").is_file()


# ------------------------------------------------------------------------ JapaneseVowels


@pytest.mark.parametrize("split, n_samples", [("train", 270), ("test", 370), (None, 640)])
def test_japanese_vowels_shapes(split, n_samples):
    bunch = load_japanese_vowels(split=split)
    assert isinstance(bunch, Bunch)
    assert isinstance(bunch.data, list) and len(bunch.data) == n_samples
    assert all(x.ndim == 2 and x.shape[1] == 12 and x.dtype == np.float64 for x in bunch.data)
    assert bunch.target.shape == (n_samples,)
    assert_array_equal(bunch.lengths, [len(x) for x in bunch.data])
    assert bunch.lengths.min() >= 7 and bunch.lengths.max() <= 29
    assert not any(np.isnan(x).any() for x in bunch.data)
    assert bunch.feature_names == [f"lpcc_{j}" for j in range(1, 13)]
    assert bunch.target_names == ["speaker"]
    assert bunch.classes.tolist() == [str(k) for k in range(1, 10)]
    assert bunch.frame is None
    assert bunch.DESCR.startswith("# JapaneseVowels")
    assert (bunch.split == (split or "train")).sum() == (270 if split != "test" else 370)


def test_japanese_vowels_lengths_and_classes():
    bunch = load_japanese_vowels()
    assert (bunch.lengths.min(), bunch.lengths.max()) == (7, 29)
    assert sorted(set(bunch.target.tolist())) == [str(k) for k in range(1, 10)]
    train = load_japanese_vowels(split="train")
    test = load_japanese_vowels(split="test")
    assert Counter(train.target.tolist()) == {str(k): 30 for k in range(1, 10)}
    assert Counter(test.target.tolist()) == JV_TEST_COUNTS
    assert (train.lengths.min(), train.lengths.max()) == (7, 26)
    assert (test.lengths.min(), test.lengths.max()) == (7, 29)
    # The first training utterance as stored in the file.
    assert train.data[0].shape == (20, 12)
    assert train.data[0][0, 0] == pytest.approx(1.860936)
    assert train.data[0][0, 1] == pytest.approx(-0.207383)


def test_japanese_vowels_none_is_train_then_test():
    both = load_japanese_vowels()
    train = load_japanese_vowels(split="train")
    test = load_japanese_vowels(split="test")
    assert_array_equal(both.target, np.concatenate([train.target, test.target]))
    for a, b in zip(both.data, train.data + test.data):
        assert_array_equal(a, b)
    assert both.split.tolist() == ["train"] * 270 + ["test"] * 370


def test_japanese_vowels_as_frame():
    bunch = load_japanese_vowels(split="train", as_frame=True)
    lengths = load_japanese_vowels(split="train").lengths
    assert isinstance(bunch.data, pd.DataFrame)
    assert bunch.data.shape == (lengths.sum(), 12)
    assert list(bunch.data.index.names) == ["sample", "timestep"]
    assert isinstance(bunch.target, pd.Series) and bunch.target.shape == (270,)
    assert bunch.target.index.name == "sample"
    assert bunch.frame.shape == (lengths.sum(), 13)
    assert list(bunch.frame.columns)[-1] == "speaker"
    assert bunch.frame.loc[269, "speaker"].unique().tolist() == ["9"]
    X, y = load_japanese_vowels(split="train", as_frame=True, return_X_y=True)
    pd.testing.assert_frame_equal(X, bunch.data)


# -------------------------------------------------------------------------- BasicMotions


@pytest.mark.parametrize("split, n_samples", [("train", 40), ("test", 40), (None, 80)])
def test_basic_motions_shapes(split, n_samples):
    bunch = load_basic_motions(split=split)
    assert bunch.data.shape == (n_samples, 100, 6)
    assert bunch.data.dtype == np.float64
    assert bunch.target.shape == (n_samples,)
    assert bunch.classes.tolist() == ["Standing", "Running", "Walking", "Badminton"]
    assert Counter(bunch.target.tolist()) == {
        c: n_samples // 4 for c in ["Standing", "Running", "Walking", "Badminton"]
    }
    assert bunch.feature_names == [f"dim_{j}" for j in range(6)]
    assert bunch.target_names == ["activity"]
    assert bunch.DESCR.startswith("# BasicMotions")
    assert np.isfinite(bunch.data).all()


def test_basic_motions_none_is_concatenation():
    both = load_basic_motions()
    X_train, y_train = load_basic_motions(split="train", return_X_y=True)
    X_test, y_test = load_basic_motions(split="test", return_X_y=True)
    assert_array_equal(both.data, np.concatenate([X_train, X_test]))
    assert_array_equal(both.target, np.concatenate([y_train, y_test]))
    assert both.split.tolist() == ["train"] * 40 + ["test"] * 40


def test_basic_motions_as_frame():
    X, y = load_basic_motions(split="test", as_frame=True, return_X_y=True)
    assert X.shape == (4000, 6)
    assert y.shape == (40,)
    assert_array_equal(X.loc[3].to_numpy(), load_basic_motions(split="test").data[3])


# ------------------------------------------------------------------------------- airline


def test_airline_whole_series():
    bunch = load_airline()
    assert bunch.data.shape == (1, 143, 1)
    assert bunch.target.shape == (1, 143)
    series = bunch.series
    assert len(series) == 144
    assert series.iloc[0] == 112 and series.iloc[-1] == 432
    assert (series.min(), series.max(), series.sum()) == (104, 622, 40363)
    assert str(series.index[0]) == "1949-01" and str(series.index[-1]) == "1960-12"
    assert_array_equal(bunch.data[0, :, 0], series.to_numpy()[:-1])
    assert_array_equal(bunch.target[0], series.to_numpy()[1:])
    assert bunch.data[0, 0, 0] == 112.0
    assert_array_equal(bunch.dates, series.index[:-1])
    assert_array_equal(bunch.target_dates, series.index[1:])
    assert bunch.feature_names == ["passengers"]
    assert bunch.target_names == ["passengers_next"]
    assert bunch.DESCR.startswith("# Airline passengers")


def test_airline_chronological_split():
    train = load_airline(split="train")
    test = load_airline(split="test")
    both = load_airline()
    assert train.data.shape == (1, 119, 1) and train.target.shape == (1, 119)
    assert test.data.shape == (1, 24, 1) and test.target.shape == (1, 24)
    assert str(test.target_dates[0]) == "1959-01" and str(test.target_dates[-1]) == "1960-12"
    assert str(train.target_dates[-1]) == "1958-12"
    # The test inputs start with the last training target; no test target is a training input.
    assert test.data[0, 0, 0] == train.target[0, -1]
    assert train.target_dates.max() < test.target_dates.min()
    # None = train followed by test, in time.
    assert_array_equal(both.data, np.concatenate([train.data, test.data], axis=1))
    assert_array_equal(both.target, np.concatenate([train.target, test.target], axis=1))
    assert both.split.tolist() == ["train"] * 119 + ["test"] * 24
    assert len(train.series) == 120 and len(test.series) == 25


def test_airline_test_size():
    X, y = load_airline(split="test", test_size=12, return_X_y=True)
    assert X.shape == (1, 12, 1) and y.shape == (1, 12)
    assert load_airline(split="train", test_size=12).data.shape == (1, 131, 1)
    for bad in (0, 143, 2.5, True, "24"):
        with pytest.raises(ValueError, match="'test_size' parameter of load_airline"):
            load_airline(test_size=bad)


def test_airline_as_frame():
    bunch = load_airline(as_frame=True)
    assert bunch.data.shape == (143, 1)
    assert isinstance(bunch.target, pd.Series)
    assert list(bunch.target.index.names) == ["sample", "timestep"]
    assert bunch.frame.shape == (143, 2)
    assert bunch.frame.iloc[0].tolist() == [112.0, 118.0]


# --------------------------------------------------------------------------- all loaders


@pytest.mark.parametrize("loader", LOADERS)
def test_return_X_y(loader):
    bunch = loader(split="test")
    X, y = loader(split="test", return_X_y=True)
    if isinstance(X, list):
        assert all(np.array_equal(a, b) for a, b in zip(X, bunch.data))
    else:
        assert_array_equal(X, bunch.data)
    assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("bad", ["validation", "TRAIN", "all", 0, ["train"]])
def test_bad_split(loader, bad):
    expected = (
        rf"The 'split' parameter of {loader.__name__} must be a str among "
        r"\{'train', 'test'\} or None\. Got .* instead\."
    )
    with pytest.raises(ValueError, match=expected):
        loader(split=bad)


@pytest.mark.parametrize("loader", LOADERS)
def test_options_are_keyword_only(loader):
    with pytest.raises(TypeError):
        loader("train")


@pytest.mark.parametrize("loader", LOADERS)
def test_descr_is_the_card(loader):
    descr = loader().DESCR
    layout = "## Layout" if loader is load_airline else "## Shapes"
    for section in (layout, "## Source", "## Citation", "## License and attribution"):
        assert section in descr
    assert "sktime" in descr
