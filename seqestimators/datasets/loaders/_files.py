"""Where the dataset files are: the installed package data or the source tree's ``datasets/``."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

__all__ = [
    "SPLITS",
    "check_split",
    "data_dir",
    "read_card",
    "resource",
]


SPLITS = ("train", "test")


def data_dir():
    """Folder holding the dataset files.

    An installed wheel has them in ``seqestimators/_data``; an editable install or a source
    checkout reads the repository's top-level ``datasets/`` folder.

    Returns
    -------
    folder : importlib.resources.abc.Traversable or pathlib.Path
    """
    try:
        packaged = importlib.resources.files("seqestimators") / "_data"
        if packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError, OSError):  # pragma: no cover - exotic loaders
        pass
    source_tree = Path(__file__).resolve().parents[3] / "datasets"
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(
        "The seqestimators dataset files were not found: neither the installed package data "
        "'seqestimators/_data' nor the source tree's 'datasets/' folder exists. Reinstall "
        "seqestimators."
    )


def resource(*parts):
    """Path of a shipped file, e.g. ``resource("GunPoint", "GunPoint_TRAIN.ts")``."""
    path = data_dir()
    for part in parts:
        path = path / part
    return path


def read_card(name):
    """The data card (``README.md``) of dataset ``name``: its ``DESCR``."""
    return resource(name, "README.md").read_text(encoding="utf-8")


def check_split(split, func_name):
    """Return the tuple of splits to load, in order."""
    if split is None:
        return SPLITS
    if isinstance(split, str) and split in SPLITS:
        return (split,)
    raise ValueError(
        f"The 'split' parameter of {func_name} must be a str among {{'train', 'test'}} or None. "
        f"Got {split!r} instead."
    )
