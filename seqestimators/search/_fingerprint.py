"""What a study was run on: fingerprints of the data, space, estimator and CV, and their check."""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import re
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from optuna.distributions import distribution_to_json
from optuna.trial import TrialState

__all__ = ["StudyMismatchError", "estimator_fingerprint"]

# The study user attribute holding what the study was run on (see StudyMismatchError).
FINGERPRINT_ATTR = "seqestimators_fingerprint"

class StudyMismatchError(ValueError):
    """A stored study was run on other data, another search space, estimator or CV.

    A study's trials are only comparable, and its ``best_params`` only meaningful, for the data,
    search space, estimator parameters and cross-validation they were evaluated on. The first
    search that fits on a study records these (a fingerprint, in the study's user attribute
    ``"seqestimators_fingerprint"``); a later fit on the same ``storage`` and ``study_name``
    with anything else raises this error instead of reusing trials that never saw this data
    (or, inside an outer ``cross_validate``, trials that saw its test folds).

    Start a new study for the new set-up: another ``study_name``, or ``study_name=None`` (a new
    study with a unique name, in memory unless a ``storage`` is given).

    Attributes
    ----------
    study_name : str
        The study.
    differences : list of str
        What differs: ``"data"``, ``"search space"``, ``"estimator parameters"``, ``"cv"``.
    """

    def __init__(self, message, study_name=None, differences=()):
        super().__init__(message)
        self.study_name = study_name
        self.differences = list(differences)


# Every integer up to this magnitude has a float64 of its own.
_EXACT_FLOAT_INTEGERS = 2**53

_ADDRESS = re.compile(r" (object )?at 0x[0-9a-fA-F]+")

# Estimator parameters that decide where and how verbosely a model trains, not what it learns:
# left out of a study's fingerprint, so that workers on CPUs and GPUs can share one study.
_EXECUTION_PARAMS = frozenset({"device", "num_threads", "verbose"})


def _dotted(obj):
    """``module.QualName`` of a class, function or other named object."""
    module = getattr(obj, "__module__", None) or type(obj).__module__
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or \
        type(obj).__qualname__
    return f"{module}.{name}"


