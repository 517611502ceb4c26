"""``convergence``: the training loss diverged, stalled from the start, or was still falling."""

from __future__ import annotations

import numpy as np

from ._result import Check, finding


def check_convergence(ev, findings):
    net, history, chunked = ev.net, ev.history, ev.chunk_length is not None
    if ev.diverged is not None:
        return finding("convergence", "fail", f"training diverged: {ev.diverged}",
                       "lower lr (e.g. lr=" f"{net.lr / 10:g}), keep gradient clipping on "
                       "(callbacks__gradient_clip__gradient_clip_value=1.0) and scale the "
                       "inputs and targets (SequenceScaler)")
    losses = history["train_loss"].to_numpy(float) if len(history) else np.array([])
    if not len(losses):
        return finding("convergence", "ok", "not checked: the estimator has no training "
                       "history")
    if not np.all(np.isfinite(losses)):
        bad = int(np.flatnonzero(~np.isfinite(losses))[0]) + 1
        return finding("convergence", "fail", f"the training loss became {losses[bad - 1]} in "
                       f"epoch {bad}: training diverged",
                       f"lower lr (e.g. lr={net.lr / 10:g}) and scale the inputs and targets")
    n = len(losses)
    unit = "partial_fit call" if chunked else "epoch"
    start = ev.initial_loss
    start = losses[0] if start is None or not np.isfinite(start) else start
    if n == 1 and not chunked:
        batches = [b.get("train_loss", np.nan) for epoch in net.history_
                   for b in epoch.get("batches", []) if "train_loss" in b]
        if len(batches) >= 4:  # one epoch: follow its batches
            losses, n, unit = np.asarray(batches, dtype=float), len(batches), "batch"
        else:
            return finding("convergence", "ok", f"not measured: one epoch of "
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
        return finding("convergence", "ok", evidence)
    if total < 0.01:
        return finding("convergence", "fail", evidence + ": no progress from the start",
                       f"the optimizer does not move the loss: try another learning rate "
                       f"(lr={net.lr:g} now; e.g. {net.lr * 3:g} or {net.lr / 3:g}) and "
                       "scale the inputs and targets to unit scale")
    capped = chunked or n_iter >= getattr(net, "max_epochs", n) or best is None
    if recent > 0.01 and capped:
        more = f"max_epochs={2 * max(int(getattr(net, 'max_epochs', n)), 1)}"
        return finding("convergence", "warn", evidence + f"; still falling at the end: "
                       f"{100 * recent:.1f}% of the initial loss over the last {w} {unit}(s)",
                       "train longer: more data or passes over the stream" if chunked else
                       f"raise max_epochs (e.g. {more}), or set n_iter_no_change/early_stopping "
                       "so that training stops when learned")
    return finding("convergence", "ok", evidence + "; the loss has levelled off")


CHECK = Check("convergence", check_convergence,
              summary="the training loss diverged, stalled from the start, or was still "
                      "falling when max_epochs stopped it")
