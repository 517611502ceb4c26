"""Physical dynamics to integrate: a saturated integrator and a thrown ball."""

# Each generator draws every random number from its single ``rng`` in a fixed order, so that a
# given ``random_state`` always produces the same arrays; keep that order when editing.

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from ..bunch import make_dataset_bunch
from ._validation import (
    COMMON,
    NON_NEGATIVE,
    POSITIVE,
    POSITIVE_INT,
    PROBABILITY,
    REAL,
    check_range,
    validate_params,
)

__all__ = ["make_ball_trajectory", "make_saturated_integral"]


# --------------------------------------------------------------------------------------------
# Saturated integral (seed 003)
# --------------------------------------------------------------------------------------------

_INTEGRAL_DESCR = """\
.. _saturated_integral_dataset:

Saturated integral
------------------

**Story.** The input is piecewise constant: at every step, with probability ``switch_prob``, it
jumps to a new value drawn uniformly in ``[0, 1)``, otherwise it holds. The target integrates the
centred input and saturates at the bounds:
``y[t] = clip(y[t - 1] + gain * (x[t] - 0.5), 0, 1)`` with ``y[-1] = 0``. This is exactly the
``generate_data`` of the question "RNN cannot learn an integral function" (``switch_prob=0.1``,
``gain=0.1``, input starting at 0 before its first jump; 500-step plots).

**Shapes.** ``data``: ``(n_samples, n_timesteps, 1)`` float32 in ``[0, 1)``; ``target``:
``(n_samples, n_timesteps)`` float32 in ``[0, 1]``.

**Memory needed.** The running (clipped) sum of the whole input history: the current input says
only in which direction the target moves.

**Memoryless baseline.** Even the best function of the current input alone,
``E[y[t] | x[t]]``, explains only about R^2 ~ **0.22** of the target's variance with the defaults
(500 steps, estimated on 2000 sequences; mean squared error ~0.11 against a variance ~0.14),
whereas ``clip(y[t - 1] + gain * (x[t] - 0.5), 0, 1)`` is exact.
"""


