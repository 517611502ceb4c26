"""What the command line promises and prints (issue 17: the diagnose options, the footnote)."""

import pandas as pd
import pytest

from seqestimators.cli import main
from seqestimators.cli._report import PRUNED_FOOTNOTE, print_results


def _trials(states):
    """An Optuna results frame: one trial per (cell, state_policy, state)."""
    rows = []
    for number, (cell, policy, state) in enumerate(states):
        rows.append({"number": number, "state": state, "cell": cell, "hidden_size": 4,
                     "state_policy": policy, "value": 0.9 - 0.01 * number,
                     "mean_test_score": 0.9 - 0.01 * number if state == "COMPLETE" else None,
                     "std_test_score": 0.01, "rank_test_score": number + 1, "duration": 1.0,
                     "n_steps": 2, "intermediate_value": 0.5})
    return pd.DataFrame(rows)


def test_the_pruned_footnote_only_when_a_cell_has_the_mark(capsys):
    # A pruned trial, but every combination also has a completed one: no cell is marked.
    frame = _trials([("lstm", "reset", "COMPLETE"), ("lstm", "reset", "PRUNED"),
                     ("lstm", "carry", "COMPLETE")])
    print_results(frame, ["cell", "hidden_size", "state_policy"], optuna=True,
                  score_name="accuracy")
    out = capsys.readouterr().out
    assert "*" not in out.split("by cell (rows)")[1]
    assert PRUNED_FOOTNOTE not in out
    # Every trial of lstm/carry pruned: that cell is marked, and the footnote explains it.
    frame = _trials([("lstm", "reset", "COMPLETE"), ("lstm", "carry", "PRUNED")])
    print_results(frame, ["cell", "hidden_size", "state_policy"], optuna=True,
                  score_name="accuracy")
    out = capsys.readouterr().out
    assert "*" in out.split("by cell (rows)")[1].split(PRUNED_FOOTNOTE)[0]
    assert PRUNED_FOOTNOTE in out


def test_diagnose_help_promises_what_it_does(capsys):
    with pytest.raises(SystemExit):
        main(["diagnose", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for unread in ("--cv", "--patch-sizes", "--poolings", "--cells", "--hidden-sizes",
                   "--policies"):
        assert unread not in out
    assert "results.csv" not in out
    assert "findings.csv" in out and "diagnosis.png" in out
    for option in ("--cell CELL", "--hidden-size", "--policy POLICY"):
        assert option in out


@pytest.mark.parametrize("argv", [["--cv", "3"], ["--patch-sizes", "8"], ["--poolings", "mean"],
                                  ["--cell", "lstm,gru"], ["--cell", "transformer"],
                                  ["--policy", "sometimes"]])
def test_diagnose_refuses_what_it_would_not_read(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a diagnosis that ran anyway would write
    with pytest.raises(SystemExit) as exc:
        main(["diagnose", "burst", *argv])
    assert exc.value.code == 2


def test_diagnose_says_where_it_writes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["diagnose", "burst", "--n-samples", "32", "--n-timesteps", "30", "--max-epochs",
            "2", "--task-param", "max_onset=15", "--cell", "gru", "--hidden-size", "4"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    folder = (tmp_path / "burst_diagnose").resolve()
    text = captured.out + captured.err
    assert f"wrote {folder / 'findings.csv'}" in text
    assert f"wrote {folder / 'diagnosis.png'}" in text
    assert (folder / "findings.csv").exists() and (folder / "diagnosis.png").exists()
    assert "cell='gru'" in captured.out and "hidden_size=4" in captured.out


def test_the_search_report_shows_the_memoryless_baseline(tmp_path, capsys):
    # The demo's question is whether the network uses its memory: its score stands beside
    # the memoryless baseline's, on the same fresh sequences.
    argv = ["grid", "echo", "--n-samples", "24", "--n-timesteps", "10", "--hidden-sizes", "4",
            "--cv", "2", "--max-epochs", "2", "--batch-size", "8", "--cells", "gru",
            "--policies", "reset", "--output", tmp_path]
    assert main(argv) == 0
    captured = capsys.readouterr()
    text = " ".join(captured.out.split())
    assert "accuracy of the refitted model on 8 fresh sequences:" in text
    assert "accuracy of the memoryless baseline (MemorylessClassifier" in text
    baseline = text.split("accuracy of the memoryless baseline")[1]
    assert "on the same 8 fresh sequences: 0." in baseline or \
        "on the same 8 fresh sequences: 1." in baseline
    assert "fitting the memoryless baseline" in captured.err
