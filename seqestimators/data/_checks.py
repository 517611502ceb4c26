"""Validation of sequence inputs and targets, with scikit-learn's error messages."""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils import check_array, check_consistent_length, check_random_state, column_or_1d

from ._layouts import frame_to_sequences, pad_sequences
from ._sequences import Sequences

__all__ = [
    "check_input_shape",
    "check_sequence_targets",
    "check_seed",
    "check_sequences",
    "record_input_shape",
]


def check_seed(random_state):
    """An int seed for torch or Optuna from a scikit-learn ``random_state``.

    None stays None, an int is used as is, and a ``RandomState`` instance draws one (advancing
    it, as scikit-learn estimators do).
    """
    if random_state is None:
        return None
    if isinstance(random_state, Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _name(estimator):
    return type(estimator).__name__ if estimator is not None else "the estimator"


def _check_sequence_list(seqs, estimator, dtype):
    if len(seqs) == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required by "
            f"{_name(estimator)}."
        )
    checked = []
    for i, seq in enumerate(seqs):
        arr = check_array(seq, ensure_2d=False, allow_nd=True, dtype=dtype,
                          ensure_min_samples=0, input_name="X", estimator=estimator)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(
                f"Each sequence must be 1D (n_timesteps,) or 2D (n_timesteps, n_features); "
                f"sequence {i} has {arr.ndim} dimensions."
            )
        if arr.shape[0] == 0:
            raise ValueError(
                f"Found sequence {i} with 0 timestep(s) while a minimum of 1 is required by "
                f"{_name(estimator)}."
            )
        if checked and arr.shape[1] != checked[0].shape[1]:
            raise ValueError(
                "All sequences must have the same number of features; sequence 0 has "
                f"{checked[0].shape[1]} and sequence {i} has {arr.shape[1]}."
            )
        checked.append(arr)
    if checked[0].shape[1] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) while a minimum of 1 is required by "
            f"{_name(estimator)}."
        )
    return pad_sequences(checked, dtype=checked[0].dtype)


def _is_long_frame(X):
    return isinstance(X, (pd.DataFrame, pd.Series)) and isinstance(X.index, pd.MultiIndex) \
        and X.index.nlevels == 2


def _is_sequence_list(X):
    """Whether ``X`` is a list of sequences (the "ragged" layout) rather than nested numbers.

    A list or tuple of arrays (numpy, pandas) is a list of sequences, whatever their lengths,
    so that results come back as a list for list input. Nested Python lists are array-like
    (like ``np.asarray``), unless their lengths differ.
    """
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    if all(isinstance(item, (np.ndarray, pd.DataFrame, pd.Series)) and np.ndim(item) >= 1
           for item in X):
        return True
    shapes = {np.shape(item) for item in X}
    return len(shapes) > 1 and all(len(s) >= 1 for s in shapes)


def _warn_wide_frame(X, estimator):
    if isinstance(X, pd.DataFrame) and not isinstance(X.columns, pd.RangeIndex):
        columns = [str(c) for c in X.columns[:3]]
        more = ", ..." if X.shape[1] > 3 else ""
        warnings.warn(
            f"X is a wide DataFrame of shape {X.shape} with columns [{', '.join(columns)}{more}]: "
            f"{_name(estimator)} reads it as {X.shape[0]} univariate sequences of "
            f"{X.shape[1]} timesteps (one sequence per row, one timestep per column). If the "
            "rows are timesteps of one sequence and the columns its features, pass "
            "X.to_numpy()[None] (one sequence) or a long-format frame with a (sample, "
            "timestep) MultiIndex.",
            UserWarning, stacklevel=4,
        )


def _transposed_hint(X):
    """A hint when a 3D ``X`` looks like sktime/aeon's ``(n_cases, n_channels, n_timepoints)``."""
    if X.layout != "3d" or X.n_features < 2 * X.n_timesteps:
        return ""
    return (
        f" X has shape {X.values.shape}: {X.n_timesteps} timestep(s) of {X.n_features} "
        "features each. If it is in the (n_cases, n_channels, n_timepoints) layout of "
        "sktime/aeon, pass X.transpose(0, 2, 1): seqestimators expects (n_samples, "
        "n_timesteps, n_features)."
    )


