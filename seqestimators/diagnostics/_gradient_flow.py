"""``gradient_flow``: vanishing or exploding gradients through time.

The verdict reads the trained curve that :meth:`Diagnosis.plot` draws (solid), at the distance
the task needs (``required_memory``; :data:`DEFAULT_DISTANCE` when it is not given), relative
to its value at the shortest distance.
"""

from __future__ import annotations

import numpy as np

from ._cells import gated_cell_advice, is_gated
from ._memory_use import already_uses_memory
from ._result import Check, finding

#: The distance at which the gradient is read when the task's memory is not given.
DEFAULT_DISTANCE = 20
#: Below this fraction of its value at the shortest distance the gradient vanishes (warn) ...
VANISHING = 1e-5
#: ... and below this one it is gone (fail).
GONE = 1e-10
#: Above this multiple it explodes (warn).
EXPLODING = 1e3


def _fixes(net, ungated):
    fixes = [gated_cell_advice()] if ungated else []
    if getattr(net, "patch_size", None) in (None, 1) and "patch_size" in net.get_params():
        fixes.append("patch_size=p to shorten the sequences p-fold")
    fixes.append("shorter sequences or a shorter dependency")
    return "; ".join(fixes)


def check_gradient_flow(ev, findings):
    net, flow, required_memory = ev.net, ev.flow, ev.required_memory
    if not len(flow):
        return finding("gradient_flow", "ok", "not measured: no hidden state, or sequences "
                       "of one timestep")
    distances = flow["distance"].to_numpy()
    trained = flow["trained"].to_numpy(float)
    initial = flow["initial"].to_numpy(float)
    if not np.all(np.isfinite(trained)):
        return finding("gradient_flow", "fail", "the gradient through time is not finite",
                       "lower lr and keep gradient clipping on "
                       "(callbacks__gradient_clip__gradient_clip_value=1.0)")
    target = required_memory if required_memory is not None else DEFAULT_DISTANCE
    at = int(np.argmin(np.abs(distances - min(max(target, 1), int(distances.max())))))
    ratios = {name: values[at] / values[0] if values[0] > 0 else np.nan
              for name, values in (("initial", initial), ("trained", trained))}
    ratio = ratios["trained"]
    peak = float(np.nanmax(trained / trained[0])) if trained[0] > 0 else np.nan
    evidence = (f"|d loss / d state| at distance {distances[at]} is {ratio:.2g} x its value at "
                f"distance {distances[0]} after training ({ratios['initial']:.2g} x at "
                "initialization)")
    if required_memory is None:
        evidence += (f"; read at distance {distances[at]} because the task's memory is not "
                     "given (pass required_memory=)")
    elif distances[at] < required_memory:
        evidence += (f"; the task needs {required_memory}, longer than the sequences the probe "
                     "reads")
    ungated = is_gated(getattr(net, "cell", None)) is False
    if peak > EXPLODING:
        return finding("gradient_flow", "warn", evidence + f"; it grows up to {peak:.3g} x: "
                       "exploding gradients",
                       "keep gradient clipping on (callbacks__gradient_clip__gradient_clip_"
                       "value=1.0), lower lr" + (f", or {gated_cell_advice()}" if ungated
                                                 else ""))
    if np.isfinite(ratio) and ratio >= VANISHING:
        return finding("gradient_flow", "ok", evidence)
    used = already_uses_memory(ev)
    if used:
        return finding("gradient_flow", "ok", evidence + f": it vanishes, but {used}")
    if not np.isfinite(ratio) or ratio < GONE:
        return finding("gradient_flow", "fail", evidence + ": the gradient vanishes before it "
                       "reaches the inputs the task needs", _fixes(net, ungated))
    return finding("gradient_flow", "warn", evidence + ": vanishing gradients",
                   _fixes(net, ungated))


CHECK = Check("gradient_flow", check_gradient_flow,
              summary="vanishing or exploding gradients through time")
