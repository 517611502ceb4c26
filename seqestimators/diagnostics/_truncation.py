"""``truncation``: ``tbptt_steps`` or ``partial_fit`` chunks shorter than the dependency."""

from __future__ import annotations

import numpy as np

from ._result import Check, finding


def check_truncation(ev, findings):
    net, chunk_length, required_memory = ev.net, ev.chunk_length, ev.required_memory
    n_timesteps, n_streams = ev.n_timesteps, ev.n_streams
    tbptt = getattr(net, "tbptt_steps", None)
    accumulate = int(getattr(net, "accumulate_steps", 1) or 1)
    lengths = {"tbptt_steps": tbptt, "partial_fit chunks": chunk_length}
    lengths = {k: int(v) for k, v in lengths.items() if v is not None}
    if not lengths:
        evidence = f"full backpropagation through time over {n_timesteps} timesteps"
        if required_memory is not None and required_memory >= n_timesteps:
            return finding("truncation", "warn", evidence + f", shorter than the dependency "
                           f"of {required_memory} timesteps", "use longer sequences")
        return finding("truncation", "ok", evidence)
    source, L = min(lengths.items(), key=lambda item: item[1])
    use = "tbptt_steps" if source == "tbptt_steps" else "chunks (partial_fit) of"
    evidence = (f"gradients stop every {L} timestep{'s' if L != 1 else ''} ({source}={L}): "
                f"the loss at a timestep reaches at most {L - 1} step(s) back")
    status, advice = "ok", ""
    if required_memory is not None:
        need = max(2 * required_memory, required_memory + 1)
        evidence += f"; the task needs {required_memory}"
        if L <= required_memory:
            return finding("truncation", "fail", evidence + ": no gradient ever reaches the "
                           "input the target depends on",
                           f"{use} at least {need} timesteps (e.g. {max(need, 10)})")
        if L < 2 * required_memory:
            status, advice = "warn", f"{use} {need} timesteps or more"
            evidence += ": only a few timesteps of each window learn the dependency"
    elif L == 1:
        return finding("truncation", "fail", evidence + ": no gradient crosses a timestep, "
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
    return finding("truncation", status, evidence, advice)


CHECK = Check("truncation", check_truncation,
              summary="tbptt_steps or partial_fit chunks shorter than the dependency")
