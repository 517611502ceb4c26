"""What the command line promises and prints (issue 17: the diagnose options, the footnote)."""

import pytest

from seqestimators.cli import main


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
def test_diagnose_refuses_what_it_would_not_read(argv, capsys):
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
