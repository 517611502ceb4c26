"""Loaders of the small real sequence datasets shipped with the package.

The data files and their cards live in the repository's top-level ``datasets/`` folder, which the
wheel ships as ``seqestimators/_data/``.
"""

from __future__ import annotations

import importlib.resources
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd

from ._base import make_dataset_bunch
from ._ts_format import read_ts

__all__ = ["load_airline", "load_basic_motions", "load_japanese_vowels"]

_SPLITS = ("train", "test")


def _data_dir():
    """Folder holding the dataset files.

    An installed wheel has them in ``seqestimators/_data``; an editable install or a source
    checkout reads the repository's top-level ``datasets/`` folder.

    Returns
    -------
    folder : importlib.resources.abc.Traversable or pathlib.Path
    """
    try:
        packaged = importlib.resources.files("seqestimators") / "_data"
        if packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError, OSError):  # pragma: no cover - exotic loaders
        pass
    source_tree = Path(__file__).resolve().parents[2] / "datasets"
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(
        "The seqestimators dataset files were not found: neither the installed package data "
        "'seqestimators/_data' nor the source tree's 'datasets/' folder exists. Reinstall "
        "seqestimators."
    )


def _resource(*parts):
    path = _data_dir()
    for part in parts:
        path = path / part
    return path


def _read_card(name):
    return _resource(name, "README.md").read_text(encoding="utf-8")


def _check_split(split, func_name):
    """Return the tuple of splits to load, in order."""
    if split is None:
        return _SPLITS
    if isinstance(split, str) and split in _SPLITS:
        return (split,)
    raise ValueError(
        f"The 'split' parameter of {func_name} must be a str among {{'train', 'test'}} or None. "
        f"Got {split!r} instead."
    )


def _read_ts_splits(name, splits):
    """Read ``<name>_<SPLIT>.ts`` for each split; concatenate train first."""
    X, y, split_of_sample, classes = [], [], [], None
    for split in splits:
        with _resource(name, f"{name}_{split.upper()}.ts").open("rb") as fh:
            X_part, y_part, meta = read_ts(fh, return_metadata=True)
        X.extend(X_part)
        y.append(y_part)
        split_of_sample.extend([split] * len(X_part))
        classes = meta["class_labels"]
    return X, np.concatenate(y), np.asarray(split_of_sample), np.asarray(classes)


