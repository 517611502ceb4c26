"""A material's degradation driven by its own past output (output feedback)."""

# Each generator draws every random number from its single ``rng`` in a fixed order, so that a
# given ``random_state`` always produces the same arrays; keep that order when editing.

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils import check_random_state

from ..bunch import make_dataset_bunch
from ._validation import (
    COMMON,
    NON_NEGATIVE,
    POSITIVE,
    POSITIVE_INT,
    REAL,
    Interval,
    check_range,
    validate_params,
)

__all__ = ["make_degradation"]


# --------------------------------------------------------------------------------------------
# Material degradation with output feedback (seed 001)
# --------------------------------------------------------------------------------------------

_DEGRADATION_DESCR = """\
.. _degradation_dataset:

Material degradation (output feedback)
--------------------------------------

**Story.** A material's durability starts at ``initial_durability`` and decays every step,
``d[t] = d[t - 1] * exp(-rate[t])``, at an Arrhenius-like rate that grows with temperature and
humidity::

    rate[t] = base_rate * exp(temperature_coef * (T[t] - reference_temperature))
                        * (1 + humidity_coef * H[t] / 100)

The environment varies slowly: each sequence has its own mean temperature (uniform in
``temperature_range``, degrees Celsius) and mean relative humidity (uniform in
``humidity_range``, percent), around which both wander as AR(1) processes with lag-one
correlation ``env_correlation`` and standard deviations ``temperature_std`` and ``humidity_std``
(humidity clipped to ``[0, 100]``). The inputs are the temperature, the humidity and the
**previous durability** ``d[t - 1]`` (the initial durability at ``t = 0``); the target is
``d[t]``. This is the "decay curve" question: the previous output is one of the inputs (output
feedback), known only at the start when the model is used for prediction.

**Shapes.** ``data``: ``(n_samples, n_timesteps, 3)`` float32 (temperature, humidity,
previous durability); ``target``: ``(n_samples, n_timesteps)`` float32, non-increasing;
``rate``: ``(n_samples, n_timesteps)`` float64, the true decay rates.

**Memory needed.** With the true previous durability as input (teacher forcing) none: the
target is ``X[t, 2] * exp(-rate(X[t, 0], X[t, 1]))``, a function of the current inputs, and a
memoryless regressor can be exact. The difficulty is the closed loop: at prediction time only
``d[-1]`` is known and every later ``X[t, 2]`` must be the model's own previous prediction, so
errors accumulate; without the third feature a model must integrate the whole environment
history. Derivatives: ``previous_durability`` is ``y`` shifted by one step.

**Memoryless baseline.** Exact (R^2 = 1) under teacher forcing, as explained above; what matters
is the closed-loop forecast error.
"""


