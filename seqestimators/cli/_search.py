"""What the ``study`` and ``grid`` commands share: data, estimator, refit, report and plots."""

from __future__ import annotations

import sys
from pathlib import Path

from ..datasets.tasks import CLASSIFICATION_TASKS, TASKS
from ._args import cell_names, check_device, policy_names
from ._report import (
    SCORE_NAME,
    convergence_note,
    print_results,
    quiet_warnings,
    score_text,
    status,
    wrong_timesteps,
)


def search_space(args):
    """The searched parameters and their values, as given on the command line."""
    space = {"cell": args.cells, "hidden_size": args.hidden_sizes,
             "state_policy": args.policies}
    if args.patch_sizes is not None:
        space["patch_size"] = args.patch_sizes
    if args.poolings is not None:
        space["pooling"] = args.poolings
    return space


def task_data(task, args):
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


def make_estimator(task, args):
    """The task's estimator (classifier or regressor) with the command's training options."""
    from ..estimators import RNNClassifier, RNNRegressor

    cls = RNNClassifier if task.name in CLASSIFICATION_TASKS else RNNRegressor
    return cls(max_epochs=args.max_epochs, batch_size=args.batch_size, lr=args.lr,
               device=args.device, random_state=args.seed)


def prepare(args):
    """Check the device, create the output folder, fill the registry defaults, make the data."""
    check_device(args._parser, args.device)
    task = TASKS[args.task]
    if args.cells is None:
        args.cells = list(cell_names())
    if args.policies is None:
        args.policies = list(policy_names())
    out_dir = Path(args.output if args.output is not None else f"{task.name}_{args.command}")
    out_dir.mkdir(parents=True, exist_ok=True)
    args.output = str(out_dir)
    train, test = task_data(task, args)
    args._train = train
    estimator = make_estimator(task, args)
    return task, train, test, estimator


def memoryless_baseline(task, args, train, test):
    """Fit the memoryless baseline with the command's training options; score it on ``test``.

    Returns the fitted baseline, its score and, for per-timestep labels, its wrong timesteps.
    """
    from ..estimators import MemorylessClassifier, MemorylessRegressor

    is_classifier = task.name in CLASSIFICATION_TASKS
    cls = MemorylessClassifier if is_classifier else MemorylessRegressor
    baseline = cls(max_epochs=args.max_epochs, batch_size=args.batch_size, lr=args.lr,
                   device=args.device, random_state=args.seed)
    status(f"fitting the memoryless baseline ({cls.__name__}) on all {len(train.target)} "
           "training sequences...")
    with quiet_warnings(), convergence_note("the memoryless baseline"):
        baseline.fit(train.data, train.target)
    wrong = wrong_timesteps(test.target, baseline.predict(test.data)) if is_classifier else None
    return baseline, baseline.score(test.data, test.target), wrong


def refit_best(search, estimator, train):
    """Refit the best configuration on all training sequences (the searches run refit=False).

    Done here rather than inside the search so that the command can say that it runs.
    """
    from sklearn.base import clone

    config = ", ".join(f"{k}={v!r}" for k, v in search.best_params_.items())
    status(f"refitting the best configuration ({config}) on all {len(train.target)} training "
           "sequences...")
    best = clone(estimator).set_params(**search.best_params_)
    with quiet_warnings(), convergence_note("the refitted model"):
        best.fit(train.data, train.target)
    search.best_estimator_ = best
    return best


def report(args, search, estimator, frame, param_names, train, test, *, kind):
    """Print the table and the best configuration; write results.csv and the PNG plots."""
    from ..plotting import (
        plot_learning_curves,
        plot_optimization_history,
        plot_predictions,
        plot_search_heatmap,
        save_figure,
    )

    out_dir = Path(args.output)
    task = TASKS[args.task]
    is_classifier = task.name in CLASSIFICATION_TASKS
    score_name = SCORE_NAME[is_classifier]
    print_results(frame, param_names, optuna=kind == "study", score_name=score_name)
    sys.stdout.flush()
    best = refit_best(search, estimator, train)
    test_score = best.score(test.data, test.target)
    y_pred = best.predict(test.data)
    wrong = wrong_timesteps(test.target, y_pred) if is_classifier else None
    config = ", ".join(f"{k}={v!r}" for k, v in search.best_params_.items())
    print(f"\nbest configuration: {config}")
    print(f"  mean cross-validated {score_name}: {search.best_score_:.4f}")
    print(f"  {score_name} of the refitted model on {len(test.target)} fresh sequences: "
          f"{test_score:.4f}" + (f" ({wrong[0]} of {wrong[1]} timesteps wrong)" if wrong else ""))
    sys.stdout.flush()
    baseline, baseline_score, baseline_wrong = memoryless_baseline(task, args, train, test)
    print(f"  {score_name} of the memoryless baseline ({type(baseline).__name__}, which sees "
          f"one timestep at a time)\n    on the same {len(test.target)} fresh sequences: "
          f"{baseline_score:.4f}" + (f" ({baseline_wrong[0]} of {baseline_wrong[1]} timesteps "
                                     "wrong)" if baseline_wrong else ""))
    sys.stdout.flush()

    names = ["results.csv", "heatmap.png"] + (["optimization_history.png"] if kind == "study"
                                              else []) + ["predictions.png"]
    status(f"writing {', '.join(names)} to {out_dir}...")
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
              f"{score_text(score_name, test_score, wrong)}",
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
    status(f"training the best configuration of each state policy again ({len(picks)} "
           f"fit(s), 20% of the {len(train.target)} sequences held out for validation) for "
           "learning_curves.png...")
    models = {}
    for _, row in picks.iterrows():
        params = {name: row[name] for name in names if name in row}
        params = {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
        label = " ".join(str(v) for v in params.values())
        est = clone(estimator).set_params(
            **params, train_split=ValidSplit(0.2, stratified=False, random_state=args.seed))
        with quiet_warnings(), convergence_note(f"the learning-curve model {label!r}"):
            models[label] = est.fit(train.data, train.target)
    task = TASKS[args.task]
    return plot_learning_curves(
        models, title=f"{task.name}: best configuration of each state policy, trained with a "
        "20% validation split")