def check_sequences(X, *, estimator=None, dtype=np.float32, warn_layout=False):
    """Validate ``X`` in any supported layout and return it padded.

    Parameters
    ----------
    X : array-like, list of array-like or DataFrame
        ``(n_samples, n_timesteps, n_features)``, ``(n_samples, n_timesteps)`` univariate
        sequences, a list of ``(n_timesteps_i[, n_features])`` arrays, or a long-format
        DataFrame with a ``(sample, timestep)`` MultiIndex.
    estimator : estimator instance, default=None
        Named in error messages.
    dtype : data-type, default=np.float32
        Data type of the returned values.
    warn_layout : bool, default=False
        Warn when the layout looks unintended (``fit``): a wide DataFrame with named columns
        (read as univariate sequences), or a 3D array with far more features than timesteps
        (sktime/aeon's channels-first layout).

    Returns
    -------
    sequences : Sequences
        The padded values, lengths and the layout ``X`` came in.
    """
    if _is_long_frame(X):
        frame = X.to_frame() if isinstance(X, pd.Series) else X
        names = np.asarray([str(c) for c in frame.columns], dtype=object)
        values, lengths = _check_sequence_list(frame_to_sequences(frame), estimator, dtype)
        return Sequences(values, lengths, "frame", names)
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required by "
            f"{_name(estimator)}."
        )
    if _is_sequence_list(X):
        values, lengths = _check_sequence_list(list(X), estimator, dtype)
        return Sequences(values, lengths, "ragged")
    values = check_array(X, ensure_2d=True, allow_nd=True, dtype=dtype, input_name="X",
                         estimator=estimator)
    if values.ndim > 3:
        raise ValueError(f"Found array with dim {values.ndim}. {_name(estimator)} expected <= 3.")
    if values.ndim == 2:
        if warn_layout:
            _warn_wide_frame(X, estimator)
        return Sequences(values[:, :, None], None, "2d")
    for axis, what in ((1, "timestep"), (2, "feature")):
        if values.shape[axis] == 0:
            raise ValueError(
                f"Found array with 0 {what}(s) (shape={values.shape}) while a minimum of 1 is "
                f"required by {_name(estimator)}."
            )
    sequences = Sequences(values, None, "3d")
    hint = _transposed_hint(sequences) if warn_layout else ""
    if hint:
        warnings.warn(hint.strip(), UserWarning, stacklevel=3)
    return sequences


def check_sequence_targets(y, X, *, output="auto", allow_multi_target=True, estimator=None,
                           numeric=True):
    """Validate targets against validated sequences and decide the output mode.

    Parameters
    ----------
    y : array-like, list of array-like or pandas Series
        ``(n_samples,)`` or ``(n_samples, n_targets)`` per sequence; ``(n_samples, n_timesteps)``,
        ``(n_samples, n_timesteps, n_targets)``, a ragged list or a long-format Series per
        timestep.
    X : Sequences
        The validated inputs.
    output : {"auto", "sequence", "last"}, default="auto"
        The requested output mode. ``"auto"`` picks ``"last"`` for 1D ``y``, ``"sequence"`` when
        ``y`` has a time axis matching ``X`` and, for 2D ``X`` only, ``"last"`` with several
        targets otherwise.
    allow_multi_target : bool, default=True
        Whether several targets per sequence or per timestep are allowed.
    estimator : estimator instance, default=None
        Named in error messages.
    numeric : bool, default=True
        Whether ``y`` must be numeric (regression) or may hold any labels (classification).

    Returns
    -------
    y : ndarray
        ``(n_samples, n_targets)`` for ``"last"`` or ``(n_samples, n_timesteps, n_targets)``
        padded for ``"sequence"``; object or numeric dtype as given.
    output : {"sequence", "last"}
        The resolved output mode.
    target_ndim : int
        1 or 2 for per-sequence targets, 2 or 3 for per-timestep targets (the shape to predict).
    """
    name = _name(estimator)
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    dtype = "numeric" if numeric else None
    lengths = X.lengths
    if _is_long_frame(y):
        y = frame_to_sequences(y)
    if isinstance(y, (list, tuple)) and X.ragged and len(y) and np.ndim(y[0]) >= 1:
        if output == "last":
            raise ValueError("output='last' needs one target per sequence, got a list of sequences.")
        check_consistent_length(lengths, y)
        seqs = []
        for i, (seq, n) in enumerate(zip(y, lengths)):
            arr = check_array(seq, ensure_2d=False, dtype=dtype, input_name="y",
                              ensure_min_samples=0, estimator=estimator)
            if arr.shape[0] != n:
                raise ValueError(f"y has {arr.shape[0]} timesteps for sequence {i} but X has {n}.")
            seqs.append(arr)
        padded, _ = pad_sequences(seqs, n_timesteps=X.n_timesteps,
                                  pad_value=0 if numeric else seqs[0].flat[0])
        target_ndim = padded.ndim
        if padded.ndim == 2:
            padded = padded[:, :, None]
        if padded.shape[2] > 1 and not allow_multi_target:
            raise ValueError(f"{name} takes one target per timestep; got {padded.shape[2]}.")
        return padded, "sequence", target_ndim
    y = check_array(y, ensure_2d=False, allow_nd=True, dtype=dtype, input_name="y",
                    estimator=estimator)
    check_consistent_length(X.values, y)
    if not allow_multi_target and y.ndim == 2 and y.shape[1] == 1 and X.n_timesteps != 1 \
            and output != "sequence":
        y = column_or_1d(y, warn=True)
    if output == "auto":
        if y.ndim == 1:
            output = "last"
        elif y.ndim == 3 or (y.ndim == 2 and y.shape[1] == X.n_timesteps and X.layout != "ragged"):
            output = "sequence"
        elif X.layout == "2d" and allow_multi_target:
            output = "last"
        else:
            raise ValueError(_target_shape_message(y, X))
    if output == "last":
        if y.ndim > 2 or (y.ndim == 2 and not allow_multi_target):
            raise ValueError(
                f"output='last' takes y of shape (n_samples,)"
                f"{' or (n_samples, n_targets)' if allow_multi_target else ''}; got {y.shape}."
            )
        return (y[:, None] if y.ndim == 1 else y), "last", y.ndim
    if y.ndim < 2 or y.ndim > 3:
        raise ValueError(
            f"output='sequence' takes y of shape (n_samples, n_timesteps[, n_targets]); got {y.shape}."
        )
    if y.shape[1] != X.n_timesteps or X.layout == "ragged":
        raise ValueError(_target_shape_message(y, X))
    if y.ndim == 3 and y.shape[2] > 1 and not allow_multi_target:
        raise ValueError(f"{name} takes one target per timestep; got {y.shape[2]}.")
    return (y[:, :, None] if y.ndim == 2 else y), "sequence", y.ndim


