"""Issue 19: the convolutional front-end (``frontend="conv"``) of the recurrent estimators."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import make_adding_problem, make_delayed_echo
from seqestimators.io import dump, load, to_onnx
from seqestimators.networks import CELLS, ConvFrontend, RecurrentNetwork

FAST = {"hidden_size": 8, "n_iter_no_change": None, "random_state": 0}


def test_the_front_end_is_causal_and_ignores_padding():
    torch.manual_seed(0)
    frontend = ConvFrontend(3)
    X = torch.randn(4, 20, 3)
    mask = torch.ones(4, 20, dtype=torch.bool)
    mask[1, 15:] = False
    out = frontend(X, mask)
    assert out.shape == (4, 20, frontend.output_size)
    later = X.clone()
    later[:, 10:] += 5.0                                    # the future of step 9
    assert torch.equal(frontend(later, mask)[:, :10], out[:, :10])
    padded = X.clone()
    padded[1, 15:] = 99.0                                   # padding of sequence 1
    assert torch.equal(frontend(padded, mask)[1, :15], out[1, :15])
    assert torch.all(out[1, 15:] == 0)


@pytest.mark.parametrize("cell", list(CELLS))
def test_every_cell_runs_behind_the_front_end(cell):
    net = RecurrentNetwork(2, 3, cell=cell, hidden_size=4, frontend="conv", output="last",
                           patch_size=2, pooling="max", instance_norm=True)
    out, _ = net(torch.randn(5, 12, 2), torch.tensor([12, 9, 5, 12, 3]))
    assert out.shape == (5, 3)
    assert any(name.startswith("frontend.") for name, _ in net.named_parameters())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_causal_front_end_learns_the_delayed_echo(seed):
    # The echo of the input 3 steps back is inside the convolutions' window: measured
    # accuracy 1.00 on seeds 0-2 (chance 0.5).
    X, y = make_delayed_echo(96, random_state=seed, return_X_y=True)
    X_new, y_new = make_delayed_echo(64, random_state=seed + 10, return_X_y=True)
    est = RNNClassifier(frontend="conv", max_epochs=30, **{**FAST, "random_state": seed})
    assert est.fit(X, y).score(X_new, y_new) > 0.9


@pytest.mark.parametrize("policy", ["reset", "carry", "learned"])
def test_the_front_end_round_trips_and_exports(policy, tmp_path):
    X, y = make_adding_problem(48, 30, random_state=0, return_X_y=True)
    est = RNNRegressor(frontend="conv", state_policy=policy, max_epochs=2, **FAST)
    est.fit(X, y)
    dump(est, tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if policy != "carry":   # carried state is not served by ONNX (refused with a reason)
        to_onnx(est, tmp_path / "model.onnx")
        assert (tmp_path / "model.onnx").stat().st_size > 0


def test_the_front_end_is_a_searchable_parameter():
    X, y = make_delayed_echo(48, random_state=0, return_X_y=True)
    search = GridSearchCV(RNNClassifier(max_epochs=2, **FAST), {"frontend": [None, "conv"]}, cv=2)
    search.fit(X, y)
    assert list(search.cv_results_["param_frontend"]) == [None, "conv"]


def test_an_unknown_front_end_is_refused():
    X, y = make_delayed_echo(8, random_state=0, return_X_y=True)
    with pytest.raises(ValueError, match="frontend"):
        RNNClassifier(frontend="transformer", max_epochs=1).fit(X, y)
