"""FastGRU and its hand-written backward pass: exactly nn.GRU's function and gradients."""

import copy
import io
import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqestimators.nn.cells import _gru_kernel as _gru
from seqestimators.nn.cells.gru import FastGRU, GRULayout, gru_layer

LENGTHS = [3, 6, 1, 4, 6]  # ragged, unsorted, with ties: enforce_sorted=False reorders them


def _pair(dtype=torch.float64, **params):
    """An nn.GRU and a FastGRU with the same parameters."""
    torch.manual_seed(0)
    reference = nn.GRU(**params).to(dtype)
    fast = FastGRU(**params).to(dtype)
    fast.load_state_dict(reference.state_dict())
    return reference, fast


def _run(module, x, hx, lengths, batch_first):
    """Outputs and every gradient of a weighted sum of ``(output, h_n)``."""
    x = x.detach().clone().requires_grad_()
    hx = None if hx is None else hx.detach().clone().requires_grad_()
    module.zero_grad()
    if lengths is None:
        output, h_n = module(x, hx)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first,
                                      enforce_sorted=False)
        output, h_n = module(packed, hx)
        output, _ = pad_packed_sequence(output, batch_first=batch_first,
                                        total_length=x.shape[1 if batch_first else 0])
    generator = torch.Generator().manual_seed(1)
    loss = (output * torch.randn(output.shape, generator=generator, dtype=x.dtype)).sum() \
        + (h_n * torch.randn(h_n.shape, generator=generator, dtype=x.dtype)).sum()
    loss.backward()
    grads = {"input": x.grad, **{name: p.grad for name, p in module.named_parameters()}}
    if hx is not None:
        grads["hx"] = hx.grad
    return output, h_n, grads


def _assert_same(reference, fast, x, hx=None, lengths=None, batch_first=True, atol=1e-10):
    out_ref, h_ref, grads_ref = _run(reference, x, hx, lengths, batch_first)
    out, h, grads = _run(fast, x, hx, lengths, batch_first)
    assert out.shape == out_ref.shape and h.shape == h_ref.shape
    torch.testing.assert_close(out, out_ref, atol=atol, rtol=0)
    torch.testing.assert_close(h, h_ref, atol=atol, rtol=0)
    assert grads.keys() == grads_ref.keys()
    for name in grads_ref:
        torch.testing.assert_close(grads[name], grads_ref[name], atol=atol, rtol=0, msg=name)


@pytest.mark.parametrize(
    "num_layers, bidirectional, ragged, with_hx",
    list(itertools.product([1, 2], [False, True], [False, True], [False, True])),
)
def test_equals_nn_gru_float64(num_layers, bidirectional, ragged, with_hx):
    reference, fast = _pair(input_size=3, hidden_size=4, num_layers=num_layers,
                            bidirectional=bidirectional, batch_first=True)
    x = torch.randn(len(LENGTHS), max(LENGTHS), 3, dtype=torch.float64)
    hx = torch.randn(num_layers * (1 + bidirectional), len(LENGTHS), 4, dtype=torch.float64) \
        if with_hx else None
    _assert_same(reference, fast, x, hx, LENGTHS if ragged else None)


@pytest.mark.parametrize("ragged", [False, True])
def test_equals_nn_gru_float32_time_major(ragged):
    reference, fast = _pair(torch.float32, input_size=2, hidden_size=8, num_layers=2,
                            bidirectional=True)
    x = torch.randn(max(LENGTHS), len(LENGTHS), 2)
    hx = torch.randn(4, len(LENGTHS), 8)
    _assert_same(reference, fast, x, hx, LENGTHS if ragged else None, batch_first=False,
                 atol=1e-5)


