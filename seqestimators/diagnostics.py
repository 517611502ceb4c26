"""Why won't my RNN learn? A diagnosis of a recurrent estimator on the user's own data.

:func:`diagnose` fits a clone of an estimator (or takes a fitted one), measures what it needs
and returns a :class:`Diagnosis`: one row per check, each with a status (``"ok"``, ``"warn"``,
``"fail"``), the measured evidence and the concrete change that fixes it; the memory-influence
curve (how strongly the input ``k`` timesteps back moves the current output); and the norm of
the loss gradient with respect to the hidden state at each distance from the loss, at
initialization and after training.

The checks, in order:

==================  ============================================================================
``convergence``     the training loss diverged, stalled from the start, or was still falling
                    when ``max_epochs`` stopped it
``memory_use``      the model's validation score next to a memoryless baseline
                    (:class:`~seqestimators.MemorylessClassifier` /
                    :class:`~seqestimators.MemorylessRegressor`) trained on the same data
``memory_horizon``  where the influence of past inputs peaks and fades, against the memory the
                    task needs (``required_memory``)
``gradient_flow``   vanishing or exploding gradients through time
``state_policy``    ``"carry"`` on independent sequences
``truncation``      ``tbptt_steps`` or ``partial_fit`` chunks shorter than the dependency
``scaling``         inputs or regression targets far from unit scale, targets out of reach,
                    per-sequence amplitudes that differ by orders of magnitude
``fit_gap``         training against validation score: over- or underfitting
==================  ============================================================================

Cost: one fit of the estimator on 80 % of the sequences (the diagnosed fit), one fit of the
memoryless baseline (a per-timestep perceptron: a fraction of the recurrent fit), and forward
and backward passes of the trained network on a subsample of ``n_sequences`` sequences. The
whole diagnosis takes at most about twice the fit it diagnoses
(``benchmarks/bench_diagnose.py`` prints the ratio).
"""

from __future__ import annotations

import copy
import inspect
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone, is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._validation import check_sequence_targets, check_sequences
from .networks import sequence_moments
from .sequences import pad_sequences, unpad_sequences
from .state import get_state_policy

__all__ = ["CHECKS", "Diagnosis", "diagnose", "diagnose_task"]

#: The checks of a diagnosis, in the order of its ``findings``.
CHECKS = ("convergence", "memory_use", "memory_horizon", "gradient_flow", "state_policy",
          "truncation", "scaling", "fit_gap")

_STATUS_ORDER = {"ok": 0, "warn": 1, "fail": 2}
_SCORE_NAME = {True: "accuracy", False: "R²"}


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------

@dataclass
class Diagnosis:
    """The result of :func:`diagnose`.

    Attributes
    ----------
    findings : DataFrame
        One row per check, in the order of :data:`CHECKS`, with the columns ``check``,
        ``status`` (``"ok"``, ``"warn"`` or ``"fail"``), ``evidence`` (the measured numbers, in
        words) and ``advice`` (the parameter or change that fixes it; empty when ``"ok"``).
    memory : DataFrame
        Columns ``lag`` and ``influence``: the mean absolute derivative of the output at a
        timestep with respect to the input ``lag`` timesteps earlier, over the subsampled
        sequences and timesteps, normalized to a peak of 1, for the trained network.
    gradient_flow : DataFrame
        Columns ``distance``, ``initial`` and ``trained``: the mean norm of the gradient of the
        loss at one timestep with respect to the hidden state ``distance`` timesteps earlier,
        for a fresh initialization of the network and for the trained one.
    history : DataFrame
        Per-epoch (or per ``partial_fit`` call) ``train_loss`` (and ``valid_loss`` when
        recorded) of the diagnosed fit; empty for a fitted estimator without history.
    baseline_history : DataFrame or None
        The same for the memoryless baseline.
    scores : dict
        The measured scores: ``train``, ``valid``, ``baseline`` and, under
        ``state_policy="carry"``, ``valid_reset`` and ``valid_carry``.
    estimator : estimator
        The diagnosed (fitted) estimator.
    timings : dict
        Seconds spent in ``fit`` (the diagnosed fit, 0 for a fitted estimator) and in the
        whole diagnosis (``total``).
    """

    findings: pd.DataFrame
    memory: pd.DataFrame
    gradient_flow: pd.DataFrame
    history: pd.DataFrame
    baseline_history: pd.DataFrame | None = None
    scores: dict = field(default_factory=dict)
    estimator: object = None
    timings: dict = field(default_factory=dict)

    @property
    def status(self):
        """The worst status of all checks: ``"ok"``, ``"warn"`` or ``"fail"``."""
        return max(self.findings["status"], key=_STATUS_ORDER.__getitem__)

    def __getitem__(self, check):
        """The finding of one check, as a dict (``diagnosis["truncation"]["status"]``)."""
        rows = self.findings[self.findings["check"] == check]
        if not len(rows):
            raise KeyError(f"unknown check {check!r}; the checks are {list(CHECKS)}")
        return rows.iloc[0].to_dict()

    def to_csv(self, path, **kwargs):
        """Write the findings table to a CSV file (``pandas.DataFrame.to_csv`` arguments)."""
        self.findings.to_csv(path, index=False, **kwargs)
        return path

    def __str__(self):
        import textwrap

        lines = [f"Diagnosis of {type(self.estimator).__name__}: {self.status}"]
        for row in self.findings.itertuples(index=False):
            lines.append(f"\n[{row.status:>4}] {row.check}")
            lines += textwrap.wrap(row.evidence, width=96, initial_indent="       ",
                                   subsequent_indent="       ")
            if row.advice:
                lines += textwrap.wrap(f"fix: {row.advice}", width=96,
                                       initial_indent="       ", subsequent_indent="            ")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        from html import escape

        colors = {"ok": "#2e7d32", "warn": "#ef6c00", "fail": "#c62828"}
        rows = "".join(
            f"<tr><td><b>{escape(r.check)}</b></td>"
            f"<td style='color:{colors[r.status]}'><b>{r.status}</b></td>"
            f"<td style='text-align:left'>{escape(r.evidence)}</td>"
            f"<td style='text-align:left'>{escape(r.advice)}</td></tr>"
            for r in self.findings.itertuples(index=False))
        return (f"<p>Diagnosis of <code>{escape(type(self.estimator).__name__)}</code>: "
                f"<b style='color:{colors[self.status]}'>{self.status}</b></p>"
                "<table><thead><tr><th>check</th><th>status</th><th>evidence</th>"
                f"<th>advice</th></tr></thead><tbody>{rows}</tbody></table>")

    def plot(self, *, title=None, figsize=(15, 4.2), fig=None):
        """Learning curves against the baseline, memory influence and gradient flow.

        Parameters
        ----------
        title : str, default=None
            Title of the figure; by default the estimator and the overall status.
        figsize : tuple of (float, float), default=(15, 4.2)
            Size of a new figure, in inches.
        fig : :class:`~matplotlib.figure.Figure`, default=None
            A figure to draw into (cleared first); by default a new one.

        Returns
        -------
        fig : :class:`~matplotlib.figure.Figure`
            Three panels: training loss per epoch of the model and of the memoryless baseline
            (validation loss dashed when recorded), influence of the input ``lag`` steps back,
            and the gradient norm against the distance from the loss (log scale).
        """
        from matplotlib.figure import Figure

        if fig is None:
            fig = Figure(figsize=figsize, layout="constrained")
        else:
            fig.clear()
            fig.set_layout_engine("constrained")
        ax_loss, ax_mem, ax_grad = fig.subplots(1, 3)
        for name, frame, color in (("model", self.history, "tab:blue"),
                                   ("memoryless baseline", self.baseline_history, "tab:grey")):
            if frame is None or not len(frame):
                continue
            ax_loss.plot(frame["epoch"], frame["train_loss"], color=color, label=f"{name}: train")
            if "valid_loss" in frame and frame["valid_loss"].notna().any():
                ax_loss.plot(frame["epoch"], frame["valid_loss"], color=color, ls="--",
                             label=f"{name}: valid")
        ax_loss.set_xlabel("epoch (or partial_fit call)")
        ax_loss.set_ylabel("loss")
        losses = self.history["train_loss"].to_numpy(float) if len(self.history) else []
        if len(losses) and np.all(np.isfinite(losses)) and np.min(losses) > 0 and \
                np.max(losses) > 20 * np.min(losses):
            ax_loss.set_yscale("log")
        ax_loss.set_title("learning curves", fontsize="medium")
        if ax_loss.lines:
            ax_loss.legend(fontsize="small")
        if len(self.memory):
            ax_mem.bar(self.memory["lag"], self.memory["influence"], width=0.8,
                       color="tab:green")
        ax_mem.set_xlabel("lag k (timesteps back)")
        ax_mem.set_ylabel("influence of x[t - k] on the output at t")
        ax_mem.set_title("memory influence (trained)", fontsize="medium")
        flow = self.gradient_flow
        if len(flow):
            for column, style in (("initial", ":"), ("trained", "-")):
                values = flow[column].to_numpy(float)
                keep = np.isfinite(values) & (values > 0)
                ax_grad.plot(flow["distance"][keep], values[keep], style, marker="o", ms=3,
                             label=f"{column}")
            ax_grad.set_yscale("log")
            ax_grad.legend(fontsize="small")
        ax_grad.set_xlabel("distance from the loss (timesteps)")
        ax_grad.set_ylabel("|d loss / d hidden state|")
        ax_grad.set_title("gradient flow through time", fontsize="medium")
        for ax in (ax_loss, ax_mem, ax_grad):
            ax.grid(True, alpha=0.3)
        fig.suptitle(title or f"Diagnosis of {type(self.estimator).__name__}: {self.status} "
                     f"({', '.join(self._flagged()) or 'no warning'})", fontsize="medium")
        return fig

    def _flagged(self):
        return [f"{r.check} {r.status}" for r in self.findings.itertuples(index=False)
                if r.status != "ok"]


