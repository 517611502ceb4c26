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

__all__ = [
    "load_airline",
    "load_basic_motions",
    "load_gunpoint",
    "load_italy_power_demand",
    "load_japanese_vowels",
    "load_osuleaf",
    "load_plaid",
    "load_shampoo_sales",
    "load_tecator",
    "load_uschange",
]

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
    """Read ``<name>_<SPLIT>.ts`` for each split; concatenate train first.

    Returns ``(X, y, split_of_sample, classes)``; ``classes`` is None for a regression file
    (``@targetLabel true``).
    """
    X, y, split_of_sample, classes = [], [], [], None
    for split in splits:
        with _resource(name, f"{name}_{split.upper()}.ts").open("rb") as fh:
            X_part, y_part, meta = read_ts(fh, return_metadata=True)
        X.extend(X_part)
        y.append(y_part)
        split_of_sample.extend([split] * len(X_part))
        if meta.get("class_label"):
            classes = np.asarray(meta["class_labels"])
    return X, np.concatenate(y), np.asarray(split_of_sample), classes


def _load_ts_dataset(name, split, func_name, *, ragged, feature_names, target_names, as_frame,
                     return_X_y):
    """Bunch of a ``.ts`` dataset: ``classes`` (classification), ``lengths`` (ragged), ``split``."""
    splits = _check_split(split, func_name)
    X, y, split_of_sample, classes = _read_ts_splits(name, splits)
    extra = {}
    if classes is not None:
        extra["classes"] = classes
    if ragged:
        extra["lengths"] = np.array([len(x) for x in X], dtype=np.int64)
    else:
        X = np.stack(X)
    return make_dataset_bunch(
        X,
        y,
        feature_names=feature_names,
        target_names=target_names,
        descr=_read_card(name),
        as_frame=as_frame,
        return_X_y=return_X_y,
        **extra,
        split=split_of_sample,
    )


def _check_test_size(test_size, n_pairs, func_name):
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, Integral)
        or not 1 <= test_size <= n_pairs - 1
    ):
        raise ValueError(
            f"The 'test_size' parameter of {func_name} must be an int in the range "
            f"[1, {n_pairs - 1}]. Got {test_size!r} instead."
        )
    return int(test_size)


def _one_step_ahead(raw, *, target, split, test_size, func_name, target_names, descr,
                    as_frame, return_X_y):
    """One sequence of one-step-ahead pairs from a DataFrame of raw values indexed by period.

    The input at timestep ``t`` is row ``t`` of ``raw`` (every column), the target is column
    ``target`` of row ``t + 1``. The split is chronological: the last ``test_size`` targets are
    the test split.
    """
    splits = _check_split(split, func_name)
    values = raw.to_numpy(dtype=np.float64)
    periods = raw.index
    n_pairs = len(values) - 1
    n_train = n_pairs - _check_test_size(test_size, n_pairs, func_name)
    bounds = {"train": (0, n_train), "test": (n_train, n_pairs)}
    start, stop = bounds[splits[0]][0], bounds[splits[-1]][1]
    target_col = raw.columns.get_loc(target)
    X = values[start:stop].reshape(1, stop - start, -1)
    y = values[start + 1 : stop + 1, target_col].reshape(1, -1)
    split_of_step = np.where(np.arange(start, stop) < n_train, "train", "test")
    covered = raw.iloc[start : stop + 1]
    series = covered.iloc[:, 0] if raw.shape[1] == 1 else covered.copy()
    return make_dataset_bunch(
        X,
        y,
        feature_names=list(raw.columns),
        target_names=target_names,
        descr=descr,
        as_frame=as_frame,
        return_X_y=return_X_y,
        dates=periods[start:stop],
        target_dates=periods[start + 1 : stop + 1],
        series=series,
        split=split_of_step,
    )


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
    with _resource("Airline", "Airline.csv").open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"Date": str, "Passengers": np.float64})
    months = pd.PeriodIndex(raw["Date"], freq="M", name="month")
    raw = pd.DataFrame({"passengers": raw["Passengers"].to_numpy(dtype=np.float64)},
                       index=months)
    return _one_step_ahead(
        raw,
        target="passengers",
        split=split,
        test_size=test_size,
        func_name="load_airline",
        target_names=["passengers_next"],
        descr=_read_card("Airline"),
        as_frame=as_frame,
        return_X_y=return_X_y,
    )