def load_japanese_vowels(*, split=None, return_X_y=False, as_frame=False):
    """Load the JapaneseVowels speaker-identification dataset (ragged sequences).

    Nine male speakers uttered the Japanese vowels /ae/; each utterance is a sequence of 12 LPC
    cepstrum coefficients, 7 to 29 frames long. The task is to predict the speaker. The samples
    are sorted by class in each split. See the dataset card (``DESCR``) for the source, citation
    and license.

    =================  ==========================================
    Samples            270 train, 370 test (640 in all)
    Timesteps          7 to 29 (ragged: one length per sample)
    Channels           12
    Classes            9 (``"1"`` ... ``"9"``)
    Class balance      train 30 each; test 24 to 88 per class
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and 12 columns, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : list of ndarray of shape (n_timesteps_i, 12)
            One float64 array per sample (270, 370 or 640 of them); a DataFrame of shape
            (total_timesteps, 12) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            The speaker as the string stored in the file, ``"1"`` to ``"9"``.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["lpcc_1", ..., "lpcc_12"]``.
        target_names : list of str
            ``["speaker"]``, the name of the target column.
        classes : ndarray of shape (9,)
            The class labels in the order of the file header.
        lengths : ndarray of shape (n_samples,)
            The number of timesteps of each sample.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_japanese_vowels
    >>> bunch = load_japanese_vowels(split="train")
    >>> len(bunch.data), bunch.data[0].shape, bunch.target.shape
    (270, (20, 12), (270,))
    >>> int(bunch.lengths.min()), int(bunch.lengths.max()), bunch.classes.tolist()
    (7, 26, ['1', '2', '3', '4', '5', '6', '7', '8', '9'])
    >>> X, y = load_japanese_vowels(return_X_y=True)
    >>> len(X), sorted({x.shape[1] for x in X}), y[:2].tolist()
    (640, [12], ['1', '1'])
    """
    splits = _check_split(split, "load_japanese_vowels")
    X, y, split_of_sample, classes = _read_ts_splits("JapaneseVowels", splits)
    return make_dataset_bunch(
        X,
        y,
        feature_names=[f"lpcc_{j}" for j in range(1, 13)],
        target_names=["speaker"],
        descr=_read_card("JapaneseVowels"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        classes=classes,
        lengths=np.array([len(x) for x in X], dtype=np.int64),
        split=split_of_sample,
    )


def load_basic_motions(*, split=None, return_X_y=False, as_frame=False):
    """Load the BasicMotions activity-recognition dataset (smart-watch sensors).

    Four students performed four activities while wearing a smart watch that recorded a 3D
    accelerometer and a 3D gyroscope, 100 timesteps (10 s) per recording. The task is to predict
    the activity. The samples are sorted by class in each split. See the dataset card
    (``DESCR``) for the source, citation and license.

    =================  ==========================================
    Samples            40 train, 40 test (80 in all)
    Timesteps          100
    Channels           6
    Classes            4 (Standing, Running, Walking, Badminton)
    Class balance      10 per class in each split
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and 6 columns, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (n_samples, 100, 6)
            float64, ``n_samples`` = 40, 40 or 80; a DataFrame of shape (n_samples * 100, 6)
            when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            The activity as the string stored in the file.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["dim_0", ..., "dim_5"]`` (the archive does not document the channel order).
        target_names : list of str
            ``["activity"]``, the name of the target column.
        classes : ndarray of shape (4,)
            The class labels in the order of the file header.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_basic_motions
    >>> X, y = load_basic_motions(split="test", return_X_y=True)
    >>> X.shape, y.shape, X.dtype
    ((40, 100, 6), (40,), dtype('float64'))
    >>> bunch = load_basic_motions()
    >>> bunch.data.shape, bunch.classes.tolist()
    ((80, 100, 6), ['Standing', 'Running', 'Walking', 'Badminton'])
    """
    splits = _check_split(split, "load_basic_motions")
    X, y, split_of_sample, classes = _read_ts_splits("BasicMotions", splits)
    return make_dataset_bunch(
        np.stack(X),
        y,
        feature_names=[f"dim_{j}" for j in range(6)],
        target_names=["activity"],
        descr=_read_card("BasicMotions"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        classes=classes,
        split=split_of_sample,
    )


def load_airline(*, split=None, test_size=24, return_X_y=False, as_frame=False):
    """Load the monthly airline passengers series (Box & Jenkins, 1949-1960).

    The 144 monthly totals (thousands of passengers) are laid out for one-step-ahead
    forecasting as **one sequence**: the input at timestep ``t`` is month ``t``, the target
    month ``t + 1``, so the whole series gives 143 input/target pairs. The split is
    chronological: the test targets are the last ``test_size`` months (by default 1959-01 to
    1960-12), the training targets the months before. See the dataset card (``DESCR``).

    ===========  ===============  ============  ============================
    split        data             target        target months (test_size=24)
    ===========  ===============  ============  ============================
    ``"train"``  (1, 119, 1)      (1, 119)      1949-02 to 1958-12
    ``"test"``   (1, 24, 1)       (1, 24)       1959-01 to 1960-12
    None         (1, 143, 1)      (1, 143)      1949-02 to 1960-12
    ===========  ===============  ============  ============================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part to load; None loads the whole series (train followed by test in time).
    test_size : int, default=24
        Number of months whose values are test targets, from 1 to 142.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)``, ``target`` a Series with the same index, and ``frame`` joins
        the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (1, n_timesteps, 1)
            Passengers in the input months, float64; ``n_timesteps`` is ``143 - test_size``
            (train), ``test_size`` (test) or 143 (None).
        target : ndarray of shape (1, n_timesteps)
            Passengers in the following months.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["passengers"]``.
        target_names : list of str
            ``["passengers_next"]``.
        dates : pandas.PeriodIndex of length n_timesteps
            The month of each input value.
        target_dates : pandas.PeriodIndex of length n_timesteps
            The month of each target value.
        series : pandas.Series of length n_timesteps + 1
            The raw monthly values covered by the split, indexed by month.
        split : ndarray of shape (n_timesteps,)
            ``"train"`` or ``"test"`` for each timestep.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_airline
    >>> bunch = load_airline()
    >>> bunch.data.shape, bunch.target.shape, len(bunch.series)
    ((1, 143, 1), (1, 143), 144)
    >>> bunch.data[0, :3, 0].tolist(), bunch.target[0, :3].tolist()
    ([112.0, 118.0, 132.0], [118.0, 132.0, 129.0])
    >>> X_train, y_train = load_airline(split="train", return_X_y=True)
    >>> X_test, y_test = load_airline(split="test", return_X_y=True)
    >>> X_train.shape, X_test.shape, y_test.shape
    ((1, 119, 1), (1, 24, 1), (1, 24))
    """
    splits = _check_split(split, "load_airline")
    with _resource("Airline", "Airline.csv").open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"Date": str, "Passengers": np.float64})
    months = pd.PeriodIndex(raw["Date"], freq="M", name="month")
    values = raw["Passengers"].to_numpy(dtype=np.float64)
    n_pairs = len(values) - 1
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, Integral)
        or not 1 <= test_size <= n_pairs - 1
    ):
        raise ValueError(
            f"The 'test_size' parameter of load_airline must be an int in the range "
            f"[1, {n_pairs - 1}]. Got {test_size!r} instead."
        )
    n_train = n_pairs - int(test_size)
    bounds = {"train": (0, n_train), "test": (n_train, n_pairs)}
    start, stop = bounds[splits[0]][0], bounds[splits[-1]][1]
    X = values[start:stop].reshape(1, -1, 1)
    y = values[start + 1 : stop + 1].reshape(1, -1)
    split_of_step = np.where(np.arange(start, stop) < n_train, "train", "test")
    return make_dataset_bunch(
        X,
        y,
        feature_names=["passengers"],
        target_names=["passengers_next"],
        descr=_read_card("Airline"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        dates=months[start:stop],
        target_dates=months[start + 1 : stop + 1],
        series=pd.Series(values[start : stop + 1], index=months[start : stop + 1],
                         name="passengers"),
        split=split_of_step,
    )
