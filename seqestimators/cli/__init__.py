"""The ``seqestimators`` command line.

Subcommands, one module each:

``tasks``
    Generate every built-in synthetic task, print a summary table and, with ``--output``, save
    one PNG per task.

``study``
    Run (or resume) an Optuna study over cell type x hidden size x hidden-state policy on a
    built-in task with :func:`seqestimators.search.optuna_search`; print the result table and
    the best configuration; write ``results.csv`` and PNG plots.

``grid``
    The same with scikit-learn's :class:`~sklearn.model_selection.GridSearchCV` over every
    combination.

``diagnose``
    Fit one configuration with :func:`seqestimators.diagnostics.diagnose_task` and print its
    findings.

A command is a module ``_<name>.py`` with ``add_parser(subparsers)`` (which sets ``func=run``)
and ``run(args) -> int``, listed in :data:`_COMMANDS`. Heavy libraries (torch, skorch,
scikit-learn, Optuna, pandas, Matplotlib) are imported inside ``run``, so that ``--help``
answers at once. Nothing in the package imports this one.
"""

from __future__ import annotations

import argparse
import os

from ..datasets.tasks import TASK_ALIASES, TASKS, Task
from . import _diagnose, _grid, _study, _tasks

__all__ = ["TASKS", "TASK_ALIASES", "Task", "build_parser", "main"]

_COMMANDS = (_tasks, _study, _grid, _diagnose)


def _version():
    """The installed version, read from the package metadata (imports nothing heavy)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("seqestimators")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def build_parser():
    """The argument parser of the ``seqestimators`` program, one subparser per command."""
    parser = argparse.ArgumentParser(
        prog="seqestimators",
        description="Recurrent estimators (RNN, LSTM, GRU) for scikit-learn: built-in sequence "
        "tasks, studies and benchmarks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in _COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name (path-like items are accepted);
        ``sys.argv[1:]`` by default.

    Returns
    -------
    status : int
        0 on success.
    """
    if argv is not None:
        argv = [os.fspath(a) if isinstance(a, os.PathLike) else a for a in argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