def _target_shape_message(y, X):
    """Why an array ``y`` does not fit the sequences ``X``, and what would."""
    n = X.n_samples
    if X.layout == "ragged":
        lengths = X.lengths
        return (
            f"X is a list of {n} sequences of {lengths.min()} to {lengths.max()} timesteps, "
            f"but y is an array of shape {y.shape}. Per-timestep targets of a list of "
            f"sequences must be a list of {n} arrays, each as long as its sequence; for one "
            f"target per sequence, y must have shape ({n},)."
        )
    message = (
        f"y has shape {y.shape}, but X has {X.n_timesteps} timestep(s) per sequence: "
        f"per-timestep targets must be (n_samples, n_timesteps[, n_targets]) = "
        f"({n}, {X.n_timesteps}[, n_targets]), one target per sequence (n_samples,)."
    )
    if y.ndim >= 2 and X.layout == "3d" and y.shape[1] == X.n_features:
        message += (
            f" X has shape {X.values.shape} and y's time axis matches its last axis: X looks "
            "transposed, in the (n_cases, n_channels, n_timepoints) layout of sktime/aeon; "
            "pass X.transpose(0, 2, 1)."
        )
    elif X.layout == "2d":
        message += " For several targets per sequence pass output='last'."
    return message


def record_input_shape(estimator, X):
    """Remember in ``fit`` what ``X`` looked like (scikit-learn's ``n_features_in_`` and ours).

    For 2D ``X`` (univariate sequences) ``n_features_in_`` counts its columns, as scikit-learn
    does; ``input_size_`` is always the number of features per timestep.
    """
    estimator.n_features_in_ = X.n_timesteps if X.layout == "2d" else X.n_features
    estimator.input_size_ = X.n_features
    estimator.fit_layout_ = X.layout
    estimator.fit_n_timesteps_ = X.n_timesteps
    if X.feature_names is not None:
        estimator.feature_names_in_ = X.feature_names
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def check_input_shape(estimator, X):
    """Check ``X`` at predict/transform time against what ``fit`` saw."""
    name = _name(estimator)
    if X.layout == "2d" and estimator.fit_layout_ == "2d":
        if X.n_timesteps != estimator.n_features_in_:
            raise ValueError(
                f"X has {X.n_timesteps} features, but {name} is expecting "
                f"{estimator.n_features_in_} features as input."
            )
    elif X.n_features != estimator.input_size_:
        raise ValueError(
            f"X has {X.n_features} features, but {name} is expecting {estimator.input_size_} "
            "features as input."
        )
    fitted_names = getattr(estimator, "feature_names_in_", None)
    if X.feature_names is not None and fitted_names is not None and \
            list(X.feature_names) != list(fitted_names):
        raise ValueError(
            "The feature names should match those that were passed during fit.\n"
            f"Fitted with: {list(fitted_names)}\nGot: {list(X.feature_names)}"
        )