def load_gunpoint(*, split=None, return_X_y=False, as_frame=False):
    """Load the GunPoint motion-classification dataset (univariate, length 150).

    Two actors either drew a replica gun from a hip holster, pointed it at a target for about
    a second and put it back (Gun-Draw), or pointed with their index finger (Point). Each
    sequence is the horizontal (X-axis) position of the centroid of the actor's right hand,
    150 video frames, z-normalized per sequence. The task is to tell the two motions apart.
    See the dataset card (``DESCR``) for the source, citation and license.

    =================  ==========================================
    Samples            50 train, 150 test (200 in all)
    Timesteps          150
    Channels           1
    Classes            2 (``"1"``, ``"2"``)
    Class balance      train 24 / 26; test 76 / 74
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and one column, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (n_samples, 150, 1)
            float64, ``n_samples`` = 50, 150 or 200; a DataFrame of shape
            (n_samples * 150, 1) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            The motion as the string stored in the file, ``"1"`` or ``"2"``.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["hand_x"]``.
        target_names : list of str
            ``["motion"]``, the name of the target column.
        classes : ndarray of shape (2,)
            The class labels in the order of the file header.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_gunpoint
    >>> X_train, y_train = load_gunpoint(split="train", return_X_y=True)
    >>> X_test, y_test = load_gunpoint(split="test", return_X_y=True)
    >>> X_train.shape, X_test.shape, y_test.shape, X_train.dtype
    ((50, 150, 1), (150, 150, 1), (150,), dtype('float64'))
    >>> load_gunpoint().classes.tolist(), y_train[:3].tolist()
    (['1', '2'], ['2', '2', '1'])
    """
    return _load_ts_dataset(
        "GunPoint", split, "load_gunpoint", ragged=False, feature_names=["hand_x"],
        target_names=["motion"], as_frame=as_frame, return_X_y=return_X_y,
    )


def load_italy_power_demand(*, split=None, return_X_y=False, as_frame=False):
    """Load the ItalyPowerDemand dataset (24 hourly values of one day, 2 classes).

    Each sequence is the electrical power demand of Italy over the 24 hours of one day,
    z-normalized per sequence. The task is to tell days from October to March from days from
    April to September. The training set is small (67 days), the test set large (1029). See the
    dataset card (``DESCR``) for the source, citation and license.

    =================  ==========================================
    Samples            67 train, 1029 test (1096 in all)
    Timesteps          24
    Channels           1
    Classes            2 (``"1"``, ``"2"``)
    Class balance      train 34 / 33; test 513 / 516
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and one column, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (n_samples, 24, 1)
            float64, ``n_samples`` = 67, 1029 or 1096; a DataFrame of shape
            (n_samples * 24, 1) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            The class as the string stored in the file, ``"1"`` or ``"2"``.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["demand"]``.
        target_names : list of str
            ``["season"]``, the name of the target column.
        classes : ndarray of shape (2,)
            The class labels in the order of the file header.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_italy_power_demand
    >>> X, y = load_italy_power_demand(split="train", return_X_y=True)
    >>> X.shape, y.shape, sorted(set(y.tolist()))
    ((67, 24, 1), (67,), ['1', '2'])
    >>> load_italy_power_demand(split="test").data.shape
    (1029, 24, 1)
    """
    return _load_ts_dataset(
        "ItalyPowerDemand", split, "load_italy_power_demand", ragged=False,
        feature_names=["demand"], target_names=["season"], as_frame=as_frame,
        return_X_y=return_X_y,
    )


