"""Parameter constraints and checks shared by the generators."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

# scikit-learn offers no public API for declarative parameter validation: ``validate_params`` and
# the constraint classes live in ``sklearn.utils._param_validation``, the module scikit-learn's own
# estimators and sample generators use and its developer guide documents. Import them here only.
from sklearn.utils._param_validation import Interval, validate_params

__all__ = [
    "COMMON",
    "NON_NEGATIVE",
    "NON_NEGATIVE_INT",
    "POSITIVE",
    "POSITIVE_INT",
    "PROBABILITY",
    "REAL",
    "Interval",
    "check_range",
    "validate_params",
]

POSITIVE_INT = Interval(Integral, 1, None, closed="left")
NON_NEGATIVE_INT = Interval(Integral, 0, None, closed="left")
PROBABILITY = Interval(Real, 0, 1, closed="both")
NON_NEGATIVE = Interval(Real, 0, None, closed="left")
POSITIVE = Interval(Real, 0, None, closed="neither")
REAL = Interval(Real, None, None, closed="neither")
COMMON = {
    "random_state": ["random_state"],
    "return_X_y": ["boolean"],
    "as_frame": ["boolean"],
}


def check_range(name, value, *, func, low=None, high=None):
    """Validate a ``(low, high)`` pair of finite numbers with ``low <= high``."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"The '{name}' parameter of {func} must be a pair (low, high) of numbers. "
            f"Got {value!r} instead."
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
        raise ValueError(
            f"The '{name}' parameter of {func} must satisfy low <= high with finite values. "
            f"Got {value!r} instead."
        )
    if (low is not None and lo < low) or (high is not None and hi > high):
        bounds = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
        raise ValueError(
            f"The '{name}' parameter of {func} must lie within {bounds}. Got {value!r} instead."
        )
    return lo, hi