def _stable_str(value, depth=0):
    """A string of ``value`` that is the same in every process and run (no memory addresses).

    Classes and functions are their dotted names, estimators and callbacks their class and
    ``get_params(deep=False)``, random generators their class and a hash of their state, other
    objects their class and public attributes, arrays a hash of their values.
    """
    if depth > 8:
        return _dotted(type(value))
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (Integral, Real)):
        return repr(value)
    if isinstance(value, type) or inspect.isroutine(value):
        return _dotted(value)
    if isinstance(value, (list, tuple)):
        items = ", ".join(_stable_str(item, depth + 1) for item in value)
        return f"[{items}]" if isinstance(value, list) else f"({items})"
    if isinstance(value, dict):
        items = sorted((_stable_str(k, depth + 1), _stable_str(v, depth + 1))
                       for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256()
        _hash_values(digest, value)
        return f"array(shape={value.shape}, sha256={digest.hexdigest()[:16]})"
    if isinstance(value, (np.random.RandomState, np.random.Generator)):
        # Two generators differ by their state only (their repr names the algorithm).
        state = value.get_state(legacy=False) if isinstance(value, np.random.RandomState) \
            else value.bit_generator.state
        digest = hashlib.sha256(_stable_str(state, depth + 1).encode())
        return f"{_dotted(type(value))}(state sha256={digest.hexdigest()[:16]})"
    params = None
    if callable(getattr(value, "get_params", None)):
        with contextlib.suppress(Exception):
            params = {k: v for k, v in value.get_params(deep=False).items()
                      if k not in _EXECUTION_PARAMS}
    if params is None and hasattr(value, "__dict__"):
        params = {k: v for k, v in vars(value).items() if not k.startswith("_")}
    if params is not None:
        inner = ", ".join(f"{k}={_stable_str(v, depth + 1)}" for k, v in sorted(params.items()))
        return f"{_dotted(type(value))}({inner})"
    return _ADDRESS.sub("", repr(value))


def _hash_values(digest, value):
    """Feed the shape and values of an array, a ragged list or a frame into ``digest``."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, (pd.DataFrame, pd.Series)):
        digest.update(repr(list(getattr(value, "columns", [value.name]))).encode())
        value = value.to_numpy()
    value = _regular(value)
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                            and value.dtype == object and value.ndim == 1):
        digest.update(f"seq[{len(value)}]".encode())
        for item in value:
            _hash_values(digest, item)
        return
    array = np.asarray(value)
    digest.update(f"{array.shape}{array.dtype.kind}".encode())
    if array.dtype.kind in "iu" and array.size and \
            max(abs(int(array.min())), abs(int(array.max()))) > _EXACT_FLOAT_INTEGERS:
        # Beyond 2**53 integers share float64 values: hash them exactly (their own marker,
        # so that smaller integers keep the float64 hash that stored fingerprints hold).
        digest.update(b"int64" if array.dtype.kind == "i" else b"uint64")
        digest.update(np.ascontiguousarray(
            array, dtype=np.int64 if array.dtype.kind == "i" else np.uint64).tobytes())
    elif array.dtype.kind in "biuf":
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    elif array.dtype.kind == "c":
        digest.update(np.ascontiguousarray(array, dtype=np.complex128).tobytes())
    else:
        digest.update("\x1f".join(map(repr, array.ravel().tolist())).encode())


def _regular(value):
    """A list of equal-length sequences as its array (the same data); anything else as is."""
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)
        except ValueError:  # ragged
            return value
        if array.dtype != object:
            return array
    return value


def _describe(value):
    """A short description of an array or a ragged list: its shape or its lengths."""
    if value is None:
        return "None"
    value = _regular(value)
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                            and value.dtype == object and value.ndim == 1):
        lengths = [n_samples(item) if hasattr(item, "__len__") else 1 for item in value]
        if not lengths:
            return "0 sequences"
        return (f"{len(lengths)} sequences of {min(lengths)}"
                + ("" if min(lengths) == max(lengths) else f" to {max(lengths)}")
                + " timesteps")
    shape = getattr(value, "shape", None)
    return f"shape {tuple(shape)}" if shape is not None else type(value).__name__


def _data_fingerprint(X, y, groups, fit_params):
    digest = hashlib.sha256()
    for part in (X, y, groups):
        digest.update(b"|")
        if part is not None:
            _hash_values(digest, part)
    for name in sorted(fit_params):
        digest.update(f"|{name}=".encode())
        value = fit_params[name]
        if isinstance(value, (np.ndarray, list, tuple, pd.DataFrame, pd.Series)) or \
                hasattr(value, "detach"):
            _hash_values(digest, value)
        else:
            digest.update(_stable_str(value).encode())
    return {"X": _describe(X), "y": _describe(y), "sha256": digest.hexdigest()}


def estimator_fingerprint(estimator):
    """The estimator's class and parameters as strings, as a study's fingerprint records them.

    The strings are the same in every process and run (no memory addresses): classes and
    functions by their dotted names, estimators and callbacks by their class and
    ``get_params(deep=False)``, arrays by a hash of their values. ``device``, ``num_threads``
    and ``verbose`` are left out: they do not change results.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    fingerprint : dict of str to str
        ``"class"``, then one entry per parameter, sorted by name.

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.search import estimator_fingerprint
    >>> fingerprint = estimator_fingerprint(RNNClassifier(hidden_size=8))
    >>> fingerprint["hidden_size"], fingerprint["class"].endswith(".RNNClassifier")
    ('8', True)
    """
    return {
        "class": _dotted(type(estimator)),
        **{name: _stable_str(value)
           for name, value in sorted(estimator.get_params(deep=False).items())
           if name not in _EXECUTION_PARAMS},
    }


def study_fingerprint(estimator, distributions, X, y, groups, fit_params, splits, scoring,
                 validation_share):
    """What a study is run on, as a JSON-able dict of dicts of strings (see FINGERPRINT)."""
    split_digest = hashlib.sha256()
    for train, test in splits:
        split_digest.update(b"train")
        split_digest.update(np.asarray(train, dtype=np.int64).tobytes())
        split_digest.update(b"test")
        split_digest.update(np.asarray(test, dtype=np.int64).tobytes())
    return {
        "data": _data_fingerprint(X, y, groups, fit_params),
        "search space": {name: distribution_to_json(dist)
                         for name, dist in sorted(distributions.items())},
        "estimator parameters": estimator_fingerprint(estimator),
        "cv": {
            "n_splits": str(len(splits)),
            "splits sha256": split_digest.hexdigest(),
            "scoring": _stable_str(scoring),
            "validation_fraction": _stable_str(validation_share),
        },
    }


def _differences(stored, current):
    """``{part: [lines]}`` for the parts of two fingerprints that differ."""
    found = {}
    for part in ("data", "search space", "estimator parameters", "cv"):
        old, new = stored.get(part) or {}, current.get(part) or {}
        if old == new:
            continue
        lines = []
        for key in list(dict.fromkeys([*old, *new])):
            if old.get(key) != new.get(key) and not key.endswith("sha256"):
                lines.append(f"{key}: {_short(old.get(key, '(not set)'))} -> "
                             f"{_short(new.get(key, '(not set)'))}")
        if not lines:
            lines.append("same shapes, different values" if part == "data" else
                         "different splits" if part == "cv" else "different values")
        found[part] = lines
    return found


def _short(text, width=80):
    text = str(text)
    return text if len(text) <= width else text[:width - 3] + "..."


def check_fingerprint(study, fingerprint):
    """Record ``fingerprint`` on a study that has none; raise if it holds another one."""
    stored = study.user_attrs.get(FINGERPRINT_ATTR)
    if stored is None:
        finished = study.get_trials(deepcopy=False, states=(
            TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL))
        if finished:
            warnings.warn(
                f"The study {study.study_name!r} holds {len(finished)} finished trial(s) but no "
                "record of the data, search space and estimator they were run on (it was "
                "created by another program or an older version). This fit records its own "
                "and continues the study, assuming the trials were run on the same set-up.",
                UserWarning, stacklevel=3)
        study.set_user_attr(FINGERPRINT_ATTR, fingerprint)
        # Another worker may have recorded its own at the same time: the last write wins, and
        # the check below (repeated before every trial) finds out which one it was.
        stored = study.user_attrs.get(FINGERPRINT_ATTR)
    differences = _differences(stored, fingerprint)
    if not differences:
        return
    details = "; ".join(f"{part}: {', '.join(lines)}" for part, lines in differences.items())
    what = " and ".join(differences)
    raise StudyMismatchError(
        f"The study {study.study_name!r} was run on different {what} ({details}). Its trials "
        "are not continued here: their scores do not apply to this fit (inside "
        "cross_validate or another outer loop, they would even have seen its test folds). "
        "Start a new study: pass another study_name, or study_name=None for a new study with "
        "a unique name (kept in memory unless a storage is given), or delete this one with "
        f"optuna.delete_study(study_name={study.study_name!r}, storage=...).",
        study_name=study.study_name, differences=list(differences))



def n_samples(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)

