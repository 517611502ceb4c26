"""``seqestimators grid``: every combination with scikit-learn's GridSearchCV."""

from __future__ import annotations

import math
import sys

from ..datasets.tasks import CLASSIFICATION_TASKS
from ._args import add_search_options
from ._report import ProgressBar, any_carries, print_carry_note, quiet_warnings, shape, status
from ._search import prepare, report, search_space


def add_parser(subparsers):
    """Register the ``grid`` subcommand."""
    grid = subparsers.add_parser(
        "grid",
        help="grid-search cell x hidden size x state policy on a task with GridSearchCV",
        description="Cross-validate every combination of cell type x hidden size x "
        "hidden-state policy on a built-in task with scikit-learn's GridSearchCV. Prints the "
        "candidates best first, the best score per cell and state policy, and the best "
        "configuration; writes results.csv, heatmap.png, predictions.png (the best model on "
        "fresh sequences) and learning_curves.png to the output folder.",
    )
    add_search_options(grid, "grid")
    grid.add_argument("--jobs", type=int, default=1, metavar="J",
                      help="parallel fits (joblib processes; -1: one per core; default: "
                      "%(default)s)")
    grid.set_defaults(func=run, _parser=grid)


def _fit_counter(tick):
    """A skorch callback that calls ``tick()`` at the end of every fit of a (cloned) estimator.

    ``tick`` is a plain function: clones deep-copy the callback but share the function, so every
    fit of a grid search in this process advances the same bar.
    """
    from skorch.callbacks import Callback

    class FitCounter(Callback):
        def __init__(self, tick):
            self.tick = tick

        def on_train_end(self, net, **kwargs):
            self.tick()

    return FitCounter(tick)


def run(args):
    """Run the grid search, print and write its results; returns the exit status."""
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    from ..results import results_frame

    task, train, test, estimator = prepare(args)
    grid = search_space(args)
    n_candidates = math.prod(len(values) for values in grid.values())
    n_fits = args.cv * n_candidates
    print(f"task {task.name}: X {shape(train.data)}, y {shape(train.target)}; "
          f"{type(estimator).__name__}, {args.max_epochs} epochs")
    print(f"fitting {args.cv} folds for each of {n_candidates} candidates, totalling "
          f"{n_fits} fits ({args.jobs} job(s))")
    sys.stdout.flush()
    progress = ProgressBar(n_fits, desc="fits", unit="fit", enabled=args.jobs == 1)
    searched = estimator
    if args.jobs == 1:
        def tick():  # a plain function: shared by every clone of the callback
            progress.tick()

        searched = clone(estimator).set_params(callbacks=[("cli_progress", _fit_counter(tick))])
    else:
        status(f"running the {n_fits} fits in {args.jobs} processes (scikit-learn reports "
               "each one)...")
    search = GridSearchCV(searched, grid, cv=args.cv, n_jobs=args.jobs, refit=False,
                          verbose=2 if args.jobs != 1 else 0)
    try:
        with quiet_warnings():
            search.fit(train.data, train.target)
    finally:
        progress.close()
    frame = results_frame(search)
    report(args, search, estimator, frame, list(grid), train, test, kind="grid")
    if any_carries(args.policies):
        print_carry_note(frame, "mean_test_score", task.name in CLASSIFICATION_TASKS)
    return 0
