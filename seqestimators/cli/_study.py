"""``seqestimators study``: run or resume an Optuna study on a built-in task."""

from __future__ import annotations

import sys
from pathlib import Path

from ..datasets.tasks import CLASSIFICATION_TASKS
from ._args import add_search_options, positive_int
from ._report import (
    SCORE_NAME,
    ProgressBar,
    any_carries,
    error,
    print_carry_note,
    print_results,
    quiet_warnings,
    say,
    shape,
)
from ._search import prepare, report, search_space

#: The command-line settings that change a study's results; with the task, they name the study.
RESULT_SETTINGS = ("n_samples", "n_timesteps", "task_param", "cells", "hidden_sizes",
                   "policies", "patch_sizes", "poolings", "cv", "max_epochs", "batch_size",
                   "lr", "seed", "sampler", "pruning")


def add_parser(subparsers):
    """Register the ``study`` subcommand."""
    study = subparsers.add_parser(
        "study",
        help="run or resume an Optuna study over cell x hidden size x state policy on a task",
        description="Run an Optuna study (TPE sampler by default, median pruning on the "
        "per-epoch validation score) over cell type x hidden size x hidden-state policy on a "
        "built-in task, with seqestimators.search.optuna_search. Prints the trials best first, "
        "the best score per cell and state policy, and the best configuration; writes "
        "results.csv, heatmap.png, optimization_history.png, predictions.png (the best model "
        "on fresh sequences) and learning_curves.png to the output folder. The study lives in "
        "--storage (by default study.db, an SQLite file in the output folder): running the "
        "command again with the same storage and study name resumes it until it holds "
        "--trials finished trials (keep the data and search options the same).",
    )
    add_search_options(study, "study")
    study.add_argument("--trials", type=positive_int, default=20, metavar="N",
                       help="finished trials the study should hold (default: %(default)s)")
    study.add_argument("--storage", default=None, metavar="URL",
                       help="Optuna storage: a database URL (sqlite:///file.db, "
                       "postgresql+psycopg2://...) or a journal file (*.log); default: "
                       "sqlite:///DIR/study.db")
    study.add_argument("--study-name", default=None, metavar="NAME",
                       help="name of the study to create or resume (default: the task name)")
    study.add_argument("--sampler", choices=["tpe", "random", "brute-force"], default="tpe",
                       help="how trials choose their configuration: Optuna's TPE (default), "
                       "random, or brute-force (every combination once, in random order; the "
                       "study stops when all are done)")
    study.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                       help="start no new trial after this many seconds")
    study.add_argument("--jobs", type=int, default=1, metavar="J",
                       help="worker processes sharing the study (-1: one per core; "
                       "default: %(default)s)")
    study.add_argument("--no-pruning", dest="pruning", action="store_false",
                       help="train every trial to the end")
    study.add_argument("--no-progress", dest="progress", action="store_false",
                       help="no progress bar")
    study.set_defaults(func=run, _parser=study)


def default_study_name(task, args, estimator):
    """``TASK-HASH``: the task and a short hash of every setting that changes results.

    An identical command resumes its study; changing the data (``--n-samples``,
    ``--task-param``, ...), the search space, the training, the sampler or the estimator's
    parameters (new defaults of a new release included) starts another one in the same
    storage. ``--trials``, ``--timeout``, ``--jobs``, ``--device`` and the output options do not
    change the name.
    """
    import hashlib
    import json

    from ..search import estimator_fingerprint

    settings = {"task": task.name, "estimator": estimator_fingerprint(estimator)}
    for name in RESULT_SETTINGS:
        value = getattr(args, name)
        if name == "task_param":
            value = sorted([k, repr(v)] for k, v in (value or []))
        settings[name] = value
    text = json.dumps(settings, sort_keys=True, default=repr)
    return f"{task.name}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _n_finished_trials(storage, study_name):
    """How many finished trials the study already holds (0 when it does not exist yet)."""
    import optuna

    from ..search import make_storage

    try:
        study = optuna.load_study(study_name=study_name, storage=make_storage(storage))
    except KeyError:
        return 0
    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    return len(study.get_trials(deepcopy=False, states=states))


def _study_mismatch_error():
    """``seqestimators.search.StudyMismatchError``, or ``()`` (catches nothing) without it."""
    from .. import search

    return getattr(search, "StudyMismatchError", ())


def run(args):
    """Run the study, print and write its results; returns the exit status."""
    import warnings

    import optuna
    from sklearn.exceptions import ConvergenceWarning

    from ..results import results_frame
    from ..search import default_param_distributions, optuna_search

    task, train, test, estimator = prepare(args)
    space = search_space(args)
    distributions = default_param_distributions(estimator, num_layers=None, lr=None, **space)
    storage = shown_storage = args.storage
    if storage is None:
        storage = "sqlite:///" + (Path(args.output).resolve() / "study.db").as_posix()
        shown_storage = "sqlite:///" + (Path(args.output) / "study.db").as_posix()
    study_name = args.study_name or default_study_name(task, args, estimator)
    with quiet_warnings():
        done = _n_finished_trials(storage, study_name)
    print(f"task {task.name}: X {shape(train.data)}, y {shape(train.target)}; "
          f"{type(estimator).__name__}, {args.cv}-fold CV, up to {args.max_epochs} epochs")
    named = "" if args.study_name else (
        " (named after the task and a hash of the data, search and training settings: the "
        "same command resumes it, other settings start another study)")
    say(f"study {study_name!r} in {shown_storage}{named}: {done} finished trial(s) stored, "
        f"running {max(args.trials - done, 0)} more (pruning {'on' if args.pruning else 'off'})")
    sys.stdout.flush()
    with quiet_warnings():
        sampler = {"tpe": lambda: None,
                   "random": lambda: optuna.samplers.RandomSampler(seed=args.seed),
                   "brute-force": lambda: optuna.samplers.BruteForceSampler(seed=args.seed),
                   }[args.sampler]()
    progress = ProgressBar(args.trials, initial=min(done, args.trials),
                           enabled=args.progress and args.jobs == 1 and done < args.trials)
    try:
        with quiet_warnings(), warnings.catch_warnings():
            # A trial stopped by --max-epochs is a choice of the command, not news for every
            # fold; the refitted model's own note says whether more epochs might score higher.
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            search = optuna_search(
                estimator, train.data, train.target, param_distributions=distributions,
                n_trials=args.trials, cv=args.cv, storage=storage, study_name=study_name,
                pruning=args.pruning, n_jobs=args.jobs, timeout=args.timeout,
                random_state=args.seed, sampler=sampler, refit=False,
                callbacks=[progress] if args.jobs == 1 else None,
                verbose=int(args.progress and args.jobs != 1))
    except _study_mismatch_error() as exc:
        return error(args, exc)
    finally:
        progress.close()
    frame = results_frame(search)
    if not (frame["state"] == "COMPLETE").any():
        print_results(frame, list(space), optuna=True,
                      score_name=SCORE_NAME[task.name in CLASSIFICATION_TASKS])
        return error(args, f"no trial of the study {study_name!r} completed, so there is no "
                     "best configuration to refit (see the table; try --no-pruning or more "
                     "--max-epochs)")
    report(args, search, estimator, frame, list(space), train, test, kind="study")
    if any_carries(args.policies):
        print_carry_note(frame, "value", task.name in CLASSIFICATION_TASKS)
    return 0
