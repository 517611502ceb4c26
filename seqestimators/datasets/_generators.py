"""Generators of the synthetic sequence tasks.

Every generator follows the conventions of :mod:`sklearn.datasets`' sample generators: size
arguments first, keyword-only options, ``random_state`` and a :class:`~sklearn.utils.Bunch` return
value (or ``(X, y)`` with ``return_X_y=True``, or long-format frames with ``as_frame=True``).

The first five tasks reproduce the setups of the questions this project answers (a latched burst
detector, a one-step echo, a saturated integrator, a thrown ball, a material's degradation with
output feedback); the last three are the classic memory benchmarks of the literature (adding
problem, copy memory, n-bit flip-flop).

All inputs ``X`` are ``float32`` (except the integer symbols of :func:`make_copy_memory`);
continuous targets are ``float32`` and class targets ``int64``.
"""

# Each generator draws every random number from its single ``rng`` in a fixed order, so that a
# given ``random_state`` always produces the same arrays; keep that order when editing.

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from ._base import make_dataset_bunch

__all__ = [
    "make_adding_problem",
    "make_ball_trajectory",
    "make_burst",
    "make_copy_memory",
    "make_degradation",
    "make_delayed_echo",
    "make_flipflop",
    "make_saturated_integral",
]

_POSITIVE_INT = Interval(Integral, 1, None, closed="left")
_NON_NEGATIVE_INT = Interval(Integral, 0, None, closed="left")
_PROBABILITY = Interval(Real, 0, 1, closed="both")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")
_POSITIVE = Interval(Real, 0, None, closed="neither")
_REAL = Interval(Real, None, None, closed="neither")
_COMMON = {
    "random_state": ["random_state"],
    "return_X_y": ["boolean"],
    "as_frame": ["boolean"],
}


def _check_range(name, value, *, func, low=None, high=None):
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


# --------------------------------------------------------------------------------------------
# Burst detection (seed 000)
# --------------------------------------------------------------------------------------------

