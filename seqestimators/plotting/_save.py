"""Saving figures: save_figure."""

from __future__ import annotations

from pathlib import Path

__all__ = ["save_figure"]


def save_figure(fig, path, *, dpi=100):
    """Save a figure to a file, creating the parent folder when needed.

    Parameters
    ----------
    fig : :class:`~matplotlib.figure.Figure`
        The figure to save.
    path : str or path-like
        Destination; the format follows the suffix (``.png``, ``.svg``, ``.pdf``...).
    dpi : int, default=100
        Resolution of raster formats.

    Returns
    -------
    path : pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from seqestimators.plotting import plot_sequences, save_figure
    >>> fig = plot_sequences([[0.0, 1.0, 0.0]], [[1, 1, 0]])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_figure(fig, pathlib.Path(tmp) / "sub" / "fig.png").name
    'fig.png'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path


