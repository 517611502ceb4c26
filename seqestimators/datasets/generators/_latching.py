"""Tasks whose answer must be latched: a burst detector and the n-bit flip-flop."""

# Each generator draws every random number from its single ``rng`` in a fixed order, so that a
# given ``random_state`` always produces the same arrays; keep that order when editing.

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from ..bunch import make_dataset_bunch
from ._validation import COMMON, NON_NEGATIVE, POSITIVE, POSITIVE_INT, PROBABILITY, validate_params

__all__ = ["make_burst", "make_flipflop"]


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
        "n_samples": [POSITIVE_INT],
        "n_timesteps": [POSITIVE_INT],
        "burst_length": [POSITIVE],
        "max_onset": [NON_NEGATIVE],
        **COMMON,
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
        "n_samples": [POSITIVE_INT],
        "n_timesteps": [POSITIVE_INT],
        "n_bits": [POSITIVE_INT],
        "pulse_prob": [PROBABILITY],
        **COMMON,
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
