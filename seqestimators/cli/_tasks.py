"""``seqestimators tasks``: generate the built-in tasks, print a summary, plot them."""

from __future__ import annotations

from pathlib import Path

from ..datasets.tasks import TASKS
from ._args import positive_int
from ._report import shape


def add_parser(subparsers):
    """Register the ``tasks`` subcommand."""
    tasks = subparsers.add_parser(
        "tasks",
        help="generate the built-in synthetic tasks, print a summary and plot them",
        description="Generate each built-in synthetic task at a small size, print a summary "
        "table (shapes, target type, what a model must remember) and, with --output, save one "
        "PNG per task showing a few sequences (input blue, target red).",
    )
    tasks.add_argument("--output", "-o", metavar="DIR", default=None,
                       help="folder for the PNG figures (created if needed); no plots without it")
    tasks.add_argument("--n-samples", type=positive_int, default=16, metavar="N",
                       help="sequences generated per task (default: %(default)s)")
    tasks.add_argument("--random-state", type=int, default=0, metavar="S",
                       help="seed of the generators (default: %(default)s)")
    tasks.set_defaults(func=run)


def run(args):
    """Print the summary table (and write the figures); returns the exit status."""
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
                "X shape": shape(bunch.data),
                "y shape": shape(bunch.target),
                "target type": task.target_type,
                "must remember": task.remember,
            }
        )
        if args.output is not None:
            from ..plotting import plot_sequences, save_figure

            fig = plot_sequences(
                bunch.data,
                bunch.target,
                n_sequences=min(3, args.n_samples),
                feature_names=bunch.feature_names,
                target_names=bunch.target_names,
                title=f"{task.name} ({task.generator_name})",
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
