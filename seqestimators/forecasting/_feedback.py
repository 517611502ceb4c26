"""Which input features receive the forecaster's previous prediction, and checks of that."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["lag_difference", "lagged_target_features", "resolve_feedback",
           "warn_inconsistent_feedback"]


def lag_difference(sequences, targets, feedback):
    """Largest ``|X[:, t, feedback] - y[:, t - 1]|`` over real timesteps (None if T == 1)."""
    if sequences.n_timesteps < 2:
        return None
    current = sequences.values[:, 1:][..., feedback].astype(np.float64)
    previous = np.asarray(targets, dtype=np.float64)[:, :-1]
    diff = np.abs(current - previous)[sequences.mask()[:, 1:]]
    return float(diff.max()) if diff.size else None


def lagged_target_features(sequences, targets):
    """Indices of the features that hold the previous value of some target."""
    found = []
    for i in range(targets.shape[-1]):
        for j in range(sequences.n_features):
            diff = lag_difference(sequences, targets[..., i:i + 1], np.array([j]))
            if diff is not None and diff <= 1e-4 * max(float(np.abs(targets).max()), 1e-12):
                found.append(j)
                break
    return found


def resolve_feedback(feedback, sequences, targets, name, n_series_targets=None):
    """The feature index that receives each target's prediction (``feedback_features_``).

    Parameters
    ----------
    feedback : "auto", int or array-like of int
        The estimator's ``feedback`` parameter.
    sequences : Sequences
        The training sequences.
    targets : ndarray of shape (n_samples, n_timesteps, n_targets)
    name : str
        The estimator's class name, for the messages.
    n_series_targets : int, default=None
        Set when fitted on series, whose target columns come first.

    Returns
    -------
    feedback : ndarray of int64, shape (n_targets,)
    """
    n_features, n_targets = sequences.n_features, targets.shape[-1]
    if n_series_targets is not None:
        return np.arange(n_series_targets)
    if isinstance(feedback, str):  # "auto"
        if n_features == n_targets:
            return np.arange(n_features)
        hint = lagged_target_features(sequences, targets)
        hint = f" The features {hint} hold the previous target; pass feedback={hint}." \
            if len(hint) == n_targets else ""
        raise ValueError(
            f"X has {n_features} features and y has {n_targets} target(s) per timestep, "
            f"so {name} cannot tell which features receive its previous prediction: pass "
            f"feedback=[...], one feature index per target (the other features are "
            f"exogenous).{hint}"
        )
    given = feedback
    feedback = np.atleast_1d(np.asarray(feedback))
    if feedback.ndim != 1 or not np.issubdtype(feedback.dtype, np.integer):
        raise ValueError(
            f"feedback must be 'auto', a feature index or a list of feature indices; got "
            f"{given!r}."
        )
    if len(feedback) != n_targets:
        raise ValueError(
            f"feedback names {len(feedback)} feature(s) but y has {n_targets} target(s) per "
            "timestep: each target's prediction feeds back into exactly one input feature."
        )
    if np.any(feedback < 0) or np.any(feedback >= n_features) or \
            len(set(feedback.tolist())) != len(feedback):
        raise ValueError(
            f"feedback must hold distinct feature indices in [0, {n_features}) (X has "
            f"{n_features} features); got {feedback.tolist()}."
        )
    return feedback.astype(np.int64)


def warn_inconsistent_feedback(sequences, targets, feedback, name, stacklevel=6):
    """Warn when ``X[:, t, feedback]`` does not hold ``y[:, t - 1]``."""
    diff = lag_difference(sequences, targets, feedback)
    if diff is None:
        return
    scale = max(float(np.abs(targets).max()), 1e-12)
    if diff > 1e-4 * scale + 1e-6:
        warnings.warn(
            f"{name} feeds its prediction of y[t - 1] back into the input "
            f"feature(s) {feedback.tolist()} at timestep t, but in these data X[:, t, "
            f"{feedback.tolist()}] differs from y[:, t - 1] by up to {diff:.3g}. Closed-loop "
            "forecasts would feed back values unlike the ones seen in training: the feedback "
            "features must hold the previous target, in the units of y (do not scale them "
            "separately); check `feedback`.",
            UserWarning, stacklevel=stacklevel,
        )
