"""Network probes: how far back the trained network reads, and how far its gradients reach."""

from __future__ import annotations

import contextlib
import copy
from numbers import Integral

import numpy as np
import pandas as pd
import torch
from sklearn.base import is_classifier
from sklearn.utils import check_random_state

from ..sequences import lengths_to_mask


def _module_device(module):
    param = next(module.parameters(), None)
    return torch.device("cpu") if param is None else param.device


def _no_cudnn(device):
    # cuDNN refuses the backward pass of recurrent layers in eval mode.
    if device.type == "cuda":
        return torch.backends.cudnn.flags(enabled=False)
    return contextlib.nullcontext()


def memory_influence(net, data, *, n_sequences=32, n_positions=6, max_lag=None,
                     random_state=0):
    """Mean absolute input-output Jacobian by lag, for the trained network of ``net``.

    Returns a DataFrame with ``lag`` and ``influence`` (normalized to a peak of 1).
    """
    module = copy.deepcopy(net.module_).eval()
    for p in module.parameters():
        p.requires_grad_(False)
    device = _module_device(module)
    rng = check_random_state(random_state)
    index = np.sort(rng.choice(data.n_samples, min(n_sequences, data.n_samples), replace=False))
    X_np, lengths_np = data.padded(index)
    B, T, _ = X_np.shape
    X = torch.from_numpy(X_np).to(device).requires_grad_(True)
    lengths = torch.from_numpy(np.asarray(lengths_np, dtype=np.int64)).to(device)
    real = lengths_to_mask(lengths_np, T)
    total = np.zeros(T)
    count = np.zeros(T)
    with _no_cudnn(device), torch.enable_grad():
        out, _ = module(X, lengths=lengths if data.ragged else None)
        if is_classifier(net):
            out = torch.log_softmax(out, dim=-1)
        rows = torch.arange(B, device=device)
        if out.ndim == 3:  # one output per timestep: sample target timesteps
            quantiles = np.linspace(0.3, 1.0, n_positions)
            positions = [np.floor(q * (lengths_np - 1)).astype(np.int64) for q in quantiles]
        else:
            positions = [lengths_np - 1]
        s = np.arange(T)[None, :]
        for t in positions:
            t_index = torch.from_numpy(t).to(device)
            selected = out[rows, t_index] if out.ndim == 3 else out
            grad_abs = 0.0
            for c in range(selected.shape[-1]):
                (g,) = torch.autograd.grad(selected[:, c].sum(), X, retain_graph=True)
                grad_abs = grad_abs + g.abs().sum(-1)
            grad_abs = grad_abs.detach().cpu().numpy()
            lag = t[:, None] - s
            keep = (lag >= 0) & real
            total += np.bincount(lag[keep], weights=grad_abs[keep], minlength=T)[:T]
            count += np.bincount(lag[keep], minlength=T)[:T]
    influence = np.divide(total, count, out=np.zeros(T), where=count > 0)
    n_lags = int(count.nonzero()[0].max()) + 1 if count.any() else 1
    if max_lag is not None:
        n_lags = min(n_lags, int(max_lag) + 1)
    influence = influence[:n_lags]
    peak = influence.max() if influence.size and influence.max() > 0 else 1.0
    return pd.DataFrame({"lag": np.arange(n_lags), "influence": influence / peak})


def _fresh_copy(module, seed):
    """A copy of ``module`` with every parameter initialized afresh (PyTorch's defaults)."""
    fresh = copy.deepcopy(module)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for sub in fresh.modules():
            if sub is not fresh and hasattr(sub, "reset_parameters"):
                sub.reset_parameters()
        if isinstance(getattr(fresh, "initial_state", None), torch.nn.Parameter):
            with torch.no_grad():
                fresh.initial_state.zero_()
    return fresh


