"""Extrinsic regression sets (one target per sequence): Tecator, Covid3Month, CardanoSentiment."""

from __future__ import annotations

from ._archive import load_ts_dataset

__all__ = ["load_cardano_sentiment", "load_covid_3month", "load_tecator"]


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
    return load_ts_dataset(
        "Tecator", split, "load_tecator", ragged=False, feature_names=["absorbance"],
        target_names=["fat"], as_frame=as_frame, return_X_y=return_X_y,
    )


def load_covid_3month(*, split=None, return_X_y=False, as_frame=False):
    """Load the Covid3Month regression dataset (a country's death rate from 84 days of cases).

    Each sample is a country: its daily count of newly confirmed COVID-19 cases over the three
    months before 1 April 2020 (84 days, WHO's COVID-19 database); the target is the country's
    COVID-19 death rate on 1 April 2020. One real target per sequence, from the Monash, UEA & UCR
    time-series extrinsic regression archive. See the dataset card (``DESCR``).

    =================  ==========================================
    Samples            140 train, 61 test (201 in all)
    Timesteps          84 (days)
    Channels           1
    Target             death rate, 0 to 0.182
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

        data : ndarray of shape (n_samples, 84, 1)
            float64 daily case counts (not normalized), ``n_samples`` = 140, 61 or 201; a
            DataFrame of shape (n_samples * 84, 1) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            float64, the death rate of each country.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["confirmed_cases"]``.
        target_names : list of str
            ``["death_rate"]``.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_covid_3month
    >>> X_train, y_train = load_covid_3month(split="train", return_X_y=True)
    >>> X_test, y_test = load_covid_3month(split="test", return_X_y=True)
    >>> X_train.shape, y_train.shape, X_test.shape, y_test.dtype
    ((140, 84, 1), (140,), (61, 84, 1), dtype('float64'))
    >>> round(float(y_train.mean()), 4)
    0.0369
    """
    return load_ts_dataset(
        "Covid3Month", split, "load_covid_3month", ragged=False,
        feature_names=["confirmed_cases"], target_names=["death_rate"], as_frame=as_frame,
        return_X_y=return_X_y,
    )


def load_cardano_sentiment(*, split=None, return_X_y=False, as_frame=False):
    """Load the CardanoSentiment regression dataset (a day's sentiment from hourly trading).

    Each sample is one day of the Cardano cryptocurrency: its hourly close price (USD) and
    hourly traded volume, 24 hours and 2 channels whose scales differ about 10⁵-fold; the
    target is the normalized sentiment score of that day's news. One real target per sequence,
    from the extended time-series extrinsic regression archive. See the dataset card
    (``DESCR``).

    =================  ==========================================
    Samples            74 train, 33 test (107 in all)
    Timesteps          24 (hours)
    Channels           2 (close price, volume)
    Target             sentiment score, -0.494 to 0.984
    =================  ==========================================

    Parameters
    ----------
    split : {"train", "test"} or None, default=None
        Which part of the original split to load; None loads both, the training samples first.
    return_X_y : bool, default=False
        When True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        When True, ``data`` is a long-format DataFrame with a MultiIndex
        ``(sample, timestep)`` and two columns, ``target`` a Series indexed by ``sample``, and
        ``frame`` joins the two.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the fields:

        data : ndarray of shape (n_samples, 24, 2)
            float64 prices and volumes (not normalized), ``n_samples`` = 74, 33 or 107; a
            DataFrame of shape (n_samples * 24, 2) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            float64, the sentiment score of each day.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["close_price", "volume"]``.
        target_names : list of str
            ``["sentiment"]``.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_cardano_sentiment
    >>> X_train, y_train = load_cardano_sentiment(split="train", return_X_y=True)
    >>> X_test, y_test = load_cardano_sentiment(split="test", return_X_y=True)
    >>> X_train.shape, y_train.shape, X_test.shape, y_test.dtype
    ((74, 24, 2), (74,), (33, 24, 2), dtype('float64'))
    >>> X_train[0, 0].tolist(), float(y_train[0])
    ([0.504, 4339.96019453], 0.0589)
    """
    return load_ts_dataset(
        "CardanoSentiment", split, "load_cardano_sentiment", ragged=False,
        feature_names=["close_price", "volume"], target_names=["sentiment"], as_frame=as_frame,
        return_X_y=return_X_y,
    )
