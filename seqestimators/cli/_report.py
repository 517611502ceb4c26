"""What the commands print: tables, the cell x policy pivot, progress, status lines, notes."""

from __future__ import annotations

import contextlib
import sys
import textwrap
import warnings

#: The per-epoch validation score of each kind of estimator.
SCORE_NAME = {True: "accuracy", False: "R²"}

#: How far carry's best score must stay below the best reset/learned one for the note to say
#: that carrying the state made the network fall back to a memoryless answer.
CARRY_MARGIN = 0.02

#: The footnote of a pivot table in which a cell is marked ``*``.
PRUNED_FOOTNOTE = ("(*: every trial of this combination was pruned; its validation score when "
                   "it was stopped)")


def shape(a):
    """``(n, t, f)``: the shape of an array as text."""
    return str(tuple(int(d) for d in a.shape))


def status(text):
    """Say on stderr what runs now (the long steps between the tables)."""
    print(text, file=sys.stderr, flush=True)


def say(text):
    """Print a paragraph wrapped to 100 columns."""
    print(textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False))


def error(args, message):
    """Print a one-line error like argparse does; the command returns exit status 2."""
    print(f"seqestimators {args.command}: error: {' '.join(str(message).split())}",
          file=sys.stderr)
    return 2


def format_table(frame):
    """A data frame as left-aligned text without the index, floats to 4 decimals."""
    text = frame.to_string(index=False, float_format="{:.4f}".format, na_rep="-")
    return "\n".join(line.rstrip() for line in text.splitlines())


def _carry_warning_filter():
    """``filterwarnings`` keywords that match the state policies' carry notes."""
    from ..state import CarryContinuationWarning

    return {"category": CarryContinuationWarning}


@contextlib.contextmanager
def quiet_warnings():
    """Silence the carry-misuse warning (a note explains it) and Optuna's experimental ones."""
    from optuna.exceptions import ExperimentalWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", **_carry_warning_filter())
        warnings.filterwarnings("ignore", category=ExperimentalWarning)
        yield


@contextlib.contextmanager
def convergence_note(what):
    """Turn ConvergenceWarnings into one status line (the short runs of the CLI are on purpose)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        yield
    others = [w for w in caught if not issubclass(w.category, ConvergenceWarning)]
    for w in others:  # pass the other warnings on unchanged
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if len(others) < len(caught):
        status(f"note: {what} was still improving when --max-epochs was reached (more epochs "
               "may score higher).")


class ProgressBar:
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


def wrong_timesteps(y_true, y_pred):
    """``(n_wrong, n_total)`` for per-timestep class labels of equal shapes, else None."""
    import numpy as np

    try:
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    except ValueError:  # ragged
        return None
    if y_true.shape != y_pred.shape or y_true.dtype == object:
        return None
    return int((y_true != y_pred).sum()), int(y_true.size)


def score_text(score_name, score, wrong):
    """``accuracy 0.9999 (3 of 24960 timesteps wrong)``: a rounded 1.000 never hides errors."""
    if wrong is None:
        return f"{score_name} {score:.4f}"
    n_wrong, n_total = wrong
    return f"{score_name} {score:.4f} ({n_wrong} of {n_total} timesteps wrong)"


def pivot_text(frame, values, *, mark_pruned):
    """Best ``values`` by cell (rows) and state policy (columns), as text.

    With ``mark_pruned`` (Optuna), a combination shows its best completed trial; one whose
    every trial was pruned shows the score it was stopped with, marked ``*``.

    Returns
    -------
    text : str
        The table.
    marked : bool
        Whether a cell of the table has the mark (and the footnote should be printed).
    """
    import numpy as np

    from ..results import pivot_results
    from ..state import STATE_POLICIES

    # Policies that carry the state between batches last: they are the cautionary ones.
    order = sorted(STATE_POLICIES, key=lambda name: STATE_POLICIES[name].carries)
    if mark_pruned and "pruned_at_score" in frame:
        # results_frame keeps a pruned trial's score apart from the completed ones' values.
        frame = frame.assign(**{values: frame[values].fillna(frame["pruned_at_score"])})
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
    return format_table(text.reset_index()), bool((marks == "*").to_numpy().any())


def print_results(frame, params, *, optuna, score_name):
    """The trials (or candidates) best first, and the best score by cell and state policy."""
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
        print(format_table(table) if len(table) else "(none)")
        stopped = frame[frame["state"] != "COMPLETE"]
        if len(stopped):
            shown = ["number", "state", *params, "n_steps", "intermediate_value", "duration"]
            table = stopped[[c for c in shown if c in stopped.columns]].rename(
                columns={"n_steps": "epochs", "intermediate_value": "valid_score",
                         "duration": "seconds"})
            print()
            say("trials that did not complete (pruned: stopped after 'epochs' epochs of "
                "their first CV fold, with validation score 'valid_score'):")
            print(format_table(table))
    else:
        shown = ["rank_test_score", *params, score, "std_test_score", "mean_fit_time"]
        table = frame[[c for c in shown if c in frame.columns]].rename(
            columns={"rank_test_score": "rank"})
        print(f"\n{len(frame)} candidate(s), best mean CV {score_name} first:")
        print(format_table(table))
    values = "value" if optuna else score
    if {"cell", "state_policy"} <= set(frame.columns) and frame[values].notna().any():
        print(f"\nbest mean CV {score_name} by cell (rows) and state_policy (columns):")
        text, marked = pivot_text(frame, values, mark_pruned=optuna)
        print(text)
        if marked:
            print(PRUNED_FOOTNOTE)


def any_carries(policies):
    """Whether one of the named state policies carries the state between batches."""
    from ..state import STATE_POLICIES

    return any(STATE_POLICIES[name].carries for name in policies)


def _best_by_policy(frame, values):
    """The best score of each state policy over the completed trials / candidates."""
    done = frame[frame[values].notna()]
    if "state" in done.columns:
        done = done[done["state"] == "COMPLETE"]
    return done.groupby("state_policy")[values].max().to_dict()


def print_carry_note(frame, values, is_classifier):
    """Explain carry; claim that it fell back to a memoryless answer only when the table shows it.

    That is when carry's best score is more than :data:`CARRY_MARGIN` below the best score of
    the reset/learned configurations.
    """
    from ..state import STATE_POLICIES

    score_name = SCORE_NAME[is_classifier]
    best = _best_by_policy(frame, values)
    carrying = [best[p] for p in best if STATE_POLICIES[p].carries]
    carry = max(carrying) if carrying else None
    others = {p: v for p, v in best.items() if not STATE_POLICIES[p].carries}
    what = ("note: state_policy='carry' hands the final hidden state of each batch to the next "
            "one, so on independent sequences every sequence starts where an unrelated one "
            "ended (the warning it raises in fit is silenced here).")
    print()
    if carry is None or not others:
        say(what)
        return
    policy, other = max(others.items(), key=lambda item: item[1])
    if carry < other - CARRY_MARGIN:
        say(f"{what} Here that costs it: its best mean CV {score_name} is {carry:.4f} against "
            f"{other:.4f} with state_policy={policy!r}; the network falls back to an answer "
            "that does not use its memory across the sequence.")
    else:
        relation = ("at least as high as" if carry >= other
                    else f"within {CARRY_MARGIN} of")
        say(f"{what} Here it did not hold the network back: its best mean CV {score_name} "
            f"({carry:.4f}) is {relation} the best with state_policy={policy!r} "
            f"({other:.4f}).")
