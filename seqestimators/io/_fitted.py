"""The fitted attributes a model file may restore, per estimator class, with their checks.

:func:`~seqestimators.io.load` sets only the attributes declared here, each after its type (and,
for arrays, its shape) is checked; any other name in a file is refused. :func:`~seqestimators.io.dump`
refuses an estimator holding a fitted attribute that is not declared, so that every file it
writes loads back. A new fitted attribute of an estimator is one line here.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


def _is_int(value, low=0):
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= low


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _vector(value, kinds):
    return isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in kinds


def _optional(check):
    description, test = check
    return f"None or {description}", lambda v: v is None or test(v)


POSITIVE_INT = ("a positive integer", lambda v: _is_int(v, 1))
COUNT = ("a non-negative integer", _is_int)
BOOL = ("a bool", lambda v: isinstance(v, bool))
STR = ("a string", lambda v: isinstance(v, str))
NUMBER = ("a number", _is_number)
FLOATS = ("a 1-D float array", lambda v: _vector(v, "f"))
INDICES = ("a 1-D integer array", lambda v: _vector(v, "iu"))
LEVELS = ("a sequence of floats in (0, 1)", lambda v: isinstance(v, tuple | list) and all(
    isinstance(x, float) and 0.0 < x < 1.0 for x in v))
SCORES = ("a dict of named numbers", lambda v: isinstance(v, dict) and all(
    isinstance(k, str) and _is_number(x) for k, x in v.items()))
NAMES = ("a 1-D array of strings", lambda v: _vector(v, "OU") and all(isinstance(x, str) for x in v))
def _is_label_encoder(value):
    from sklearn.preprocessing import LabelEncoder

    return (isinstance(value, LabelEncoder) and _vector(getattr(value, "classes_", None), "biufUO")
            and len(value.classes_) > 0)


LABELS = ("a LabelEncoder of a non-empty 1-D array of labels", _is_label_encoder)
SCALING = ("a dict of numbers or lists of numbers", lambda v: isinstance(v, dict) and all(
    isinstance(k, str) and (_is_number(x) or (isinstance(x, list) and all(map(_is_number, x))))
    for k, x in v.items()))


def _is_series_info(v):
    """``RNNForecaster.series_info_``: columns, period and the end of the training series."""
    keys = {"n_targets", "targets", "exogenous", "period", "pandas", "single", "tail", "index"}
    # "n_series" (how many series were learned) is absent from models saved before it.
    if not (isinstance(v, dict) and set(v) - {"n_series"} == keys
            and _is_int(v.get("n_series", 1), 1)):
        return False

    def columns(x):
        return isinstance(x, list) and all(isinstance(c, str) or _is_int(c) for c in x)

    index = v["index"]
    return (_is_int(v["n_targets"], 1) and columns(v["targets"]) and columns(v["exogenous"])
            and len(v["targets"]) == v["n_targets"]
            and (v["period"] is None or _is_int(v["period"], 1))
            and isinstance(v["pandas"], bool) and isinstance(v["single"], bool)
            and isinstance(v["tail"], np.ndarray) and v["tail"].ndim == 2
            and v["tail"].dtype.kind == "f"
            and v["tail"].shape[1] == len(v["targets"]) + len(v["exogenous"])
            and (index is None or (isinstance(index, dict) and all(
                isinstance(k, str) and (x is None or isinstance(x, str))
                for k, x in index.items()) and index.get("kind") in ("period", "datetime"))))


SERIES_INFO = ("the plain data of a forecaster's training series (columns, period, tail)",
               _is_series_info)


def _one_of(*names):
    return f"one of {names}", lambda v: isinstance(v, str) and v in names


def _pooling():
    from ..networks import POOLINGS

    return _one_of(*POOLINGS)


def _frontend():
    from ..networks import FRONTENDS

    return _optional(_one_of(*FRONTENDS))


def _tables():
    data = {
        "n_features_in_": POSITIVE_INT,
        "input_size_": POSITIVE_INT,
        "feature_names_in_": NAMES,
        "fit_layout_": STR,
        "fit_n_timesteps_": COUNT,
        "fit_median_n_timesteps_": COUNT,
    }
    net = {
        **data,
        "output_": _one_of("last", "sequence"),
        "target_ndim_": ("1, 2 or 3", lambda v: _is_int(v) and 1 <= v <= 3),
        "n_iter_": COUNT,
        "best_epoch_": _optional(COUNT),
    }
    classifier = {"label_encoder_": LABELS}
    regressor = {"n_targets_": POSITIVE_INT, "target_mean_": _optional(FLOATS),
                 "target_scale_": _optional(FLOATS)}
    recurrent = {"patch_size_": POSITIVE_INT, "pooling_": _pooling(), "instance_norm_": BOOL,
                 "frontend_": _frontend()}
    forecaster = {
        **net, **regressor,
        "feedback_features_": INDICES, "exogenous_features_": INDICES,
        "seasonal_period_": POSITIVE_INT, "seasonal_inputs_": BOOL,
        "context_length_": _optional(POSITIVE_INT), "horizon_": _optional(POSITIVE_INT),
        "window_norm_": _optional(STR), "training_": STR, "transform_": _optional(STR),
        "_scaling_": _optional(SCALING), "series_info_": _optional(SERIES_INFO),
        "baseline_": _optional(_one_of("naive", "seasonal", "mean", "drift")),
        "quantiles_": _optional(LEVELS), "quantile_spread_": _optional(NUMBER),
        "holdout_scores_": _optional(SCORES),
    }
    return {
        "seqestimators.RNNClassifier": {**net, **classifier, **recurrent},
        "seqestimators.RNNRegressor": {**net, **regressor, **recurrent},
        "seqestimators.MemorylessClassifier": {**net, **classifier},
        "seqestimators.MemorylessRegressor": {**net, **regressor},
        "seqestimators.RNNForecaster": forecaster,
        "seqestimators.preprocessing.SequenceScaler": {**data, "mean_": FLOATS,
                                                       "scale_": FLOATS},
    }


def declared(class_name):
    """The declared fitted attributes of the class (by its allowlist name): name -> check."""
    return _tables().get(class_name, {})


def _lengths(values):
    """Arrays whose length another fitted attribute fixes."""
    n_features, n_targets = values.get("n_features_in_"), values.get("n_targets_")
    return [(name, n_features, "n_features_in_")
            for name in ("feature_names_in_", "mean_", "scale_")] + \
        [(name, n_targets, "n_targets_") for name in ("target_mean_", "target_scale_")]


def check_fitted(class_name, values, where):
    """Refuse undeclared names, values of the wrong type, arrays of the wrong length.

    Parameters
    ----------
    class_name : str
        The allowlist name of the estimator's class.
    values : dict
        The decoded fitted attributes.
    where : str
        How the error names the estimator.

    Raises
    ------
    ValueError
        Naming every undeclared attribute, or the first one of the wrong type or shape.
    """
    table = declared(class_name)
    unknown = sorted(set(values) - set(table))
    if unknown:
        raise ValueError(
            f"{where} names the fitted attribute(s) {unknown}, which {class_name} does not "
            f"have (it has {', '.join(sorted(table)) or 'none'}); refusing to set them.")
    for name, value in values.items():
        description, test = table[name]
        if not test(value):
            raise ValueError(f"{where} has the fitted attribute {name!r} = "
                             f"{_short(value)}, which is not {description}.")
    for name, n, source in _lengths(values):
        value = values.get(name)
        if value is not None and n is not None and len(value) != n:
            raise ValueError(f"{where} has the fitted attribute {name!r} of length "
                             f"{len(value)}, but {source} is {n}.")
    n_features = values.get("n_features_in_")
    for name in ("feedback_features_", "exogenous_features_"):
        value = values.get(name)
        if value is not None and n_features is not None and len(value) and not (
                0 <= value.min() and value.max() < n_features):
            raise ValueError(f"{where} has the fitted attribute {name!r} with feature "
                             f"indices outside 0..{n_features - 1}.")


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