def load_osuleaf(*, split=None, return_X_y=False, as_frame=False):
    """Load the OSULeaf leaf-outline dataset (univariate, length 427, 6 classes).

    Each sequence is the one-dimensional outline of a leaf, obtained by colour image
    segmentation and boundary extraction (anti-clockwise) from a digitized image, 427 steps,
    z-normalized per sequence. The task is to tell the species (six Acer and Quercus species).
    See the dataset card (``DESCR``) for the source, citation and license.

    =================  ==========================================
    Samples            200 train, 242 test (442 in all)
    Timesteps          427
    Channels           1
    Classes            6 (``"1"`` ... ``"6"``)
    Class balance      train 15 to 53 per class; test 23 to 55
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and one column, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (n_samples, 427, 1)
            float64, ``n_samples`` = 200, 242 or 442; a DataFrame of shape
            (n_samples * 427, 1) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            The species as the string stored in the file, ``"1"`` to ``"6"``.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["outline"]``.
        target_names : list of str
            ``["species"]``, the name of the target column.
        classes : ndarray of shape (6,)
            The class labels in the order of the file header.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_osuleaf
    >>> bunch = load_osuleaf(split="train")
    >>> bunch.data.shape, bunch.target.shape, bunch.classes.tolist()
    ((200, 427, 1), (200,), ['1', '2', '3', '4', '5', '6'])
    >>> X, y = load_osuleaf(return_X_y=True)
    >>> X.shape, y.shape
    ((442, 427, 1), (442,))
    """
    return _load_ts_dataset(
        "OSULeaf", split, "load_osuleaf", ragged=False, feature_names=["outline"],
        target_names=["species"], as_frame=as_frame, return_X_y=return_X_y,
    )


def load_plaid(*, split=None, return_X_y=False, as_frame=False):
    """Load the PLAID appliance-identification dataset (ragged univariate sequences).

    PLAID (Plug Load Appliance Identification Dataset) holds electrical measurements, sampled
    at 30 kHz, of appliances in households in Pittsburgh; each sequence is a window of one
    appliance's operation, 100 to 1344 steps long. The task is to tell which of 11 appliance
    types it is. The samples are sorted by class in each split. See the dataset card
    (``DESCR``) for the source, citation, license and the names of the classes.

    =================  ==========================================
    Samples            537 train, 537 test (1074 in all)
    Timesteps          100 to 1344 (ragged: one length per sample)
    Channels           1
    Classes            11 (``"0"`` ... ``"10"``)
    Class balance      13 to 88 per class in each split
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and one column, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : list of ndarray of shape (n_timesteps_i, 1)
            One float64 array per sample (537, 537 or 1074 of them); a DataFrame of shape
            (total_timesteps, 1) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            The appliance type as the string stored in the file, ``"0"`` to ``"10"``.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["dim_0"]`` (the archive does not say which measurement the series is).
        target_names : list of str
            ``["appliance"]``, the name of the target column.
        classes : ndarray of shape (11,)
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
    >>> from seqestimators.datasets import load_plaid
    >>> bunch = load_plaid(split="train")
    >>> len(bunch.data), bunch.data[0].shape, bunch.target.shape
    (537, (500, 1), (537,))
    >>> int(bunch.lengths.min()), int(bunch.lengths.max()), len(bunch.classes)
    (100, 1344, 11)
    >>> X, y = load_plaid(return_X_y=True)
    >>> len(X), y.shape
    (1074, (1074,))
    """
    return _load_ts_dataset(
        "PLAID", split, "load_plaid", ragged=True, feature_names=["dim_0"],
        target_names=["appliance"], as_frame=as_frame, return_X_y=return_X_y,
    )