def test_padding_never_reaches_the_state():
    """Each sequence of a packed ragged batch gives what it gives alone, whatever the padding."""
    _, fast = _pair(input_size=2, hidden_size=3, num_layers=2, bidirectional=True,
                    batch_first=True)
    x = torch.randn(len(LENGTHS), max(LENGTHS), 2, dtype=torch.float64)
    for i, n in enumerate(LENGTHS):
        x[i, n:] = 1e3 * (i + 1)  # padding that would dominate the state if it got in
    x.requires_grad_()
    packed = pack_padded_sequence(x, torch.tensor(LENGTHS), batch_first=True,
                                  enforce_sorted=False)
    output, h_n = fast(packed)
    output, _ = pad_packed_sequence(output, batch_first=True)
    assert output.grad_fn is not None
    for i, n in enumerate(LENGTHS):
        alone, h_alone = fast(x[i:i + 1, :n].detach())
        torch.testing.assert_close(output[i, :n], alone[0], atol=1e-12, rtol=0)
        assert torch.all(output[i, n:] == 0)
        torch.testing.assert_close(h_n[:, i], h_alone[:, 0], atol=1e-12, rtol=0)
    (output.sum() + h_n.sum()).backward()
    for i, n in enumerate(LENGTHS):
        assert torch.all(x.grad[i, n:] == 0)
        assert torch.all(x.grad[i, :n] != 0)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("ragged", [False, True])
def test_gradcheck_gru_layer(reverse, ragged):
    torch.manual_seed(0)
    T, B, I, H = 4, 3, 2, 3
    batch_sizes = torch.tensor([3, 3, 2, 1] if ragged else [B] * T)
    layout = GRULayout(T, B, batch_sizes)
    assert (layout.sizes is not None) == ragged

    def rand(*shape):
        return torch.randn(*shape, dtype=torch.float64, requires_grad=True)

    inputs = (rand(I, T * B), rand(B, H), rand(3 * H, I), rand(3 * H, H), rand(3 * H),
              rand(3 * H))

    def f(x, h0, w_ih, w_hh, b_ih, b_hh):
        out, h_n = gru_layer(x, h0, w_ih, w_hh, b_ih, b_hh, layout, reverse)
        if layout.mask is not None:  # padding columns of the output are unspecified
            out = out * layout.mask.reshape(1, -1)
        return out, h_n

    assert torch.autograd.gradcheck(f, inputs)


@pytest.mark.parametrize("reverse", [False, True])
def test_large_hidden_backward_path(monkeypatch, reverse):
    """Large hidden sizes add g * z separately instead of through the matrix product."""
    monkeypatch.setattr(_gru, "_FUSED_MAX_HIDDEN", 0)
    reference, fast = _pair(input_size=3, hidden_size=4, bidirectional=True, batch_first=True)
    x = torch.randn(len(LENGTHS), max(LENGTHS), 3, dtype=torch.float64)
    _assert_same(reference, fast, x, torch.randn(2, len(LENGTHS), 4, dtype=torch.float64),
                 LENGTHS if reverse else None)


def test_gradcheck_without_bias():
    torch.manual_seed(0)
    layout = GRULayout(3, 2)
    inputs = [torch.randn(*shape, dtype=torch.float64, requires_grad=True)
              for shape in [(2, 6), (2, 3), (9, 2), (9, 3)]]
    assert torch.autograd.gradcheck(
        lambda x, h0, w_ih, w_hh: gru_layer(x, h0, w_ih, w_hh, None, None, layout), inputs)


def test_dropout_draws_like_nn_gru():
    reference, fast = _pair(input_size=2, hidden_size=5, num_layers=3, dropout=0.4,
                            bidirectional=True, batch_first=True)
    x = torch.randn(4, 6, 2, dtype=torch.float64)
    for lengths in (None, [6, 2, 5, 3]):
        torch.manual_seed(3)
        out_ref, h_ref, grads_ref = _run(reference, x, None, lengths, True)
        torch.manual_seed(3)
        out, h, grads = _run(fast, x, None, lengths, True)
        torch.testing.assert_close(out, out_ref, atol=1e-10, rtol=0)
        torch.testing.assert_close(h, h_ref, atol=1e-10, rtol=0)
        for name in grads_ref:
            torch.testing.assert_close(grads[name], grads_ref[name], atol=1e-10, rtol=0)
    reference.eval()
    fast.eval()
    _assert_same(reference, fast, x)  # no dropout in evaluation mode


