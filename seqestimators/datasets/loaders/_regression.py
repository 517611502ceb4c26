"""Extrinsic regression sets (one target per sequence): Tecator."""

from __future__ import annotations

from ._archive import load_ts_dataset

__all__ = ["load_tecator"]


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
