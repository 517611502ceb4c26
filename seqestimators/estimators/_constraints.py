"""The estimators' parameter constraints, with the choices read from the registries.

Cell names come from :data:`seqestimators.networks.CELLS`, state policies from
:data:`seqestimators.state.STATE_POLICIES` and poolings from
:data:`seqestimators.networks.POOLINGS`: a new cell, policy or pooling is a valid parameter
value as soon as it is registered.
"""

from __future__ import annotations

from numbers import Integral, Real

# scikit-learn has no public module for these constraint objects; they are the ones its own
# estimators declare in `_parameter_constraints`, which `validate_parameter_constraints` reads.
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ..networks import CELLS, FRONTENDS, POOLINGS
from ..state import STATE_POLICIES

__all__ = [
    "MEMORYLESS_CONSTRAINTS",
    "NET_CONSTRAINTS",
    "RECURRENT_CONSTRAINTS",
    "cell_names",
    "policy_names",
]


def cell_names():
    """The registered recurrent cells, in registry order."""
    return tuple(CELLS)


def policy_names():
    """The registered state policies, in registry order."""
    return tuple(STATE_POLICIES)


def _positive_int():
    return Interval(Integral, 1, None, closed="left")


#: What every sequence estimator checks in ``fit`` (each only where the estimator has it).
NET_CONSTRAINTS = {
    "cell": [StrOptions(set(cell_names()))],
    "bidirectional": ["boolean"],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "hidden_size": [_positive_int()],
    "num_layers": [_positive_int()],
    "state_policy": [StrOptions(set(policy_names()))],
    "tbptt_steps": [_positive_int(), None],
    "accumulate_steps": [_positive_int()],
    "output": [StrOptions({"auto", "sequence", "last"})],
    "max_epochs": [Interval(Integral, 0, None, closed="left")],
    "n_iter_no_change": [_positive_int(), None],
    "tol": [Interval(Real, 0, None, closed="left")],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "lr": [Interval(Real, 0, None, closed="neither")],
    "batch_size": [_positive_int(), Options(Integral, {-1})],
    "predict_batch_size": [_positive_int()],
    "standardize_targets": ["boolean"],
    "num_threads": [_positive_int(), None],
    "random_state": ["random_state"],
}

#: The recurrent estimators' long-sequence settings.
RECURRENT_CONSTRAINTS = {
    **NET_CONSTRAINTS,
    "patch_size": [_positive_int(), StrOptions({"auto"}), None],
    "pooling": [StrOptions({*POOLINGS, "auto"})],
    "instance_norm": ["boolean", StrOptions({"auto"})],
    "baseline_check": ["boolean"],
    "frontend": [StrOptions({*FRONTENDS, "auto"}), None],
}

#: The memoryless baselines': a perceptron may have no hidden layer.
MEMORYLESS_CONSTRAINTS = {
    **NET_CONSTRAINTS,
    "num_layers": [Interval(Integral, 0, None, closed="left")],
}
