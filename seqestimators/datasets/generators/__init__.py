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

One file per family: ``_latching`` (burst, flip-flop), ``_memory`` (delayed echo, copy memory,
adding problem), ``_dynamics`` (saturated integral, ball trajectory) and ``_feedback``
(degradation); ``_validation`` holds the parameter constraints they share.
"""

from ._dynamics import make_ball_trajectory, make_saturated_integral
from ._feedback import make_degradation
from ._latching import make_burst, make_flipflop
from ._memory import make_adding_problem, make_copy_memory, make_delayed_echo

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
