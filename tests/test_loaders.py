"""Tests of the loaders of the real datasets shipped with the package."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils import Bunch

from seqestimators.datasets import (
    load_airline,
    load_arrowhead,
    load_basic_motions,
    load_cardano_sentiment,
    load_covid_3month,
    load_gunpoint,
    load_italy_power_demand,
    load_japanese_vowels,
    load_m1_yearly,
    load_osuleaf,
    load_plaid,
    load_shampoo_sales,
    load_tecator,
    load_uschange,
)
from seqestimators.datasets.loaders._files import data_dir as _data_dir

FORECASTING_LOADERS = [load_airline, load_shampoo_sales, load_uschange, load_m1_yearly]
LOADERS = [
    load_japanese_vowels,
    load_basic_motions,
    load_gunpoint,
    load_italy_power_demand,
    load_osuleaf,
    load_plaid,
    load_arrowhead,
    load_tecator,
    load_covid_3month,
    load_cardano_sentiment,
    *FORECASTING_LOADERS,
]

# Equal-length univariate classification sets: loader -> (n_timesteps, train counts, test counts)
UNIVARIATE = {
    load_gunpoint: (150, {"1": 24, "2": 26}, {"1": 76, "2": 74}),
    load_italy_power_demand: (24, {"1": 34, "2": 33}, {"1": 513, "2": 516}),
    load_osuleaf: (
        427,
        {"1": 34, "2": 29, "3": 33, "4": 53, "5": 36, "6": 15},
        {"1": 32, "2": 55, "3": 42, "4": 44, "5": 46, "6": 23},
    ),
    load_arrowhead: (251, {"0": 12, "1": 12, "2": 12}, {"0": 69, "1": 53, "2": 53}),
}

JV_TEST_COUNTS = {"1": 31, "2": 35, "3": 88, "4": 44, "5": 29, "6": 24, "7": 40, "8": 50, "9": 29}


def test_data_dir_holds_files_and_cards():
    folder = _data_dir()
    for name in ("JapaneseVowels", "BasicMotions", "Airline", "GunPoint", "ItalyPowerDemand",
                 "OSULeaf", "PLAID", "Tecator", "ShampooSales", "Uschange", "ArrowHead",
                 "Covid3Month", "CardanoSentiment", "M1Yearly"):
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


# ------------------------------------------------- GunPoint, ItalyPowerDemand, OSULeaf


@pytest.mark.parametrize("loader", list(UNIVARIATE))
@pytest.mark.parametrize("split", ["train", "test", None])
def test_univariate_classification_shapes(loader, split):
    n_timesteps, train_counts, test_counts = UNIVARIATE[loader]
    counts = {"train": train_counts, "test": test_counts}
    expected = Counter()
    for part in (split,) if split else ("train", "test"):
        expected.update(counts[part])
    n_samples = sum(expected.values())
    bunch = loader(split=split)
    assert isinstance(bunch, Bunch)
    assert bunch.data.shape == (n_samples, n_timesteps, 1)
    assert bunch.data.dtype == np.float64
    assert np.isfinite(bunch.data).all()
    assert bunch.target.shape == (n_samples,)
    assert Counter(bunch.target.tolist()) == expected
    assert bunch.classes.tolist() == sorted(train_counts, key=int)
    assert len(bunch.feature_names) == 1 and len(bunch.target_names) == 1
    assert bunch.frame is None
    assert "lengths" not in bunch
    assert bunch.split.shape == (n_samples,)


@pytest.mark.parametrize("loader", list(UNIVARIATE))
def test_univariate_classification_sequences_are_z_normalized(loader):
    # The cards say so: every sequence has mean 0 and standard deviation 1 (ddof=1).
    X = loader().data[:, :, 0]
    np.testing.assert_allclose(X.mean(axis=1), 0.0, atol=1e-5)
    np.testing.assert_allclose(X.std(axis=1, ddof=1), 1.0, atol=1e-4)


@pytest.mark.parametrize(
    "loader",
    [load_gunpoint, load_italy_power_demand, load_osuleaf, load_arrowhead, load_tecator,
     load_covid_3month, load_cardano_sentiment],
)
def test_equal_length_none_is_concatenation(loader):
    both = loader()
    X_train, y_train = loader(split="train", return_X_y=True)
    X_test, y_test = loader(split="test", return_X_y=True)
    assert_array_equal(both.data, np.concatenate([X_train, X_test]))
    assert_array_equal(both.target, np.concatenate([y_train, y_test]))
    assert both.split.tolist() == ["train"] * len(X_train) + ["test"] * len(X_test)


def test_gunpoint_values_and_names():
    bunch = load_gunpoint(split="train")
    assert bunch.feature_names == ["hand_x"] and bunch.target_names == ["motion"]
    assert bunch.DESCR.startswith("# GunPoint")
    # The first training case as stored in the file (label 2).
    assert bunch.target[0] == "2"
    assert bunch.data[0, 0, 0] == pytest.approx(-0.6478854)
    assert bunch.data[0, 1, 0] == pytest.approx(-0.64199155)


def test_univariate_as_frame():
    X, y = load_italy_power_demand(split="train", as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and X.shape == (67 * 24, 1)
    assert list(X.index.names) == ["sample", "timestep"]
    assert list(X.columns) == ["demand"]
    assert isinstance(y, pd.Series) and y.shape == (67,) and y.index.name == "sample"
    bunch = load_osuleaf(split="test", as_frame=True)
    assert bunch.frame.shape == (242 * 427, 2)
    assert list(bunch.frame.columns) == ["outline", "species"]
    assert_array_equal(bunch.data.loc[5].to_numpy(), load_osuleaf(split="test").data[5])


# ---------------------------------------------------------------------------------- PLAID

PLAID_COUNTS = {
    "train": [33, 88, 57, 19, 78, 18, 57, 86, 69, 19, 13],
    "test": [33, 87, 58, 19, 78, 17, 57, 86, 70, 19, 13],
}


@pytest.mark.parametrize(
    "split, n_samples, min_len, max_len",
    [("train", 537, 100, 1344), ("test", 537, 134, 1000), (None, 1074, 100, 1344)],
)
def test_plaid_ragged_shapes(split, n_samples, min_len, max_len):
    bunch = load_plaid(split=split)
    assert isinstance(bunch.data, list) and len(bunch.data) == n_samples
    assert all(x.ndim == 2 and x.shape[1] == 1 and x.dtype == np.float64 for x in bunch.data)
    assert bunch.lengths.dtype == np.int64
    assert_array_equal(bunch.lengths, [len(x) for x in bunch.data])
    assert (bunch.lengths.min(), bunch.lengths.max()) == (min_len, max_len)
    assert len(set(bunch.lengths.tolist())) > 10  # really ragged
    assert not any(np.isnan(x).any() for x in bunch.data)
    assert bunch.target.shape == (n_samples,)
    assert bunch.classes.tolist() == [str(k) for k in range(11)]
    assert bunch.feature_names == ["dim_0"] and bunch.target_names == ["appliance"]
    assert bunch.DESCR.startswith("# PLAID")


def test_plaid_class_balance_and_order():
    for split, counts in PLAID_COUNTS.items():
        bunch = load_plaid(split=split)
        assert [int((bunch.target == c).sum()) for c in bunch.classes] == counts
        # Sorted by class, in the order of the header (as the card warns).
        codes = bunch.target.astype(int)
        assert (np.diff(codes) >= 0).all()
    # Every vacuum (class 9) sequence has 200 timesteps, as the card says.
    both = load_plaid()
    assert set(both.lengths[both.target == "9"].tolist()) == {200}


def test_plaid_none_is_train_then_test():
    both = load_plaid()
    train = load_plaid(split="train")
    test = load_plaid(split="test")
    assert_array_equal(both.lengths, np.concatenate([train.lengths, test.lengths]))
    assert_array_equal(both.target, np.concatenate([train.target, test.target]))
    for a, b in zip(both.data, train.data + test.data):
        assert_array_equal(a, b)
    assert both.split.tolist() == ["train"] * 537 + ["test"] * 537


def test_plaid_as_frame():
    lengths = load_plaid(split="test").lengths
    bunch = load_plaid(split="test", as_frame=True)
    assert bunch.data.shape == (lengths.sum(), 1)
    assert list(bunch.data.index.names) == ["sample", "timestep"]
    assert bunch.target.shape == (537,)
    assert bunch.frame.shape == (lengths.sum(), 2)
    assert len(bunch.frame.loc[536]) == lengths[-1]
    assert bunch.frame.loc[536, "appliance"].unique().tolist() == ["10"]


# -------------------------------------------------------------------------------- Tecator


@pytest.mark.parametrize("split, n_samples", [("train", 172), ("test", 43), (None, 215)])
def test_tecator_shapes(split, n_samples):
    bunch = load_tecator(split=split)
    assert bunch.data.shape == (n_samples, 100, 1)
    assert bunch.data.dtype == np.float64
    assert bunch.target.shape == (n_samples,)
    assert bunch.target.dtype == np.float64
    assert "classes" not in bunch and "lengths" not in bunch
    assert bunch.feature_names == ["absorbance"] and bunch.target_names == ["fat"]
    assert np.isfinite(bunch.data).all() and np.isfinite(bunch.target).all()
    assert bunch.DESCR.startswith("# Tecator")


def test_tecator_values():
    train = load_tecator(split="train")
    test = load_tecator(split="test")
    assert (train.target.min(), train.target.max()) == (0.9, 49.1)
    assert (test.target.min(), test.target.max()) == (2.0, 47.8)
    assert train.target[:3].tolist() == [22.5, 40.1, 8.4]
    assert train.data[0, 0, 0] == pytest.approx(2.61776)
    assert 2.0 < load_tecator().data.min() < load_tecator().data.max() < 5.5
    # The data owner's permission note travels with the data.
    assert "The data can be redistributed as long as this" in train.DESCR
    assert "permission note is attached." in train.DESCR


def test_tecator_as_frame():
    bunch = load_tecator(split="test", as_frame=True)
    assert bunch.data.shape == (4300, 1)
    assert isinstance(bunch.target, pd.Series) and bunch.target.shape == (43,)
    assert bunch.target.dtype == np.float64
    assert bunch.frame.shape == (4300, 2)
    assert bunch.frame.loc[0, "fat"].unique().tolist() == [46.3]


# ------------------------------------------------------------------------------ ArrowHead


def test_arrowhead_values_and_names():
    bunch = load_arrowhead(split="train")
    assert bunch.feature_names == ["outline"] and bunch.target_names == ["point_type"]
    assert bunch.DESCR.startswith("# ArrowHead")
    # The training split is interleaved by class, as the card says.
    assert bunch.target[:6].tolist() == ["0", "1", "2", "0", "1", "2"]
    assert bunch.data[0, 0, 0] == pytest.approx(-1.9630089)
    assert bunch.data[0, 1, 0] == pytest.approx(-1.9578249)
    assert load_arrowhead(split="test").data[0, 0, 0] == pytest.approx(-1.9077772)


# ------------------------------------------------------------- Covid3Month, CardanoSentiment

# loader -> (n_timesteps, n_channels, n_train, n_test, feature_names, target_name, card title)
REGRESSION = {
    load_covid_3month: (84, 1, 140, 61, ["confirmed_cases"], "death_rate", "# Covid3Month"),
    load_cardano_sentiment: (
        24, 2, 74, 33, ["close_price", "volume"], "sentiment", "# CardanoSentiment"
    ),
}


@pytest.mark.parametrize("loader", list(REGRESSION))
@pytest.mark.parametrize("split", ["train", "test", None])
def test_tser_regression_shapes(loader, split):
    n_timesteps, n_channels, n_train, n_test, features, target, title = REGRESSION[loader]
    n_samples = {"train": n_train, "test": n_test, None: n_train + n_test}[split]
    bunch = loader(split=split)
    assert bunch.data.shape == (n_samples, n_timesteps, n_channels)
    assert bunch.data.dtype == np.float64 and bunch.target.dtype == np.float64
    assert bunch.target.shape == (n_samples,)
    assert "classes" not in bunch and "lengths" not in bunch
    assert bunch.feature_names == features and bunch.target_names == [target]
    assert np.isfinite(bunch.data).all() and np.isfinite(bunch.target).all()
    assert bunch.DESCR.startswith(title)
    assert bunch.split.shape == (n_samples,)


def test_covid_3month_values():
    train = load_covid_3month(split="train")
    test = load_covid_3month(split="test")
    # The card's figures.
    assert train.target.min() == 0.0 and train.target.max() == pytest.approx(0.17647059)
    assert train.target.mean() == pytest.approx(0.0369, abs=1e-4)
    assert test.target.max() == pytest.approx(0.18181818)
    assert (train.target == 0).sum() == 29 and (test.target == 0).sum() == 12
    assert (train.data.min(), train.data.max()) == (0.0, 20341.0)
    assert (train.data == np.round(train.data)).all()  # whole daily counts
    assert train.target[:3].tolist() == pytest.approx([0.0, 0.07758621, 0.0])
    # Predicting the training mean gives the RMSE the card states.
    rmse = np.sqrt(np.mean((test.target - train.target.mean()) ** 2))
    assert rmse == pytest.approx(0.0447, abs=1e-4)


def test_cardano_sentiment_values():
    train = load_cardano_sentiment(split="train")
    test = load_cardano_sentiment(split="test")
    assert train.data[0, 0].tolist() == [0.504, 4339.96019453]
    assert train.target[:3].tolist() == [0.0589, -0.1002, -0.422]
    assert (train.target.min(), train.target.max()) == (-0.494, 0.765)
    assert (test.target.min(), test.target.max()) == (-0.0967, 0.984)
    # The two channels differ in scale about 1e5-fold, as the card warns.
    price, volume = np.abs(train.data).max(axis=(0, 1))
    assert price < 1.25 and volume > 1e5
    rmse = np.sqrt(np.mean((test.target - train.target.mean()) ** 2))
    assert rmse == pytest.approx(0.300, abs=1e-3)


def test_tser_regression_as_frame():
    bunch = load_cardano_sentiment(split="test", as_frame=True)
    assert bunch.data.shape == (33 * 24, 2)
    assert list(bunch.data.columns) == ["close_price", "volume"]
    assert isinstance(bunch.target, pd.Series) and bunch.target.shape == (33,)
    assert bunch.frame.shape == (33 * 24, 3)
    assert_array_equal(bunch.data.loc[2].to_numpy(), load_cardano_sentiment(split="test").data[2])


# ------------------------------------------------------------------------------ M1 yearly


def test_m1_yearly_whole_panel():
    bunch = load_m1_yearly()
    assert isinstance(bunch.data, list) and len(bunch.data) == 181
    assert isinstance(bunch.target, list) and len(bunch.target) == 181
    assert all(x.ndim == 2 and x.shape[1] == 1 and x.dtype == np.float64 for x in bunch.data)
    assert_array_equal(bunch.lengths, [len(x) for x in bunch.data])
    assert (bunch.lengths.min(), bunch.lengths.max(), bunch.lengths.sum()) == (14, 57, 4515 - 181)
    assert bunch.series_names.tolist() == [f"T{k}" for k in range(1, 182)]
    assert bunch.feature_names == ["value"] and bunch.target_names == ["value_next"]
    assert bunch.DESCR.startswith("# M1 yearly")
    for x, y, series, split in zip(bunch.data, bunch.target, bunch.series, bunch.split):
        values = series.to_numpy()
        assert_array_equal(x[:, 0], values[:-1])
        assert_array_equal(y, values[1:])
        assert split.tolist() == ["train"] * (len(y) - 6) + ["test"] * 6
    first = bunch.series[0]
    assert first.name == "value" and len(first) == 28
    assert isinstance(first.index, pd.PeriodIndex) and first.index.freqstr.startswith("Y")
    assert str(first.index[0]) == "1972" and first.index.name == "year"
    assert first.iloc[:3].tolist() == [3600.0, 7700.0, 12300.0]
    assert first.iloc[-1] == 1425090.0
    # The 51st series' start year lost its last two digits in the archive (the card says so).
    assert str(bunch.series[50].index[0]) == "1900"
    values = np.concatenate([s.to_numpy() for s in bunch.series])
    assert values.min() == 0.1 and values.max() == 47180900.0


def test_m1_yearly_chronological_split():
    train = load_m1_yearly(split="train")
    test = load_m1_yearly(split="test")
    both = load_m1_yearly()
    assert len(train.data) == len(test.data) == 181
    assert all(len(y) == 6 for y in test.target)
    assert_array_equal(train.lengths, both.lengths - 6)
    for tr, te, al in zip(train.series, test.series, both.series):
        assert len(te) == 7 and len(tr) == len(al) - 6
        assert tr.index[-1] == te.index[0]  # the test inputs start with the last training target
        assert tr.index.max() < te.index[1:].min()
    for k in (0, 90, 180):
        assert_array_equal(
            both.data[k], np.concatenate([train.data[k], test.data[k]])
        )
        assert test.data[k][0, 0] == train.target[k][-1]
    X, y = load_m1_yearly(split="test", test_size=13, return_X_y=True)
    assert {len(t) for t in y} == {13} and min(len(x) for x in X) == 13
    for bad in (0, 14, 6.0, True, "6"):
        with pytest.raises(ValueError, match="'test_size' parameter of load_m1_yearly"):
            load_m1_yearly(test_size=bad)


def test_m1_yearly_as_frame():
    bunch = load_m1_yearly(split="test", as_frame=True)
    assert bunch.data.shape == (181 * 6, 1)
    assert list(bunch.data.index.names) == ["sample", "timestep"]
    assert isinstance(bunch.target, pd.Series) and bunch.target.shape == (181 * 6,)
    assert bunch.frame.shape == (181 * 6, 2)
    assert bunch.frame.loc[0, "value_next"].iloc[-1] == 1425090.0


# ------------------------------------------------------------------------- shampoo sales


def test_shampoo_sales_whole_series():
    bunch = load_shampoo_sales()
    assert bunch.data.shape == (1, 35, 1) and bunch.target.shape == (1, 35)
    series = bunch.series
    assert isinstance(series, pd.Series) and len(series) == 36
    assert isinstance(series.index, pd.PeriodIndex) and series.index.freqstr == "M"
    assert series.index.equals(pd.period_range("1991-01", periods=36, freq="M"))
    assert (series.iloc[0], series.iloc[-1], series.min(), series.max()) == (
        266.0, 646.9, 119.3, 682.0
    )
    assert_array_equal(bunch.data[0, :, 0], series.to_numpy()[:-1])
    assert_array_equal(bunch.target[0], series.to_numpy()[1:])
    assert_array_equal(bunch.dates, series.index[:-1])
    assert_array_equal(bunch.target_dates, series.index[1:])
    assert bunch.feature_names == ["sales"] and bunch.target_names == ["sales_next"]
    assert bunch.DESCR.startswith("# Shampoo sales")


def test_shampoo_sales_chronological_split():
    train = load_shampoo_sales(split="train")
    test = load_shampoo_sales(split="test")
    both = load_shampoo_sales()
    assert train.data.shape == (1, 23, 1) and test.data.shape == (1, 12, 1)
    assert test.target.shape == (1, 12)
    assert str(test.target_dates[0]) == "1993-01" and str(test.target_dates[-1]) == "1993-12"
    assert str(train.target_dates[-1]) == "1992-12"
    assert test.data[0, 0, 0] == train.target[0, -1]
    assert_array_equal(both.data, np.concatenate([train.data, test.data], axis=1))
    assert both.split.tolist() == ["train"] * 23 + ["test"] * 12
    assert len(train.series) == 24 and len(test.series) == 13
    X, y = load_shampoo_sales(split="test", test_size=6, return_X_y=True)
    assert X.shape == (1, 6, 1) and y.shape == (1, 6)
    for bad in (0, 35, 1.5, False):
        with pytest.raises(ValueError, match="'test_size' parameter of load_shampoo_sales"):
            load_shampoo_sales(test_size=bad)


def test_shampoo_sales_as_frame():
    bunch = load_shampoo_sales(split="train", as_frame=True)
    assert bunch.data.shape == (23, 1)
    assert list(bunch.target.index.names) == ["sample", "timestep"]
    assert bunch.frame.shape == (23, 2)
    assert bunch.frame.iloc[0].tolist() == [266.0, 145.9]


# ------------------------------------------------------------------------------ uschange

USCHANGE_COLUMNS = ["consumption", "income", "production", "savings", "unemployment"]


def test_uschange_whole_series():
    bunch = load_uschange()
    assert bunch.data.shape == (1, 186, 5) and bunch.target.shape == (1, 186)
    assert bunch.data.dtype == np.float64 and bunch.target.dtype == np.float64
    frame = bunch.series
    assert isinstance(frame, pd.DataFrame) and frame.shape == (187, 5)
    assert list(frame.columns) == USCHANGE_COLUMNS == bunch.feature_names
    assert isinstance(frame.index, pd.PeriodIndex) and frame.index.freqstr.startswith("Q")
    assert frame.index.equals(pd.period_range("1970Q1", periods=187, freq="Q"))
    assert frame.index.name == "quarter"
    assert frame.loc["1970Q1", "consumption"] == pytest.approx(0.615986218)
    assert frame.loc["2016Q3", "unemployment"] == 0.0
    assert not frame.isna().any().any()
    # Inputs are the five values of quarter t, the target the consumption of quarter t + 1.
    assert_array_equal(bunch.data[0], frame.to_numpy()[:-1])
    assert_array_equal(bunch.target[0], frame["consumption"].to_numpy()[1:])
    # Feature 0 holds the previous target: what RNNForecaster(feedback=0) feeds back.
    assert_array_equal(bunch.data[0, 1:, 0], bunch.target[0, :-1])
    assert_array_equal(bunch.dates, frame.index[:-1])
    assert_array_equal(bunch.target_dates, frame.index[1:])
    assert bunch.target_names == ["consumption_next"]
    assert bunch.DESCR.startswith("# US consumption")


def test_uschange_chronological_split():
    train = load_uschange(split="train")
    test = load_uschange(split="test")
    both = load_uschange()
    assert train.data.shape == (1, 178, 5) and train.target.shape == (1, 178)
    assert test.data.shape == (1, 8, 5) and test.target.shape == (1, 8)
    assert str(train.target_dates[-1]) == "2014Q3"
    assert str(test.target_dates[0]) == "2014Q4" and str(test.target_dates[-1]) == "2016Q3"
    assert test.data[0, 0, 0] == train.target[0, -1]
    assert_array_equal(both.data, np.concatenate([train.data, test.data], axis=1))
    assert_array_equal(both.target, np.concatenate([train.target, test.target], axis=1))
    assert both.split.tolist() == ["train"] * 178 + ["test"] * 8
    assert train.series.shape == (179, 5) and test.series.shape == (9, 5)
    assert load_uschange(split="train", test_size=20).data.shape == (1, 166, 5)
    for bad in (0, 186, 8.0, True, "8"):
        with pytest.raises(ValueError, match="'test_size' parameter of load_uschange"):
            load_uschange(test_size=bad)


def test_uschange_as_frame():
    bunch = load_uschange(split="test", as_frame=True)
    assert bunch.data.shape == (8, 5)
    assert list(bunch.data.columns) == USCHANGE_COLUMNS
    assert list(bunch.data.index.names) == ["sample", "timestep"]
    assert isinstance(bunch.target, pd.Series)
    assert bunch.frame.shape == (8, 6)
    assert list(bunch.frame.columns)[-1] == "consumption_next"
    X, y = load_uschange(split="test", return_X_y=True)
    assert_array_equal(bunch.data.to_numpy(), X[0])
    assert_array_equal(bunch.target.to_numpy(), y[0])


# --------------------------------------------------------------------------- all loaders


@pytest.mark.parametrize("loader", LOADERS)
def test_return_X_y(loader):
    bunch = loader(split="test")
    X, y = loader(split="test", return_X_y=True)
    for got, expected in ((X, bunch.data), (y, bunch.target)):
        if isinstance(got, list):
            assert len(got) == len(expected)
            assert all(np.array_equal(a, b) for a, b in zip(got, expected))
        else:
            assert_array_equal(got, expected)


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
    layout = "## Layout" if loader in FORECASTING_LOADERS else "## Shapes"
    for section in (layout, "## Source", "## Citation", "## License and attribution"):
        assert section in descr
    # Every shipped file comes from the sktime or the aeon wheel; the card says which.
    assert "sktime" in descr or "aeon" in descr
    assert "byte-for-byte" in descr
