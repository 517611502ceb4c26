"""Argument types and the options the search commands share.

Cell and state-policy names come from their registries (``seqestimators.networks.CELLS``,
``seqestimators.state.STATE_POLICIES``). The registries are read only when a value is parsed
or a command runs, never to build the parser: the cells' module imports torch, and ``--help``
must answer at once.
"""

from __future__ import annotations

import argparse

from ..datasets.tasks import TASK_ALIASES, TASKS

POOLINGS = ("last", "mean", "max", "attention")  # networks.POOLINGS needs torch


def cell_names():
    """The registered cell names, in registry order."""
    from ..networks import CELLS

    return tuple(CELLS)


def policy_names():
    """The registered hidden-state policy names, in registry order."""
    from ..state import STATE_POLICIES

    return tuple(STATE_POLICIES)


def positive_int(text):
    """An argparse type: a positive integer."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def task_name(text):
    """An argparse type: a task name or alias of :data:`~seqestimators.datasets.tasks.TASKS`."""
    name = TASK_ALIASES.get(text, text)
    if name not in TASKS:
        known = ", ".join(list(TASKS) + list(TASK_ALIASES))
        raise argparse.ArgumentTypeError(f"unknown task {text!r} (choose from {known})")
    return name


def patch_size(text):
    """``auto``, ``none`` or a positive int: one choice of ``--patch-sizes``."""
    lowered = text.lower()
    if lowered in ("auto", "none"):
        return "auto" if lowered == "auto" else None
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


patch_size.__name__ = "patch size (auto, none or a positive int)"


def choices(kind, allowed=None):
    """An argparse type for a comma-separated list, e.g. ``lstm,gru`` or ``8,16,32``.

    ``allowed`` is a collection of the valid values, or a function returning it (called when a
    value is parsed, so that a registry is imported only then).
    """

    def parse(text):
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            raise argparse.ArgumentTypeError("expected a comma-separated list, got nothing")
        try:
            values = [kind(item) for item in items]
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated {kind.__name__} values, got {text!r}") from None
        valid = allowed() if callable(allowed) else allowed
        bad = [v for v in values if (valid is not None and v not in valid)
               or (kind is int and v < 1)]
        if bad:
            hint = f" (choose from {', '.join(valid)})" if valid else ""
            raise argparse.ArgumentTypeError(f"invalid value(s) {bad}{hint}")
        return list(dict.fromkeys(values))

    return parse


def one_of(allowed, what):
    """An argparse type for one name of a registry (``allowed`` returns the valid names)."""

    def parse(text):
        valid = allowed()
        if text not in valid:
            raise argparse.ArgumentTypeError(
                f"invalid {what} {text!r} (choose from {', '.join(valid)})")
        return text

    parse.__name__ = what
    return parse


def task_param(text):
    """``NAME=VALUE`` for a keyword argument of the task's generator (VALUE a Python literal)."""
    import ast

    name, sep, value = text.partition("=")
    if not sep or not name.strip().isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        value = ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        value = value.strip()
    return name.strip(), value


def check_device(parser, device):
    """Exit with a usage error when the torch device is not available here."""
    from ..estimators import resolve_device

    try:
        resolve_device(device)
    except (ValueError, RuntimeError) as exc:
        parser.error(f"argument --device: {exc}")


def task_help():
    """``burst, delayed_echo (echo), ...``: the tasks and their aliases for the help text."""
    short = {name: alias for alias, name in TASK_ALIASES.items()}
    return ", ".join(f"{name} ({short[name]})" if name in short else name for name in TASKS)


def add_task_argument(sub):
    """The ``TASK`` positional argument."""
    sub.add_argument("task", metavar="TASK", type=task_name,
                     help=f"the built-in task: {task_help()}")


def add_data_options(sub, fresh_data=True):
    """How the task's data are generated (``fresh_data``: and the fresh test sequences)."""
    sub.add_argument("--n-samples", type=positive_int, default=256, metavar="N",
                     help="training sequences (default: %(default)s)" + (
                         "; a quarter as many fresh ones (at least 8) are generated for the "
                         "prediction plot" if fresh_data else ""))
    sub.add_argument("--n-timesteps", type=positive_int, default=None, metavar="T",
                     help="sequence length, for tasks whose generator takes n_timesteps "
                     "(default: the task's own)")
    sub.add_argument("--task-param", type=task_param, action="append", metavar="NAME=VALUE",
                     help="another keyword argument of the task's generator, e.g. "
                     "max_onset=25 for burst (repeatable)")


def add_training_options(sub, fresh_data=True):
    """How each model trains, and the seed."""
    sub.add_argument("--max-epochs", type=positive_int, default=10, metavar="E",
                     help="training epochs per fit (default: %(default)s)")
    sub.add_argument("--batch-size", type=positive_int, default=32, metavar="B",
                     help="mini-batch size (default: %(default)s)")
    sub.add_argument("--lr", type=float, default=0.01,
                     help="learning rate of Adam (default: %(default)s)")
    sub.add_argument("--device", default="cpu",
                     help="torch device: cpu, cuda, cuda:N or auto (default: %(default)s)")
    sub.add_argument("--seed", type=int, default=0, metavar="S",
                     help=("seed of the data, the models and the sampler (default: "
                           "%(default)s); the fresh test data use S+1" if fresh_data else
                           "seed of the data, the models and the diagnosis (default: "
                           "%(default)s)"))


def add_search_options(sub, kind):
    """The options of the ``study`` and ``grid`` commands: task, search space, CV, training."""
    add_task_argument(sub)
    sub.add_argument("--output", "-o", metavar="DIR", default=None,
                     help="folder for results.csv and the PNG plots (created if needed; "
                     f"default: TASK_{kind} in the current folder)")
    sub.add_argument("--cells", type=choices(str, cell_names), default=None, metavar="LIST",
                     help="cell types, comma-separated (default: every registered cell, "
                     "seqestimators.networks.CELLS)")
    sub.add_argument("--hidden-sizes", type=choices(int), default=[8, 16, 32],
                     metavar="LIST", help="hidden sizes, comma-separated (default: 8,16,32)")
    sub.add_argument("--policies", type=choices(str, policy_names), default=None,
                     metavar="LIST", help="hidden-state policies, comma-separated (default: "
                     "every registered policy, seqestimators.state.STATE_POLICIES)")
    sub.add_argument("--patch-sizes", type=choices(patch_size), default=None,
                     metavar="LIST", help="also search patch_size, e.g. none,auto,8 "
                     "(per-sequence targets only; default: not searched)")
    sub.add_argument("--poolings", type=choices(str, POOLINGS), default=None,
                     metavar="LIST", help="also search pooling, e.g. last,mean,attention "
                     "(per-sequence targets only; default: not searched)")
    sub.add_argument("--cv", type=positive_int, default=3, metavar="K",
                     help="cross-validation folds (default: %(default)s)")
    add_data_options(sub)
    add_training_options(sub)
