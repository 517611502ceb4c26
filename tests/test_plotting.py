"""The figures of ``seqestimators.plotting``: predictions, learning curves and search results.

(``plot_sequences`` is tested with the ``tasks`` command in test_plotting_tasks_cli.py.)
"""

import numpy as np
import optuna
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from skorch.dataset import ValidSplit

from seqestimators import RNNClassifier
from seqestimators.datasets import make_burst
from seqestimators.plotting import (
    plot_learning_curves,
    plot_optimization_history,
    plot_predictions,
    plot_search_heatmap,
    save_figure,
)
from seqestimators.results import results_frame

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _saves_png(fig, tmp_path, name="fig.png"):
    path = save_figure(fig, tmp_path / name)
    return path.read_bytes()[:8] == PNG_MAGIC


@pytest.fixture(scope="module")
def search_frame():
    """A results table like an Optuna study's: 3 cells x 2 sizes x 2 policies, some pruned."""
    rows = []
    rng = np.random.RandomState(0)
    number = 0
    for policy in ("reset", "carry"):
        for cell in ("rnn", "lstm", "gru"):
            for size in (8, 16):
                score = (0.99 if cell != "rnn" else 0.9) if policy == "reset" else 0.8
                score -= rng.uniform(0, 0.01)
                state = "PRUNED" if (cell, size, policy) == ("rnn", 16, "carry") else "COMPLETE"
                rows.append({"number": number, "state": state, "cell": cell,
                             "hidden_size": size, "state_policy": policy, "value": score,
                             "mean_test_score": score if state == "COMPLETE" else np.nan,
                             "intermediate_value": score})
                number += 1
    rows.append({"number": number, "state": "FAIL", "cell": "gru", "hidden_size": 8,
                 "state_policy": "reset", "value": np.nan, "mean_test_score": np.nan,
                 "intermediate_value": np.nan})
    return pd.DataFrame(rows).sort_values("value", ascending=False, ignore_index=True)


@pytest.fixture(scope="module")
def nets():
    X, y = make_burst(24, 30, max_onset=15, random_state=0, return_X_y=True)
    return {cell: RNNClassifier(cell=cell, hidden_size=4, max_epochs=4, random_state=0,
                                train_split=ValidSplit(4)).fit(X, y)
            for cell in ("rnn", "lstm")}, (X, y)


# ------------------------------------------------------------------ predictions
def test_plot_predictions(nets, tmp_path):
    models, (X, y) = nets
    y_pred = models["lstm"].predict(X)
    fig = plot_predictions(X, y, y_pred, n_sequences=2, title="lstm")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    lines = fig.axes[1].get_lines()
    assert [to_rgba(line.get_color()) for line in lines] == [
        to_rgba("tab:blue"), to_rgba("tab:red"), to_rgba("tab:green")]
    np.testing.assert_array_equal(lines[1].get_ydata(), y[1])
    np.testing.assert_array_equal(lines[2].get_ydata(), y_pred[1])
    assert fig.get_suptitle() == "lstm"
    target, prediction = lines[1], lines[2]
    # the target is a broad band beneath the thin prediction: both stay visible where they agree
    assert target.get_zorder() < prediction.get_zorder()
    assert target.get_linewidth() > 2 * prediction.get_linewidth()
    assert fig.get_supylabel() == "input, target and prediction"
    # each row counts the timesteps the prediction gets wrong
    n_wrong = int((y_pred[1] != y[1]).sum())
    assert fig.axes[1].get_title(loc="left") == (
        f"sample 1, {n_wrong} of {y.shape[1]} timesteps wrong")
    assert _saves_png(fig, tmp_path)


def test_plot_predictions_counts_wrong_timesteps_of_labels_only():
    X = np.zeros((2, 6, 1))
    y = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0]])
    early = np.array([[1, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0]])  # switches one step early
    fig = plot_predictions(X, y, early)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "sample 0, 1 of 6 timesteps wrong", "sample 1, 0 of 6 timesteps wrong"]
    fig = plot_predictions(X, y + 0.5, early + 0.25)  # continuous values: nothing counted
    assert fig.axes[0].get_title(loc="left") == "sample 0"
    fig = plot_predictions(X, y, early, ylabel="signal and class")
    assert fig.get_supylabel() == "signal and class"


