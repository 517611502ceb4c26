"""``memory_horizon``: where the influence of past inputs peaks and fades."""

from __future__ import annotations

import numpy as np

from ..state import STATE_POLICIES, get_state_policy
from ._cells import gated_cell_advice, is_gated
from ._memory_use import already_uses_memory
from ._result import Check, finding


def horizon(memory, fraction=0.1):
    """The lag of the influence's peak and the last lag above ``fraction`` of the peak."""
    values = memory["influence"].to_numpy(float)
    if not len(values) or values.max() <= 0:
        return 0, 0
    peak = int(np.argmax(values))
    above = np.flatnonzero(values >= fraction * values.max())
    return peak, int(above.max())


def _advice(ev):
    """What lets the network remember, leaving out what the estimator already does."""
    net = ev.net
    fixes = []
    policy = getattr(net, "state_policy", None)
    if policy is not None and get_state_policy(policy).carries:
        fresh = [p.name for p in STATE_POLICIES.values() if not p.carries]
        fixes.append(f"state_policy={fresh[0]!r} for independent sequences")
    if getattr(net, "tbptt_steps", None) is not None or ev.chunk_length is not None:
        fixes.append("tbptt_steps/chunks longer than the dependency")
    if is_gated(getattr(net, "cell", None)) is False:
        fixes.append(gated_cell_advice())
    fixes.append("more epochs or a larger hidden_size (see convergence and fit_gap)")
    return "give the network what it needs to remember: " + "; ".join(fixes)


def check_memory_horizon(ev, findings):
    memory, required_memory = ev.memory, ev.required_memory
    if not len(memory):
        return finding("memory_horizon", "ok", "not measured")
    values = memory["influence"].to_numpy(float)
    peak, last = horizon(memory)
    beyond = float(values[1:].max()) if len(values) > 1 else 0.0
    evidence = (f"the influence of past inputs peaks at lag {peak} and fades below 10% of its "
                f"peak after lag {last}")
    if required_memory is not None:
        evidence += f" (the task needs lag {required_memory})"
    advice_short = _advice(ev)
    if len(values) > 1 and beyond < 0.05:
        return finding("memory_horizon", "warn", evidence + f"; every lag beyond 0 has less "
                       f"than {100 * beyond:.1f}% of the peak: the output depends on the "
                       "current input only", advice_short)
    if required_memory is not None:
        if required_memory >= len(values):
            return finding("memory_horizon", "warn", evidence + f"; the sequences are too "
                           f"short ({len(values)} lags measured) to show lag {required_memory}",
                           "use sequences longer than the memory the task needs")
        if values[required_memory] < 0.1:
            used = already_uses_memory(ev)
            if used:
                return finding("memory_horizon", "ok", evidence + f"; at lag {required_memory} "
                               f"the influence is {values[required_memory]:.3f} of the peak, "
                               f"but {used}")
            return finding("memory_horizon", "warn", evidence + f"; at lag {required_memory} "
                           f"the influence is {values[required_memory]:.3f} of the peak: "
                           "shorter than the memory the task needs", advice_short)
    return finding("memory_horizon", "ok", evidence)


CHECK = Check("memory_horizon", check_memory_horizon,
              summary="where the influence of past inputs peaks and fades, against the memory "
                      "the task needs (required_memory)")
