"""``fit_gap``: training against validation score, over- or underfitting."""

from __future__ import annotations

from ._result import Check, finding, score_name


def check_fit_gap(ev, findings):
    scores = ev.scores
    if "train" not in scores:
        return finding("fit_gap", "ok", "not measured: training diverged")
    name = score_name(ev.net)
    train, valid, base = scores.get("train"), scores.get("valid"), scores.get("baseline")
    if valid is None:
        return finding("fit_gap", "ok", f"training {name} {train:.3f}; not checked: no "
                       "validation data (pass X_valid, y_valid)")
    gap = train - valid
    evidence = f"training {name} {train:.3f}, validation {valid:.3f}"
    if base is not None and train <= base + 0.5 * (1 - base):
        return finding("fit_gap", "warn", evidence + f": underfitting (even on the training "
                       f"data it removes less than half of the memoryless baseline's error; "
                       f"baseline {base:.3f})",
                       "more capacity (hidden_size, num_layers), more epochs, and see the "
                       "checks above")
    if gap > 0.1:
        return finding("fit_gap", "fail" if gap > 0.3 else "warn",
                       evidence + f": overfitting (gap {gap:.3f})",
                       "more training sequences, early_stopping=True, weight decay "
                       "(optimizer__weight_decay=1e-4), dropout with num_layers > 1, or a "
                       "smaller hidden_size")
    return finding("fit_gap", "ok", evidence)


CHECK = Check("fit_gap", check_fit_gap,
              summary="training against validation score: over- or underfitting")