# --------------------------------------------------------------------------------------------
# Data helpers
# --------------------------------------------------------------------------------------------

@dataclass
class _Data:
    """Validated sequences and targets in the canonical layouts the estimators accept."""

    X: object            # (n, T, F) array or list of (T_i, F) arrays
    y: object            # array in the shape of y, or list of per-sequence arrays
    lengths: np.ndarray  # (n,) true lengths
    ragged: bool

    @property
    def n_samples(self):
        return len(self.lengths)

    def take(self, index):
        index = np.asarray(index)
        if self.ragged:
            return _Data([self.X[i] for i in index], [self.y[i] for i in index]
                         if isinstance(self.y, list) else self.y[index],
                         self.lengths[index], True)
        return _Data(self.X[index], self.y[index], self.lengths[index], False)

    def window(self, start, stop):
        """Timesteps ``start:stop`` of every (equal-length, per-timestep) sequence."""
        return _Data(self.X[:, start:stop], self.y[:, start:stop],
                     np.full(self.n_samples, len(range(start, min(stop, self.X.shape[1])))),
                     False)


def _canonical(X, y, net):
    sequences = check_sequences(X, estimator=net)
    output = getattr(net, "output_", None) or getattr(net, "output", "auto")
    targets, output, target_ndim = check_sequence_targets(
        y, sequences, output=output, allow_multi_target=True, estimator=net,
        numeric=not is_classifier(net))
    lengths = sequences.true_lengths()
    if output == "last":
        y_c = targets[:, 0] if target_ndim == 1 else targets
    else:
        y_c = targets[..., 0] if target_ndim == 2 else targets
    if sequences.ragged:
        X_c = unpad_sequences(sequences.values, lengths)
        if output == "sequence":
            y_c = unpad_sequences(y_c, lengths)
        return _Data(list(X_c), y_c if isinstance(y_c, np.ndarray) else list(y_c), lengths,
                     True), output
    return _Data(sequences.values, y_c, lengths, False), output


def _split(data, output, validation_fraction, rng):
    """Training and validation parts: by sequences, or by time for one or a few streams."""
    n = data.n_samples
    if n >= 5:
        order = rng.permutation(n)
        n_valid = max(1, int(round(validation_fraction * n)))
        return data.take(np.sort(order[n_valid:])), data.take(np.sort(order[:n_valid])), \
            "sequences"
    if output == "sequence" and not data.ragged:
        T = data.X.shape[1]
        cut = int(round((1 - validation_fraction) * T))
        if 1 <= cut < T:
            return data.window(0, cut), data.window(cut, T), "time"
    return data, None, "none"


