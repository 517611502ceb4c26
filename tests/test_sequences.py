"""Tests of the sequence layout helpers: padded arrays, ragged lists and long frames."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from seqestimators.sequences import (
    INDEX_NAMES,
    frame_to_sequences,
    is_ragged,
    lengths_to_mask,
    pad_sequences,
    sequences_to_frame,
    unpad_sequences,
)


@pytest.fixture
def ragged():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(n, 3)) for n in (4, 1, 7, 2)]


# --------------------------------------------------------------------------- is_ragged


@pytest.mark.parametrize(
    "X, expected",
    [
        ([np.zeros((3, 2)), np.zeros((5, 2))], True),
        ((np.zeros(3), np.zeros(5)), True),
        ([[1.0, 2.0], [3.0]], True),
        (np.zeros((2, 5, 2)), False),
        ([], False),
        ([1.0, 2.0], False),
        ("abc", False),
        (None, False),
    ],
)
def test_is_ragged(X, expected):
    assert is_ragged(X) is expected


# ------------------------------------------------------------------ pad / unpad round trips


def test_pad_unpad_round_trip(ragged):
    padded, lengths = pad_sequences(ragged)
    assert padded.shape == (4, 7, 3)
    assert lengths.dtype == np.int64
    assert_array_equal(lengths, [4, 1, 7, 2])
    back = unpad_sequences(padded, lengths)
    assert len(back) == len(ragged)
    for original, restored in zip(ragged, back):
        assert_array_equal(original, restored)


def test_pad_sequences_padding_value_dtype_and_width(ragged):
    padded, lengths = pad_sequences(ragged, pad_value=-1.0, n_timesteps=9, dtype=np.float32)
    assert padded.shape == (4, 9, 3)
    assert padded.dtype == np.float32
    mask = lengths_to_mask(lengths, n_timesteps=9)
    assert np.all(padded[~mask] == -1.0)
    assert_array_equal(padded[mask], np.concatenate(ragged).astype(np.float32))


def test_pad_sequences_univariate_and_int():
    padded, lengths = pad_sequences([np.array([1, 2, 3]), np.array([4])])
    assert padded.dtype.kind == "i"
    assert_array_equal(padded, [[1, 2, 3], [4, 0, 0]])
    assert_array_equal(lengths, [3, 1])


def test_pad_sequences_result_dtype_is_promoted():
    padded, _ = pad_sequences([np.array([1, 2]), np.array([0.5])])
    assert padded.dtype == np.float64
    assert_array_equal(padded, [[1.0, 2.0], [0.5, 0.0]])


def test_pad_sequences_zero_length_sequence():
    padded, lengths = pad_sequences([np.zeros((0, 2)), np.ones((2, 2))])
    assert padded.shape == (2, 2, 2)
    assert_array_equal(lengths, [0, 2])
    assert unpad_sequences(padded, lengths)[0].shape == (0, 2)


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="Found 0 sequences"):
        pad_sequences([])
    with pytest.raises(ValueError, match="same number of features"):
        pad_sequences([np.zeros((3, 2)), np.zeros((3, 4))])
    with pytest.raises(ValueError, match="shorter than the longest sequence"):
        pad_sequences([np.zeros((3, 2)), np.zeros((5, 2))], n_timesteps=4)


def test_unpad_sequences_returns_views_of_each_row():
    padded = np.arange(12).reshape(2, 3, 2)
    seqs = unpad_sequences(padded, np.array([2, 3]))
    assert [s.shape for s in seqs] == [(2, 2), (3, 2)]
    assert_array_equal(seqs[0], [[0, 1], [2, 3]])


def test_unpad_sequences_errors():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        unpad_sequences(np.zeros((2, 3)), [1, 2, 3])
    with pytest.raises(ValueError, match="between 0 and the padded length 3"):
        unpad_sequences(np.zeros((2, 3)), [1, 4])
    with pytest.raises(ValueError, match="between 0 and the padded length 3"):
        unpad_sequences(np.zeros((2, 3)), [-1, 2])


# ------------------------------------------------------------------------------ masks


def test_lengths_to_mask():
    mask = lengths_to_mask([2, 0, 3])
    assert mask.dtype == bool
    assert_array_equal(mask, [[True, True, False], [False, False, False], [True, True, True]])


def test_lengths_to_mask_width_and_empty():
    assert lengths_to_mask([1, 2], n_timesteps=4).shape == (2, 4)
    assert lengths_to_mask([]).shape == (0, 0)


def test_mask_matches_padding(ragged):
    padded, lengths = pad_sequences(ragged, pad_value=np.nan)
    assert_array_equal(lengths_to_mask(lengths), ~np.isnan(padded).any(axis=-1))


# -------------------------------------------------------------------------- long frames


def test_sequences_to_frame_ragged(ragged):
    frame = sequences_to_frame(ragged, feature_names=["a", "b", "c"])
    assert list(frame.index.names) == list(INDEX_NAMES)
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame.shape == (14, 3)
    assert frame.loc[2].shape == (7, 3)
    assert_array_equal(frame.loc[2].index, np.arange(7))
    assert_array_equal(frame.loc[(3, 1)].to_numpy(), ragged[3][1])


def test_sequences_to_frame_padded_with_lengths(ragged):
    padded, lengths = pad_sequences(ragged, pad_value=np.nan)
    frame = sequences_to_frame(padded, lengths=lengths)
    assert frame.shape == (14, 3)
    assert list(frame.columns) == ["x0", "x1", "x2"]
    assert not frame.isna().any().any()
    assert_array_equal(frame.to_numpy(), sequences_to_frame(ragged).to_numpy())


def test_sequences_to_frame_2d_is_univariate():
    frame = sequences_to_frame(np.arange(6.0).reshape(2, 3))
    assert frame.shape == (6, 1)
    assert list(frame.columns) == ["x0"]
    assert_array_equal(frame["x0"].to_numpy(), np.arange(6.0))


def test_sequences_to_frame_empty_keeps_features():
    frame = sequences_to_frame(np.zeros((0, 5, 2)), feature_names=["u", "v"])
    assert frame.shape == (0, 2)
    assert frame_to_sequences(frame) == []


def test_sequences_to_frame_errors():
    with pytest.raises(ValueError, match="2D or 3D"):
        sequences_to_frame(np.zeros((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="2 feature names for 3 features"):
        sequences_to_frame(np.zeros((2, 3, 3)), feature_names=["a", "b"])


def test_frame_round_trip(ragged):
    frame = sequences_to_frame(ragged, feature_names=["a", "b", "c"])
    seqs = frame_to_sequences(frame)
    assert len(seqs) == 4
    for original, restored in zip(ragged, seqs):
        assert_array_equal(original, restored)
    pd.testing.assert_frame_equal(sequences_to_frame(seqs, feature_names=["a", "b", "c"]), frame)


def test_frame_to_sequences_columns_and_series(ragged):
    frame = sequences_to_frame(ragged, feature_names=["a", "b", "c"])
    seqs = frame_to_sequences(frame, columns=["c", "a"])
    assert_array_equal(seqs[2], ragged[2][:, [2, 0]])
    series_seqs = frame_to_sequences(frame["b"])
    assert [s.shape for s in series_seqs] == [(4,), (1,), (7,), (2,)]
    assert_array_equal(series_seqs[0], ragged[0][:, 1])


def test_frame_to_sequences_unsorted_rows():
    # Rows shuffled: samples keep the order of their first row, timesteps are sorted.
    index = pd.MultiIndex.from_tuples(
        [(1, 2), (0, 1), (1, 0), (0, 0), (1, 1)], names=INDEX_NAMES
    )
    frame = pd.DataFrame({"x": [12.0, 1.0, 10.0, 0.0, 11.0]}, index=index)
    seqs = frame_to_sequences(frame)
    assert [s.ravel().tolist() for s in seqs] == [[10.0, 11.0, 12.0], [0.0, 1.0]]


def test_frame_to_sequences_first_appearance_when_first_row_is_a_late_timestep():
    index = pd.MultiIndex.from_tuples(
        [("a", 1), ("b", 0), ("a", 0), ("b", 1), ("b", 2)], names=INDEX_NAMES
    )
    frame = pd.DataFrame({"x": [11, 20, 10, 21, 22]}, index=index)
    seqs = frame_to_sequences(frame)
    assert [s.ravel().tolist() for s in seqs] == [[10, 11], [20, 21, 22]]


def test_frame_to_sequences_string_ids_and_offset_timesteps():
    index = pd.MultiIndex.from_tuples(
        [("zeta", 5), ("zeta", 6), ("alpha", 0), ("alpha", 1), ("alpha", 2)],
        names=["id", "t"],
    )
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": [0.0] * 5}, index=index)
    seqs = frame_to_sequences(frame)
    # "zeta" comes first: order of appearance, not alphabetical.
    assert [s.shape for s in seqs] == [(2, 2), (3, 2)]
    assert_array_equal(seqs[0][:, 0], [1.0, 2.0])
    assert_array_equal(seqs[1][:, 0], [3.0, 4.0, 5.0])
    # Back to a frame: integer sample ids in the same order, timesteps from 0.
    back = sequences_to_frame(seqs, feature_names=["x", "y"])
    assert back.index.get_level_values("sample").unique().tolist() == [0, 1]
    assert back.loc[0].index.tolist() == [0, 1]
    assert_array_equal(back.to_numpy(), frame.to_numpy())


def test_frame_to_sequences_datetime_timesteps():
    times = pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02"])
    index = pd.MultiIndex.from_arrays([["s", "s", "s"], times], names=INDEX_NAMES)
    frame = pd.DataFrame({"x": [3.0, 1.0, 2.0]}, index=index)
    assert_array_equal(frame_to_sequences(frame)[0].ravel(), [1.0, 2.0, 3.0])


def test_frame_to_sequences_errors():
    with pytest.raises(TypeError, match="pandas DataFrame or Series"):
        frame_to_sequences(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="two-level MultiIndex"):
        frame_to_sequences(pd.DataFrame({"x": [1.0, 2.0]}))
    three = pd.MultiIndex.from_tuples([(0, 0, 0)], names=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"got an index with 3 level\(s\)"):
        frame_to_sequences(pd.DataFrame({"x": [1.0]}, index=three))
    missing = pd.MultiIndex.from_arrays([[0.0, np.nan], [0, 0]], names=INDEX_NAMES)
    with pytest.raises(ValueError, match="sample level of the index contains missing"):
        frame_to_sequences(pd.DataFrame({"x": [1.0, 2.0]}, index=missing))


def test_frame_to_sequences_refuses_a_repeated_sample_timestep_pair():
    # Issue 17, defect 14: two rows for ("b", 1) used to become two timesteps of "b".
    index = pd.MultiIndex.from_tuples([("a", 0), ("a", 1), ("b", 0), ("b", 1), ("b", 1)],
                                      names=INDEX_NAMES)
    frame = pd.DataFrame({"x": np.arange(5.0)}, index=index)
    with pytest.raises(ValueError, match=r"repeats the \(sample, timestep\) pair \('b', 1\)"):
        frame_to_sequences(frame)
    with pytest.raises(ValueError, match=r"\('b', 1\)"):
        frame_to_sequences(frame["x"])


def test_estimators_refuse_a_long_frame_with_a_repeated_pair():
    from seqestimators.data import check_sequences

    index = pd.MultiIndex.from_tuples([(0, 0), (0, 1), (0, 0)], names=INDEX_NAMES)
    with pytest.raises(ValueError, match=r"pair \(0, 0\)"):
        check_sequences(pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=index))
