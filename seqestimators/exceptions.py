"""Warning categories of seqestimators, to filter by category rather than by message."""

from __future__ import annotations

from .state import CarryContinuationWarning

__all__ = ["BaselineWarning", "CarryContinuationWarning"]


class BaselineWarning(UserWarning):
    """The fitted model scores no better than the trivial model.

    Issued at the end of ``fit`` when the model's score on its validation part (or, without
    one, on its training data) is not above the trivial model's: the training mean for a
    regressor (R²), the majority class for a classifier (accuracy). :class:`RNNForecaster`
    fitted on series compares its closed-loop forecasts of held-out periods with the naive and
    seasonal naive forecasts (mean absolute scaled error). The message names both scores and
    the parameters to try. Filter it with
    ``warnings.filterwarnings("ignore", category=BaselineWarning)``.
    """