def _history_frame(net):
    history = getattr(net, "history_", None)
    if not history:
        return pd.DataFrame({"epoch": [], "train_loss": []})
    rows = []
    for i, epoch in enumerate(history):
        row = {"epoch": i + 1, "train_loss": epoch.get("train_loss", np.nan)}
        if "valid_loss" in epoch:
            row["valid_loss"] = epoch["valid_loss"]
        rows.append(row)
    return pd.DataFrame(rows)


def _initial_loss(net):
    """The loss of the first training batch: the loss at initialization (None if unknown)."""
    try:
        return float(net.history_[0]["batches"][0]["train_loss"])
    except (TypeError, IndexError, KeyError):
        return None


# --------------------------------------------------------------------------------------------
# Network probes: memory influence and gradient flow
# --------------------------------------------------------------------------------------------

def _module_device(module):
    param = next(module.parameters(), None)
    return torch.device("cpu") if param is None else param.device


def _padded(data, index):
    """Padded float32 tensor ``(b, T, F)`` and lengths of the sequences ``index``."""
    if data.ragged:
        seqs = [np.asarray(data.X[i], dtype=np.float32) for i in index]
        T = max(len(s) for s in seqs)
        X = np.zeros((len(seqs), T, seqs[0].shape[-1]), dtype=np.float32)
        for j, s in enumerate(seqs):
            X[j, :len(s)] = s.reshape(len(s), -1)
        return X, data.lengths[index]
    return np.asarray(data.X[index], dtype=np.float32), data.lengths[index]


def _no_cudnn(device):
    # cuDNN refuses the backward pass of recurrent layers in eval mode.
    if device.type == "cuda":
        return torch.backends.cudnn.flags(enabled=False)
    import contextlib

    return contextlib.nullcontext()


def _forward(module, X, lengths, ragged):
    out, _ = module(X, lengths=lengths if ragged else None)
    return out


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
    X_np, lengths_np = _padded(data, index)
    B, T, _ = X_np.shape
    X = torch.from_numpy(X_np).to(device).requires_grad_(True)
    lengths = torch.from_numpy(np.asarray(lengths_np, dtype=np.int64)).to(device)
    classifier = is_classifier(net)
    total = np.zeros(T)
    count = np.zeros(T)
    with _no_cudnn(device), torch.enable_grad():
        out = _forward(module, X, lengths, data.ragged)
        if classifier:
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
            keep = (lag >= 0) & (s < lengths_np[:, None])
            total += np.bincount(lag[keep], weights=grad_abs[keep], minlength=T)[:T]
            count += np.bincount(lag[keep], minlength=T)[:T]
    influence = np.divide(total, count, out=np.zeros(T), where=count > 0)
    n_lags = int(count.nonzero()[0].max()) + 1 if count.any() else 1
    if max_lag is not None:
        n_lags = min(n_lags, int(max_lag) + 1)
    influence = influence[:n_lags]
    peak = influence.max() if influence.size and influence.max() > 0 else 1.0
    return pd.DataFrame({"lag": np.arange(n_lags), "influence": influence / peak})


def _probe_data(data, max_length=200):
    """Long equal-length sequences cut into windows of ``max_length`` for the probes."""
    if data.ragged or data.X.shape[1] <= max_length:
        return data
    n = data.X.shape[1] // max_length
    X = data.X[:, :n * max_length].reshape(-1, max_length, data.X.shape[2])
    y = np.asarray(data.y)
    y = y[:, :n * max_length].reshape(-1, max_length, *y.shape[2:]) if y.ndim >= 2 and \
        y.shape[1] == data.X.shape[1] else np.repeat(y, n, axis=0)
    return _Data(X, y, np.full(len(X), max_length), False)


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


def _rnn_state_parts(state):
    """The tensors of a state tuple that are hidden states (not fed-back outputs)."""
    return list(state) if isinstance(state, tuple) else [state]


def _n_rnn_states(module):
    return getattr(module, "n_rnn_states", 2 if getattr(module, "cell", "") == "lstm" else 1)


def _encoded_targets(net, y_np):
    """Targets of one timestep (or per sequence) as the loss expects them: codes or (b, k)."""
    if is_classifier(net):
        return torch.from_numpy(net.label_encoder_.transform(np.ravel(y_np)).astype(np.int64))
    y_np = np.asarray(y_np, dtype=np.float32)
    return torch.from_numpy(y_np.reshape(len(y_np), -1))


