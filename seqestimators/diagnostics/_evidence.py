"""What the checks read: the measurements of one diagnosis, gathered once."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Evidence:
    """The measurements of one diagnosis, shared by every check.

    Attributes
    ----------
    net : estimator
        The diagnosed (fitted) recurrent estimator (a pipeline's last step).
    train : Data
        The training part of the data (after the pipeline's preprocessing).
    split : {"sequences", "time", "given", "none"}
        How the validation data were obtained.
    history : DataFrame
        The per-epoch losses (:func:`~._data.history_frame`).
    initial_loss : float or None
        The loss of the first training batch, before any optimizer step.
    diverged : str or None
        Why training stopped with ``TrainingDivergedError``.
    scores : dict
        ``train``, ``valid``, ``baseline``, ``valid_reset``, ``valid_carry`` when measured.
    baseline_name : str
        The class name of the memoryless baseline.
    memory, flow : DataFrame
        The probes' curves (:func:`~._probes.memory_influence`, :func:`~._probes.gradient_flow`).
    required_memory, chunk_length : int or None
        The arguments of :func:`diagnose`.
    preprocessed : bool
        Whether a pipeline's steps transformed the inputs before the estimator.
    fitted_here : bool
        Whether :func:`diagnose` fitted the estimator itself.
    """

    net: object
    train: object
    split: str
    history: pd.DataFrame
    initial_loss: float | None = None
    diverged: str | None = None
    scores: dict = field(default_factory=dict)
    baseline_name: str = "baseline"
    memory: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"lag": [], "influence": []}))
    flow: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"distance": [], "initial": [], "trained": []}))
    required_memory: int | None = None
    chunk_length: int | None = None
    preprocessed: bool = False
    fitted_here: bool = True

    @property
    def n_streams(self):
        """Number of training sequences."""
        return self.train.n_samples

    @property
    def n_timesteps(self):
        """Length of the longest training sequence."""
        return int(self.train.lengths.max())