def test_without_bias_unbatched_and_output_only():
    reference, fast = _pair(input_size=3, hidden_size=4, bias=False)
    assert [name for name, _ in fast.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    _assert_same(reference, fast, torch.randn(5, 2, 3, dtype=torch.float64))
    x = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)  # unbatched (L, H_in)
    out_ref, h_ref = reference(x)
    out, h = fast(x)
    assert out.grad_fn is not None and out.shape == out_ref.shape and h.shape == h_ref.shape
    torch.testing.assert_close(out, out_ref, atol=1e-10, rtol=0)
    torch.testing.assert_close(h, h_ref, atol=1e-10, rtol=0)
    # the gradient of the output alone (h_n unused)
    g_ref, = torch.autograd.grad(out_ref.sum(), x)
    g, = torch.autograd.grad(out.sum(), x)
    torch.testing.assert_close(g, g_ref, atol=1e-10, rtol=0)


def _uses_fast_path(tensor):
    seen, stack = set(), [tensor.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if "_GRULayer" in type(fn).__name__:
            return True
        stack.extend(next_fn for next_fn, _ in fn.next_functions)
    return False


def test_fast_path_only_where_it_applies():
    reference, fast = _pair(torch.float32, input_size=2, hidden_size=4, batch_first=True)
    x = torch.randn(3, 5, 2)
    output, _ = fast(x)
    assert _uses_fast_path(output)
    with torch.no_grad():  # inference: nn.GRU's own forward, bit for bit
        output, h_n = fast(x)
        expected, expected_h = reference(x)
    assert torch.equal(output, expected) and torch.equal(h_n, expected_h)
    for p in fast.parameters():
        p.requires_grad_(False)
    output, _ = fast(x)
    assert output.grad_fn is None
    output, _ = fast(x.requires_grad_())
    assert _uses_fast_path(output)
    half = copy.deepcopy(fast).to(torch.bfloat16)
    output, _ = half(x.to(torch.bfloat16))
    assert not _uses_fast_path(output)


def test_state_dict_and_pickle_round_trip():
    reference, fast = _pair(input_size=2, hidden_size=3, num_layers=2, bidirectional=True)
    assert list(fast.state_dict()) == list(reference.state_dict())
    assert "bias_hh_l1_reverse" in fast.state_dict()
    back = nn.GRU(input_size=2, hidden_size=3, num_layers=2, bidirectional=True).double()
    back.load_state_dict(fast.state_dict())
    buffer = io.BytesIO()
    torch.save(fast, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=False)
    assert type(loaded) is FastGRU
    x = torch.randn(4, 3, 2, dtype=torch.float64)
    torch.testing.assert_close(loaded(x)[0], back(x)[0], atol=1e-10, rtol=0)


def test_invalid_input_errors_like_nn_gru():
    reference, fast = _pair(input_size=2, hidden_size=3)
    for bad in (torch.randn(2, 3, 4, 2), torch.randn(4, 3, 5)):
        with pytest.raises((ValueError, RuntimeError)) as expected:
            reference(bad)
        with pytest.raises(type(expected.value)):
            fast(bad)
    with pytest.raises(RuntimeError, match="hidden"):
        fast(torch.randn(4, 3, 2, dtype=torch.float64),
             torch.randn(1, 2, 3, dtype=torch.float64))


# nn.GRU's own forward refreshes its _flat_weights list, which torch.export reports.
@pytest.mark.filterwarnings("ignore:The tensor attributes self._flat_weights:UserWarning")
def test_export_uses_nn_gru():
    """Exporters (torch.export, hence ONNX's dynamo exporter) see nn.GRU's own operator."""
    _, fast = _pair(torch.float32, input_size=2, hidden_size=3, batch_first=True)
    program = torch.export.export(fast, (torch.randn(2, 4, 2),))
    targets = {str(node.target) for node in program.graph.nodes if node.op == "call_function"}
    assert any(target.startswith("aten.gru") for target in targets)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")
@pytest.mark.filterwarnings("ignore:You are using the legacy TorchScript-based ONNX export")
@pytest.mark.filterwarnings("ignore:Exporting a model to ONNX with a batch_size other than 1")
def test_onnx_export_uses_the_onnx_gru_operator():
    """The TorchScript-based exporter (the one seqestimators.io uses) traces nn.GRU's path."""
    onnx = pytest.importorskip("onnx")
    _, fast = _pair(torch.float32, input_size=2, hidden_size=3, batch_first=True)
    buffer = io.BytesIO()
    torch.onnx.export(fast, (torch.randn(2, 4, 2),), buffer, dynamo=False)
    graph = onnx.load_from_string(buffer.getvalue()).graph
    assert "GRU" in {node.op_type for node in graph.node}
