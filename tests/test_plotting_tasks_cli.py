"""``seqestimators.plotting.plot_sequences`` and the ``seqestimators tasks`` command."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from seqestimators.cli import TASKS, main
from seqestimators.datasets import make_adding_problem, make_burst, make_flipflop
from seqestimators.plotting import plot_sequences, save_figure

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _line_colors(ax):
    return [to_rgba(line.get_color()) for line in ax.get_lines()]


def test_plot_sequences_rows_and_colors(tmp_path):
    X, y = make_burst(5, random_state=1, return_X_y=True)
    fig = plot_sequences(X, y, y_pred=1 - y, n_sequences=3, title="burst")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    colors = _line_colors(fig.axes[0])
    assert colors == [to_rgba("tab:blue"), to_rgba("tab:red"), to_rgba("tab:green")]
    np.testing.assert_array_equal(fig.axes[1].get_lines()[1].get_ydata(), y[1])
    path = save_figure(fig, tmp_path / "nested" / "burst.png")
    assert path.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize(
    "X, y, n_lines",
    [
        (np.zeros((4, 10)), np.zeros((4, 10)), 2),  # 2D X: univariate sequences
        (np.zeros((4, 10, 2)), None, 2),  # inputs only
        ([np.zeros((5, 2)), np.ones((8, 2))], [np.zeros(5), np.ones(8)], 3),  # ragged
        (np.zeros((4, 10, 2)), np.zeros((4, 10, 3)), 5),  # several targets
    ],
    ids=["2d", "no-target", "ragged", "multi-target"],
)
def test_plot_sequences_layouts(X, y, n_lines):
    fig = plot_sequences(X, y, n_sequences=10)
    assert len(fig.axes) == len(X)
    assert len(fig.axes[0].get_lines()) == n_lines


def test_plot_sequences_per_sequence_target_and_frame():
    bunch = make_adding_problem(4, 20, random_state=0, as_frame=True)
    fig = plot_sequences(bunch.data, bunch.target, y_pred=np.ones(4), n_sequences=2,
                         feature_names=bunch.feature_names)
    assert len(fig.axes) == 2
    assert f"target: {bunch.target.iloc[0]:.3g}" in fig.axes[0].get_title(loc="left")
    assert "predicted: 1" in fig.axes[0].get_title(loc="left")


def test_plot_sequences_options():
    X, y = make_flipflop(3, 30, n_bits=2, random_state=0, return_X_y=True)
    fig = plot_sequences(X, y, features=[1], offset=3.0, drawstyle="steps-post",
                         secondary_y=True, n_sequences=1)
    assert len(fig.axes) == 2  # one row plus its twin axis for the targets
    (inp,) = fig.axes[0].get_lines()
    np.testing.assert_array_equal(inp.get_ydata(), X[0, :, 1])
    second_target = fig.axes[1].get_lines()[1]
    np.testing.assert_array_equal(second_target.get_ydata(), y[0, :, 1] - 3.0)


def test_plot_sequences_into_given_figure():
    fig = Figure()
    fig.add_subplot()
    out = plot_sequences(np.zeros((2, 5, 1)), fig=fig)
    assert out is fig and len(fig.axes) == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(y=np.zeros((3, 5))), "inconsistent numbers of sequences"),
        (dict(feature_names=["a", "b"]), "2 names for 1"),
        (dict(n_sequences=0), "n_sequences must be at least 1"),
    ],
)
def test_plot_sequences_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_sequences(np.zeros((2, 5, 1)), **kwargs)


def test_cli_tasks_table_and_pngs(tmp_path, capsys):
    assert main(["tasks", "--output", tmp_path, "--n-samples", "4", "--random-state", "1"]) == 0
    out = capsys.readouterr().out
    assert len(TASKS) == 8
    for name in TASKS:
        assert name in out
        png = tmp_path / f"{name}.png"
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert str(png) in out
    for column in ["task", "X shape", "y shape", "target type", "must remember"]:
        assert column in out
    assert "(4, 130, 1)" in out and "per-sequence continuous" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.png" for n in TASKS)


def test_cli_tasks_without_output_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["tasks", "--n-samples", "2"]) == 0
    assert "flipflop" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["--help"], ["tasks", "--help"], ["--version"]])
def test_cli_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert "seqestimators" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [[], ["tasks", "--n-samples", "0"], ["nope"]])
def test_cli_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error" in capsys.readouterr().err


def test_tasks_registry_generates_each_task():
    for task in TASKS.values():
        bunch = task.generate(2, random_state=0)
        assert len(bunch.data) == 2
        assert isinstance(task.generate(2, random_state=0, as_frame=True).data, pd.DataFrame)


# --------------------------------------------------------------------------------------------
# The ``study`` and ``grid`` commands
# --------------------------------------------------------------------------------------------

TINY = ["--n-samples", "24", "--n-timesteps", "10", "--hidden-sizes", "4", "--cv", "2",
        "--max-epochs", "2", "--batch-size", "8"]
SEARCH_PNGS = {"heatmap.png", "predictions.png", "learning_curves.png"}


def _csv(path):
    return pd.read_csv(path / "results.csv")


def test_cli_grid_writes_table_and_pngs(tmp_path, capsys):
    out = tmp_path / "grid"
    argv = ["grid", "echo", *TINY, "--cells", "lstm", "--policies", "reset,carry",
            "--output", out]
    assert main(argv) == 0
    text = " ".join(capsys.readouterr().out.split())  # long lines are wrapped
    frame = _csv(out)
    assert len(frame) == 2 and set(frame["state_policy"]) == {"reset", "carry"}
    assert {"cell", "hidden_size", "state_policy", "mean_test_score",
            "rank_test_score"} <= set(frame.columns)
    assert frame["rank_test_score"].is_monotonic_increasing
    assert sorted(p.name for p in out.iterdir()) == sorted(SEARCH_PNGS | {"results.csv"})
    for name in SEARCH_PNGS:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC
    assert "task delayed_echo: X (24, 10, 1)" in text
    assert "2 candidate(s), best mean CV accuracy first" in text
    assert "best configuration: cell='lstm', hidden_size=4" in text
    best = frame.iloc[0]
    assert f"state_policy={best['state_policy']!r}" in text
    assert f"{best['mean_test_score']:.4f}" in text
    assert "state_policy='carry' hands the final hidden state" in text
    assert f"wrote {out / 'results.csv'}" in text


def test_cli_grid_regression_task(tmp_path, capsys):
    argv = ["grid", "integral", *TINY, "--cells", "gru", "--policies", "reset", "--output",
            tmp_path]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "RNNRegressor" in text and "mean cross-validated R²" in text
    assert "carry" not in text
    assert len(_csv(tmp_path)) == 1


def test_cli_study_writes_table_and_pngs_and_resumes(tmp_path, capsys):
    out = tmp_path / "study"
    argv = ["study", "echo", *TINY, "--cells", "lstm,gru", "--policies", "reset,carry",
            "--trials", "3", "--output", out, "--seed", "1"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    frame = _csv(out)
    assert len(frame) == 3
    assert set(frame["state"]) <= {"COMPLETE", "PRUNED"}
    assert {"number", "cell", "hidden_size", "state_policy", "value",
            "mean_test_score", "duration"} <= set(frame.columns)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        SEARCH_PNGS | {"results.csv", "optimization_history.png", "study.db"})
    assert (out / "optimization_history.png").read_bytes()[:8] == PNG_MAGIC
    text = " ".join(captured.out.split())  # long lines are wrapped
    assert f"study 'delayed_echo' in sqlite:///{(out / 'study.db').as_posix()}" in text
    assert "0 finished trial(s) stored, running 3 more" in text
    assert "completed trials, best mean CV accuracy first" in text
    assert "best mean CV accuracy by cell (rows) and state_policy (columns)" in text
    assert "best configuration: cell=" in text
    assert "3/3" in captured.err  # the progress bar

    # same storage and study name: the study continues where it stopped
    assert main([*argv[:-4], "--trials", "4", "--output", out, "--seed", "1",
                 "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "3 finished trial(s) stored, running 1 more" in " ".join(captured.out.split())
    assert "trials" not in captured.err
    resumed = _csv(out)
    assert len(resumed) == 4
    assert set(frame["number"]) < set(resumed["number"])


@pytest.mark.parametrize("command", ["study", "grid"])
def test_cli_search_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert f"seqestimators {command}" in out
    for option in ["--output", "--cells", "--hidden-sizes", "--policies", "--cv", "--jobs",
                   "--n-samples", "--max-epochs", "--device", "--seed"]:
        assert option in out
    if command == "study":
        for option in ["--trials", "--storage", "--study-name", "--timeout", "--sampler"]:
            assert option in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["grid", "nope"], "unknown task 'nope'"),
        (["grid", "echo", "--cells", "lstm,transformer"], "invalid value(s) ['transformer']"),
        (["grid", "echo", "--hidden-sizes", "8,x"], "comma-separated int values"),
        (["study", "echo", "--task-param", "delay"], "expected NAME=VALUE"),
        (["study", "copy", "--n-timesteps", "20"], "make_copy_memory has no parameter(s) "
                                                   "n_timesteps"),
        (["grid", "burst", "--task-param", "onset=3"], "has no parameter(s) onset"),
        (["study", "echo", "--sampler", "grid"], "invalid choice: 'grid'"),
    ],
)
def test_cli_search_bad_arguments(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--output", tmp_path])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