def gradient_flow(net, data, *, n_sequences=16, n_distances=10, distances=None,
                  random_state=0):
    """Norm of d loss / d hidden state by distance from the loss, fresh and trained.

    The sequences are cut in two: the network reads the prefix and hands its final state (a
    leaf that requires grad) to a second call on the suffix, whose last timestep holds the loss.
    This uses only the network's public ``forward(X, lengths, state)`` and is exact for any
    network whose state is the whole memory; the distance is the suffix length.
    """
    module = copy.deepcopy(net.module_)
    device = _module_device(module)
    rng = check_random_state(random_state)
    lengths_all = data.lengths
    T = int(np.median(lengths_all))
    candidates = np.flatnonzero(lengths_all >= T)
    index = np.sort(rng.choice(candidates, min(n_sequences, len(candidates)), replace=False))
    X_np, _ = _padded(data, index)
    X = torch.from_numpy(np.ascontiguousarray(X_np[:, :T])).to(device)
    output = getattr(net, "output_", "sequence")
    if output == "sequence":
        y_np = [np.asarray(data.y[i])[T - 1] for i in index] if data.ragged else \
            np.asarray(data.y)[index][:, T - 1]
    else:
        y_np = np.asarray(data.y)[index] if not data.ragged or not isinstance(data.y, list) \
            else np.asarray([data.y[i] for i in index])
    y_last = _encoded_targets(net, np.asarray(y_np)).to(device)
    if T < 2:
        return pd.DataFrame({"distance": [], "initial": [], "trained": []})
    if distances is None:
        distances = np.unique(np.round(np.geomspace(1, T - 1, n_distances)).astype(int))
    distances = [int(d) for d in distances if 1 <= d <= T - 1]
    step = int(getattr(net, "patch_size", None) or 1) if \
        isinstance(getattr(net, "patch_size", None), Integral) else 1
    if step > 1:  # patches: cut the sequences at patch boundaries only
        distances = sorted({max(step, d // step * step) for d in distances if d >= step})
    n_states = _n_rnn_states(module)
    result = {}
    for name, mod in (("initial", _fresh_copy(module, int(rng.randint(2**31 - 1)))),
                      ("trained", module)):
        mod.eval()
        norms = []
        with _no_cudnn(device), torch.enable_grad():
            for d in distances:
                _, state = mod(X[:, :T - d])
                if state is None:  # a memoryless network: no state, no flow through time
                    return pd.DataFrame({"distance": [], "initial": [], "trained": []})
                parts = _rnn_state_parts(state)
                leaves = [p.detach().requires_grad_(True) for p in parts[:n_states]]
                state = tuple(leaves + [p.detach() for p in parts[n_states:]]) \
                    if isinstance(state, tuple) else leaves[0]
                out, _ = mod(X[:, T - d:], state=state)
                last = out[:, -1] if out.ndim == 3 else out
                loss = net.get_loss(last, y_last, X=None, training=False)
                grads = torch.autograd.grad(loss, leaves, allow_unused=True)
                total = sum((g.double() ** 2).sum(dim=(0, 2)) for g in grads if g is not None)
                norms.append(float(torch.sqrt(total).mean()) * len(index)
                             if torch.is_tensor(total) else 0.0)
        result[name] = norms
    return pd.DataFrame({"distance": distances, **result})


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------

def _finding(check, status, evidence, advice=""):
    return {"check": check, "status": status, "evidence": evidence, "advice": advice}


def _check_convergence(net, history, *, chunked, diverged=None):
    if diverged is not None:
        return _finding("convergence", "fail", f"training diverged: {diverged}",
                        "lower lr (e.g. lr=" f"{net.lr / 10:g}), keep gradient clipping on "
                        "(callbacks__gradient_clip__gradient_clip_value=1.0) and scale the "
                        "inputs and targets (SequenceScaler)")
    losses = history["train_loss"].to_numpy(float) if len(history) else np.array([])
    if not len(losses):
        return _finding("convergence", "ok", "not checked: the estimator has no training "
                        "history")
    if not np.all(np.isfinite(losses)):
        bad = int(np.flatnonzero(~np.isfinite(losses))[0]) + 1
        return _finding("convergence", "fail", f"the training loss became {losses[bad - 1]} in "
                        f"epoch {bad}: training diverged",
                        f"lower lr (e.g. lr={net.lr / 10:g}) and scale the inputs and targets")
    n = len(losses)
    unit = "partial_fit call" if chunked else "epoch"
    start = _initial_loss(net)
    start = losses[0] if start is None or not np.isfinite(start) else start
    if n == 1 and not chunked:
        batches = [b.get("train_loss", np.nan) for epoch in net.history_
                   for b in epoch.get("batches", []) if "train_loss" in b]
        if len(batches) >= 4:  # one epoch: follow its batches
            losses, n, unit = np.asarray(batches, dtype=float), len(batches), "batch"
        else:
            return _finding("convergence", "ok", f"not measured: one epoch of "
                            f"{len(batches)} batch(es), loss {losses[0]:.4g}")
    w = max(1, n // 10)
    end = float(np.mean(losses[-w:]))
    prev = float(np.mean(losses[-2 * w:-w])) if n >= 2 * w + 1 or n >= 2 else end
    if n < 2:
        prev = start
    n_iter = getattr(net, "n_iter_", n)
    best = getattr(net, "best_epoch_", None)
    scale = max(abs(start), 1e-12)
    total = (start - end) / scale
    recent = (prev - end) / scale
    evidence = (f"training loss {start:.4g} at the start, {end:.4g} at the end "
                f"({n} {unit}{'s' if n != 1 else ''}; {100 * total:.1f}% lower)")
    if best is not None:
        evidence += f"; best epoch {best}"
    if end <= 1e-3 * scale:
        return _finding("convergence", "ok", evidence)
    if total < 0.01:
        return _finding("convergence", "fail", evidence + ": no progress from the start",
                        f"the optimizer does not move the loss: try another learning rate "
                        f"(lr={net.lr:g} now; e.g. {net.lr * 3:g} or {net.lr / 3:g}) and "
                        "scale the inputs and targets to unit scale")
    capped = chunked or n_iter >= getattr(net, "max_epochs", n) or best is None
    if recent > 0.01 and capped:
        more = f"max_epochs={2 * max(int(getattr(net, 'max_epochs', n)), 1)}"
        return _finding("convergence", "warn", evidence + f"; still falling at the end: "
                        f"{100 * recent:.1f}% of the initial loss over the last {w} {unit}(s)",
                        "train longer: more data or passes over the stream" if chunked else
                        f"raise max_epochs (e.g. {more}), or set n_iter_no_change/early_stopping "
                        "so that training stops when learned")
    return _finding("convergence", "ok", evidence + "; the loss has levelled off")


def _relative_error(model, baseline):
    """Fraction of the baseline's error (1 - score) that remains for the model."""
    base_err = 1.0 - baseline
    return (1.0 - model) / base_err if base_err > 1e-12 else np.inf


def _check_memory_use(net, scores, baseline_name):
    name = _SCORE_NAME[is_classifier(net)]
    model, base = scores.get("valid", scores.get("train")), scores.get("baseline")
    if base is None or model is None:
        return _finding("memory_use", "ok", "not checked: no memoryless baseline (baseline=False)")
    which = "validation" if "valid" in scores else "training"
    evidence = (f"{which} {name} {model:.3f} against {base:.3f} for {baseline_name} trained "
                "on the same data")
    if 1.0 - base < 0.01:
        return _finding("memory_use", "ok", evidence + ": the memoryless baseline is already "
                        "near perfect, the task may not need memory")
    ratio = _relative_error(model, base)
    evidence += f"; the model keeps {100 * min(ratio, 9.99):.0f}% of the baseline's error"
    advice = ("the network does not use its memory: check state_policy, truncation and "
              "gradient_flow below; a gated cell (cell='lstm' or 'gru') and enough epochs")
    if ratio > 0.9:
        return _finding("memory_use", "fail", evidence + ": not clearly better than no memory",
                        advice)
    if ratio > 0.5:
        return _finding("memory_use", "warn", evidence + ": only partly better than no memory",
                        advice)
    return _finding("memory_use", "ok", evidence)


def _horizon(memory, fraction=0.1):
    values = memory["influence"].to_numpy(float)
    if not len(values) or values.max() <= 0:
        return 0, 0
    peak = int(np.argmax(values))
    above = np.flatnonzero(values >= fraction * values.max())
    return peak, int(above.max())


def _check_memory_horizon(memory, required_memory):
    if not len(memory):
        return _finding("memory_horizon", "ok", "not measured")
    values = memory["influence"].to_numpy(float)
    peak, horizon = _horizon(memory)
    beyond = float(values[1:].max()) if len(values) > 1 else 0.0
    evidence = (f"the influence of past inputs peaks at lag {peak} and fades below 10% of its "
                f"peak after lag {horizon}")
    if required_memory is not None:
        evidence += f" (the task needs lag {required_memory})"
    advice_short = ("give the network what it needs to remember: state_policy='reset' for "
                    "independent sequences, tbptt_steps/chunks longer than the dependency, a "
                    "gated cell (lstm/gru)")
    if len(values) > 1 and beyond < 0.05:
        return _finding("memory_horizon", "warn", evidence + f"; every lag beyond 0 has less "
                        f"than {100 * beyond:.1f}% of the peak: the output depends on the "
                        "current input only", advice_short)
    if required_memory is not None:
        if required_memory >= len(values):
            return _finding("memory_horizon", "warn", evidence + f"; the sequences are too "
                            f"short ({len(values)} lags measured) to show lag {required_memory}",
                            "use sequences longer than the memory the task needs")
        if values[required_memory] < 0.1:
            return _finding("memory_horizon", "warn", evidence + f"; at lag {required_memory} "
                            f"the influence is {values[required_memory]:.3f} of the peak: "
                            "shorter than the memory the task needs", advice_short)
    return _finding("memory_horizon", "ok", evidence)


def _check_gradient_flow(net, flow, required_memory):
    if not len(flow):
        return _finding("gradient_flow", "ok", "not measured: no hidden state, or sequences "
                        "of one timestep")
    distances = flow["distance"].to_numpy()
    trained = flow["trained"].to_numpy(float)
    initial = flow["initial"].to_numpy(float)
    if not np.all(np.isfinite(trained)):
        return _finding("gradient_flow", "fail", "the gradient through time is not finite",
                        "lower lr and keep gradient clipping on "
                        "(callbacks__gradient_clip__gradient_clip_value=1.0)")
    target = required_memory if required_memory is not None else 20
    at = int(np.argmin(np.abs(distances - min(max(target, 1), int(distances.max())))))
    ratios = {name: values[at] / values[0] if values[0] > 0 else np.nan
              for name, values in (("initial", initial), ("trained", trained))}
    ratio = np.nanmax([ratios["initial"], ratios["trained"], 0.0])
    peak = float(np.nanmax(trained / trained[0])) if trained[0] > 0 else np.nan
    evidence = (f"|d loss / d state| at distance {distances[at]} is {ratios['trained']:.2g} x "
                f"its value at distance {distances[0]} after training "
                f"({ratios['initial']:.2g} x at initialization)")
    cell = getattr(net, "cell", None)
    fixes = []
    if cell == "rnn":
        fixes.append("a gated cell (cell='lstm' or 'gru')")
    if getattr(net, "patch_size", None) in (None, 1) and "patch_size" in net.get_params():
        fixes.append("patch_size=p to shorten the sequences p-fold")
    fixes.append("shorter sequences or a shorter dependency")
    if peak > 1e3:
        return _finding("gradient_flow", "warn", evidence + f"; it grows up to {peak:.3g} x: "
                        "exploding gradients",
                        "keep gradient clipping on (callbacks__gradient_clip__gradient_clip_"
                        "value=1.0), lower lr" + (", or cell='lstm'/'gru'" if cell == "rnn"
                                                  else ""))
    if not np.isfinite(ratio) or ratio < 1e-10:
        return _finding("gradient_flow", "fail", evidence + ": the gradient vanishes before it "
                        "reaches the inputs the task needs", "; ".join(fixes))
    if ratio < 1e-5:
        return _finding("gradient_flow", "warn", evidence + ": vanishing gradients",
                        "; ".join(fixes))
    return _finding("gradient_flow", "ok", evidence)


def _check_state_policy(net, scores, *, n_train, split, chunk_length, fitted_here):
    policy = getattr(net, "state_policy", None)
    if policy is None:
        return _finding("state_policy", "ok", f"{type(net).__name__} has no hidden state")
    name = _SCORE_NAME[is_classifier(net)]
    if not get_state_policy(policy).carries:
        if split == "time" and chunk_length is not None and n_train <= 4:
            return _finding("state_policy", "warn", f"state_policy={policy!r}, but the data "
                            "are consecutive chunks of a stream: each chunk starts from a "
                            "fresh state and forgets the previous one",
                            "state_policy='carry' for chunks of one stream")
        return _finding("state_policy", "ok", f"state_policy={policy!r}: every sequence starts "
                        "from its own initial state")
    shuffled = bool(net.get_params_for("iterator_train").get("shuffle", False))
    epochs = int(getattr(net, "max_epochs", 1))
    reset, carry = scores.get("valid_reset"), scores.get("valid_carry")
    measured = "" if reset is None else (f"; {name} at prediction {reset:.3f} from a reset "
                                         f"state against {carry:.3f} with the carried state")
    independent = n_train > 4 or (chunk_length is None and epochs > 1)
    if independent and (shuffled or epochs > 1 or n_train > 4):
        reason = "shuffled" if shuffled else (f"re-used over {epochs} epochs" if epochs > 1
                                              else "independent")
        return _finding("state_policy", "fail",
                        f"state_policy='carry' on {n_train} training sequences that are "
                        f"{reason}: each one starts from the state where an unrelated one "
                        f"ended{measured}",
                        "state_policy='reset' (or 'learned') for independent sequences; carry "
                        "only for consecutive chunks of a stream")
    if reset is not None and reset > carry + 0.05:
        return _finding("state_policy", "warn", f"state_policy='carry'{measured}",
                        "call reset_state() before predicting a new stream")
    return _finding("state_policy", "ok", "state_policy='carry' on consecutive chunks of "
                    f"{n_train} stream(s){measured}")


def _check_truncation(net, *, chunk_length, required_memory, n_timesteps, n_streams):
    tbptt = getattr(net, "tbptt_steps", None)
    accumulate = int(getattr(net, "accumulate_steps", 1) or 1)
    lengths = {"tbptt_steps": tbptt, "partial_fit chunks": chunk_length}
    lengths = {k: int(v) for k, v in lengths.items() if v is not None}
    if not lengths:
        evidence = f"full backpropagation through time over {n_timesteps} timesteps"
        if required_memory is not None and required_memory >= n_timesteps:
            return _finding("truncation", "warn", evidence + f", shorter than the dependency "
                            f"of {required_memory} timesteps", "use longer sequences")
        return _finding("truncation", "ok", evidence)
    source, L = min(lengths.items(), key=lambda item: item[1])
    use = "tbptt_steps" if source == "tbptt_steps" else "chunks (partial_fit) of"
    evidence = (f"gradients stop every {L} timestep{'s' if L != 1 else ''} ({source}={L}): "
                f"the loss at a timestep reaches at most {L - 1} step(s) back")
    status, advice = "ok", ""
    if required_memory is not None:
        need = max(2 * required_memory, required_memory + 1)
        evidence += f"; the task needs {required_memory}"
        if L <= required_memory:
            return _finding("truncation", "fail", evidence + ": no gradient ever reaches the "
                            "input the target depends on",
                            f"{use} at least {need} timesteps (e.g. {max(need, 10)})")
        if L < 2 * required_memory:
            status, advice = "warn", f"{use} {need} timesteps or more"
            evidence += ": only a few timesteps of each window learn the dependency"
    elif L == 1:
        return _finding("truncation", "fail", evidence + ": no gradient crosses a timestep, "
                        "so the network cannot learn to use any past input",
                        f"{use} at least 2 timesteps, better several times the memory the "
                        "task needs (e.g. 10)")
    elif L < 10:
        status, advice = "warn", f"{use} longer than the dependency (pass required_memory=)"
        evidence += ": enough only if the target depends on the last few inputs"
    # One stream, one optimizer step per short window: each step fits the latest points.
    per_step = L * accumulate * n_streams
    if n_streams <= 4 and per_step < 10:
        status = "warn"
        evidence += (f"; each optimizer step learns from only {per_step} timestep(s) of the "
                     "stream: the network chases the latest points")
        advice = "; ".join(filter(None, [advice, f"accumulate_steps={int(np.ceil(50 / L))} "
                                         "(an optimizer step per 50 timesteps or more)"]))
    return _finding("truncation", status, evidence, advice)


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


#: Per-sequence standard deviations whose 90th percentile is this many times their 10th:
#: amplitudes one global scaling cannot even out.
AMPLITUDE_SPREAD = 100.0


def _amplitude_spread(data):
    """Per feature, the 90th over the 10th percentile of the sequences' standard deviations."""
    if data.ragged:
        X, _ = pad_sequences([np.asarray(x, dtype=np.float64).reshape(len(x), -1)
                              for x in data.X])
    else:
        X = np.asarray(data.X, dtype=np.float64)
    _, stds = sequence_moments(torch.from_numpy(X), torch.as_tensor(data.lengths))
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


def _check_scaling(net, data, *, preprocessed):
    problems, fails = [], []
    standardized = _standardizes(net)
    X = _real_values(data, "X")
    mean, std = X.mean(axis=0), X.std(axis=0)
    size = np.maximum(np.abs(mean), std)
    evidence = [f"inputs: mean {_fmt(mean)}, std {_fmt(std)}"]
    if not standardized and not preprocessed:
        big = np.flatnonzero(size > 5)
        tiny = np.flatnonzero((std > 0) & (size < 0.05))
        if len(big):
            problems.append(f"input feature(s) {big.tolist()} reach {size[big].max():.3g}")
            if size[big].max() > 50:
                fails.append("inputs")
        if len(tiny):
            problems.append(f"input feature(s) {tiny.tolist()} vary by only "
                            f"{std[tiny].min():.2g}")
    per_sequence = getattr(net, "output_", None) == "last"
    if per_sequence and not getattr(net, "instance_norm_", False):
        spread = _amplitude_spread(data)
        wide = np.flatnonzero(spread > AMPLITUDE_SPREAD)
        if len(wide):
            problems.append(
                f"the sequences' amplitudes differ {spread[wide].max():.3g}-fold (90th over 10th "
                f"percentile of their standard deviations, feature(s) {wide.tolist()}), which "
                "one global scaling cannot even out")
    if not is_classifier(net):
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
    text = "; ".join(evidence)
    if preprocessed:
        text += " (after the pipeline's preprocessing)"
    if not problems:
        return _finding("scaling", "ok", text)
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
    return _finding("scaling", "fail" if fails else "warn", text + ": " + "; ".join(problems),
                    "; ".join(advice))


def _fmt(values):
    values = np.atleast_1d(values)
    text = ", ".join(f"{v:.3g}" for v in values[:4])
    return text + (", ..." if len(values) > 4 else "")


def _check_fit_gap(net, scores):
    name = _SCORE_NAME[is_classifier(net)]
    train, valid, base = scores.get("train"), scores.get("valid"), scores.get("baseline")
    if valid is None:
        return _finding("fit_gap", "ok", f"training {name} {train:.3f}; not checked: no "
                        "validation data (pass X_valid, y_valid)")
    gap = train - valid
    evidence = f"training {name} {train:.3f}, validation {valid:.3f}"
    if base is not None and train <= base + 0.5 * (1 - base):
        return _finding("fit_gap", "warn", evidence + f": underfitting (even on the training "
                        f"data it removes less than half of the memoryless baseline's error; "
                        f"baseline {base:.3f})",
                        "more capacity (hidden_size, num_layers), more epochs, and see the "
                        "checks above")
    if gap > 0.1:
        return _finding("fit_gap", "fail" if gap > 0.3 else "warn",
                        evidence + f": overfitting (gap {gap:.3f})",
                        "more training sequences, early_stopping=True, weight decay "
                        "(optimizer__weight_decay=1e-4), dropout with num_layers > 1, or a "
                        "smaller hidden_size")
    return _finding("fit_gap", "ok", evidence)


# --------------------------------------------------------------------------------------------
# diagnose
# --------------------------------------------------------------------------------------------

def _baseline_for(net, train, output, *, epochs, random_state):
    from .estimators import MemorylessClassifier, MemorylessRegressor

    cls = MemorylessClassifier if is_classifier(net) else MemorylessRegressor
    params = dict(output=output, max_epochs=max(int(epochs), 20), lr=net.lr,
                  batch_size=net.batch_size, random_state=random_state,
                  device=getattr(net, "device", "cpu"))
    if is_classifier(net):
        params["classes"] = list(net.classes_)
    baseline = cls(**params)
    data = train
    if train.n_samples <= 4 and output == "sequence" and not train.ragged:
        # One long stream: windows of 50 timesteps give the memoryless model many batches.
        T = train.X.shape[1]
        w = min(50, T)
        n = T // w
        data = _Data(train.X[:, :n * w].reshape(-1, w, train.X.shape[2]),
                     np.asarray(train.y)[:, :n * w].reshape(-1, w, *np.shape(train.y)[2:]),
                     np.full(train.n_samples * n, w), False)
    baseline.fit(data.X, data.y)
    return baseline


def _score(net, data):
    return float(net.score(data.X, data.y))


def _fit(est, train, chunk_length, *, classes):
    """Fit ``est`` on ``train``: with ``fit``, or ``partial_fit`` over consecutive chunks."""
    if chunk_length is None:
        return est.fit(train.X, train.y)
    T = train.X.shape[1]
    kwargs = {"classes": classes} if is_classifier(est) else {}
    for start in range(0, T, chunk_length):
        est.partial_fit(train.X[:, start:start + chunk_length],
                        train.y[:, start:start + chunk_length], **kwargs)
    return est


def diagnose(estimator, X, y, *, X_valid=None, y_valid=None, required_memory=None,
             chunk_length=None, validation_fraction=0.2, baseline=True, n_sequences=32,
             max_lag=None, random_state=0):
    """Diagnose why a recurrent estimator does (not) learn, on the user's own data.

    Parameters
    ----------
    estimator : estimator
        An :class:`~seqestimators.RNNClassifier`, :class:`~seqestimators.RNNRegressor` or
        :class:`~seqestimators.RNNForecaster` (or a :class:`~sklearn.pipeline.Pipeline` ending
        in one). Unfitted: a clone is fitted on a training part of ``X, y`` (``fit``, or
        ``partial_fit`` over chunks of ``chunk_length`` timesteps) and scored on the rest.
        Fitted: it is used as is; ``X, y`` are taken as its training data.
    X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
        Sequences in any layout the estimators accept (2D univariate, ragged lists, long
        frames).
    y : array-like or list of arrays
        Targets, as for ``fit``.
    X_valid, y_valid : default=None
        Held-out data. By default an unfitted estimator holds out ``validation_fraction`` of the
        sequences (or, for up to 4 streams, the last part of every stream); a fitted one has no
        validation data unless given.
    required_memory : int, default=None
        How many timesteps back the target depends on, when known (e.g. ``delay`` of
        :func:`~seqestimators.datasets.make_delayed_echo`). Sharpens ``memory_horizon``,
        ``gradient_flow`` and ``truncation``.
    chunk_length : int, default=None
        The set-up learns online: ``partial_fit`` on consecutive chunks of this many timesteps
        (one epoch per call with ``max_epochs=1``). The diagnosed fit does the same, and
        ``truncation`` checks the chunk length.
    validation_fraction : float, default=0.2
        Share of the sequences (or of each stream) held out.
    baseline : bool, default=True
        Fit the memoryless baseline (``memory_use``).
    n_sequences : int, default=32
        Sequences subsampled for the memory-influence curve (16 at most for the gradient flow).
    max_lag : int, default=None
        Longest lag of the memory-influence curve; by default the longest sequence.
    random_state : int, default=0
        Seeds the split, the subsamples and the baseline.

    Returns
    -------
    diagnosis : Diagnosis
        ``findings`` (one row per check in :data:`CHECKS`), ``memory``, ``gradient_flow``,
        ``plot()``, ``str()`` and ``_repr_html_`` for notebooks.

    Notes
    -----
    Cost: the diagnosed fit (on the training part), the memoryless baseline's fit (a
    per-timestep perceptron; a fraction of a recurrent fit) and forward/backward passes on the
    subsampled sequences: at most about twice the fit alone.

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.datasets import make_delayed_echo
    >>> from seqestimators.diagnostics import diagnose
    >>> X, y = make_delayed_echo(64, 20, random_state=0, return_X_y=True)
    >>> diagnosis = diagnose(RNNClassifier(cell="gru", hidden_size=8, max_epochs=2),
    ...                      X, y, required_memory=1)
    >>> list(diagnosis.findings.columns)
    ['check', 'status', 'evidence', 'advice']
    >>> diagnosis["convergence"]["status"]
    'warn'
    """
    started = time.perf_counter()
    if chunk_length is not None and (not isinstance(chunk_length, Integral) or chunk_length < 1):
        raise ValueError(f"chunk_length must be a positive int or None; got {chunk_length!r}.")
    if required_memory is not None and (not isinstance(required_memory, Integral)
                                        or required_memory < 0):
        raise ValueError(f"required_memory must be a non-negative int or None; got "
                         f"{required_memory!r}.")
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be in (0, 1); got {validation_fraction!r}.")
    rng = check_random_state(random_state)
    seed = int(rng.randint(2**31 - 1))

    fitted = _is_fitted(estimator)
    preprocess, net = None, estimator
    if isinstance(estimator, Pipeline):
        preprocess, net = estimator[:-1], estimator[-1]
        if not fitted:
            preprocess = clone(preprocess)
    if not fitted:
        net = clone(net)

    data, output = _canonical(X, y, net)
    if fitted:
        train, valid, split = data, None, "none"
    else:
        train, valid, split = _split(data, output, validation_fraction, rng)
    if X_valid is not None:
        valid, _ = _canonical(X_valid, y_valid, net)
        split = "given"
    if chunk_length is not None and (train.ragged or output != "sequence"):
        raise ValueError("chunk_length needs equal-length sequences with one target per "
                         "timestep (partial_fit over chunks of timesteps).")
    if preprocess is not None:
        if not fitted:
            preprocess.fit(train.X)
        train = _Data(_transform(preprocess, train), train.y, train.lengths, train.ragged)
        if valid is not None:
            valid = _Data(_transform(preprocess, valid), valid.y, valid.lengths, valid.ragged)

    fit_seconds, diverged, caught = 0.0, None, []
    if not fitted:
        from .callbacks import TrainingDivergedError

        classes = np.unique(np.concatenate([np.ravel(v) for v in train.y])) \
            if is_classifier(net) and isinstance(train.y, list) else \
            (np.unique(np.ravel(train.y)) if is_classifier(net) else None)
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                _fit(net, train, chunk_length, classes=classes)
            except TrainingDivergedError as exc:
                diverged = str(exc).split(":")[0]
        fit_seconds = time.perf_counter() - start
    else:
        check_is_fitted(net)
    history = _history_frame(net)
    del caught

    scores, baseline_est = {}, None
    findings = {}
    findings["convergence"] = _check_convergence(net, history, chunked=chunk_length is not None,
                                                 diverged=diverged)
    n_streams = train.n_samples
    T = int(train.lengths.max())
    findings["truncation"] = _check_truncation(net, chunk_length=chunk_length,
                                               required_memory=required_memory,
                                               n_timesteps=T, n_streams=n_streams)
    findings["scaling"] = _check_scaling(net, train, preprocessed=preprocess is not None)
    memory = pd.DataFrame({"lag": [], "influence": []})
    flow = pd.DataFrame({"distance": [], "initial": [], "trained": []})
    if diverged is None:
        scores["train"] = _score(net, _subsample(train, 256, rng))
        if valid is not None:
            if get_state_policy(getattr(net, "state_policy", "reset")).carries:
                carried = copy.deepcopy(net)
                scores["valid_carry"] = _score(carried, valid)
                reset = copy.deepcopy(net)
                reset.reset_state()
                scores["valid_reset"] = _score(reset, valid)
                # What the estimator, as configured, predicts: from the carried state.
                scores["valid"] = scores["valid_carry"]
            else:
                scores["valid"] = _score(net, valid)
        if baseline:
            epochs = len(history) if chunk_length is None else 1
            baseline_est = _baseline_for(net, train, output, epochs=epochs, random_state=seed)
            scores["baseline"] = _score(baseline_est, valid if valid is not None else train)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            probe = _probe_data(train)
            memory = memory_influence(net, probe, n_sequences=n_sequences, max_lag=max_lag,
                                      random_state=seed)
            extra = [] if required_memory is None else [required_memory]
            flow = gradient_flow(net, probe, n_sequences=min(16, n_sequences),
                                 random_state=seed, distances=_flow_distances(probe, extra))
    baseline_name = type(baseline_est).__name__ if baseline_est is not None else "baseline"
    findings["memory_use"] = _check_memory_use(net, scores, baseline_name)
    findings["memory_horizon"] = _check_memory_horizon(memory, required_memory)
    findings["gradient_flow"] = _check_gradient_flow(net, flow, required_memory)
    findings["state_policy"] = _check_state_policy(
        net, scores, n_train=n_streams, split=split, chunk_length=chunk_length,
        fitted_here=not fitted)
    findings["fit_gap"] = (_check_fit_gap(net, scores) if "train" in scores else
                           _finding("fit_gap", "ok", "not measured: training diverged"))
    table = pd.DataFrame([findings[c] for c in CHECKS])
    return Diagnosis(
        findings=table, memory=memory, gradient_flow=flow, history=history,
        baseline_history=None if baseline_est is None else _history_frame(baseline_est),
        scores=scores, estimator=estimator if fitted else net,
        timings={"fit": fit_seconds, "total": time.perf_counter() - started})


def _flow_distances(data, extra, n=10):
    T = int(np.median(data.lengths))
    if T < 2:
        return []
    grid = set(np.round(np.geomspace(1, T - 1, n)).astype(int).tolist())
    grid.update(d for d in extra if 1 <= d <= T - 1)
    return sorted(grid)


def _subsample(data, n, rng):
    if data.n_samples <= n:
        return data
    return data.take(np.sort(rng.choice(data.n_samples, n, replace=False)))


def _transform(preprocess, data):
    Xt = preprocess.transform(data.X)
    return list(Xt) if data.ragged else np.asarray(Xt)


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator[-1] if isinstance(estimator, Pipeline) else estimator)
    except Exception:  # noqa: BLE001 - NotFittedError and skorch's own variants
        return False
    return True


# --------------------------------------------------------------------------------------------
# Built-in tasks (for the command line)
# --------------------------------------------------------------------------------------------

def _required_memory(task_name, params):
    """The memory (in lags) a built-in task needs, from its generator's parameters."""
    if task_name == "delayed_echo":
        return int(params.get("delay", 1))
    if task_name == "ball_trajectory":
        return 1  # two consecutive heights give the velocity
    return None


def diagnose_task(task, *, n_samples=256, n_timesteps=None, task_params=None,
                  estimator_params=None, chunk_length=None, random_state=0):
    """Diagnose an estimator on a built-in task of the command line.

    Parameters
    ----------
    task : str
        A built-in task name or alias of ``seqestimators.cli.TASKS`` (``burst``, ``echo``, ...).
    n_samples : int, default=256
        Training sequences generated.
    n_timesteps : int, default=None
        Sequence length, for tasks whose generator takes it (the task's own by default).
    task_params : dict, default=None
        More keyword arguments of the task's generator (e.g. ``{"delay": 3}``).
    estimator_params : dict, default=None
        Parameters of the estimator (``RNNClassifier`` for class-label tasks, ``RNNRegressor``
        otherwise): ``cell``, ``hidden_size``, ``state_policy``, ``max_epochs``, ``lr``, ...
    chunk_length : int, default=None
        Learn online with ``partial_fit`` over chunks of this many timesteps.
    random_state : int, default=0
        Seed of the data, the estimator and the diagnosis.

    Returns
    -------
    diagnosis : Diagnosis
        The diagnosis (see :func:`diagnose`).
    """
    from . import RNNClassifier, RNNRegressor
    from .datasets.tasks import CLASSIFICATION_TASKS, TASK_ALIASES, TASKS

    name = TASK_ALIASES.get(task, task)
    if name not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose from {sorted(TASKS)} or "
                         f"{sorted(TASK_ALIASES)}")
    spec = TASKS[name]
    kwargs = dict(spec.size_kwargs)
    kwargs.update(task_params or {})
    if n_timesteps is not None:
        kwargs["n_timesteps"] = n_timesteps
    accepted = inspect.signature(spec.generator).parameters
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise ValueError(f"{spec.generator.__name__} has no parameter(s) {', '.join(unknown)}")
    bunch = spec.generator(n_samples, random_state=random_state, **kwargs)
    cls = RNNClassifier if name in CLASSIFICATION_TASKS else RNNRegressor
    params = {"random_state": random_state, **(estimator_params or {})}
    estimator = cls(**params)
    return diagnose(estimator, bunch.data, bunch.target,
                    required_memory=_required_memory(name, kwargs), chunk_length=chunk_length,
                    random_state=random_state)