def load_tecator(*, split=None, return_X_y=False, as_frame=False):
    """Load the Tecator meat-spectra regression dataset (fat content from 100 absorbances).

    Each sample is the near-infrared absorbance spectrum of a finely chopped meat sample,
    100 channels from 850 to 1050 nm, read as a univariate sequence over wavelength (not time);
    the target is the fat content (percent) measured by chemical analysis. One real target per
    sequence. See the dataset card (``DESCR``) for the source, citation and the permission
    note of the data's owner.

    =================  ==========================================
    Samples            172 train, 43 test (215 in all)
    Timesteps          100 (wavelength channels)
    Channels           1
    Target             fat content, 0.9 to 49.1
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and one column, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (n_samples, 100, 1)
            float64 absorbances, ``n_samples`` = 172, 43 or 215; a DataFrame of shape
            (n_samples * 100, 1) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            float64, the fat content of each sample.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["absorbance"]``.
        target_names : list of str
            ``["fat"]``.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_tecator
    >>> X_train, y_train = load_tecator(split="train", return_X_y=True)
    >>> X_test, y_test = load_tecator(split="test", return_X_y=True)
    >>> X_train.shape, y_train.shape, X_test.shape, y_test.dtype
    ((172, 100, 1), (172,), (43, 100, 1), dtype('float64'))
    >>> y_train[:3].tolist()
    [22.5, 40.1, 8.4]
    """
    return _load_ts_dataset(
        "Tecator", split, "load_tecator", ragged=False, feature_names=["absorbance"],
        target_names=["fat"], as_frame=as_frame, return_X_y=return_X_y,
    )


def load_shampoo_sales(*, split=None, test_size=12, return_X_y=False, as_frame=False):
    """Load the monthly shampoo sales series (36 months, Makridakis et al.).

    Monthly sales of shampoo over three years, laid out like :func:`load_airline` for
    one-step-ahead forecasting as **one sequence**: the input at timestep ``t`` is month
    ``t``, the target month ``t + 1``, so the 36 months give 35 input/target pairs. The split
    is chronological: the test targets are the last ``test_size`` months (by default the
    third year), the training targets the months before. See the dataset card (``DESCR``).

    ===========  ===============  ============  ============================
    split        data             target        target months (test_size=12)
    ===========  ===============  ============  ============================
    ``"train"``  (1, 23, 1)       (1, 23)       1991-02 to 1992-12
    ``"test"``   (1, 12, 1)       (1, 12)       1993-01 to 1993-12
    None         (1, 35, 1)       (1, 35)       1991-02 to 1993-12
    ===========  ===============  ============  ============================

    The years 1991 to 1993 are the labels of the shipped file; the original series only
    numbers its years 1 to 3.

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part to load; None loads the whole series (train followed by test in time).
    test_size : int, default=12
        Number of months whose values are test targets, from 1 to 34.
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
            Sales in the input months, float64; ``n_timesteps`` is ``35 - test_size``
            (train), ``test_size`` (test) or 35 (None).
        target : ndarray of shape (1, n_timesteps)
            Sales in the following months.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["sales"]``.
        target_names : list of str
            ``["sales_next"]``.
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
    >>> from seqestimators.datasets import load_shampoo_sales
    >>> bunch = load_shampoo_sales()
    >>> bunch.data.shape, bunch.target.shape, len(bunch.series)
    ((1, 35, 1), (1, 35), 36)
    >>> bunch.series.index[:2].tolist(), bunch.series.iloc[:2].tolist()
    ([Period('1991-01', 'M'), Period('1991-02', 'M')], [266.0, 145.9])
    >>> X_train, y_train = load_shampoo_sales(split="train", return_X_y=True)
    >>> X_test, y_test = load_shampoo_sales(split="test", return_X_y=True)
    >>> X_train.shape, X_test.shape, y_test.shape
    ((1, 23, 1), (1, 12, 1), (1, 12))
    """
    with _resource("ShampooSales", "ShampooSales.csv").open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"Time": str, "Sales": np.float64})
    months = pd.PeriodIndex(raw["Time"], freq="M", name="month")
    raw = pd.DataFrame({"sales": raw["Sales"].to_numpy(dtype=np.float64)}, index=months)
    return _one_step_ahead(
        raw,
        target="sales",
        split=split,
        test_size=test_size,
        func_name="load_shampoo_sales",
        target_names=["sales_next"],
        descr=_read_card("ShampooSales"),
        as_frame=as_frame,
        return_X_y=return_X_y,
    )


