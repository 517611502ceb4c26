"""``scaling``: inputs or regression targets far from unit scale, targets out of reach,
per-sequence amplitudes that differ by orders of magnitude."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import is_classifier

from ..networks import sequence_moments
from ._result import Check, finding

#: Per-sequence standard deviations whose 90th percentile is this many times their 10th:
#: amplitudes one global scaling cannot even out.
AMPLITUDE_SPREAD = 100.0


def _reachable_range(net):
    """Per-output ``(low, high)`` the trained read-out can produce, or None if unbounded."""
    module = net.module_
    head = getattr(module, "head", None)
    rnn = getattr(module, "rnn", None)
    if not isinstance(head, torch.nn.Linear) or rnn is None:
        return None
    if getattr(rnn, "nonlinearity", "tanh") != "tanh":
        return None
    if getattr(module, "residual", False):
        return None  # the output adds the fed-back input: unbounded
    W = head.weight.detach().double().cpu().numpy()
    b = head.bias.detach().double().cpu().numpy() if head.bias is not None else 0.0
    reach = np.abs(W).sum(axis=1)  # hidden outputs of tanh cells lie in (-1, 1)
    low, high = b - reach, b + reach
    scaling = getattr(module, "target_scaling", None)
    if scaling is not None:
        s = scaling.scale.detach().double().cpu().numpy()
        m = scaling.mean.detach().double().cpu().numpy()
        low, high = low * s + m, high * s + m
    return low, high


def _standardizes(net):
    """Whether the estimator standardizes its inputs and targets itself (the forecaster)."""
    return bool(getattr(net, "standardize", False))


def _standardizes_targets(net):
    return _standardizes(net) or getattr(net, "target_scale_", None) is not None


def _amplitude_spread(data):
    """Per feature, the 90th over the 10th percentile of the sequences' standard deviations."""
    X, lengths = data.padded(dtype=np.float64)
    _, stds = sequence_moments(torch.from_numpy(X), torch.as_tensor(lengths))
    stds = stds.numpy()
    high = np.percentile(stds, 90, axis=0)
    low = np.percentile(stds, 10, axis=0)
    return np.where(low > 0, high / np.where(low > 0, low, 1.0), np.where(high > 0, np.inf, 1.0))


def _real_values(data, what):
    values = data.X if what == "X" else data.y
    if isinstance(values, list):
        return np.concatenate([np.asarray(v, dtype=np.float64).reshape(len(v), -1)
                               for v in values])
    arr = np.asarray(values, dtype=np.float64)
    if data.ragged or arr.ndim < 2:
        return arr.reshape(len(arr), -1)
    return arr.reshape(arr.shape[0] * arr.shape[1], -1)


def _fmt(values):
    values = np.atleast_1d(values)
    text = ", ".join(f"{v:.3g}" for v in values[:4])
    return text + (", ..." if len(values) > 4 else "")


def _input_problems(net, data, preprocessed, problems, fails):
    X = _real_values(data, "X")
    mean, std = X.mean(axis=0), X.std(axis=0)
    size = np.maximum(np.abs(mean), std)
    if not _standardizes(net) and not preprocessed:
        big = np.flatnonzero(size > 5)
        tiny = np.flatnonzero((std > 0) & (size < 0.05))
        if len(big):
            problems.append(f"input feature(s) {big.tolist()} reach {size[big].max():.3g}")
            if size[big].max() > 50:
                fails.append("inputs")
        if len(tiny):
            problems.append(f"input feature(s) {tiny.tolist()} vary by only "
                            f"{std[tiny].min():.2g}")
    if getattr(net, "output_", None) == "last" and not getattr(net, "instance_norm_", False):
        spread = _amplitude_spread(data)
        wide = np.flatnonzero(spread > AMPLITUDE_SPREAD)
        if len(wide):
            problems.append(
                f"the sequences' amplitudes differ {spread[wide].max():.3g}-fold (90th over 10th "
                f"percentile of their standard deviations, feature(s) {wide.tolist()}), which "
                "one global scaling cannot even out")
    return f"inputs: mean {_fmt(mean)}, std {_fmt(std)}"


def _target_problems(net, data, problems, fails, evidence):
    y = _real_values(data, "y")
    y_mean, y_std = y.mean(axis=0), y.std(axis=0)
    y_size = np.maximum(np.abs(y_mean), y_std)
    evidence.append(f"targets: mean {_fmt(y_mean)}, std {_fmt(y_std)}, range "
                    f"[{_fmt(y.min(axis=0))}, {_fmt(y.max(axis=0))}]")
    if not _standardizes_targets(net):
        if np.any(y_size > 5):
            problems.append(f"regression targets reach {y_size.max():.3g} while "
                            f"{type(net).__name__} does not standardize them")
            if y_size.max() > 50:
                fails.append("targets")
        elif np.any((y_std > 0) & (y_size < 0.05)):
            problems.append(f"regression targets vary by only {y_std.min():.2g}")
    reach = _reachable_range(net)
    if reach is not None:
        low, high = reach
        outside = float(np.mean((y < low - 1e-6) | (y > high + 1e-6)))
        evidence.append(f"the trained output can reach [{_fmt(low)}, {_fmt(high)}]")
        if outside > 0.05:
            problems.append(f"{100 * outside:.0f}% of the targets lie outside the range "
                            "the output can reach")
            if outside > 0.5:
                fails.append("range")


def check_scaling(ev, findings):
    net, data, preprocessed = ev.net, ev.train, ev.preprocessed
    problems, fails = [], []
    evidence = [_input_problems(net, data, preprocessed, problems, fails)]
    if not is_classifier(net):
        _target_problems(net, data, problems, fails, evidence)
    text = "; ".join(evidence)
    if preprocessed:
        text += " (after the pipeline's preprocessing)"
    if not problems:
        return finding("scaling", "ok", text)
    advice = []
    if any(p.startswith("input") for p in problems):
        advice.append("scale the inputs: make_pipeline(SequenceScaler(), estimator)")
    if any("amplitudes" in p for p in problems):
        advice.append("instance_norm=True: each sequence standardized by its own mean and "
                      "standard deviation, which the network also reads")
    if any("target" in p for p in problems):
        if _standardizes_targets(net):
            advice.append("the output cannot reach the targets yet, although they are "
                          "standardized: train longer (see the convergence check)")
        else:
            advice.append("standardize the targets: standardize_targets=True (RNNRegressor), "
                          "standardize=True (RNNForecaster), or (y - mean) / std before fit "
                          "with predictions inverted")
    return finding("scaling", "fail" if fails else "warn", text + ": " + "; ".join(problems),
                   "; ".join(advice))


CHECK = Check("scaling", check_scaling,
              summary="inputs or regression targets far from unit scale, targets out of "
                      "reach, per-sequence amplitudes that differ by orders of magnitude")
