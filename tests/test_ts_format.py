"""Tests of the .ts reader (UEA & UCR archive format)."""

import io
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from seqestimators.datasets import read_ts, read_tsf


def write(tmp_path, text, name="case.ts"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


UNIVARIATE = """
    #A comment line
    # another comment

    @problemName Toy
    @timeStamps false
    @missing false
    @univariate true
    @equalLength true
    @seriesLength 4
    @classLabel true yes no
    @data
    1.0,2.0,3.0,4.0:yes

    -1,0.5,1e-3,-2.5E2:no
    """


def test_univariate(tmp_path):
    X, y = read_ts(write(tmp_path, UNIVARIATE))
    assert isinstance(X, list) and len(X) == 2
    assert [x.shape for x in X] == [(4, 1), (4, 1)]
    assert all(x.dtype == np.float64 for x in X)
    assert_array_equal(X[1][:, 0], [-1.0, 0.5, 0.001, -250.0])
    assert y.tolist() == ["yes", "no"]
    assert y.dtype.kind == "U"


def test_metadata(tmp_path):
    _, _, meta = read_ts(write(tmp_path, UNIVARIATE), return_metadata=True)
    assert meta == {
        "problem_name": "Toy",
        "timestamps": False,
        "missing": False,
        "univariate": True,
        "equal_length": True,
        "series_length": 4,
        "class_label": True,
        "class_labels": ["yes", "no"],
        "n_cases": 2,
        "n_channels": 1,
        "data_line": 11,
    }


def test_multivariate_unequal_lengths(tmp_path):
    text = """
        @problemName Multi
        @univariate false
        @dimensions 3
        @equalLength false
        @classLabel true 1 2 10
        @data
        1,2,3:4,5,6:7,8,9:10
        1,2:3,4:5,6:1
        0.5:1.5:2.5:2
        """
    X, y = read_ts(write(tmp_path, text))
    assert [x.shape for x in X] == [(3, 3), (2, 3), (1, 3)]
    assert_array_equal(X[0], [[1, 4, 7], [2, 5, 8], [3, 6, 9]])
    assert_array_equal(X[2], [[0.5, 1.5, 2.5]])
    # Labels stay the strings of the file ("10", not 10 and not sorted).
    assert y.tolist() == ["10", "1", "2"]


def test_missing_values(tmp_path):
    text = """
        @problemName Gaps
        @missing true
        @univariate false
        @dimensions 2
        @classLabel true a b
        @data
        1,?,3:?,5,6:a
        ?:NaN:b
        """
    X, y = read_ts(write(tmp_path, text))
    assert_array_equal(np.isnan(X[0]), [[False, True], [True, False], [False, False]])
    assert X[0][2, 1] == 6.0
    assert np.isnan(X[1]).all()
    assert y.tolist() == ["a", "b"]


def test_case_insensitive_tags_whitespace_and_crlf(tmp_path):
    text = (
        "@PROBLEMNAME  Shout\r\n"
        "@TimeStamps FALSE\r\n"
        "@UNIVARIATE False\r\n"
        "@Dimensions\t2\r\n"
        "@CLASSLABEL True x y\r\n"
        "\r\n"
        "@DATA\r\n"
        "  1, 2 :3,4:x  \r\n"
        "5,6:7,8:y\r\n"
    )
    path = tmp_path / "crlf.ts"
    path.write_bytes(text.encode())
    X, y, meta = read_ts(path, return_metadata=True)
    assert_array_equal(X[0], [[1, 3], [2, 4]])
    assert y.tolist() == ["x", "y"]
    assert meta["problem_name"] == "Shout"
    assert meta["dimensions"] == 2 and meta["class_labels"] == ["x", "y"]


def test_no_labels_and_dimensions_from_first_case(tmp_path):
    text = """
        @problemName NoLabels
        @univariate false
        @classLabel false
        @data
        1,2:3,4:5,6
        7:8:9
        """
    X, y, meta = read_ts(write(tmp_path, text), return_metadata=True)
    assert y is None
    assert [x.shape for x in X] == [(2, 3), (1, 3)]
    assert meta["n_channels"] == 3 and meta["class_labels"] == []


def test_regression_target(tmp_path):
    text = """
        @problemName Reg
        @univariate true
        @targetLabel true
        @data
        1,2,3:0.25
        4,5:-1e2
        """
    X, y = read_ts(write(tmp_path, text))
    assert y.dtype == np.float64
    assert_array_equal(y, [0.25, -100.0])
    assert [x.shape for x in X] == [(3, 1), (2, 1)]


def test_unknown_tags_are_kept(tmp_path):
    text = """
        @problemName Extra
        @univariate true
        @newTag some value
        @classLabel true a
        @data
        1,2:a
        """
    _, _, meta = read_ts(write(tmp_path, text), return_metadata=True)
    assert meta["extra_tags"] == {"newTag": "some value"}


def test_file_objects_text_and_binary():
    text = "@univariate true\n@classLabel true a b\n@data\n1,2,3:a\n4:b\n"
    X, y = read_ts(io.StringIO(text))
    assert [x.shape for x in X] == [(3, 1), (1, 1)]
    binary = io.BytesIO(("\ufeff" + text).encode("utf-8"))  # with a byte-order mark
    X_bin, y_bin = read_ts(binary)
    assert y_bin.tolist() == y.tolist()
    assert not binary.closed  # the caller's file stays usable


def test_bad_argument_type():
    with pytest.raises(TypeError, match="path or a file object"):
        read_ts(42)


# ---------------------------------------------------------------------- malformed files

HEADER = """\
@problemName Bad
@univariate false
@dimensions 2
@classLabel true a b
@data
"""  # @data is line 5, so the first case is line 6


@pytest.mark.parametrize(
    "body, message",
    [
        ("1,2:3,4:a\n1,2:a\n", "line 7: expected 2 dimensions, got 1"),
        ("1,2:3,4:a\n1:2:3:b\n", "line 7: expected 2 dimensions, got 3"),
        ("1,2:3,4:c\n", r"line 6: class label 'c' is not in the @classLabel list \['a', 'b'\]"),
        ("1,2:3,x:a\n", "line 6: value 'x' at position 2 of dimension 2 is not a number"),
        ("1,2,3:3,4:a\n", r"line 6: the dimensions of a case must have equal lengths, got "
                          r"lengths \[3, 2\]"),
        ("1,,3:3,4,5:a\n", "line 6: empty value at position 2 of dimension 1"),
        ("1,2::a\n", "line 6: dimension 2 is empty"),
        ("1,2:3,4:\n", "line 6: empty label"),
        ("1,2\n", "line 6: expected dimensions followed by ':label'"),
        ("1,2:3,4:a\n@missing true\n", "line 7: header tag @missing after @data"),
        ("(0,1),(1,2):(0,3),(1,4):a\n", r"line 6: time-stamped values '\(t, v\)' are not "
                                        "supported"),
        ("", "line 5: no cases after @data"),
        ("\n# only a comment\n\n", "line 5: no cases after @data"),
    ],
)
def test_malformed_data_lines(tmp_path, body, message):
    path = tmp_path / "bad.ts"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_ts(path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("@problemName X\n1,2:a\n@data\n", "line 2: data before @data"),
        ("1,2:a\n", "line 1: data before @data"),
        ("@problemName X\n@classLabel true a\n", "the file has no @data line"),
        ("@univariate maybe\n@data\n1:a\n", "line 1: @univariate expects 'true' or 'false', "
                                           "got 'maybe'"),
        ("@dimensions two\n@data\n", "line 1: @dimensions expects a positive integer, got 'two'"),
        ("@dimensions 0\n@data\n", "line 1: @dimensions expects a positive integer, got 0"),
        ("@seriesLength -3\n@data\n", "line 1: @seriesLength expects a positive integer"),
        ("@classLabel true\n@data\n", "line 1: @classLabel true must list the class labels"),
        ("@classLabel false a b\n@data\n", "line 1: @classLabel false must not list"),
        ("@classLabel\n@data\n", "line 1: @classLabel expects 'true' followed by the labels"),
        ("@classLabel true a b a\n@data\n", r"line 1: @classLabel lists duplicate labels \['a'\]"),
        ("@problemName\n@data\n", "line 1: @problemName needs a value"),
        ("@missing true\n#c\n@MISSING false\n@data\n", r"line 3: duplicate tag @MISSING "
                                                      r"\(first given on line 1\)"),
        ("@data extra\n", "line 1: unexpected text after @data"),
        ("@timeStamps true\n@data\n(0,1):a\n", "line 2: time-stamped .ts files"),
        ("@univariate true\n@dimensions 3\n@data\n", "line 3: the header says @univariate true "
                                                    "but @dimensions 3"),
        ("@classLabel true a\n@targetLabel true\n@data\n", "line 3: a file cannot have both"),
        ("@targetLabel true\n@univariate true\n@data\n1,2:high\n", "line 4: target 'high' is "
                                                                   "not a number"),
        ("@univariate true\n@classLabel true a\n@data\n1,2:a\n1,2:3,4:a\n",
         "line 5: expected 1 dimensions, got 2"),
        ("@univariate false\n@classLabel true a\n@data\n1,2:3,4:a\n\n1,2:a\n",
         "line 6: expected 2 dimensions, got 1"),
        ("@univariate true\n@equalLength true\n@seriesLength 3\n@classLabel true a\n@data\n"
         "1,2,3:a\n1,2:a\n", r"line 7: @equalLength true but the series has 2 timesteps, not 3 "
                             r"\(@seriesLength\)"),
        ("@univariate true\n@equalLength true\n@classLabel true a\n@data\n1,2,3:a\n#\n1,2:a\n",
         "line 7: @equalLength true but the series has 2 timesteps, not 3"),
    ],
)
def test_malformed_headers(tmp_path, text, message):
    path = tmp_path / "bad.ts"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_ts(path)