def test_plot_predictions_into_given_figure_and_errors():
    fig = Figure()
    X = np.zeros((3, 5, 1))
    assert plot_predictions(X, np.zeros((3, 5)), np.ones((3, 5)), fig=fig) is fig
    assert len(fig.axes) == 3
    with pytest.raises(ValueError, match="needs both y_true and y_pred"):
        plot_predictions(X, np.zeros((3, 5)), None)
    with pytest.raises(ValueError, match="inconsistent numbers of sequences"):
        plot_predictions(X, np.zeros((3, 5)), np.zeros((2, 5)))


# ------------------------------------------------------------------ learning curves
def test_plot_learning_curves_of_estimators(nets, tmp_path):
    models, _ = nets
    fig = plot_learning_curves(models, title="curves")
    assert len(fig.axes) == 2  # loss and validation accuracy
    loss_ax, score_ax = fig.axes
    assert len(loss_ax.get_lines()) == 4  # train and valid loss per model
    assert [line.get_label() for line in loss_ax.get_lines()] == [
        "rnn: training", "rnn: validation", "lstm: training", "lstm: validation"]
    np.testing.assert_allclose(loss_ax.get_lines()[2].get_ydata(),
                               models["lstm"].history_[:, "train_loss"])
    assert loss_ax.get_lines()[1].get_linestyle() == "--"
    np.testing.assert_allclose(score_ax.get_lines()[0].get_ydata(),
                               models["rnn"].history_[:, "valid_acc"])
    assert score_ax.get_ylabel() == "validation accuracy"  # not skorch's name valid_acc
    assert [line.get_label() for line in score_ax.get_lines()] == ["rnn", "lstm"]
    assert _saves_png(fig, tmp_path)


def test_plot_learning_curves_of_a_frame():
    history = pd.DataFrame({"epoch": [1, 2, 3, 4], "train_loss": [1.0, 0.1, 0.01, 0.005],
                            "dur": [0.1] * 4})
    fig = plot_learning_curves(history)
    assert len(fig.axes) == 1  # no validation: loss only
    assert fig.axes[0].get_yscale() == "log"  # spans more than a factor of 20
    assert len(fig.axes[0].get_lines()) == 1
    fig = plot_learning_curves(history, logy=False)
    assert fig.axes[0].get_yscale() == "linear"
    with pytest.raises(ValueError, match=r"Score column\(s\) \['valid_r2'\]"):
        plot_learning_curves(history, scores=["valid_r2"])
    with pytest.raises(ValueError, match="'epoch' and 'train_loss'"):
        plot_learning_curves(pd.DataFrame({"loss": [1.0]}))


# ------------------------------------------------------------------ search heatmap
def test_plot_search_heatmap(search_frame, tmp_path):
    fig = plot_search_heatmap(search_frame, title="search")
    assert len(fig.axes) == 3  # one panel per state policy, plus the colour bar
    reset, carry, colorbar = fig.axes
    assert [reset.get_title(), carry.get_title()] == ["state_policy = reset",
                                                      "state_policy = carry"]  # best first
    assert [t.get_text() for t in reset.get_yticklabels()] == ["gru", "lstm", "rnn"]
    assert [t.get_text() for t in reset.get_xticklabels()] == ["8", "16"]
    # the annotations are the best scores, and the panels share one colour scale
    done = search_frame.dropna(subset=["mean_test_score"])
    best = done.groupby(["state_policy", "cell", "hidden_size"])["mean_test_score"].max()
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
             for t in reset.texts}
    assert texts[(1, 0)] == f"{best['reset', 'lstm', 8]:.3f}"
    assert reset.images[0].norm.vmin == carry.images[0].norm.vmin == pytest.approx(best.min())
    assert reset.images[0].norm.vmax == pytest.approx(best.max())
    # rnn/16/carry was only pruned: no CV score, so its cell is blank
    carry_texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
                   for t in carry.texts}
    assert (2, 1) not in carry_texts and len(carry_texts) == 5
    assert colorbar.get_ylabel() == "mean_test_score"
    assert fig.get_supxlabel() == ""
    assert _saves_png(fig, tmp_path)


def test_plot_search_heatmap_marks_pruned_only_combinations(search_frame):
    # "value" holds the score a pruned trial was stopped with: shown, marked with *
    fig = plot_search_heatmap(search_frame, values="value")
    carry = fig.axes[1]
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
             for t in carry.texts}
    pruned = search_frame[search_frame["state"] == "PRUNED"]["value"].item()
    assert texts[(2, 1)] == f"{pruned:.3f}*"
    assert sum(t.endswith("*") for t in texts.values()) == 1
    assert "pruned" in fig.get_supxlabel()