@validate_params(
    {
        "n_samples": [POSITIVE_INT],
        "n_timesteps": [POSITIVE_INT],
        "initial_durability": [POSITIVE],
        "base_rate": [NON_NEGATIVE],
        "temperature_coef": [REAL],
        "humidity_coef": [NON_NEGATIVE],
        "reference_temperature": [REAL],
        "temperature_range": [tuple, list],
        "humidity_range": [tuple, list],
        "temperature_std": [NON_NEGATIVE],
        "humidity_std": [NON_NEGATIVE],
        "env_correlation": [Interval(Real, 0, 1, closed="left")],
        **COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_degradation(
    n_samples=100,
    n_timesteps=100,
    *,
    initial_durability=1.0,
    base_rate=0.01,
    temperature_coef=0.05,
    humidity_coef=1.0,
    reference_temperature=20.0,
    temperature_range=(10.0, 40.0),
    humidity_range=(20.0, 90.0),
    temperature_std=2.0,
    humidity_std=5.0,
    env_correlation=0.95,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate durability curves decaying under temperature and humidity (output feedback).

    ``d[t] = d[t - 1] * exp(-rate[t])`` with
    ``rate = base_rate * exp(temperature_coef * (T - reference_temperature))
    * (1 + humidity_coef * H / 100)``. The inputs are temperature ``T``, relative humidity ``H``
    and the previous durability ``d[t - 1]``; the target is ``d[t]``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences.

    n_timesteps : int, default=100
        Length of every sequence.

    initial_durability : float, default=1.0
        Durability before the first step, ``d[-1]``; also the third input at ``t = 0``.

    base_rate : float, default=0.01
        Decay rate per step at the reference temperature and zero humidity.

    temperature_coef : float, default=0.05
        Arrhenius-like sensitivity to temperature, per degree: the rate is multiplied by
        ``exp(temperature_coef)`` for every degree above ``reference_temperature``.

    humidity_coef : float, default=1.0
        The rate is multiplied by ``1 + humidity_coef * H / 100``.

    reference_temperature : float, default=20.0
        Temperature (degrees Celsius) at which the temperature factor is 1.

    temperature_range : tuple of (float, float), default=(10.0, 40.0)
        Each sequence's mean temperature is drawn uniformly in this range. ``(a, a)`` fixes it.

    humidity_range : tuple of (float, float), default=(20.0, 90.0)
        Each sequence's mean relative humidity (percent) is drawn uniformly in this range; it
        must lie within ``[0, 100]``.

    temperature_std : float, default=2.0
        Standard deviation of the temperature's slow fluctuations around the mean. 0 keeps the
        temperature constant.

    humidity_std : float, default=5.0
        Standard deviation of the humidity's fluctuations (percent); humidity is clipped to
        ``[0, 100]``.

    env_correlation : float, default=0.95
        Lag-one correlation of the AR(1) fluctuations of the environment (closer to 1: slower).

    random_state : int, RandomState instance or None, default=None
        Determines random number generation. Pass an int for reproducible output across
        multiple function calls.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    as_frame : bool, default=False
        If True, ``data`` is a long-format DataFrame with a MultiIndex ``(sample, timestep)``
        and ``target`` a Series on the same index.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_samples, n_timesteps, 3), dtype float32
            Temperature, relative humidity and previous durability ``d[t - 1]``.
        target : ndarray of shape (n_samples, n_timesteps), dtype float32
            Durability ``d[t]``, non-increasing in ``t``.
        rate : ndarray of shape (n_samples, n_timesteps), dtype float64
            The decay rate applied at each step.
        initial_durability : float
            ``d[-1]``.
        feature_names : list of str
            ``["temperature", "humidity", "previous_durability"]``.
        target_names : list of str
            ``["durability"]``.
        frame : DataFrame or None
            Inputs and target in long format when ``as_frame=True``.
        DESCR : str
            Description of the task.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    Examples
    --------
    >>> from seqestimators.datasets import make_degradation
    >>> bunch = make_degradation(n_samples=4, n_timesteps=20, random_state=0)
    >>> bunch.data.shape, bunch.target.shape
    ((4, 20, 3), (4, 20))
    >>> bunch.feature_names
    ['temperature', 'humidity', 'previous_durability']
    >>> bool((bunch.data[:, 1:, 2] == bunch.target[:, :-1]).all())
    True
    """
    func = "make_degradation"
    t_lo, t_hi = check_range("temperature_range", temperature_range, func=func)
    h_lo, h_hi = check_range("humidity_range", humidity_range, func=func, low=0, high=100)
    rng = check_random_state(random_state)
    temp_mean = rng.uniform(t_lo, t_hi, size=n_samples)
    hum_mean = rng.uniform(h_lo, h_hi, size=n_samples)
    innovations = rng.standard_normal((2, n_samples, n_timesteps))
    # Stationary AR(1) with unit variance: z[0] ~ N(0, 1), z[t] = c z[t-1] + sqrt(1 - c²) e[t].
    c = float(env_correlation)
    scale = np.sqrt(1.0 - c**2)
    z = np.empty_like(innovations)
    z[:, :, 0] = innovations[:, :, 0]
    for t in range(1, n_timesteps):
        z[:, :, t] = c * z[:, :, t - 1] + scale * innovations[:, :, t]
    temperature = temp_mean[:, None] + temperature_std * z[0]
    humidity = np.clip(hum_mean[:, None] + humidity_std * z[1], 0.0, 100.0)
    rate = (
        base_rate
        * np.exp(temperature_coef * (temperature - reference_temperature))
        * (1.0 + humidity_coef * humidity / 100.0)
    )
    durability = initial_durability * np.exp(-np.cumsum(rate, axis=1))
    y = durability.astype(np.float32)
    previous = np.empty_like(y)
    previous[:, 0] = initial_durability
    previous[:, 1:] = y[:, :-1]
    X = np.stack([temperature.astype(np.float32), humidity.astype(np.float32), previous], axis=2)
    return make_dataset_bunch(
        X,
        y,
        feature_names=["temperature", "humidity", "previous_durability"],
        target_names=["durability"],
        descr=_DEGRADATION_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        rate=rate,
        initial_durability=float(initial_durability),
    )
