"""``memory_use``: the model's validation score next to a memoryless baseline's."""

from __future__ import annotations

import numpy as np

from ._cells import gated_cell_advice
from ._result import Check, finding, score_name


def relative_error(model, baseline):
    """Fraction of the baseline's error (1 - score) that remains for the model."""
    base_err = 1.0 - baseline
    return (1.0 - model) / base_err if base_err > 1e-12 else np.inf


def check_memory_use(ev, findings):
    scores = ev.scores
    name = score_name(ev.net)
    model, base = scores.get("valid", scores.get("train")), scores.get("baseline")
    if base is None or model is None:
        return finding("memory_use", "ok", "not checked: no memoryless baseline (baseline=False)")
    which = "validation" if "valid" in scores else "training"
    evidence = (f"{which} {name} {model:.3f} against {base:.3f} for {ev.baseline_name} trained "
                "on the same data")
    if 1.0 - base < 0.01:
        return finding("memory_use", "ok", evidence + ": the memoryless baseline is already "
                       "near perfect, the task may not need memory")
    ratio = relative_error(model, base)
    evidence += f"; the model keeps {100 * min(ratio, 9.99):.0f}% of the baseline's error"
    advice = ("the network does not use its memory: check state_policy, truncation and "
              f"gradient_flow below; {gated_cell_advice()} and enough epochs")
    if ratio > 0.9:
        return finding("memory_use", "fail", evidence + ": not clearly better than no memory",
                       advice)
    if ratio > 0.5:
        return finding("memory_use", "warn", evidence + ": only partly better than no memory",
                       advice)
    return finding("memory_use", "ok", evidence)


CHECK = Check("memory_use", check_memory_use,
              summary="the model's validation score next to a memoryless baseline trained on "
                      "the same data")
