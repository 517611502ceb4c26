"""What the diagnosis asks of the cell registry.

TEMPORARY: the registry's specs (``seqestimators.networks.CELLS``, name -> spec) are to expose
``gated`` (bool: whether the cell's gates let its state and gradient persist over long spans).
Until they do, :func:`is_gated` falls back on the layer class (a plain ``torch.nn.RNN`` is the
only ungated cell). The lead replaces the fallback by ``CELLS[name].gated``.
"""

from __future__ import annotations

import torch

from ..networks import CELLS


def is_gated(cell):
    """Whether the cell called ``cell`` is gated (None for an unknown name or no cell)."""
    spec = CELLS.get(cell) if isinstance(cell, str) else None
    if spec is None:
        return None
    gated = getattr(spec, "gated", None)
    if gated is None:  # the fallback until the specs say it (see the module's docstring)
        return not (isinstance(spec, type) and issubclass(spec, torch.nn.RNN))
    return bool(gated)


def gated_cell_advice():
    """``"a gated cell (cell='lstm' or 'gru')"``, from the registry."""
    names = [f"{name!r}" for name in CELLS if is_gated(name)]
    listed = " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else \
        "".join(names)
    return f"a gated cell (cell={listed})"
