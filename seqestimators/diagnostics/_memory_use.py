"""``memory_use``: the model's validation score next to a memoryless baseline's."""

from __future__ import annotations

import numpy as np

from ._cells import gated_cell_advice, is_gated
from ._result import Check, finding, score_name


def relative_error(model, baseline):
    """Fraction of the baseline's error (1 - score) that remains for the model."""
    base_err = 1.0 - baseline
    return (1.0 - model) / base_err if base_err > 1e-12 else np.inf


#: A model that keeps at most this fraction of the memoryless baseline's error demonstrably
#: uses its memory: the probes' small derivatives at long lags (those of a saturated, latched
#: state) are then no sign of a network that cannot remember.
USES_MEMORY = 0.1


def kept_error(ev):
    """The fraction of the memoryless baseline's error the model keeps (None: not measured)."""
    model = ev.scores.get("valid", ev.scores.get("train"))
    base = ev.scores.get("baseline")
    if model is None or base is None or 1.0 - base < 0.01:
        return None
    return relative_error(model, base)


def already_uses_memory(ev):
    """A sentence saying that the model already uses its memory, or "" if that is not shown."""
    kept = kept_error(ev)
    if kept is None or kept > USES_MEMORY:
        return ""
    return (f"the model already removes {100 * (1 - kept):.0f}% of the memoryless baseline's "
            f"error (memory_use): it remembers what the task needs")


#: The checks whose warnings explain a network that does not use its memory.
CAUSES = ("state_policy", "truncation", "gradient_flow", "memory_horizon", "convergence",
          "scaling")


def _advice(ev, findings):
    """Where to look: the checks that flag a cause, or, when none does, what to change."""
    flagged = [f"{f.check} ({f.status})" for name in CAUSES
               if (f := findings.get(name)) is not None and f.status != "ok"]
    if flagged:
        return ("the network does not use its memory; the causes found: see "
                f"{', '.join(flagged)} and their fixes")
    net = ev.net
    fixes = []
    if is_gated(getattr(net, "cell", None)) is False:
        fixes.append(gated_cell_advice())
    epochs = int(getattr(net, "max_epochs", 1) or 1)
    fixes.append(f"more epochs (e.g. max_epochs={2 * epochs}) or a larger hidden_size")
    if ev.required_memory is None:
        fixes.append("pass required_memory= (how far back the target depends on the inputs) so "
                     "that gradient_flow, memory_horizon and truncation look at that distance")
    return "no other check names a cause; try " + "; ".join(fixes)


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
    advice = _advice(ev, findings)
    if ratio > 0.9:
        return finding("memory_use", "fail", evidence + ": not clearly better than no memory",
                       advice)
    if ratio > 0.5:
        return finding("memory_use", "warn", evidence + ": only partly better than no memory",
                       advice)
    return finding("memory_use", "ok", evidence)


CHECK = Check("memory_use", check_memory_use, needs=CAUSES,
              summary="the model's validation score next to a memoryless baseline trained on "
                      "the same data")