def test_twelve_dimension_message(tmp_path):
    values = ":".join(["1,2"] * 11)
    text = "@dimensions 12\n@classLabel true 1\n@data\n" + "\n" * 38 + values + ":1\n"
    path = tmp_path / "short.ts"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="^line 42: expected 12 dimensions, got 11.$"):
        read_ts(path)


def test_shipped_archive_files_parse():
    from seqestimators.datasets.loaders._files import resource

    with resource("JapaneseVowels", "JapaneseVowels_TRAIN.ts").open("rb") as fh:
        X, y, meta = read_ts(fh, return_metadata=True)
    assert meta["problem_name"] == "JapaneseVowels"
    assert meta["dimensions"] == 12 and meta["equal_length"] is False
    assert meta["class_labels"] == [str(k) for k in range(1, 10)]
    assert meta["data_line"] == 15 and meta["n_cases"] == len(X) == len(y) == 270


# ------------------------------------------------------------------ .tsf (Monash forecasting)

TSF = """
    # Dataset Information
    @relation Toy
    @attribute series_name string
    @attribute start_timestamp date
    @attribute weight numeric
    @frequency yearly
    @horizon 2
    @missing true
    @equallength false
    @data
    A:1990-01-01 00-00-00:1.5:1,2,3,4
    B:1995-01-01 00-00-00:2:5,?,7
"""