def test_plot_search_heatmap_options(search_frame):
    fig = plot_search_heatmap(search_frame, facet=None, values="value", fmt=".2f")
    assert len(fig.axes) == 2
    assert all(len(t.get_text()) == 4 for t in fig.axes[0].texts)  # "0.99"
    fig = plot_search_heatmap(search_frame, index="state_policy", columns="cell",
                              facet="hidden_size", vmin=0, vmax=1)
    assert [ax.get_title() for ax in fig.axes[:2]] == ["hidden_size = 8", "hidden_size = 16"]
    assert fig.axes[0].images[0].norm.vmin == 0
    with pytest.raises(ValueError, match=r"\['num_layers'\] not found"):
        plot_search_heatmap(search_frame, columns="num_layers")


def test_plot_search_heatmap_of_a_study():
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    study.optimize(lambda t: t.suggest_int("hidden_size", 1, 3) * 0.1
                   + (t.suggest_categorical("cell", ["gru", "lstm"]) == "lstm"), n_trials=12)
    fig = plot_search_heatmap(study, facet=None, values="value")
    assert len(fig.axes) == 2
    frame = results_frame(study)
    expected = {f"{v:.3f}" for v in frame.groupby(["cell", "hidden_size"])["value"].max()}
    assert {t.get_text() for t in fig.axes[0].texts} == expected
    with pytest.raises(ValueError, match=r"\['mean_test_score'\] not found"):
        plot_search_heatmap(study, facet=None)  # a plain study has no CV scores


def test_plot_search_heatmap_of_a_study_marks_its_pruned_only_combinations():
    # results_frame keeps a pruned trial's score in "pruned_at_score", out of "value"
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.GridSampler(
        {"cell": ["gru", "lstm"]}, seed=0))

    def objective(trial):
        cell = trial.suggest_categorical("cell", ["gru", "lstm"])
        trial.report(0.25, 0)
        if cell == "lstm":
            raise optuna.TrialPruned()
        return 0.75

    study.optimize(objective, n_trials=2)
    frame = results_frame(study).assign(state_policy="reset")
    fig = plot_search_heatmap(frame, columns="cell", index="state_policy", facet=None,
                              values="value")
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["0.250*", "0.750"]
    assert "pruned" in fig.get_supxlabel()


# ------------------------------------------------------------------ optimization history
def _study_with_every_state():
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    values = {0: 0.5, 1: 0.7, 2: None, 3: 0.6, 4: "fail", 5: 0.9, 6: None}

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        value = values[trial.number]
        if value == "fail":
            raise RuntimeError("diverged")
        if value is None:
            trial.report(0.3, 0)
            raise optuna.TrialPruned()
        return value

    study.optimize(objective, n_trials=len(values), catch=(RuntimeError,))
    return study


def test_plot_optimization_history(tmp_path):
    study = _study_with_every_state()
    fig = plot_optimization_history(study, ylabel="mean CV accuracy")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    complete, pruned, failed = ax.collections
    np.testing.assert_array_equal(complete.get_offsets()[:, 0], [0, 1, 3, 5])
    np.testing.assert_allclose(complete.get_offsets()[:, 1], [0.5, 0.7, 0.6, 0.9])
    np.testing.assert_array_equal(pruned.get_offsets(), [[2, 0.3], [6, 0.3]])
    np.testing.assert_array_equal(failed.get_offsets()[:, 0], [4])
    (best,) = ax.get_lines()
    assert best.get_label() == "best so far"
    np.testing.assert_allclose(best.get_ydata(), [0.5, 0.7, 0.7, 0.9, 0.9])
    assert ax.get_ylabel() == "mean CV accuracy" and ax.get_xlabel() == "trial"
    assert _saves_png(fig, tmp_path)


def test_plot_optimization_history_of_a_frame_and_minimize():
    frame = pd.DataFrame({"number": [0, 1, 2, 3], "state": ["COMPLETE"] * 4,
                          "value": [3.0, 1.0, 2.0, 0.5]})
    fig = plot_optimization_history(frame, direction="minimize", title="losses")
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [3, 1, 1, 0.5, 0.5])
    assert fig.axes[0].get_title() == "losses"
    with pytest.raises(ValueError, match="'maximize' or 'minimize'"):
        plot_optimization_history(frame, direction="up")
    with pytest.raises(ValueError, match=r"needs the column\(s\) \['state'\]"):
        plot_optimization_history(frame.drop(columns="state"))
    multi = optuna.create_study(directions=["maximize", "minimize"])
    with pytest.raises(ValueError, match="single-objective"):
        plot_optimization_history(multi)
