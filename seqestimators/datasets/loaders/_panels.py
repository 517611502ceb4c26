"""Panels of many short series for forecasting: the M1 competition's yearly series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..bunch import make_dataset_bunch
from ._files import check_split, read_card, resource
from ._forecasting import _check_test_size
from ._tsf_format import read_tsf

__all__ = ["load_m1_yearly"]


def _yearly_series(values, start):
    index = pd.period_range(start=str(start.year), periods=len(values), freq="Y", name="year")
    # One name for every series (the feature's), so that a forecaster fits the panel as one
    # target column; the series' own names are the Bunch's ``series_names``.
    return pd.Series(values, index=index, name="value")


def load_m1_yearly(*, split=None, test_size=6, return_X_y=False, as_frame=False):
    """Load the 181 yearly series of the M1 forecasting competition (a panel, 15 to 58 years).

    The series come from seven domains (macro- and micro-economics, industry, demographics)
    of the M1 competition (Makridakis et al., 1982), as distributed by the Monash forecasting
    archive. Each series is laid out for one-step-ahead forecasting as **one sequence**: the
    input at timestep ``t`` is year ``t``, the target year ``t + 1``, so a series of ``n``
    years gives ``n - 1`` input/target pairs. The split is chronological within every series:
    the test targets are its last ``test_size`` years (6 by default, the competition's
    horizon), the training targets the years before. See the dataset card (``DESCR``).

    ===========  ==========================================================================
    split        data (ragged, one sequence per series), test_size=6
    ===========  ==========================================================================
    ``"train"``  181 sequences of 8 to 51 steps (``n - 7``), 1 channel
    ``"test"``   181 sequences of 6 steps, 1 channel
    None         181 sequences of 14 to 57 steps (``n - 1``), 1 channel
    ===========  ==========================================================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part to load; None loads every pair (train followed by test in time).
    test_size : int, default=6
        Number of years at the end of every series whose values are test targets, from 1 to
        13 (the shortest series has 15 years).
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

        data : list of 181 ndarray of shape (n_timesteps_i, 1)
            float64 values of the input years.
        target : list of 181 ndarray of shape (n_timesteps_i,)
            float64 values of the following years.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["value"]``.
        target_names : list of str
            ``["value_next"]``.
        lengths : ndarray of shape (181,)
            ``n_timesteps_i`` of each sequence, int64.
        series : list of 181 pandas.Series
            The raw yearly values covered by the split (``n_timesteps_i + 1`` of them), indexed
            by a yearly :class:`~pandas.PeriodIndex` and named ``"value"``: a list that
            :class:`~seqestimators.RNNForecaster` fits as one panel.
        series_names : ndarray of shape (181,)
            ``"T1"`` to ``"T181"``, the names in the file.
        split : list of 181 ndarray of shape (n_timesteps_i,)
            ``"train"`` or ``"test"`` for each timestep of each sequence.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_m1_yearly
    >>> bunch = load_m1_yearly()
    >>> len(bunch.data), bunch.data[0].shape, bunch.target[0].shape, len(bunch.series[0])
    (181, (27, 1), (27,), 28)
    >>> int(bunch.lengths.min()), int(bunch.lengths.max())
    (14, 57)
    >>> train = load_m1_yearly(split="train")
    >>> [len(s) for s in train.series[:3]]
    [22, 23, 23]
    >>> str(train.series[0].index[-1]), float(train.series[0].iloc[-1])
    ('1993', 553400.0)
    """
    func_name = "load_m1_yearly"
    splits = check_split(split, func_name)
    with resource("M1Yearly", "m1_yearly_dataset.tsf").open("rb") as fh:
        values, attributes = read_tsf(fh)
    n_pairs = np.array([len(v) - 1 for v in values])
    test_size = _check_test_size(test_size, int(n_pairs.min()), func_name)
    X, y, series, split_of_step = [], [], [], []
    for v, start, n in zip(values, attributes["start_timestamp"], n_pairs):
        n_train = n - test_size
        bounds = {"train": (0, n_train), "test": (n_train, n)}
        lo, hi = bounds[splits[0]][0], bounds[splits[-1]][1]
        X.append(v[lo:hi].reshape(-1, 1))
        y.append(v[lo + 1 : hi + 1])
        series.append(_yearly_series(v, start).iloc[lo : hi + 1])
        split_of_step.append(np.where(np.arange(lo, hi) < n_train, "train", "test"))
    return make_dataset_bunch(
        X,
        y,
        feature_names=["value"],
        target_names=["value_next"],
        descr=read_card("M1Yearly"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        lengths=np.array([len(x) for x in X], dtype=np.int64),
        series=series,
        series_names=np.asarray(attributes["series_name"], dtype=str),
        split=split_of_step,
    )
