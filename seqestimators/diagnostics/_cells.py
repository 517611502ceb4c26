"""What the diagnosis asks of the cell registry."""

from __future__ import annotations

from ..networks import CELLS


def is_gated(cell):
    """Whether the cell called ``cell`` is gated (None for an unknown name or no cell)."""
    spec = CELLS.get(cell) if isinstance(cell, str) else None
    return None if spec is None else bool(spec.gated)


def gated_cell_advice():
    """``"a gated cell (cell='lstm' or 'gru')"``, from the registry."""
    names = [f"{name!r}" for name in CELLS if is_gated(name)]
    listed = " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else \
        "".join(names)
    return f"a gated cell (cell={listed})"
