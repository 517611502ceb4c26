"""Result tables of searches: results_frame (any search or Optuna study) and pivot_results."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError

__all__ = ["as_study", "pivot_results", "results_frame"]

#: Score and time columns placed right after the parameters, in this order, when present.
_LEADING_SCORE_COLUMNS = [
    "mean_test_score",
    "std_test_score",
    "rank_test_score",
    "mean_fit_time",
]

#: Columns describing an Optuna trial, placed first.
_TRIAL_COLUMNS = ["number", "state", "value"]

#: How an Optuna trial was evaluated or ended, placed after the score columns: for
#: :class:`~seqestimators.search.SequenceSearchCV` the share of each training fold held out for
#: the validation score of pruning and the earlier trial whose result a trial with the same
#: parameters took; the score a pruned trial was stopped with.
_TRIAL_INFO_COLUMNS = ["validation_fraction", "duplicate_of", "pruned_at_score"]


def _plain(value):
    """A plain Python value: numpy scalars unwrapped, masked entries as None."""
    if value is np.ma.masked:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _fix_param_columns(frame, names, rows):
    """Parameter columns with missing entries keep their Python values (object dtype).

    pandas would turn ``[8, None]`` into ``[8.0, nan]``; hyper-parameters stay ``8`` and
    ``None``.
    """
    for name in names:
        values = [row.get(name) for row in rows]
        if any(v is None for v in values) and not all(
            v is None or isinstance(v, float) for v in values
        ):
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _short_names(names):
    """Map full parameter names to their shortest unambiguous ``__``-suffixes.

    ``estimator__hidden_size`` and ``rnnclassifier__hidden_size`` become ``hidden_size``; when
    two full names share a last part (``a__alpha``, ``b__alpha``) they keep as many parts as
    needed to stay distinct.
    """
    names = list(dict.fromkeys(names))
    parts = {name: name.split("__") for name in names}
    depth = dict.fromkeys(names, 1)
    while True:
        short = {name: "__".join(parts[name][-depth[name]:]) for name in names}
        seen = {}
        for name, s in short.items():
            seen.setdefault(s, []).append(name)
        clashes = [group for group in seen.values() if len(group) > 1]
        if not clashes:
            return short
        grown = False
        for group in clashes:
            for name in group:
                if depth[name] < len(parts[name]):
                    depth[name] += 1
                    grown = True
        if not grown:  # identical full names cannot happen (dict keys); be safe anyway
            return {name: name for name in names}


def _select_params(frame, param_names, params):
    """Rename ``param_names`` (full names) to plain names and apply the ``params`` selection."""
    short = _short_names(param_names)
    frame = frame.rename(columns=short)
    plain = [short[name] for name in param_names]
    if params is None:
        return frame, plain
    if isinstance(params, str):
        params = [params]
    rename = dict(params) if isinstance(params, Mapping) else {p: p for p in params}
    lookup = {**{full: short[full] for full in param_names}, **{s: s for s in plain}}
    missing = [p for p in rename if p not in lookup]
    if missing:
        raise ValueError(
            f"Unknown parameter(s) {missing}; the search has {sorted(plain)}."
        )
    keep = {lookup[p]: new for p, new in rename.items()}
    frame = frame.drop(columns=[c for c in plain if c not in keep]).rename(columns=keep)
    return frame, list(keep.values())


def _order_columns(frame, first):
    first = [c for c in first if c in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]]


def _sklearn_frame(search, params):
    results = search.cv_results_
    candidates = results["params"]
    param_names = list(dict.fromkeys(name for cand in candidates for name in cand))
    rows = [{name: _plain(cand.get(name)) for name in param_names} for cand in candidates]
    frame = _fix_param_columns(pd.DataFrame(rows, columns=param_names), param_names, rows)
    for key, values in results.items():
        if key == "params" or key.startswith("param_"):
            continue
        frame[key] = [_plain(v) for v in np.ma.getdata(values)] if np.ndim(values) else values
    frame, plain = _select_params(frame, param_names, params)
    rank = "rank_test_score"
    if rank not in frame.columns:  # multi-metric search: rank by the refit metric, or the first
        refit = getattr(search, "refit", None)
        ranks = [c for c in frame.columns if c.startswith("rank_test_")]
        rank = f"rank_test_{refit}" if isinstance(refit, str) else (ranks[0] if ranks else None)
    frame = _order_columns(frame, plain + _LEADING_SCORE_COLUMNS)
    if rank is not None:
        frame = frame.sort_values(rank, kind="stable")
    return frame.reset_index(drop=True)


def _trial_score(trial, maximize):
    """Sort key of a trial: completed first (best value first), then pruned, then the rest."""
    state = trial.state.name
    if state == "COMPLETE" and trial.value is not None:
        return (0, -trial.value if maximize else trial.value, trial.number)
    if state == "PRUNED":
        last = trial.intermediate_values.get(trial.last_step) if trial.last_step is not None \
            else None
        score = trial.user_attrs.get("mean_test_score", last)
        if isinstance(score, numbers.Real) and np.isfinite(score):
            return (1, -score if maximize else score, trial.number)
        return (1, np.inf, trial.number)
    return (2, 0.0, trial.number)


def _study_frame(study, params):
    """The frame of a study, from :meth:`optuna.study.Study.trials_dataframe`."""
    import optuna

    multi = len(study.directions) > 1
    maximize = (not multi) and study.direction == optuna.study.StudyDirection.MAXIMIZE
    trials = study.get_trials(deepcopy=False)
    param_names = list(dict.fromkeys(name for t in trials for name in t.params))
    attr_names = list(dict.fromkeys(
        name for t in trials for name, v in t.user_attrs.items()
        if v is None or isinstance(v, (numbers.Number, str, bool, np.generic))
    ))
    values = [f"value_{i}" for i in range(len(study.directions))] if multi else ["value"]
    raw = study.trials_dataframe(
        attrs=("number", "state", "values" if multi else "value", "params", "user_attrs",
               "duration"), multi_index=False)
    columns = ["number", "state", *values, *param_names, *attr_names, "duration"]
    if raw.empty:  # no trial: trials_dataframe has no columns at all
        frame = pd.DataFrame([], columns=columns)
    else:
        frame = raw.rename(columns={
            **{f"values_{i}": f"value_{i}" for i in range(len(values))},
            **{f"params_{name}": name for name in param_names},
            **{f"user_attrs_{name}": name for name in attr_names}})
        frame["duration"] = frame["duration"].dt.total_seconds()
        frame = frame[columns]
    if any(t.intermediate_values for t in trials):
        frame["n_steps"] = [len(t.intermediate_values) for t in trials]
        frame["intermediate_value"] = [
            t.intermediate_values[t.last_step] if t.last_step is not None else np.nan
            for t in trials]
    frame = _fix_param_columns(frame, param_names, [t.params for t in trials])
    for col in ["value", "duration", "intermediate_value"]:
        if col in frame.columns:
            frame[col] = frame[col].astype(float)
    if "duplicate_of" in frame.columns:  # trial numbers, missing for the original trials
        frame["duplicate_of"] = pd.array(
            [int(v) if isinstance(v, numbers.Real) and np.isfinite(v) else pd.NA
             for v in frame["duplicate_of"]], dtype="Int64")
    frame, plain = _select_params(frame, param_names, params)
    if not multi:
        # Optuna stores a pruned trial's last intermediate value as its value: that score of a
        # partly trained model gets a column of its own, and value is the objective only.
        frame["pruned_at_score"] = [
            float(t.intermediate_values[t.last_step])
            if t.state.name == "PRUNED" and t.last_step is not None else np.nan for t in trials]
        complete = frame["state"].eq("COMPLETE") & frame["value"].notna()
        frame["value"] = frame["value"].where(complete)
        ranks = frame["value"].rank(method="min", ascending=not maximize)
        frame["rank_test_score"] = pd.array(
            [int(rank) if rank == rank else pd.NA for rank in ranks], dtype="Int64")
        order = sorted(range(len(trials)), key=lambda i: _trial_score(trials[i], maximize))
        frame = frame.iloc[order]
    first = _TRIAL_COLUMNS + plain + _LEADING_SCORE_COLUMNS + _TRIAL_INFO_COLUMNS
    frame = _order_columns(frame, first)
    split_cols = [c for c in frame.columns if c.startswith("split")]
    frame = frame[[c for c in frame.columns if c not in split_cols] + split_cols]
    return frame.reset_index(drop=True)


def as_study(obj):
    """The Optuna study behind ``obj``, or None.

    Parameters
    ----------
    obj : object
        An :class:`optuna.study.Study`, or a fitted search holding one in ``study_``
        (:class:`~seqestimators.search.SequenceSearchCV`,
        :class:`optuna_integration.OptunaSearchCV`).

    Returns
    -------
    study : optuna.study.Study or None
        The study; None for anything else (a class, an unfitted search, a scikit-learn
        search).
    """
    import optuna

    if isinstance(obj, optuna.study.Study):
        return obj
    study = getattr(obj, "study_", None) if not isinstance(obj, type) else None
    if isinstance(study, optuna.study.Study):
        return study
    return None


def _not_fitted(obj):
    return NotFittedError(
        f"This {type(obj).__name__} instance is not fitted yet. Call 'fit' with appropriate "
        "arguments before using this estimator."
    )


def results_frame(search_or_study, *, params=None):
    """One row per candidate of a hyper-parameter search, best first.

    Parameters
    ----------
    search_or_study : fitted search or :class:`optuna.study.Study`
        A fitted :class:`~sklearn.model_selection.GridSearchCV`,
        :class:`~sklearn.model_selection.RandomizedSearchCV` (or any search with
        ``cv_results_``), a fitted :class:`~seqestimators.search.SequenceSearchCV` (what
        :func:`seqestimators.search.optuna_search` returns) or
        :class:`~optuna_integration.OptunaSearchCV`, or an Optuna study.

    params : list of str or dict, default=None
        The parameter columns to keep, by plain or full name, in this order; a dict also
        renames them (``{"estimator__lr": "learning rate"}``). By default every searched
        parameter.

    Returns
    -------
    frame : :class:`pandas.DataFrame`
        One row per candidate (per trial for Optuna), sorted best first, with a fresh
        ``RangeIndex``. Columns:

        - for Optuna: ``number`` (the trial number), ``state`` (``"COMPLETE"``,
          ``"PRUNED"``, ``"FAIL"``, ``"RUNNING"`` or ``"WAITING"``, as in
          :class:`optuna.trial.TrialState`) and ``value`` (the objective value; missing for
          trials that did not complete, pruned ones included);
        - one column per searched parameter under its plain name: prefixes of nested
          parameters (``estimator__``, pipeline steps such as ``rnnclassifier__``) are
          stripped, as long as the names stay distinct; values are plain Python objects
          (``"lstm"``, ``16``), ``None`` where a candidate does not set the parameter;
        - ``mean_test_score``, ``std_test_score``, ``rank_test_score`` (1 = best; for Optuna
          among completed trials only: integers, missing for the others) and
          ``mean_fit_time`` when the search records them (the Optuna searches store them as
          user attributes; every other scalar user attribute becomes a column too);
        - for studies of :class:`~seqestimators.search.SequenceSearchCV`:
          ``validation_fraction``, the share of each training fold its fits held out for the
          per-epoch validation score of pruning (0.0: trained on the whole fold; the trial's
          scores come from models trained on ``1 - validation_fraction`` of each fold), and
          ``duplicate_of``, the number of the earlier trial whose result a trial with the same
          parameters took without being fitted (missing for the others);
        - for single-objective Optuna studies: ``pruned_at_score``, the score a pruned trial
          was stopped with (its last intermediate value, from a partly trained model; missing
          for the other trials);
        - the remaining columns of ``cv_results_`` (``std_fit_time``, ``split0_test_score``,
          ...), and for Optuna ``duration`` (seconds), plus ``n_steps`` and
          ``intermediate_value`` (the number of intermediate values reported, e.g. epochs or
          iterations, and the last one: the score at which a pruned trial was stopped) when
          trials reported any.

        Optuna trials are ordered: completed trials by value (best first), then pruned trials
        by their last score, then failed, running and waiting ones by number.

    Raises
    ------
    TypeError
        When ``search_or_study`` is none of the supported objects.
    sklearn.exceptions.NotFittedError
        When the search is not fitted yet.

    See Also
    --------
    pivot_results : Fold the frame into a parameter x parameter grid.
    seqestimators.plotting.plot_search_heatmap : Draw that grid.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from seqestimators.results import results_frame
    >>> X, y = load_iris(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), DecisionTreeClassifier(random_state=0))
    >>> search = GridSearchCV(pipe, {"decisiontreeclassifier__max_depth": [1, 2, 3],
    ...                              "decisiontreeclassifier__criterion": ["gini", "entropy"]},
    ...                       cv=3).fit(X, y)
    >>> frame = results_frame(search)
    >>> frame[["criterion", "max_depth", "mean_test_score", "rank_test_score"]].round(3)
      criterion  max_depth  mean_test_score  rank_test_score
    0      gini          3            0.960                1
    1   entropy          3            0.953                2
    2      gini          2            0.933                3
    3   entropy          2            0.933                3
    4      gini          1            0.660                5
    5   entropy          1            0.660                5

    An Optuna study gives the trial number, state and value as well:

    >>> import optuna
    >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
    >>> study = optuna.create_study(direction="maximize",
    ...                             sampler=optuna.samplers.GridSampler({"x": [1, 2, 3]}))
    >>> study.optimize(lambda trial: -(trial.suggest_int("x", 1, 3) - 2) ** 2, n_trials=3)
    >>> results_frame(study)[["number", "state", "value", "x", "rank_test_score"]].iloc[0]
    number                    ...
    state              COMPLETE
    value                   0.0
    x                         2
    rank_test_score           1
    Name: 0, dtype: object
    """
    study = as_study(search_or_study)
    if study is not None:
        return _study_frame(study, params)
    if isinstance(search_or_study, type):
        raise TypeError(
            "results_frame expects a fitted search or an Optuna study instance, got the class "
            f"{search_or_study.__name__}."
        )
    if hasattr(search_or_study, "cv_results_"):
        return _sklearn_frame(search_or_study, params)
    if hasattr(search_or_study, "param_grid") or hasattr(search_or_study, "param_distributions"):
        raise _not_fitted(search_or_study)
    raise TypeError(
        "results_frame expects a fitted GridSearchCV, RandomizedSearchCV, SequenceSearchCV, "
        f"OptunaSearchCV or an optuna.study.Study; got {type(search_or_study).__name__}."
    )


def pivot_results(frame, index="cell", columns="state_policy", values="mean_test_score",
                  aggfunc="max"):
    """Fold a results table into a grid, e.g. cell type x hidden-state policy.

    Parameters
    ----------
    frame : :class:`pandas.DataFrame` or fitted search or :class:`optuna.study.Study`
        A table from :func:`results_frame` (or anything it accepts).

    index : str or list of str, default="cell"
        Column(s) whose values label the rows.

    columns : str or list of str, default="state_policy"
        Column(s) whose values label the columns.

    values : str, default="mean_test_score"
        The column to aggregate; rows where it is missing (failed trials) are left out.

    aggfunc : str or callable, default="max"
        How candidates sharing a cell of the grid are combined (``"max"``: the best score of
        each combination; ``"mean"``, ``"count"``, a function...).

    Returns
    -------
    table : :class:`pandas.DataFrame`
        One row per value of ``index``, one column per value of ``columns``; combinations
        that were not tried are NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from seqestimators.results import pivot_results
    >>> frame = pd.DataFrame({"cell": ["lstm", "lstm", "rnn", "rnn"],
    ...                       "state_policy": ["reset", "carry", "reset", "reset"],
    ...                       "mean_test_score": [0.99, 0.80, 0.93, 0.95]})
    >>> pivot_results(frame)
    state_policy  carry  reset
    cell
    lstm            0.8   0.99
    rnn             NaN   0.95
    """
    if not isinstance(frame, pd.DataFrame):
        frame = results_frame(frame)
    keys = [k for group in (index, columns) for k in ([group] if isinstance(group, str)
                                                       else list(group))]
    missing = [k for k in [*keys, values] if k not in frame.columns]
    if missing:
        raise ValueError(
            f"Column(s) {missing} not found in the results; available: {list(frame.columns)}."
        )
    data = frame[frame[values].notna()]
    data = data.assign(**{values: pd.to_numeric(data[values])})
    return data.pivot_table(index=index, columns=columns, values=values, aggfunc=aggfunc,
                            dropna=True)

