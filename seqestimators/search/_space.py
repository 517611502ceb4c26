"""The default search space, built from the registries of cells and state policies."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from ..networks import CELLS
from ..state import STATE_POLICIES

__all__ = ["default_param_distributions", "estimator_params_in"]

#: Searched hidden sizes: powers of two, for readable tables.
HIDDEN_SIZES = (4, 8, 16, 32, 64, 128)
#: Searched patch sizes and poolings (per-sequence outputs only).
PATCH_SIZES = ("auto", None, 4, 8, 16)
POOLINGS = ("auto", "last", "mean", "max", "attention")


def default_param_distributions(estimator=None, *, per_sequence_output=False, **overrides):
    """The ready search space over cell type, hidden size, state policy, layers and learning rate.

    ===================  ==========================================================
    ``cell``             every registered cell (``tuple(seqestimators.networks.CELLS)``:
                         ``"rnn"``, ``"lstm"``, ``"gru"``, ...)
    ``hidden_size``      4, 8, 16, 32, 64, 128 (powers of two: readable tables)
    ``state_policy``     every registered policy (``tuple(seqestimators.state.STATE_POLICIES)``:
                         ``"reset"``, ``"carry"``, ``"learned"``, ...)
    ``num_layers``       1 to 2
    ``lr``               1e-3 to 1e-1, log scale
    ``patch_size``       ``"auto"``, None, 4, 8, 16 (per-sequence outputs only)
    ``pooling``          ``"auto"``, ``"last"``, ``"mean"``, ``"max"``, ``"attention"`` (per-sequence
                         outputs only)
    ===================  ==========================================================

    Parameters
    ----------
    estimator : estimator instance, default=None
        When given, only the entries that are parameters of the estimator are kept (a
        :class:`~seqestimators.MemorylessClassifier` has no ``cell``), and for a
        :class:`~sklearn.pipeline.Pipeline` the names are prefixed with its last step's name
        (``"rnnclassifier__cell"``).
    per_sequence_output : bool, default=False
        Whether the targets are one per sequence, so that ``patch_size`` and ``pooling`` (which
        need that) are searched too. :class:`SequenceSearchCV` decides it from ``y``.
    **overrides : optuna distribution, list, tuple, scalar or None
        Entries to add or replace, by parameter name of the estimator (before any Pipeline
        prefix): an :mod:`optuna.distributions` object is used as is, a list or tuple becomes a
        :class:`~optuna.distributions.CategoricalDistribution`, any other value a fixed
        one-choice categorical, and ``None`` removes the entry.

    Returns
    -------
    param_distributions : dict of str to optuna.distributions.BaseDistribution
        A new dict; edit it freely before passing it to :func:`optuna_search`.

    Examples
    --------
    >>> from optuna.distributions import FloatDistribution
    >>> from seqestimators.search import default_param_distributions
    >>> sorted(default_param_distributions())
    ['cell', 'hidden_size', 'lr', 'num_layers', 'state_policy']
    >>> space = default_param_distributions(
    ...     cell=["lstm", "gru"], num_layers=None,
    ...     dropout=FloatDistribution(0.0, 0.5))
    >>> space["cell"]
    CategoricalDistribution(choices=('lstm', 'gru'))
    >>> sorted(space)
    ['cell', 'dropout', 'hidden_size', 'lr', 'state_policy']
    >>> sorted(default_param_distributions(per_sequence_output=True))[3:]
    ['num_layers', 'patch_size', 'pooling', 'state_policy']
    """
    space = {
        "cell": CategoricalDistribution(tuple(CELLS)),
        "hidden_size": CategoricalDistribution(HIDDEN_SIZES),
        "state_policy": CategoricalDistribution(tuple(STATE_POLICIES)),
        "num_layers": IntDistribution(1, 2),
        "lr": FloatDistribution(1e-3, 1e-1, log=True),
    }
    if per_sequence_output:
        space["patch_size"] = CategoricalDistribution(PATCH_SIZES)
        space["pooling"] = CategoricalDistribution(POOLINGS)
    prefix = ""
    if estimator is not None:
        net, prefix = final_estimator(estimator)
        names = set(net.get_params(deep=False))
        space = {name: dist for name, dist in space.items() if name in names}
    for name, value in overrides.items():
        if value is None:
            space.pop(name, None)
        else:
            space[name] = _as_distribution(name, value)
    return {prefix + name: dist for name, dist in space.items()}


def _as_distribution(name, value):
    if isinstance(value, BaseDistribution):
        return value
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            raise ValueError(f"The choices for {name!r} must not be empty.")
        return CategoricalDistribution(tuple(value))
    if isinstance(value, (str, bool, Integral, Real)):
        return CategoricalDistribution((value,))
    raise TypeError(
        f"The value for {name!r} must be an optuna distribution, a list or tuple of choices, a "
        f"single value or None; got {type(value).__name__}."
    )


def final_estimator(estimator):
    """The last step of (nested) Pipelines and the prefix of its parameter names."""
    prefix = ""
    while hasattr(estimator, "steps"):
        name, estimator = estimator.steps[-1]
        prefix += name + "__"
    return estimator, prefix


def suggest(trial, name, distribution):
    """A value for ``name`` from ``distribution``, through the trial's public suggest API."""
    if isinstance(distribution, CategoricalDistribution):
        return trial.suggest_categorical(name, distribution.choices)
    if isinstance(distribution, IntDistribution):
        return trial.suggest_int(name, distribution.low, distribution.high, step=distribution.step,
                                 log=distribution.log)
    if isinstance(distribution, FloatDistribution):
        return trial.suggest_float(name, distribution.low, distribution.high,
                                   step=distribution.step, log=distribution.log)
    raise TypeError(
        f"Unsupported distribution for {name!r}: {distribution!r}. Use a "
        "CategoricalDistribution, IntDistribution or FloatDistribution."
    )


