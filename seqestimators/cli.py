"""The ``seqestimators`` command line.

Subcommands:

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

Each subcommand is a function ``_cmd_<name>(args) -> int`` registered in :func:`build_parser`;
add new ones the same way. Heavy libraries (torch, skorch, scikit-learn, Optuna, pandas,
Matplotlib) are imported inside the commands that need them, so that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from pathlib import Path

__all__ = ["TASKS", "TASK_ALIASES", "Task", "build_parser", "main"]

from .datasets.tasks import CLASSIFICATION_TASKS, TASK_ALIASES, TASKS, Task


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


# --------------------------------------------------------------------------------------------
# Searches on the built-in tasks: ``study`` (Optuna) and ``grid`` (GridSearchCV)
# --------------------------------------------------------------------------------------------

#: The per-epoch validation score of each kind of estimator.
_SCORE_NAME = {True: "accuracy", False: "R²"}

_CARRY_WARNING = "state_policy='carry'"


@contextlib.contextmanager
def _quiet_warnings():
    """Silence the carry-misuse warning (a note explains it) and Optuna's experimental ones."""
    import warnings

    from optuna.exceptions import ExperimentalWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_CARRY_WARNING)
        warnings.filterwarnings("ignore", category=ExperimentalWarning)
        yield


def _task_name(text):
    name = TASK_ALIASES.get(text, text)
    if name not in TASKS:
        known = ", ".join(list(TASKS) + list(TASK_ALIASES))
        raise argparse.ArgumentTypeError(f"unknown task {text!r} (choose from {known})")
    return name


def _patch_size(text):
    """``auto``, ``none`` or a positive int: one choice of ``--patch-sizes``."""
    lowered = text.lower()
    if lowered in ("auto", "none"):
        return "auto" if lowered == "auto" else None
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


_patch_size.__name__ = "patch size (auto, none or a positive int)"


def _long_sequence_space(args):
    """The ``patch_size`` and ``pooling`` entries of a search space, when asked for."""
    space = {}
    if args.patch_sizes is not None:
        space["patch_size"] = args.patch_sizes
    if args.poolings is not None:
        space["pooling"] = args.poolings
    return space


def _choices(kind, allowed=None):
    """An argparse type for a comma-separated list, e.g. ``lstm,gru`` or ``8,16,32``."""

    def parse(text):
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            raise argparse.ArgumentTypeError("expected a comma-separated list, got nothing")
        try:
            values = [kind(item) for item in items]
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated {kind.__name__} values, got {text!r}") from None
        bad = [v for v in values if (allowed is not None and v not in allowed)
               or (kind is int and v < 1)]
        if bad:
            hint = f" (choose from {', '.join(allowed)})" if allowed else ""
            raise argparse.ArgumentTypeError(f"invalid value(s) {bad}{hint}")
        return list(dict.fromkeys(values))

    return parse


def _task_param(text):
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


