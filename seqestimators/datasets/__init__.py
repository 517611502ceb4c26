"""Sequence tasks and real sequence datasets.

Generators (``make_*``) build the synthetic tasks behind the questions this project answers;
loaders (``load_*``) read the small real datasets shipped with the package. All return a
:class:`sklearn.utils.Bunch` (or ``(X, y)`` with ``return_X_y=True``) with ``X`` of shape
``(n_samples, n_timesteps, n_features)``.

The generators live in :mod:`seqestimators.datasets.generators` and the loaders in
:mod:`seqestimators.datasets.loaders`, one file per family; this package re-exports them all.
:mod:`seqestimators.datasets.tasks` is the registry of the built-in tasks read by the command line
and by diagnostics, and :func:`seqestimators.datasets.bunch.make_dataset_bunch` packages a dataset
the way every generator and loader returns it.

The names are imported on first use, so that importing :mod:`seqestimators.datasets.tasks` (as the
command line does to build its parser) loads neither scikit-learn nor pandas.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported on first use by __getattr__
    from .generators import (
        make_adding_problem,
        make_ball_trajectory,
        make_burst,
        make_copy_memory,
        make_degradation,
        make_delayed_echo,
        make_flipflop,
        make_saturated_integral,
    )
    from .loaders import (
        load_airline,
        load_arrowhead,
        load_basic_motions,
        load_cardano_sentiment,
        load_covid_3month,
        load_gunpoint,
        load_italy_power_demand,
        load_japanese_vowels,
        load_m1_yearly,
        load_osuleaf,
        load_plaid,
        load_shampoo_sales,
        load_tecator,
        load_uschange,
        read_ts,
        read_tsf,
    )

__all__ = [
    "load_airline",
    "load_arrowhead",
    "load_basic_motions",
    "load_cardano_sentiment",
    "load_covid_3month",
    "load_gunpoint",
    "load_italy_power_demand",
    "load_japanese_vowels",
    "load_m1_yearly",
    "load_osuleaf",
    "load_plaid",
    "load_shampoo_sales",
    "load_tecator",
    "load_uschange",
    "make_adding_problem",
    "make_ball_trajectory",
    "make_burst",
    "make_copy_memory",
    "make_degradation",
    "make_delayed_echo",
    "make_flipflop",
    "make_saturated_integral",
    "read_ts",
    "read_tsf",
]

_GENERATORS = frozenset(name for name in __all__ if name.startswith("make_"))


def __getattr__(name):
    if name in __all__:
        from . import generators, loaders

        return getattr(generators if name in _GENERATORS else loaders, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