@validate_params(
    {
        "n_samples": [POSITIVE_INT],
        "n_timesteps": [POSITIVE_INT],
        "switch_prob": [PROBABILITY],
        "gain": [REAL],
        "offset": [REAL],
        "initial_input": [REAL, None],
        **COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_saturated_integral(
    n_samples=100,
    n_timesteps=500,
    *,
    switch_prob=0.1,
    gain=0.1,
    offset=0.5,
    initial_input=0.0,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate the saturated-integral task.

    A piecewise-constant random input ``x`` and its clipped running integral
    ``y[t] = clip(y[t - 1] + gain * (x[t] - offset), 0, 1)``, ``y[-1] = 0``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences.

    n_timesteps : int, default=500
        Length of every sequence.

    switch_prob : float, default=0.1
        Probability, at each step, that the input jumps to a new value drawn uniformly in
        ``[0, 1)``; otherwise it keeps its previous value.

    gain : float, default=0.1
        Integration gain.

    offset : float, default=0.5
        Value subtracted from the input before integrating (the target rises when
        ``x > offset`` and falls otherwise).

    initial_input : float or None, default=0.0
        Value of the input before its first jump (0 as in the original code). None draws it
        uniformly in ``[0, 1)`` for each sequence.

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

        data : ndarray of shape (n_samples, n_timesteps, 1), dtype float32
            The piecewise-constant input.
        target : ndarray of shape (n_samples, n_timesteps), dtype float32
            The clipped integral, in ``[0, 1]``.
        feature_names : list of str
            ``["input"]``.
        target_names : list of str
            ``["integral"]``.
        frame : DataFrame or None
            Inputs and target in long format when ``as_frame=True``.
        DESCR : str
            Description of the task and of its memoryless baseline.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    Examples
    --------
    >>> from seqestimators.datasets import make_saturated_integral
    >>> X, y = make_saturated_integral(n_samples=3, random_state=0, return_X_y=True)
    >>> X.shape, y.shape, X.dtype, y.dtype
    ((3, 500, 1), (3, 500), dtype('float32'), dtype('float32'))
    >>> bool(y.min() >= 0 and y.max() <= 1)
    True
    """
    rng = check_random_state(random_state)
    if initial_input is None:
        current = rng.random_sample(n_samples)
    else:
        current = np.full(n_samples, float(initial_input))
    switches = rng.random_sample((n_samples, n_timesteps)) < switch_prob
    values = rng.random_sample((n_samples, n_timesteps))
    x = np.empty((n_samples, n_timesteps))
    y = np.empty((n_samples, n_timesteps))
    level = np.zeros(n_samples)
    for t in range(n_timesteps):
        current = np.where(switches[:, t], values[:, t], current)
        level = np.clip(level + gain * (current - offset), 0.0, 1.0)
        x[:, t] = current
        y[:, t] = level
    return make_dataset_bunch(
        x[:, :, None].astype(np.float32),
        y.astype(np.float32),
        feature_names=["input"],
        target_names=["integral"],
        descr=_INTEGRAL_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
    )


# --------------------------------------------------------------------------------------------
# Ball trajectory (seed 001)
# --------------------------------------------------------------------------------------------

_BALL_DESCR = """\
.. _ball_trajectory_dataset:

Thrown ball
-----------

**Story.** A ball is thrown upwards from a random height ``h0`` (uniform in ``height_range``) at
a random speed ``v0`` (uniform in ``velocity_range``) and moves under gravity ``g``, sampled
every ``dt`` seconds. Without drag the heights follow the parabola
``h(t) = h0 + v0 * t - g * t**2 / 2``; with ``drag=k > 0`` (linear, Stokes drag, in 1/s) they
follow the closed-form solution of ``h'' = -g - k * h'``. Optional Gaussian noise of standard
deviation ``noise`` is added to the observed heights. The input at step ``t`` is the observed
height at ``t`` and the target is the next observed height (``y[t] == X[t + 1, 0]``): a one-step
forecasting task, to be rolled out in closed loop ("give the model h0, h1, h2, let it predict h3,
then feed h3 back..."), as in the question "predicting the parabolic trajectory of a falling
ball with an LSTM".

The ground is not modelled: heights are not clipped at 0. With the defaults (``h0`` in
``[5, 10]`` m, ``v0`` in ``[0, 10]`` m/s, 50 steps of 0.02 s) every ball stays above 0.

**Shapes.** ``data``: ``(n_samples, n_timesteps, 1)`` float32; ``target``:
``(n_samples, n_timesteps)`` float32; ``initial_height`` and ``initial_velocity``:
``(n_samples,)`` float64.

**Memory needed.** The velocity, which a single height does not reveal: two consecutive heights
suffice without drag (``h[t + 1] = 2 h[t] - h[t - 1] - g dt**2``).

**Memoryless baseline.** Persistence (``y = x``) already has R^2 ~ 0.99 because the heights move
little per step, so judge models by their error: with the defaults persistence has an RMSE of
about 0.08 m and the best function of the current height alone about 0.07 m, while the
two-step rule above is exact. Closed-loop forecasts over many steps separate the models much
more clearly.
"""


@validate_params(
    {
        "n_samples": [POSITIVE_INT],
        "n_timesteps": [POSITIVE_INT],
        "g": [REAL],
        "dt": [POSITIVE],
        "height_range": [tuple, list],
        "velocity_range": [tuple, list],
        "drag": [NON_NEGATIVE],
        "noise": [NON_NEGATIVE],
        **COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_ball_trajectory(
    n_samples=100,
    n_timesteps=50,
    *,
    g=9.81,
    dt=0.02,
    height_range=(5.0, 10.0),
    velocity_range=(0.0, 10.0),
    drag=0.0,
    noise=0.0,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate heights of balls thrown upwards; the target is the next height.

    Parameters
    ----------
    n_samples : int, default=100
        Number of trajectories.

    n_timesteps : int, default=50
        Number of observed heights per trajectory (the target needs one more).

    g : float, default=9.81
        Gravitational acceleration, in m/s².

    dt : float, default=0.02
        Time between two observations, in seconds.

    height_range : tuple of (float, float), default=(5.0, 10.0)
        Initial heights are drawn uniformly in this range (metres).

    velocity_range : tuple of (float, float), default=(0.0, 10.0)
        Initial vertical velocities are drawn uniformly in this range (m/s, positive upwards).

    drag : float, default=0.0
        Linear (Stokes) drag coefficient ``k``, in 1/s: the acceleration is ``-g - k * v``.
        0 gives the exact parabola.

    noise : float, default=0.0
        Standard deviation of Gaussian observation noise added to the heights. The noisy
        heights are shared by inputs and targets, so ``y[t] == X[t + 1]`` still holds.

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

        data : ndarray of shape (n_samples, n_timesteps, 1), dtype float32
            Height at ``t * dt``, ``t = 0 .. n_timesteps - 1``.
        target : ndarray of shape (n_samples, n_timesteps), dtype float32
            Height at ``(t + 1) * dt``.
        initial_height : ndarray of shape (n_samples,), dtype float64
            ``h0`` of each trajectory.
        initial_velocity : ndarray of shape (n_samples,), dtype float64
            ``v0`` of each trajectory.
        dt : float
            The sampling interval.
        feature_names : list of str
            ``["height"]``.
        target_names : list of str
            ``["next_height"]``.
        frame : DataFrame or None
            Inputs and target in long format when ``as_frame=True``.
        DESCR : str
            Description of the task and of its memoryless baselines.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    Examples
    --------
    >>> from seqestimators.datasets import make_ball_trajectory
    >>> bunch = make_ball_trajectory(n_samples=4, n_timesteps=30, random_state=0)
    >>> bunch.data.shape, bunch.target.shape
    ((4, 30, 1), (4, 30))
    >>> bool((bunch.target[:, :-1] == bunch.data[:, 1:, 0]).all())
    True
    """
    func = "make_ball_trajectory"
    h_lo, h_hi = check_range("height_range", height_range, func=func)
    v_lo, v_hi = check_range("velocity_range", velocity_range, func=func)
    rng = check_random_state(random_state)
    h0 = rng.uniform(h_lo, h_hi, size=n_samples)
    v0 = rng.uniform(v_lo, v_hi, size=n_samples)
    time = np.arange(n_timesteps + 1, dtype=np.float64)[None, :] * dt
    if drag == 0:
        heights = h0[:, None] + v0[:, None] * time - 0.5 * g * time**2
    else:
        terminal = g / drag
        heights = (
            h0[:, None]
            + (v0[:, None] + terminal) * (-np.expm1(-drag * time)) / drag
            - terminal * time
        )
    if noise > 0:
        heights = heights + rng.normal(scale=noise, size=heights.shape)
    heights = heights.astype(np.float32)
    return make_dataset_bunch(
        heights[:, :-1, None],
        heights[:, 1:].copy(),
        feature_names=["height"],
        target_names=["next_height"],
        descr=_BALL_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        initial_height=h0,
        initial_velocity=v0,
        dt=float(dt),
    )
