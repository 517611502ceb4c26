"""Multivariate classification sets of the UEA archive: JapaneseVowels, BasicMotions."""

from __future__ import annotations

import numpy as np

from ..bunch import make_dataset_bunch
from ._archive import read_ts_splits
from ._files import check_split, read_card

__all__ = ["load_basic_motions", "load_japanese_vowels"]


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
    splits = check_split(split, "load_japanese_vowels")
    X, y, split_of_sample, classes = read_ts_splits("JapaneseVowels", splits)
    return make_dataset_bunch(
        X,
        y,
        feature_names=[f"lpcc_{j}" for j in range(1, 13)],
        target_names=["speaker"],
        descr=read_card("JapaneseVowels"),
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
    splits = check_split(split, "load_basic_motions")
    X, y, split_of_sample, classes = read_ts_splits("BasicMotions", splits)
    return make_dataset_bunch(
        np.stack(X),
        y,
        feature_names=[f"dim_{j}" for j in range(6)],
        target_names=["activity"],
        descr=read_card("BasicMotions"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        classes=classes,
        split=split_of_sample,
    )
