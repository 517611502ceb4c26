"""The cell registry (seqestimators.nn.cells) and the cell added through it, MGU."""

import warnings

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqestimators import RNNClassifier
from seqestimators.datasets import make_delayed_echo
from seqestimators.networks import CELLS, FeedbackNetwork, RecurrentNetwork, make_recurrent_layer
from seqestimators.nn.cells import MGU, CellSpec, run_step
from seqestimators.nn.cells.mgu import mgu_cell
from seqestimators.nn.cells.rnn import rnn_step


def test_the_registry_lists_every_cell_with_its_spec():
    assert tuple(CELLS) == ("rnn", "lstm", "gru", "mgu")
    for name, spec in CELLS.items():
        assert isinstance(spec, CellSpec) and spec.name == name
    assert [CELLS[c].n_states for c in CELLS] == [1, 2, 1, 1]
    with pytest.raises(ValueError, match="cell must be one of"):
        make_recurrent_layer("tcn", 2, 4)


@pytest.mark.parametrize("cell", list(CELLS))
def test_the_step_function_is_the_layer_on_one_timestep(cell):
    torch.manual_seed(0)
    layer = make_recurrent_layer(cell, 3, 5, num_layers=2)
    x = torch.randn(4, 3)
    n_states = CELLS[cell].n_states
    states = tuple(torch.randn(2, 4, 5) for _ in range(n_states))
    state = states if n_states > 1 else states[0]
    with torch.no_grad():
        out, final = layer(x[:, None], state)
        hidden, stepped = run_step(cell, layer, x, state)
    torch.testing.assert_close(hidden, out[:, 0])
    for a, b in zip(stepped if n_states > 1 else (stepped,), final if n_states > 1 else (final,)):
        torch.testing.assert_close(a, b)


def test_a_registered_cell_works_in_every_network(monkeypatch):
    # A new cell is one spec: here torch's plain RNN under another name.
    spec = CellSpec("elman", torch.nn.RNN, 1, rnn_step)
    monkeypatch.setitem(CELLS, "elman", spec)
    X = torch.randn(3, 6, 2)
    net = RecurrentNetwork(2, 1, cell="elman", learned_initial_state=True, output="last")
    assert net(X)[0].shape == (3, 1)
    feedback = FeedbackNetwork(2, 1, feedback=[0], cell="elman", num_layers=2)
    assert feedback(X, feedback_prob=1.0)[0].shape == (3, 6, 1)


def test_mgu_cell_follows_its_equations():
    torch.manual_seed(0)
    x, h = torch.randn(3, 2), torch.randn(3, 4)
    w_ih, w_hh, b_ih, b_hh = torch.randn(8, 2), torch.randn(8, 4), torch.randn(8), torch.randn(8)
    f = torch.sigmoid(x @ w_ih[:4].T + b_ih[:4] + h @ w_hh[:4].T + b_hh[:4])
    n = torch.tanh(x @ w_ih[4:].T + b_ih[4:] + (f * h) @ w_hh[4:].T + b_hh[4:])
    torch.testing.assert_close(mgu_cell(x, h, w_ih, w_hh, b_ih, b_hh), (1 - f) * h + f * n)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 3])