def test_tsf_parses_series_attributes_and_header(tmp_path):
    path = write(tmp_path, TSF, "toy.tsf")
    series, attributes, meta = read_tsf(path, return_metadata=True)
    assert [s.tolist() for s in series[:1]] == [[1.0, 2.0, 3.0, 4.0]]
    assert series[1][0] == 5.0 and np.isnan(series[1][1]) and series[1][2] == 7.0
    assert all(s.dtype == np.float64 for s in series)
    assert list(attributes.columns) == ["series_name", "start_timestamp", "weight"]
    assert attributes["series_name"].tolist() == ["A", "B"]
    assert attributes["start_timestamp"].dt.year.tolist() == [1990, 1995]
    assert attributes["weight"].tolist() == [1.5, 2.0]
    assert meta == {
        "relation": "Toy", "frequency": "yearly", "horizon": 2, "missing": True,
        "equal_length": False, "n_series": 2, "data_line": 10,
        "attributes": [("series_name", "string"), ("start_timestamp", "date"),
                       ("weight", "numeric")],
    }
    # A binary file object gives the same result and stays open.
    with open(path, "rb") as fh:
        again, _ = read_tsf(fh)
        assert not fh.closed
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(series, again))
    assert len(read_tsf(io.StringIO(textwrap.dedent(TSF)))) == 2


@pytest.mark.parametrize(
    "edit, message",
    [
        (("@missing true", "@missing false"), r"^line 12: '\?' in a file whose header says"),
        (("weight numeric", "weight float"), r"^line 5: @attribute expects a name and a type"),
        (("@horizon 2", "@horizon two"), r"^line 7: @horizon expects a positive integer"),
        (("@frequency yearly", "@period yearly"), r"^line 6: unknown tag @period\.$"),
        (("A:1990-01-01 00-00-00:1.5:", "A:1990-01-01:1.5:"),
         r"^line 11: attribute 'start_timestamp' expects a date"),
        (("B:1995-01-01 00-00-00:2:", "B:1995-01-01 00-00-00:x:"),
         r"^line 12: attribute 'weight' expects a number, got 'x'\.$"),
        (("5,?,7", "5,six,7"), r"^line 12: value 'six' at position 2 is not a number\.$"),
        (("B:1995-01-01 00-00-00:2:5,?,7", "B"),
         r"^line 12: expected 3 attribute values before the series, got 0\.$"),
        (("@relation Toy", "1,2,3"), r"^line 2: data before @data"),
        (("@data", "@nodata"), r"unknown tag @nodata"),
    ],
)
def test_tsf_errors_name_the_line(tmp_path, edit, message):
    path = write(tmp_path, TSF.replace(*edit), "bad.tsf")
    with pytest.raises(ValueError, match=message):
        read_tsf(path)


def test_tsf_without_data_or_series(tmp_path):
    with pytest.raises(ValueError, match="the file has no @data line"):
        read_tsf(io.StringIO("@relation x\n@attribute series_name string\n"))
    with pytest.raises(ValueError, match="^line 2: no series after @data"):
        read_tsf(io.StringIO("@attribute series_name string\n@data\n\n"))
    with pytest.raises(TypeError, match="read_tsf expects a path or a file object"):
        read_tsf(42)


def test_shipped_tsf_file_parses():
    from seqestimators.datasets.loaders._files import resource

    with resource("M1Yearly", "m1_yearly_dataset.tsf").open("rb") as fh:
        series, attributes, meta = read_tsf(fh, return_metadata=True)
    assert meta["relation"] == "M1" and meta["frequency"] == "yearly" and meta["horizon"] == 6
    assert meta["n_series"] == len(series) == len(attributes) == 181
    assert meta["missing"] is False and meta["equal_length"] is False
    assert sorted({len(s) for s in series})[:1] == [15] and max(len(s) for s in series) == 58
