"""Univariate classification sets of the UCR archive.

GunPoint, ItalyPowerDemand, OSULeaf, PLAID and ArrowHead.
"""

from __future__ import annotations

from ._archive import load_ts_dataset

__all__ = [
    "load_arrowhead",
    "load_gunpoint",
    "load_italy_power_demand",
    "load_osuleaf",
    "load_plaid",
]


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
    return load_ts_dataset(
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
    return load_ts_dataset(
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
    return load_ts_dataset(
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
    return load_ts_dataset(
        "PLAID", split, "load_plaid", ragged=True, feature_names=["dim_0"],
        target_names=["appliance"], as_frame=as_frame, return_X_y=return_X_y,
    )


def load_arrowhead(*, split=None, return_X_y=False, as_frame=False):
    """Load the ArrowHead projectile-point dataset (univariate, length 251, 3 classes).

    Each sequence is the outline of an arrowhead image converted into a series by the
    angle-based method, length-normalized to 251 steps and z-normalized per sequence. The task
    is to tell three classes of projectile points apart ("Avonlea", "Clovis" and "Mix"), from
    shape distinctions such as the presence and place of a notch. The training split is tiny
    (12 sequences per class). See the dataset card (``DESCR``) for the source, citation and
    license.

    =================  ==========================================
    Samples            36 train, 175 test (211 in all)
    Timesteps          251
    Channels           1
    Classes            3 (``"0"``, ``"1"``, ``"2"``)
    Class balance      train 12 per class; test 69, 53, 53
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

        data : ndarray of shape (n_samples, 251, 1)
            float64, ``n_samples`` = 36, 175 or 211; a DataFrame of shape
            (n_samples * 251, 1) when ``as_frame=True``.
        target : ndarray of shape (n_samples,)
            The class as the string stored in the file, ``"0"``, ``"1"`` or ``"2"``.
        frame : DataFrame or None
            Features and target together when ``as_frame=True``.
        feature_names : list of str
            ``["outline"]``.
        target_names : list of str
            ``["point_type"]``, the name of the target column.
        classes : ndarray of shape (3,)
            The class labels in the order of the file header.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each sample.
        DESCR : str
            The dataset card.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from seqestimators.datasets import load_arrowhead
    >>> bunch = load_arrowhead(split="train")
    >>> bunch.data.shape, bunch.target.shape, bunch.classes.tolist()
    ((36, 251, 1), (36,), ['0', '1', '2'])
    >>> X, y = load_arrowhead(return_X_y=True)
    >>> X.shape, y.shape
    ((211, 251, 1), (211,))
    """
    return load_ts_dataset(
        "ArrowHead", split, "load_arrowhead", ragged=False, feature_names=["outline"],
        target_names=["point_type"], as_frame=as_frame, return_X_y=return_X_y,
    )