def test_mgu_has_the_shapes_and_parameter_names_of_a_gru(bidirectional, num_layers):
    mgu = MGU(3, 5, num_layers, batch_first=True, bidirectional=bidirectional)
    gru = torch.nn.GRU(3, 5, num_layers, batch_first=True, bidirectional=bidirectional)
    assert [n for n, _ in mgu.named_parameters()] == [n for n, _ in gru.named_parameters()]
    d = 2 if bidirectional else 1
    out, h_n = mgu(torch.randn(4, 7, 3), torch.zeros(num_layers * d, 4, 5))
    assert out.shape == (4, 7, 5 * d) and h_n.shape == (num_layers * d, 4, 5)
    out_t, _ = MGU(3, 5, num_layers, bidirectional=bidirectional)(torch.randn(7, 4, 3))
    assert out_t.shape == (7, 4, 5 * d)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_mgu_runs_each_packed_sequence_as_if_alone(bidirectional):
    torch.manual_seed(0)
    mgu = MGU(2, 4, 2, batch_first=True, bidirectional=bidirectional)
    X, lengths = torch.randn(3, 6, 2), torch.tensor([6, 2, 4])
    h0 = torch.randn(4 if bidirectional else 2, 3, 4)
    packed = pack_padded_sequence(X, lengths, batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        out, h_n = mgu(packed, h0)
        out, _ = pad_packed_sequence(out, batch_first=True)
        for i, n in enumerate(lengths.tolist()):
            alone, h_alone = mgu(X[i:i + 1, :n], h0[:, i:i + 1].contiguous())
            torch.testing.assert_close(out[i:i + 1, :n], alone)
            torch.testing.assert_close(h_n[:, i:i + 1], h_alone)


def test_mgu_drops_out_between_layers_while_training_only():
    mgu = MGU(2, 8, 2, batch_first=True, dropout=0.5)
    X = torch.randn(4, 5, 2)
    torch.manual_seed(0)
    a = mgu(X)[0]
    torch.manual_seed(1)
    assert not torch.equal(a, mgu(X)[0])
    mgu.eval()
    assert torch.equal(mgu(X)[0], mgu(X)[0])


def test_an_mgu_classifier_learns_the_delayed_echo():
    # Chance is 0.5 (p=0.5); a margin over it for each of three seeds.
    scores = []
    for seed in range(3):
        X, y = make_delayed_echo(120, 16, delay=2, p=0.5, random_state=seed, return_X_y=True)
        X_test, y_test = make_delayed_echo(100, 16, delay=2, p=0.5, random_state=seed + 10,
                                           return_X_y=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = RNNClassifier(cell="mgu", hidden_size=16, max_epochs=25, lr=0.02,
                                random_state=seed).fit(X, y)
        scores.append(clf.score(X_test, y_test))
    assert min(scores) >= 0.75 and np.mean(scores) >= 0.85, scores


@pytest.mark.parametrize("cell", list(CELLS))
def test_a_feedback_network_steps_every_cell_like_its_layer(cell):
    torch.manual_seed(0)
    net = FeedbackNetwork(3, 1, feedback=[0], cell=cell, num_layers=2).eval()
    X = torch.randn(4, 9, 3)
    with torch.no_grad():
        forced, _ = net(X)
        stepped, _ = net(X, feedback_prob=1.0, n_observed=9)
        free, state = net(X, feedback_prob=1.0)
        _, generated, _ = net.forecast(X, 5)
    torch.testing.assert_close(stepped, forced)
    assert free.shape == (4, 9, 1) and generated.shape == (4, 5, 1)
    assert len(state) == CELLS[cell].n_states + 2


def test_an_mgu_classifier_round_trips_and_exports_to_onnx(tmp_path):
    from seqestimators.io import dump, load, to_onnx

    X, y = make_delayed_echo(40, 10, random_state=0, return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = RNNClassifier(cell="mgu", hidden_size=8, num_layers=2, bidirectional=True,
                            state_policy="learned", max_epochs=2, random_state=0).fit(X, y)
    dump(clf, tmp_path / "mgu.json")
    np.testing.assert_array_equal(load(tmp_path / "mgu.json").predict_proba(X),
                                  clf.predict_proba(X))
    onnx = pytest.importorskip("onnxruntime")
    to_onnx(clf, tmp_path / "mgu.onnx")  # checks another batch size and length itself
    session = onnx.InferenceSession(str(tmp_path / "mgu.onnx"), providers=["CPUExecutionProvider"])
    X_new = np.random.RandomState(1).rand(3, 13, 1).astype(np.float32)
    np.testing.assert_allclose(session.run(None, {"X": X_new})[0], clf.predict_proba(X_new),
                               atol=1e-5)