_USCHANGE_COLUMNS = ["Consumption", "Income", "Production", "Savings", "Unemployment"]


def load_uschange(*, split=None, test_size=8, return_X_y=False, as_frame=False):
    """Load the quarterly US consumption and income changes (1970 Q1 to 2016 Q3).

    Five quarterly US series, 187 quarters: the percentage changes of personal consumption
    expenditure, personal disposable income, industrial production and personal savings, and
    the change of the unemployment rate. Consumption is the target; the other four are
    exogenous. Laid out like :func:`load_airline` as **one sequence** for one-step-ahead
    forecasting: the input at timestep ``t`` holds the five values of quarter ``t``
    (consumption first), the target is the consumption of quarter ``t + 1``; 187 quarters give
    186 pairs. Feature 0 is the previous target, so :class:`~seqestimators.RNNForecaster`
    feeds its prediction back there (``feedback=0``) and reads the four others as exogenous.
    The split is chronological: the test targets are the last ``test_size`` quarters. See the
    dataset card (``DESCR``).

    ===========  ===============  ============  ==============================
    split        data             target        target quarters (test_size=8)
    ===========  ===============  ============  ==============================
    ``"train"``  (1, 178, 5)      (1, 178)      1970Q2 to 2014Q3
    ``"test"``   (1, 8, 5)        (1, 8)        2014Q4 to 2016Q3
    None         (1, 186, 5)      (1, 186)      1970Q2 to 2016Q3
    ===========  ===============  ============  ==============================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part to load; None loads the whole series (train followed by test in time).
    test_size : int, default=8
        Number of quarters whose consumption values are test targets, from 1 to 185.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and five columns, ``target`` a Series with the same index, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (1, n_timesteps, 5)
            The five series in the input quarters, float64; ``n_timesteps`` is
            ``186 - test_size`` (train), ``test_size`` (test) or 186 (None).
        target : ndarray of shape (1, n_timesteps)
            Consumption in the following quarters.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["consumption", "income", "production", "savings", "unemployment"]``.
        target_names : list of str
            ``["consumption_next"]``.
        dates : pandas.PeriodIndex of length n_timesteps
            The quarter of each input row.
        target_dates : pandas.PeriodIndex of length n_timesteps
            The quarter of each target value.
        series : pandas.DataFrame of shape (n_timesteps + 1, 5)
            The raw quarterly values covered by the split, indexed by quarter, one column per
            feature.
        split : ndarray of shape (n_timesteps,)
            ``"train"`` or ``"test"`` for each timestep.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_uschange
    >>> bunch = load_uschange()
    >>> bunch.data.shape, bunch.target.shape, bunch.series.shape
    ((1, 186, 5), (1, 186), (187, 5))
    >>> str(bunch.series.index[0]), str(bunch.series.index[-1]), bunch.feature_names[0]
    ('1970Q1', '2016Q3', 'consumption')
    >>> X_train, y_train = load_uschange(split="train", return_X_y=True)
    >>> X_test, y_test = load_uschange(split="test", return_X_y=True)
    >>> X_train.shape, X_test.shape, y_test.shape
    ((1, 178, 5), (1, 8, 5), (1, 8))
    """
    with _resource("Uschange", "Uschange.csv").open("rb") as fh:
        raw = pd.read_csv(fh, index_col=0, dtype={"Quarter": str})
    quarters = pd.PeriodIndex(raw["Quarter"].str.replace(" ", "", regex=False), freq="Q",
                              name="quarter")
    raw = pd.DataFrame(
        {name.lower(): raw[name].to_numpy(dtype=np.float64) for name in _USCHANGE_COLUMNS},
        index=quarters,
    )
    return _one_step_ahead(
        raw,
        target="consumption",
        split=split,
        test_size=test_size,
        func_name="load_uschange",
        target_names=["consumption_next"],
        descr=_read_card("Uschange"),
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
