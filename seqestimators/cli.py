"""The ``seqestimators`` command line.

Subcommands:

``tasks``
    Generate every built-in synthetic task, print a summary table and, with ``--output``, save
    one PNG per task.

Each subcommand is a function ``_cmd_<name>(args) -> int`` registered in :func:`build_parser`;
add new ones (studies, grids) the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["TASKS", "Task", "build_parser", "main"]


@dataclass(frozen=True)
class Task:
    """A built-in synthetic task: its generator, small-size arguments and a short description."""

    name: str
    generator: Callable
    size_kwargs: dict
    target_type: str
    remember: str
    plot_kwargs: dict = field(default_factory=dict)

    def generate(self, n_samples, random_state=None, **kwargs):
        """Call the generator with this task's small sizes; returns its Bunch."""
        return self.generator(n_samples, **self.size_kwargs, random_state=random_state, **kwargs)


def _tasks():
    from .datasets import (
        make_adding_problem,
        make_ball_trajectory,
        make_burst,
        make_copy_memory,
        make_degradation,
        make_delayed_echo,
        make_flipflop,
        make_saturated_integral,
    )

    return {
        task.name: task
        for task in [
            Task("burst", make_burst, {}, "per-timestep binary",
                 "whether the burst has already passed"),
            Task("delayed_echo", make_delayed_echo, {}, "per-timestep binary",
                 "the input `delay` steps back", {"drawstyle": "steps-post"}),
            Task("saturated_integral", make_saturated_integral, {"n_timesteps": 200},
                 "per-timestep continuous", "the running clipped sum of the inputs"),
            Task("ball_trajectory", make_ball_trajectory, {}, "per-timestep continuous",
                 "the velocity (two past heights)"),
            Task("degradation", make_degradation, {}, "per-timestep continuous",
                 "nothing with feedback; the history in closed loop",
                 {"features": ["temperature", "humidity"], "secondary_y": True}),
            Task("adding_problem", make_adding_problem, {}, "per-sequence continuous",
                 "the first marked value until the second"),
            Task("copy_memory", make_copy_memory, {"delay": 30}, "per-timestep 9-class",
                 "10 symbols over the blank delay", {"drawstyle": "steps-post"}),
            Task("flipflop", make_flipflop, {}, "per-timestep 3-channel sign (-1/0/1)",
                 "the sign of each channel's last pulse",
                 {"drawstyle": "steps-post", "offset": 3.0}),
        ]
    }


#: The built-in tasks, by name, in the order of the summary table.
TASKS = _tasks()


def _shape(a):
    return str(tuple(int(d) for d in a.shape))


def _cmd_tasks(args):
    import pandas as pd

    rows, paths = [], []
    if args.output is not None:
        out_dir = Path(args.output)
        out_dir.mkdir(parents=True, exist_ok=True)
    for task in TASKS.values():
        bunch = task.generate(args.n_samples, random_state=args.random_state)
        rows.append(
            {
                "task": task.name,
                "X shape": _shape(bunch.data),
                "y shape": _shape(bunch.target),
                "target type": task.target_type,
                "must remember": task.remember,
            }
        )
        if args.output is not None:
            from .plotting import plot_sequences, save_figure

            fig = plot_sequences(
                bunch.data,
                bunch.target,
                n_sequences=min(3, args.n_samples),
                feature_names=bunch.feature_names,
                target_names=bunch.target_names,
                title=f"{task.name} ({task.generator.__name__})",
                **task.plot_kwargs,
            )
            paths.append(save_figure(fig, out_dir / f"{task.name}.png"))
    table = pd.DataFrame(rows)
    left = {col: f"{{:<{table[col].str.len().max()}}}".format for col in table.columns}
    text = table.to_string(index=False, justify="left", formatters=left)
    print("\n".join(line.rstrip() for line in text.splitlines()))
    for path in paths:
        print(f"wrote {path}")
    return 0


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def build_parser():
    """The argument parser of the ``seqestimators`` program, one subparser per command."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="seqestimators",
        description="Recurrent estimators (RNN, LSTM, GRU) for scikit-learn: built-in sequence "
        "tasks, studies and benchmarks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    tasks = subparsers.add_parser(
        "tasks",
        help="generate the built-in synthetic tasks, print a summary and plot them",
        description="Generate each built-in synthetic task at a small size, print a summary "
        "table (shapes, target type, what a model must remember) and, with --output, save one "
        "PNG per task showing a few sequences (input blue, target red).",
    )
    tasks.add_argument("--output", "-o", metavar="DIR", default=None,
                       help="folder for the PNG figures (created if needed); no plots without it")
    tasks.add_argument("--n-samples", type=_positive_int, default=16, metavar="N",
                       help="sequences generated per task (default: %(default)s)")
    tasks.add_argument("--random-state", type=int, default=0, metavar="S",
                       help="seed of the generators (default: %(default)s)")
    tasks.set_defaults(func=_cmd_tasks)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