def _state_leaves(module, state):
    """The state with its hidden-state tensors replaced by leaves that require grad.

    A network that feeds back more than its hidden state (the forecaster's network) says how
    many of its state tensors are hidden states with ``n_rnn_states``; for the others the whole
    state (one tensor, or the tuple of an LSTM's ``h`` and ``c``) is the hidden state.
    """
    parts = list(state) if isinstance(state, tuple) else [state]
    n_states = getattr(module, "n_rnn_states", len(parts))
    leaves = [p.detach().requires_grad_(True) for p in parts[:n_states]]
    if not isinstance(state, tuple):
        return leaves[0], leaves
    return tuple(leaves + [p.detach() for p in parts[n_states:]]), leaves


def _encoded_targets(net, y_np):
    """Targets of one timestep (or per sequence) as the loss expects them: codes or (b, k)."""
    if is_classifier(net):
        return torch.from_numpy(net.label_encoder_.transform(np.ravel(y_np)).astype(np.int64))
    y_np = np.asarray(y_np, dtype=np.float32)
    return torch.from_numpy(y_np.reshape(len(y_np), -1))


def flow_distances(data, extra=(), n=10):
    """Distances from the loss at which :func:`gradient_flow` measures: a geometric grid up to
    the median length, and ``extra``."""
    T = int(np.median(data.lengths))
    if T < 2:
        return []
    grid = set(np.round(np.geomspace(1, T - 1, n)).astype(int).tolist())
    grid.update(int(d) for d in extra if 1 <= d <= T - 1)
    return sorted(grid)


def gradient_flow(net, data, *, n_sequences=16, distances=None, random_state=0):
    """Norm of d loss / d hidden state by distance from the loss, fresh and trained.

    The sequences are cut in two: the network reads the prefix and hands its final state (a
    leaf that requires grad) to a second call on the suffix, whose last timestep holds the loss.
    This uses only the network's public ``forward(X, lengths, state)`` and is exact for any
    network whose state is the whole memory; the distance is the suffix length.
    """
    empty = pd.DataFrame({"distance": [], "initial": [], "trained": []})
    module = copy.deepcopy(net.module_)
    device = _module_device(module)
    rng = check_random_state(random_state)
    T = int(np.median(data.lengths))
    if T < 2:
        return empty
    candidates = np.flatnonzero(data.lengths >= T)
    index = np.sort(rng.choice(candidates, min(n_sequences, len(candidates)), replace=False))
    X_np, _ = data.padded(index)
    X = torch.from_numpy(np.ascontiguousarray(X_np[:, :T])).to(device)
    if getattr(net, "output_", "sequence") == "sequence":
        y_np = [np.asarray(data.y[i])[T - 1] for i in index] if data.ragged else \
            np.asarray(data.y)[index][:, T - 1]
    else:
        y_np = np.asarray(data.y)[index] if not data.ragged or not isinstance(data.y, list) \
            else np.asarray([data.y[i] for i in index])
    y_last = _encoded_targets(net, np.asarray(y_np)).to(device)
    if distances is None:
        distances = flow_distances(data)
    distances = [int(d) for d in distances if 1 <= d <= T - 1]
    patch = getattr(net, "patch_size", None)
    step = int(patch) if isinstance(patch, Integral) and patch > 1 else 1
    if step > 1:  # patches: cut the sequences at patch boundaries only
        distances = sorted({max(step, d // step * step) for d in distances if d >= step})
    result = {}
    for name, mod in (("initial", _fresh_copy(module, int(rng.randint(2**31 - 1)))),
                      ("trained", module)):
        mod.eval()
        norms = []
        with _no_cudnn(device), torch.enable_grad():
            for d in distances:
                _, state = mod(X[:, :T - d])
                if state is None:  # a memoryless network: no state, no flow through time
                    return empty
                state, leaves = _state_leaves(mod, state)
                out, _ = mod(X[:, T - d:], state=state)
                last = out[:, -1] if out.ndim == 3 else out
                loss = net.get_loss(last, y_last, X=None, training=False)
                grads = torch.autograd.grad(loss, leaves, allow_unused=True)
                total = sum((g.double() ** 2).sum(dim=(0, 2)) for g in grads if g is not None)
                norms.append(float(torch.sqrt(total).mean()) * len(index)
                             if torch.is_tensor(total) else 0.0)
        result[name] = norms
    return pd.DataFrame({"distance": distances, **result})
