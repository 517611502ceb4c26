"""Single series laid out for one-step-ahead forecasting: airline, shampoo sales, US change."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd

from ..bunch import make_dataset_bunch
from ._files import check_split, read_card, resource

__all__ = [
    "load_airline",
    "load_shampoo_sales",
    "load_uschange",
]


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
    splits = check_split(split, func_name)
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
    with resource("Airline", "Airline.csv").open("rb") as fh:
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
        descr=read_card("Airline"),
        as_frame=as_frame,
        return_X_y=return_X_y,
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
    with resource("ShampooSales", "ShampooSales.csv").open("rb") as fh:
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
        descr=read_card("ShampooSales"),
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
    with resource("Uschange", "Uschange.csv").open("rb") as fh:
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
        descr=read_card("Uschange"),
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
