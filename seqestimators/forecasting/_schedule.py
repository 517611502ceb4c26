"""Training modes of the forecaster and scheduled sampling's probability of feeding back."""

from __future__ import annotations

import math

__all__ = ["SCHEDULES", "TRAINING_MODES", "check_schedule_k", "feedback_probability"]

#: What the fed-back features hold during training (``RNNForecaster(training=...)``).
TRAINING_MODES = ("teacher_forcing", "free_running", "scheduled")
#: Scheduled sampling's schedules (``RNNForecaster(schedule=...)``): name -> ``p(i, k)``.
SCHEDULES = {
    "linear": lambda i, k: i / k,
    "exponential": lambda i, k: 1.0 - k**i,
    "inverse_sigmoid": lambda i, k: 1.0 - k / (k + math.exp(min(i / k, 700.0))),
}


def feedback_probability(epoch, schedule="inverse_sigmoid", k=10.0):
    """Probability that scheduled sampling feeds back the model's own prediction.

    Bengio et al. (2015) decay the probability ``eps_i`` of feeding the ground truth at
    training step ``i``; this returns ``p = 1 - eps_i`` with ``i`` the number of epochs
    completed (0 in the first epoch):

    - ``"linear"``: ``p = min(1, i / k)`` (free running from epoch ``k + 1`` on);
    - ``"exponential"``: ``p = 1 - k ** i``, ``0 < k < 1``;
    - ``"inverse_sigmoid"``: ``p = 1 - k / (k + exp(i / k))``, ``k >= 1`` (half the inputs
      are fed back after ``k * log(k)`` epochs).

    Parameters
    ----------
    epoch : int
        Number of epochs completed, ``i >= 0``.
    schedule : {"linear", "exponential", "inverse_sigmoid"} or callable, default="inverse_sigmoid"
        The schedule; a callable ``schedule(epoch) -> p`` is called as is.
    k : float, default=10.0
        The schedule's parameter.

    Returns
    -------
    p : float
        The probability in ``[0, 1]``.

    References
    ----------
    S. Bengio, O. Vinyals, N. Jaitly and N. Shazeer, "Scheduled sampling for sequence
    prediction with recurrent neural networks", NeurIPS 2015.

    Examples
    --------
    >>> from seqestimators.forecasting import feedback_probability
    >>> [round(feedback_probability(i, "linear", 4), 2) for i in range(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    >>> round(feedback_probability(0, "exponential", 0.9), 2)
    0.0
    >>> round(feedback_probability(23, "inverse_sigmoid", 10), 2)
    0.5
    """
    if callable(schedule):
        p = float(schedule(epoch))
    elif schedule in SCHEDULES:
        p = SCHEDULES[schedule](epoch, k)
    else:
        raise ValueError(f"schedule must be one of {list(SCHEDULES)} or a callable; got "
                         f"{schedule!r}.")
    return min(max(p, 0.0), 1.0)


def check_schedule_k(schedule, k, name="RNNForecaster"):
    """Raise scikit-learn's parameter error when ``k`` is out of ``schedule``'s range."""
    if callable(schedule):
        return
    if schedule == "exponential" and not k < 1:
        raise ValueError(
            f"The 'schedule_k' parameter of {name} must be a float in the range (0, 1) when "
            f"schedule='exponential'. Got {k!r} instead.")
    if schedule == "inverse_sigmoid" and not k >= 1:
        raise ValueError(
            f"The 'schedule_k' parameter of {name} must be a float in the range [1, inf) when "
            f"schedule='inverse_sigmoid'. Got {k!r} instead.")
