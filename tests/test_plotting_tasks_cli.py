"""``seqestimators.plotting.plot_sequences`` and the ``seqestimators`` command line."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from seqestimators import search as search_module
from seqestimators.cli import TASKS, main
from seqestimators.cli._report import print_carry_note as _print_carry_note
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
    captured = capsys.readouterr()
    text = " ".join(captured.out.split())  # long lines are wrapped
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
    # the accuracy comes with the count of wrong timesteps, which rounding cannot hide
    assert "timesteps wrong)" in text
    # the fits have a progress bar, and the long steps after the table say what runs (stderr)
    assert "4/4" in captured.err
    for status in ["refitting the best configuration", "on all 24 training sequences",
                   "writing results.csv, heatmap.png, predictions.png",
                   "for learning_curves.png"]:
        assert status in captured.err


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
    name = text.split("study '")[1].split("'")[0]
    assert name.startswith("delayed_echo-") and len(name) == len("delayed_echo-") + 8
    assert f"study '{name}' in sqlite:///{(out / 'study.db').as_posix()}" in text
    assert "0 finished trial(s) stored, running 3 more" in text
    assert "completed trials, best mean CV accuracy first" in text
    assert "best mean CV accuracy by cell (rows) and state_policy (columns)" in text
    assert "best configuration: cell=" in text
    assert "3/3" in captured.err  # the progress bar
    assert "refitting the best configuration" in captured.err

    # same storage and study name: the study continues where it stopped
    assert main([*argv[:-4], "--trials", "4", "--output", out, "--seed", "1",
                 "--no-progress"]) == 0
    captured = capsys.readouterr()
    text = " ".join(captured.out.split())
    assert f"study '{name}'" in text  # --trials does not change the results: same study
    assert "3 finished trial(s) stored, running 1 more" in text
    assert "trials:" not in captured.err
    resumed = _csv(out)
    assert len(resumed) == 4
    assert set(frame["number"]) < set(resumed["number"])

    # another data setting: a new study in the same file, not a continuation of this one
    changed = [a if a != "24" else "32" for a in argv[:-4]]
    assert main([*changed, "--trials", "1", "--output", out, "--seed", "1",
                 "--no-progress"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    other = text.split("study '")[1].split("'")[0]
    assert other.startswith("delayed_echo-") and other != name
    assert "0 finished trial(s) stored, running 1 more" in text
    assert len(_csv(out)) == 1


def test_cli_study_mismatch_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    class StudyMismatchError(ValueError):
        pass

    def mismatch(*args, **kwargs):
        raise StudyMismatchError("The study 'x' was created with other data.\nUse another name.")

    monkeypatch.setattr(search_module, "StudyMismatchError", StudyMismatchError, raising=False)
    monkeypatch.setattr(search_module, "optuna_search", mismatch)
    argv = ["study", "echo", *TINY, "--cells", "lstm", "--policies", "reset", "--trials", "1",
            "--study-name", "x", "--output", tmp_path, "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["seqestimators study: error: The study 'x' was created with other data. "
                   "Use another name."]


def _frame(scores, values="mean_test_score"):
    return pd.DataFrame([{"state_policy": p, values: v} for p, v in scores])


@pytest.mark.parametrize(
    "scores, falls_back",
    [
        ([("reset", 0.99), ("carry", 0.80), ("carry", 0.79)], True),  # the burst detector
        ([("reset", 0.998), ("learned", 0.99), ("carry", 0.995)], False),  # the echo task
        ([("reset", 0.90), ("carry", 0.95)], False),
    ],
)
def test_carry_note_says_memoryless_only_when_the_table_shows_it(scores, falls_back, capsys):
    _print_carry_note(_frame(scores), "mean_test_score", True)
    text = " ".join(capsys.readouterr().out.split())
    assert "hands the final hidden state" in text
    assert ("does not use its memory" in text) is falls_back
    assert ("did not hold the network back" in text) is not falls_back
    carry = max(v for p, v in scores if p == "carry")
    assert f"{carry:.4f}" in text


def test_carry_note_ignores_pruned_trials(capsys):
    frame = pd.DataFrame({"state_policy": ["reset", "reset", "carry"],
                          "state": ["PRUNED", "COMPLETE", "COMPLETE"],
                          "value": [0.99, 0.81, 0.80]})
    _print_carry_note(frame, "value", True)
    assert "did not hold the network back" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# --help imports no heavy library
# --------------------------------------------------------------------------------------------

HEAVY = ("torch", "skorch", "optuna", "sklearn", "pandas", "matplotlib")
PACKAGE_DIR = Path(__file__).resolve().parents[1] / "seqestimators"


def _imported_after(code):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=120, check=True)
    return result.stdout.split()


def test_cli_module_builds_its_parser_without_heavy_imports():
    # cli.py on its own, under a bare package module (whatever seqestimators/__init__ imports)
    loaded = _imported_after(f"""
        import sys, types
        pkg = types.ModuleType("seqestimators")
        pkg.__path__ = [{str(PACKAGE_DIR)!r}]
        sys.modules["seqestimators"] = pkg
        import seqestimators.cli
        parser = seqestimators.cli.build_parser()
        parser.format_help()
        print(*[m for m in {HEAVY!r} if m in sys.modules])
    """)
    assert loaded == []


def test_console_script_help_imports_no_torch():
    # the console script imports the package first: it must not import the estimators eagerly
    eager = _imported_after("import sys, seqestimators; print('torch' in sys.modules)") == ["True"]
    if eager:
        pytest.skip("seqestimators/__init__.py imports the estimators (and torch) eagerly")
    loaded = _imported_after(f"""
        import sys
        import seqestimators.cli
        seqestimators.cli.build_parser().format_help()
        print(*[m for m in {HEAVY!r} if m in sys.modules])
    """)
    assert loaded == []


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


def test_cli_diagnose_prints_findings_and_writes_the_figure(tmp_path, capsys):
    out = tmp_path / "diag"
    argv = ["diagnose", "burst", "--n-samples", "32", "--n-timesteps", "30", "--max-epochs", "3",
            "--task-param", "max_onset=15",
            "--cells", "lstm", "--hidden-sizes", "4", "--policies", "carry", "--output", out]
    assert main(argv) == 0
    text = " ".join(capsys.readouterr().out.split())
    for check in ("convergence", "memory_use", "memory_horizon", "gradient_flow",
                  "state_policy", "truncation", "scaling", "fit_gap"):
        assert check in text
    frame = pd.read_csv(out / "findings.csv")
    policy = frame.set_index("check").loc["state_policy", "status"]
    assert policy == "fail"  # carry over independent sequences
    assert (out / "diagnosis.png").read_bytes()[:8] == PNG_MAGIC


def test_cli_grid_searches_patch_size_and_pooling(tmp_path):
    out = tmp_path / "grid"
    argv = ["grid", "adding", "--n-samples", "24", "--n-timesteps", "80", "--max-epochs", "1",
            "--cv", "2", "--cells", "gru", "--hidden-sizes", "4", "--policies", "reset",
            "--patch-sizes", "none,8", "--poolings", "last,mean", "--output", out]
    assert main(argv) == 0
    frame = _csv(out)
    assert len(frame) == 4
    assert set(frame["pooling"]) == {"last", "mean"}
    assert set(frame["patch_size"].fillna(0).astype(int)) == {0, 8}


def test_the_default_study_name_follows_the_estimators_parameters():
    # New defaults of a new release start a new study instead of refusing the stored one.
    from types import SimpleNamespace

    from seqestimators import RNNClassifier
    from seqestimators.cli._study import RESULT_SETTINGS as _RESULT_SETTINGS
    from seqestimators.cli._study import default_study_name as _default_study_name

    task = SimpleNamespace(name="burst")
    args = SimpleNamespace(**{name: None for name in _RESULT_SETTINGS})
    name = _default_study_name(task, args, RNNClassifier())
    assert name.startswith("burst-")
    assert _default_study_name(task, args, RNNClassifier()) == name
    assert _default_study_name(task, args, RNNClassifier(pooling="mean")) != name
    # Execution settings do not change results, nor the name.
    assert _default_study_name(task, args, RNNClassifier(num_threads=2, verbose=1)) == name
