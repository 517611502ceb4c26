"""What the plots share: colours, sequence lists and figures that pyplot does not manage."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..sequences import frame_to_sequences, is_ragged

INPUT_COLOR = "tab:blue"
TARGET_COLOR = "tab:red"
PREDICTION_COLOR = "tab:green"


def _as_sequence_list(X, name):
    """A list of 2D ``(n_timesteps_i, n_channels)`` arrays from a 2D/3D array or a ragged list."""
    if X is None:
        return None
    if hasattr(X, "to_numpy") and hasattr(X, "index") and getattr(X.index, "nlevels", 1) == 2:
        seqs = frame_to_sequences(X)
    elif is_ragged(X):
        seqs = [np.asarray(s) for s in X]
    else:
        seqs = np.asarray(X)
        if seqs.ndim not in (1, 2, 3):
            raise ValueError(
                f"{name} must be a 1D, 2D or 3D array or a list of arrays; got {seqs.ndim}D."
            )
        if seqs.ndim == 1:  # one value per sequence
            return [np.asarray(v).reshape(1, 1) for v in seqs]
        seqs = list(seqs)
    out = []
    for s in seqs:
        s = np.asarray(s, dtype=float)
        if s.ndim == 0:
            s = s.reshape(1, 1)
        elif s.ndim == 1:
            s = s[:, None]
        elif s.ndim != 2:
            raise ValueError(f"Each sequence of {name} must be 1D or 2D; got {s.ndim}D.")
        out.append(s)
    return out


def _per_sequence(y):
    """True when a target is one value per sequence (a 1D array of scalars)."""
    return y is not None and not is_ragged(y) and np.ndim(y) == 1


def _names(names, n, default):
    if names is None:
        return [f"{default}{j}" if n > 1 else default for j in range(n)]
    names = list(names)
    if len(names) != n:
        raise ValueError(f"Got {len(names)} names for {n} {default} channel(s).")
    return names


def _shades(color_map, n):
    """``n`` distinct shades from a matplotlib colormap, darkest first; the base colour if n=1."""
    from matplotlib import colormaps

    cmap = colormaps[color_map]
    return [cmap(v) for v in np.linspace(0.9, 0.45, n)]



def _new_figure(fig, figsize):
    """A fresh constrained-layout Figure, or ``fig`` cleared and given that layout."""
    if fig is None:
        return Figure(figsize=figsize, layout="constrained")
    fig.clear()
    fig.set_layout_engine("constrained")
    if figsize is not None:
        fig.set_size_inches(figsize)
    return fig

