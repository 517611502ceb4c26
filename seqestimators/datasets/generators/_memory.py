"""Classic memory benchmarks: a one-step echo, the copy memory task and the adding problem."""

# Each generator draws every random number from its single ``rng`` in a fixed order, so that a
# given ``random_state`` always produces the same arrays; keep that order when editing.

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ..bunch import make_dataset_bunch
from ._validation import COMMON, NON_NEGATIVE_INT, POSITIVE_INT, PROBABILITY, Interval, validate_params

__all__ = ["make_adding_problem", "make_copy_memory", "make_delayed_echo"]


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
        "n_samples": [POSITIVE_INT],
        "n_timesteps": [POSITIVE_INT],
        "delay": [NON_NEGATIVE_INT],
        "p": [PROBABILITY],
        **COMMON,
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
        "n_samples": [POSITIVE_INT],
        "delay": [POSITIVE_INT],
        "n_copy": [POSITIVE_INT],
        "n_symbols": [POSITIVE_INT],
        "one_hot": ["boolean"],
        **COMMON,
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
        "n_samples": [POSITIVE_INT],
        "n_timesteps": [Interval(Integral, 2, None, closed="left")],
        **COMMON,
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