def _task_data(task, args):
    """Training data and fresh test data (another seed) of the task, at the requested size."""
    import inspect

    kwargs = dict(args.task_param or [])
    if args.n_timesteps is not None:
        kwargs["n_timesteps"] = args.n_timesteps
    accepted = inspect.signature(task.generator).parameters
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        args._parser.error(
            f"{task.generator.__name__} has no parameter(s) {', '.join(unknown)}; it takes "
            f"{', '.join(name for name in accepted if name != 'n_samples')}")
    kwargs = {**task.size_kwargs, **kwargs}  # the command line overrides the small sizes
    train = task.generator(args.n_samples, random_state=args.seed, **kwargs)
    test = task.generator(max(args.n_samples // 4, 8), random_state=args.seed + 1, **kwargs)
    return train, test


def _make_estimator(task, args):
    from .estimators import RNNClassifier, RNNRegressor

    cls = RNNClassifier if task.name in CLASSIFICATION_TASKS else RNNRegressor
    return cls(max_epochs=args.max_epochs, batch_size=args.batch_size, lr=args.lr,
               device=args.device, random_state=args.seed)


def _check_device(parser, device):
    from .estimators._base import resolve_device

    try:
        resolve_device(device)
    except (ValueError, RuntimeError) as exc:
        parser.error(f"argument --device: {exc}")


def _format_table(frame):
    text = frame.to_string(index=False, float_format="{:.4f}".format, na_rep="-")
    return "\n".join(line.rstrip() for line in text.splitlines())


class _ProgressBar:
    """A progress bar on stderr, advanced once per finished trial or fit.

    As an Optuna study callback (``bar(study, trial)``) it shows the best value so far; ``tick()``
    advances it from anything else (the grid search's fits). Uses tqdm (a dependency of Optuna)
    when it can be imported, else prints one line per step.
    """

    def __init__(self, total, initial=0, enabled=True, desc="trials", unit="trial"):
        self.total, self.count, self.enabled = total, initial, enabled
        self.unit = unit
        self._bar = None
        if not enabled:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - tqdm comes with optuna
            return
        self._bar = tqdm(total=total, initial=initial, desc=desc, unit=unit,
                         file=sys.stderr, dynamic_ncols=True)

    def __call__(self, study, trial):
        self.count += 1
        try:
            best = f"{study.best_value:.4f}"
        except ValueError:  # no completed trial yet
            best = "-"
        if self._bar is not None:
            self._bar.set_postfix(best=best, last=trial.state.name.lower())
            self._bar.update(1)
        elif self.enabled:
            print(f"trial {trial.number} {trial.state.name.lower()} "
                  f"({self.count}/{self.total}), best so far {best}", file=sys.stderr)

    def tick(self):
        self.count += 1
        if self._bar is not None:
            self._bar.update(1)
        elif self.enabled:
            print(f"{self.unit} {self.count}/{self.total} done", file=sys.stderr)

    def close(self):
        if self._bar is not None:
            self._bar.close()


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


def _status(text):
    """Say on stderr what runs now (the long steps between the tables)."""
    print(text, file=sys.stderr, flush=True)


def _n_finished_trials(storage, study_name):
    """How many finished trials the study already holds (0 when it does not exist yet)."""
    import optuna

    from .search import make_storage

    try:
        study = optuna.load_study(study_name=study_name, storage=make_storage(storage))
    except KeyError:
        return 0
    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    return len(study.get_trials(deepcopy=False, states=states))


def _pivot_text(frame, values, *, mark_pruned):
    """Best ``values`` by cell (rows) and state policy (columns), as text.

    With ``mark_pruned`` (Optuna), a combination shows its best completed trial; one whose
    every trial was pruned shows the score it was stopped with, marked ``*``.
    """
    import numpy as np

    from .results import pivot_results
    from .state import STATE_POLICIES

    # Policies that carry the state between batches last: they are the cautionary ones.
    order = sorted(STATE_POLICIES, key=lambda name: STATE_POLICIES[name].carries)
    table = pivot_results(frame, index="cell", columns="state_policy", values=values)
    columns = [p for p in order if p in table.columns] + \
        [p for p in table.columns if p not in order]
    table = table[columns]
    marks = table.map(lambda v: "")
    if mark_pruned:
        done = frame[frame["state"] == "COMPLETE"]
        if len(done):
            complete = pivot_results(done, index="cell", columns="state_policy", values=values)
            complete = complete.reindex(index=table.index, columns=table.columns)
        else:
            complete = table * np.nan
        marks = marks.where(complete.notna() | table.isna(), "*")
        table = complete.where(complete.notna(), table)
    text = table.map(lambda v: "-" if v != v else f"{v:.4f}") + marks
    text.columns.name = None
    return _format_table(text.reset_index())


def _print_results(frame, params, *, optuna, score_name):
    score = "mean_test_score"
    if optuna:
        counts = frame["state"].value_counts()
        words = {"COMPLETE": "complete", "PRUNED": "pruned", "FAIL": "failed"}
        print(f"\n{len(frame)} trial(s): " + ", ".join(
            f"{counts.get(state, 0)} {word}" for state, word in words.items()
        ) + "".join(f", {n} {state.lower()}" for state, n in counts.items()
                    if state not in words))
        done = frame[frame["state"] == "COMPLETE"]
        shown = ["rank_test_score", "number", *params, score, "std_test_score", "duration"]
        table = done[[c for c in shown if c in done.columns]].rename(
            columns={"rank_test_score": "rank", "duration": "seconds"})
        print(f"\ncompleted trials, best mean CV {score_name} first:")
        print(_format_table(table) if len(table) else "(none)")
        stopped = frame[frame["state"] != "COMPLETE"]
        if len(stopped):
            shown = ["number", "state", *params, "n_steps", "intermediate_value", "duration"]
            table = stopped[[c for c in shown if c in stopped.columns]].rename(
                columns={"n_steps": "epochs", "intermediate_value": "valid_score",
                         "duration": "seconds"})
            print()
            _say("trials that did not complete (pruned: stopped after 'epochs' epochs of "
                 "their first CV fold, with validation score 'valid_score'):")
            print(_format_table(table))
    else:
        shown = ["rank_test_score", *params, score, "std_test_score", "mean_fit_time"]
        table = frame[[c for c in shown if c in frame.columns]].rename(
            columns={"rank_test_score": "rank"})
        print(f"\n{len(frame)} candidate(s), best mean CV {score_name} first:")
        print(_format_table(table))
    values = "value" if optuna else score
    if {"cell", "state_policy"} <= set(frame.columns) and frame[values].notna().any():
        print(f"\nbest mean CV {score_name} by cell (rows) and state_policy (columns):")
        print(_pivot_text(frame, values, mark_pruned=optuna))
        if optuna and (frame["state"] == "PRUNED").any():
            print("(*: every trial of this combination was pruned; its validation score when "
                  "it was stopped)")


def _refit_best(search, estimator, train, score_name):
    """Refit the best configuration on all training sequences (the searches run refit=False).

    Done here rather than inside the search so that the command can say that it runs.
    """
    from sklearn.base import clone

    config = ", ".join(f"{k}={v!r}" for k, v in search.best_params_.items())
    _status(f"refitting the best configuration ({config}) on all {len(train.target)} training "
            "sequences...")
    best = clone(estimator).set_params(**search.best_params_)
    with _quiet_warnings(), _convergence_note("the refitted model"):
        best.fit(train.data, train.target)
    search.best_estimator_ = best
    return best


@contextlib.contextmanager
def _convergence_note(what):
    """Turn ConvergenceWarnings into one status line (the short runs of the CLI are on purpose)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        yield
    others = [w for w in caught if not issubclass(w.category, ConvergenceWarning)]
    for w in others:  # pass the other warnings on unchanged
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if len(others) < len(caught):
        _status(f"note: {what} was still improving when --max-epochs was reached (more epochs "
                "may score higher).")


def _wrong_timesteps(y_true, y_pred):
    """``(n_wrong, n_total)`` for per-timestep class labels of equal shapes, else None."""
    import numpy as np

    try:
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    except ValueError:  # ragged
        return None
    if y_true.shape != y_pred.shape or y_true.dtype == object:
        return None
    return int((y_true != y_pred).sum()), int(y_true.size)


def _score_text(score_name, score, wrong):
    """``accuracy 0.9999 (3 of 24960 timesteps wrong)``: a rounded 1.000 never hides errors."""
    if wrong is None:
        return f"{score_name} {score:.4f}"
    n_wrong, n_total = wrong
    return f"{score_name} {score:.4f} ({n_wrong} of {n_total} timesteps wrong)"


def _report(args, search, estimator, frame, param_names, train, test, *, kind):
    """Print the table and the best configuration; write results.csv and the PNG plots."""
    from .plotting import (
        plot_learning_curves,
        plot_optimization_history,
        plot_predictions,
        plot_search_heatmap,
        save_figure,
    )

    out_dir = Path(args.output)
    task = TASKS[args.task]
    is_classifier = task.name in CLASSIFICATION_TASKS
    score_name = _SCORE_NAME[is_classifier]
    _print_results(frame, param_names, optuna=kind == "study", score_name=score_name)
    sys.stdout.flush()
    best = _refit_best(search, estimator, train, score_name)
    test_score = best.score(test.data, test.target)
    y_pred = best.predict(test.data)
    wrong = _wrong_timesteps(test.target, y_pred) if is_classifier else None
    config = ", ".join(f"{k}={v!r}" for k, v in search.best_params_.items())
    print(f"\nbest configuration: {config}")
    print(f"  mean cross-validated {score_name}: {search.best_score_:.4f}")
    print(f"  {score_name} of the refitted model on {len(test.target)} fresh sequences: "
          f"{test_score:.4f}" + (f" ({wrong[0]} of {wrong[1]} timesteps wrong)" if wrong else ""))
    sys.stdout.flush()

    names = ["results.csv", "heatmap.png"] + (["optimization_history.png"] if kind == "study"
                                              else []) + ["predictions.png"]
    _status(f"writing {', '.join(names)} to {out_dir}...")
    paths = []
    csv_path = out_dir / "results.csv"
    frame.to_csv(csv_path, index=False)
    paths.append(csv_path)
    title = f"{task.name}: {kind} over {', '.join(param_names)}"
    if {"cell", "hidden_size"} <= set(frame.columns):
        facet = "state_policy" if "state_policy" in frame.columns else None
        fig = plot_search_heatmap(frame, facet=facet,
                                  values="value" if kind == "study" else "mean_test_score",
                                  label=f"mean CV {score_name}",
                                  title=f"{title}\nbest mean CV {score_name} per combination")
        paths.append(save_figure(fig, out_dir / "heatmap.png"))
    if kind == "study":
        fig = plot_optimization_history(search.study_, ylabel=f"mean CV {score_name}",
                                        title=f"{task.name}: Optuna trials")
        paths.append(save_figure(fig, out_dir / "optimization_history.png"))
    fig = plot_predictions(
        test.data, test.target, y_pred, n_sequences=min(3, len(test.target)),
        feature_names=test.feature_names, target_names=test.target_names,
        title=f"{task.name}: best model ({config})\non {len(test.target)} fresh sequences: "
              f"{_score_text(score_name, test_score, wrong)}",
        **task.plot_kwargs)
    paths.append(save_figure(fig, out_dir / "predictions.png"))
    paths.append(save_figure(_learning_curves(args, estimator, search, frame,
                                              plot_learning_curves),
                             out_dir / "learning_curves.png"))
    print()
    for path in paths:
        print(f"wrote {path}")


def _learning_curves(args, estimator, search, frame, plot_learning_curves):
    """Learning curves of the best configuration of each state policy, with a validation split.

    The refitted best estimator trains without a validation split; these fits hold out 20% of
    the training sequences so that the curves show validation loss and score per epoch.
    """
    from sklearn.base import clone
    from skorch.dataset import ValidSplit

    score = "mean_test_score"
    done = frame[frame[score].notna()]
    if "state_policy" in done.columns and done["state_policy"].nunique() > 1:
        picks = done.drop_duplicates("state_policy")  # the frame is sorted best first
    else:
        picks = done.head(1)
    names = [c for c in search.best_params_ if c in picks.columns] or list(search.best_params_)
    train = args._train
    _status(f"training the best configuration of each state policy again ({len(picks)} "
            f"fit(s), 20% of the {len(train.target)} sequences held out for validation) for "
            "learning_curves.png...")
    models = {}
    for _, row in picks.iterrows():
        params = {name: row[name] for name in names if name in row}
        params = {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
        label = " ".join(str(v) for v in params.values())
        est = clone(estimator).set_params(
            **params, train_split=ValidSplit(0.2, stratified=False, random_state=args.seed))
        with _quiet_warnings(), _convergence_note(f"the learning-curve model {label!r}"):
            models[label] = est.fit(train.data, train.target)
    task = TASKS[args.task]
    return plot_learning_curves(
        models, title=f"{task.name}: best configuration of each state policy, trained with a "
        "20% validation split")


def _prepare(args, parser):
    _check_device(parser, args.device)
    task = TASKS[args.task]
    out_dir = Path(args.output if args.output is not None else f"{task.name}_{args.command}")
    out_dir.mkdir(parents=True, exist_ok=True)
    args.output = str(out_dir)
    train, test = _task_data(task, args)
    args._train = train
    estimator = _make_estimator(task, args)
    return task, train, test, estimator


#: The command-line settings that change a study's results; with the task, they name the study.
_RESULT_SETTINGS = ("n_samples", "n_timesteps", "task_param", "cells", "hidden_sizes",
                    "policies", "patch_sizes", "poolings", "cv", "max_epochs", "batch_size",
                    "lr", "seed", "sampler", "pruning")


def _default_study_name(task, args, estimator):
    """``TASK-HASH``: the task and a short hash of every setting that changes results.

    An identical command resumes its study; changing the data (``--n-samples``,
    ``--task-param``, ...), the search space, the training, the sampler or the estimator's
    parameters (new defaults of a new release included) starts another one in the same
    storage. ``--trials``, ``--timeout``, ``--jobs``, ``--device`` and the output options do not
    change the name.
    """
    import hashlib
    import json

    from .search import estimator_fingerprint

    settings = {"task": task.name, "estimator": estimator_fingerprint(estimator)}
    for name in _RESULT_SETTINGS:
        value = getattr(args, name)
        if name == "task_param":
            value = sorted([k, repr(v)] for k, v in (value or []))
        settings[name] = value
    text = json.dumps(settings, sort_keys=True, default=repr)
    return f"{task.name}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _study_mismatch_error():
    """``seqestimators.search.StudyMismatchError``, or ``()`` (catches nothing) without it."""
    from . import search

    return getattr(search, "StudyMismatchError", ())


def _error(args, message):
    """Print a one-line error like argparse does; the command returns exit status 2."""
    print(f"seqestimators {args.command}: error: {' '.join(str(message).split())}",
          file=sys.stderr)
    return 2


def _cmd_study(args):
    import warnings

    import optuna

    from .results import results_frame
    from .search import default_param_distributions, optuna_search

    task, train, test, estimator = _prepare(args, args._parser)
    space = {"cell": args.cells, "hidden_size": args.hidden_sizes,
             "state_policy": args.policies, **_long_sequence_space(args)}
    distributions = default_param_distributions(estimator, num_layers=None, lr=None, **space)
    storage = shown_storage = args.storage
    if storage is None:
        storage = "sqlite:///" + (Path(args.output).resolve() / "study.db").as_posix()
        shown_storage = "sqlite:///" + (Path(args.output) / "study.db").as_posix()
    study_name = args.study_name or _default_study_name(task, args, estimator)
    with _quiet_warnings():
        done = _n_finished_trials(storage, study_name)
    print(f"task {task.name}: X {_shape(train.data)}, y {_shape(train.target)}; "
          f"{type(estimator).__name__}, {args.cv}-fold CV, up to {args.max_epochs} epochs")
    named = "" if args.study_name else (
        " (named after the task and a hash of the data, search and training settings: the "
        "same command resumes it, other settings start another study)")
    _say(f"study {study_name!r} in {shown_storage}{named}: {done} finished trial(s) stored, "
         f"running {max(args.trials - done, 0)} more (pruning {'on' if args.pruning else 'off'})")
    sys.stdout.flush()
    with _quiet_warnings():
        sampler = {"tpe": lambda: None,
                   "random": lambda: optuna.samplers.RandomSampler(seed=args.seed),
                   "brute-force": lambda: optuna.samplers.BruteForceSampler(seed=args.seed),
                   }[args.sampler]()
    progress = _ProgressBar(args.trials, initial=min(done, args.trials),
                            enabled=args.progress and args.jobs == 1 and done < args.trials)
    try:
        with _quiet_warnings(), warnings.catch_warnings():
            # A trial stopped by --max-epochs is a choice of the command, not news for every
            # fold; the refitted model's own note says whether more epochs might score higher.
            warnings.filterwarnings("ignore", message=".*training has not converged")
            search = optuna_search(
                estimator, train.data, train.target, param_distributions=distributions,
                n_trials=args.trials, cv=args.cv, storage=storage, study_name=study_name,
                pruning=args.pruning, n_jobs=args.jobs, timeout=args.timeout,
                random_state=args.seed, sampler=sampler, refit=False,
                callbacks=[progress] if args.jobs == 1 else None,
                verbose=int(args.progress and args.jobs != 1))
    except _study_mismatch_error() as exc:
        return _error(args, exc)
    finally:
        progress.close()
    frame = results_frame(search)
    if not (frame["state"] == "COMPLETE").any():
        _print_results(frame, list(space), optuna=True,
                       score_name=_SCORE_NAME[task.name in CLASSIFICATION_TASKS])
        return _error(args, f"no trial of the study {study_name!r} completed, so there is no "
                      "best configuration to refit (see the table; try --no-pruning or more "
                      "--max-epochs)")
    _report(args, search, estimator, frame, list(space), train, test, kind="study")
    if _any_carries(args.policies):
        _print_carry_note(frame, "value", task.name in CLASSIFICATION_TASKS)
    return 0


def _cmd_grid(args):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    from .results import results_frame

    task, train, test, estimator = _prepare(args, args._parser)
    grid = {"cell": args.cells, "hidden_size": args.hidden_sizes, "state_policy": args.policies,
            **_long_sequence_space(args)}
    n_candidates = math.prod(len(choices) for choices in grid.values())
    n_fits = args.cv * n_candidates
    print(f"task {task.name}: X {_shape(train.data)}, y {_shape(train.target)}; "
          f"{type(estimator).__name__}, {args.max_epochs} epochs")
    print(f"fitting {args.cv} folds for each of {n_candidates} candidates, totalling "
          f"{n_fits} fits ({args.jobs} job(s))")
    sys.stdout.flush()
    progress = _ProgressBar(n_fits, desc="fits", unit="fit", enabled=args.jobs == 1)
    searched = estimator
    if args.jobs == 1:
        def tick():  # a plain function: shared by every clone of the callback
            progress.tick()

        searched = clone(estimator).set_params(callbacks=[("cli_progress", _fit_counter(tick))])
    else:
        _status(f"running the {n_fits} fits in {args.jobs} processes (scikit-learn reports "
                "each one)...")
    search = GridSearchCV(searched, grid, cv=args.cv, n_jobs=args.jobs, refit=False,
                          verbose=2 if args.jobs != 1 else 0)
    try:
        with _quiet_warnings():
            search.fit(train.data, train.target)
    finally:
        progress.close()
    frame = results_frame(search)
    _report(args, search, estimator, frame, list(grid), train, test, kind="grid")
    if _any_carries(args.policies):
        _print_carry_note(frame, "mean_test_score", task.name in CLASSIFICATION_TASKS)
    return 0


def _say(text):
    """Print a paragraph wrapped to 100 columns."""
    import textwrap

    print(textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False))


#: How far carry's best score must stay below the best reset/learned one for the note to say
#: that carrying the state made the network fall back to a memoryless answer.
_CARRY_MARGIN = 0.02


def _best_by_policy(frame, values):
    """The best score of each state policy over the completed trials / candidates."""
    done = frame[frame[values].notna()]
    if "state" in done.columns:
        done = done[done["state"] == "COMPLETE"]
    return done.groupby("state_policy")[values].max().to_dict()


def _any_carries(policies):
    from .state import STATE_POLICIES

    return any(STATE_POLICIES[name].carries for name in policies)


def _print_carry_note(frame, values, is_classifier):
    """Explain carry; claim that it fell back to a memoryless answer only when the table shows it.

    That is when carry's best score is more than :data:`_CARRY_MARGIN` below the best score of
    the reset/learned configurations.
    """
    score_name = _SCORE_NAME[is_classifier]
    from .state import STATE_POLICIES

    best = _best_by_policy(frame, values)
    carrying = [best[p] for p in best if STATE_POLICIES[p].carries]
    carry = max(carrying) if carrying else None
    others = {p: v for p, v in best.items() if not STATE_POLICIES[p].carries}
    what = ("note: state_policy='carry' hands the final hidden state of each batch to the next "
            "one, so on independent sequences every sequence starts where an unrelated one "
            "ended (the warning it raises in fit is silenced here).")
    print()
    if carry is None or not others:
        _say(what)
        return
    policy, other = max(others.items(), key=lambda item: item[1])
    if carry < other - _CARRY_MARGIN:
        _say(f"{what} Here that costs it: its best mean CV {score_name} is {carry:.4f} against "
             f"{other:.4f} with state_policy={policy!r}; the network falls back to an answer "
             "that does not use its memory across the sequence.")
    else:
        relation = ("at least as high as" if carry >= other
                    else f"within {_CARRY_MARGIN} of")
        _say(f"{what} Here it did not hold the network back: its best mean CV {score_name} "
             f"({carry:.4f}) is {relation} the best with state_policy={policy!r} "
             f"({other:.4f}).")


def _cmd_diagnose(args):
    from .diagnostics import diagnose_task
    from .plotting import save_figure

    _check_device(args._parser, args.device)
    out = Path(args.output or f"{args.task}_diagnose")
    out.mkdir(parents=True, exist_ok=True)
    params = {"cell": args.cells[0], "hidden_size": args.hidden_sizes[0],
              "state_policy": args.policies[0], "max_epochs": args.max_epochs,
              "batch_size": args.batch_size, "lr": args.lr, "device": args.device,
              "tbptt_steps": args.tbptt_steps}
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items() if v is not None)
    _say(f"diagnosing {args.task} with {shown} (fits the model and a memoryless baseline)...")
    with _quiet_warnings():
        diagnosis = diagnose_task(args.task, n_samples=args.n_samples,
                                  n_timesteps=args.n_timesteps,
                                  task_params=dict(args.task_param or []),
                                  estimator_params=params, chunk_length=args.chunk_length,
                                  random_state=args.seed)
    print(diagnosis)
    for path in (diagnosis.to_csv(out / "findings.csv"),
                 save_figure(diagnosis.plot(), out / "diagnosis.png")):
        print(f"wrote {path}")
    return 0


def _add_search_parsers(subparsers):
    from .state import STATE_POLICIES

    POOLINGS = ("last", "mean", "max", "attention")  # noqa: N806 - networks.POOLINGS needs torch

    short = {name: alias for alias, name in TASK_ALIASES.items()}
    tasks = ", ".join(f"{name} ({short[name]})" if name in short else name for name in TASKS)

    def common(sub, kind):
        sub.add_argument("task", metavar="TASK", type=_task_name,
                         help=f"the built-in task: {tasks}")
        sub.add_argument("--output", "-o", metavar="DIR", default=None,
                         help="folder for results.csv and the PNG plots (created if needed; "
                         f"default: TASK_{kind} in the current folder)")
        sub.add_argument("--cells", type=_choices(str, ("rnn", "lstm", "gru")),
                         default=["rnn", "lstm", "gru"], metavar="LIST",
                         help="cell types, comma-separated (default: rnn,lstm,gru)")
        sub.add_argument("--hidden-sizes", type=_choices(int), default=[8, 16, 32],
                         metavar="LIST", help="hidden sizes, comma-separated (default: 8,16,32)")
        sub.add_argument("--policies", type=_choices(str, tuple(STATE_POLICIES)),
                         default=list(STATE_POLICIES), metavar="LIST",
                         help="hidden-state policies, comma-separated "
                         "(default: reset,carry,learned)")
        sub.add_argument("--patch-sizes", type=_choices(_patch_size), default=None,
                         metavar="LIST", help="also search patch_size, e.g. none,auto,8 "
                         "(per-sequence targets only; default: not searched)")
        sub.add_argument("--poolings", type=_choices(str, POOLINGS), default=None,
                         metavar="LIST", help="also search pooling, e.g. last,mean,attention "
                         "(per-sequence targets only; default: not searched)")
        sub.add_argument("--cv", type=_positive_int, default=3, metavar="K",
                         help="cross-validation folds (default: %(default)s)")
        sub.add_argument("--n-samples", type=_positive_int, default=256, metavar="N",
                         help="training sequences (default: %(default)s); a quarter as many "
                         "fresh ones (at least 8) are generated for the prediction plot")
        sub.add_argument("--n-timesteps", type=_positive_int, default=None, metavar="T",
                         help="sequence length, for tasks whose generator takes n_timesteps "
                         "(default: the task's own)")
        sub.add_argument("--task-param", type=_task_param, action="append", metavar="NAME=VALUE",
                         help="another keyword argument of the task's generator, e.g. "
                         "max_onset=25 for burst (repeatable)")
        sub.add_argument("--max-epochs", type=_positive_int, default=10, metavar="E",
                         help="training epochs per fit (default: %(default)s)")
        sub.add_argument("--batch-size", type=_positive_int, default=32, metavar="B",
                         help="mini-batch size (default: %(default)s)")
        sub.add_argument("--lr", type=float, default=0.01,
                         help="learning rate of Adam (default: %(default)s)")
        sub.add_argument("--device", default="cpu",
                         help="torch device: cpu, cuda, cuda:N or auto (default: %(default)s)")
        sub.add_argument("--seed", type=int, default=0, metavar="S",
                         help="seed of the data, the models and the sampler (default: "
                         "%(default)s); the fresh test data use S+1")

    study = subparsers.add_parser(
        "study",
        help="run or resume an Optuna study over cell x hidden size x state policy on a task",
        description="Run an Optuna study (TPE sampler by default, median pruning on the "
        "per-epoch validation score) over cell type x hidden size x hidden-state policy on a built-in "
        "task, with seqestimators.search.optuna_search. Prints the trials best first, the "
        "best score per cell and state policy, and the best configuration; writes results.csv, "
        "heatmap.png, optimization_history.png, predictions.png (the best model on fresh "
        "sequences) and learning_curves.png to the output folder. The study lives in "
        "--storage (by default study.db, an SQLite file in the output folder): running the "
        "command again with the same storage and study name resumes it until it holds "
        "--trials finished trials (keep the data and search options the same).",
    )
    common(study, "study")
    study.add_argument("--trials", type=_positive_int, default=20, metavar="N",
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
    study.set_defaults(func=_cmd_study, _parser=study)

    grid = subparsers.add_parser(
        "grid",
        help="grid-search cell x hidden size x state policy on a task with GridSearchCV",
        description="Cross-validate every combination of cell type x hidden size x "
        "hidden-state policy on a built-in task with scikit-learn's GridSearchCV. Prints the "
        "candidates best first, the best score per cell and state policy, and the best "
        "configuration; writes results.csv, heatmap.png, predictions.png (the best model on "
        "fresh sequences) and learning_curves.png to the output folder.",
    )
    common(grid, "grid")
    grid.add_argument("--jobs", type=int, default=1, metavar="J",
                      help="parallel fits (joblib processes; -1: one per core; default: "
                      "%(default)s)")
    grid.set_defaults(func=_cmd_grid, _parser=grid)

    diag = subparsers.add_parser(
        "diagnose",
        help="why won't my RNN learn? diagnose one configuration on a task",
        description="Fit one configuration (the first of --cells, --hidden-sizes and "
        "--policies) on a built-in task with seqestimators.diagnostics.diagnose and print the "
        "findings table (convergence, memory_use, memory_horizon, gradient_flow, "
        "state_policy, truncation, scaling, fit_gap), each with its evidence and advice; "
        "writes findings.csv and diagnosis.png to the output folder.",
    )
    common(diag, "diagnose")
    diag.add_argument("--chunk-length", type=_positive_int, default=None, metavar="L",
                      help="learn online: partial_fit on chunks of L timesteps")
    diag.add_argument("--tbptt-steps", type=_positive_int, default=None, metavar="K",
                      help="truncated backpropagation through time over windows of K steps")
    diag.set_defaults(func=_cmd_diagnose, _parser=diag)


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


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
    _add_search_parsers(subparsers)
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