def _holds(distribution, value):
    """Whether ``value`` is one ``distribution`` can suggest."""
    if isinstance(distribution, CategoricalDistribution):
        return any(type(value) is type(choice) and value == choice
                   for choice in distribution.choices)
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    if isinstance(distribution, IntDistribution) and not isinstance(value, Integral):
        return False
    return distribution.low <= value <= distribution.high


def estimator_params_in(distributions, estimator):
    """The estimator's own values of the searched parameters, when the space holds them all.

    Parameters
    ----------
    distributions : dict of str to optuna.distributions.BaseDistribution
        The search space, with the names ``estimator.get_params()`` uses.
    estimator : estimator instance

    Returns
    -------
    params : dict or None
        ``{name: value}`` for every searched name, or None when a value lies outside its
        distribution (or the estimator has no such parameter).

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.search import default_param_distributions, estimator_params_in
    >>> estimator_params_in(default_param_distributions(), RNNClassifier())
    {'cell': 'lstm', 'hidden_size': 32, 'state_policy': 'reset', 'num_layers': 1, 'lr': 0.01}
    >>> estimator_params_in(default_param_distributions(), RNNClassifier(hidden_size=20)) is None
    True
    """
    values = estimator.get_params(deep=True)
    params = {}
    for name, distribution in distributions.items():
        if name not in values or not _holds(distribution, values[name]):
            return None
        params[name] = values[name]
    return params



def space_size(distributions):
    """How many distinct parameter sets the space holds (inf for a continuous one)."""
    size = 1
    for dist in distributions.values():
        if isinstance(dist, CategoricalDistribution):
            size *= len(dist.choices)
        elif isinstance(dist, IntDistribution) and not dist.log:
            size *= (dist.high - dist.low) // dist.step + 1
        elif isinstance(dist, IntDistribution):
            size *= dist.high - dist.low + 1
        elif isinstance(dist, FloatDistribution) and dist.step is not None:
            size *= int(round((dist.high - dist.low) / dist.step)) + 1
        else:
            return math.inf
    return size


def per_sequence_targets(y):
    """Whether ``y`` holds one target (or one row of targets) per sequence."""
    if y is None or isinstance(y, (list, tuple)) and len(y) and np.ndim(y[0]) >= 1:
        return False
    return np.ndim(y) == 1