_BURST_DESCR = """\
.. _burst_dataset:

Latched burst detection
-----------------------

**Story.** Each sequence is silent (0) except for one half-sine burst
``sin((t - onset) * pi / burst_length)`` for ``onset <= t < onset + burst_length``; the onset is
drawn uniformly (continuously) in ``[0, max_onset)``. The target is 1 from the start of the
sequence until the burst is over (``t < onset + burst_length``) and 0 for good afterwards: a
detector that must *latch* once it has seen the burst. This is the setup of the question
"RNN learns a memoryless solution" (130 steps, bursts of 10 steps starting before step 50).

**Shapes.** ``data``: ``(n_samples, n_timesteps, 1)`` float32; ``target``:
``(n_samples, n_timesteps)`` int64 in {0, 1}; ``onset``: ``(n_samples,)`` float64.

**Memory needed.** After the burst the input is 0 again, exactly as before it: only a model that
remembers whether the burst has already happened can tell 1 from 0 on the silent steps.

**Memoryless baseline.** A predictor that sees only the current input predicts 1 inside the burst
and must give silent steps one fixed answer; the best is 0 (most silent steps follow the burst),
so it errs on every step before the onset: expected accuracy ``1 - E[ceil(onset)] / n_timesteps``
= ``1 - 25.5 / 130`` ~ **0.804** with the defaults. That is the "memoryless" plateau of the
question; a recurrent model reaches 1.0.
"""


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "burst_length": [_POSITIVE],
        "max_onset": [_NON_NEGATIVE],
        **_COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_burst(
    n_samples=100,
    n_timesteps=130,
    *,
    burst_length=10,
    max_onset=50,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate the latched burst-detection task.

    Each sequence is zero except for one half-sine burst starting at a random time; the target is
    1 until the burst has ended and 0 afterwards. A model must remember whether the burst has
    already passed, since the input is 0 both before and after it.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences.

    n_timesteps : int, default=130
        Length of every sequence. Must be at least ``max_onset + burst_length`` so that every
        burst ends inside the sequence.

    burst_length : float, default=10
        Duration of the half-sine burst, in timesteps.

    max_onset : float, default=50
        Onsets are drawn uniformly in the continuous interval ``[0, max_onset)``.

    random_state : int, RandomState instance or None, default=None
        Determines random number generation. Pass an int for reproducible output across
        multiple function calls. ``make_burst(5, random_state=1)`` reproduces the data of the
        original question (``numpy.random.seed(1)`` then ``numpy.random.random() * 50`` per
        sequence).

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
            The input signal ``sin((t - onset) * pi / burst_length)`` inside the burst, 0
            elsewhere. A DataFrame when ``as_frame=True``.
        target : ndarray of shape (n_samples, n_timesteps), dtype int64
            1 while ``t < onset + burst_length``, 0 afterwards.
        onset : ndarray of shape (n_samples,), dtype float64
            The (continuous) onset of each burst.
        feature_names : list of str
            ``["signal"]``.
        target_names : list of str
            ``["latch"]``.
        frame : DataFrame or None
            Inputs and target in long format when ``as_frame=True``.
        DESCR : str
            Description of the task, including its memoryless baseline (accuracy ~0.804 with
            the defaults).

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    See Also
    --------
    make_flipflop : Latch the sign of several pulse trains.

    Examples
    --------
    >>> from seqestimators.datasets import make_burst
    >>> bunch = make_burst(n_samples=5, random_state=1)
    >>> bunch.data.shape, bunch.target.shape, bunch.onset.shape
    ((5, 130, 1), (5, 130), (5,))
    >>> int(bunch.target[0, 0]), int(bunch.target[0, -1])
    (1, 0)
    """
    if max_onset + burst_length > n_timesteps:
        raise ValueError(
            f"make_burst needs n_timesteps >= max_onset + burst_length so that every burst ends "
            f"inside the sequence; got n_timesteps={n_timesteps}, max_onset={max_onset}, "
            f"burst_length={burst_length}."
        )
    rng = check_random_state(random_state)
    onset = rng.uniform(0.0, max_onset, size=n_samples)
    t = np.arange(n_timesteps, dtype=np.float64)[None, :]
    start = onset[:, None]
    end = start + burst_length
    inside = (t >= start) & (t < end)
    X = np.where(inside, np.sin((t - start) * np.pi / burst_length), 0.0)
    y = (t < end).astype(np.int64)
    return make_dataset_bunch(
        X[:, :, None].astype(np.float32),
        y,
        feature_names=["signal"],
        target_names=["latch"],
        descr=_BURST_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        onset=onset,
    )


# --------------------------------------------------------------------------------------------
# Delayed echo (seed 002)
# --------------------------------------------------------------------------------------------

_ECHO_DESCR = """\
.. _delayed_echo_dataset:

Delayed (inverted) echo
-----------------------

**Story.** The input is a random binary sequence, 1 with probability ``p`` at each step
independently; the target is ``1 - x[t - delay]``: with ``delay=1`` "predict 0 if the previous
input was 1, else 1". Inputs before the start of the sequence count as 0, so the first ``delay``
targets are 1 and the rule holds at every step. This is the setup of the question "RNN cannot
predict 0 after a 1" (``p = 0.25``, one step of delay); its answer trained on length-32
sequences.

**Shapes.** ``data``: ``(n_samples, n_timesteps, 1)`` float32 in {0, 1}; ``target``:
``(n_samples, n_timesteps)`` int64 in {0, 1}.

**Memory needed.** The last ``delay`` inputs (one bit with the default). ``delay=0`` gives the
memoryless control task ``1 - x[t]``.

**Memoryless baseline.** The current input is independent of ``x[t - delay]``, so a predictor
that sees only it can do no better than the majority class: accuracy ``max(p, 1 - p)`` = **0.75**
on the steps ``t >= delay`` (mean squared error ``p * (1 - p)`` = 0.1875 for a regressor);
a recurrent model reaches 1.0.
"""


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "delay": [_NON_NEGATIVE_INT],
        "p": [_PROBABILITY],
        **_COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_delayed_echo(
    n_samples=100,
    n_timesteps=32,
    *,
    delay=1,
    p=0.25,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate the delayed inverted-echo task: ``y[t] = 1 - x[t - delay]``.

    A random binary input; the target is the complement of the input ``delay`` steps earlier.
    Inputs before the start of the sequence count as 0, so ``y[t] = 1`` for ``t < delay``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences.

    n_timesteps : int, default=32
        Length of every sequence; must be larger than ``delay``.

    delay : int, default=1
        How many steps back the target looks. ``delay=0`` is the memoryless control task.

    p : float, default=0.25
        Probability that an input is 1 (independently at each step).

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
            The binary inputs (0.0 or 1.0).
        target : ndarray of shape (n_samples, n_timesteps), dtype int64
            ``1 - x[t - delay]``, with ``x`` taken as 0 before the start.
        feature_names : list of str
            ``["x"]``.
        target_names : list of str
            ``["echo"]``.
        frame : DataFrame or None
            Inputs and target in long format when ``as_frame=True``.
        DESCR : str
            Description of the task; a memoryless predictor reaches ``max(p, 1 - p)``.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    Examples
    --------
    >>> from seqestimators.datasets import make_delayed_echo
    >>> X, y = make_delayed_echo(n_samples=4, n_timesteps=6, random_state=0, return_X_y=True)
    >>> X.shape, y.shape
    ((4, 6, 1), (4, 6))
    >>> bool((y[:, 1:] == 1 - X[:, :-1, 0]).all())
    True
    """
    if delay >= n_timesteps:
        raise ValueError(
            f"make_delayed_echo needs delay < n_timesteps; got delay={delay}, "
            f"n_timesteps={n_timesteps}."
        )
    rng = check_random_state(random_state)
    x = (rng.random_sample((n_samples, n_timesteps)) < p).astype(np.int64)
    past = np.zeros_like(x)
    past[:, delay:] = x[:, : n_timesteps - delay]
    y = 1 - past
    return make_dataset_bunch(
        x[:, :, None].astype(np.float32),
        y,
        feature_names=["x"],
        target_names=["echo"],
        descr=_ECHO_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
    )


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
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "switch_prob": [_PROBABILITY],
        "gain": [_REAL],
        "offset": [_REAL],
        "initial_input": [_REAL, None],
        **_COMMON,
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
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "g": [_REAL],
        "dt": [_POSITIVE],
        "height_range": [tuple, list],
        "velocity_range": [tuple, list],
        "drag": [_NON_NEGATIVE],
        "noise": [_NON_NEGATIVE],
        **_COMMON,
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
    h_lo, h_hi = _check_range("height_range", height_range, func=func)
    v_lo, v_hi = _check_range("velocity_range", velocity_range, func=func)
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
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "initial_durability": [_POSITIVE],
        "base_rate": [_NON_NEGATIVE],
        "temperature_coef": [_REAL],
        "humidity_coef": [_NON_NEGATIVE],
        "reference_temperature": [_REAL],
        "temperature_range": [tuple, list],
        "humidity_range": [tuple, list],
        "temperature_std": [_NON_NEGATIVE],
        "humidity_std": [_NON_NEGATIVE],
        "env_correlation": [Interval(Real, 0, 1, closed="left")],
        **_COMMON,
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
    t_lo, t_hi = _check_range("temperature_range", temperature_range, func=func)
    h_lo, h_hi = _check_range("humidity_range", humidity_range, func=func, low=0, high=100)
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


# --------------------------------------------------------------------------------------------
# Adding problem (Hochreiter & Schmidhuber 1997)
# --------------------------------------------------------------------------------------------

_ADDING_DESCR = """\
.. _adding_problem_dataset:

Adding problem
--------------

**Story.** The classic long-memory benchmark of Hochreiter & Schmidhuber (1997), in the form of
Le et al. (2015) and Arjovsky et al. (2016): each step carries two channels, a value drawn
uniformly in ``[0, 1)`` and a marker that is 1 at exactly two steps, one drawn uniformly in the
first half of the sequence (``t < n_timesteps // 2``) and one in the second half, and 0
elsewhere. The target, one number per sequence, is the sum of the two marked values.

**Shapes.** ``data``: ``(n_samples, n_timesteps, 2)`` float32 (value, marker); ``target``:
``(n_samples,)`` float32 in ``[0, 2)``; ``marker_positions``: ``(n_samples, 2)`` int64.

**Memory needed.** The first marked value, kept over up to ``n_timesteps`` steps of distracting
values, until the second one arrives.

**Baseline.** Always predicting 1 (the mean of the target) gives a mean squared error of
``Var(u1 + u2) = 2 / 12`` ~ **0.167**; a model that has learned the task goes well below it
(the papers call it solved under 0.01 or so).

**References.** S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural Computation
9(8), 1997. Q. V. Le, N. Jaitly and G. E. Hinton, "A simple way to initialize recurrent networks
of rectified linear units", arXiv:1504.00941, 2015. M. Arjovsky, A. Shah and Y. Bengio,
"Unitary evolution recurrent neural networks", ICML 2016.
"""


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [Interval(Integral, 2, None, closed="left")],
        **_COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_adding_problem(
    n_samples=100,
    n_timesteps=100,
    *,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate the adding problem: sum the two marked values of a long sequence.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences.

    n_timesteps : int, default=100
        Length of every sequence (at least 2). One marker lies in the first
        ``n_timesteps // 2`` steps, the other in the rest.

    random_state : int, RandomState instance or None, default=None
        Determines random number generation. Pass an int for reproducible output across
        multiple function calls.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    as_frame : bool, default=False
        If True, ``data`` is a long-format DataFrame with a MultiIndex ``(sample, timestep)``
        and ``target`` a Series indexed by ``sample``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_samples, n_timesteps, 2), dtype float32
            Channel 0: values uniform in ``[0, 1)``; channel 1: the markers (0.0 or 1.0).
        target : ndarray of shape (n_samples,), dtype float32
            Sum of the two marked values.
        marker_positions : ndarray of shape (n_samples, 2), dtype int64
            The two marked timesteps of each sequence.
        feature_names : list of str
            ``["value", "marker"]``.
        target_names : list of str
            ``["sum"]``.
        frame : DataFrame or None
            Inputs in long format with the target joined on ``sample`` when ``as_frame=True``.
        DESCR : str
            Description of the task; predicting 1 always gives an MSE of about 0.167.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    References
    ----------
    .. [1] S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural Computation,
       9(8):1735-1780, 1997.
    .. [2] Q. V. Le, N. Jaitly and G. E. Hinton, "A simple way to initialize recurrent networks
       of rectified linear units", arXiv:1504.00941, 2015.
    .. [3] M. Arjovsky, A. Shah and Y. Bengio, "Unitary evolution recurrent neural networks",
       ICML 2016.

    Examples
    --------
    >>> from seqestimators.datasets import make_adding_problem
    >>> X, y = make_adding_problem(n_samples=8, n_timesteps=50, random_state=0, return_X_y=True)
    >>> X.shape, y.shape
    ((8, 50, 2), (8,))
    >>> X[..., 1].sum(axis=1).tolist()
    [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    """
    rng = check_random_state(random_state)
    half = n_timesteps // 2
    values = rng.random_sample((n_samples, n_timesteps))
    first = rng.randint(0, half, size=n_samples)
    second = rng.randint(half, n_timesteps, size=n_samples)
    markers = np.zeros((n_samples, n_timesteps))
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=2).astype(np.float32)
    # The target is computed from the float32 values that the model sees.
    y = X[rows, first, 0] + X[rows, second, 0]
    return make_dataset_bunch(
        X,
        y.astype(np.float32),
        feature_names=["value", "marker"],
        target_names=["sum"],
        descr=_ADDING_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        marker_positions=np.stack([first, second], axis=1).astype(np.int64),
    )


# --------------------------------------------------------------------------------------------
# Copy memory (Arjovsky, Shah & Bengio 2016)
# --------------------------------------------------------------------------------------------

_COPY_DESCR = """\
.. _copy_memory_dataset:

Copy memory
-----------

**Story.** The copy task of Arjovsky, Shah & Bengio (2016), after Hochreiter & Schmidhuber
(1997). Symbols are integers: 0 is the blank, ``1 .. n_symbols`` are data symbols and
``n_symbols + 1`` is the recall marker. Each input sequence starts with ``n_copy`` data symbols
drawn uniformly, followed by ``delay - 1`` blanks, the marker, and ``n_copy`` more blanks, for
``n_timesteps = delay + 2 * n_copy`` steps (the paper's layout, with its ``T`` = ``delay``).
The target is blank everywhere except the last ``n_copy`` steps, right after the marker, which
must reproduce the ``n_copy`` symbols of the start in order.

**Shapes.** ``data``: ``(n_samples, n_timesteps, 1)`` int64 symbols, or
``(n_samples, n_timesteps, n_symbols + 2)`` float32 one-hot codes with ``one_hot=True``;
``target``: ``(n_samples, n_timesteps)`` int64 in ``0 .. n_symbols``.

**Memory needed.** The ``n_copy`` symbols, in order, over ``delay + n_copy`` steps.

**Memoryless baseline.** The paper's baseline predicts blanks for the first ``delay + n_copy``
steps and a uniformly random data symbol for the last ``n_copy``: its cross-entropy per step is
``n_copy * log(n_symbols) / (delay + 2 * n_copy)`` = 10 log 8 / 120 ~ **0.173** with the defaults
(``delay=100``; 0.095 for ``delay=200``, 0.021 for ``delay=1000``), and its accuracy
``(delay + n_copy + n_copy / n_symbols) / n_timesteps`` ~ 0.927. A model only beats it by
remembering the symbols.

**References.** M. Arjovsky, A. Shah and Y. Bengio, "Unitary evolution recurrent neural
networks", ICML 2016. S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural
Computation 9(8), 1997.
"""


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "delay": [_POSITIVE_INT],
        "n_copy": [_POSITIVE_INT],
        "n_symbols": [_POSITIVE_INT],
        "one_hot": ["boolean"],
        **_COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_copy_memory(
    n_samples=100,
    delay=100,
    *,
    n_copy=10,
    n_symbols=8,
    one_hot=False,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate the copy-memory task: recall a string of symbols after a long blank delay.

    The sequence length is ``n_timesteps = delay + 2 * n_copy``: ``n_copy`` data symbols,
    ``delay - 1`` blanks, the recall marker, ``n_copy`` blanks. The target is blank (0) except
    for the last ``n_copy`` steps, which hold the data symbols.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences.

    delay : int, default=100
        The paper's ``T``: the number of steps between the end of the data symbols and the
        first step at which they must be recalled (``delay - 1`` blanks and the marker). It
        sets the sequence length ``delay + 2 * n_copy``.

    n_copy : int, default=10
        Number of data symbols to remember.

    n_symbols : int, default=8
        Size of the data alphabet; data symbols are ``1 .. n_symbols``, the blank is 0 and the
        recall marker ``n_symbols + 1``.

    one_hot : bool, default=False
        If True, ``data`` holds one-hot codes of the ``n_symbols + 2`` symbols (float32)
        instead of the integer symbols.

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

        data : ndarray of shape (n_samples, n_timesteps, 1), dtype int64
            The input symbols; of shape ``(n_samples, n_timesteps, n_symbols + 2)`` and dtype
            float32 with ``one_hot=True``.
        target : ndarray of shape (n_samples, n_timesteps), dtype int64
            0 except in the last ``n_copy`` steps, which repeat the first ``n_copy`` inputs.
        marker : int
            The recall marker's symbol, ``n_symbols + 1``.
        feature_names : list of str
            ``["symbol"]``, or ``["blank", "symbol_1", ..., "marker"]`` with ``one_hot=True``.
        target_names : list of str
            ``["recall"]``.
        frame : DataFrame or None
            Inputs and target in long format when ``as_frame=True``.
        DESCR : str
            Description of the task and of the paper's memoryless baseline.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    References
    ----------
    .. [1] M. Arjovsky, A. Shah and Y. Bengio, "Unitary evolution recurrent neural networks",
       ICML 2016, arXiv:1511.06464.
    .. [2] S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural Computation,
       9(8):1735-1780, 1997.

    Examples
    --------
    >>> from seqestimators.datasets import make_copy_memory
    >>> X, y = make_copy_memory(n_samples=2, delay=5, n_copy=3, random_state=0, return_X_y=True)
    >>> X.shape, y.shape
    ((2, 11, 1), (2, 11))
    >>> X[0, :, 0].tolist(), y[0].tolist()
    ([5, 8, 6, 0, 0, 0, 0, 9, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 5, 8, 6])
    """
    rng = check_random_state(random_state)
    n_timesteps = delay + 2 * n_copy
    marker = n_symbols + 1
    symbols = rng.randint(1, n_symbols + 1, size=(n_samples, n_copy)).astype(np.int64)
    x = np.zeros((n_samples, n_timesteps), dtype=np.int64)
    x[:, :n_copy] = symbols
    x[:, n_copy + delay - 1] = marker
    y = np.zeros((n_samples, n_timesteps), dtype=np.int64)
    y[:, -n_copy:] = symbols
    if one_hot:
        X = np.eye(n_symbols + 2, dtype=np.float32)[x]
        feature_names = ["blank", *(f"symbol_{k}" for k in range(1, n_symbols + 1)), "marker"]
    else:
        X = x[:, :, None]
        feature_names = ["symbol"]
    return make_dataset_bunch(
        X,
        y,
        feature_names=feature_names,
        target_names=["recall"],
        descr=_COPY_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        marker=int(marker),
    )


# --------------------------------------------------------------------------------------------
# n-bit flip-flop (Sussillo & Barak 2013)
# --------------------------------------------------------------------------------------------

_FLIPFLOP_DESCR = """\
.. _flipflop_dataset:

n-bit flip-flop
---------------

**Story.** The flip-flop task of Sussillo & Barak (2013): ``n_bits`` independent input channels
are 0 except for brief pulses of +1 or -1 (at each step and channel a pulse occurs with
probability ``pulse_prob``, with a random sign). Each output channel must hold the sign of its
channel's most recent pulse, switching at the pulse itself. Before a channel's first pulse its
output is 0 (the state is undetermined).

**Shapes.** ``data`` and ``target``: ``(n_samples, n_timesteps, n_bits)`` float32 in
{-1, 0, 1}.

**Memory needed.** One bit per channel (the last pulse's sign), held for arbitrarily long
between pulses: a network must build ``2 ** n_bits`` stable states.

**Memoryless baseline.** A predictor that sees only the current inputs is right on the pulse
steps and, by symmetry, can only answer 0 between pulses: with the defaults (3 bits, 100 steps,
``pulse_prob=0.05``) its R^2 is about **0.06** (mean squared error ~0.76 against a target
variance ~0.81); a recurrent model reaches R^2 = 1.

**Reference.** D. Sussillo and O. Barak, "Opening the black box: low-dimensional dynamics in
high-dimensional recurrent neural networks", Neural Computation 25(3), 2013.
"""


@validate_params(
    {
        "n_samples": [_POSITIVE_INT],
        "n_timesteps": [_POSITIVE_INT],
        "n_bits": [_POSITIVE_INT],
        "pulse_prob": [_PROBABILITY],
        **_COMMON,
    },
    prefer_skip_nested_validation=True,
)
def make_flipflop(
    n_samples=100,
    n_timesteps=100,
    *,
    n_bits=3,
    pulse_prob=0.05,
    random_state=None,
    return_X_y=False,
    as_frame=False,
):
    """Generate the n-bit flip-flop task: hold the sign of each channel's last pulse.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences.

    n_timesteps : int, default=100
        Length of every sequence.

    n_bits : int, default=3
        Number of independent channels (bits).

    pulse_prob : float, default=0.05
        Probability of a pulse at each step on each channel; its sign is +1 or -1 with equal
        probability.

    random_state : int, RandomState instance or None, default=None
        Determines random number generation. Pass an int for reproducible output across
        multiple function calls.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    as_frame : bool, default=False
        If True, ``data`` is a long-format DataFrame with a MultiIndex ``(sample, timestep)``
        and ``target`` a DataFrame (one column per bit) on the same index.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_samples, n_timesteps, n_bits), dtype float32
            The pulses: -1.0, 0.0 or +1.0.
        target : ndarray of shape (n_samples, n_timesteps, n_bits), dtype float32
            The sign of each channel's most recent pulse (including the current step), 0
            before its first pulse.
        feature_names : list of str
            ``["pulse_0", "pulse_1", ...]``.
        target_names : list of str
            ``["state_0", "state_1", ...]``.
        frame : DataFrame or None
            Inputs and targets in long format when ``as_frame=True``.
        DESCR : str
            Description of the task and of its memoryless baseline.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or frames) described above.

    References
    ----------
    .. [1] D. Sussillo and O. Barak, "Opening the black box: low-dimensional dynamics in
       high-dimensional recurrent neural networks", Neural Computation, 25(3):626-649, 2013.

    Examples
    --------
    >>> from seqestimators.datasets import make_flipflop
    >>> X, y = make_flipflop(n_samples=4, n_timesteps=50, n_bits=2, random_state=0,
    ...                      return_X_y=True)
    >>> X.shape, y.shape
    ((4, 50, 2), (4, 50, 2))
    >>> sorted(set(y.ravel().tolist()))
    [-1.0, 0.0, 1.0]
    """
    rng = check_random_state(random_state)
    shape = (n_samples, n_timesteps, n_bits)
    pulses = rng.random_sample(shape) < pulse_prob
    signs = np.where(rng.random_sample(shape) < 0.5, -1.0, 1.0)
    x = np.where(pulses, signs, 0.0)
    # Index of the latest pulse at or before t (-1 if none), then gather its sign.
    steps = np.arange(n_timesteps)[None, :, None]
    last = np.maximum.accumulate(np.where(pulses, steps, -1), axis=1)
    held = np.take_along_axis(x, np.maximum(last, 0), axis=1)
    y = np.where(last >= 0, held, 0.0)
    return make_dataset_bunch(
        x.astype(np.float32),
        y.astype(np.float32),
        feature_names=[f"pulse_{k}" for k in range(n_bits)],
        target_names=[f"state_{k}" for k in range(n_bits)],
        descr=_FLIPFLOP_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
