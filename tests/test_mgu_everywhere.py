"""Issue 16: the cell added through the registry (``"mgu"``) works everywhere a cell is named.

Nothing outside ``seqestimators/nn/cells/mgu.py`` and its registry entry names it: the CLI's
choices, the default search space, ``diagnose`` and ``to_onnx`` take it from the registry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seqestimators import RNNClassifier
from seqestimators.cli import main
from seqestimators.datasets import make_delayed_echo
from seqestimators.diagnostics import diagnose
from seqestimators.io import to_onnx
from seqestimators.search import default_param_distributions, optuna_search

FAST = {"cell": "mgu", "hidden_size": 4, "max_epochs": 2, "n_iter_no_change": None,
        "random_state": 0}


def test_the_cli_searches_the_new_cell(tmp_path, capsys):
    argv = ["grid", "echo", "--n-samples", "24", "--n-timesteps", "10", "--hidden-sizes", "4",
            "--max-epochs", "1", "--cv", "2", "--cells", "mgu,lstm", "--policies", "reset",
            "--output", tmp_path]
    assert main(argv) == 0
    frame = pd.read_csv(tmp_path / "results.csv")
    assert set(frame["cell"]) == {"mgu", "lstm"}


def test_the_default_search_space_and_an_optuna_search_hold_it():
    assert "mgu" in default_param_distributions(RNNClassifier())["cell"].choices
    X, y = make_delayed_echo(24, random_state=0, return_X_y=True)
    space = default_param_distributions(cell=["mgu"], hidden_size=[4], state_policy=["reset"],
                                        num_layers=[1], lr=[0.01])
    search = optuna_search(RNNClassifier(**FAST), X, y, param_distributions=space, n_trials=1,
                           cv=2, random_state=0)
    assert search.best_params_["cell"] == "mgu"


def test_diagnose_and_onnx_take_it(tmp_path):
    X, y = make_delayed_echo(32, random_state=0, return_X_y=True)
    diagnosis = diagnose(RNNClassifier(**FAST), X, y)
    assert "gradient_flow" in set(diagnosis.findings["check"])
    est = RNNClassifier(**FAST).fit(X, y)
    to_onnx(est, tmp_path / "mgu.onnx")
    assert (tmp_path / "mgu.onnx").stat().st_size > 0
    assert np.isfinite(est.predict_proba(X)).all()
